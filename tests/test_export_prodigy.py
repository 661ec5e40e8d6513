"""Prodigy JSONL that Prodigy's recipes take: hashes, NER tasks whose entities never overlap,
span tasks with quotes and claims and relations between spans of the task. Prodigy itself is
not on the package index: the tasks are checked against its documented task format and loaded
with spaCy the way `data-to-spacy` builds its Docs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from seeded import seed_all_accepted
from spacy.tokens import Doc, Span
from spacy.training import offsets_to_biluo_tags

from tui.cli import main
from tui.export.jsonl import prodigy_hash
from tui.export.tokens import blank
from tui.model import Article
from tui.store import Library


@pytest.fixture(scope="module")
def library_path(nlp: Any, seed: Article, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed article with every suggestion accepted (entities overlap there: the analysis
    has nested mentions), and one with an entity inside another."""
    path = tmp_path_factory.mktemp("prodigy") / "lib.sqlite3"
    with Library(path) as library:
        store = seed_all_accepted(library, seed, nlp)
        nested = Article(text="The University of Paris said Paris will pay.", title="Nested")
        other = store.session(nested, "ana")
        other.create("ORG", 0, 23)
        other.create("GPE", 18, 23)  # inside the ORG
        other.create("CLAIM", 29, 43, "University of Paris", 4, 23)
    return path


def tasks(path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> list[dict[str, Any]]:
    assert main(["export", "--db", str(path), "--tasks", kind]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def doc_of(task: dict[str, Any]) -> Doc:
    words = [t["text"] for t in task["tokens"]]
    spaces = [t["ws"] for t in task["tokens"]]
    return Doc(blank().vocab, words=words, spaces=spaces)


def test_ner_tasks_have_entities_that_never_overlap(
    library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = tasks(library_path, capsys, "ner")
    assert len(found) == 2
    for task in found:
        assert task["_view_id"] == "ner_manual" and task["relations"] == []
        assert all(s["label"] not in ("QUOTE", "CLAIM") for s in task["spans"])
        taken: set[int] = set()
        for span in task["spans"]:
            tokens = set(range(span["token_start"], span["token_end"] + 1))
            assert not tokens & taken, span
            taken |= tokens
        # What data-to-spacy --ner does with them: BILUO tags, which refuse overlaps.
        doc = doc_of(task)
        offsets = [(s["start"], s["end"], s["label"]) for s in task["spans"]]
        assert "-" not in offsets_to_biluo_tags(doc, offsets)
    nested = next(t for t in found if t["meta"]["title"] == "Nested")
    assert [(s["start"], s["end"], s["label"]) for s in nested["spans"]] == [(0, 23, "ORG")]
    # Nothing is lost: the nested GPE is in Byline's own data.
    assert {(s["start"], s["end"], s["label"]) for s in nested["byline"]["spans"]} >= {
        (18, 23, "GPE")
    }


def test_span_tasks_hold_quotes_and_claims_and_relations_between_their_spans(
    library_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = tasks(library_path, capsys, "spans")
    seed_task = next(t for t in found if t["meta"]["title"] != "Nested")
    assert {s["label"] for s in seed_task["spans"]} == {"QUOTE", "CLAIM", "SPEAKER", "SOURCE"}
    assert seed_task["relations"]
    for task in found:
        assert task["_view_id"] == "spans_manual"
        spans = [
            {k: s[k] for k in ("start", "end", "token_start", "token_end", "label")}
            for s in task["spans"]
        ]
        for relation in task["relations"]:
            assert relation["head_span"] in spans and relation["child_span"] in spans
            assert relation["head"] == relation["head_span"]["token_end"]
            assert relation["child"] == relation["child_span"]["token_end"]
            assert (relation["label"], relation["head_span"]["label"]) in (
                ("SPEAKER", "QUOTE"),
                ("SOURCE", "CLAIM"),
            )
        # What data-to-spacy --spancat builds: a span group over the task's tokens.
        doc = doc_of(task)
        doc.spans["sc"] = [
            Span(doc, s["token_start"], s["token_end"] + 1, s["label"]) for s in task["spans"]
        ]
        assert [s.text for s in doc.spans["sc"]] == [
            task["text"][s["start"] : s["end"]] for s in task["spans"]
        ]
    nested = next(t for t in found if t["meta"]["title"] == "Nested")
    (relation,) = nested["relations"]
    assert (relation["head_span"]["start"], relation["child_span"]["start"]) == (29, 4)


def test_tasks_carry_prodigy_hashes(library_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ner, spans = tasks(library_path, capsys, "ner"), tasks(library_path, capsys, "spans")
    for a, b in zip(ner, spans, strict=True):
        for task in (a, b):
            assert all(
                isinstance(task[key], int) and -(2**31) <= task[key] < 2**31
                for key in ("_input_hash", "_task_hash")
            )
            assert task["_input_hash"] == prodigy_hash({"text": task["text"]}, ["text"])
            assert task["_task_hash"] == prodigy_hash(
                {"spans": task["spans"]}, ["spans"], prefix=str(task["_input_hash"])
            )
        assert a["_input_hash"] == b["_input_hash"]  # the same input...
        assert a["_task_hash"] != b["_task_hash"]  # ...asked about differently
    assert len({t["_input_hash"] for t in ner}) == 2

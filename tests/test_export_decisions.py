"""An export never asserts what nobody decided: a DocBin's tokens no decision covers are
missing, not O (until the article is marked done); articles with no decision are left out
(counted on stderr); a JSONL task's `answer` says whether the annotator vouched for it all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main
from tui.export.tokens import blank
from tui.model import Article
from tui.store import Library
from tui.store.annotations import Annotations, Span

TEXT = "Maria Silva met John Smith in Paris on Monday."
SUGGESTED = [
    Span(0, "PERSON", 0, 11),  # accepted below
    Span(0, "PERSON", 16, 26),  # rejected below
    Span(0, "GPE", 30, 35),  # left pending
    Span(0, "DATE", 39, 45),  # left pending
]


def build(path: Path, done: bool = False) -> None:
    with Library(path) as library:
        store = Annotations(library)
        session = store.session(Article(text=TEXT, title="Meeting"), "ana")
        session.suggest(SUGGESTED)
        ids = {(s.start, s.end): s.id for s in session.spans()}
        session.accept(ids[(0, 11)])
        session.reject(ids[(16, 26)])
        if done:
            session.mark_done()
        untouched = store.session(Article(text="Nobody looked at this one.", title="U"), "ana")
        untouched.suggest([Span(0, "ORG", 0, 6)])


def export(tmp_path: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["export", "--db", str(tmp_path / "lib.sqlite3"), *argv])
    out, err = capsys.readouterr()
    return status, out, err


def iob(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str, str]]:
    from spacy.tokens import DocBin

    output = tmp_path / "out.spacy"
    status, _, err = export(tmp_path, capsys, "--format", "spacy", "-o", str(output))
    assert status == 0, err
    (doc,) = DocBin().from_disk(output).get_docs(blank().vocab)
    return [(t.text, t.ent_iob_, t.ent_type_) for t in doc]


def test_docbin_tokens_nobody_decided_are_missing_not_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(tmp_path / "lib.sqlite3")
    assert iob(tmp_path, capsys) == [
        ("Maria", "B", "PERSON"),  # accepted
        ("Silva", "I", "PERSON"),
        ("met", "", ""),  # nobody decided
        ("John", "O", ""),  # a rejected suggestion: not that entity
        ("Smith", "O", ""),
        ("in", "", ""),
        ("Paris", "", ""),  # still pending: undecided
        ("on", "", ""),
        ("Monday", "", ""),
        (".", "", ""),
    ]


def test_docbin_of_an_article_marked_done_is_outside_where_no_entity_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(tmp_path / "lib.sqlite3", done=True)
    tags = iob(tmp_path, capsys)
    assert tags[:2] == [("Maria", "B", "PERSON"), ("Silva", "I", "PERSON")]
    # Done: the annotator vouches for the rest, pending suggestions included.
    assert [(iob_, label) for _, iob_, label in tags[2:]] == [("O", "")] * 8


@pytest.mark.parametrize("format_", ["jsonl", "csv", "doccano", "labelstudio", "spacy", "brat"])
def test_articles_nobody_decided_anything_on_are_left_out_and_counted(
    format_: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(tmp_path / "lib.sqlite3")
    output = tmp_path / f"out.{format_}"
    status, _, err = export(tmp_path, capsys, "--format", format_, "-o", str(output))
    assert status == 0
    assert err.splitlines() == [
        "left out 1 annotated article on which nothing was decided (only untouched suggestions)",
        f"exported 1 annotated article to {output}",
    ]


def test_jsonl_answer_is_accept_only_for_an_article_marked_done(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(tmp_path / "lib.sqlite3")
    _, out, _ = export(tmp_path, capsys)
    (task,) = [json.loads(line) for line in out.splitlines()]
    assert (task["answer"], task["meta"]["done"]) == ("ignore", False)
    with Library(tmp_path / "lib.sqlite3") as library:
        Annotations(library).session(Article(text=TEXT, title="Meeting"), "ana").mark_done()
    _, out, _ = export(tmp_path, capsys)
    (task,) = [json.loads(line) for line in out.splitlines()]
    assert (task["answer"], task["meta"]["done"]) == ("accept", True)

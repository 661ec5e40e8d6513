"""Export and import of annotations: a round trip per format gives the same annotations back,
Prodigy's inclusive token_end, a DocBin spaCy loads (and trains from), filters, bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tui.analysis import cached_analysis
from tui.cli import main
from tui.export import Annotated, collect
from tui.export.stats import kappa
from tui.export.tokens import tokenize
from tui.model import Article
from tui.store import Library
from tui.store.annotations import ACCEPTED, CLAIM, QUOTE, Annotations

FORMATS = ["jsonl", "spacy", "brat", "csv", "doccano", "labelstudio"]
OUTPUT = {
    "jsonl": "a.jsonl",
    "spacy": "a.spacy",
    "brat": "brat",
    "csv": "a.csv",
    "doccano": "a.jsonl",
    "labelstudio": "a.json",
}


@pytest.fixture(scope="module")
def annotated(nlp: Any, seed: Article, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library with the seed article annotated by two annotators (real suggestions), and a
    second article annotated by hand by one of them."""
    path = tmp_path_factory.mktemp("export") / "lib.sqlite3"
    with Library(path) as library:
        store = Annotations(library)
        analysis = cached_analysis(library, seed, lambda: nlp)
        ana = store.session(seed, "ana")
        ana.suggest(analysis)
        spans = ana.spans()
        quotes = [s for s in spans if s.label == QUOTE]
        claims = [s for s in spans if s.label == CLAIM]
        entities = [s for s in spans if s.kind == "entity"]
        ana.accept(*[s.id for s in entities[:20]], quotes[0].id, claims[0].id)
        ana.reject(entities[20].id, quotes[1].id)
        ana.set_speaker(quotes[2].id, "A typed name")  # no mention: accepted by the edit
        ana.set_note(quotes[0].id, "two lines\nof note")
        ana.relabel(entities[21].id, "ORG" if entities[21].label != "ORG" else "GPE")
        ana.move(entities[22].id, start=entities[22].start + 1)
        paragraph = seed.text.index("\n\nLittle relief")
        ana.create(QUOTE, paragraph - 10, paragraph + 20, "Someone", 0, 6)  # over a line break
        ana.create("PERSON", 7, 13, note="tab\tand back\\slash")
        ana.set_article_note("checked against the wire copy")
        ana.mark_done()
        ben = store.session(seed, "ben")
        ben.suggest(analysis)
        ben.accept(*[s.id for s in ben.spans()[:10]])
        other = Article(text="Maria Silva said the port reopens on Monday.", title="Port")
        store.session(other, "ana").create("PERSON", 0, 11)
    return path


def normal(records: list[Annotated]) -> list[Any]:
    """What must survive a round trip: per article and annotator, the spans (ids aside), the
    note and the done mark."""
    return sorted(
        (
            r.article.content_hash,
            r.annotator,
            (r.done, r.note),
            sorted(
                (
                    s.label,
                    s.start,
                    s.end,
                    s.status,
                    s.origin,
                    s.speaker,
                    s.speaker_start,
                    s.speaker_end,
                    s.note,
                )
                for s in r.spans
            ),
        )
        for r in records
    )


def records(db: Path, **filters: Any) -> list[Annotated]:
    with Library(db) as library:
        return list(collect(library, **filters))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("format_", FORMATS)
@pytest.mark.parametrize("only_accepted", [False, True])
def test_round_trip(
    format_: str,
    only_accepted: bool,
    annotated: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = tmp_path / OUTPUT[format_]
    filters = ["--only-accepted"] if only_accepted else []
    status, _, err = run(
        capsys, "export", "--db", str(annotated), "--format", format_, "-o", str(output), *filters
    )
    assert (status, err) == (0, f"exported 3 annotated articles to {output}\n")
    fresh = tmp_path / "fresh.sqlite3"
    if format_ == "csv":  # CSV has no text: the articles must be in the library already
        with Library(annotated) as source, Library(fresh) as target:
            target.add(source.get(e.id) for e in source.entries())
    status, out, err = run(capsys, "import-annotations", "--db", str(fresh), str(output))
    assert (status, err) == (0, "")
    assert out.startswith("imported ") and out.endswith(" in 3 articles (ana, ben)\n")
    expected = normal(records(annotated, only_accepted=only_accepted))
    assert normal(records(fresh)) == expected
    if only_accepted:
        assert all(s.status == ACCEPTED for r in records(fresh) for s in r.spans)
    # Imported again: the same annotations (nothing changes, so nothing is written).
    run(capsys, "import-annotations", "--db", str(fresh), str(output))
    assert normal(records(fresh)) == expected


def test_jsonl_is_prodigy_tasks_with_inclusive_token_end(
    annotated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "export", "--db", str(annotated), "--annotator", "ana")
    assert status == 0
    tasks = [json.loads(line) for line in out.splitlines()]
    assert len(tasks) == 2 and {t["_annotator_id"] for t in tasks} == {"ana"}
    task = tasks[0]
    assert task["answer"] == "accept" and task["meta"]["done"] is True
    assert task["byline"]["note"] == "checked against the wire copy"
    assert isinstance(task["_timestamp"], int)
    doc = tokenize(task["text"])
    tokens = task["tokens"]
    assert [t["text"] for t in tokens] == [t.text for t in doc]
    multi_token = 0
    for span in task["spans"]:
        first, last = tokens[span["token_start"]], tokens[span["token_end"]]
        assert first["start"] <= span["start"] < first["end"] and last["start"] < span["end"]
        reference = doc.char_span(span["start"], span["end"], alignment_mode="expand")
        assert (span["token_start"], span["token_end"]) == (reference.start, reference.end - 1)
        multi_token += span["token_end"] > span["token_start"]
    assert multi_token  # e.g. "Syrian opposition": token_end is the last token, inclusive
    statuses = {s["status"] for s in task["byline"]["spans"]}
    assert statuses == {"pending", "accepted", "rejected"}
    quote = next(q for q in task["quotes"] if q.get("note"))
    assert (
        quote["note"] == "two lines\nof note"
        and quote["text"] == task["text"][quote["start"] : quote["end"]]
    )
    typed = next(q for q in task["quotes"] if q["speaker"] == "A typed name")
    assert typed["speaker_start"] is None
    # A plain Prodigy span task (no Byline fields) reads as accepted spans, speakers from
    # relations, the mentions they point at not taken for spans.
    status, out, _ = run(
        capsys, "export", "--db", str(annotated), "--annotator", "ana", "--tasks", "spans"
    )
    spans_task = json.loads(out.splitlines()[0])
    assert any(r["label"] == "SPEAKER" for r in spans_task["relations"])
    plain = {k: spans_task[k] for k in ("text", "tokens", "spans", "relations", "answer", "meta")}
    from tui.export.jsonl import from_task

    record = from_task(plain, "plain")
    assert {s.status for s in record.spans} == {ACCEPTED}
    assert {s.label for s in record.spans} == {QUOTE, CLAIM}
    assert any(s.speaker for s in record.spans if s.label == QUOTE)


def test_docbin_loads_in_spacy_and_its_spans_equal_the_store(
    annotated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spacy.tokens import DocBin
    from spacy.training import Corpus
    from spacy.util import filter_spans

    from tui.export.tokens import blank

    output = tmp_path / "train.spacy"
    status, _, _ = run(
        capsys,
        "export",
        "--db",
        str(annotated),
        "--format",
        "spacy",
        "-o",
        str(output),
        "--annotator",
        "ana",
        "--done",
    )
    assert status == 0
    (doc,) = DocBin().from_disk(output).get_docs(blank().vocab)
    (record,) = records(annotated, annotator="ana", done=True)
    accepted = [s for s in record.spans if s.status == ACCEPTED]
    assert doc.text == record.article.text
    # Entities as whole tokens (a boundary inside a token widens to it; the exact offsets are
    # in doc.user_data, see the round trip), overlapping ones left to the longest.
    reference = tokenize(record.article.text)
    widened = [
        reference.char_span(s.start, s.end, s.label, alignment_mode="expand")
        for s in accepted
        if s.kind == "entity"
    ]
    expected_entities = sorted((e.start_char, e.end_char, e.label_) for e in filter_spans(widened))
    assert sorted((e.start_char, e.end_char, e.label_) for e in doc.ents) == expected_entities
    exact = {(s.start, s.end, s.label) for s in accepted if s.kind == "entity"}
    assert len(exact - set(expected_entities)) == 1  # the one moved inside a token
    for label, group, attribute in ((QUOTE, "quotes", "speakers"), (CLAIM, "claims", "sources")):
        mine = sorted((s.start, s.end, s.speaker) for s in accepted if s.label == label)
        theirs = doc.spans[group]
        names = [who["name"] if who else None for who in theirs.attrs[attribute]]
        # As whole tokens, like the entities.
        assert len(theirs) == len(mine)
        for (start, end, speaker), span, name in zip(
            mine, sorted(theirs, key=lambda s: s.start_char), names, strict=True
        ):
            widened = reference.char_span(start, end, alignment_mode="expand")
            assert (span.start_char, span.end_char) == (widened.start_char, widened.end_char)
            assert name == speaker or name in {m[2] for m in mine}
    # `spacy train` reads it with its Corpus reader.
    examples = list(Corpus(str(output))(blank()))
    assert len(examples) == 1 and len(examples[0].reference.ents) == len(expected_entities)


def test_brat_files(annotated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "export", "--db", str(annotated), "--format", "brat", "-o", str(tmp_path / "b"))
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "ana",
        "annotation.conf",
        "ben",
        "visual.conf",
    ]
    ann = sorted((tmp_path / "b" / "ana").glob("*.ann"))[0].read_text("utf-8")
    text = sorted((tmp_path / "b" / "ana").glob("*.txt"))[0].read_text("utf-8")
    lines = ann.splitlines()
    for line in lines:
        if line.startswith("T"):
            _, where, shown = line.split("\t")
            pieces = [tuple(map(int, p.split())) for p in where.split(" ", 1)[1].split(";")]
            assert shown == " ".join(text[s:e] for s, e in pieces)
    assert any(";" in line.split("\t")[1] for line in lines if line.startswith("T"))
    assert any(line.startswith("R") and "\tSpeaker Arg1:T" in line for line in lines)
    assert any(line.startswith("A") and line.endswith(" rejected") for line in lines)
    assert any("\tAnnotatorNotes " in line and "two lines\\nof note" in line for line in lines)


def test_csv_rows_and_stdout(annotated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "export",
        "--db",
        str(annotated),
        "--format",
        "csv",
        "--only-accepted",
        "--annotator",
        "ben",
    )
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 10 and {r["status"] for r in rows} == {"accepted"}
    assert {r["annotator"] for r in rows} == {"ben"}
    assert all(r["text"] for r in rows)


def test_usage_and_bad_input(
    annotated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "export", "--db", str(annotated), "--format", "spacy")
    assert (status, err) == (2, "byline: --format spacy needs -o a file\n")
    bad = tmp_path / "bad.jsonl"
    good = {"text": "Maria Silva spoke.", "spans": [{"start": 0, "end": 11, "label": "PERSON"}]}
    bad.write_text(
        "\n".join(
            [
                json.dumps(good),
                "{not json",
                json.dumps({"text": "x", "spans": [{"start": 0, "end": 9, "label": "PERSON"}]}),
                json.dumps({"text": "\x1b[31mred", "spans": []}),
                json.dumps({**good, "answer": "reject"}),
            ]
        ),
        "utf-8",
    )
    fresh = tmp_path / "fresh.sqlite3"
    status, out, err = run(
        capsys, "import-annotations", "--db", str(fresh), "--annotator", "cy", str(bad)
    )
    assert status == 1
    assert out == "imported 1 span in 1 article (cy)\n"
    problems = err.splitlines()
    assert len(problems) == 3 and all(p.startswith("byline: ") for p in problems)
    assert "line 2: invalid JSON" in problems[0]
    assert "0 <= start < end <= 1" in problems[1]
    assert "control characters" in problems[2]
    status, _, err = run(capsys, "import-annotations", "--db", str(fresh), str(tmp_path / "x.ods"))
    assert (status, err.count("\n")) == (2, 1) and "cannot tell the format" in err
    damaged = tmp_path / "damaged.spacy"
    damaged.write_bytes(b"\x00garbage")
    status, _, err = run(capsys, "import-annotations", "--db", str(fresh), str(damaged))
    assert status == 1 and "is not a spaCy DocBin" in err and err.count("\n") == 1


def test_stats_progress_and_kappa(annotated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert kappa(5, 0, 0, 5) == 1.0
    assert kappa(0, 5, 5, 0) == -1.0
    assert kappa(0, 0, 0, 10) is None  # nobody used the label: undefined
    status, out, _ = run(capsys, "stats", "--db", str(annotated), "--json")
    assert status == 0
    data = json.loads(out)
    ana, ben = data["annotators"]
    assert (ana["annotator"], ana["articles"], ana["done"]) == ("ana", 2, 1)
    assert (ben["annotator"], ben["accepted"], ben["done"]) == ("ben", 10, 0)
    (pair,) = data["agreement"]
    assert (pair["a"], pair["b"], pair["articles"]) == ("ana", "ben", 1)
    values = [v for v in pair["kappa"].values() if v is not None]
    assert values and all(-1 <= v <= 1 for v in values) and any(v < 1 for v in values)
    status, out, _ = run(capsys, "stats", "--db", str(annotated))
    assert out.startswith("ANNOTATOR") and "ana and ben: 1 article in common" in out


def test_csv_claim_source_has_its_own_column(
    annotated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "export", "--db", str(annotated), "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    claims = [r for r in rows if r["label"] == CLAIM and r["source"]]
    quotes = [r for r in rows if r["label"] == QUOTE and r["speaker"]]
    assert claims and quotes
    assert all(r["speaker"] == r["speaker_start"] == "" for r in claims)
    assert all(r["source"] == r["source_start"] == "" for r in quotes)
    assert all(r["source_start"] for r in claims if r["source_end"])
    # An older Byline CSV (a claim's source in `speaker`, no source columns) still reads.
    older = io.StringIO()
    names = [c for c in rows[0] if not c.startswith("source")]
    writer = csv.DictWriter(older, names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        if row["label"] == CLAIM:
            for part in ("", "_start", "_end"):
                row["speaker" + part] = row["source" + part]
        writer.writerow({name: row[name] for name in names})
    path = tmp_path / "older.csv"
    path.write_text(older.getvalue(), "utf-8")
    fresh = tmp_path / "fresh.sqlite3"
    with Library(annotated) as source, Library(fresh) as target:
        target.add(source.get(e.id) for e in source.entries())
    assert run(capsys, "import-annotations", "--db", str(fresh), str(path))[0] == 0
    assert normal(records(fresh)) == normal(records(annotated))


@pytest.mark.parametrize(
    "content",
    [
        '{"text": "Maria Silva spoke.", "label": ["positive"]}\n',  # doccano classification
        '{"text": "Maria Silva spoke.", "answer": "accept"}\n',  # Prodigy, nothing annotated
        "\n",
        "[]\n",
    ],
)
def test_an_import_that_reads_nothing_is_one_line_and_exit_1(
    content: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nothing.jsonl"
    path.write_text(content, "utf-8")
    status, out, err = run(capsys, "import-annotations", "--db", str(tmp_path / "l.db"), str(path))
    assert (status, out, err.count("\n")) == (1, "", 1)
    assert err.startswith(f"byline: {path}") and "Byline can read" in err


def test_a_doccano_file_is_read_by_its_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "doccano.jsonl"
    path.write_text(
        json.dumps({"text": "Maria Silva met Ahmed Ali.", "label": [[0, 11, "PERSON"]]})
        + "\n"
        + json.dumps(
            {
                "text": "Ann Lee said the port is shut.",
                "entities": [
                    {"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 7},
                    {"id": 2, "label": "QUOTE", "start_offset": 13, "end_offset": 29},
                ],
                "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "SPEAKER"}],
            }
        )
        + "\n",
        "utf-8",
    )
    db = tmp_path / "l.db"
    status, out, err = run(
        capsys, "import-annotations", "--db", str(db), "--annotator", "d", str(path)
    )
    assert (status, out, err) == (0, "imported 3 spans in 2 articles (d)\n", "")
    quote = next(s for r in records(db) for s in r.spans if s.label == QUOTE)
    assert (quote.speaker, quote.speaker_start, quote.speaker_end) == ("Ann Lee", 0, 7)


def test_a_spancat_docbin_from_elsewhere_gives_its_quotes_and_claims(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spacy.tokens import DocBin

    from tui.export.tokens import blank

    doc = blank().make_doc("Ann Lee said the port is shut.")
    doc.ents = [doc.char_span(0, 7, "PERSON")]
    doc.spans["sc"] = [doc.char_span(13, 29, "CLAIM"), doc.char_span(0, 3, "OTHER")]
    path = tmp_path / "corpus.spacy"
    DocBin(docs=[doc], store_user_data=True).to_disk(path)
    db = tmp_path / "lib.sqlite3"
    status, out, err = run(
        capsys, "import-annotations", "--db", str(db), "--annotator", "e", str(path)
    )
    assert (status, out, err) == (0, "imported 2 spans in 1 article (e)\n", "")
    (record,) = records(db)
    assert sorted((s.label, s.start, s.end) for s in record.spans) == [
        ("CLAIM", 13, 29),
        ("PERSON", 0, 7),
    ]


def test_span_tasks_round_trip_too_and_config_is_only_for_spacy(
    annotated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "spans.jsonl"
    status, _, _ = run(
        capsys, "export", "--db", str(annotated), "--tasks", "spans", "-o", str(output)
    )
    assert status == 0
    fresh = tmp_path / "fresh.sqlite3"
    assert run(capsys, "import-annotations", "--db", str(fresh), str(output))[0] == 0
    assert normal(records(fresh)) == normal(records(annotated))
    status, _, err = run(capsys, "export", "--db", str(annotated), "--config", "c.cfg")
    assert (status, err) == (
        2,
        "byline: --config is for --format spacy (a training config for the DocBin)\n",
    )

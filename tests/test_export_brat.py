"""brat that opens in brat: annotation.conf and visual.conf declare everything the .ann files
use, a third-party reader (pybrat) reads them, notes are AnnotatorNotes, done and the
article's note survive a round trip, and annotators never share a folder."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tui.analysis import cached_analysis
from tui.cli import main
from tui.export import Annotated, collect
from tui.export.brat import annotator_dir
from tui.model import Article
from tui.store import Library
from tui.store.annotations import ACCEPTED, QUOTE, Annotations


@pytest.fixture(scope="module")
def exported(nlp: Any, seed: Article, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("brat")
    with Library(base / "lib.sqlite3") as library:
        store = Annotations(library)
        session = store.session(seed, "ana")
        session.suggest(cached_analysis(library, seed, lambda: nlp))
        spans = session.spans()
        session.accept(*{s.id for s in spans[:30]} | {s.id for s in spans if s.kind != "entity"})
        session.reject(spans[30].id)
        quote = next(s for s in session.spans() if s.label == QUOTE and s.status == ACCEPTED)
        session.set_note(quote.id, "Speaker: not a speaker, a note")
        session.set_speaker(quote.id, "Someone Typed")
        session.set_article_note("second\tlook")
        session.mark_done()
    assert (
        main(
            [
                "export",
                "--db",
                str(base / "lib.sqlite3"),
                "--format",
                "brat",
                "-o",
                str(base / "out"),
            ]
        )
        == 0
    )
    return base


def conf_sections(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = []
        elif line.strip():
            sections[current].append(line)
    return sections


def test_the_configuration_declares_every_type_the_files_use(exported: Path) -> None:
    out = exported / "out"
    conf = conf_sections(out / "annotation.conf")
    entities = set(conf["entities"])
    relations = {line.split("\t")[0] for line in conf["relations"]}
    attributes = {line.split("\t")[0]: line for line in conf["attributes"]}
    assert "<OVERLAP>" in relations  # quotes hold entities: brat must allow overlaps
    used_types, used_relations, used_attributes = set(), set(), set()
    for ann in out.rglob("*.ann"):
        for line in ann.read_text("utf-8").splitlines():
            ident, rest = line.split("\t", 1)
            kind = rest.split(" ", 1)[0]
            if ident[0] == "T":
                used_types.add(kind)
            elif ident[0] == "R":
                used_relations.add(kind)
            elif ident[0] == "A":
                used_attributes.add(kind)
                if len(rest.split()) == 3:
                    assert rest.split()[2] in attributes[kind]
            else:
                assert ident[0] == "#" and kind == "AnnotatorNotes"  # brat's only note type
    assert used_types <= entities and used_relations <= relations - {"<OVERLAP>"}
    assert used_attributes <= set(attributes) and used_types
    visual = conf_sections(out / "visual.conf")
    assert set(visual) == {"labels", "drawing"}


def test_a_third_party_brat_reader_reads_it(exported: Path) -> None:
    from pybrat.parser import BratParser

    examples = BratParser(error="raise").parse(str(exported / "out" / "ana"))
    (example,) = examples
    with Library(exported / "lib.sqlite3") as library:
        (record,) = list(collect(library, annotator="ana"))
    assert example.text == record.article.text
    found = [(e.type, e.spans[0].start, e.spans[-1].end) for e in example.entities]
    stand_ins = {(start, end) for kind, start, end in found if kind in ("SPEAKER", "SOURCE")}
    spans = sorted(f for f in found if f[0] not in ("SPEAKER", "SOURCE"))
    assert spans == sorted((s.label, s.start, s.end) for s in record.spans)
    entity_offsets = {(s.start, s.end) for s in record.spans if s.kind == "entity"}
    mentions = {
        (s.speaker_start, s.speaker_end) for s in record.spans if s.speaker_start is not None
    }
    assert stand_ins == mentions - entity_offsets
    assert {r.type for r in example.relations} == {"Speaker", "Source"}


def test_done_the_article_note_and_a_note_like_a_speaker_survive(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh = tmp_path / "fresh.sqlite3"
    assert main(["import-annotations", "--db", str(fresh), str(exported / "out")]) == 0
    with Library(fresh) as library:
        (record,) = list(collect(library))
    # A tab in a note is stored as spaces (notes are sanitised like article text).
    assert (record.annotator, record.done, record.note) == ("ana", True, "second    look")
    quote = next(s for s in record.spans if s.note)
    assert (quote.speaker, quote.note) == ("Someone Typed", "Speaker: not a speaker, a note")
    ann = next((exported / "out" / "ana").glob("*.ann")).read_text("utf-8")
    assert "AnnotatorNotes" in ann and "Speaker: Someone Typed\\nSpeaker: not a speaker" in ann


def test_annotators_never_share_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["a;b", "a_b", ".", "..", "Ana", "ana", "a/b", "a-b", "_", "a b", "ÄNA", "äna"]
    folders = [annotator_dir(name) for name in names]
    assert len(set(folders)) == len(names)
    assert len({folder.lower() for folder in folders}) == len(names)  # case-insensitive disks
    assert all(re.fullmatch(r"[a-z0-9_]+(-[0-9a-f]{8})?", folder) for folder in folders)
    db = tmp_path / "lib.sqlite3"
    with Library(db) as library:
        store = Annotations(library)
        article = Article(text="Maria Silva met Ahmed Ali.", title="Met")
        for number, name in enumerate(names):
            store.session(article, name).create("PERSON", 0, 11, note=f"by {number}")
    assert main(["export", "--db", str(db), "--format", "brat", "-o", str(tmp_path / "b")]) == 0
    sidecars = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "b").glob("*/byline.json")]
    assert sorted(s["annotator"] for s in sidecars) == sorted(names)
    fresh = tmp_path / "fresh.sqlite3"
    capsys.readouterr()
    assert main(["import-annotations", "--db", str(fresh), str(tmp_path / "b")]) == 0
    with Library(fresh) as library:
        back: list[Annotated] = list(collect(library))
    assert sorted((r.annotator, r.spans[0].note) for r in back) == sorted(
        (name, f"by {number}") for number, name in enumerate(names)
    )

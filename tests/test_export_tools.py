"""doccano and Label Studio, both ways: the exports follow each tool's documented import
format (doccano: JSONL `text` + `label`, and `entities` + `relations`; Label Studio: a JSON
list of tasks whose `annotations[].result` hold `labels` regions and `relation`s), a labelling
configuration that declares every label is written beside the Label Studio file, and files
from the tools themselves (no Byline fields) are read, told apart by their content."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from seeded import seed_all_accepted

from tui.cli import main
from tui.export import collect
from tui.model import Article
from tui.store import Library
from tui.store.annotations import ACCEPTED, CLAIM, MACHINE, PENDING, QUOTE, Annotations


@pytest.fixture(scope="module")
def library_path(nlp: Any, seed: Article, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed article, every suggestion accepted, done; a second article not done."""
    path = tmp_path_factory.mktemp("tools") / "lib.sqlite3"
    with Library(path) as library:
        store = seed_all_accepted(library, seed, nlp)
        other = store.session(Article(text="Ann Lee said the port is shut.", title="P"), "ana")
        other.create("PERSON", 0, 7)
        other.create(CLAIM, 13, 29, "Ann Lee", 0, 7)
    return path


def export(path: Path, format_: str, output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", str(path), "--format", format_, "-o", str(output)]) == 0
    capsys.readouterr()


def test_doccano_records_follow_doccanos_import_format(
    library_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export(library_path, "doccano", tmp_path / "d.jsonl", capsys)
    lines = (tmp_path / "d.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 2
    for line in lines:
        record = json.loads(line)
        text = record["text"]
        for start, end, label in record["label"]:
            assert 0 <= start < end <= len(text) and isinstance(label, str)
        ids = [e["id"] for e in record["entities"]]
        assert len(ids) == len(set(ids))
        for entity in record["entities"]:
            assert 0 <= entity["start_offset"] < entity["end_offset"] <= len(text)
        for relation in record["relations"]:
            assert {relation["from_id"], relation["to_id"]} <= set(ids)
            assert relation["type"] in ("SPEAKER", "SOURCE")
        assert isinstance(record["Comments"], list)
    claim = json.loads(lines[1])
    (relation,) = claim["relations"]
    by_id = {e["id"]: e for e in claim["entities"]}
    assert (by_id[relation["from_id"]]["label"], by_id[relation["to_id"]]["label"]) == (
        CLAIM,
        "PERSON",
    )


def test_label_studio_tasks_follow_its_import_format_with_their_config(
    library_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export(library_path, "labelstudio", tmp_path / "ls.json", capsys)
    tasks = json.loads((tmp_path / "ls.json").read_text("utf-8"))
    config = ET.fromstring((tmp_path / "ls.label_config.xml").read_text("utf-8"))
    labels = {label.get("value") for label in config.iter("Label")}
    relation_labels = {r.get("value") for r in config.iter("Relation")}
    assert config.find("Labels").get("toName") == config.find("Text").get("name") == "text"
    done, not_done = tasks
    assert "annotations" in done and "predictions" not in done
    assert "predictions" in not_done and "annotations" not in not_done  # not complete: not labelled
    assert done["annotations"][0]["completed_by"] == "ana"
    for task in tasks:
        text = task["data"]["text"]
        (entry,) = task.get("annotations") or task["predictions"]
        regions = {r["id"]: r for r in entry["result"] if r["type"] == "labels"}
        for region in regions.values():
            value = region["value"]
            assert (region["from_name"], region["to_name"]) == ("label", "text")
            assert value["text"] == text[value["start"] : value["end"]]
            assert set(value["labels"]) <= labels
        relations = [r for r in entry["result"] if r["type"] == "relation"]
        assert relations
        for relation in relations:
            assert {relation["from_id"], relation["to_id"]} <= set(regions)
            assert set(relation["labels"]) <= relation_labels
            assert relation["direction"] == "right"


def test_files_from_the_tools_themselves_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Ann Lee said the port is shut."
    result = [
        {
            "id": "p",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 0, "end": 7, "text": "Ann Lee", "labels": ["PERSON"]},
        },
        {
            "id": "q",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 13, "end": 29, "text": text[13:29], "labels": [QUOTE]},
        },
        {
            "type": "relation",
            "from_id": "q",
            "to_id": "p",
            "direction": "right",
            "labels": ["SPEAKER"],
        },
    ]
    label_studio = [
        {
            "id": 1,
            "data": {"text": text},
            "annotations": [
                {"completed_by": {"id": 3, "email": "lee@example.org"}, "result": result}
            ],
        },
        {
            "id": 2,
            "data": {"text": "Port shut, officials say."},
            "predictions": [
                {
                    "model_version": "m1",
                    "result": [
                        {
                            "id": "o",
                            "from_name": "label",
                            "to_name": "text",
                            "type": "labels",
                            "value": {"start": 0, "end": 9, "labels": [CLAIM]},
                        }
                    ],
                }
            ],
        },
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(label_studio), "utf-8")
    db = tmp_path / "lib.sqlite3"
    assert main(["import-annotations", "--db", str(db), str(path)]) == 0
    assert capsys.readouterr().out == (
        "imported 3 spans in 2 articles (label-studio, lee@example.org)\n"
    )
    with Library(db) as library:
        found = {r.annotator: r for r in collect(library)}
    lee = found["lee@example.org"]
    assert lee.done and {s.status for s in lee.spans} == {ACCEPTED}
    quote = next(s for s in lee.spans if s.label == QUOTE)
    assert (quote.speaker, quote.speaker_start, quote.speaker_end) == ("Ann Lee", 0, 7)
    assert "label-studio" not in found  # only suggestions: nothing decided, not exported
    with Library(db) as library:
        store = Annotations(library)
        (info,) = store.sessions(annotator="label-studio")
        (suggested,) = store.session(library.get(2), "label-studio").spans()
    assert (suggested.status, suggested.origin, info.done) == (PENDING, MACHINE, False)


def test_label_studios_own_sdk_validates_the_tasks(
    library_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where label-studio-sdk is installed (not a test dependency: it pulls in OpenCV, pandas,
    NLTK), Label Studio's own validator checks the export against its config."""
    label_interface = pytest.importorskip("label_studio_sdk.label_interface")
    export(library_path, "labelstudio", tmp_path / "ls.json", capsys)
    config = (tmp_path / "ls.label_config.xml").read_text("utf-8")
    interface = label_interface.LabelInterface(config)
    done, not_done = json.loads((tmp_path / "ls.json").read_text("utf-8"))
    assert interface.validate_annotation(done["annotations"][0])
    assert interface.validate_prediction(not_done["predictions"][0], return_errors=True) == []
    broken = json.loads(json.dumps(done["annotations"][0]))
    broken["result"][0]["value"]["labels"] = ["NOT_A_LABEL"]
    assert not interface.validate_annotation(broken)  # the check can fail

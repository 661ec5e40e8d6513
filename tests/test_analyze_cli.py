"""`byline analyze`: JSON Lines in input order, offsets into text, bad inputs reported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tui import DEFAULT_SEED
from tui.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict], str]:
    status = main(["analyze", *argv])
    out, err = capsys.readouterr()
    return status, [json.loads(line) for line in out.splitlines()], err


def test_one_object_per_input_in_order_with_valid_offsets(tmp_path, nlp, capsys):
    second = tmp_path / "second.txt"
    second.write_text("Short note\n\n“We will rebuild,” said Mayor Ana Ruiz on Monday.\n")
    status, records, err = run([str(DEFAULT_SEED), str(second)], capsys)
    assert status == 0 and err == ""
    assert [r["path"] for r in records] == [str(DEFAULT_SEED), str(second)]
    seed = records[0]
    assert seed["title"] == "Syrian rebels blame Russia for stalled Aleppo talks"
    text = seed["text"]
    for entity in seed["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    for quote in seed["quotes"]:
        assert set(quote) == {
            "start",
            "end",
            "text",
            "speaker",
            "speaker_start",
            "speaker_end",
            "cue",
            "kind",
        }
        assert quote["text"] == text[quote["start"] : quote["end"]].replace("“", "")
    for claim in seed["claims"]:
        assert claim["text"] == text[claim["start"] : claim["end"]]
    speakers = {q["speaker"] for q in seed["quotes"] if q["kind"] == "quote"}
    assert speakers == {"Rami Abdel Rahman", "Stefanie Dekker"}
    assert records[1]["quotes"][0]["speaker"] == "Ana Ruiz"


def test_unreadable_input_is_reported_and_others_still_processed(tmp_path, nlp, capsys):
    good = tmp_path / "good.txt"
    good.write_text("Plain words about nothing in particular.\n")
    status, records, err = run([str(tmp_path / "missing.txt"), str(good)], capsys)
    assert status == 1
    assert err == f"byline: cannot open '{tmp_path / 'missing.txt'}': No such file or directory\n"
    assert [r["path"] for r in records] == [str(good)]


def test_stdin_and_bad_options(capsys, nlp):
    assert main(["analyze", "--n-process", "0", "x"]) == 2
    assert "at least 1" in capsys.readouterr().err
    assert main(["analyze"]) == 2
    assert capsys.readouterr().err.startswith("byline: the following arguments are required")


def test_reads_standard_input_in_a_real_process():
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "analyze", "-"],
        input="Headline\n\n“It is done,” said Maria Lopez.\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert [q["speaker"] for q in record["quotes"]] == ["Maria Lopez"]

"""`byline add --analyze`: imported articles are analysed once, cached and indexed for lookup."""

from __future__ import annotations

import json

import pytest

from tui import DEFAULT_SEED
from tui.cli import main


def test_add_analyze_makes_entities_findable(tmp_path, nlp, capsys: pytest.CaptureFixture[str]):
    db = str(tmp_path / "lib.sqlite3")
    assert main(["lookup", "--db", db, "Lavrov"]) == 1  # an empty library knows no one
    capsys.readouterr()
    assert main(["add", "--analyze", "--db", db, str(DEFAULT_SEED)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "analysed 1 article"
    assert main(["lookup", "--db", db, "--json", "Lavrov"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert json.dumps(found).count("Sergey Lavrov") >= 1
    # A second run finds the analysis in the cache and analyses nothing.
    assert main(["add", "--analyze", "--db", db, str(DEFAULT_SEED)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "analysed 0 articles"

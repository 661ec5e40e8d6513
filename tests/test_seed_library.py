"""The bundled seed, as `make run` opens it, is in the library and, once analysed, indexed:
`e` on an entity and the README's `byline lookup Lavrov` find it (issue 13)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from terminal import Terminal

from tui import DEFAULT_SEED
from tui.store import Library


def byline(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_plain_byline_puts_the_seed_in_the_library_and_indexes_it(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    terminal = Terminal([sys.executable, "-m", "tui.cli", "--db", str(db)], 160, 48)
    try:
        # Analysed (the side panel lists the speakers) and no longer "analysing…".
        assert terminal.wait_for(
            lambda lines: (
                any("Stefanie Dekker — " in line for line in lines)
                and not any("analysing" in line for line in lines)
            )
        ), terminal.text()
        terminal.send("e")  # the first entity in view: "Syrian"
        assert terminal.wait_for(
            lambda lines: any(line.strip().startswith("Syrian (NORP): ") for line in lines)
        ), terminal.text()
        assert not any("no entity named" in line for line in terminal.screen.display)
        terminal.send("\x1b")
        terminal.wait_for(lambda lines: any("Stefanie Dekker — " in line for line in lines))
        terminal.send("q")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()
    with Library(db) as library:
        assert [e.path for e in library.entries()] == [str(DEFAULT_SEED)]
    # The README's example.
    result = byline("lookup", "Lavrov", db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Sergey Lavrov (PERSON): 1 mention in 1 article")


def test_list_of_an_empty_library_says_so(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    result = byline("list", db=db)
    assert result.returncode == 0
    assert result.stdout == f"the library {db} is empty (add articles with 'byline add PATH')\n"
    as_json = byline("list", "--json", db=db)
    assert as_json.returncode == 0
    assert as_json.stdout == ""  # JSON Lines: no article, no line
    assert as_json.stderr == f"byline: the library {db} is empty\n"

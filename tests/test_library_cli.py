"""`byline add`, `list`, `rm`, and `--db`: the library from the command line, bad input included."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from terminal import Terminal

import tui
from tui import SEEDS_DIR, STYLES_DIR
from tui.cli import main
from tui.store import Library

DATA = Path(__file__).parent / "data" / "loaders"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "lib.sqlite3")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_add_list_rm(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys,
        "add",
        "--db",
        db,
        str(DATA / "article.json"),
        str(DATA / "feed.atom"),
        str(DATA / "article.md"),
    )
    assert (status, out, err) == (0, f"added 3 articles; 3 in {db}\n", "")

    status, out, _ = run(capsys, "add", "--db", db, str(DATA / "article.json"))
    assert (status, out) == (0, f"added 0 articles, 1 already there; 3 in {db}\n")

    status, out, _ = run(capsys, "list", "--db", db)
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "TITLE", "SOURCE", "DATE", "Q", "C"]
    assert "Ferry fares to rise in June" in lines[1] and "Island News" in lines[1]
    assert "2024-03-01" in lines[1] and lines[1].split()[-2:] == ["-", "-"]
    assert len(lines) == 4

    status, out, _ = run(capsys, "list", "--json", "--db", db)
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == [1, 2, 3]
    assert records[0]["author"] == "Ann Park" and records[0]["quotes"] is None

    status, out, err = run(capsys, "rm", "--db", db, "2", "9")
    assert status == 1
    assert out == "removed 2: Glacier retreat speeds up, study finds\n"
    assert err == "byline: no article 9 in the library (see 'byline list')\n"
    assert [e.id for e in Library(db).entries()] == [1, 3]


def test_feed_problem_is_a_skip_so_add_exits_1(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "add", "--db", db, str(DATA / "feed.rss"))
    assert status == 1
    assert err == f"byline: '{DATA / 'feed.rss'}' entry 3: no text in it; skipped\n"


def test_env_selects_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BYLINE_DB", str(tmp_path / "env.sqlite3"))
    assert run(capsys, "add", str(DATA / "article.json"))[0] == 0
    assert len(Library(tmp_path / "env.sqlite3")) == 1


def test_a_batch_with_bad_inputs_imports_the_good_ones(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 owner says prices will rise.".encode("latin-1"))
    (tmp_path / "long.txt").write_bytes(b"x" * (10 << 20))
    (tmp_path / "bad.json").write_text("{not json")
    shutil.copy(DATA / "no-article.html", tmp_path)
    shutil.copy(DATA / "articles.jsonl", tmp_path)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere")
    status, out, err = run(capsys, "add", "--db", db, str(tmp_path), str(tmp_path / "missing.md"))
    assert status == 1
    lines = err.splitlines()
    expected = [
        f"'{tmp_path}/articles.jsonl' line 2: invalid JSON",
        f"'{tmp_path}/articles.jsonl' line 3: expected an object",
        f"cannot read '{tmp_path}/bad.json': invalid JSON at line 1 column 2",
        f"cannot read '{tmp_path}/binary.txt': looks like a binary file",
        f"cannot read '{tmp_path}/empty.txt': empty file",
        f"cannot open '{tmp_path}/gone.txt': No such file or directory",
        f"warning: '{tmp_path}/latin.txt' is not valid UTF-8 (byte 3); read as",
        f"cannot read '{tmp_path}/no-article.html': no article text found in the page",
        f"cannot open '{tmp_path}/missing.md': No such file or directory",
    ]
    assert len(lines) == len(expected), err
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(f"byline: {start}"), (line, start)
    assert "Traceback" not in err
    assert out == f"added 4 articles; 4 in {db}\n"  # 2 JSON lines, latin.txt, long.txt


def test_read_only_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A library the user may read but not write: `list` works, `add` is one clear line."""
    folder = Path(tempfile.mkdtemp())  # not under pytest's private tmp: another user reads it
    try:
        folder.chmod(0o755)
        db = folder / "lib.sqlite3"
        with Library(db) as library:
            library.add([_article()])
        article = folder / "article.txt"
        shutil.copyfile(DATA / "article.txt", article)
        db.chmod(0o444)
        folder.chmod(0o555)
        add = _as_other_user(["add", "--db", str(db), str(article)], folder)
        assert add.returncode == 1
        assert add.stderr == f"byline: cannot write to library '{db}': it is read-only\n"
        listed = _as_other_user(["list", "--db", str(db)], folder)
        assert listed.returncode == 0, listed.stderr
        assert "Ferries" in listed.stdout
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def _article():
    from tui.model import Article

    return Article(text="Ferries stop at noon, the operator said.", title="Ferries")


SYSTEM_PYTHON = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")


def _as_other_user(argv: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    """`byline ARGV` as a user who cannot write the library file. Root writes any file, so
    under root it runs as nobody, with the system Python and a copy of the package in FOLDER:
    the checkout may sit in a folder only root can read (a container's /root). `list` and
    `add` of a text file need nothing beyond the package and the standard library."""
    if os.geteuid() != 0:
        return subprocess.run(
            [sys.executable, "-m", "tui.cli", *argv], capture_output=True, text=True, timeout=60
        )
    if not SYSTEM_PYTHON.exists():
        pytest.skip("running as root without a system Python to run as another user")
    code = folder / "code"
    if not code.exists():
        folder.chmod(0o755)
        shutil.copytree(
            Path(tui.__file__).parent, code / "tui", ignore=shutil.ignore_patterns("__pycache__")
        )
        shutil.copytree(STYLES_DIR, code / "tui" / "styles")
        shutil.copytree(SEEDS_DIR, code / "tui" / "seeds")
        folder.chmod(0o555)
    return subprocess.run(
        [str(SYSTEM_PYTHON), "-m", "tui.cli", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        user=65534,
        cwd="/",
        env={"PYTHONPATH": str(code), "PATH": "/usr/bin:/bin"},
    )


def test_corrupt_library_is_one_line_and_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "lib.sqlite3"
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    before = db.read_bytes()
    for argv in (["list"], ["add", str(DATA / "article.txt")], ["rm", "1"]):
        status, _, err = run(capsys, *argv, "--db", str(db))
        assert status == 1
        assert err == (
            f"byline: library '{db}' is damaged or not a Byline library; "
            "it was left untouched (see --db)\n"
        )
    assert db.read_bytes() == before


def test_no_traceback_from_the_installed_command(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    db.write_text("not a database")
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "list", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.fixture
def reader_terminal(tmp_path: Path) -> Iterator[tuple[Terminal, str]]:
    db = str(tmp_path / "reader.sqlite3")
    argv = [sys.executable, "-m", "tui.cli", "--db", db, str(DATA / "article.md")]
    with Terminal(argv, 80, 24) as terminal:
        yield terminal, db


def test_opening_a_file_in_the_reader_adds_it_to_the_library(
    reader_terminal: tuple[Terminal, str],
) -> None:
    terminal, db = reader_terminal
    assert terminal.until(lambda: terminal.shows("Night market"), timeout=60), terminal.text()
    terminal.send("q")
    assert terminal.wait_exit() == 0
    assert [e.title for e in Library(db).entries()] == ["Night market returns to the old town"]


def test_reader_opens_even_when_the_library_is_damaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli.reading import open_library as _open_library

    db = tmp_path / "lib.sqlite3"
    db.write_text("not a database")
    assert _open_library(str(db)) is None
    assert capsys.readouterr().err == (
        f"byline: library '{db}' is damaged or not a Byline library; it was left untouched "
        "(see --db) (reading without the library)\n"
    )
    assert db.read_text() == "not a database"

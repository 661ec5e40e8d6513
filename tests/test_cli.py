"""The command line's contract: help, version, and one-line errors with the right exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from terminal import Emulator

from tui.cli import COMMANDS, main


def test_help_lists_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "usage: byline" in capsys.readouterr().out


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: byline {command}")
    # Every command that touches the library says which one.
    assert ("--db PATH" in out) == (command != "analyze")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("byline ")


def test_missing_file_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["x.txt"]) == 1
    err = capsys.readouterr().err
    assert err == "byline: cannot open 'x.txt': No such file or directory\n"


def test_directory_is_not_an_article(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"byline: cannot open '{tmp_path}': ")
    assert err.count("\n") == 1


def test_bad_option_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--bogus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("byline: unrecognized arguments: --bogus")
    assert err.count("\n") == 1


def test_binary_file_is_refused(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert main([str(binary)]) == 1
    assert "binary" in capsys.readouterr().err


def test_installed_command_reports_errors_without_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "does-not-exist.txt"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == "byline: cannot open 'does-not-exist.txt': No such file or directory\n"


def test_importing_tui_does_not_import_spacy_or_textual() -> None:
    code = (
        "import sys, tui, tui.cli, tui.loaders, tui.nlp.pipeline; "
        "print('spacy' in sys.modules, 'textual' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["False", "False"]


def test_opening_the_library_does_not_import_the_nlp_rules(tmp_path: Path) -> None:
    """The reader opens the library before its first frame; the entity index and the cache
    (and the NLP rules behind them) are imported when first used, after it."""
    code = (
        "import sys; from tui.store import Library; "
        f"Library({str(tmp_path / 'db.sqlite3')!r}).close(); "
        "print(sorted(m for m in sys.modules if m.startswith(('tui.nlp', 'tui.store.'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "['tui.store.db', 'tui.store.library']", result.stderr


def test_unknown_model_is_a_clear_error() -> None:
    from tui.errors import BylineError
    from tui.nlp.pipeline import load_pipeline

    with pytest.raises(BylineError, match="spaCy model 'no_such_model' is not installed"):
        load_pipeline("no_such_model")


def test_model_env_selects_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.nlp.pipeline import DEFAULT_MODEL, model_name

    monkeypatch.delenv("BYLINE_MODEL", raising=False)
    assert model_name() == DEFAULT_MODEL
    monkeypatch.setenv("BYLINE_MODEL", "other_model")
    assert model_name() == "other_model"
    assert model_name("explicit") == "explicit"


def _stderr_on_a_terminal(
    argv: list[str], no_color: bool = False
) -> tuple[int, str, bytes, list[str]]:
    """`byline ARGV` with stderr on a pseudo-terminal (80x24) and stdout a pipe: its exit
    status, stdout, every byte written to the terminal, and the terminal's rows at the end."""
    import fcntl
    import os
    import struct
    import termios

    parent, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    env.pop("COLUMNS", None)
    if no_color:
        env["NO_COLOR"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=child,
        env=env,
    )
    os.close(child)
    written = bytearray()
    while True:
        try:
            data = os.read(parent, 1 << 16)
        except OSError:  # EIO: the child's end is closed
            break
        if not data:
            break
        written += data
    os.close(parent)
    out = process.stdout.read().decode() if process.stdout else ""
    status = process.wait(timeout=120)
    screen = Emulator(80, 24)  # stderr alone on the pty, stdout a pipe: the harness's screen only
    screen.feed(bytes(written))
    return status, out, bytes(written), [row.rstrip() for row in screen.display if row.strip()]


@pytest.fixture
def many_articles(tmp_path: Path) -> Path:
    """A folder of 40 short articles (reading shows its count from the 25th) and one binary
    file among them, reported while the count is shown."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(40):
        (folder / f"a{number:02}.txt").write_text(f"Article {number}\n\nFerries run at {number}.")
    (folder / "a30x.txt").write_bytes(b"\x00\x01binary")
    return folder


def test_progress_shows_on_a_terminal_and_goes(many_articles: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "lib.sqlite3")
    status, out, written, rows = _stderr_on_a_terminal(["add", str(many_articles), "--db", db])
    assert status == 1  # the binary file
    assert out == f"added 40 articles; 40 in {db}\n"
    assert b"reading" in written and b"40 articles" in written
    assert _colours(written)  # rich's, as NO_COLOR is not set
    # At the end only the problem stays (wrapped by the terminal), above where the progress
    # line was: no count left.
    problem = f"byline: cannot read '{many_articles / 'a30x.txt'}': looks like a binary file"
    assert "".join(rows) == f"{problem}; skipped"


def test_progress_leaves_colour_out_under_no_color(many_articles: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "lib.sqlite3")
    status, out, written, _ = _stderr_on_a_terminal(
        ["add", str(many_articles), "--db", db], no_color=True
    )
    assert status == 1 and out.startswith("added 40 articles")
    assert b"reading" in written and not _colours(written)


def _colours(written: bytes) -> list[bytes]:
    """The colour parameters (30-49, 90-107: foreground, background) of SGR sequences."""
    import re

    return [
        code
        for sgr in re.findall(rb"\x1b\[([0-9;]*)m", written)
        for code in sgr.split(b";")
        if code and (30 <= int(code) <= 49 or 90 <= int(code) <= 107)
    ]


def test_no_progress_when_stderr_is_not_a_terminal(many_articles: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "lib.sqlite3")
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "add", str(many_articles), "--db", db],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"byline: cannot read '{many_articles / 'a30x.txt'}': looks like a binary file; skipped\n"
    )


def test_analyze_keeps_its_count_on_the_terminal(tmp_path: Path) -> None:
    """`byline analyze` of several inputs leaves 'analysed N/N' on the terminal (stderr), and
    standard output is its JSON Lines only."""
    import json

    paths = []
    for number in range(2):
        path = tmp_path / f"a{number}.txt"
        path.write_text(f"Talks {number}\n\nSergey Lavrov said the talks were over.")
        paths.append(str(path))
    status, out, _, rows = _stderr_on_a_terminal(["analyze", *paths])
    assert status == 0
    assert [json.loads(line)["path"] for line in out.splitlines()] == paths
    assert len(rows) == 1 and rows[0].startswith("analysed") and " 2/2 " in rows[0]

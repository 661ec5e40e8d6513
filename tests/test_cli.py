"""The command line's contract: help, version, and one-line errors with the right exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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

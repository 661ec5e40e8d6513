"""The installed package, as a new user gets it: the wheel built from this checkout, installed
into a fresh virtual environment, run from another folder. An editable install hides a wheel
that lacks the stylesheets or the seed; this does not."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest
from checkout import REPO_ROOT
from terminal import Terminal

SEED = REPO_ROOT / "seeds" / "aljazeera-aleppo-talks.txt"
HEADLINE = "Syrian rebels blame Russia for stalled Aleppo talks"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin` folder of a fresh venv with Byline's wheel and its dependencies installed."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root), str(REPO_ROOT)],
        check=True,
        timeout=600,
    )
    (wheel,) = root.glob("byline-*.whl")
    venv.create(root / "venv", with_pip=True)
    bin_dir = root / "venv" / "bin"
    pip = [str(bin_dir / "python"), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "-q", str(wheel)], check=True, timeout=900)
    return bin_dir


def _byline(bin_dir: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "byline"), *argv], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def _installed_value(bin_dir: Path, expression: str) -> str:
    """EXPRESSION evaluated by the installed package's Python, away from the checkout."""
    return subprocess.run(
        [str(bin_dir / "python"), "-c", f"import tui; print({expression})"],
        capture_output=True,
        text=True,
        cwd=bin_dir,
        check=True,
        timeout=60,
    ).stdout.strip()


def test_the_wheel_carries_styles_and_seed(installed: Path) -> None:
    where = [
        _installed_value(installed, "tui.STYLES_DIR"),
        _installed_value(installed, "tui.DEFAULT_SEED"),
    ]
    venv_root = installed.parent
    for path in map(Path, where):
        assert path.exists() and venv_root in path.parents, path  # not the checkout's files
    assert {p.name for p in Path(where[0]).glob("*.tcss")} >= {"app.tcss", "reader.tcss"}


def test_version_and_analyze_from_another_folder(installed: Path, tmp_path: Path) -> None:
    version = _byline(installed, tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.startswith("byline "), version.stderr
    seed = tmp_path / "seed.txt"
    seed.write_text(SEED.read_text())
    analyzed = _byline(installed, tmp_path, "analyze", "seed.txt")
    assert analyzed.returncode == 0, analyzed.stderr
    assert '"speaker": "Stefanie Dekker"' in analyzed.stdout


@pytest.mark.parametrize("argv", [[], ["a.txt"]], ids=["bundled seed", "a file"])
def test_reader_first_frame_from_another_folder(
    installed: Path, tmp_path: Path, argv: list[str]
) -> None:
    (tmp_path / "a.txt").write_text(SEED.read_text())
    terminal = Terminal([str(installed / "byline"), *argv], 80, 24, cwd=tmp_path)
    try:
        assert terminal.wait_for(lambda lines: any(HEADLINE[:40] in line for line in lines)), (
            terminal.text()
        )
        terminal.send("q")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()


def test_a_missing_stylesheet_is_one_line_and_a_failure(installed: Path, tmp_path: Path) -> None:
    styles = Path(_installed_value(installed, "tui.STYLES_DIR"))
    reader = styles / "reader.tcss"
    kept = reader.read_bytes()
    reader.unlink()
    try:
        (tmp_path / "a.txt").write_text("A short article.\n\nIt says little.\n")
        result = _byline(installed, tmp_path, "a.txt")
    finally:
        reader.write_bytes(kept)
    assert result.returncode == 1
    assert result.stderr == f"byline: cannot read stylesheet '{reader}': reinstall byline\n"

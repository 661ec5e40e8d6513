"""Benchmark the reader as a user sees it: the real `byline` command in a pseudo-terminal.

    .venv/bin/python -m bench.tui [--words N] [--size COLSxLINES] [--runs N]

Prints, for the seed article and a generated N-word article (default 1,000,000):
- time to first text (the headline on screen), as a ratio to a minimal Textual app showing the
  same text (target <= 1.2x), and to a naive one (a Static holding the whole text);
- time to highlights (the first entity underlined on screen);
- keystroke-to-repaint latency for scrolling (one `j`, and a burst of 40 at once);
- bytes written to the terminal per scrolled line, next to `less` in the same terminal.

The default size is 80x24, the size the issue compares with `less`: there the article pane
spans the terminal and a scroll moves rows (`tui.scroll_region`). From 100 columns the side
panel sits beside the article and every scroll repaints the pane (try `--size 100x30`).

Times are wall-clock medians over a few runs on this machine; treat them as ratios, not promises.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui import DEFAULT_SEED  # noqa: E402

HEADLINE = "Syrian rebels blame Russia for stalled Aleppo talks"
DEADLINE = 180.0
QUIET = 0.15  # a frame is over when the terminal has been quiet this long

MINIMAL_APP = textwrap.dedent(
    """
    import sys
    from rich.text import Text
    from textual.app import App
    from textual.containers import VerticalScroll
    from textual.widgets import Static

    path, mode = sys.argv[1], sys.argv[2]
    text = open(path, encoding="utf-8").read()
    if mode == "screen":  # the floor: Textual's start-up and one screenful of the same text
        text = text[:8000]

    class Minimal(App):
        def compose(self):
            with VerticalScroll():
                yield Static(Text(text))

        def on_key(self, event):
            if event.key == "q":
                self.exit()

    Minimal().run()
    """
)


class Terminal:
    def __init__(self, argv: list[str], columns: int, lines: int) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        env = {**os.environ, "TERM": "xterm-256color"}
        env.pop("NO_COLOR", None)
        self.started = time.perf_counter()
        self.child = pexpect.spawn(argv[0], argv[1:], dimensions=(lines, columns), env=env)
        self.child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
        self.bytes = 0

    def pump(self, timeout: float) -> int:
        try:
            data = self.child.read_nonblocking(1 << 20, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF):
            return 0
        self.bytes += len(data)
        self.stream.feed(data)
        return len(data)

    def wait_for(self, predicate: Callable[[pyte.Screen], bool]) -> float | None:
        """Seconds since start until `predicate(screen)` holds (None on timeout)."""
        end = time.perf_counter() + DEADLINE
        while time.perf_counter() < end:
            self.pump(0.002)
            if predicate(self.screen):
                return time.perf_counter() - self.started
            if not self.child.isalive():
                return None
        return None

    def settle(self) -> None:
        while self.pump(QUIET):
            pass

    def keystroke(self, keys: str) -> tuple[float, float, int]:
        """Send keys; seconds to the first byte of the repaint and to its last, and its bytes."""
        self.settle()
        before = self.bytes
        sent = time.perf_counter()
        self.child.send(keys)
        first = last = None
        while True:
            if self.pump(0.001 if first is None else QUIET):
                last = time.perf_counter()
                first = first or last
            elif first is not None or time.perf_counter() - sent > 5:
                break
        first = first or sent
        return first - sent, (last or sent) - sent, self.bytes - before

    def close(self) -> None:
        self.child.terminate(force=True)


def has_text(text: str) -> Callable[[pyte.Screen], bool]:
    return lambda screen: any(text in line for line in screen.display)


def has_highlight(screen: pyte.Screen) -> bool:
    """An underlined letter in the article pane: an entity highlight."""
    return any(
        char.underscore and char.data.isalpha()
        for row in list(screen.buffer.values())[1:-3]
        for char in row.values()
    )


def analysis_failed(screen: pyte.Screen) -> bool:
    return any("analysis failed" in line for line in screen.display[:1])


def median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def first_text(argv: list[str], size: tuple[int, int], runs: int) -> float | None:
    return median(first_texts([argv], size, runs)[0])


def first_texts(
    commands: list[list[str]], size: tuple[int, int], runs: int
) -> list[list[float | None]]:
    """Seconds to the headline for each command, `runs` times, the commands taking turns (so a
    machine that slows down or speeds up meanwhile weighs on all of them alike)."""
    times: list[list[float | None]] = [[] for _ in commands]
    for _ in range(runs):
        for argv, own in zip(commands, times, strict=True):
            terminal = Terminal(argv, *size)
            own.append(terminal.wait_for(has_text(HEADLINE)))
            terminal.close()
    return times


def byline(path: Path) -> list[str]:
    """The command a user runs: the installed console script (`python -m tui.cli` also pays
    for runpy and a second import of tui.cli)."""
    script = Path(sys.executable).with_name("byline")
    return (
        [str(script), str(path)]
        if script.exists()
        else [sys.executable, "-m", "tui.cli", str(path)]
    )


def fmt(seconds: float | None) -> str:
    return "  n/a " if seconds is None else f"{seconds:6.3f}s"


def ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or b is None else f"{a / b:.2f}x"


def bench_document(name: str, path: Path, size: tuple[int, int], runs: int) -> None:
    print(f"\n== {name} ({path.stat().st_size / 1e6:.1f} MB, {size[0]}x{size[1]})")
    minimal_path = path.parent / "minimal_app.py"
    minimal_path.write_text(MINIMAL_APP)
    minimal = [sys.executable, str(minimal_path), str(path), "screen"]
    ours_all, floor_all = first_texts([byline(path), minimal], size, runs)
    ours, floor = median(ours_all), median(floor_all)
    naive = first_text([sys.executable, str(minimal_path), str(path), "all"], size, 1)
    print(
        f"first text        byline {fmt(ours)}   minimal app (first screenful) {fmt(floor)}"
        f"  -> {ratio(ours, floor)}   (target <= 1.2x)"
    )
    print(
        f"                  naive app (Static of the whole text) {fmt(naive)}"
        f"  -> byline is {ratio(naive, ours)} faster"
    )

    terminal = Terminal(byline(path), *size)
    terminal.wait_for(has_text(HEADLINE))
    highlights = terminal.wait_for(lambda s: has_highlight(s) or analysis_failed(s))
    if highlights is not None and analysis_failed(terminal.screen):
        print(
            f"highlights        analysis failed after {fmt(highlights)} "
            "(see the notification in the reader)"
        )
    else:
        print(
            f"highlights        {fmt(highlights)}  -> {ratio(highlights, floor)} of the minimal "
            "app's first text (spaCy loads in a worker thread meanwhile)"
        )
    terminal.settle()
    firsts, lasts, sizes = [], [], []
    for _ in range(30):
        first, last, written = terminal.keystroke("j")
        firsts.append(first)
        lasts.append(last)
        sizes.append(written)
    _, burst, burst_bytes = terminal.keystroke("j" * 40)
    print(
        f"scroll latency    one j: first byte {statistics.median(firsts) * 1000:.1f} ms, "
        f"repaint done {statistics.median(lasts) * 1000:.1f} ms (medians; max "
        f"{max(lasts) * 1000:.1f});  40 j at once: done in {burst * 1000:.1f} ms"
    )
    print(
        f"bytes per line    byline {statistics.median(sizes):.0f} B/line (one j at a time), "
        f"{burst_bytes / 40:.0f} B/line in a burst of 40"
    )
    terminal.close()

    if shutil.which("less"):
        pager = Terminal(["less", "-R", str(path)], *size)
        pager.wait_for(has_text(HEADLINE))
        pager.settle()
        lines = [pager.keystroke("j")[2] for _ in range(30)]
        print(f"                  less   {statistics.median(lines):.0f} B/line")
        pager.close()


def quit_time(
    argv: list[str], ready: Callable[[pyte.Screen], bool], size: tuple[int, int]
) -> float:
    """Seconds from `q` written to the terminal to the process gone (reaped), its output read
    meanwhile as a terminal would."""
    terminal = Terminal(argv, *size)
    terminal.wait_for(ready)
    terminal.settle()
    child = terminal.child
    sent = time.perf_counter()
    child.send("q")
    while child.isalive():
        terminal.pump(0.0005)
    gone = time.perf_counter() - sent
    terminal.close()
    return gone


def bench_quit(size: tuple[int, int], runs: int) -> None:
    """The issue's quit row: `q` to the process gone, byline on the seed next to its anchors
    (`less`, a minimal Textual app), medians of `runs` runs, the commands taking turns."""
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed.txt"
        seed.write_text(DEFAULT_SEED.read_text(encoding="utf-8"), encoding="utf-8")
        minimal_path = Path(tmp) / "minimal_app.py"
        minimal_path.write_text(MINIMAL_APP)
        # Each quits once it is idle, the way one quits after reading: byline once the
        # highlights show (its analysis over), the anchors once the headline does.
        headline = has_text(HEADLINE)
        commands = {
            "byline": (byline(seed), lambda s: has_highlight(s) or analysis_failed(s)),
            "minimal Textual app": (
                [sys.executable, str(minimal_path), str(seed), "screen"],
                headline,
            ),
        }
        if shutil.which("less"):
            commands["less"] = (["less", "-R", str(seed)], headline)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, (argv, ready) in commands.items():
                times[name].append(quit_time(argv, ready, size))
    row = "   ".join(
        f"{name} {statistics.median(values) * 1000:.0f} ms" for name, values in times.items()
    )
    print(f"\n== quit (`q` -> process gone, median of {runs}, {size[0]}x{size[1]})")
    print(f"quit              {row}   (target: byline <= 100 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--size", default="80x24", help="terminal COLUMNSxLINES")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    # Byline's modules as an installed package has them: compiled. (This machine sets
    # PYTHONDONTWRITEBYTECODE, so modules edited since the last compile would otherwise be
    # compiled again at every start; the minimal app's Textual was compiled when installed.)
    compileall.compile_dir(ROOT / "tui", quiet=1)
    size = tuple(int(n) for n in args.size.split("x"))
    assert len(size) == 2
    seed_text = DEFAULT_SEED.read_text(encoding="utf-8")
    bench_quit(size, max(args.runs, 5))  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed.txt"
        seed.write_text(seed_text, encoding="utf-8")
        bench_document("seed article", seed, size, args.runs)  # type: ignore[arg-type]
        copies = args.words // len(seed_text.split()) + 1
        big = Path(tmp) / "big.txt"
        big.write_text((seed_text + "\n\n") * copies, encoding="utf-8")
        bench_document(f"{args.words:,}-word article", big, size, args.runs)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()

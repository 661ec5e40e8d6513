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
panel sits beside the article: pyte has no left/right margins and does not answer the question
about them, so there every scroll repaints the pane (try `--size 100x30`); issue 16's table
measures it in a pyte terminal taught them (tests/margin_terminal.py).

Then issue 16's table at 120x40 (`--table-only`: just that), each row against `less` and a
minimal Textual app: keys typed at the first frame, the first reaction to `j` while a long
article is analysed, annotation key -> "saved #N", quit, bytes per scrolled line beside the panel.

Times are wall-clock medians over a few runs on this machine; treat them as ratios, not promises.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.margin_terminal import DecrqmAnswer, MarginByteStream, MarginScreen  # noqa: E402
from tests.terminal import Terminal  # noqa: E402
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


def seconds_until(terminal: Terminal, condition: Callable[[pyte.Screen], bool]) -> float | None:
    """Seconds from the command's start until `condition(screen)` holds (None: it did not, within
    DEADLINE, or the command ended without it)."""
    if not terminal.until(lambda: condition(terminal.screen)):
        return None
    return time.perf_counter() - terminal.started


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
            terminal = Terminal(argv, *size, deadline=DEADLINE)
            own.append(seconds_until(terminal, has_text(HEADLINE)))
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

    terminal = Terminal(byline(path), *size, deadline=DEADLINE)
    seconds_until(terminal, has_text(HEADLINE))
    highlights = seconds_until(terminal, lambda s: has_highlight(s) or analysis_failed(s))
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
    terminal.settle(QUIET)
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
        pager = Terminal(["less", "-R", str(path)], *size, deadline=DEADLINE)
        seconds_until(pager, has_text(HEADLINE))
        pager.settle(QUIET)
        lines = [pager.keystroke("j")[2] for _ in range(30)]
        print(f"                  less   {statistics.median(lines):.0f} B/line")
        pager.close()


def quit_time(terminal: Terminal, ready: Callable[[pyte.Screen], bool]) -> float:
    """Seconds from `q` written to the terminal, once `ready` and idle, to the process gone
    (reaped), its output read meanwhile as a terminal would. Closes `terminal`."""
    try:
        seconds_until(terminal, ready)
        terminal.settle(QUIET)
        sent = time.perf_counter()
        terminal.send("q")
        while terminal.alive():
            terminal.pump(0.0005)
        return time.perf_counter() - sent
    finally:
        terminal.close()


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
                terminal = Terminal(argv, *size, deadline=DEADLINE)
                times[name].append(quit_time(terminal, ready))
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
    parser.add_argument(
        "--table-only", action="store_true", help="only issue 16's table (120x40, ~5 minutes)"
    )
    args = parser.parse_args()
    # Byline's modules as an installed package has them: compiled. (This machine sets
    # PYTHONDONTWRITEBYTECODE, so modules edited since the last compile would otherwise be
    # compiled again at every start; the minimal app's Textual was compiled when installed.)
    compileall.compile_dir(ROOT / "tui", quiet=1)
    columns, lines = (int(n) for n in args.size.split("x"))
    size = (columns, lines)
    if args.table_only:
        issue16_table(args.words, args.runs)
        return
    seed_text = DEFAULT_SEED.read_text(encoding="utf-8")
    bench_quit(size, max(args.runs, 5))
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed.txt"
        seed.write_text(seed_text, encoding="utf-8")
        bench_document("seed article", seed, size, args.runs)
        copies = args.words // len(seed_text.split()) + 1
        big = Path(tmp) / "big.txt"
        big.write_text((seed_text + "\n\n") * copies, encoding="utf-8")
        bench_document(f"{args.words:,}-word article", big, size, args.runs)
    issue16_table(args.words, args.runs)


# The table of issue 16 ("Never drop or stall a key"): each row against its anchors.

#: A minimal Textual app with the keys the table needs: `j` scrolls a line, `y` says "saved #N"
#: (nothing to save: the floor of a key that changes one line), `q` quits.
ANCHOR_APP = textwrap.dedent(
    """
    import sys
    from rich.text import Text
    from textual.app import App
    from textual.containers import VerticalScroll
    from textual.widgets import Static

    text = open(sys.argv[1], encoding="utf-8").read()[:200_000]

    class Anchor(App):
        BINDINGS = [("j", "down"), ("y", "save"), ("q", "quit")]
        saved = 0

        def compose(self):
            yield Static("", id="status")
            with VerticalScroll():
                yield Static(Text(text))

        def action_down(self):
            self.query_one(VerticalScroll).scroll_relative(y=1, animate=False)

        def action_save(self):
            self.saved += 1
            self.query_one("#status", Static).update(f"saved #{self.saved}")

    Anchor().run()
    """
)

#: Typed the moment the text shows (issue 16's first row).
TYPE_AHEAD = "j" * 40 + "1" + "/Lavrov\r"


class IssueTerminal(Terminal):
    """A bench terminal with its own library (BYLINE_DB) and, if `margins`, left/right margins
    it says it has when asked (tests/margin_terminal.py), as xterm does."""

    def __init__(
        self, argv: list[str], size: tuple[int, int], db: Path | None, margins: bool = False
    ) -> None:
        columns, lines = size
        env = {} if db is None else {"BYLINE_DB": str(db)}
        super().__init__(argv, columns, lines, env=env, deadline=DEADLINE)
        if margins:
            self.screen = MarginScreen(columns, lines)
            self.stream = MarginByteStream(self.screen)
        self.answer = DecrqmAnswer(2 if margins else None)

    def feed(self, data: bytes) -> None:
        super().feed(data)
        if reply := self.answer.answers(data):
            self.send(reply)

    def pump_for(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self.pump(0.01)

    def text_shown(self) -> list[str]:
        """The text of the article's rows (left part: the side panel fills in meanwhile)."""
        return [line[:60] for line in self.screen.display[2:-5]]

    def reaction(self, keys: str, timeout: float = 5.0) -> float | None:
        """Seconds from sending `keys` to the first change of the article's text on screen."""
        before = self.text_shown()
        sent = time.perf_counter()
        self.send(keys)
        while time.perf_counter() - sent < timeout:
            if self.pump(0.0005) and self.text_shown() != before:
                return time.perf_counter() - sent
        return None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.0f} ms"


def analysis_over(screen: pyte.Screen) -> bool:
    """The reader's legend counts the labels and its bar no longer says "analysing"."""
    over = "PERSON " in "".join(screen.display[-5:]) and "analysing" not in screen.display[0]
    return over or analysis_failed(screen)


def typed_at_first_frame(
    argv: list[str], keys: str, idle: Callable[[pyte.Screen], bool], tmp: Path, name: str
) -> str:
    """Whether `keys` typed the moment the headline shows (a library that has never seen the
    article) end on the same screen as when typed one by one once the program is `idle`."""
    screens = []
    for early in (True, False):
        db = tmp / f"{name}-{early}.sqlite3"
        terminal = IssueTerminal(argv, (120, 40), db)
        if seconds_until(terminal, has_text(HEADLINE)) is None:
            terminal.close()
            return "did not start"
        if early:
            terminal.send(keys)
        seconds_until(terminal, idle)
        terminal.settle(QUIET)
        if not early:
            for key in keys:
                terminal.send(key)
                terminal.settle(QUIET)
        time.sleep(1.0)  # anything still due (a search run once typing pauses)
        terminal.settle(QUIET)
        screens.append(list(terminal.screen.display))
        terminal.close()
    if screens[0] == screens[1]:
        return "all applied, in order"
    differing = sum(a != b for a, b in zip(*screens, strict=True))
    return f"NOT all applied ({differing} rows differ from typing when idle)"


def reaction_while_analysing(
    argv: list[str], key: str, tmp: Path, name: str, presses: int = 15
) -> tuple[float | None, float | None]:
    """Median and max seconds from `key` to a visible change, pressed every 0.3 s from the
    moment the headline shows (a long article's analysis running meanwhile)."""
    terminal = IssueTerminal(argv, (120, 40), tmp / f"{name}.sqlite3")
    seconds_until(terminal, has_text(HEADLINE))
    times = []
    for _ in range(presses):
        terminal.pump_for(0.3)
        times.append(terminal.reaction(key))
    terminal.close()
    known = [t for t in times if t is not None]
    return (statistics.median(known), max(known)) if known else (None, None)


def saved_latency(
    argv: list[str], ready: Callable[[pyte.Screen], bool], keys: str, tmp: Path, rounds: int
) -> list[float]:
    """Seconds from an annotation key to "saved #N" (the next N) on screen, for each key of
    `keys` pressed in turn, `rounds` times (once `ready`)."""
    import re

    terminal = IssueTerminal(argv, (120, 40), tmp / "annotate.sqlite3")

    def saved(screen: pyte.Screen) -> int | None:
        found = re.findall(r"saved #(\d+)", "\n".join(screen.display))
        return int(found[-1]) if found else None

    times: list[float] = []
    try:
        if seconds_until(terminal, ready) is None:
            return times
        terminal.settle(QUIET)
        for _ in range(rounds):
            for key in keys:
                terminal.settle(QUIET)
                last = saved(terminal.screen) or 0
                sent = time.perf_counter()
                terminal.send(key)
                while time.perf_counter() - sent < 5:
                    terminal.pump(0.0005)
                    if (saved(terminal.screen) or 0) > last:
                        times.append(time.perf_counter() - sent)
                        break
    finally:
        terminal.close()
    return times


def bytes_per_line(argv: list[str], ready: Callable[[pyte.Screen], bool], margins: bool) -> float:
    """Median bytes written per `j` (one line), 120x40, once `ready` and idle."""
    with tempfile.TemporaryDirectory() as tmp:
        terminal = IssueTerminal(argv, (120, 40), Path(tmp) / "lib.sqlite3", margins)
        seconds_until(terminal, ready)
        terminal.settle(QUIET)
        terminal.keystroke("jj")  # the first scroll after a layout repaints in full
        sizes = [terminal.keystroke("j")[2] for _ in range(30)]
        terminal.close()
    return statistics.median(sizes)


def issue16_table(words: int, runs: int) -> None:
    """Prints issue 16's table at 120x40, each row against its anchors: `less` and a minimal
    Textual app (ANCHOR_APP)."""
    seed_text = DEFAULT_SEED.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        seed, big = tmp / "seed.txt", tmp / "big.txt"
        seed.write_text(seed_text, encoding="utf-8")
        big.write_text((seed_text + "\n\n") * (words // len(seed_text.split()) + 1), "utf-8")
        anchor_path = tmp / "anchor_app.py"
        anchor_path.write_text(ANCHOR_APP)
        anchor = [sys.executable, str(anchor_path)]
        less = ["less", "-R"] if shutil.which("less") else None
        headline = has_text(HEADLINE)
        analysed = lambda s: has_highlight(s) or analysis_failed(s)  # noqa: E731
        rows: list[tuple[str, str, str]] = []

        typed = typed_at_first_frame(byline(seed), TYPE_AHEAD, analysis_over, tmp, "byline")
        pager_keys = "j" * 40 + "/Lavrov\r"
        pager = (
            typed_at_first_frame([*less, str(seed)], pager_keys, lambda s: True, tmp, "less")
            if less
            else "n/a"
        )
        app = typed_at_first_frame([*anchor, str(seed)], "j" * 40, lambda s: True, tmp, "anchor")
        rows.append(
            (
                "keys typed at the first frame (fresh library): j x40, 1, /Lavrov Enter",
                typed,
                f"less (j x40 /Lavrov Enter): {pager}; minimal app (j x40): {app}",
            )
        )

        first, worst = reaction_while_analysing(byline(big), "j", tmp, "big")
        pager_first = (
            reaction_while_analysing([*less, str(big)], "j", tmp, "less-big")[0] if less else None
        )
        app_first = reaction_while_analysing([*anchor, str(big)], "j", tmp, "anchor-big")[0]
        rows.append(
            (
                f"first reaction to j while a {words:,}-word article is analysed",
                f"median {ms(first)}, max {ms(worst)}",
                f"less {ms(pager_first)}; minimal app {ms(app_first)}",
            )
        )

        # Ready: the suggestions saved (#1), so a key times its own write, not theirs.
        annotating = lambda s: "saved #1" in "\n".join(s.display)  # noqa: E731
        annotate = [*byline(seed)[:-1], "annotate", str(seed), "--annotator", "bench"]
        saves = saved_latency(annotate, annotating, "yu", tmp, max(10, runs * 5))
        floor = saved_latency([*anchor, str(seed)], headline, "y", tmp, max(10, runs * 5))
        rows.append(
            (
                "annotation key -> 'saved #N' on screen, 120x40",
                f"p50 {ms(percentile(saves, 0.5)) if saves else 'n/a'}, "
                f"p95 {ms(percentile(saves, 0.95)) if saves else 'n/a'} (n={len(saves)})",
                f"minimal app (y): p50 {ms(percentile(floor, 0.5)) if floor else 'n/a'}",
            )
        )

        quits: dict[str, list[float]] = {"byline": [], "less": [], "minimal app": []}
        for run in range(max(runs, 5)):
            quitting = IssueTerminal(byline(seed), (120, 40), tmp / f"q{run}.db")
            quits["byline"].append(quit_time(quitting, analysed))
            if less:
                quitting = IssueTerminal([*less, str(seed)], (120, 40), tmp / "x")
                quits["less"].append(quit_time(quitting, headline))
            quitting = IssueTerminal([*anchor, str(seed)], (120, 40), tmp / "x")
            quits["minimal app"].append(quit_time(quitting, headline))
        rows.append(
            (
                "quit (q -> process gone)",
                ms(statistics.median(quits["byline"])),
                "; ".join(
                    f"{name} {ms(statistics.median(values))}"
                    for name, values in quits.items()
                    if name != "byline" and values
                ),
            )
        )

        with_margins = bytes_per_line(byline(seed), analysed, margins=True)
        repainted = bytes_per_line(byline(seed), analysed, margins=False)
        pager_bytes = bytes_per_line([*less, str(seed)], headline, False) if less else None
        app_bytes = bytes_per_line([*anchor, str(seed)], headline, False)
        rows.append(
            (
                "bytes per scrolled line beside the panel, 120x40",
                f"{with_margins:.0f} B (terminal with left/right margins); "
                f"{repainted:.0f} B (without)",
                f"less {pager_bytes:.0f} B; minimal app {app_bytes:.0f} B"
                if pager_bytes is not None
                else f"minimal app {app_bytes:.0f} B",
            )
        )
    print_issue16_table(rows)


def print_issue16_table(rows: list[tuple[str, str, str]]) -> None:
    print("\n== issue 16: never drop or stall a key (120x40)")
    print("| | byline | anchors |")
    print("|---|---|---|")
    for name, ours, anchors in rows:
        print(f"| {name} | {ours} | {anchors} |")


if __name__ == "__main__":
    main()

"""Never lose work: a real `byline annotate` in a pseudo-terminal, scripted keys, SIGKILL at
random points, many times. Every action the screen showed as "saved #N <summary>" must be in
the library afterwards, and the library must pass `PRAGMA integrity_check`.

The article is small and its analysis is put in the library's cache first, so the child never
loads spaCy: each run is the start-up, some keys, and the kill.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from terminal import Terminal

from tui.analysis import cached_analysis, installed_model_id
from tui.loaders import load_path
from tui.nlp.pipeline import model_name
from tui.store import Library
from tui.store.annotations import Annotations

COLUMNS, LINES = 80, 24  # narrow: the side panel is hidden, the status line is whole
#: Kills in one run of the test (at least 50; more with BYLINE_KILLS=N).
KILLS = max(50, int(os.environ.get("BYLINE_KILLS", "50")))
#: A bound on waiting for a child to show its first screen (not a timing assertion).
START_DEADLINE = 60.0
#: Seconds without output after which a frame is taken as complete.
QUIET = 0.02
#: The status line; a summary never has two spaces in a row (a toast may follow on the row).
SAVED = re.compile(r"saved #(\d+) (.*?)(?:\s{2}|\s*$)")

ARTICLE = """Ministers meet over the port strike

Union leader Maria Lopez said on Monday that the strike at the port of Rotterdam would go on.

"We will not move until the contract is signed," Lopez told reporters outside the Dutch
parliament in The Hague.

Transport minister Jan de Vries said the government had offered a 4 percent rise, according to
officials at the ministry. Shipping companies warned that costs would rise across Europe.
"""

#: Keys the script picks from (weighted by repetition): decisions, moves, selections with
#: a label, nudges, undo/redo, tabs, done; `s` + Enter goes through the speaker picker.
SHIFT = {"left": "\x1b[1;2D", "right": "\x1b[1;2C", "up": "\x1b[1;2A", "down": "\x1b[1;2B"}
KEYS = (
    ["y"] * 6
    + ["x"] * 3
    + ["u"] * 3
    + ["\x12"] * 2
    + ["j", "k", "1", "2", "3", "m", "d"]
    + ["vww1", "vwww2", "v)c", "vwq"]
    + list(SHIFT.values())
    + ["s\r", "w", "}", "r3"]
)


def seen_saved(terminal: Terminal) -> list[tuple[int, str, str]]:
    """(seq, summary, the row it was read from) of each "saved #N" on the screen."""
    found = []
    for row in terminal.display:
        line = re.split(r"[▌▏▎│]", row)[0]  # a toast may cover the end of the status line
        match = SAVED.search(line)
        if match:
            found.append((int(match.group(1)), match.group(2), row))
    return found


#: What the screen showed as saved: seq -> (summary, where it was seen, for a failure's message).
Shown = dict[int, tuple[str, str]]


def one_run(argv: list[str], rng: random.Random, shown: Shown, run: int) -> tuple[int, bool]:
    """Start the child, send keys, SIGKILL it at a random point. Adds what it showed as saved
    to `shown`; returns how many keys were sent and whether it was killed (a `q` with no
    selection, e.g. after a label key that failed, quits it first)."""
    # As a terminal that holds frames until they are whole: a frame still open is not read.
    terminal = Terminal(argv, COLUMNS, LINES, answer_sync=True)

    def pump(timeout: float, read: bool = True) -> None:
        """Read what the child wrote; once it has been quiet for a moment and no frame is half
        written (a line half redrawn is never read), note what the status line says was saved."""
        if terminal.pump(timeout):
            terminal.settle(QUIET)
        if read and not terminal.ended and not terminal.in_frame:
            for seq, summary, row in seen_saved(terminal):
                shown.setdefault(seq, (summary, f"run {run}, row {row.rstrip()!r}"))

    try:
        assert terminal.until(lambda: terminal.shows("decided"), START_DEADLINE), terminal.text()
        pump(0)
        sent = 0
        for _ in range(rng.randint(0, 25)):
            if not terminal.alive():
                return sent, False
            terminal.send(rng.choice(KEYS))
            sent += 1
            pump(rng.choice((0.0, 0.02, 0.05, 0.1)))
        if not terminal.alive():
            return sent, False
        if rng.random() < 0.5:  # sometimes right after a key, while it is being saved
            terminal.send(rng.choice(("y", "x", "u", "vww1")))
            pump(rng.random() * 0.01)
        terminal.kill(signal.SIGKILL)
        pump(0.05, read=False)  # a frame cut short by the kill may be torn: not read
        return sent, True
    finally:
        terminal.close()
        status = terminal.exit_status()  # ended by itself, or by our SIGKILL
        assert status is not None and (status >= 0 or status == -signal.SIGKILL), status


#: Children running at once, each its own annotator on the same library (concurrent writers).
PARALLEL = 3


def kill_repeatedly(argv: list[str], db: Path, annotator: str, runs: int, seed: int) -> str:
    """`runs` runs of one annotator; after each kill, the checks. Returns a line of figures."""
    from tui.loaders import load_path

    article = load_path(Path(argv[argv.index("annotate") + 1]))
    rng = random.Random(seed)
    shown: Shown = {}
    keys = 0
    logged: dict[int, str] = {}
    kills = 0
    run = 0
    while kills < runs:
        run += 1
        sent, killed = one_run([*argv, "--annotator", annotator], rng, shown, run)
        keys, kills = keys + sent, kills + killed
        with sqlite3.connect(db) as check:
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        with Library(db) as library:
            session = Annotations(library).session(article, annotator)
            session.check()  # the log replays to the stored state
            logged = {action.seq: action.summary for action in session.history()}
        for seq, (summary, seen) in shown.items():
            assert seq in logged, (
                f"{annotator}, kill {kills}: #{seq} shown as saved ({seen}), not stored "
                f"(stored: #{min(logged, default=0)} to #{max(logged, default=0)})"
            )
            assert logged[seq].startswith(summary.rstrip("… ")), (seq, summary, logged[seq], seen)
    return f"{annotator}: {runs} kills, {keys} keys, {len(shown)} seen saved, {len(logged)} logged"


def test_sigkill_never_loses_an_action_shown_as_saved(tmp_path: Path, nlp) -> None:
    path = tmp_path / "port-strike.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "library.sqlite3"
    article = load_path(path)
    with Library(db) as library:
        library.add([article])
        cached_analysis(library, article, lambda: nlp, installed_model_id(model_name(None)))
    argv = [sys.executable, "-m", "tui.cli", "annotate", str(path), "--db", str(db)]
    seed = int(os.environ.get("BYLINE_KILL_SEED", "6"))
    runs = [KILLS // PARALLEL + (i < KILLS % PARALLEL) for i in range(PARALLEL)]
    started = time.perf_counter()
    with ThreadPoolExecutor(PARALLEL) as pool:
        jobs = [
            pool.submit(kill_repeatedly, argv, db, f"annotator{i}", runs[i], seed + i)
            for i in range(PARALLEL)
        ]
        lines = [job.result() for job in jobs]
    elapsed = time.perf_counter() - started
    print(f"\n{sum(runs)} SIGKILLs in {elapsed:.0f} s, every action seen as saved was stored:")
    print("\n".join(lines))

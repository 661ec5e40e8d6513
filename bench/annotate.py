"""Benchmark annotation mode: keystrokes to correct the seed article, and per-key latency.

    .venv/bin/python -m bench.annotate [--size COLSxLINES]

An annotator who knows the gold annotations (tests/data/devset/00-aljazeera-aleppo-talks) goes
through the machine's suggestions in the real screen (Pilot, a real SQLite library, the real
spaCy analysis): `y` when a quote or claim is right, `x` when it is not in the gold, `s` + as
few letters as the speaker picker needs + Enter when the speaker/source is wrong, and for a
gold claim or quote the machine missed: cursor moves (the fewest, found by a breadth-first
search over the real move functions), `v`, moves, `c`/`q`, then its speaker. Every key goes
through `pilot.press` and is counted. The result is scored with the dev set's own scorer.

Then the same keys are sent to a real `byline annotate` in a pseudo-terminal (tests/terminal.py;
the analysis comes from the library's cache) and each key's latency is measured as the
user sees it: from sending the key to the first and the last byte of the repaint, which comes
after the store has committed the action. The pty run must end with the same annotations.

Prints the keystrokes (target <= 25) and the latency of each kind of key.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from collections import defaultdict, deque
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.loaders import load_path  # noqa: E402
from tui.model import Analysis, Article, Claim, Quote  # noqa: E402
from tui.nlp.evaluate import _source_matches, same_name, score_article  # noqa: E402
from tui.store.annotations import PENDING, REJECTED, Span  # noqa: E402

DEVSET = ROOT / "tests" / "data" / "devset"
NAME = "00-aljazeera-aleppo-talks"
TARGET = 25
#: Cursor keys the search may use, with the view's move for each.
MOVES = {
    "w": ("word", 1),
    "b": ("word", -1),
    "right_parenthesis": ("clause", 1),
    "left_parenthesis": ("clause", -1),
    "right_curly_bracket": ("paragraph", 1),
    "left_curly_bracket": ("paragraph", -1),
    "right": ("char", 1),
    "left": ("char", -1),
}


class Gold:
    """One gold quote or claim: where its snippet is, and who said it."""

    def __init__(self, kind: str, text: str, item: dict) -> None:
        self.kind = kind
        self.start = text.index(item["snippet"])
        self.end = self.start + len(item["snippet"])
        if item.get("end_snippet"):
            self.end = text.index(item["end_snippet"]) + len(item["end_snippet"])
        self.who: str = item["speaker"] if kind == "quote" else item["source"]

    def matches(self, span: Span) -> bool:
        if span.kind != self.kind:
            return False
        if self.kind == "quote":
            return span.start <= self.start and self.end <= span.end
        shared = min(self.end, span.end) - max(self.start, span.start)
        return shared / (self.end - self.start) >= 0.5

    def right_who(self, name: str | None) -> bool:
        if self.kind == "quote":
            return same_name(name, self.who)
        return _source_matches(name, self.who)


def shortest_moves(start: int, accept: Callable[[int], bool], move: Callable) -> list[str]:
    """The fewest cursor keys from `start` to a position `accept` takes (breadth-first)."""
    seen = {start: []}
    queue = deque([start])
    while queue:
        at = queue.popleft()
        if accept(at):
            return seen[at]
        if len(seen[at]) > 40:
            continue
        for key, (unit, step) in MOVES.items():
            to = move(at, unit, step)
            if to not in seen:
                seen[to] = [*seen[at], key]
                queue.append(to)
    raise RuntimeError("no way there")


async def run(size: tuple[int, int]) -> None:
    from tui.app import BylineApp
    from tui.nlp.analyze import analyze_text
    from tui.nlp.pipeline import load_pipeline
    from tui.screens.annotate import AnnotateScreen
    from tui.screens.annotate_prompts import rank, speaker_candidates
    from tui.store import Library
    from tui.text_navigation import CLAUSE_END, trimmed

    article = load_path(DEVSET / f"{NAME}.txt")
    gold_data = json.loads((DEVSET / f"{NAME}.gold.json").read_text("utf-8"))
    text = article.text
    golds = [Gold("quote", text, q) for q in gold_data["quotes"]]
    golds += [Gold("claim", text, c) for c in gold_data["claims"]]
    analysis = analyze_text(text, load_pipeline())

    pressed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, Library(Path(tmp) / "lib.sqlite3") as library:
        app = BylineApp(
            [article],
            analyser=lambda _: analysis,
            library=library,
            annotate=True,
            annotator="bench",
        )
        async with app.run_test(size=size) as pilot:
            screen = app.screen
            assert isinstance(screen, AnnotateScreen)
            while not (screen.ready and screen.state and screen.state.suggested):
                await pilot.pause(0.02)
            await pilot.pause()

            async def press(*keys: str) -> None:
                for key in keys:
                    await pilot.press(key)
                    pressed.append(key)

            def move(at: int, unit: str, step: int) -> int:
                view = screen.view
                saved = view.cursor
                view.cursor = at
                to = view._moved(unit, step)
                view.cursor = saved
                return to

            def covered(gold: Gold) -> bool:
                return any(gold.matches(s) and s.status != REJECTED for s in screen.spans.values())

            async def set_who(span: Span, gold: Gold) -> None:
                """s, the fewest letters (and down arrows) that put the gold name first, Enter."""
                candidates = speaker_candidates(text, span, list(screen.spans.values()), analysis)
                best: list[str] | None = None
                for length in range(len(gold.who) + 1):
                    query = gold.who[:length].lower()
                    shown = rank(query, candidates)[:12]
                    at = next((i for i, c in enumerate(shown) if gold.right_who(c.name)), None)
                    if at is not None:
                        keys = [*query.replace(" ", "space "), *(["down"] * at)]
                        keys = [k for k in " ".join(keys).split(" ") if k]
                        if best is None or len(keys) < len(best):
                            best = keys
                if best is None:  # not among the entities: typed in full
                    best = [("space" if ch == " " else ch) for ch in gold.who]
                await press("s", *best, "enter")

            async def create(gold: Gold) -> None:
                """Move to the gold span, select it, label it, then its speaker."""
                sentence = max(text.rfind("\n", 0, gold.start) + 1, 0)
                after = CLAUSE_END.search(text, gold.end)
                limit = after.start() if after else len(text)
                view = screen.view
                to_start = shortest_moves(view.cursor, lambda p: sentence <= p <= gold.start, move)
                await press(*to_start, "v")
                strip = ',;:“”"' if gold.kind == "quote" else ",;:"

                def good_end(p: int) -> bool:
                    start, end = trimmed(
                        text,
                        min(view.selection_anchor or 0, p),
                        max(view.selection_anchor or 0, p),
                        strip,
                    )
                    return start <= gold.start and gold.end <= end <= limit

                await press(*shortest_moves(view.cursor, good_end, move))
                await press("q" if gold.kind == "quote" else "c")
                made = screen.current_span()
                assert made is not None and gold.matches(made), made
                await set_who(made, gold)

            while True:
                span = screen.current_span()
                if span is None or span.kind == "entity" or span.status != PENDING:
                    break
                for gold in golds:  # a gold item the machine missed, before this one: add it
                    if gold.kind == span.kind and gold.end <= span.start and not covered(gold):
                        await create(gold)
                gold = next((g for g in golds if g.matches(span)), None)
                if gold is None:
                    await press("x")
                elif gold.right_who(span.speaker):
                    await press("y")
                else:
                    await set_who(span, gold)
            for gold in golds:
                if not covered(gold):
                    await create(gold)

            spans = [s for s in screen.spans.values() if s.status != REJECTED]
            result = Analysis(
                quotes=[
                    Quote(s.start, s.end, text[s.start : s.end], s.speaker)
                    for s in spans
                    if s.kind == "quote"
                ],
                claims=[
                    Claim(s.start, s.end, text[s.start : s.end], s.speaker)
                    for s in spans
                    if s.kind == "claim"
                ],
            )
            final = {_key(s) for s in spans}
            score = score_article(text, result, gold_data, NAME)
            machine = score_article(text, analysis, gold_data, NAME)

    print(f"seed article {NAME}: {len(golds)} gold quotes and claims")
    print(f"machine suggestions:  {machine.summary()}")
    print(f"after the keystrokes: {score.summary()}")
    for error in score.errors:
        print(f"  left: {error}")
    count = len(pressed)
    verdict = "ok" if count <= TARGET else "OVER TARGET"
    print(f"keystrokes: {count} (target <= {TARGET}: {verdict})")
    print("  " + " ".join(pressed))
    replay_in_a_terminal(article, analysis, pressed, final, size)


def replay_in_a_terminal(
    article: Article, analysis: Analysis, keys: list[str], expected: set, size: tuple[int, int]
) -> None:
    """The same keys to a real `byline annotate` in a pty; the latency of each."""
    from tests.terminal import Terminal
    from tui.analysis import cached_analysis, installed_model_id
    from tui.nlp.pipeline import load_pipeline, model_name
    from tui.store import Library
    from tui.store.annotations import Annotations

    latency: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        db, path = Path(tmp) / "lib.sqlite3", Path(tmp) / f"{NAME}.txt"
        path.write_text(article.text, encoding="utf-8")
        with Library(db) as library:
            library.add([article])
            model = installed_model_id(model_name(None))
            cached_analysis(library, article, load_pipeline, model)
        argv = [
            sys.executable,
            "-m",
            "tui.cli",
            "annotate",
            str(path),
            "--db",
            str(db),
            "--annotator",
            "bench",
        ]
        terminal = Terminal(argv, *size)
        try:
            if not terminal.until(lambda: "saved #1" in "".join(terminal.display)):
                raise SystemExit("byline annotate did not start")
            for key in keys:
                first, last, _ = terminal.keystroke(KEY_BYTES.get(key, key))
                latency[key].append((first, last))
            terminal.settle()
        finally:
            terminal.close()
        with Library(db) as library:
            spans = Annotations(library).session(article, "bench").spans()
    same = {_key(s) for s in spans if s.status != REJECTED} == expected
    print(f"the same keys in a pty ({size[0]}x{size[1]}): same annotations: {same}")
    print("per-key latency, key sent -> first / last byte of the repaint (ms):")
    for key, times in sorted(latency.items(), key=lambda kv: -len(kv[1])):
        firsts = [t[0] * 1000 for t in times]
        lasts = [t[1] * 1000 for t in times]
        print(
            f"  {key:<20} n={len(times):<3} first {statistics.median(firsts):6.1f}  last "
            f"{statistics.median(lasts):6.1f} (median)  max last {max(lasts):6.1f}"
        )
    every = sorted(t[1] * 1000 for times in latency.values() for t in times)
    print(
        f"  {'all keys':<20} n={len(every):<3} last byte: median "
        f"{statistics.median(every):6.1f}  p90 {every[int(len(every) * 0.9)]:6.1f}  "
        f"max {every[-1]:6.1f}"
    )


#: Pilot key names -> what a terminal sends.
KEY_BYTES = {
    "enter": "\r",
    "space": " ",
    "down": "\x1b[B",
    "up": "\x1b[A",
    "left": "\x1b[D",
    "right": "\x1b[C",
    "right_parenthesis": ")",
    "left_parenthesis": "(",
    "right_curly_bracket": "}",
    "left_curly_bracket": "{",
}


def _key(span: Span) -> tuple:
    return (span.label, span.start, span.end, span.speaker, span.status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="160x48", help="terminal size (default 160x48)")
    args = parser.parse_args()
    columns, lines = (int(n) for n in args.size.split("x"))
    asyncio.run(run((columns, lines)))


if __name__ == "__main__":
    main()

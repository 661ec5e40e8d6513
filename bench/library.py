"""The library at scale: import 10,000 generated articles, then list them and filter them.

Usage: python bench/library.py [COUNT]   (default 10,000)
Prints: import time through `byline add` (a directory of .txt files, and one JSON Lines file),
`byline list`, `byline list --json` and `byline search` time, and the library screen's time to
show and to filter (per keystroke: the metadata, and the text through the FTS5 index). No
analysis runs: a third of the articles get a small cached analysis so the counts columns are
filled in as they would be.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.pilot import Pilot

from tui.analysis import installed_model_id
from tui.app import BylineApp
from tui.model import Analysis, Article, Claim, Quote
from tui.nlp.pipeline import DEFAULT_MODEL
from tui.screens.library import LibraryScreen
from tui.store import Library, put_analysis

WORDS = (
    "council harbour bridge ferry minister election rates court storm farmers talks "
    "officials said according report study market strike rescue glacier tariff"
).split()
SOURCES = ["Coastal Herald", "Island News", "Daily Planet", "Wire Service", "Science Desk"]


def generate(count: int, seed: int = 5) -> list[dict[str, str]]:
    rng = random.Random(seed)
    records = []
    for n in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize() + f" ({n})"
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)) + "." for _ in range(6)]
        text = title + "\n\n" + "\n\n".join(paragraphs)
        date = f"2024-{n % 12 + 1:02d}-01"
        records.append({"title": title, "text": text, "source": rng.choice(SOURCES), "date": date})
    return records


def timed(argv: list[str], db: Path) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", *argv, "--db", str(db)], capture_output=True, check=False
    )
    return time.perf_counter() - start, result


async def press(pilot: Pilot, key: str) -> float:
    """Seconds from pressing a key until the screen has been refreshed after it."""
    start = time.perf_counter()
    await pilot.press(key)
    await pilot.pause()
    return time.perf_counter() - start


async def screen_times(db: Path, typed: str = "ferry 1") -> tuple[float, list[float], int, float]:
    with Library(db) as library:
        article = Article(text="Placeholder\n\n" + "word " * 5000)
        app = BylineApp([article], library=library, analyser=lambda article: Analysis())
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            # The harness's own cost of a key press: scrolling the reader one line.
            baseline = sorted([await press(pilot, "j") for _ in range(7)])[3]
            start = time.perf_counter()
            await pilot.press("L")
            while not isinstance(app.screen, LibraryScreen):
                await pilot.pause(0)
            await pilot.pause()
            shown = time.perf_counter() - start
            keys = [await press(pilot, key if key != " " else "space") for key in typed]
            rows = len(app.screen.shown)  # type: ignore[attr-defined]
    return shown, keys, rows, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="?", type=int, default=10_000, help="(default: 10,000)")
    count = parser.parse_args().articles
    records = generate(count)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for n, record in enumerate(records):
            (folder / f"{n:05d}.txt").write_text(record["text"], encoding="utf-8")
        jsonl = Path(tmp) / "articles.jsonl"
        jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

        seconds, result = timed(["add", str(folder)], Path(tmp) / "dir.sqlite3")
        assert result.returncode == 0, result.stderr
        print(
            f"byline add DIR   ({count} .txt files): {seconds:6.2f} s "
            f"({count / seconds:,.0f} articles/s)  {result.stdout.decode().strip()}"
        )
        db = Path(tmp) / "lib.sqlite3"
        seconds, result = timed(["add", str(jsonl)], db)
        assert result.returncode == 0, result.stderr
        print(
            f"byline add JSONL ({count} lines):     {seconds:6.2f} s "
            f"({count / seconds:,.0f} articles/s)"
        )
        seconds, _ = timed(["add", str(jsonl)], db)
        print(f"byline add JSONL again (all dedup): {seconds:6.2f} s")

        key = installed_model_id(DEFAULT_MODEL) or "model"
        with Library(db) as library:
            analysis = Analysis(quotes=[Quote(0, 5, "quote")], claims=[Claim(0, 5, "claim")])
            for entry in library.entries()[::3]:
                put_analysis(library, entry.hash, key, analysis)
        print(f"database size: {db.stat().st_size / 1e6:.1f} MB")

        seconds, result = timed(["list"], db)
        print(
            f"byline list:        {seconds:6.2f} s ({len(result.stdout.splitlines()) - 1} rows,"
            " including Python start-up)"
        )
        seconds, result = timed(["list", "--json"], db)
        print(f"byline list --json: {seconds:6.2f} s")
        seconds, result = timed(["search", "harbour glacier", "--limit", "20"], db)
        print(
            f"byline search:      {seconds:6.2f} s ({len(result.stdout.splitlines()) // 2} "
            "hits shown, FTS5 over the text)"
        )
        seconds, _ = timed(["--version"], db)
        print(f"(python + byline start-up alone: {seconds:.2f} s)")

        shown, keys, rows, baseline = asyncio.run(screen_times(db))
        print(
            f"library screen: shown in {shown * 1000:.0f} ms; filter per keystroke "
            f"{min(keys) * 1000:.0f}-{max(keys) * 1000:.0f} ms "
            f"(median {sorted(keys)[len(keys) // 2] * 1000:.0f} ms); 'ferry 1' -> {rows} rows"
        )
        print(
            f"(the test harness's own cost of one key press, scrolling the reader a line: "
            f"{baseline * 1000:.0f} ms)"
        )


if __name__ == "__main__":
    main()

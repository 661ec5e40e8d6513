"""Benchmark the entity index following annotations: the store calls that re-index a done article.

    .venv/bin/python -m bench.index_annotations [--repeat N]

The seed article (108 suggestions: entities, quotes, claims) in a real SQLite library, analysed
by the real spaCy pipeline; half the suggestions accepted. Times, N times each, the store calls
(no screen): an accept on an article not done (the index is not touched), marking it done and
not done (each re-indexes it), an accept and a span note on the done article (the accept
re-indexes it, the note does not). Prints the median, 95th percentile and maximum of each.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tui import DEFAULT_SEED
from tui.analysis import cached_analysis
from tui.loaders import load_path
from tui.nlp.pipeline import load_pipeline
from tui.store import Library
from tui.store.annotations import Annotations


def timed(call: Callable[[], object]) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def show(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    print(
        f"{name:30} median {statistics.median(ordered):5.2f} ms   p95 {p95:5.2f} ms   "
        f"max {ordered[-1]:5.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    repeat = parser.parse_args().repeat
    seed = load_path(DEFAULT_SEED)
    nlp = load_pipeline()
    with tempfile.TemporaryDirectory() as tmp, Library(Path(tmp) / "lib.sqlite3") as library:
        library.add([seed])
        session = Annotations(library).session(seed, "bench")
        session.suggest(cached_analysis(library, seed, lambda: nlp))
        ids = [span.id for span in session.spans()]
        print(f"seed article: {len(ids)} spans")
        session.accept(*ids[: len(ids) // 2])
        rest = ids[len(ids) // 2 :][:repeat]
        figures: dict[str, list[float]] = {
            name: []
            for name in (
                "accept, not done",
                "mark_done(True)",
                "mark_done(False)",
                "accept, done",
                "note on a span, done",
            )
        }
        for span_id in rest:
            figures["accept, not done"].append(timed(partial(session.accept, span_id)))
            session.undo()
        for _ in rest:
            figures["mark_done(True)"].append(timed(lambda: session.mark_done(True)))
            figures["mark_done(False)"].append(timed(lambda: session.mark_done(False)))
        session.mark_done(True)
        for span_id in rest:
            figures["accept, done"].append(timed(partial(session.accept, span_id)))
            figures["note on a span, done"].append(timed(partial(session.set_note, span_id, "n")))
        session.check()
        for name, times in figures.items():
            show(name, times)


if __name__ == "__main__":
    main()

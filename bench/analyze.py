"""Throughput of `byline analyze` as a ratio to raw `nlp.pipe` with the same model and texts.

Usage: python -m bench.analyze [WORDS]   (default ~200,000 words, from the dev set repeated)
Prints words/second for both and the ratio (target >= 0.9).
"""

from __future__ import annotations

import argparse
import io
import time
from contextlib import redirect_stdout
from pathlib import Path

import spacy

from tui.cli import main as byline
from tui.nlp.pipeline import model_name

DEVSET = Path(__file__).resolve().parent.parent / "tests" / "data" / "devset"


def corpus(words: int, folder: Path) -> list[Path]:
    sources = sorted(DEVSET.glob("*.txt"))
    paths, total, copy = [], 0, 0
    while total < words:
        for source in sources:
            text = source.read_text(encoding="utf-8")
            path = folder / f"{copy:03d}-{source.name}"
            # A distinct first line per copy, so no layer can reuse work across copies.
            path.write_text(f"Copy {copy}\n\n{text}", encoding="utf-8")
            paths.append(path)
            total += len(text.split())
            if total >= words:
                break
        copy += 1
    return paths


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("words", nargs="?", type=int, default=200_000, help="(default: 200,000)")
    words = parser.parse_args().words
    with tempfile.TemporaryDirectory() as tmp:
        paths = corpus(words, Path(tmp))
        texts = [p.read_text(encoding="utf-8") for p in paths]
        count = sum(len(t.split()) for t in texts)

        nlp = spacy.load(model_name())
        started = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=16):
            pass
        raw = time.perf_counter() - started

        with redirect_stdout(io.StringIO()):  # load the model once, untimed
            byline(["analyze", "--model", model_name(), str(paths[0])])
        sink = io.StringIO()
        started = time.perf_counter()
        with redirect_stdout(sink):
            status = byline(["analyze", *map(str, paths)])
        ours = time.perf_counter() - started
        assert status == 0
        others = other_runs(paths)

    print(f"articles: {len(paths)}, words: {count:,}, model: {model_name()}")
    print(f"raw nlp.pipe:   {raw:7.2f} s  {count / raw:9,.0f} words/s")
    print(f"byline analyze: {ours:7.2f} s  {count / ours:9,.0f} words/s")
    print(f"throughput ratio (byline / raw): {raw / ours:.3f}  (target >= 0.9)")
    side_by_side(count, raw, {"--n-process 1": ours, **others})
    long_document(texts)


def other_runs(paths: list[Path]) -> dict[str, float]:
    """Seconds of `byline analyze` with 2 processes and on a local Dask cluster of 2 workers
    (that run includes starting the cluster and loading the model in each worker)."""
    runs = {}
    for option in (["--n-process", "2"], ["--dask", "local:2"]):
        sink = io.StringIO()
        started = time.perf_counter()
        with redirect_stdout(sink):
            status = byline(["analyze", *option, *map(str, paths)])
        runs[" ".join(option)] = time.perf_counter() - started
        assert status == 0
    return runs


def side_by_side(words: int, raw: float, runs: dict[str, float]) -> None:
    print("side by side, as ratios to raw nlp.pipe in one process:")
    for option, seconds in runs.items():
        print(
            f"  {option:<16} {seconds:7.2f} s  {words / seconds:9,.0f} words/s  "
            f"ratio {raw / seconds:.2f}"
        )


def long_document(texts: list[str]) -> None:
    """Byline's rules must stay linear: one long article, parse time against rule time."""
    from tui.nlp.analyze import analyze_doc
    from tui.nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    text = "\n\n".join(texts[:100])
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    started = time.perf_counter()
    doc = nlp(text)
    parsed = time.perf_counter() - started
    started = time.perf_counter()
    analysis = analyze_doc(doc)
    rules = time.perf_counter() - started
    print(
        f"one {len(text.split()):,}-word document: spaCy {parsed:.2f} s, Byline's rules "
        f"{rules:.2f} s ({len(analysis.quotes)} quotes, {len(analysis.claims)} claims)"
    )


if __name__ == "__main__":
    main()

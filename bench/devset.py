"""Score quotes, speakers and claims on the dev set; prints figures and every error."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.loaders import load_text
from tui.nlp.analyze import analyze_text
from tui.nlp.evaluate import Score, load_devset, score_article
from tui.nlp.pipeline import load_pipeline

DEVSET = Path(__file__).resolve().parent.parent / "tests" / "data" / "devset"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every error")
    verbose = parser.parse_args().verbose
    nlp = load_pipeline()
    total = Score()
    for name, raw, gold in load_devset(DEVSET):
        text = load_text(raw).text
        score = score_article(text, analyze_text(text, nlp), gold, name)
        total.add(score)
        if verbose:
            print(f"{name}: {score.summary()}")
    for error in total.errors:
        print(error)
    print(total.summary())


if __name__ == "__main__":
    main()

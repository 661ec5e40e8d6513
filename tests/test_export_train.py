"""From annotations to a model: `byline export --format spacy --config` writes a DocBin and a
training config; spaCy's own `spacy debug data` accepts them and `spacy train` trains one tiny
epoch (NER and a span categorizer for quotes and claims); Byline then reads articles with the
trained pipeline (`--model ./output/model-best`). Real subprocesses, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from seeded import seed_all_accepted

from tui.cli import main
from tui.model import Article
from tui.store import Library

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def exported(nlp: Any, seed: Article, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small export: the seed article (every suggestion accepted, done) and one article
    partly decided (its other tokens missing)."""
    base = tmp_path_factory.mktemp("train")
    db = base / "lib.sqlite3"
    with Library(db) as library:
        store = seed_all_accepted(library, seed, nlp)
        other = store.session(
            Article(text="Ann Lee said the port in Rotterdam is shut.", title="P"), "ana"
        )
        other.create("PERSON", 0, 7)
        other.create("CLAIM", 13, 42, "Ann Lee", 0, 7)
    status = main(
        [
            "export",
            "--db",
            str(db),
            "--format",
            "spacy",
            "-o",
            str(base / "train.spacy"),
            "--config",
            str(base / "config.cfg"),
        ]
    )
    assert status == 0
    return base


def spacy(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spacy", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,  # a bound against a hang, not a speed test
    )


def test_the_config_says_what_it_trains(exported: Path) -> None:
    from spacy.util import load_config

    config = load_config(exported / "config.cfg", interpolate=False)
    assert config["nlp"]["pipeline"][-3:] == ["ner", "span_finder", "spancat"]
    assert config["components"]["spancat"]["spans_key"] == "sc"
    assert set(config["training"]["frozen_components"]) == {
        "tok2vec",
        "tagger",
        "parser",
        "attribute_ruler",
        "lemmatizer",
    }
    assert (exported / "config.cfg").read_text("utf-8").startswith("# A spaCy training config")


def test_spacy_debug_data_accepts_the_export(exported: Path) -> None:
    # The rule lemmatizer comes trained from the base pipeline; `debug data` would initialise
    # it again from spacy-lookups-data, which the frozen component does not need.
    done = spacy(
        "debug",
        "data",
        "config.cfg",
        "--paths.train",
        "train.spacy",
        "--paths.dev",
        "train.spacy",
        "--nlp.disabled",
        '["lemmatizer"]',
        cwd=exported,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✘" not in done.stdout
    assert "Pipeline can be initialized with data" in done.stdout
    assert "Span Categorization" in done.stdout and "Named Entity Recognition" in done.stdout
    # The partly decided article's undecided tokens are missing, not O.
    assert "missing value" in done.stdout


def test_spacy_train_one_tiny_epoch_then_byline_reads_with_the_model(exported: Path) -> None:
    done = spacy(
        "train",
        "config.cfg",
        "--paths.train",
        "train.spacy",
        "--paths.dev",
        "train.spacy",
        "--output",
        "output",
        "--training.max_epochs",
        "1",
        "--training.max_steps",
        "2",
        "--training.eval_frequency",
        "2",
        cwd=exported,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    best = exported / "output" / "model-best"
    meta = json.loads((best / "meta.json").read_text("utf-8"))
    assert {"ner", "spancat", "parser"} <= set(meta["pipeline"])
    article = exported / "talks.txt"
    article.write_text(
        'Port talks\n\n"We will not leave," said Jane Doe of the Dockers Union in Rotterdam.\n',
        "utf-8",
    )
    analysed = subprocess.run(
        [str(BIN / "byline"), "analyze", "--model", str(best), str(article)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert analysed.returncode == 0, analysed.stderr
    (result,) = [json.loads(line) for line in analysed.stdout.splitlines()]
    assert result["entities"] and result["quotes"][0]["speaker"] == "Jane Doe"

"""Shared fixtures: the real spaCy pipeline, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import DEFAULT_SEED
from tui.loaders import load_path
from tui.model import Article

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def nlp():
    from tui.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seed() -> Article:
    return load_path(DEFAULT_SEED)


@pytest.fixture(autouse=True)
def _private_library(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test (and every `byline` it starts) uses a library of its own, never the user's."""
    monkeypatch.setenv("BYLINE_DB", str(tmp_path_factory.mktemp("db") / "library.sqlite3"))

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

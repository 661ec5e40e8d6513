"""Shared fixtures: the real spaCy pipeline, loaded once per test session; the lookup tests'
articles analysed and in a real library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui import DEFAULT_SEED
from tui.loaders import load_path
from tui.model import Analysis, Article
from tui.store import Library

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


def _module_articles(request: pytest.FixtureRequest) -> list[Article]:
    articles = getattr(request.module, "ARTICLES", None)
    if articles is None:
        pytest.fail(f"{request.module.__name__} has no ARTICLES for the `analyses` fixture")
    return list(articles)


@pytest.fixture(scope="module")
def analyses(request: pytest.FixtureRequest, nlp) -> dict[str, Analysis]:
    """The test module's ARTICLES analysed by spaCy, once per module: content hash -> analysis,
    in their order."""
    from tui.nlp.analyze import analyze_text

    return {a.content_hash: analyze_text(a.text, nlp) for a in _module_articles(request)}


@pytest.fixture
def library(
    request: pytest.FixtureRequest, tmp_path: Path, analyses: dict[str, Analysis]
) -> Iterator[Library]:
    """The test module's ARTICLES in a real library, each analysis cached (so each article is
    indexed from it). A module with a `library` fixture of its own uses that instead."""
    from tui.store import put_analysis

    with Library(tmp_path / "lib.sqlite3") as opened:
        opened.add(_module_articles(request))
        for content_hash, analysis in analyses.items():
            put_analysis(opened, content_hash, "model-1", analysis)
        yield opened

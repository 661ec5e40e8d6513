"""Another article cancels the analysis of the one before: the new one is analysed first (not
after the whole of the old one), nothing of the old one lands in it, the one analysis process is
reused, and none is left once the reader quits. Real spaCy in a real child process."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from waiting import reader_ready, until

from tui.analysis import AnalysisService, cached_analyser, child_analyser
from tui.app import BylineApp
from tui.loaders import load_text
from tui.model import Analysis, Article
from tui.nlp.analyze import analyze_text
from tui.screens.reader import ReaderScreen
from tui.store import Library

#: Small chunks: the long article is a dozen and more, each a step of its own.
CHUNK = 6000


@pytest.fixture(scope="module")
def long_article(seed: Article) -> Article:
    return load_text("\n\n".join([seed.text] * 20), "long.txt")


@pytest.fixture(scope="module")
def short_article(seed: Article) -> Article:
    return load_text(seed.text.replace("Aleppo", "Homs"), "short.txt")


@pytest.fixture(scope="module")
def long_analysis(long_article: Article, nlp) -> Analysis:
    return analyze_text(long_article.text, nlp, chunk_chars=CHUNK)


def analysis_processes() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "byline-analysis"]


def child_process(analyser: AnalysisService) -> object:
    assert analyser._child is not None
    return analyser._child._process


async def test_the_next_article_is_analysed_first_and_alone(
    long_article: Article, short_article: Article, long_analysis: Analysis, nlp
) -> None:
    analyser = child_analyser(chunk_chars=CHUNK)
    app = BylineApp([long_article, short_article], analyser=analyser)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await reader_ready(pilot)
        await until(pilot, lambda: 0 in screen.partial)  # the long one is being analysed
        process = child_process(analyser)

        await pilot.press("right_square_bracket")
        assert screen.current == 1
        await until(pilot, lambda: 1 in screen.analyses)
        # Its analysis came before the rest of the long one: that was cancelled, not finished.
        assert 0 not in screen.analyses
        assert screen.analyses[1] == analyze_text(short_article.text, nlp)
        assert screen.shown_analysis == screen.analyses[1]
        # The long one starts again, in the same process, and ends as the one-shot analysis.
        await until(pilot, lambda: 0 in screen.analyses)
        assert screen.analyses[0] == long_analysis
        assert child_process(analyser) is process
        assert not screen.failures
        assert len(analysis_processes()) == 1
    assert not analysis_processes()  # the reader quit: the child with it


async def test_an_article_opened_from_the_library_stops_the_readers_analysis(
    long_article: Article, short_article: Article, long_analysis: Analysis, tmp_path: Path
) -> None:
    with Library(tmp_path / "lib.sqlite3") as library:
        short_id = library.add_one(short_article)
        analyser = cached_analyser(library, chunk_chars=CHUNK)
        app = BylineApp([long_article], analyser=analyser, library=library)
        async with app.run_test(size=(120, 30)) as pilot:
            first = await reader_ready(pilot)
            await until(pilot, lambda: 0 in first.partial)

            app._open_from_library(short_id)  # as choosing it in the library (`L`) does
            await until(pilot, lambda: app.screen is not first)
            second = await reader_ready(pilot)
            assert isinstance(second, ReaderScreen) and second.article == short_article
            await until(pilot, lambda: 0 in second.analyses)
            assert 0 not in first.analyses  # it waited for none of the long one's chunks
            assert not first._analysing()

            # Back in the first reader, its analysis starts again and completes.
            app.pop_screen()
            await until(pilot, lambda: app.screen is first)
            await until(pilot, lambda: 0 in first.analyses)
            assert first.analyses[0] == long_analysis
            assert len(analysis_processes()) == 1
        assert not analysis_processes()

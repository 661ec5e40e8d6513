"""A long article's analysis a chunk at a time: the part in view first, a preview of it before
that, the final result the one-shot analysis, and only that one cached. The real spaCy pipeline
on the seed article repeated, with small chunks (a parameter) so that a test text has several."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from itertools import pairwise
from pathlib import Path

import pytest
from textual.pilot import Pilot
from waiting import until

from tui.analysis import (
    Analyser,
    Focus,
    SteppedAnalyser,
    cached_analyser,
    cached_analysis_steps,
    spacy_analyser,
)
from tui.app import BylineApp
from tui.loaders import load_text
from tui.model import Analysis, AnalysisStep, Article
from tui.nlp.analyze import analyze_steps, analyze_text, chunk_spans
from tui.nlp.pipeline import model_id
from tui.screens import reader as reader_screen
from tui.screens.reader import ReaderScreen
from tui.store import Library, get_analysis
from tui.widgets.reader_bar import ReaderBar
from tui.widgets.side_panel import SidePanel

#: Chunks of this size make the test article several, and a preview about 500 characters.
CHUNK = 6000


@pytest.fixture(scope="module")
def long_article(seed: Article) -> Article:
    return load_text("\n\n".join([seed.text] * 6), "long.txt")


@pytest.fixture(scope="module")
def one_shot(long_article: Article, nlp) -> Analysis:
    return analyze_text(long_article.text, nlp, chunk_chars=CHUNK)


def chunk_of(text: str, offset: int) -> tuple[int, int]:
    return next((s, e) for s, e in chunk_spans(text, CHUNK) if s <= offset < e)


# The core: analyze_steps.


def test_the_article_has_several_chunks(long_article: Article) -> None:
    assert len(chunk_spans(long_article.text, CHUNK)) >= 4


@pytest.mark.parametrize("where", [None, 0.5, 1.0])
def test_the_last_step_is_the_one_shot_analysis(
    long_article: Article, one_shot: Analysis, nlp, where: float | None
) -> None:
    text = long_article.text
    focus = None if where is None else (lambda: int(len(text) * where))
    steps = list(analyze_steps(text, nlp, chunk_chars=CHUNK, focus=focus))
    total = len(chunk_spans(text, CHUNK))
    assert [s.complete for s in steps] == [False] * (len(steps) - 1) + [True]
    assert [s.done for s in steps if s.done] == list(range(1, total + 1))
    assert all(s.total == total for s in steps)
    # One chunk at a time, in any order, ends as the one-shot analysis (a batch through
    # nlp.pipe, as the library's import does it).
    assert steps[-1].analysis == one_shot


def test_the_chunk_in_view_is_analysed_first_after_a_preview(
    long_article: Article, one_shot: Analysis, nlp
) -> None:
    text = long_article.text
    at = len(text) // 2
    start, end = chunk_of(text, at)
    steps = analyze_steps(text, nlp, chunk_chars=CHUNK, focus=lambda: at)
    preview = next(steps)
    assert preview.done == 0 and preview.analysis.entities
    spans = [(m.start, m.end) for m in preview.analysis.entities]
    assert all(start <= s and e <= end for s, e in spans)
    assert any(at <= s < at + 500 for s, _ in spans)
    assert all(text[m.start : m.end] == m.text for m in preview.analysis.entities)
    first = next(steps)
    assert first.done == 1
    here = [m for m in one_shot.entities if start <= m.start < end]
    assert sorted((m.start, m.end, m.label) for m in first.analysis.entities) == sorted(
        (m.start, m.end, m.label) for m in here
    )


def test_the_focus_is_asked_again_before_each_chunk(long_article: Article, nlp) -> None:
    text = long_article.text
    spans = chunk_spans(text, CHUNK)
    last = len(spans) - 1
    reader_at = [0]
    done, chunks = [], []  # per step: chunks done; chunks with mentions (previews included)
    for step in analyze_steps(text, nlp, chunk_chars=CHUNK, focus=lambda: reader_at[0]):
        done.append(step.done)
        starts = {m.start for m in step.analysis.entities}
        chunks.append({i for i, (s, e) in enumerate(spans) if any(s <= x < e for x in starts)})
        if step.done == 1:
            reader_at[0] = spans[last][0] + 10  # the reader jumps to the last chunk
    # A preview of chunk 0, chunk 0; a preview of the last chunk, the last chunk; then the
    # rest backwards from there, nearest first.
    assert done == [0, 1, 1, *range(2, len(spans) + 1)]
    assert chunks[:4] == [{0}, {0}, {0, last}, {0, last}]
    added = [(after - before).pop() for before, after in pairwise(chunks[3:])]
    assert added == list(range(last - 1, 0, -1))


def test_a_short_text_is_one_step_exactly_as_before(seed: Article, nlp) -> None:
    steps = list(analyze_steps(seed.text, nlp, focus=lambda: 1000))
    assert len(steps) == 1 and steps[0].complete and (steps[0].done, steps[0].total) == (1, 1)
    assert steps[0].analysis == analyze_text(seed.text, nlp)


# The cache: complete analyses only.


def test_the_cache_only_ever_holds_the_complete_analysis(
    long_article: Article, one_shot: Analysis, nlp, tmp_path: Path
) -> None:
    model = model_id(nlp)
    digest = long_article.content_hash
    with Library(tmp_path / "lib.sqlite3") as library:
        steps = cached_analysis_steps(
            library, long_article, lambda: nlp, model, focus=lambda: 0, chunk_chars=CHUNK
        )
        next(steps), next(steps)
        assert get_analysis(library, digest, model) is None
        steps.close()  # the reader closed half-way: nothing stored
        assert get_analysis(library, digest, model) is None

        seen = []
        for step in cached_analysis_steps(
            library, long_article, lambda: nlp, model, chunk_chars=CHUNK
        ):
            stored = get_analysis(library, digest, model)
            seen.append(step.complete)
            assert stored == (step.analysis if step.complete else None)
        assert seen[-1] and not any(seen[:-1])
        assert get_analysis(library, digest, model) == one_shot

        def no_spacy():
            raise AssertionError("a cache hit loads no model")

        again = list(cached_analysis_steps(library, long_article, no_spacy, model, focus=lambda: 0))
        assert len(again) == 1 and again[0].complete and again[0].analysis == one_shot


# The reader.


class Gate:
    """Holds an analyser's steps back: none until `start`, then one per `step`, or all after
    `open`, so the test looks at the screen between steps (no timing involved)."""

    def __init__(self, analyser: Analyser) -> None:
        assert isinstance(analyser, SteppedAnalyser)
        self.analyser = analyser
        self.started = threading.Event()
        self.opened = threading.Event()
        self.permits = threading.Semaphore(0)
        self.steps: list[AnalysisStep] = []

    def __call__(self, article: Article, focus: Focus | None) -> Iterator[AnalysisStep]:
        if not self.started.wait(timeout=60):
            raise TimeoutError("the test never started the analysis")
        for step in self.analyser.steps(article, focus):
            self.steps.append(step)
            yield step
            if not self.opened.is_set() and not self.permits.acquire(timeout=60):
                raise TimeoutError("the test never let the next step go")

    def start(self) -> None:
        self.started.set()

    def step(self) -> None:
        self.permits.release()

    def open(self) -> None:
        self.started.set()
        self.opened.set()
        self.permits.release()


def reader(app: BylineApp) -> ReaderScreen:
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


@asynccontextmanager
async def gated_reader(
    article: Article, size: tuple[int, int]
) -> AsyncIterator[tuple[Gate, Pilot, ReaderScreen]]:
    """The reader on `article`, ready, its spaCy analysis held at a gate the test opens."""
    gate = Gate(spacy_analyser(chunk_chars=CHUNK))
    app = BylineApp([article], analyser=SteppedAnalyser(gate))
    try:
        async with app.run_test(size=size) as pilot:
            screen = reader(app)
            await until(pilot, lambda: screen.ready)
            yield gate, pilot, screen
    finally:
        gate.open()


def tab_titles(screen: ReaderScreen) -> list[str]:
    from textual.widgets import TabbedContent

    tabs = screen.query_one(SidePanel).query_one(TabbedContent)
    return [str(tabs.get_tab(tab).label) for tab in ("quotes", "claims", "entities")]


async def test_the_part_in_view_is_highlighted_before_the_whole_is_analysed(
    long_article: Article, one_shot: Analysis
) -> None:
    text = long_article.text
    total = len(chunk_spans(text, CHUNK))
    async with gated_reader(long_article, (120, 30)) as (gate, pilot, screen):
        view = screen.view
        start, end = chunk_of(text, len(text) // 2)
        view.scroll_to_offset((start + end) // 2 - 1000)  # half-way down, inside a chunk
        await pilot.pause()
        top, bottom = view.visible_range()
        assert 0 < start < top and bottom < end
        gate.start()

        # First, the preview of the paragraphs in view.
        await until(pilot, lambda: 0 in screen.partial)
        assert screen.analysis is None
        assert screen.query_one(ReaderBar).status == f"analysing 0/{total}…"
        assert any(top <= m.start < bottom for m in view._entities)
        assert all(start <= m.start < end for m in view._entities)
        assert all(title.endswith("+") for title in tab_titles(screen))

        # Then the chunk in view, no other one.
        gate.step()
        await until(pilot, lambda: screen.partial[0].done == 1)
        assert screen.query_one(ReaderBar).status == f"analysing 1/{total}…"
        in_view = sorted((m.start, m.end) for m in view._entities)
        assert in_view == sorted(
            (m.start, m.end) for m in one_shot.entities if start <= m.start < end
        )
        assert screen.analysis is None


async def test_chunks_out_of_view_are_painted_sparingly_and_when_scrolled_to(
    long_article: Article, one_shot: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = long_article.text
    spans = chunk_spans(text, CHUNK)
    async with gated_reader(long_article, (120, 30)) as (gate, pilot, screen):
        view = screen.view
        gate.start()
        await until(pilot, lambda: 0 in screen.partial)  # the preview of the top
        gate.step()
        await until(pilot, lambda: screen.partial[0].done == 1)
        first = list(view._entities)
        assert first and all(m.start < spans[0][1] for m in first)
        # Painting is (as if) slow: a chunk out of view is not painted right away...
        monkeypatch.setattr(reader_screen, "PARTIAL_PAINT_SHARE", 1e-12)
        gate.step()
        await until(pilot, lambda: screen.partial[0].done == 2)
        await pilot.pause()
        assert screen.query_one(ReaderBar).status == f"analysing 2/{len(spans)}…"
        assert view._entities == first
        # ... but as soon as it is scrolled into view.
        view.scroll_to_offset(spans[1][0] + 1000)
        await pilot.pause()
        assert any(m.start >= spans[1][0] for m in view._entities)

        # The rest fills in; the end is the one-shot analysis, complete in every pane.
        gate.open()
        await until(pilot, lambda: 0 in screen.analyses)
        await pilot.pause()
        assert screen.analysis == one_shot
        assert not screen.partial
        assert screen.query_one(ReaderBar).status == ""
        assert view._entities == one_shot.entities
        assert not any(title.endswith("+") for title in tab_titles(screen))
        assert [s.done for s in gate.steps] == [0, *range(1, len(spans) + 1)]


async def test_a_hidden_side_panel_is_told_of_the_analysis_so_far_when_shown(
    long_article: Article,
) -> None:
    # Narrow: no side panel until `p`.
    async with gated_reader(long_article, (80, 24)) as (gate, pilot, screen):
        assert not screen.show_panel
        gate.start()
        await until(pilot, lambda: 0 in screen.partial)
        await pilot.pause()
        assert screen.view._entities
        assert tab_titles(screen) == ["Quotes", "Claims", "Entities"]  # not told yet
        await pilot.press("p")
        assert screen.show_panel
        assert all(title.endswith("+") for title in tab_titles(screen))
        assert screen.panel.list_for("entities").rows


async def test_a_short_article_is_analysed_in_one_step(seed: Article) -> None:
    async with gated_reader(seed, (80, 24)) as (gate, pilot, screen):
        assert screen.query_one(ReaderBar).status == "analysing…"
        gate.start()
        await until(pilot, lambda: 0 in screen.analyses)
        assert len(gate.steps) == 1 and gate.steps[0].complete
        assert not screen.partial
        await pilot.pause()
        assert screen.query_one(ReaderBar).status == ""


async def test_the_reader_caches_the_complete_analysis_only(
    long_article: Article, one_shot: Analysis, nlp, tmp_path: Path
) -> None:
    model = model_id(nlp)
    with Library(tmp_path / "lib.sqlite3") as library:
        gate = Gate(cached_analyser(library, chunk_chars=CHUNK))
        app = BylineApp([long_article], analyser=SteppedAnalyser(gate))
        try:
            async with app.run_test(size=(120, 30)) as pilot:
                screen = reader(app)
                gate.start()
                await until(pilot, lambda: 0 in screen.partial and screen.partial[0].done == 0)
                gate.step()
                await until(pilot, lambda: screen.partial[0].done == 1)
                assert get_analysis(library, long_article.content_hash, model) is None
                gate.open()
                await until(pilot, lambda: 0 in screen.analyses)
                assert screen.analysis == one_shot
            assert get_analysis(library, long_article.content_hash, model) == one_shot
        finally:
            gate.open()

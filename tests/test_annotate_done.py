"""`m` with suggestions still pending: marking done vouches for the whole article, so Byline
says how many are pending and asks (a accept the rest, r reject the rest, l leave them, escape
cancel), each choice one action (one undo step). Real spaCy analysis, real SQLite file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_annotate import SIZE, annotating, ready
from textual.pilot import Pilot

from tui.loaders import load_text
from tui.model import Analysis, Article
from tui.nlp.analyze import analyze_text
from tui.screens.annotate import AnnotateScreen
from tui.screens.annotate_prompts import DonePrompt
from tui.store import Library
from tui.store.annotations import ACCEPTED, PENDING, REJECTED

TEXT = (
    "Port talks\n\n"
    '"We will not leave," said Jane Doe of the Dockers Union in Rotterdam on Monday. '
    "Officials said the talks had failed.\n"
)


@pytest.fixture(scope="module")
def article() -> Article:
    return load_text(TEXT, "talks.txt")


@pytest.fixture(scope="module")
def analysis(nlp, article: Article) -> Analysis:
    return analyze_text(article.text, nlp)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library(tmp_path / "library.sqlite3") as library:
        yield library


def statuses(screen: AnnotateScreen) -> list[str]:
    return sorted(s.status for s in screen.spans.values())


async def test_m_with_pending_asks_and_a_accepts_the_rest_in_one_action(
    library: Library, article: Article, analysis: Analysis
) -> None:
    app = annotating(library, [article], analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("x")  # one decision: rejected
        pending = statuses(screen).count(PENDING)
        assert pending >= 3
        await pilot.press("m")
        prompt = app.screen
        assert isinstance(prompt, DonePrompt) and prompt.pending == pending
        await pilot.press("a")
        assert app.screen is screen
        assert screen.state is not None and screen.state.done
        assert statuses(screen) == sorted([REJECTED] + [ACCEPTED] * pending)
        assert str(screen.status.render()) == (
            f"saved #3 marked done, accepted {pending} pending spans"
        )
        await pilot.press("u")  # one undo step takes it all back
        assert not screen.state.done and statuses(screen).count(PENDING) == pending


@pytest.mark.parametrize(
    ("key", "done", "rest"),
    [("r", True, REJECTED), ("l", True, PENDING), ("escape", False, PENDING)],
)
async def test_r_rejects_the_rest_l_leaves_it_escape_cancels(
    key: str, done: bool, rest: str, library: Library, article: Article, analysis: Analysis
) -> None:
    app = annotating(library, [article], analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        count = len(screen.spans)
        seq = screen.state.seq if screen.state else 0
        await pilot.press("m")
        assert isinstance(app.screen, DonePrompt)
        await pilot.press(key)
        assert app.screen is screen
        assert screen.state is not None and screen.state.done is done
        assert statuses(screen) == [rest] * count
        assert screen.state.seq == seq + (1 if done else 0)  # one action, or none


async def test_m_with_nothing_pending_marks_done_without_asking(
    library: Library, article: Article, analysis: Analysis
) -> None:
    app = annotating(library, [article], analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press(*["y"] * len(screen.spans), "m")
        assert app.screen is screen and screen.state is not None and screen.state.done
        await pilot.press("m")  # again: not done, no question either
        assert app.screen is screen and not screen.state.done


def test_the_done_prompt_on_screen(
    snap_compare: Callable[..., bool], tmp_path: Path, article: Article, analysis: Analysis
) -> None:
    library = Library(tmp_path / "snapshot.sqlite3")

    async def pending_then_m(pilot: Pilot) -> None:
        await ready(pilot)
        await pilot.press("m")
        await pilot.pause()

    try:
        app = annotating(library, [article], analysis)
        assert snap_compare(app, terminal_size=SIZE, run_before=pending_then_m)
    finally:
        library.close()

"""Snapshots of the reader on the seed article, narrow and wide, once the analysis is done.

After a deliberate change to the look (or to what the NLP core finds in the seed), review the
new pictures and accept them with `pytest tests/test_reader_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from tui.app import BylineApp
from tui.model import Analysis, Article
from tui.nlp.analyze import analyze_text


@pytest.fixture(scope="module")
def seed_analysis(seed: Article, nlp) -> Analysis:
    return analyze_text(seed.text, nlp)


async def analysed(pilot: Pilot) -> None:
    """Wait until the side panel is mounted and shows the analysis."""
    screen = pilot.app.screen
    for _ in range(2400):  # a bound on waiting, not a timing assertion
        if getattr(screen, "ready", False):
            break
        await pilot.pause(0.025)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def reader(seed: Article, analysis: Analysis) -> BylineApp:
    # The analysis is handed in as already known (as a cache would), so the picture is stable.
    return BylineApp([seed], analyses={0: analysis})


def test_seed_at_80x24(snap_compare: Callable[..., bool], seed: Article, seed_analysis) -> None:
    assert snap_compare(reader(seed, seed_analysis), terminal_size=(80, 24), run_before=analysed)


def test_seed_at_80x24_with_quotes_open(
    snap_compare: Callable[..., bool], seed: Article, seed_analysis: Analysis
) -> None:
    assert snap_compare(
        reader(seed, seed_analysis), terminal_size=(80, 24), press=["1", "j", "enter"],
        run_before=analysed,
    )  # fmt: skip


def test_seed_at_160x48(
    snap_compare: Callable[..., bool], seed: Article, seed_analysis: Analysis
) -> None:
    assert snap_compare(reader(seed, seed_analysis), terminal_size=(160, 48), run_before=analysed)

"""Snapshots of the reader on the seed article, narrow and wide, once the analysis is done.

After a deliberate change to the look (or to what the NLP core finds in the seed), review the
new pictures and accept them with `pytest tests/test_reader_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Tabs
from textual.widgets._tabs import Underline
from waiting import until

from tui.app import BylineApp
from tui.loaders import load_path
from tui.model import Analysis, Article
from tui.nlp.analyze import analyze_text


@pytest.fixture(scope="module")
def seed_analysis(seed: Article, nlp) -> Analysis:
    return analyze_text(seed.text, nlp)


async def analysed(pilot: Pilot) -> None:
    """Wait until the side panel is mounted and shows the analysis."""
    screen = pilot.app.screen
    await until(pilot, lambda: getattr(screen, "ready", False))
    await pilot.app.workers.wait_for_complete()
    # The tab underline is re-measured a refresh after the tab labels gain their counts
    # ("Quotes" -> "Quotes 8"); a snapshot taken in between caught the old width.
    await until(pilot, lambda: all(_underline_settled(tabs) for tabs in screen.query(Tabs)))
    await pilot.pause()


def _underline_settled(tabs: Tabs) -> bool:
    underline = tabs.query_one(Underline)
    active = tabs.query("#tabs-list > Tab.-active")
    if not active:
        return True
    tab = active.first()
    span = tab.virtual_region.shrink(tab.styles.gutter).column_span
    # The tab's region lags its new label until the next layout: wait for both.
    laid_out = span[1] - span[0] in (0, cell_len(tab.label_text))  # 0: a panel not shown
    return laid_out and (underline.highlight_start, underline.highlight_end) == span


def reader(seed: Article, analysis: Analysis) -> BylineApp:
    # The analysis is handed in as already known (as a cache would), so the picture is stable.
    return BylineApp([seed], analyses={0: analysis})


def test_seed_at_80x24(snap_compare: Callable[..., bool], seed: Article, seed_analysis) -> None:
    assert snap_compare(reader(seed, seed_analysis), terminal_size=(80, 24), run_before=analysed)


def test_seed_at_80x24_with_quotes_open(
    snap_compare: Callable[..., bool], seed: Article, seed_analysis: Analysis
) -> None:
    assert snap_compare(
        reader(seed, seed_analysis),
        terminal_size=(80, 24),
        press=["1", "j", "enter"],
        run_before=analysed,
    )


def test_seed_at_160x48(
    snap_compare: Callable[..., bool], seed: Article, seed_analysis: Analysis
) -> None:
    assert snap_compare(reader(seed, seed_analysis), terminal_size=(160, 48), run_before=analysed)


def test_search_line_open_at_80x24(
    snap_compare: Callable[..., bool], seed: Article, seed_analysis: Analysis
) -> None:
    """`/` and "russia" typed, not yet Enter: the search line shows the typing and the count."""
    assert snap_compare(
        reader(seed, seed_analysis),
        terminal_size=(80, 24),
        press=["slash", *"russia"],
        run_before=analysed,
    )


def test_panel_cursor_at_80x24(
    snap_compare: Callable[..., bool], seed: Article, seed_analysis: Analysis
) -> None:
    """`1`, then `j` twice: the third quote's whole row is the cursor (reversed)."""
    assert snap_compare(
        reader(seed, seed_analysis),
        terminal_size=(80, 24),
        press=["1", "j", "j"],
        run_before=analysed,
    )


def test_metadata_header_at_80x24(snap_compare: Callable[..., bool], nlp) -> None:
    """An HTML page: the line under the top bar is its author, site, date and URL."""
    page = load_path(Path(__file__).parent / "data" / "loaders" / "page.html")
    assert page.author and page.source and page.date and page.url
    app = BylineApp([page], analyses={0: analyze_text(page.text, nlp)})
    assert snap_compare(app, terminal_size=(80, 24), run_before=analysed)

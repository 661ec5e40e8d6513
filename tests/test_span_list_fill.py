"""A long list (a million-word article's quotes) is filled a slice at a time, so a key never
waits for all of it; once filled it holds every row, in order, and the row asked for is the
highlighted one. Its rows are one line each, counted, not measured."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.widgets.span_list import FILL_SLICE, Row, SpanList

ROWS = [Row(((i * 10, i * 10 + 5),), f"speaker {i}", f"words of quote {i}") for i in range(5_500)]


class OneList(App[None]):
    CSS = "SpanList { height: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }"

    def compose(self) -> ComposeResult:
        yield SpanList("none")


async def test_a_long_list_is_filled_in_slices_and_ends_whole_at_the_row_asked_for() -> None:
    app = OneList()
    async with app.run_test(size=(60, 20)) as pilot:
        span_list = app.query_one(SpanList)
        span_list.set_rows(ROWS)
        span_list.follow(0, 0, ROWS[4_321].spans[0])  # (the reader marks a span far down)
        assert len(span_list.options) == FILL_SLICE  # the rest after the messages waiting
        for _ in range(50):
            await pilot.pause()
            if len(span_list.options) == len(ROWS):
                break
        assert len(span_list.options) == len(ROWS)
        prompts = [str(span_list.get_option_at_index(i).prompt) for i in (0, 2_999, 5_499)]
        assert prompts == [f"{r.who} — {r.what}" for r in (ROWS[0], ROWS[2_999], ROWS[5_499])]
        assert span_list.highlighted == 4_321
        assert span_list.virtual_size.height == len(ROWS)  # a line each
        # Built anew while filling (the next step of the analysis): the older fill stops.
        span_list.set_rows(ROWS[:2_500])
        await pilot.pause()
        span_list.set_rows(ROWS[:3_000])
        for _ in range(50):
            await pilot.pause()
        assert len(span_list.options) == 3_000
        assert span_list.virtual_size.height == 3_000

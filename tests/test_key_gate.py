"""The key gate keeps what is typed in order: keys held while something they depend on is not
there yet, and a paste that arrives behind them, reach the input in the order they came."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Input

from tui.key_gate import STARTING, KeyGateApp


class Typing(KeyGateApp):
    def compose(self) -> ComposeResult:
        yield Input(id="typed")

    def on_mount(self) -> None:
        self.release_keys(STARTING)


async def test_a_paste_behind_held_keys_waits_its_turn() -> None:
    app = Typing()
    async with app.run_test() as pilot:
        typed = app.query_one(Input)
        typed.focus()
        await pilot.pause()
        app.hold_keys("busy")
        for character in "ab":
            app.post_message(events.Key(character, character))
        app.post_message(events.Paste("PASTED"))
        app.post_message(events.Key("c", "c"))
        await pilot.pause()
        assert typed.value == ""  # all of it waits while the keys are held
        app.release_keys("busy")
        for _ in range(20):
            await pilot.pause()
        assert typed.value == "abPASTEDc"

"""Waiting in Pilot tests for the app to get somewhere: a bound, not a timing assertion."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.app import App
from textual.pilot import Pilot

from tui.screens.reader import ReaderScreen


async def until(pilot: Pilot, condition: Callable[[], object]) -> None:
    """Let the app run until `condition()` holds; fail after about a minute."""
    for _ in range(2400):
        if condition():
            return
        await pilot.pause(0.025)
    raise AssertionError("condition never became true")


async def eventually(condition: Callable[[], object], timeout: float = 60.0) -> bool:
    """Outside Pilot (a server, a process): let the event loop run until `condition()` holds;
    whether it did within `timeout` seconds (a bound, not a timing assertion)."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= end:
            return False
        await asyncio.sleep(0.1)
    return True


async def reader_ready(pilot: Pilot) -> ReaderScreen:
    """The reader screen once its panel, legend and search line are mounted."""
    screen = pilot.app.screen
    assert isinstance(screen, ReaderScreen)
    await until(pilot, lambda: screen.ready)
    await pilot.pause()
    return screen


def screen_lines(app: App[object]) -> list[str]:
    """What the terminal shows, a string per row (the compositor's picture of the screen)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]

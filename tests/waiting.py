"""Waiting in Pilot tests for the app to get somewhere: a bound, not a timing assertion."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot


async def until(pilot: Pilot, condition: Callable[[], object]) -> None:
    """Let the app run until `condition()` holds; fail after about a minute."""
    for _ in range(2400):
        if condition():
            return
        await pilot.pause(0.025)
    raise AssertionError("condition never became true")

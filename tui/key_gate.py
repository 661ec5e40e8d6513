"""Never drop a key: while something the next key depends on is not there yet (the screen's
focus and side panel before they are mounted, the state an annotation key acts on while the
previous key's write is committing), keys are held, in order, and applied once it is.

A key reaches an app twice: first as typed (`on_event`, which forwards it to the focused
widget) and then bubbled back up (`_on_key`, where the bindings run). Both are gates: a key
held at the first is replayed from the start, one held at the second (its widget saw it
already) only has its bindings run. Keys behind a held key are held too, so order is kept.

A key typed for a screen that was not on top yet (`s` opens the speaker picker, the name
typed right after it was forwarded to the annotation view, whose screen is now under the
picker) is held at the second gate like any other, but replayed from the start: the widget
that saw it is no longer where keys go, the picker's input is.

A paste (bracketed paste: one event for all its text) that arrives while keys are held is held
with them, in its place: else it would reach the input before the keys typed ahead of it.

A screen may also hold a key for what that key needs (`key_waits`: annotation keys typed
before the spans they act on exist); the keys after it are held behind it.

Held keys are replayed one at a time, each only once the one before it has run its course
(its handlers, its action, a focus it moved: the search line gets the letters after `/`).
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import deque

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.screen import Screen

#: Rounds of "every queue on the key's way has been worked through" after a replayed key (a
#: key goes widget → screen → app, its action may post a focus change: a few hops at most).
SETTLE_ROUNDS = 6
#: A bound on waiting for one queue (seconds): a handler stuck longer is not waited for.
SETTLE_WAIT = 2.0
#: Held from the app's start until its first screen takes the keys over (a hold of its own,
#: then `release_keys(STARTING)`): keys the terminal had before any screen was mounted would
#: otherwise reach the app's bindings (`L` of "/Lavrov" opening the library).
STARTING = "starting"


def _waits_for(screen: Screen[object], key: events.Key | events.Paste) -> str | None:
    """What `key` must wait for on `screen` (a hold reason), if anything: a screen says so
    with a `key_waits(key) -> str | None` method."""
    waits = getattr(screen, "key_waits", None)
    return waits(key) if waits is not None and isinstance(key, events.Key) else None


class KeyGateApp(App[None]):
    """An app whose screens can say "hold the keys until I am ready" (`hold_keys(reason)`)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._key_holds: set[str] = {STARTING}
        #: Held keys and pastes, and whether each had reached the bindings (bubbled) when held.
        self._held_keys: deque[tuple[events.Key | events.Paste, bool]] = deque()
        #: The held key or paste being replayed now: let through at both gates.
        self._replaying: events.Key | events.Paste | None = None
        self._replay_task: asyncio.Task[None] | None = None
        #: The screen each key in flight was forwarded to (its focused widget saw it there).
        self._forwarded_to: weakref.WeakKeyDictionary[events.Key, Screen[object]] = (
            weakref.WeakKeyDictionary()
        )

    def hold_keys(self, reason: str) -> None:
        self._key_holds.add(reason)

    def release_keys(self, reason: str) -> None:
        self._key_holds.discard(reason)
        self._start_replay()

    def _start_replay(self) -> None:
        if not self._key_holds and self._held_keys and self._replay_task is None:
            # A task of its own: the app's queue must keep moving while a key settles.
            self._replay_task = asyncio.create_task(self._replay_held_keys())

    @property
    def keys_held(self) -> bool:
        """Keys are being held, or replayed: a key typed now waits its turn."""
        return bool(self._key_holds or self._held_keys or self._replaying is not None)

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, (events.Key, events.Paste))
            and not event.is_forwarded
            and event is not self._replaying
        ):
            if not self.keys_held and (reason := _waits_for(self.screen, event)):
                self.hold_keys(reason)
            if self.keys_held:
                self._held_keys.append((event, False))
                return
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._forwarded_to[event] = self.screen
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        forwarded_to = self._forwarded_to.pop(event, None)
        if event is not self._replaying and self.keys_held:
            on_top = self.screen_stack[-1] if self.screen_stack else None
            if forwarded_to is not None and forwarded_to is not on_top:
                # Typed for the screen on top now: its widgets never saw it, from the start.
                self._held_keys.append((events.Key(event.key, event.character), False))
            else:
                self._held_keys.append((event, True))
            event.prevent_default()  # App._on_key (the bindings) runs when it is replayed
        # Else App._on_key runs after this one (Textual calls each class's handler in turn).

    async def _replay_held_keys(self) -> None:
        try:
            while self._held_keys and not self._key_holds:
                event, bubbled = self._held_keys[0]
                if not bubbled and (reason := _waits_for(self.screen, event)):
                    self.hold_keys(reason)  # released by the screen once it has what it needs
                    break
                self._held_keys.popleft()
                self._replaying = event
                try:
                    if bubbled:
                        event.prevent_default(False)  # held at the bindings: let them run now
                    self.post_message(event)  # a bubbled one goes straight to the bindings
                    await self._settle()
                finally:
                    self._replaying = None
        finally:
            self._replay_task = None
        self._start_replay()  # keys typed while the last one settled

    async def _settle(self) -> None:
        """Wait until the queues on a key's way (app, screen, focused widget and its parents)
        have each been worked through, twice in a row with nothing left in any."""
        for _ in range(SETTLE_ROUNDS):
            focused = self.focused
            pumps: list[MessagePump] = [self, self.screen]
            if focused is not None:
                pumps += [focused, *focused.ancestors]
            pumps = list(dict.fromkeys(pumps))
            for pump in pumps:
                reached = asyncio.Event()
                if pump.call_later(reached.set):
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(reached.wait(), SETTLE_WAIT)
            if all(pump._message_queue.empty() for pump in pumps) and self.focused is focused:
                return

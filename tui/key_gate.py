"""Never drop a key: while something the next key depends on is not there yet (the screen's
focus and side panel before they are mounted, the state an annotation key acts on while the
previous key's write is committing), keys are held, in order, and applied once it is.

A key reaches an app twice: first as typed (`on_event`, which forwards it to the focused
widget) and then bubbled back up (`_on_key`, where the bindings run). Both are gates: a key
held at the first is replayed from the start, one held at the second (its widget saw it
already) only has its bindings run. Keys behind a held key are held too, so order is kept.
"""

from __future__ import annotations

from collections import deque

from textual import events
from textual.app import App


class KeyGateApp(App[None]):
    """An app whose screens can say "hold the keys until I am ready" (`hold_keys(reason)`)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._key_holds: set[str] = set()
        #: Held keys, and whether each had reached the bindings (bubbled) when it was held.
        self._held_keys: deque[tuple[events.Key, bool]] = deque()
        self._replay_scheduled = False

    def hold_keys(self, reason: str) -> None:
        self._key_holds.add(reason)

    def release_keys(self, reason: str) -> None:
        self._key_holds.discard(reason)
        if not self._key_holds and self._held_keys and not self._replay_scheduled:
            self._replay_scheduled = True
            self.call_later(self._replay_held_keys)

    @property
    def keys_held(self) -> bool:
        return bool(self._key_holds or self._held_keys)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self.keys_held:
            self._held_keys.append((event, False))
            return
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        if self.keys_held:
            self._held_keys.append((event, True))
            event.prevent_default()  # App._on_key (the bindings) runs when it is replayed
            return
        # App._on_key runs after this one (Textual calls each class's handler in turn).

    async def _replay_held_keys(self) -> None:
        self._replay_scheduled = False
        while self._held_keys and not self._key_holds:
            event, bubbled = self._held_keys.popleft()
            if bubbled:
                await App._on_key(self, event)
            else:
                await App.on_event(self, event)

"""The help screen (`?`): every key of the reader, read from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

#: Section title -> the bindings it lists (each key list shown once per action).
KeySections = list[tuple[str, Iterable[BindingType]]]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", show=True),
        Binding("j,down", "scroll('down')", "Down", show=False),
        Binding("k,up", "scroll('up')", "Up", show=False),
    ]

    def __init__(self, sections: KeySections) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(Content("Byline: keys"), id="help-title")
            for title, bindings in self.sections:
                yield Static(Content(title), classes="help-section")
                yield Static(Content("\n".join(self._lines(bindings))), classes="help-keys")
            yield Static(Content("Escape, q or ? closes this help."), classes="help-hint")

    def _lines(self, bindings: Iterable[BindingType]) -> Iterable[str]:
        seen: dict[str, list[str]] = {}
        for binding in Binding.make_bindings(bindings):
            # The tooltip, where there is one, says more than the footer's short description.
            keys = seen.setdefault(binding.tooltip or binding.description or binding.action, [])
            keys.append(self.app.get_key_display(binding))
        width = max((len(" ".join(keys)) for keys in seen.values()), default=0)
        for description, keys in seen.items():
            yield f"{' '.join(keys):<{width}}  {description}"

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_relative(y=1 if direction == "down" else -1, animate=False, immediate=True)

"""The status line of annotation mode: "saved #N <summary>" once the store has committed an
action (never before), or a hint (the label keys while text is selected, an error)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.safe_text import one_line
from tui.store.annotations import Action


class AnnotationStatus(Static):
    COMPONENT_CLASSES = {"annotation-status--saved", "annotation-status--hint"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        #: The last action shown as saved (its sequence number is in the log for good).
        self.last_saved: Action | None = None

    def saved(self, action: Action) -> None:
        """Call only after the store call returned: the action is committed."""
        self.last_saved = action
        self.update(
            Content.assemble(
                (f"saved #{action.seq}", self.get_visual_style("annotation-status--saved")),
                " ",
                one_line(action.summary),
            ),
            layout=False,  # one row, always: no need to lay the screen out again
        )

    def hint(self, text: str) -> None:
        style = self.get_visual_style("annotation-status--hint")
        self.update(Content.assemble((one_line(text), style)), layout=False)

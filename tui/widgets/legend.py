"""The legend under the article: the entity labels present, each with its mention count.

Each label is drawn in the same style as its mentions in the article (from the stylesheet), so
the legend is the key to the highlighting, in colour and in monochrome alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from tui.model import EntityMention
from tui.widgets.article_view import ENTITY_LABELS, NAME_LABELS


class EntityLegend(Static):
    COMPONENT_CLASSES = {"legend--mode", *(f"entity--{label}" for label in ENTITY_LABELS)}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._counts: Counter[str] = Counter()
        self._mode = "all"
        self._analysed = False
        #: What the legend shows now: drawn again only when it changes (its height may).
        self._drawn: list[str | tuple[str, object]] = []
        #: Annotation mode: the key of each label ("1" -> PERSON ...), shown before it, keyed
        #: labels first and always (a label key works before the label has any span).
        self.keys: dict[str, str] = {}

    def show(self, mentions: Sequence[EntityMention] | None, mode: str) -> None:
        """Counts per label of `mentions` (None: not analysed yet), under highlight `mode`."""
        self._analysed = mentions is not None
        self._counts = Counter(mention.label for mention in mentions or ())
        self._mode = mode
        self._draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._draw()

    def _draw(self) -> None:
        mode_style = self.get_visual_style("legend--mode")
        parts: list[str | tuple[str, object]] = [(f"highlights: {self._mode}", mode_style)]
        if self._analysed and not self._counts:
            parts.append("  no entities")
        known = [label for label in ENTITY_LABELS if self._counts[label]]
        known.sort(key=lambda label: -self._counts[label])
        keyed = [label for label in self.keys.values() if label in ENTITY_LABELS]
        for label in keyed + [label for label in known if label not in keyed]:
            lit = self._mode == "all" or (self._mode == "names" and label in NAME_LABELS)
            style = self.get_visual_style(f"entity--{label}") if lit else mode_style
            key = next((k for k, v in self.keys.items() if v == label), None)
            parts += ["  ", f"{key} " if key else "", (label, style), f" {self._counts[label]}"]
        for key, label in self.keys.items():
            if label not in ENTITY_LABELS:
                parts += ["  ", f"{key} {label}"]
        if parts != self._drawn:  # (an annotation key redraws it: its counts seldom change)
            self._drawn = parts
            self.update(Content.assemble(*parts))  # type: ignore[arg-type]

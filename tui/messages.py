"""Messages that travel up the reader's widget tree (attributes travel down).

Widgets post these; `ReaderScreen` handles them and tells the other widgets what to show.
"""

from __future__ import annotations

from textual.message import Message

from tui.model import Analysis, AnalysisStep


class AnalysisProgress(Message):
    """Part of article `index` is analysed: `step` holds the analysis so far (a long article is
    analysed a chunk at a time; the complete analysis comes as `AnalysisReady`)."""

    def __init__(self, index: int, step: AnalysisStep) -> None:
        super().__init__()
        self.index = index
        self.step = step


class AnalysisReady(Message):
    """The analysis of article `index` is done (from spaCy now; from a cache later)."""

    def __init__(self, index: int, analysis: Analysis) -> None:
        super().__init__()
        self.index = index
        self.analysis = analysis


class AnalysisFailed(Message):
    """The analysis of article `index` failed; `reason` is one line for the user."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__()
        self.index = index
        self.reason = reason


class JumpToSpan(Message):
    """Show the span `start:end` of the article text, and mark it."""

    def __init__(self, start: int, end: int) -> None:
        super().__init__()
        self.start = start
        self.end = end


class CursorMoved(Message):
    """The user moved a side-panel list's cursor (so the mark of the last jump goes)."""


class ArticleScrolled(Message):
    """The article pane now shows characters `top` to `bottom` of the text."""

    def __init__(self, top: int, bottom: int) -> None:
        super().__init__()
        self.top = top
        self.bottom = bottom


class ArticleShown(Message):
    """The article pane has drawn its first lines (the first frame is on its way out)."""


class OpenAt(Message):
    """Open article `article` of the library at the span `start:end` (and mark it)."""

    def __init__(self, article: int, start: int, end: int) -> None:
        super().__init__()
        self.article = article
        self.start = start
        self.end = end


class LookUp(Message):
    """Open the lookup screen for the entity called `name` (of kind `label`, if given)."""

    def __init__(self, name: str, label: str | None = None) -> None:
        super().__init__()
        self.name = name
        self.label = label

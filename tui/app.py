"""BylineApp: the Textual application. Screens and widgets sit on top of the plain-Python core."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import App
from textual.binding import Binding

from tui import STYLES_DIR
from tui.model import Analysis, Article
from tui.screens.reader import Analyser, ReaderScreen


def spacy_analyser(model: str | None = None) -> Analyser:
    """The default analyser: the named spaCy pipeline (loaded once per process), then the NLP
    core. It runs in a worker thread, so neither import slows the first screen."""

    def analyse(article: Article) -> Analysis:
        from tui.nlp.analyze import analyze_text
        from tui.nlp.pipeline import load_pipeline

        return analyze_text(article.text, load_pipeline(model))

    return analyse


class BylineApp(App[None]):
    """A terminal reader for news articles."""

    TITLE = "Byline"
    CSS_PATH = [STYLES_DIR / "app.tcss", STYLES_DIR / "reader.tcss"]
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(
        self,
        articles: Sequence[Article],
        *,
        model: str | None = None,
        analyser: Analyser | None = None,
        analyses: Mapping[int, Analysis] | None = None,
    ) -> None:
        """`analyser` replaces spaCy (e.g. with a cache in front); `analyses` are ones already
        known, by article index, which are shown at once and not recomputed."""
        super().__init__()
        # No animations: over SSH every animation frame is bytes on the wire and a delay.
        self.animation_level = "none"
        self.articles = list(articles)
        self.model = model
        self.analyser = analyser or spacy_analyser(model)
        self.analyses = dict(analyses or {})

    def get_default_screen(self) -> ReaderScreen:
        return ReaderScreen(self.articles, self.analyser, self.analyses)

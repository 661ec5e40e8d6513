"""The article's metadata, as its loader found it: "by Author · Source · date · URL".

A line under the top bar of the reader (none when the article has none), and the second line
of each row in the `o` list. The fields come from the article's files and feeds: each is made
flat and safe here again (one line, no controls) and drawn as `Content`, never as markup.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.model import Article
from tui.safe_text import one_line

#: Between two fields.
SEPARATOR = " · "


def meta_parts(article: Article) -> list[tuple[str, str]]:
    """(field, text) for each of author, source, date and URL that the article has."""
    fields = (
        ("author", one_line(article.author)),
        ("source", one_line(article.source)),
        ("date", one_line(article.date)),
        ("url", one_line(article.url)),
    )
    return [(name, f"by {text}" if name == "author" else text) for name, text in fields if text]


def meta_line(article: Article) -> str:
    """The metadata as one line of plain text ("" when there is none)."""
    return SEPARATOR.join(text for _, text in meta_parts(article))


class ArticleMeta(Static):
    """The metadata line of the article shown; hidden when it has no metadata."""

    COMPONENT_CLASSES = {
        "article-meta--author",
        "article-meta--source",
        "article-meta--date",
        "article-meta--url",
    }

    def __init__(self, article: Article, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.article = article
        self.display = bool(meta_parts(article))

    def on_mount(self) -> None:
        self._draw()

    def show(self, article: Article) -> None:
        self.article = article
        self.display = bool(meta_parts(article))
        self._draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._draw()  # the theme changed: restyle the fields

    def _draw(self) -> None:
        pieces: list[str | tuple[str, object]] = []
        for name, text in meta_parts(self.article):
            if pieces:
                pieces.append(SEPARATOR)
            pieces.append((text, self.get_visual_style(f"article-meta--{name}")))
        self.update(Content.assemble(*pieces))  # type: ignore[arg-type]

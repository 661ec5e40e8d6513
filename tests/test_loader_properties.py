"""Property tests: arbitrary bytes and text into every loader and into the article renderer.

Nothing escapes but Byline's own error, and no control or escape character from the input
reaches an Article or a rendered line.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from tui.errors import BylineError
from tui.layout import WrappedText
from tui.loaders.sanitize import is_safe
from tui.loaders.source import FORMATS, sniff
from tui.model import Article, EntityMention
from tui.widgets.article_view import ArticleView

PARSERS = sorted({parser.__name__: parser for parser in FORMATS.values()}.items())
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip

#: Text that likes to hold what terminals act on: escapes, controls, bidi, odd line breaks.
NASTY = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(["\x1b", "\x1b[", "\x1b]", "\x07", "\x9b", "\r", "\t", "\u202e",
                         "\u2028", "\x00", "\x85", "<p>", "</p>", "{", "\"text\":", "\n"]),
    ),
    max_size=200,
).map("".join)  # fmt: skip
#: Bytes shaped like the formats, with noise.
SHAPED = st.one_of(
    st.binary(max_size=400),
    NASTY.map(lambda t: t.encode("utf-8", "surrogatepass")),
    NASTY.map(lambda t: json.dumps({"title": t[:20], "text": t}).encode()),
    NASTY.map(lambda t: f"<html><body><article><p>{t}</p></article></body></html>".encode(
        "utf-8", "replace")),
    NASTY.map(lambda t: f"<rss><channel><item><title>{t}</title><description>{t}"
              "</description></item></channel></rss>".encode("utf-8", "replace")),
)  # fmt: skip


def assert_safe(article: Article) -> None:
    assert article.text.strip()
    assert is_safe(article.text.replace("\n", " "))
    for field in (article.title, article.source, article.url, article.date, article.author,
                  article.path):  # fmt: skip
        assert is_safe(field) and "\n" not in field


@pytest.mark.parametrize(("name", "parser"), [*PARSERS, ("sniff", None)])
@SETTINGS
@given(data=SHAPED)
def test_loaders_take_any_bytes(name: str, parser, data: bytes) -> None:
    parse = parser or sniff(data)
    try:
        articles = parse(data, "input", lambda problem: None)
    except BylineError as error:
        assert "\n" not in str(error)
        return
    assert articles
    for article in articles:
        assert_safe(article)


@SETTINGS
@given(text=NASTY, width=st.integers(1, 120))
def test_wrapping_covers_the_text_in_order(text: str, width: int) -> None:
    wrapped = WrappedText(text, width)
    previous = 0
    for index in range(len(wrapped)):
        start, end = wrapped.line(index)
        assert previous <= start <= end <= len(text)
        previous = end


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ArticleView(Article(text="placeholder"), id="article")


async def test_the_renderer_draws_no_control_from_any_text() -> None:
    app = ViewApp()
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(ArticleView)

        @SETTINGS
        @given(text=NASTY, title=NASTY, spans=st.lists(st.tuples(st.integers(0, 300),
                                                                 st.integers(0, 300))))  # fmt: skip
        def draw(text: str, title: str, spans: list[tuple[int, int]]) -> None:
            view.set_article(Article(text=text, title=title))
            view.set_entities([EntityMention(min(a, b), max(a, b), "PERSON", "", 0)
                               for a, b in spans])  # fmt: skip
            view.search(text[:3])
            for index in range(view.line_count):
                for segment in view._render_display_line(index):
                    assert is_safe(segment.text), repr(segment.text)
            for y in range(12):
                for segment in view.render_line(y):
                    assert is_safe(segment.text), repr(segment.text)

        draw()
        await pilot.pause()

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
from tui.loaders.source import FORMATS, sniff
from tui.loaders.text import decode_bytes, parse_text
from tui.model import Article, EntityMention
from tui.safe_text import is_safe, sanitize, utf8_is_clean
from tui.widgets.article_view import ArticleView

PARSERS = sorted({parser.__name__: parser for parser in FORMATS.values()}.items())
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Text that likes to hold what terminals act on: escapes, controls, bidi, odd line breaks.
NASTY = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(
            [
                "\x1b",
                "\x1b[",
                "\x1b]",
                "\x07",
                "\x9b",
                "\r",
                "\t",
                "\u202e",
                "\u2028",
                "\u2069",
                "\x00",
                "\x85",
                "<p>",
                "</p>",
                "{",
                '"text":',
                "\n",
            ]
        ),
    ),
    max_size=200,
).map("".join)
#: Bytes shaped like the formats, with noise.
SHAPED = st.one_of(
    st.binary(max_size=400),
    NASTY.map(lambda t: t.encode("utf-8", "surrogatepass")),
    NASTY.map(lambda t: json.dumps({"title": t[:20], "text": t}).encode()),
    NASTY.map(
        lambda t: f"<html><body><article><p>{t}</p></article></body></html>".encode(
            "utf-8", "replace"
        )
    ),
    NASTY.map(
        lambda t: (
            f"<rss><channel><item><title>{t}</title><description>{t}"
            "</description></item></channel></rss>".encode("utf-8", "replace")
        )
    ),
)


def assert_safe(article: Article) -> None:
    assert article.text.strip()
    assert is_safe(article.text.replace("\n", " "))
    for field in (
        article.title,
        article.source,
        article.url,
        article.date,
        article.author,
        article.path,
    ):
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
        @given(
            text=NASTY,
            title=NASTY,
            spans=st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300))),
        )
        def draw(text: str, title: str, spans: list[tuple[int, int]]) -> None:
            view.set_article(Article(text=text, title=title))
            view.set_entities(
                [EntityMention(min(a, b), max(a, b), "PERSON", "", 0) for a, b in spans]
            )
            view.search(text[:3])
            for index in range(view.line_count):
                for segment in view._render_display_line(index):
                    assert is_safe(segment.text), repr(segment.text)
            for y in range(12):
                for segment in view.render_line(y):
                    assert is_safe(segment.text), repr(segment.text)

        draw()
        await pilot.pause()


@SETTINGS
@given(NASTY)
def test_the_utf8_check_agrees_with_sanitize(text: str) -> None:
    """Plain UTF-8 text skips `sanitize` when its bytes say it is clean: that must be exactly
    when sanitize would leave it unchanged (surrogates aside: they do not encode)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return
    assert utf8_is_clean(data) == (sanitize(text) == text and "\t" not in text)


@SETTINGS
@given(SHAPED)
def test_plain_text_loads_as_decoded_then_sanitised(data: bytes) -> None:
    try:
        expected = sanitize(decode_bytes(data, "x.txt"))
        article = parse_text(data, "x.txt")[0]
    except BylineError:
        return
    assert article.text == expected


def test_the_utf8_check_knows_every_character_sanitize_removes() -> None:
    for point in [*range(0x3000), 0xFEFF, 0xFFFD, 0x1F600]:
        text = f"a{chr(point)}b"
        if 0xD800 <= point < 0xE000:
            continue
        clean = sanitize(text) == text and "\t" not in text
        assert utf8_is_clean(text.encode()) == clean, hex(point)

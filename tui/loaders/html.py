"""HTML pages: the main text found by trafilatura, with title, author, date and site name."""

from __future__ import annotations

import re

from tui.errors import BylineError
from tui.loaders.base import Report, ignore, make_article
from tui.loaders.text import decode_bytes
from tui.model import Article
from tui.safe_text import sanitize, shown

_BLOCKS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 blockquote pre tr section article header footer figure "
    "figcaption dd dt ul ol table".split()
)
#: Fewer words than this is menus and buttons, not an article (trafilatura's fallback keeps them).
MIN_ARTICLE_WORDS = 15


def parse_html(data: bytes, name: str, report: Report = ignore, *, url: str = "") -> list[Article]:
    """The article in an HTML page; an error when the page holds no article text."""
    import trafilatura

    markup = decode_bytes(data, name, report)
    try:
        document = trafilatura.bare_extraction(
            markup, url=url or None, with_metadata=True, include_comments=False
        )
    except Exception as error:  # lxml and trafilatura raise many kinds on broken markup
        raise BylineError(f"cannot read '{shown(name)}': not parseable as HTML ({error})") from None
    if (
        document is None  # nothing found (a dict only with as_dict=True)
        or isinstance(document, dict)
        or len((document.text or "").split()) < MIN_ARTICLE_WORDS
    ):
        raise BylineError(f"cannot read '{shown(name)}': no article text found in the page")
    text = document.text or ""
    return [
        make_article(
            paragraphs(text),
            name,
            title=document.title or "",
            author=document.author or "",
            date=document.date or "",
            source=document.sitename or document.hostname or "",
            url=url or document.url or "",
        )
    ]


def paragraphs(text: str) -> str:
    """One paragraph per line becomes paragraphs separated by a blank line."""
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed entry's content), one paragraph per block element."""
    fragment = sanitize(fragment)
    if "<" not in fragment:
        return paragraphs(fragment)
    try:
        return _blocks_to_text(fragment)
    except Exception:  # lxml rejects some fragments outright: keep their text, tags out
        return paragraphs(re.sub(r"<[^<>]*>", " ", fragment))  # (linear: stops at each '<')


def _blocks_to_text(fragment: str) -> str:
    import lxml.html

    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter("script", "style"):
        element.drop_tree()
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n\n".join(line for line in lines if line)

"""RSS and Atom feeds (feedparser): each entry an article, its full text when it carries it."""

from __future__ import annotations

import time

from tui.errors import BylineError
from tui.loaders.base import Problem, Report, ignore, make_article
from tui.loaders.html import html_to_text
from tui.model import Article
from tui.safe_text import one_line, shown


def looks_like_feed(head: bytes) -> bool:
    start = head[:2048].lower()
    return any(tag in start for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def parse_feed(data: bytes, name: str, report: Report = ignore) -> list[Article]:
    import feedparser

    if not data.strip():
        raise BylineError(f"cannot read '{shown(name)}': empty file")
    try:
        parsed = feedparser.parse(data)  # bytes: feedparser never takes them for a URL
    except Exception as error:  # feedparser is lenient; anything it raises is bad input
        raise BylineError(f"cannot read '{shown(name)}': not a feed ({error})") from None
    if not parsed.entries:
        reason = parsed.get("bozo_exception") if parsed.get("bozo") else "no entries"
        raise BylineError(f"cannot read '{shown(name)}': not a feed or an empty one ({reason})")
    source = one_line(parsed.feed.get("title", "")) or shown(name)
    articles = []
    for number, entry in enumerate(parsed.entries, 1):
        try:
            articles.append(_entry(entry, name, number, source))
        except BylineError as error:
            report(Problem(f"{error}; skipped"))
    if not articles:
        raise BylineError(f"cannot read '{shown(name)}': no entry with text in the feed")
    return articles


def _entry(entry: dict, name: str, number: int, source: str) -> Article:
    contents = [c.get("value", "") for c in entry.get("content", []) if isinstance(c, dict)]
    body = max(contents, key=len) if contents else ""
    body = body if body.strip() else entry.get("summary", "")
    text = html_to_text(body) if isinstance(body, str) else ""
    if not text.strip():
        raise BylineError(f"'{shown(name)}' entry {number}: no text in it")
    return make_article(
        text,
        f"{name}#{number}",
        title=entry.get("title", ""),
        source=source,
        url=entry.get("link", ""),
        author=entry.get("author", ""),
        date=_date(entry),
    )


def _date(entry: dict) -> str:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return time.strftime("%Y-%m-%d", value)
    return one_line(entry.get("published") or entry.get("updated") or "")

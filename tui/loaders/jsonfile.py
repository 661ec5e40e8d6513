"""JSON articles: an object (or a list of objects) with `text`, and JSON Lines, one per line;
a JSON Feed (https://jsonfeed.org) is a feed, each item an article.

`byline analyze` output (path, title, text, ...) reads back as JSON Lines.
"""

from __future__ import annotations

import json
from typing import Any

from tui.errors import BylineError
from tui.loaders.base import (
    Problem,
    Report,
    check_unicode,
    ignore,
    make_article,
)
from tui.loaders.text import decode_bytes
from tui.model import Article
from tui.safe_text import one_line, shown


def _article(
    record: Any, name: str, where: str, report: Report = ignore, shown_as: str | None = None
) -> Article:
    """`where` prefixes an error; `shown_as` (default: `where`) names the record in a warning."""
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise BylineError(f'{where}: expected an object with a "text" string')
    check_unicode(record, shown_as or where, report)
    return make_article(
        record["text"],
        name,
        title=record.get("title", ""),
        source=record.get("source", ""),
        url=record.get("url", ""),
        date=record.get("date", ""),
        author=record.get("author", ""),
        path=record.get("path") if isinstance(record.get("path"), str) else name,
    )


def parse_json(data: bytes, name: str, report: Report = ignore) -> list[Article]:
    text = decode_bytes(data, name, report)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise BylineError(
            f"cannot read '{shown(name)}': invalid JSON at line {error.lineno} "
            f"column {error.colno} ({error.msg})"
        ) from None
    except RecursionError:
        raise BylineError(f"cannot read '{shown(name)}': JSON nested too deeply") from None
    if is_json_feed(value):
        return parse_json_feed(value, name, report)
    records = value if isinstance(value, list) else [value]
    articles = []
    for number, record in enumerate(records, 1):
        if not isinstance(value, list):
            return [
                _article(record, name, f"cannot read '{shown(name)}'", report, f"'{shown(name)}'")
            ]
        try:
            articles.append(_article(record, name, f"'{shown(name)}' item {number}", report))
        except BylineError as error:
            report(Problem(f"{error}; skipped"))
    if not articles:
        raise BylineError(f"cannot read '{shown(name)}': no article in it")
    return articles


#: Every JSON Feed version (1, 1.1) starts so.
JSON_FEED_VERSION = "https://jsonfeed.org/version/1"


def is_json_feed(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("version"), str)
        and value["version"].startswith(JSON_FEED_VERSION)
    )


def parse_json_feed(feed: dict[str, Any], name: str, report: Report = ignore) -> list[Article]:
    """Each item of a JSON Feed an article, as an RSS entry is: its text (`content_text`, else
    `content_html`'s, else `summary`), `title`, `url`, `authors` (else the feed's), and
    `date_published` as written; the feed's title is the source. An item with no text is
    reported and skipped."""
    items = feed.get("items")
    if not isinstance(items, list) or not items:
        raise BylineError(f"cannot read '{shown(name)}': a JSON Feed with no items")
    source = one_line(feed.get("title")) or shown(name)
    authors = _authors(feed)
    articles = []
    for number, item in enumerate(items, 1):
        try:
            where = f"'{shown(name)}' item {number}"
            articles.append(_feed_item(item, where, f"{name}#{number}", source, authors))
            check_unicode(item, where, report)
        except BylineError as error:
            report(Problem(f"{error}; skipped"))
    if not articles:
        raise BylineError(f"cannot read '{shown(name)}': no item with text in the feed")
    return articles


def _feed_item(item: object, where: str, name: str, source: str, authors: str) -> Article:
    from tui.loaders.html import html_to_text

    if not isinstance(item, dict):
        raise BylineError(f"{where}: not an object")

    def field(*keys: str) -> str:
        return next((v for v in map(item.get, keys) if isinstance(v, str) and v.strip()), "")

    text = field("content_text")
    if not text:
        html = field("content_html")
        text = html_to_text(html) if html else ""
    text = text if text.strip() else field("summary")
    if not text.strip():
        raise BylineError(f"{where}: no text in it")
    return make_article(
        text,
        name,
        title=field("title"),
        source=source,
        url=field("url", "external_url"),
        author=_authors(item) or authors,
        date=field("date_published", "date_modified"),
    )


def _authors(holder: dict[str, Any]) -> str:
    """The names of `authors` (JSON Feed 1.1), else of `author` (1.0), joined by commas."""
    people = holder.get("authors")
    if not isinstance(people, list):
        people = [holder.get("author")]
    names = (one_line(p.get("name")) for p in people if isinstance(p, dict))
    return ", ".join(n for n in names if n)


def parse_jsonl(data: bytes, name: str, report: Report = ignore) -> list[Article]:
    """One article per line; a bad line is reported with its number and the others load."""
    articles = []
    for number, line in enumerate(decode_bytes(data, name, report).split("\n"), 1):
        if not line.strip():
            continue
        where = f"'{shown(name)}' line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            report(Problem(f"{where}: invalid JSON at column {error.colno} ({error.msg}); skipped"))
            continue
        except RecursionError:
            report(Problem(f"{where}: JSON nested too deeply; skipped"))
            continue
        try:
            articles.append(_article(record, f"{name}:{number}", where, report))
        except BylineError as error:
            report(Problem(f"{error}; skipped"))
    if not articles:
        raise BylineError(f"cannot read '{shown(name)}': no valid article line in it")
    return articles

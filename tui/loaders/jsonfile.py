"""JSON articles: an object (or a list of objects) with `text`, and JSON Lines, one per line.

`byline analyze` output (path, title, text, ...) reads back as JSON Lines.
"""

from __future__ import annotations

import json
from typing import Any

from tui.errors import BylineError
from tui.loaders.base import Problem, Report, ignore, make_article, shown
from tui.loaders.text import decode_bytes
from tui.model import Article


def _article(record: Any, name: str, where: str) -> Article:
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise BylineError(f'{where}: expected an object with a "text" string')
    return make_article(record["text"], name, title=record.get("title", ""),
                        source=record.get("source", ""), url=record.get("url", ""),
                        date=record.get("date", ""), author=record.get("author", ""),
                        path=record.get("path") if isinstance(record.get("path"), str)
                        else name)  # fmt: skip


def parse_json(data: bytes, name: str, report: Report = ignore) -> list[Article]:
    text = decode_bytes(data, name, report)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise BylineError(f"cannot read '{shown(name)}': invalid JSON at line {error.lineno} "
                          f"column {error.colno} ({error.msg})") from None  # fmt: skip
    except RecursionError:
        raise BylineError(f"cannot read '{shown(name)}': JSON nested too deeply") from None
    records = value if isinstance(value, list) else [value]
    articles = []
    for number, record in enumerate(records, 1):
        if not isinstance(value, list):
            return [_article(record, name, f"cannot read '{shown(name)}'")]
        try:
            articles.append(_article(record, name, f"'{shown(name)}' item {number}"))
        except BylineError as error:
            report(Problem(f"{error}; skipped"))
    if not articles:
        raise BylineError(f"cannot read '{shown(name)}': no article in it")
    return articles


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
            articles.append(_article(record, f"{name}:{number}", where))
        except BylineError as error:
            report(Problem(f"{error}; skipped"))
    if not articles:
        raise BylineError(f"cannot read '{shown(name)}': no valid article line in it")
    return articles

"""Markdown articles: front matter for metadata, the markup taken out of the text."""

from __future__ import annotations

import re

from tui.loaders.base import Report, ignore, make_article
from tui.loaders.text import decode_bytes
from tui.model import Article

# Every pattern runs in linear time: no part can scan past the place the next attempt starts
# from (a link text stops at the next '[', a target at the next '(', bold at the next '*'), and
# no lazy part is followed by an optional run of the characters it could take ("![a](" x 40,000
# took 25 s when a target could run to the end of the line).
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FIELD = re.compile(r"^(\w+)[ \t]*:([^\n]*)$", re.MULTILINE)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+([^\n]*)$", re.MULTILINE)
_CLOSING_HASHES = re.compile(r"[ \t]+#+\Z")
_SETEXT = re.compile(r"^(=+|-+)[ \t]*$", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\([^()\n]*\)")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\([^()\n]*\)")
_STRONG = re.compile(r"\*\*(?=[^\s*])([^*\n]+?)(?<=\S)\*\*|__(?=[^\s_])([^_\n]+?)(?<=\S)__")
_FENCE = re.compile(r"^[ \t]*(```|~~~).*$\n?", re.MULTILINE)
_KEYS = {"title", "author", "date", "source", "url"}


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple `key: value` front matter (YAML-like) and the text after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields = {
        key.lower(): value.strip(" \t").strip("\"'")
        for key, value in _FIELD.findall(match.group(1))
    }
    return {k: v for k, v in fields.items() if k in _KEYS}, text[match.end() :]


def plain(markdown: str) -> str:
    """Markdown as readable plain text: headings, links, images, bold and fences unmarked."""
    text = _FENCE.sub("", markdown)
    text = _HEADING.sub(lambda heading: _heading_text(heading.group(1)), text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    return _STRONG.sub(lambda strong: strong.group(1) or strong.group(2), text)


def _heading_text(line: str) -> str:
    """An ATX heading's text: without its closing hashes and the blanks around them."""
    line = line.rstrip(" \t")
    return _CLOSING_HASHES.sub("", line).rstrip(" \t") if line.endswith("#") else line


def _first_heading(markdown: str) -> str:
    match = _HEADING.search(markdown)
    if match and not markdown[: match.start()].strip():
        return _heading_text(match.group(1))
    lines = markdown.lstrip("\n").split("\n", 2)
    if len(lines) > 1 and lines[0].strip() and _SETEXT.fullmatch(lines[1].strip()):
        return lines[0]
    return ""


def parse_markdown(data: bytes, name: str, report: Report = ignore) -> list[Article]:
    fields, body = front_matter(decode_bytes(data, name, report).replace("\r\n", "\n"))
    title = fields.get("title") or _first_heading(body)
    text = _SETEXT.sub("", plain(body)) if title and not fields.get("title") else plain(body)
    return [
        make_article(
            text,
            name,
            title=title,
            author=fields.get("author", ""),
            date=fields.get("date", ""),
            source=fields.get("source", ""),
            url=fields.get("url", ""),
        )
    ]

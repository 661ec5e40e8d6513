"""The library: a SQLite database of articles and cached analyses. No Textual here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.store.db import db_path
from tui.store.library import Entry, Library

if TYPE_CHECKING:
    from tui.store.cache import get_analysis, put_analysis

__all__ = ["Entry", "Library", "db_path", "get_analysis", "put_analysis"]


def __getattr__(name: str) -> Any:
    # The cache (and the entity index and NLP rules behind it) is imported when first used:
    # the reader opens the library before its first frame, and needs the cache only after.
    if name in {"get_analysis", "put_analysis"}:
        from tui.store import cache

        return getattr(cache, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

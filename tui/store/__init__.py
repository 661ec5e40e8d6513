"""The library: a SQLite database of articles and cached analyses. No Textual here."""

from tui.store.cache import cached_analysis, get_analysis, put_analysis
from tui.store.db import db_path
from tui.store.library import Entry, Library

__all__ = ["Entry", "Library", "cached_analysis", "db_path", "get_analysis", "put_analysis"]

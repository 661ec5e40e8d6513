"""The annotated seed the export tests start from: one function instead of a copy each."""

from __future__ import annotations

from typing import Any

from tui.analysis import cached_analysis
from tui.model import Article
from tui.store import Library
from tui.store.annotations import Annotations


def seed_all_accepted(library: Library, seed: Article, nlp: Any) -> Annotations:
    """The seed annotated by "ana": every suggestion of its analysis accepted, marked done."""
    store = Annotations(library)
    session = store.session(seed, "ana")
    session.suggest(cached_analysis(library, seed, lambda: nlp))
    session.accept_pending()
    session.mark_done()
    return store

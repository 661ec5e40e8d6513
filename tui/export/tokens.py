"""Tokens for the exports: spaCy's blank English tokenizer (rules only, no model to load)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


@cache
def blank() -> Language:
    """`spacy.blank("en")`, once per process."""
    import spacy

    return spacy.blank("en")


def tokenize(text: str) -> Doc:
    return blank().make_doc(text)


class TokenIndex:
    """Character offsets to token indices, for one text."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts = [token.idx for token in doc]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The tokens covering characters start..end: (first, last), the last INCLUSIVE as in
        Prodigy (spaCy's `Span.end` is exclusive: last + 1)."""
        first = max(0, bisect_right(self.starts, start) - 1)
        last = max(first, bisect_left(self.starts, end) - 1)
        return first, last

    def tokens(self) -> list[dict[str, object]]:
        """Prodigy's `tokens`: text, start, end, id, ws."""
        return [
            {
                "text": t.text,
                "start": t.idx,
                "end": t.idx + len(t.text),
                "id": t.i,
                "ws": bool(t.whitespace_),
            }
            for t in self.doc
        ]

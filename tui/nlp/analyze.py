"""One article in, one `Analysis` out: entities, quotes with speakers, claims.

Long articles are analysed in chunks of whole paragraphs (spaCy refuses texts over a million
characters, and parsing memory grows with length); the chunks' spans are shifted back to
offsets in the whole text and their entities merged by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from tui.model import Analysis, Entity
from tui.nlp import ANALYSIS_VERSION
from tui.nlp.claims import find_claims
from tui.nlp.entities import group_entities
from tui.nlp.quotes import OPENERS, STRAIGHT, find_quotes
from tui.nlp.speakers import SpeakerResolver

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["ANALYSIS_VERSION", "analyze_doc", "analyze_text", "analyze_texts"]

#: Longest stretch of text parsed as one spaCy Doc.
CHUNK_CHARS = 100_000
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def analyze_doc(doc: Doc) -> Analysis:
    mentions, groups = group_entities(doc)
    resolver = SpeakerResolver(doc, mentions, groups)
    quotes = find_quotes(doc, resolver)
    claims = find_claims(doc, quotes, resolver)
    return Analysis(entities=mentions, groups=groups, quotes=quotes, claims=claims)


def analyze_text(text: str, nlp: Language, *, chunk_chars: int = CHUNK_CHARS) -> Analysis:
    return next(analyze_texts([text], nlp, chunk_chars=chunk_chars))


def analyze_texts(
    texts: Iterable[str],
    nlp: Language,
    *,
    batch_size: int = 16,
    n_process: int = 1,
    chunk_chars: int = CHUNK_CHARS,
) -> Iterator[Analysis]:
    """Analyse many texts with `nlp.pipe`, in order, long ones chunk by chunk."""
    pending: dict[int, list[tuple[int, Analysis]]] = {}
    chunk_counts: dict[int, int] = {}
    next_index = 0

    def chunked() -> Iterator[tuple[str, tuple[int, int]]]:
        for index, text in enumerate(texts):
            starts = chunk_starts(text, chunk_chars)
            chunk_counts[index] = len(starts)
            for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
                yield text[start:end], (index, start)

    docs = nlp.pipe(chunked(), as_tuples=True, batch_size=batch_size, n_process=n_process)
    for doc, (index, offset) in docs:
        pending.setdefault(index, []).append((offset, analyze_doc(doc)))
        while len(pending.get(next_index, ())) == chunk_counts.get(next_index, -1):
            yield merge(pending.pop(next_index))
            next_index += 1


def chunk_starts(text: str, size: int = CHUNK_CHARS) -> list[int]:
    """Offsets where chunks of at most about `size` characters begin, at paragraph breaks
    that do not continue a quotation (a paragraph opening with a quote mark may)."""
    starts = [0]
    while len(text) - starts[-1] > size:
        window_end = starts[-1] + size
        cut = None
        for match in _PARAGRAPH_BREAK.finditer(text, starts[-1] + size // 2, window_end):
            if text[match.end() : match.end() + 1] not in OPENERS + STRAIGHT or cut is None:
                cut = match.end()
        starts.append(cut if cut is not None else window_end)
    return starts


def merge(parts: list[tuple[int, Analysis]]) -> Analysis:
    """One Analysis from chunk analyses: spans shifted by each chunk's offset, entity groups
    with the same name and label joined under one id."""
    if len(parts) == 1 and parts[0][0] == 0:
        return parts[0][1]
    merged = Analysis()
    ids: dict[tuple[str, str], int] = {}
    members: dict[int, list[tuple[int, int]]] = {}
    names: dict[int, tuple[str, str]] = {}
    for offset, part in sorted(parts, key=lambda item: item[0]):
        local: dict[int, int] = {}
        for group in part.groups:
            key = (group.name, group.label)
            global_id = ids.setdefault(key, len(ids))
            local[group.entity_id] = global_id
            names[global_id] = key
            members.setdefault(global_id, []).extend(
                (start + offset, end + offset) for start, end in group.mentions
            )
        merged.entities += [
            replace(m, start=m.start + offset, end=m.end + offset, entity_id=local[m.entity_id])
            for m in part.entities
        ]
        merged.quotes += [_shift(q, offset) for q in part.quotes]
        merged.claims += [_shift(c, offset) for c in part.claims]
    merged.groups = [
        Entity(entity_id, names[entity_id][0], names[entity_id][1], tuple(spans))
        for entity_id, spans in members.items()
    ]
    return merged


def _shift(span, offset: int):  # Quote or Claim
    changes = {"start": span.start + offset, "end": span.end + offset}
    for name in ("speaker_start", "speaker_end", "source_start", "source_end"):
        value = getattr(span, name, None)
        if value is not None:
            changes[name] = value + offset
    return replace(span, **changes)

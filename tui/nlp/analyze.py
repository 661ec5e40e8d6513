"""One article in, one `Analysis` out: entities, quotes with speakers, claims.

Long articles are analysed in chunks of whole paragraphs (spaCy refuses texts over a million
characters, and parsing memory grows with length); the chunks' spans are shifted back to
offsets in the whole text and their entities merged by name. `analyze_steps` hands over the
analysis so far after each chunk, the reader's chunk first, for a reader that should not wait
minutes for the whole of a huge article.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tui.model import Analysis, AnalysisStep, Claim, Entity, EntityMention, Quote
from tui.nlp import ANALYSIS_VERSION
from tui.nlp.claims import find_claims
from tui.nlp.entities import group_entities
from tui.nlp.quotes import OPENERS, STRAIGHT, find_quotes
from tui.nlp.speakers import SpeakerResolver

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "ANALYSIS_VERSION",
    "analyze_chunks",
    "analyze_doc",
    "analyze_steps",
    "analyze_text",
    "analyze_texts",
    "merge_steps",
]

#: Longest stretch of text parsed as one spaCy Doc.
CHUNK_CHARS = 100_000
#: A chunk takes seconds; a preview of this share of one (whole paragraphs at the reader's
#: place, 1/12: about 8,000 characters, a fraction of a second) is shown until it is done.
PREVIEW_SHARE = 12
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
            spans = chunk_spans(text, chunk_chars)
            chunk_counts[index] = len(spans)
            for start, end in spans:
                yield text[start:end], (index, start)

    docs = nlp.pipe(chunked(), as_tuples=True, batch_size=batch_size, n_process=n_process)
    for doc, (index, offset) in docs:
        pending.setdefault(index, []).append((offset, analyze_doc(doc)))
        while len(pending.get(next_index, ())) == chunk_counts.get(next_index, -1):
            yield merge(pending.pop(next_index))
            next_index += 1


def analyze_steps(
    text: str,
    nlp: Language,
    *,
    chunk_chars: int = CHUNK_CHARS,
    focus: Callable[[], int] | None = None,
) -> Iterator[AnalysisStep]:
    """The analysis of `text` a chunk at a time (the chunks of `analyze_texts`): after each
    chunk, the analysis so far; the last step is complete and equals `analyze_text`'s.

    `focus()`, asked before each chunk, is the offset a reader is at: its chunk goes first,
    then the ones after it, then the ones before it, nearest first (without it, text order).
    Until that chunk is done, a preview of the paragraphs there, analysed on their own, stands
    in for it (a step of its own). A text of one chunk is one step, exactly `analyze_text`.
    """
    spans = chunk_spans(text, chunk_chars)
    return merge_steps(len(spans), analyze_chunks(text, nlp, chunk_chars=chunk_chars, focus=focus))


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """One chunk's own analysis (offsets within it), or a preview's (`index` None)."""

    index: int | None
    start: int
    end: int
    analysis: Analysis


def analyze_chunks(
    text: str,
    nlp: Language,
    *,
    chunk_chars: int = CHUNK_CHARS,
    focus: Callable[[], int | None] | None = None,
) -> Iterator[ChunkResult]:
    """The spaCy half of `analyze_steps`: each chunk's analysis on its own, in the order the
    reader wants them (a preview first); `merge_steps` joins them. This half can run in another
    process (`tui.nlp.child`). `focus()` returning None stops it."""
    spans = chunk_spans(text, chunk_chars)
    done: set[int] = set()
    preview_chars = chunk_chars // PREVIEW_SHARE
    while len(done) < len(spans):
        wanted = focus() if focus else 0
        if wanted is None:
            return
        at = min(max(0, wanted), max(0, len(text) - 1))
        here = bisect_right(spans, (at, len(text) + 1)) - 1
        start, end = spans[here]
        previewed = focus is not None and len(spans) > 1 and end - start > 2 * preview_chars
        if previewed and here not in done:
            p_start, p_end = preview_span(text, at, (start, end), preview_chars)
            yield ChunkResult(None, p_start, p_end, analyze_doc(nlp(text[p_start:p_end])))
        index = _next_chunk(here, [i for i in range(len(spans)) if i not in done])
        start, end = spans[index]
        done.add(index)
        yield ChunkResult(index, start, end, analyze_doc(nlp(text[start:end])))


def merge_steps(total: int, results: Iterable[ChunkResult]) -> Iterator[AnalysisStep]:
    """The merging half of `analyze_steps`: the analysis so far after each of the `total`
    chunks' results (and each preview); the last step is the same merge, in the same order, as
    `analyze_text`'s."""
    done: dict[int, tuple[int, Analysis]] = {}
    so_far = Merger()  # the chunks done, in the order they were done
    for result in results:
        added = (result.start, result.end)
        if result.index is None:
            preview = so_far.copy()
            preview.add(result.start, result.analysis)
            yield AnalysisStep(preview.analysis(), len(done), total, added)
            continue
        done[result.index] = (result.start, result.analysis)
        if len(done) == total:
            yield AnalysisStep(merge([done[i] for i in sorted(done)]), total, total, added)
            return
        so_far.add(result.start, result.analysis)
        yield AnalysisStep(so_far.analysis(), len(done), total, added)


def _next_chunk(here: int, pending: list[int]) -> int:
    """The pending chunk to analyse next: `here`, else the nearest after it, else before it."""
    after = [i for i in pending if i >= here]
    return min(after) if after else max(pending)


def preview_span(text: str, at: int, chunk: tuple[int, int], size: int) -> tuple[int, int]:
    """About `size` characters of whole paragraphs inside `chunk` from a little before `at`
    (a hard cut where a paragraph is longer than half of `size`)."""
    low, high = chunk
    start = max(low, at - size // 4)
    breaks = list(_PARAGRAPH_BREAK.finditer(text, max(low, start - size // 2), start))
    start = breaks[-1].end() if breaks else start
    end = min(high, start + size)
    after = _PARAGRAPH_BREAK.search(text, end, min(high, end + size // 2))
    return start, after.end() if after else end


def chunk_spans(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """(start, end) of each chunk of `text` (see `chunk_starts`)."""
    starts = chunk_starts(text, size)
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


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
    """One Analysis from chunk analyses (offset, analysis), in text order (see `Merger`)."""
    if len(parts) == 1 and parts[0][0] == 0:
        return parts[0][1]
    merged = Merger()
    for offset, part in sorted(parts, key=lambda item: item[0]):
        merged.add(offset, part)
    return merged.analysis()


class Merger:
    """Chunk analyses joined into one as they are added: spans shifted by each chunk's offset,
    entity groups with the same name and label joined under one id (ids in the order met)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], int] = {}
        self._members: dict[int, list[tuple[int, int]]] = {}
        self._entities: list[EntityMention] = []
        self._quotes: list[Quote] = []
        self._claims: list[Claim] = []

    def add(self, offset: int, part: Analysis) -> None:
        local: dict[int, int] = {}
        for group in part.groups:
            global_id = self._ids.setdefault((group.name, group.label), len(self._ids))
            local[group.entity_id] = global_id
            self._members.setdefault(global_id, []).extend(
                (start + offset, end + offset) for start, end in group.mentions
            )
        self._entities += [
            EntityMention(m.start + offset, m.end + offset, m.label, m.text, local[m.entity_id])
            for m in part.entities
        ]
        self._quotes += [_shift(q, offset) for q in part.quotes]
        self._claims += [_shift(c, offset) for c in part.claims]

    def copy(self) -> Merger:
        other = Merger()
        other._ids = dict(self._ids)
        other._members = {key: list(spans) for key, spans in self._members.items()}
        other._entities = list(self._entities)
        other._quotes = list(self._quotes)
        other._claims = list(self._claims)
        return other

    def analysis(self) -> Analysis:
        """What was added so far, as one Analysis (its lists are copies)."""
        names = {entity_id: key for key, entity_id in self._ids.items()}
        groups = [
            Entity(entity_id, *names[entity_id], tuple(spans))
            for entity_id, spans in self._members.items()
        ]
        return Analysis(list(self._entities), groups, list(self._quotes), list(self._claims))


def _shift(span, offset: int):  # Quote or Claim
    changes = {"start": span.start + offset, "end": span.end + offset}
    for name in ("speaker_start", "speaker_end", "source_start", "source_end"):
        value = getattr(span, name, None)
        if value is not None:
            changes[name] = value + offset
    return replace(span, **changes)

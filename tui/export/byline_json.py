"""What every JSON format (Prodigy's tasks, doccano, Label Studio) carries the same way: Byline's
own exact record of an annotator's work (`byline_data`, read back by `from_byline_data`), and
the links from quotes and claims to the mentions of their speakers and sources (`linked_spans`),
for tools that relate spans rather than name speakers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard, TypeVar

from tui.errors import BylineError
from tui.export import Annotated
from tui.model import Article
from tui.store.annotations import (
    CLAIM,
    ORIGINS,
    QUOTE,
    SPAN_FIELDS,
    STATUSES,
    Span,
    default_annotator,
)

T = TypeVar("T")
#: The relation from a quote to its speaker's mention, and from a claim to its source's.
RELATION = {QUOTE: "SPEAKER", CLAIM: "SOURCE"}
#: The label of the mention a SPEAKER/SOURCE relation points at, in span tasks.
MENTION = {QUOTE: "SPEAKER", CLAIM: "SOURCE"}


def linked_spans(
    accepted: list[Span], add: Callable[[int, int, str, str], T]
) -> list[tuple[T, T, str]]:
    """Every accepted span given to `add(start, end, label, note)`, then (from, to, relation)
    for each quote's speaker and claim's source: to the entity at those offsets, else to a
    mention added just for it (for tools that relate spans, not names)."""
    ids: dict[tuple[int, int], T] = {}
    own = []
    for s in accepted:
        own.append(add(s.start, s.end, s.label, s.note))
        if s.kind == "entity":
            ids.setdefault((s.start, s.end), own[-1])
    links = []
    for s, from_id in zip(accepted, own, strict=True):
        if s.kind == "entity" or s.speaker_start is None or s.speaker_end is None:
            continue
        key = (s.speaker_start, s.speaker_end)
        if key not in ids:
            ids[key] = add(*key, MENTION[s.label], "")
        links.append((from_id, ids[key], RELATION[s.label]))
    return links


def byline_data(record: Annotated) -> dict[str, Any]:
    """Everything Byline knows of a record, for a lossless round trip through any JSON format."""
    return {
        "annotator": record.annotator,
        "done": record.done,
        "note": record.note,
        "article_id": record.article_id,
        "hash": record.article.content_hash,
        "spans": [s.fields() for s in record.spans],
    }


def from_byline_data(data: dict[str, Any], article: Article, where: str) -> Annotated:
    """The record `byline_data` wrote, of `article`; a `BylineError` naming `where` if a span
    is not one Byline could have written."""
    rows = data.get("spans")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise BylineError(f"{where}: Byline's data has no list of spans")
    spans = []
    for row in rows:
        fields = {name: row.get(name) for name in SPAN_FIELDS}
        fields["note"] = str(fields["note"] or "")
        if fields["status"] not in STATUSES or fields["origin"] not in ORIGINS:
            raise BylineError(f"{where}: unknown span status or origin")
        if not isinstance(fields["label"], str) or not (
            is_int(fields["start"]) and is_int(fields["end"])
        ):
            raise BylineError(f"{where}: a span needs a label, a start and an end")
        spans.append(Span(0, **fields))
    annotator = data.get("annotator")
    return Annotated(
        article,
        annotator if isinstance(annotator, str) and annotator.strip() else default_annotator(),
        spans,
        done=bool(data.get("done")),
        note=str(data.get("note") or ""),
    )


def is_int(value: object) -> TypeGuard[int]:
    """An integer offset in untrusted JSON (`true` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)

"""Prodigy-compatible JSON Lines: one task per article and annotator.

A task has Prodigy's `text`, `tokens` (spaCy's blank English tokenizer), `spans` (`start`,
`end`, `label`, `token_start`, `token_end`: Prodigy's `token_end` is INCLUSIVE, spaCy's
`Span.end` is exclusive), `relations` (each quote's speaker and claim's source mention, label
`SPEAKER` or `SOURCE`, the quote or claim as head), `answer` ("accept"), `_annotator_id`,
`_timestamp` and `meta` (title, source, url, date, author, article id, hash, done).

`spans` holds only ACCEPTED spans (what Prodigy may train on); pending and rejected machine
suggestions are in Byline's own `suggestions` (same form). Each span also carries Byline's
`status`, `origin` and (when there is one) `note`. Byline's `quotes` and `claims` list every
exported quote and claim as `byline analyze` prints them (`speaker`/`source` with its
offsets), plus `status`; `note` is the article's note.

Reading accepts these tasks and plain Prodigy ones (no Byline fields: every span accepted, a
speaker from a SPEAKER/SOURCE relation); a task answered "reject" or "ignore" is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, TextIO

from tui.errors import BylineError
from tui.export import Annotated, Report, clean_article
from tui.export.tokens import TokenIndex, tokenize
from tui.store.annotations import (
    ACCEPTED,
    ANNOTATOR,
    CLAIM,
    ORIGINS,
    QUOTE,
    STATUSES,
    Span,
    default_annotator,
)

RELATION = {QUOTE: "SPEAKER", CLAIM: "SOURCE"}
_META = ("title", "source", "url", "date", "author")


def task(record: Annotated) -> dict[str, Any]:
    """One Prodigy task for one article and annotator."""
    text = record.article.text
    index = TokenIndex(tokenize(text))

    def span(s: Span) -> dict[str, Any]:
        first, last = index.span(s.start, s.end)
        out: dict[str, Any] = {
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "token_start": first,
            "token_end": last,
            "status": s.status,
            "origin": s.origin,
        }
        if s.note:
            out["note"] = s.note
        return out

    def mention(start: int, end: int, label: str) -> dict[str, Any]:
        first, last = index.span(start, end)
        return {"start": start, "end": end, "token_start": first, "token_end": last, "label": label}

    accepted = [s for s in record.spans if s.status == ACCEPTED]
    relations = []
    for s in accepted:
        if s.label in RELATION and s.speaker_start is not None and s.speaker_end is not None:
            head = span(s)
            child = mention(s.speaker_start, s.speaker_end, "SPEAKER_MENTION")
            relations.append(
                {
                    "head": head["token_end"],
                    "child": child["token_end"],
                    "head_span": {k: head[k] for k in child},
                    "child_span": child,
                    "label": RELATION[s.label],
                }
            )
    meta = {name: getattr(record.article, name) for name in _META}
    meta.update(article_id=record.article_id, hash=record.article.content_hash, done=record.done)
    result: dict[str, Any] = {
        "text": text,
        "meta": meta,
        "tokens": index.tokens(),
        "spans": [span(s) for s in accepted],
        "relations": relations,
        "suggestions": [span(s) for s in record.spans if s.status != ACCEPTED],
        "quotes": [_statement(s, "speaker", text) for s in record.spans if s.label == QUOTE],
        "claims": [_statement(s, "source", text) for s in record.spans if s.label == CLAIM],
        "note": record.note,
        "answer": "accept",
        "_annotator_id": record.annotator,
    }
    if record.updated:
        stamp = datetime.fromisoformat(record.updated.replace("Z", "+00:00"))
        result["_timestamp"] = int(stamp.timestamp())
    return result


def _statement(s: Span, role: str, text: str) -> dict[str, Any]:
    out = {
        "start": s.start,
        "end": s.end,
        "text": text[s.start : s.end],
        role: s.speaker,
        f"{role}_start": s.speaker_start,
        f"{role}_end": s.speaker_end,
        "status": s.status,
    }
    if s.note:
        out["note"] = s.note
    return out


def write(records: Iterable[Annotated], out: TextIO) -> int:
    """Write one task per line; the number written."""
    count = 0
    for record in records:
        out.write(json.dumps(task(record), ensure_ascii=False) + "\n")
        count += 1
    return count


def read(lines: Iterable[str], name: str, report: Report) -> Iterator[Annotated]:
    """Records from task lines; a bad line is reported (with its number) and skipped."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}, line {number}"
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise BylineError(f"{where}: not a JSON object")
            if data.get("answer", "accept") != "accept":
                continue
            yield from_task(data, where)
        except ValueError as error:
            report(f"{where}: invalid JSON ({error})")
        except BylineError as error:
            report(str(error))


def from_task(data: dict[str, Any], where: str) -> Annotated:
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    article = clean_article(data.get("text"), where, **{k: meta.get(k, "") for k in _META})
    speakers: dict[tuple[str, int, int], tuple[Any, Any, Any]] = {}
    for field, label, role in (("quotes", QUOTE, "speaker"), ("claims", CLAIM, "source")):
        for item in _dicts(data.get(field), where):
            speakers[(label, item.get("start"), item.get("end"))] = (
                item.get(role),
                item.get(f"{role}_start"),
                item.get(f"{role}_end"),
            )
    if "quotes" not in data and "claims" not in data:  # plain Prodigy: speakers from relations
        for relation in _dicts(data.get("relations"), where):
            head, child = relation.get("head_span"), relation.get("child_span")
            if (
                relation.get("label") in RELATION.values()
                and isinstance(head, dict)
                and (isinstance(child, dict))
            ):
                label = QUOTE if relation["label"] == "SPEAKER" else CLAIM
                start, end = child.get("start"), child.get("end")
                name = article.text[start:end] if _ints(start, end) else None
                speakers[(label, head.get("start"), head.get("end"))] = (name, start, end)
    spans = []
    for item in [*_dicts(data.get("spans"), where), *_dicts(data.get("suggestions"), where)]:
        label, start, end = item.get("label"), item.get("start"), item.get("end")
        if not isinstance(label, str) or not _ints(start, end):
            raise BylineError(f"{where}: a span needs a label, a start and an end")
        status = item.get("status", ACCEPTED)
        origin = item.get("origin", ANNOTATOR)
        if status not in STATUSES or origin not in ORIGINS:
            raise BylineError(f"{where}: unknown span status '{status}' or origin '{origin}'")
        speaker = speakers.get((label, start, end), (None, None, None))
        spans.append(
            Span(0, label, start, end, status, origin, *speaker, note=str(item.get("note") or ""))
        )
    annotator = data.get("_annotator_id")
    return Annotated(
        article,
        annotator if isinstance(annotator, str) and annotator.strip() else default_annotator(),
        spans,
        done=bool(meta.get("done", False)),
        note=str(data.get("note") or ""),
    )


def _dicts(value: object, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BylineError(f"{where}: expected a list of objects")
    return value


def _ints(*values: object) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)

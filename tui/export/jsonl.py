"""Prodigy-compatible JSON Lines: one task per article and annotator, of one of two kinds.

- NER tasks (`--tasks ner`, the default): `spans` are the accepted entities, never
  overlapping (of overlapping ones, the one over more tokens is kept). They suit Prodigy's
  `db-in` then `ner.manual`/`ner.correct` to review them, `data-to-spacy --ner` and
  `train --ner`.
- Span tasks (`--tasks spans`): `spans` are the accepted quotes (`QUOTE`) and claims
  (`CLAIM`), which may overlap, plus the mentions their speakers and sources point at
  (`SPEAKER`, `SOURCE`); `relations` link each quote or claim (head) to its mention (child),
  both spans of the task. They suit `spans.manual` and `data-to-spacy --spancat` (whose
  spans key is "sc"); `rel.manual` shows the relations.

Every task has Prodigy's `text`, `tokens` (spaCy's blank English tokenizer), `spans`
(`start`, `end`, `label`, `token_start`, `token_end`: Prodigy's `token_end` is INCLUSIVE,
spaCy's `Span.end` is exclusive), `relations`, `answer`, `_input_hash` and `_task_hash`
(murmurhash of the text, then of the spans after the input hash, as Prodigy's `set_hashes`),
`_annotator_id`, `_timestamp`, `_view_id` and `meta` (title, source, url, date, author,
article id, hash, done).

`answer` says how far the annotator vouches for the task:

- "accept": the article is marked done; every token outside `spans` is outside (for NER: not
  an entity), and Prodigy trains on it as complete;
- "ignore": not marked done; `spans` are the annotator's decisions, but the rest is undecided,
  so Prodigy's recipes leave the task out (Byline's import reads it).

Articles on which nothing was decided are not exported at all (see `tui.export.collect`).

Byline's own fields: `quotes` and `claims` list every quote and claim as `byline analyze`
prints them (`speaker`/`source` with its offsets) plus `status`; `byline` holds everything
exactly (annotator, done, the article's note, and every span: label, offsets, status, origin,
speaker and its offsets, note), from which `read` restores the annotations.

Reading accepts these tasks (either kind), Byline's older tasks (`suggestions`), plain
Prodigy ones (every span accepted, a speaker from a SPEAKER/SOURCE relation; answered
"reject" or "ignore": skipped), doccano's JSONL and Label Studio's JSON (see
`tui.export.doccano`, `tui.export.labelstudio`), told apart by their content.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, TextIO

from tui.errors import BylineError
from tui.export import Annotated, Report, clean_article, doccano, labelstudio
from tui.export.byline_json import MENTION, RELATION, byline_data, from_byline_data, is_int
from tui.export.tokens import TokenIndex, tokenize
from tui.safe_text import shown
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

TASKS = ("ner", "spans")
VIEW = {"ner": "ner_manual", "spans": "spans_manual"}
_META = ("title", "source", "url", "date", "author")
#: Prodigy's keys of a task's input and of the task itself (for `_input_hash`, `_task_hash`).
_INPUT_KEYS = ("text", "image", "html", "input")
_TASK_KEYS = ("spans", "label", "options")


def prodigy_hash(data: dict[str, Any], keys: Iterable[str], prefix: str = "") -> int:
    """Prodigy's hash of a task's `keys` (a signed 32-bit murmurhash of their JSON)."""
    import murmurhash

    values = [json.dumps(data[key], sort_keys=True) for key in keys if key in data]
    return int(murmurhash.hash(prefix + "".join(values)))


def _non_overlapping(spans: list[Span], index: TokenIndex) -> list[Span]:
    """Spans no two of which share a token: the one over more tokens first, then the earlier
    (as spaCy's `filter_spans`)."""
    ranked = sorted(
        spans,
        key=lambda s: (-(index.span(s.start, s.end)[1] - index.span(s.start, s.end)[0]), s.start),
    )
    taken: set[int] = set()
    kept = []
    for s in ranked:
        first, last = index.span(s.start, s.end)
        tokens = set(range(first, last + 1))
        if not tokens & taken:
            kept.append(s)
            taken |= tokens
    return sorted(kept, key=lambda s: (s.start, s.end))


def task(record: Annotated, kind: str = "ner") -> dict[str, Any]:
    """One Prodigy task (`kind`: "ner" or "spans") for one article and annotator."""
    text = record.article.text
    index = TokenIndex(tokenize(text))

    def span(start: int, end: int, label: str) -> dict[str, Any]:
        first, last = index.span(start, end)
        return {"start": start, "end": end, "token_start": first, "token_end": last, "label": label}

    accepted = [s for s in record.spans if s.status == ACCEPTED]
    relations = []
    if kind == "ner":
        spans = [
            span(s.start, s.end, s.label)
            for s in _non_overlapping([s for s in accepted if s.kind == "entity"], index)
        ]
    else:
        spans = []
        seen: set[tuple[int, int, str]] = set()

        def add(item: dict[str, Any]) -> None:
            if (item["start"], item["end"], item["label"]) not in seen:
                seen.add((item["start"], item["end"], item["label"]))
                spans.append(item)

        for s in accepted:
            if s.kind == "entity":
                continue
            head = span(s.start, s.end, s.label)
            add(head)
            if s.speaker_start is not None and s.speaker_end is not None:
                child = span(s.speaker_start, s.speaker_end, MENTION[s.label])
                add(child)
                relations.append(
                    {
                        "head": head["token_end"],
                        "child": child["token_end"],
                        "head_span": head,
                        "child_span": child,
                        "label": RELATION[s.label],
                    }
                )
        spans.sort(key=lambda item: (item["start"], -item["end"], item["label"]))
    meta = {name: getattr(record.article, name) for name in _META}
    meta.update(article_id=record.article_id, hash=record.article.content_hash, done=record.done)
    result: dict[str, Any] = {
        "text": text,
        "meta": meta,
        "tokens": index.tokens(),
        "spans": spans,
        "relations": relations,
        "answer": "accept" if record.done else "ignore",
        "_annotator_id": record.annotator,
        "_view_id": VIEW[kind],
        "quotes": [_statement(s, "speaker", text) for s in record.spans if s.label == QUOTE],
        "claims": [_statement(s, "source", text) for s in record.spans if s.label == CLAIM],
        "byline": byline_data(record),
    }
    input_hash = prodigy_hash(result, _INPUT_KEYS)
    result["_input_hash"] = input_hash
    result["_task_hash"] = prodigy_hash(result, _TASK_KEYS, prefix=str(input_hash))
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


def write(records: Iterable[Annotated], out: TextIO, kind: str = "ner") -> int:
    """Write one task per line; the number written."""
    count = 0
    for record in records:
        out.write(json.dumps(task(record, kind), ensure_ascii=False) + "\n")
        count += 1
    return count


def read(lines: Iterable[str], name: str, report: Report) -> Iterator[Annotated]:
    """Records from a JSON Lines file (or a JSON array: Label Studio's export) of Prodigy,
    doccano or Label Studio tasks, each told apart by its content. A bad record is reported
    (with its line) and skipped; records that carry nothing Byline can read are counted and
    reported in one line."""
    content = "".join(lines)
    unreadable = 0
    if content.lstrip().startswith("["):
        try:
            items = json.loads(content)
        except ValueError as error:
            raise BylineError(f"{name}: invalid JSON ({error})") from None
        numbered: Iterable[tuple[str, Any]] = (
            (f"{name}, task {n}", item) for n, item in enumerate(items, 1)
        )
    else:
        numbered = _json_lines(content, name, report)
    for where, data in numbered:
        try:
            if not isinstance(data, dict):
                raise BylineError(f"{where}: not a JSON object")
            found = from_any(data, where)
        except BylineError as error:
            report(str(error))
            continue
        if found is None:
            unreadable += 1
        else:
            yield from found
    if unreadable:
        report(
            f"{name}: {unreadable} record{'s' if unreadable != 1 else ''} with no annotations "
            "Byline can read (Prodigy spans, doccano label or entities, Label Studio "
            "annotations); not imported"
        )


def _json_lines(content: str, name: str, report: Report) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name}, line {number}"
        try:
            yield where, json.loads(line)
        except ValueError as error:
            report(f"{where}: invalid JSON ({error})")


def from_any(data: dict[str, Any], where: str) -> list[Annotated] | None:
    """The records in one task of any kind Byline reads (none: a Prodigy task answered
    "reject" or "ignore"); None when it carries nothing Byline can read."""
    if labelstudio.is_task(data):
        return labelstudio.from_task(data, where)
    if doccano.is_task(data):
        return [doccano.from_task(data, where)]
    if not any(key in data for key in ("byline", "spans", "suggestions", "quotes", "claims")):
        return None
    byline = data.get("byline")
    if data.get("answer", "accept") != "accept" and not isinstance(byline, dict):
        return []
    return [from_task(data, where)]


def from_task(data: dict[str, Any], where: str) -> Annotated:
    meta_value = data.get("meta")
    meta: dict[str, Any] = meta_value if isinstance(meta_value, dict) else {}
    article = clean_article(data.get("text"), where, **{k: meta.get(k, "") for k in _META})
    if isinstance(data.get("byline"), dict):
        return from_byline_data(data["byline"], article, where)
    # (label, start, end) of a quote or claim as the task gives it -> (name, start, end) of its
    # speaker or source; looked up by the spans' checked offsets.
    speakers: dict[tuple[str, object, object], tuple[Any, Any, Any]] = {}
    for field, kind, role in (("quotes", QUOTE, "speaker"), ("claims", CLAIM, "source")):
        for item in _dicts(data.get(field), where):
            speakers[(kind, item.get("start"), item.get("end"))] = (
                item.get(role),
                item.get(f"{role}_start"),
                item.get(f"{role}_end"),
            )
    mentions: set[tuple[Any, Any, Any]] = set()
    if "quotes" not in data and "claims" not in data:  # plain Prodigy: speakers from relations
        for relation in _dicts(data.get("relations"), where):
            head, child = relation.get("head_span"), relation.get("child_span")
            if (
                relation.get("label") in RELATION.values()
                and isinstance(head, dict)
                and (isinstance(child, dict))
            ):
                kind = QUOTE if relation["label"] == "SPEAKER" else CLAIM
                start, end = child.get("start"), child.get("end")
                name = article.text[start:end] if is_int(start) and is_int(end) else None
                speakers[(kind, head.get("start"), head.get("end"))] = (name, start, end)
                if child.get("label") in MENTION.values():
                    mentions.add((start, end, child.get("label")))
    spans = []
    for item in [*_dicts(data.get("spans"), where), *_dicts(data.get("suggestions"), where)]:
        label, start, end = item.get("label"), item.get("start"), item.get("end")
        if not isinstance(label, str) or not (is_int(start) and is_int(end)):
            raise BylineError(f"{where}: a span needs a label, a start and an end")
        if (start, end, label) in mentions:
            continue  # a span task's stand-in for a speaker's mention, not a span
        status = item.get("status", ACCEPTED)
        origin = item.get("origin", ANNOTATOR)
        if status not in STATUSES or origin not in ORIGINS:
            raise BylineError(
                f"{where}: unknown span status '{shown(str(status))}' or origin "
                f"'{shown(str(origin))}'"
            )
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

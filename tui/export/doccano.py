"""doccano's JSON Lines: one record per article and annotator.

Each record has `text`; `label`, doccano's sequence-labelling form (`[[start, end, LABEL],
...]`, character offsets, the accepted spans: entities, `QUOTE`, `CLAIM`); and doccano's
relation-extraction form: `entities` (`id`, `label`, `start_offset`, `end_offset`) and
`relations` (`id`, `from_id`, `to_id`, `type`: `SPEAKER` from a quote, `SOURCE` from a claim,
to the mention of who said it: an entity at those offsets, else an entity labelled
`SPEAKER`/`SOURCE` just for the mention). `Comments` holds the notes. Byline's `meta` and
`byline` (everything, exactly, as in the Prodigy tasks) ride along; doccano keeps unknown keys
as the example's metadata.

Reading takes records with `label` as a list of `[start, end, label]` or with `entities`:
every span accepted, a speaker from a SPEAKER/SOURCE relation (unless `byline` is there).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from tui.errors import BylineError
from tui.export import Annotated, clean_article
from tui.export.byline_json import (
    MENTION,
    RELATION,
    byline_data,
    from_byline_data,
    linked_spans,
)
from tui.store.annotations import ACCEPTED, CLAIM, QUOTE, Span, default_annotator

_META = ("title", "source", "url", "date", "author")


def record_json(record: Annotated) -> dict[str, Any]:
    text = record.article.text
    accepted = [s for s in record.spans if s.status == ACCEPTED]
    entities: list[dict[str, Any]] = []

    def entity(start: int, end: int, label: str, note: str) -> int:
        entities.append(
            {"id": len(entities) + 1, "label": label, "start_offset": start, "end_offset": end}
        )
        return len(entities)

    relations = [
        {"id": number, "from_id": from_id, "to_id": to_id, "type": relation}
        for number, (from_id, to_id, relation) in enumerate(linked_spans(accepted, entity), 1)
    ]
    meta = {name: getattr(record.article, name) for name in _META}
    comments = [s.note for s in record.spans if s.note]
    return {
        "text": text,
        "label": [[s.start, s.end, s.label] for s in accepted],
        "entities": entities,
        "relations": relations,
        "Comments": ([record.note] if record.note else []) + comments,
        "meta": meta,
        "byline": byline_data(record),
    }


def write(records: Iterable[Annotated], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record_json(record), ensure_ascii=False) + "\n")
        count += 1
    return count


def _is_triple(item: object) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 3
        and all(isinstance(v, int) and not isinstance(v, bool) for v in item[:2])
        and isinstance(item[2], str)
    )


def is_task(data: dict[str, Any]) -> bool:
    """A doccano record: `label` as span triples, or `entities` with `start_offset`."""
    if "text" not in data or "spans" in data:
        return False
    label, entities = data.get("label"), data.get("entities")
    if isinstance(entities, list) and all(
        isinstance(e, dict) and "start_offset" in e for e in entities
    ):
        return True
    return isinstance(label, list) and all(_is_triple(item) for item in label)


def from_task(data: dict[str, Any], where: str) -> Annotated:
    meta_value = data.get("meta")
    meta: dict[str, Any] = meta_value if isinstance(meta_value, dict) else {}
    article = clean_article(data.get("text"), where, **{k: meta.get(k, "") for k in _META})
    if isinstance(data.get("byline"), dict):
        return from_byline_data(data["byline"], article, where)
    spans: list[Span] = []
    entities = data.get("entities")
    if isinstance(entities, list) and entities:
        by_id: dict[Any, dict[str, Any]] = {}
        for item in entities:
            start, end, label = item.get("start_offset"), item.get("end_offset"), item.get("label")
            if not _is_triple([start, end, label]):
                raise BylineError(f"{where}: an entity needs a label, a start and an end offset")
            by_id[item.get("id")] = item
        speakers: dict[Any, tuple[str, int, int]] = {}
        stand_ins: set[Any] = set()
        for relation in data.get("relations") or []:
            if not isinstance(relation, dict) or relation.get("type") not in RELATION.values():
                continue
            head, child = by_id.get(relation.get("from_id")), by_id.get(relation.get("to_id"))
            if head is None or child is None:
                raise BylineError(f"{where}: a relation to an entity that is not there")
            start, end = child["start_offset"], child["end_offset"]
            speakers[head.get("id")] = (article.text[start:end], start, end)
            if child["label"] in MENTION.values():
                stand_ins.add(child.get("id"))
        for ident, item in by_id.items():
            if ident in stand_ins:
                continue
            name, start, end = speakers.get(ident, (None, None, None))
            if item["label"] not in (QUOTE, CLAIM):
                name = start = end = None
            spans.append(
                Span(
                    0,
                    item["label"],
                    item["start_offset"],
                    item["end_offset"],
                    speaker=name,
                    speaker_start=start,
                    speaker_end=end,
                )
            )
    else:
        spans = [Span(0, label, start, end) for start, end, label in data.get("label") or []]
    return Annotated(article, default_annotator(), spans)

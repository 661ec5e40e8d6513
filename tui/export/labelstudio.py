"""Label Studio's JSON: a list of tasks, one per article and annotator.

A task has `data` (`text`, and the article's title, source, url, date, author), `meta`
(Byline's `byline`: everything, exactly, as in the Prodigy tasks) and its results: `labels`
regions (`id`, `from_name` "label", `to_name` "text", `type` "labels", `value` with `start`,
`end`, `text`, `labels`) for the accepted spans, and `relation`s (`from_id`, `to_id`,
`direction` "right", `labels` `["SPEAKER"]` from a quote, `["SOURCE"]` from a claim) to the
mention of who said it (an entity region at those offsets, else a region labelled
`SPEAKER`/`SOURCE` for the mention). A span's note is the region's `meta.text`.

An article marked done is an `annotations` entry (a completed annotation, `completed_by` the
annotator); one not marked done is in `predictions` instead (`model_version`
"byline-not-done"): Label Studio shows it to be completed and does not count it as labelled.

The labelling configuration these tasks fit is `label_config(labels)`; `byline export
--format labelstudio -o FILE.json` writes it beside, as `FILE.label_config.xml`.
Reading takes Label Studio tasks: each annotation (not cancelled) is a record, its regions
accepted spans and the article done; a task with only predictions: its regions pending
machine suggestions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

from tui.errors import BylineError
from tui.export import Annotated, clean_article
from tui.export.byline_json import (
    MENTION,
    RELATION,
    byline_data,
    from_byline_data,
    linked_spans,
)
from tui.store.annotations import ACCEPTED, CLAIM, MACHINE, PENDING, QUOTE, Span

_META = ("title", "source", "url", "date", "author")
NOT_DONE = "byline-not-done"


def label_config(labels: Iterable[str]) -> str:
    """A Label Studio labelling configuration for these labels, quotes' speakers and claims'
    sources."""
    rows = "".join(f"    <Label value={quoteattr(label)}/>\n" for label in sorted(set(labels)))
    return (
        "<View>\n"
        '  <Relations>\n    <Relation value="SPEAKER"/>\n    <Relation value="SOURCE"/>\n'
        "  </Relations>\n"
        '  <Labels name="label" toName="text">\n'
        f"{rows}"
        "  </Labels>\n"
        '  <Text name="text" value="$text"/>\n'
        "</View>\n"
    )


def results(record: Annotated) -> list[dict[str, Any]]:
    text = record.article.text
    accepted = [s for s in record.spans if s.status == ACCEPTED]
    regions: list[dict[str, Any]] = []

    def region(start: int, end: int, label: str, note: str) -> str:
        ident = f"b{len(regions) + 1}"
        item: dict[str, Any] = {
            "id": ident,
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
        }
        if note:
            item["meta"] = {"text": [note]}
        regions.append(item)
        return ident

    relations = [
        {
            "type": "relation",
            "from_id": from_id,
            "to_id": to_id,
            "direction": "right",
            "labels": [relation],
        }
        for from_id, to_id, relation in linked_spans(accepted, region)
    ]
    return regions + relations


def task(record: Annotated) -> dict[str, Any]:
    data = {"text": record.article.text}
    data.update({name: getattr(record.article, name) for name in _META})
    out: dict[str, Any] = {"data": data, "meta": {"byline": byline_data(record)}}
    if record.done:
        out["annotations"] = [
            {"result": results(record), "completed_by": record.annotator, "was_cancelled": False}
        ]
    else:
        out["predictions"] = [{"result": results(record), "model_version": NOT_DONE}]
    return out


def write(records: Iterable[Annotated], out: TextIO, labels: set[str] | None = None) -> int:
    """A JSON list of tasks (written as they come, one per line inside the list); `labels`
    collects the labels of the regions written (for `label_config`)."""
    count = 0
    out.write("[")
    for record in records:
        if labels is not None:
            labels.update(s.label for s in record.spans if s.status == ACCEPTED)
            labels.update(MENTION[s.label] for s in record.spans if s.speaker_start is not None)
        out.write(("," if count else "") + "\n" + json.dumps(task(record), ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


def is_task(data: dict[str, Any]) -> bool:
    return isinstance(data.get("data"), dict) and ("annotations" in data or "predictions" in data)


def from_task(data: dict[str, Any], where: str) -> list[Annotated]:
    fields = data["data"]
    text = fields.get("text")
    article = clean_article(text, where, **{k: str(fields.get(k) or "") for k in _META})
    meta = data.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("byline"), dict):
        return [from_byline_data(meta["byline"], article, where)]
    records = []
    for entry in _dicts(data.get("annotations"), where):
        if entry.get("was_cancelled"):
            continue
        who = entry.get("completed_by")
        if isinstance(who, dict):
            who = who.get("email") or who.get("id")
        name = str(who) if who not in (None, "") else "label-studio"
        spans = _spans(_dicts(entry.get("result"), where), article.text, where)
        records.append(Annotated(article, name, spans, done=True))
    if not records:
        for entry in _dicts(data.get("predictions"), where)[:1]:
            spans = [
                replace(s, status=PENDING, origin=MACHINE)
                for s in _spans(_dicts(entry.get("result"), where), article.text, where)
            ]
            records.append(Annotated(article, "label-studio", spans))
    return records


def _spans(result: list[dict[str, Any]], text: str, where: str) -> list[Span]:
    regions: dict[Any, tuple[int, int, list[str], str]] = {}
    for item in result:
        if item.get("type") not in ("labels", "hypertextlabels", "paragraphlabels"):
            continue
        given = item.get("value")
        value: dict[str, Any] = given if isinstance(given, dict) else {}
        start, end, labels = value.get("start"), value.get("end"), value.get("labels")
        if not (
            isinstance(start, int)
            and isinstance(end, int)
            and isinstance(labels, list)
            and all(isinstance(label, str) for label in labels)
        ):
            raise BylineError(f"{where}: a region needs start, end and labels")
        notes = (item.get("meta") or {}).get("text") if isinstance(item.get("meta"), dict) else []
        note = "\n".join(n for n in notes or [] if isinstance(n, str))
        regions[item.get("id")] = (start, end, labels, note)
    speakers: dict[Any, tuple[str, int, int]] = {}
    stand_ins: set[Any] = set()
    for item in result:
        labels = item.get("labels") or []
        if item.get("type") != "relation" or not set(labels) & set(RELATION.values()):
            continue
        head, child = regions.get(item.get("from_id")), regions.get(item.get("to_id"))
        if head is None or child is None:
            raise BylineError(f"{where}: a relation to a region that is not there")
        speakers[item.get("from_id")] = (text[child[0] : child[1]], child[0], child[1])
        if set(child[2]) <= set(MENTION.values()):
            stand_ins.add(item.get("to_id"))
    spans = []
    for ident, (start, end, labels, note) in regions.items():
        if ident in stand_ins:
            continue
        for label in labels:
            name, s_start, s_end = speakers.get(ident, (None, None, None))
            if label not in (QUOTE, CLAIM):
                name = s_start = s_end = None
            spans.append(
                Span(
                    0,
                    label,
                    start,
                    end,
                    speaker=name,
                    speaker_start=s_start,
                    speaker_end=s_end,
                    note=note,
                )
            )
    return spans


def _dicts(value: object, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BylineError(f"{where}: expected a list of objects")
    return value

"""A spaCy DocBin (`.spacy`): training data for `spacy train`, and a lossless export.

Each article and annotator is one Doc (spaCy's blank English tokenizer). What it says about
entities follows what the annotator decided, token by token (`Token.ent_iob_`):

- inside an accepted (or created) entity: that entity (B/I). Overlapping ones cannot all be in
  `doc.ents`: the longer is kept;
- inside a rejected entity suggestion, and no accepted entity: outside (O), the annotator said
  it is not that entity;
- anything else: *missing* (`ent_iob_ == ""`): nobody decided, and spaCy's NER does not learn
  from it either way;
- once the article is marked done, the annotator vouches for all of it: the missing tokens are
  outside (O). Pending suggestions of a done article are not entities.

Quotes are in `doc.spans["quotes"]` and claims in `doc.spans["claims"]` (accepted ones), both
in `doc.spans["sc"]` for one span categorizer; the groups' `attrs["speakers"]` /
`attrs["sources"]` are lists parallel to their spans, each `{"name", "start", "end"}`
(character offsets of a mention, or None) or None. A span group has no "missing": spaCy's
span categorizer takes every span not in it as a negative, so train it on articles marked
done (`byline export --done`). Spans are token spans, widened to whole tokens when an
annotation does not fall on token boundaries; the exact character offsets and everything else
(pending and rejected suggestions, statuses, notes, the annotator, done) are in
`doc.user_data["byline"]`, from which `read` restores the annotations exactly. A DocBin from
elsewhere is read from its `doc.ents` and span groups, everything accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tui.errors import BylineError
from tui.export import Annotated, Report, clean_article
from tui.export.tokens import blank, tokenize
from tui.safe_text import shown
from tui.store.annotations import (
    ACCEPTED,
    CLAIM,
    QUOTE,
    REJECTED,
    SPAN_FIELDS,
    Span,
    default_annotator,
)

KEY = "byline"
GROUPS = {QUOTE: ("quotes", "speakers"), CLAIM: ("claims", "sources")}
#: The span group holding quotes and claims together, spaCy's default for `spancat`.
SPANCAT_KEY = "sc"
_META = ("title", "source", "url", "date", "author")


def write(records: Iterable[Annotated], path: Path) -> int:
    from spacy.tokens import DocBin, SpanGroup

    docs = DocBin(store_user_data=True)
    count = 0
    for record in records:
        doc = tokenize(record.article.text)
        accepted = [s for s in record.spans if s.status == ACCEPTED]
        _set_entities(doc, record)
        for label, (group, attribute) in GROUPS.items():
            aligned = [
                (s, doc.char_span(s.start, s.end, label=label, alignment_mode="expand"))
                for s in accepted
                if s.label == label
            ]
            chosen = [(s, span) for s, span in aligned if span is not None]
            who = [
                {"name": s.speaker, "start": s.speaker_start, "end": s.speaker_end}
                if s.speaker
                else None
                for s, _ in chosen
            ]
            doc.spans[group] = SpanGroup(
                doc, name=group, spans=[span for _, span in chosen], attrs={attribute: who}
            )
        doc.spans[SPANCAT_KEY] = SpanGroup(
            doc, name=SPANCAT_KEY, spans=[*doc.spans["quotes"], *doc.spans["claims"]]
        )
        doc.user_data[KEY] = {
            "annotator": record.annotator,
            "done": record.done,
            "note": record.note,
            "article_id": record.article_id,
            "meta": {name: getattr(record.article, name) for name in _META},
            "spans": [list(s.fields().values()) for s in record.spans],
        }
        docs.add(doc)
        count += 1
    path.write_bytes(docs.to_bytes())
    return count


def _set_entities(doc: Any, record: Annotated) -> None:
    """`doc`'s entities as the annotator decided them (see the module docstring)."""
    from spacy.util import filter_spans

    def token_spans(status: str) -> list[Any]:
        found = []
        for s in record.spans:
            if s.kind == "entity" and s.status == status:
                span = doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
                if span is not None:
                    found.append(span)
        return found

    entities = filter_spans(token_spans(ACCEPTED))
    inside = {i for span in entities for i in range(span.start, span.end)}
    outside = [
        span
        for span in token_spans(REJECTED)
        if not inside.intersection(range(span.start, span.end))
    ]
    doc.set_ents(
        entities,
        outside=filter_spans(outside),
        default="outside" if record.done else "missing",
    )


def read(path: Path, report: Report) -> Iterator[Annotated]:
    from spacy.tokens import DocBin

    name = shown(str(path))
    try:
        docs = list(DocBin().from_bytes(path.read_bytes()).get_docs(blank().vocab))
    except OSError as error:
        raise BylineError(f"cannot read '{name}': {error.strerror or error}") from None
    except Exception as error:  # srsly/msgpack raise many kinds of error on a damaged file
        raise BylineError(f"'{name}' is not a spaCy DocBin ({type(error).__name__})") from None
    for number, doc in enumerate(docs, 1):
        where = f"{name}, doc {number}"
        try:
            yield _record(doc, where)
        except BylineError as error:
            report(str(error))
        except (TypeError, ValueError, KeyError, IndexError):
            report(f"{where}: Byline's data in it is damaged; skipped")


def _record(doc: Any, where: str) -> Annotated:
    data = doc.user_data.get(KEY)
    if isinstance(data, dict):
        meta = data.get("meta") or {}
        article = clean_article(doc.text, where, **{k: meta.get(k, "") for k in _META})
        spans = [Span(0, **_span_fields(row)) for row in data["spans"]]
        return Annotated(
            article,
            str(data.get("annotator") or default_annotator()),
            spans,
            bool(data.get("done")),
            str(data.get("note") or ""),
        )
    article = clean_article(doc.text, where)
    spans = [Span(0, e.label_, e.start_char, e.end_char) for e in doc.ents]
    if not any(group in doc.spans for group, _ in GROUPS.values()) and SPANCAT_KEY in doc.spans:
        # A spancat corpus (e.g. Prodigy's data-to-spacy --spancat): its quotes and claims.
        spans += [
            Span(0, s.label_, s.start_char, s.end_char)
            for s in doc.spans[SPANCAT_KEY]
            if s.label_ in GROUPS
        ]
    for label, (group, attribute) in GROUPS.items():
        if group not in doc.spans:
            continue
        who = doc.spans[group].attrs.get(attribute) or []
        for i, span in enumerate(doc.spans[group]):
            person = who[i] if i < len(who) and isinstance(who[i], dict) else {}
            spans.append(
                Span(
                    0,
                    label,
                    span.start_char,
                    span.end_char,
                    speaker=person.get("name"),
                    speaker_start=person.get("start"),
                    speaker_end=person.get("end"),
                )
            )
    return Annotated(article, default_annotator(), spans)


def _span_fields(row: list[Any]) -> dict[str, Any]:
    """A span stored by `write` (its `Span.fields()`, in order) as keyword arguments."""
    fields = dict(zip(SPAN_FIELDS, row, strict=True))
    fields["note"] = fields["note"] or ""
    return fields

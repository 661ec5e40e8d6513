"""CSV for spreadsheets: one row per span.

Columns: `article_id`, `hash` (the article's identity), `title`, `annotator`, `done`, `label`,
`start`, `end` (character offsets), `text`, `status`, `origin`, `speaker`, `speaker_start`,
`speaker_end` (a quote's speaker and the offsets of its mention), `source`, `source_start`,
`source_end` (a claim's source, likewise), `note`. An article's own note is a row with
an empty label and offsets. The file has no article text: reading it back finds each article
in the library by its hash.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TextIO

from tui.errors import BylineError
from tui.export import Annotated, Report
from tui.store.annotations import CLAIM, STATUSES, Span
from tui.store.library import Library

COLUMNS = (
    "article_id",
    "hash",
    "title",
    "annotator",
    "done",
    "label",
    "start",
    "end",
    "text",
    "status",
    "origin",
    "speaker",
    "speaker_start",
    "speaker_end",
    "source",
    "source_start",
    "source_end",
    "note",
)
#: Columns an older Byline CSV lacks (a claim's source was in `speaker` then).
_NEWER = {"source", "source_start", "source_end"}


def write(records: Iterable[Annotated], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for record in records:
        text = record.article.text
        common = [
            record.article_id,
            record.article.content_hash,
            record.article.title,
            record.annotator,
            int(record.done),
        ]
        if record.note or not record.spans:
            writer.writerow([*common, *[""] * (len(COLUMNS) - len(common) - 1), record.note])
        for s in record.spans:
            who = [s.speaker or "", _blank(s.speaker_start), _blank(s.speaker_end)]
            quote, claim = (["", "", ""], who) if s.kind == "claim" else (who, ["", "", ""])
            writer.writerow(
                [
                    *common,
                    s.label,
                    s.start,
                    s.end,
                    text[s.start : s.end],
                    s.status,
                    s.origin,
                    *quote,
                    *claim,
                    s.note,
                ]
            )
        count += 1
    return count


def read(lines: Iterable[str], name: str, library: Library, report: Report) -> Iterator[Annotated]:
    """Records from CSV rows, grouped by (hash, annotator) in the order they first appear."""
    records: dict[tuple[str, str], Annotated] = {}
    reader = csv.DictReader(lines)
    columns = set(reader.fieldnames or ())
    missing = set(COLUMNS) - {"article_id", "title", "text"} - _NEWER - columns
    role = "source" if columns >= _NEWER else "speaker"
    if missing:
        raise BylineError(f"{name}: not a Byline CSV (no column {', '.join(sorted(missing))})")
    articles: dict[str, int | None] = {}
    with library.reading() as db:
        articles.update(db.execute("SELECT hash, id FROM articles"))
    for row in reader:
        where = f"{name}, line {reader.line_num}"
        try:
            key = (row["hash"], row["annotator"])
            if key not in records:
                if row["hash"] not in articles:
                    raise BylineError(
                        f"{where}: article {row['hash'][:12]} is not in the "
                        "library (import its text first)"
                    )
                article = library.get(articles[row["hash"]] or 0)
                records[key] = Annotated(
                    article, row["annotator"], [], done=row["done"] in ("1", "true", "True")
                )
            record = records[key]
            if not row["label"]:
                record.note = row["note"]
                continue
            if row["status"] not in STATUSES:
                raise BylineError(f"{where}: unknown status '{row['status']}'")
            who = role if row["label"] == CLAIM else "speaker"
            record.spans.append(
                Span(
                    0,
                    row["label"],
                    int(row["start"]),
                    int(row["end"]),
                    row["status"],
                    row["origin"],
                    row[who] or None,
                    _int(row[f"{who}_start"]),
                    _int(row[f"{who}_end"]),
                    row["note"],
                )
            )
        except BylineError as error:
            report(str(error))
        except (ValueError, TypeError):
            report(f"{where}: a start or end that is not a number")
    yield from records.values()


def _blank(value: int | None) -> object:
    return "" if value is None else value


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None

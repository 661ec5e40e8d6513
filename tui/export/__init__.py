"""Exporting and importing annotations, one module per format; no Textual here.

`collect` reads what the store holds as `Annotated` records (one per article and annotator);
each format writes them (`write`) and reads them back (`read`); `import_annotated` stores
read records as one undoable action per article and annotator. The formats:

- `jsonl`: Prodigy-compatible tasks, for NER or for span categorization (tui/export/jsonl.py)
- `spacy`: a spaCy DocBin (tui/export/docbin.py)
- `brat`: .txt + .ann standoff files, with brat's configuration (tui/export/brat.py)
- `csv`: one row per span (tui/export/csvfile.py)
- `doccano`: doccano's JSON Lines (tui/export/doccano.py)
- `labelstudio`: Label Studio's JSON tasks (tui/export/labelstudio.py)

Importing JSON tells Prodigy, doccano and Label Studio records apart by their content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tui.errors import BylineError, UsageError
from tui.loaders.base import make_article
from tui.model import Article
from tui.safe_text import is_safe, shown
from tui.store.annotations import ACCEPTED, PENDING, Annotations, Span, check_annotator
from tui.store.library import Library

FORMATS = ("jsonl", "spacy", "brat", "csv", "doccano", "labelstudio")
#: Formats read by the one JSON reader (`tui.export.jsonl.read`), which tells them apart.
JSON_FORMATS = ("jsonl", "doccano", "labelstudio")
#: How a problem with one input record is reported (the others are still read).
Report = Callable[[str], None]


@dataclass(slots=True)
class Annotated:
    """One annotator's annotations of one article, as exported and imported."""

    article: Article
    annotator: str
    spans: list[Span]
    done: bool = False
    note: str = ""
    #: The article's id in the library it was exported from (None when unknown).
    article_id: int | None = None
    #: When the annotator last changed it (ISO 8601, UTC), '' when unknown.
    updated: str = ""


@dataclass(slots=True)
class LeftOut:
    """Counts what `collect` leaves out: sessions on which nothing was decided."""

    undecided: int = 0


def decided(record: Annotated) -> bool:
    """Whether the annotator decided anything on the article: marked it done, wrote a note,
    accepted, rejected or created a span. A session of untouched machine suggestions says
    nothing, and an export never asserts what nobody decided."""
    return (
        record.done or bool(record.note) or any(s.status != PENDING or s.note for s in record.spans)
    )


@dataclass(slots=True)
class ImportResult:
    articles: int = 0
    spans: int = 0
    annotators: set[str] = field(default_factory=set)


def collect(
    library: Library,
    annotator: str | None = None,
    only_accepted: bool = False,
    done: bool = False,
    left_out: LeftOut | None = None,
) -> Iterator[Annotated]:
    """The library's annotations, by article then annotator. `only_accepted`: only spans an
    annotator accepted or created (no rejected or still pending suggestions); `done`: only
    articles the annotator marked done. Annotations of articles no longer in the library
    (removed with 'byline rm') are left out: their text is gone, and so are articles on which
    nothing was decided (counted in `left_out`)."""
    store = Annotations(library)
    with library.reading() as db:
        ids = dict(db.execute("SELECT hash, id FROM articles"))
    for info in store.sessions(annotator=annotator, done=True if done else None):
        article_id = ids.get(info.hash)
        if article_id is None:
            continue
        article = library.get(article_id)
        spans = store.session(article, info.annotator).spans()
        record = Annotated(
            article, info.annotator, spans, info.done, info.note, article_id, info.updated
        )
        if not decided(record):
            if left_out is not None:
                left_out.undecided += 1
            continue
        if only_accepted:
            record.spans = [s for s in spans if s.status == ACCEPTED]
        yield record


def import_annotated(
    library: Library,
    records: Iterable[Annotated],
    annotator: str | None = None,
    report: Report | None = None,
) -> ImportResult:
    """Store records: each article (added to the library when its text is not there) gets
    exactly the record's spans, note and done flag for its annotator (`annotator` overrides
    the record's), as one undoable action. A record that does not fit its text is reported."""
    store = Annotations(library)
    result = ImportResult()
    for record in records:
        name = check_annotator(annotator or record.annotator)
        session = store.session(record.article, name)
        try:
            session.replace_all(record.spans, note=record.note, done=record.done)
        except BylineError as error:
            if report is None:
                raise
            report(f"{record.article.title or record.article.content_hash[:12]}: {error}")
            continue
        result.articles += 1
        result.spans += len(record.spans)
        result.annotators.add(name)
    return result


def clean_article(
    text: object,
    name: str,
    *,
    title: object = "",
    source: object = "",
    url: object = "",
    date: object = "",
    author: object = "",
) -> Article:
    """An imported article: its text must already be clean (sanitising it would move every
    offset after a removed character), its metadata is made safe."""
    if not isinstance(text, str) or not text.strip():
        raise BylineError(f"{shown(name)}: no text")
    if not is_safe(text):
        raise BylineError(
            f"{shown(name)}: the text has control characters or tabs, so its "
            "offsets cannot be kept; not imported"
        )
    article = make_article(
        text, name, title=title, source=source, url=url, date=date, author=author, path=""
    )
    if article.text != text:
        raise BylineError(f"{shown(name)}: the text would change when cleaned; not imported")
    return article


def guess_format(path: str) -> str:
    """The format of an input or output named `path`: by its extension, a directory is brat."""
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson") or path == "-":
        return "jsonl"
    if suffix == ".spacy":
        return "spacy"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in ("", ".ann") and (Path(path).is_dir() or not Path(path).exists()):
        return "brat"
    raise UsageError(f"cannot tell the format of '{shown(path)}' (use --format)")

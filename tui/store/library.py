"""The articles in the library: add (one article per content hash), list, get, remove."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tui.errors import BylineError
from tui.model import Article
from tui.store.db import connect, db_errors, db_path, transaction

#: Articles written per transaction when importing many.
BATCH = 500
_FIELDS = ("title", "source", "url", "date", "author", "path")


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the library listing (the text is not loaded)."""

    id: int
    hash: str
    title: str
    source: str
    date: str
    path: str
    url: str
    author: str
    added: str
    #: Counts from the newest cached analysis; None when the article was never analysed.
    quotes: int | None
    claims: int | None
    entities: int | None

    @property
    def analysed(self) -> bool:
        return self.quotes is not None


@dataclass(slots=True)
class AddResult:
    added: int = 0
    existing: int = 0
    ids: list[int] | None = None


class Library:
    """A library file, open. Safe to share between threads (one connection, one lock)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = db_path(path)
        self._connection = connect(self.path)
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock, db_errors(self.path):
            yield self._connection

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One transaction; on any error nothing of it is written."""
        with self._lock, db_errors(self.path), transaction(self._connection) as connection:
            yield connection

    # Adding.

    def add(
        self,
        articles: Iterable[Article],
        progress: Callable[[int], None] | None = None,
    ) -> AddResult:
        """Add articles; one already there (same text) is not added again, but its empty
        metadata is filled in. Written in batches: an error keeps the batches before it."""
        result = AddResult(ids=[])
        batch: list[Article] = []
        done = 0
        for article in articles:
            batch.append(article)
            if len(batch) >= BATCH:
                self._add_batch(batch, result)
                done += len(batch)
                batch = []
                if progress:
                    progress(done)
        if batch:
            self._add_batch(batch, result)
            if progress:
                progress(done + len(batch))
        return result

    def add_one(self, article: Article) -> int:
        """Add one article; its id (the existing one when the text is already there)."""
        result = AddResult(ids=[])
        self._add_batch([article], result)
        assert result.ids
        return result.ids[0]

    def _add_batch(self, batch: list[Article], result: AddResult) -> None:
        assert result.ids is not None
        with self.writing() as db:
            for article in batch:
                digest = article.content_hash
                cursor = db.execute(
                    "INSERT INTO articles (hash, title, source, url, date, author, path, text) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                    (digest, *(getattr(article, f) for f in _FIELDS), article.text),
                )
                if cursor.rowcount:
                    result.added += 1
                    result.ids.append(cursor.lastrowid or 0)
                    from tui.store.index import index_new_article  # not before the first frame

                    index_new_article(db, cursor.lastrowid or 0, digest)
                    continue
                result.existing += 1
                db.execute(
                    "UPDATE articles SET "
                    + ", ".join(f"{f} = CASE WHEN {f} = '' THEN ? ELSE {f} END" for f in _FIELDS)
                    + " WHERE hash = ?",
                    (*(getattr(article, f) for f in _FIELDS), digest),
                )
                row = db.execute("SELECT id FROM articles WHERE hash = ?", (digest,)).fetchone()
                result.ids.append(row[0])

    # Reading.

    def entries(self) -> list[Entry]:
        """Every article, oldest first, with the counts of its newest cached analysis."""
        return self._entries("1", ())

    def entry(self, article_id: int) -> Entry:
        found = self._entries("a.id = ?", (article_id,))
        if not found:
            raise BylineError(f"no article {article_id} in the library (see 'byline list')")
        return found[0]

    def _entries(self, condition: str, parameters: tuple[object, ...]) -> list[Entry]:
        return list(self.iter_entries(condition, parameters))

    def iter_entries(
        self, condition: str = "1", parameters: tuple[object, ...] = ()
    ) -> Iterator[Entry]:
        """`entries`, a row at a time (`byline list | head` prints a million-article library's
        first lines at once). The counts: a look-up per article in the analyses_newest index."""
        newest = "(SELECT n.{} FROM analyses n WHERE n.hash = a.hash ORDER BY created DESC LIMIT 1)"
        with self.reading() as db:
            rows = db.execute(
                "SELECT a.id, a.hash, a.title, a.source, a.date, a.path, a.url, a.author, "
                f"a.added, {newest.format('quotes')}, {newest.format('claims')}, "
                f"{newest.format('entities')} FROM articles a WHERE {condition} ORDER BY a.id",
                parameters,
            )
            for row in rows:
                yield Entry(*row)

    def last_id(self) -> int:
        with self.reading() as db:
            return db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]

    def __len__(self) -> int:
        with self.reading() as db:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def get(self, article_id: int) -> Article:
        with self.reading() as db:
            row = db.execute(
                "SELECT text, title, source, url, date, author, path FROM articles WHERE id = ?",
                (article_id,),
            ).fetchone()
        if row is None:
            raise BylineError(f"no article {article_id} in the library (see 'byline list')")
        return Article(*row)

    def remove(self, article_id: int) -> Entry:
        """Remove an article and its cached analyses; returns what was removed."""
        entry = self.entry(article_id)
        with self.writing() as db:
            from tui.store.index import forget_article

            forget_article(db, article_id)
            db.execute("DELETE FROM analyses WHERE hash = ?", (entry.hash,))
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return entry

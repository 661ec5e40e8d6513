"""The articles in the library: add (one article per content hash), list, get, remove."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import overload

from tui.errors import BylineError, UsageError
from tui.model import Article
from tui.store.db import connect, db_errors, db_path, transaction

#: Articles written per transaction when importing many.
BATCH = 500
_FIELDS = ("title", "source", "url", "date", "author", "path")

# Full-text search: the `article_text` FTS5 table (tui/store/db.py keeps it up to date).
#: BM25 weights of its columns: title, source, author, text (a word in the title counts most).
_WEIGHTS = "10.0, 2.0, 2.0, 1.0"
#: Words of context in a search hit's snippet.
SNIPPET_WORDS = 14
_MARK_START, _MARK_END = "\x02", "\x03"  # around matched words in a snippet (never in a text)
#: The articles matching an FTS5 query, by the index; and best first (BM25 costs ~15 µs an
#: article: ranking every article of a big library at every key typed would not be quick).
TEXT_MATCHES = "SELECT rowid FROM article_text WHERE article_text MATCH ?"
TEXT_MATCHES_RANKED = f"{TEXT_MATCHES} ORDER BY bm25(article_text, {_WEIGHTS})"
RANKED_MATCHES = 1000
#: `byline search` ranks at most this many articles, the newest that match.
SEARCH_CANDIDATES = 5000
#: A `Listing` reads this many entries at a time, and keeps a few pages.
PAGE = 100
KEPT_PAGES = 4
#: The library screen's filter shows at most this many articles.
FILTER_LIMIT = 1000
#: A query using FTS5's own syntax: "phrases", prefix*, (groups), AND/OR/NOT, NEAR, ^, field:.
_FTS_SYNTAX = re.compile(r'["*()^]|\b(?:AND|OR|NOT|NEAR)\b|\b(?:title|source|author|text)\s*:')
_WORD = re.compile(r"\w")


def fts_query(query: str) -> str:
    """`query` for FTS5 MATCH: as written when it uses FTS5's syntax, else each word as a
    quoted phrase, all of them required (so "al-Assad" or "U.S." are words, not syntax)."""
    if _FTS_SYNTAX.search(query):
        return query
    return " ".join(_phrase(word) for word in query.split())


def prefix_query(query: str) -> str:
    """Every word of `query` (typed into a filter: the last may be unfinished) as a required
    prefix; words with nothing to index ("-", "·") are left out. "" when none is left."""
    return " ".join(_phrase(word) + "*" for word in query.split() if _WORD.search(word))


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _query_error(query: str, error: sqlite3.OperationalError) -> UsageError | None:
    """The one-line error for a query FTS5 refused (None: not the query's fault)."""
    message = str(error)
    if message.startswith("fts5: "):
        message = message[len("fts5: ") :]
    if message.endswith('near ""'):
        message = "it stops in the middle"
    elif message.startswith("no such column: "):
        field = message[len("no such column: ") :]
        message = f"no field '{field}' (fields: title, source, author, text)"
    elif message.startswith("unknown special query"):
        message = "a '*' needs the start of a word before it"
    elif not message.startswith(("syntax error", "unterminated string")):
        return None
    from tui.safe_text import one_line

    return UsageError(
        f"bad search query '{one_line(query)}': {message} (words with "
        'punctuation go in "double quotes")'
    )


def _snippet(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A snippet from FTS5, its matches between the marks: flat text, and the matches' spans."""
    from tui.safe_text import sanitize

    text, matches, start = "", [], 0
    for piece in re.split(f"([{_MARK_START}{_MARK_END}])", marked):
        if piece == _MARK_START:
            start = len(text)
        elif piece == _MARK_END:
            matches.append((start, len(text)))
        else:
            text += re.sub(r"\s+", " ", sanitize(piece))
    stripped = text.lstrip()
    shift = len(text) - len(stripped)
    spans = tuple((max(0, a - shift), max(0, b - shift)) for a, b in matches)
    return stripped.rstrip(), spans


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


def _entries_sql(condition: str, order: str = "a.id") -> str:
    newest = "(SELECT n.{} FROM analyses n WHERE n.hash = a.hash ORDER BY created DESC LIMIT 1)"
    return (
        "SELECT a.id, a.hash, a.title, a.source, a.date, a.path, a.url, a.author, "
        f"a.added, {newest.format('quotes')}, {newest.format('claims')}, "
        f"{newest.format('entities')} FROM articles a WHERE {condition} ORDER BY {order}"
    )


class Listing(Sequence[Entry]):
    """Entries of the library in a fixed order, read a page at a time as they are asked for:
    every article in library order (keyset pages: the ids after the last page's last, or before
    the next page's first; only a jump far away counts ids, in the `articles_order` index), or
    the articles with the given ids, in their order. A few pages are kept."""

    def __init__(self, library: Library, ids: list[int] | None = None, more: bool = False) -> None:
        self.library = library
        self.ids = ids
        #: More articles matched than `ids` holds.
        self.more = more
        if ids is None:
            with library.reading() as db:
                self._length = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        else:
            self._length = len(ids)
        self._pages: dict[int, list[Entry]] = {}

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | Sequence[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        position = index + self._length if index < 0 else index
        if not 0 <= position < self._length:
            raise IndexError(index)
        number, at = divmod(position, PAGE)
        page = self._pages.get(number)
        if page is None:
            page = self._read(number)
        if at >= len(page):  # the library changed under the listing: shorter than it was
            raise IndexError(index)
        return page[at]

    def _read(self, number: int) -> list[Entry]:
        if self.ids is not None:
            ids = self.ids[number * PAGE : (number + 1) * PAGE]
            by_id = {
                e.id: e
                for e in self.library.entry_rows(
                    "a.id IN (SELECT value FROM json_each(?))", (json.dumps(ids),), "a.id"
                )
            }
            page = [by_id[i] for i in ids if i in by_id]
        elif number == 0:
            page = self.library.entry_rows("a.id > 0", (), f"a.id LIMIT {PAGE}")
        elif (before := self._pages.get(number - 1)) and len(before) == PAGE:
            page = self.library.entry_rows("a.id > ?", (before[-1].id,), f"a.id LIMIT {PAGE}")
        elif after := self._pages.get(number + 1):
            page = self.library.entry_rows("a.id < ?", (after[0].id,), f"a.id DESC LIMIT {PAGE}")[
                ::-1
            ]
        else:  # a jump: the page's first id, counted off the ids alone
            with self.library.reading() as db:
                row = db.execute(
                    "SELECT id FROM articles INDEXED BY articles_order ORDER BY id "
                    "LIMIT 1 OFFSET ?",
                    (number * PAGE,),
                ).fetchone()
            first = row[0] if row else 1 << 62
            page = self.library.entry_rows("a.id >= ?", (first,), f"a.id LIMIT {PAGE}")
        if len(self._pages) >= KEPT_PAGES:
            farthest = max(self._pages, key=lambda kept: abs(kept - number))
            del self._pages[farthest]
        self._pages[number] = page
        return page


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An article whose text (or title, source, author) matches a search."""

    entry: Entry
    #: A few words of the text around the best match, on one line.
    snippet: str
    #: Where the matched words are in `snippet` (start, end).
    matches: tuple[tuple[int, int], ...]
    #: How well it matches (BM25, higher is better).
    score: float


@dataclass(slots=True)
class AddResult:
    added: int = 0
    existing: int = 0
    ids: list[int] | None = None


class Library:
    """A library file, open. Safe to share between threads (one connection, one lock)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, create: bool = True) -> None:
        """`create=False` (commands that only read): a library that does not exist reads as an
        empty one, and neither it nor its folder is created."""
        self.path = db_path(path)
        self._connection = connect(self.path, create=create)
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
        with self.reading() as db:
            for row in db.execute(_entries_sql(condition), parameters):
                yield Entry(*row)

    def entry_rows(self, condition: str, parameters: tuple[object, ...], order: str) -> list[Entry]:
        """The entries where `condition` holds, in `order` (SQL after ORDER BY, with its LIMIT):
        what a `Listing` reads, a page at a time."""
        with self.reading() as db:
            return [Entry(*row) for row in db.execute(_entries_sql(condition, order), parameters)]

    def listing(self) -> Listing:
        """Every article, oldest first, read a page at a time (the library screen)."""
        return Listing(self)

    def filtered_listing(self, query: str, text: bool = True) -> Listing:
        """The articles with every word of `query` in their metadata (title, source, date,
        author, path: anywhere in a word), in library order; then, with `text`, those whose
        text has them too (`text_matches`). At most `FILTER_LIMIT` of them."""
        ids = self.metadata_matches(query, FILTER_LIMIT + 1)  # one more: are there more?
        if text and len(ids) <= FILTER_LIMIT:
            seen = set(ids)
            for article_id in self.text_matches(query, limit=FILTER_LIMIT + len(ids)):
                if article_id not in seen:
                    seen.add(article_id)
                    ids.append(article_id)
        return Listing(self, ids[:FILTER_LIMIT], more=len(ids) > FILTER_LIMIT)

    def metadata_matches(self, query: str, limit: int) -> list[int]:
        """The ids (at most `limit`, library order) of the articles whose title, source, date,
        author or path holds every word of `query` (case-insensitive, anywhere in a word). By
        the `article_meta` trigram index when a word has three characters or more; words
        shorter than that are checked on the rows it finds (alone, they scan the metadata until
        `limit` rows match)."""
        words = query.lower().split()
        if not words:
            return []
        long = [w for w in words if len(w) >= 3]
        short = [w for w in words if len(w) < 3]
        ids: list[int] = []
        after = 0
        with self.reading() as db:
            while len(ids) < limit:
                if long:
                    rows = db.execute(
                        "SELECT rowid, title, source, date, author, path FROM article_meta "
                        "WHERE article_meta MATCH ? AND rowid > ? ORDER BY rowid LIMIT ?",
                        (" AND ".join(_phrase(w) for w in long), after, limit),
                    ).fetchall()
                else:
                    rows = db.execute(
                        "SELECT id, title, source, date, author, path FROM articles "
                        "WHERE id > ? ORDER BY id LIMIT ?",
                        (after, limit),
                    ).fetchall()
                for article_id, *fields in rows:
                    found = " ".join(fields).lower()
                    if all(word in found for word in words):
                        ids.append(article_id)
                if not rows or (len(rows) < limit and long) or not short:
                    break
                after = rows[-1][0]
        return ids[:limit]

    def last_id(self) -> int:
        with self.reading() as db:
            return db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]

    # Searching the text (FTS5).

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """The articles matching `query` (words, all required, or FTS5's query syntax), best
        first, with a snippet of the text. A query FTS5 refuses is a `UsageError`.

        Past `SEARCH_CANDIDATES` matches, the newest that many are ranked, by BM25 over the
        index of the newest articles (`search_window`, 50,000) when they are all there; when
        they reach further back and the newest articles hold a page of matches, those."""
        match = fts_query(query)
        if not match.strip():
            raise UsageError("the search query is empty")
        with self.reading() as db:
            try:
                # A word in every article of a million: rank the newest `SEARCH_CANDIDATES` of
                # its articles, not all (BM25 costs ~15 µs an article); fewer are all ranked.
                newest = db.execute(
                    f"{TEXT_MATCHES} ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                    (match, SEARCH_CANDIDATES - 1),
                ).fetchone()
                # bm25() counts every article holding each word (its IDF), ~40 ms a common word
                # at a million. With that many matches, rank in the index of the newest
                # articles, its IDF theirs: the candidates there, or, when they reach further
                # back, the matches there if they fill the page.
                window = db.execute("SELECT min(id) FROM search_window_ids").fetchone()[0]
                lowest = newest[0] if newest else 0
                ranked = None
                if newest is not None and window is not None:
                    ranked = self._ranked(db, "article_recent", match, max(lowest, window), limit)
                    if lowest < window and len(ranked) < limit:
                        ranked = None  # not a page there: the candidates, in the whole index
                if ranked is None:
                    ranked = self._ranked(db, "article_text", match, lowest, limit)
                # The snippets of those shown only (each reads and tokenises a text).
                snippets = dict(
                    db.execute(
                        f"SELECT rowid, snippet(article_text, 3, char(2), char(3), '…', "
                        f"{SNIPPET_WORDS}) FROM article_text WHERE article_text MATCH ? "
                        "AND rowid IN (SELECT value FROM json_each(?))",
                        (match, json.dumps([row[0] for row in ranked])),
                    ).fetchall()
                )
            except sqlite3.OperationalError as error:
                raise _query_error(query, error) or error from None
        rows = [(article_id, score, snippets[article_id]) for article_id, score in ranked]
        entries = {
            e.id: e
            for e in self._entries(
                "a.id IN (SELECT value FROM json_each(?))", (json.dumps([row[0] for row in rows]),)
            )
        }
        hits = []
        for article_id, score, marked in rows:
            if article_id in entries:
                snippet, matches = _snippet(marked)
                hits.append(SearchHit(entries[article_id], snippet, matches, -score))
        return hits

    @staticmethod
    def _ranked(
        db: sqlite3.Connection, table: str, match: str, lowest: int, limit: int
    ) -> list[tuple[int, float]]:
        """The best `limit` (id, bm25) of the articles from id `lowest` on that `match`."""
        return db.execute(
            f"SELECT rowid, bm25({table}, {_WEIGHTS}) FROM {table} "
            f"WHERE {table} MATCH ? AND rowid >= ? ORDER BY 2 LIMIT ?",
            (match, lowest, limit),
        ).fetchall()

    def text_matches(self, query: str, limit: int | None = None) -> list[int]:
        """The ids of the articles whose title, source, author or text hold every word of
        `query` (the beginning of a word: it is being typed), best first (in library order
        when more than `RANKED_MATCHES` match); the first `limit` of them. By the FTS5 index:
        nothing is scanned. A query with nothing to look for matches nothing."""
        match = prefix_query(query)
        if not match:
            return []
        # Enough to know whether they are few enough to rank (and no more: a common word is in
        # every article of a million).
        read = -1 if limit is None else max(limit, RANKED_MATCHES + 1)
        with self.reading() as db:
            try:
                ids = [row[0] for row in db.execute(f"{TEXT_MATCHES} LIMIT ?", (match, read))]
                if 1 < len(ids) <= RANKED_MATCHES:
                    ids = [row[0] for row in db.execute(TEXT_MATCHES_RANKED, (match,))]
            except sqlite3.OperationalError as error:
                if _query_error(query, error) is None:
                    raise
                return []
        return ids if limit is None else ids[:limit]

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

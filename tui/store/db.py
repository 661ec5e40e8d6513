"""The SQLite database: where it lives, opening it (WAL), migrations, and errors as one line.

A file that is not a Byline library, or is damaged, is reported and never written to.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tui.errors import BylineError
from tui.safe_text import shown

DB_ENV = "BYLINE_DB"
SQLITE_HEADER = b"SQLite format 3\x00"

#: Migration `i` takes the schema from version `i` to `i + 1` (`PRAGMA user_version`).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        id      INTEGER PRIMARY KEY,
        hash    TEXT NOT NULL UNIQUE,       -- Article.content_hash: the article's identity
        title   TEXT NOT NULL DEFAULT '',
        source  TEXT NOT NULL DEFAULT '',
        url     TEXT NOT NULL DEFAULT '',
        date    TEXT NOT NULL DEFAULT '',
        author  TEXT NOT NULL DEFAULT '',
        path    TEXT NOT NULL DEFAULT '',
        text    TEXT NOT NULL,
        added   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE TABLE analyses (
        hash     TEXT NOT NULL,             -- the article analysed
        model    TEXT NOT NULL,             -- tui.nlp.pipeline.model_id
        version  INTEGER NOT NULL,          -- tui.nlp.analyze.ANALYSIS_VERSION
        data     TEXT NOT NULL,             -- Analysis.to_json()
        entities INTEGER NOT NULL,
        quotes   INTEGER NOT NULL,
        claims   INTEGER NOT NULL,
        created  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        PRIMARY KEY (hash, model, version)
    );
    """,
    # The entity index (tui/store/index/): each article's names, from its newest analysis (and
    # later its annotations), grouped into canonical entities across the library.
    """
    CREATE TABLE entities (
        id       INTEGER PRIMARY KEY,
        name     TEXT NOT NULL,             -- as first written
        norm     TEXT NOT NULL,             -- tui.store.index.name_key: the name compared
        label    TEXT NOT NULL,
        last     TEXT NOT NULL,             -- the last word of norm: where look-alikes are found
        root     INTEGER,                   -- the canonical entity it is merged into (NULL: itself)
        manual   INTEGER NOT NULL DEFAULT 0, -- merged by hand, not by the indexer
        mentions INTEGER NOT NULL DEFAULT 0, -- its mentions in the library
        UNIQUE (norm, label)
    );
    CREATE INDEX entities_last ON entities (last, label);
    CREATE INDEX entities_root ON entities (root);
    CREATE TABLE entities_apart (           -- split by hand: never merged again by the indexer
        a INTEGER NOT NULL,
        b INTEGER NOT NULL,
        PRIMARY KEY (a, b)
    ) WITHOUT ROWID;
    CREATE TABLE mentions (
        article INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        origin  TEXT NOT NULL,              -- 'analysis' (later 'annotation')
        entity  INTEGER NOT NULL,
        start   INTEGER NOT NULL,           -- character offsets into articles.text
        end     INTEGER NOT NULL
    );
    CREATE INDEX mentions_entity ON mentions (entity, article, start);
    CREATE INDEX mentions_article ON mentions (article, origin);
    CREATE TABLE aliases (                  -- how each name was written, as name_keys
        alias  TEXT NOT NULL,
        entity INTEGER NOT NULL,
        PRIMARY KEY (alias, entity)
    ) WITHOUT ROWID;
    CREATE TABLE article_entities (         -- per article and origin: each entity's mentions
        article  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        origin   TEXT NOT NULL,
        entity   INTEGER NOT NULL,
        mentions INTEGER NOT NULL,
        PRIMARY KEY (article, origin, entity)
    ) WITHOUT ROWID;
    CREATE INDEX article_entities_entity ON article_entities (entity, article, mentions);
    CREATE TABLE statements (               -- quotes an entity spoke, claims it is the source of
        article INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        origin  TEXT NOT NULL,
        entity  INTEGER NOT NULL,
        kind    TEXT NOT NULL,              -- 'quote' or 'claim'
        start   INTEGER NOT NULL,
        end     INTEGER NOT NULL,
        text    TEXT NOT NULL,
        cue     TEXT
    );
    CREATE INDEX statements_entity ON statements (entity, kind, article);
    CREATE INDEX statements_article ON statements (article, origin);
    CREATE VIRTUAL TABLE entity_names USING fts5 (  -- rowid: entities.id
        name, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
    );
    CREATE TABLE index_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    -- A library with analyses from before the index is indexed in full when first looked up.
    INSERT INTO index_state VALUES ('built', (SELECT count(*) = 0 FROM analyses));
    """,
    # Annotation sessions (tui/store/annotations/): per (article, annotator) an append-only
    # log of actions, and the state they lead to, kept up to date in the same transaction.
    """
    CREATE TABLE annotation_log (
        article   TEXT NOT NULL,            -- articles.hash: annotations outlive 'byline rm'
        annotator TEXT NOT NULL,
        seq       INTEGER NOT NULL,         -- 1, 2, 3 ... per (article, annotator), no gaps
        kind      TEXT NOT NULL,            -- suggest, accept, create, ..., undo, redo
        data      TEXT NOT NULL,            -- JSON: each change before and after, or the target
        time      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        PRIMARY KEY (article, annotator, seq)
    ) WITHOUT ROWID;
    CREATE TABLE annotation_sessions (      -- derived from the log: where it has got to
        article   TEXT NOT NULL,
        annotator TEXT NOT NULL,
        seq       INTEGER NOT NULL,         -- the last action
        next_id   INTEGER NOT NULL,         -- span ids are never reused
        suggested INTEGER NOT NULL DEFAULT 0,
        done      INTEGER NOT NULL DEFAULT 0,
        note      TEXT NOT NULL DEFAULT '',
        updated   TEXT NOT NULL,
        PRIMARY KEY (article, annotator)
    ) WITHOUT ROWID;
    CREATE INDEX annotation_sessions_annotator ON annotation_sessions (annotator, done);
    CREATE TABLE annotation_spans (         -- derived from the log: the current spans
        article       TEXT NOT NULL,
        annotator     TEXT NOT NULL,
        id            INTEGER NOT NULL,
        label         TEXT NOT NULL,
        start         INTEGER NOT NULL,     -- character offsets into articles.text
        end           INTEGER NOT NULL,
        status        TEXT NOT NULL,        -- pending, accepted, rejected
        origin        TEXT NOT NULL,        -- machine (a suggestion) or annotator
        speaker       TEXT,                 -- a quote's speaker, a claim's source
        speaker_start INTEGER,
        speaker_end   INTEGER,
        note          TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (article, annotator, id)
    ) WITHOUT ROWID;
    CREATE TABLE annotation_stack (         -- derived from the log: what undo and redo do next
        article   TEXT NOT NULL,
        annotator TEXT NOT NULL,
        stack     TEXT NOT NULL,            -- undo or redo
        depth     INTEGER NOT NULL,
        seq       INTEGER NOT NULL,
        PRIMARY KEY (article, annotator, stack, depth)
    ) WITHOUT ROWID;
    """,
    # The entity index takes a done article from its annotations (tui/store/index/): from the
    # annotator who marked it done last, so the order of the done marks is kept. Done sessions
    # from before are ordered by their last action, and the index is rebuilt on first lookup.
    """
    ALTER TABLE annotation_sessions ADD COLUMN done_seq INTEGER;  -- NULL when not done
    UPDATE annotation_sessions SET done_seq = (
        SELECT count(*) FROM annotation_sessions o WHERE o.article = annotation_sessions.article
        AND o.done AND (o.updated, o.annotator) <= (annotation_sessions.updated,
                                                    annotation_sessions.annotator)
    ) WHERE done;
    UPDATE index_state SET value = 0 WHERE key = 'built'
        AND EXISTS (SELECT 1 FROM annotation_sessions WHERE done);
    """,
    # Full-text search of the articles (tui/store/library.py: the library screen's filter and
    # `byline search`): an FTS5 index over the articles table itself (external content, so the
    # text is not stored twice), kept by triggers on every insert, delete and change of an
    # indexed field. An existing library is indexed once, here (and again, harmlessly, should
    # the migration ever run twice).
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS article_text USING fts5 (
        title, source, author, text, content = 'articles', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
    );
    CREATE TRIGGER IF NOT EXISTS article_text_insert AFTER INSERT ON articles BEGIN
        INSERT INTO article_text (rowid, title, source, author, text)
        VALUES (new.id, new.title, new.source, new.author, new.text);
    END;
    CREATE TRIGGER IF NOT EXISTS article_text_delete AFTER DELETE ON articles BEGIN
        INSERT INTO article_text (article_text, rowid, title, source, author, text)
        VALUES ('delete', old.id, old.title, old.source, old.author, old.text);
    END;
    -- Only when an indexed field really changes: importing a known article again fills in its
    -- empty metadata with an UPDATE of every field, which must not re-index its text.
    CREATE TRIGGER IF NOT EXISTS article_text_update
    AFTER UPDATE OF title, source, author, text ON articles
    WHEN old.title IS NOT new.title OR old.source IS NOT new.source
        OR old.author IS NOT new.author OR old.text IS NOT new.text BEGIN
        INSERT INTO article_text (article_text, rowid, title, source, author, text)
        VALUES ('delete', old.id, old.title, old.source, old.author, old.text);
        INSERT INTO article_text (rowid, title, source, author, text)
        VALUES (new.id, new.title, new.source, new.author, new.text);
    END;
    INSERT INTO article_text (article_text) VALUES ('rebuild');
    """,
    # The listing's counts from each article's newest analysis, read from this index alone: the
    # counts sit after the analysis JSON in the row, so reading them from the table reads it too.
    """
    CREATE INDEX IF NOT EXISTS analyses_newest
        ON analyses (hash, created, entities, quotes, claims);
    -- An entity's articles, most mentions first: its first rows without sorting all of them.
    CREATE INDEX IF NOT EXISTS article_entities_ranked
        ON article_entities (entity, mentions DESC, article);
    """,
    # The library screen at a million articles (tui/store/library.py `Listing`): it reads the
    # rows in view, a page at a time. `articles_order` holds only the ids: counting the articles
    # and finding the n-th (a jump of the scrollbar) read it, not the table with the texts.
    # `article_meta` finds the articles whose metadata holds a string anywhere in a word (the
    # filter's "etabl", "2024-06"): FTS5 trigrams over the articles table itself, kept by
    # triggers as `article_text` is.
    """
    CREATE INDEX IF NOT EXISTS articles_order ON articles (id);
    CREATE VIRTUAL TABLE IF NOT EXISTS article_meta USING fts5 (
        title, source, date, author, path, content = 'articles', content_rowid = 'id',
        tokenize = 'trigram'
    );
    CREATE TRIGGER IF NOT EXISTS article_meta_insert AFTER INSERT ON articles BEGIN
        INSERT INTO article_meta (rowid, title, source, date, author, path)
        VALUES (new.id, new.title, new.source, new.date, new.author, new.path);
    END;
    CREATE TRIGGER IF NOT EXISTS article_meta_delete AFTER DELETE ON articles BEGIN
        INSERT INTO article_meta (article_meta, rowid, title, source, date, author, path)
        VALUES ('delete', old.id, old.title, old.source, old.date, old.author, old.path);
    END;
    CREATE TRIGGER IF NOT EXISTS article_meta_update
    AFTER UPDATE OF title, source, date, author, path ON articles
    WHEN old.title IS NOT new.title OR old.source IS NOT new.source OR old.date IS NOT new.date
        OR old.author IS NOT new.author OR old.path IS NOT new.path BEGIN
        INSERT INTO article_meta (article_meta, rowid, title, source, date, author, path)
        VALUES ('delete', old.id, old.title, old.source, old.date, old.author, old.path);
        INSERT INTO article_meta (rowid, title, source, date, author, path)
        VALUES (new.id, new.title, new.source, new.date, new.author, new.path);
    END;
    INSERT INTO article_meta (article_meta) VALUES ('rebuild');
    """,
    # An entity's articles at a million articles (tui/store/index/queries.py `ranked_articles`):
    # per canonical entity (root) and article, its mentions summed over all its names, and
    # whether it is there at all (a quote or claim without a mention: 0 mentions); and per
    # root how many articles. A lookup reads its first rows off `root_article_entities_ranked`
    # and the count off `root_article_counts`, never all of an entity's articles. Kept by
    # triggers on every row the index writes or deletes (an article removed: by the cascade)
    # and on every change of a name's root (a merge or a split moves the name's rows).
    # `refs`: the rows of article_entities and statements behind a row; at 0 it goes. An
    # existing index is summed up once, here.
    """
    CREATE TABLE IF NOT EXISTS root_article_entities (
        root     INTEGER NOT NULL,          -- coalesce(entities.root, entities.id)
        article  INTEGER NOT NULL,
        mentions INTEGER NOT NULL,          -- summed over the root's names; 0: only said there
        refs     INTEGER NOT NULL,
        PRIMARY KEY (root, article)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS root_article_entities_ranked
        ON root_article_entities (root, mentions DESC, article);
    -- An article's canonical entities (a lookup's co-occurring entities, over 1,000 articles).
    CREATE INDEX IF NOT EXISTS root_article_entities_article
        ON root_article_entities (article, mentions, root);
    CREATE TABLE IF NOT EXISTS root_article_counts (
        root     INTEGER PRIMARY KEY,
        articles INTEGER NOT NULL           -- its rows in root_article_entities
    );
    CREATE TRIGGER IF NOT EXISTS root_article_counts_insert AFTER INSERT ON root_article_entities
    BEGIN
        INSERT INTO root_article_counts (root, articles) VALUES (new.root, 1)
        ON CONFLICT (root) DO UPDATE SET articles = articles + 1;
    END;
    CREATE TRIGGER IF NOT EXISTS root_article_counts_delete AFTER DELETE ON root_article_entities
    BEGIN
        UPDATE root_article_counts SET articles = articles - 1 WHERE root = old.root;
    END;
    CREATE TRIGGER IF NOT EXISTS root_article_entities_mentioned AFTER INSERT ON article_entities
    BEGIN
        INSERT INTO root_article_entities (root, article, mentions, refs)
        SELECT coalesce(root, id), new.article, new.mentions, 1 FROM entities
        WHERE id = new.entity
        ON CONFLICT (root, article) DO UPDATE
        SET mentions = mentions + excluded.mentions, refs = refs + 1;
    END;
    CREATE TRIGGER IF NOT EXISTS root_article_entities_unmentioned AFTER DELETE ON article_entities
    BEGIN
        UPDATE root_article_entities SET mentions = mentions - old.mentions, refs = refs - 1
        WHERE root = (SELECT coalesce(root, id) FROM entities WHERE id = old.entity)
        AND article = old.article;
        DELETE FROM root_article_entities
        WHERE root = (SELECT coalesce(root, id) FROM entities WHERE id = old.entity)
        AND article = old.article AND refs <= 0;
    END;
    CREATE TRIGGER IF NOT EXISTS root_article_entities_said AFTER INSERT ON statements BEGIN
        INSERT INTO root_article_entities (root, article, mentions, refs)
        SELECT coalesce(root, id), new.article, 0, 1 FROM entities WHERE id = new.entity
        ON CONFLICT (root, article) DO UPDATE SET refs = refs + 1;
    END;
    CREATE TRIGGER IF NOT EXISTS root_article_entities_unsaid AFTER DELETE ON statements BEGIN
        UPDATE root_article_entities SET refs = refs - 1
        WHERE root = (SELECT coalesce(root, id) FROM entities WHERE id = old.entity)
        AND article = old.article;
        DELETE FROM root_article_entities
        WHERE root = (SELECT coalesce(root, id) FROM entities WHERE id = old.entity)
        AND article = old.article AND refs <= 0;
    END;
    CREATE TRIGGER IF NOT EXISTS root_article_entities_rooted AFTER UPDATE OF root ON entities
    WHEN coalesce(old.root, old.id) IS NOT coalesce(new.root, new.id) BEGIN
        INSERT INTO root_article_entities (root, article, mentions, refs)
        SELECT coalesce(new.root, new.id), article, sum(mentions), count(*) FROM (
            SELECT article, mentions FROM article_entities WHERE entity = new.id
            UNION ALL SELECT article, 0 FROM statements WHERE entity = new.id
        ) WHERE true GROUP BY article
        ON CONFLICT (root, article) DO UPDATE
        SET mentions = mentions + excluded.mentions, refs = refs + excluded.refs;
        UPDATE root_article_entities SET
            mentions = mentions - coalesce((SELECT sum(mentions) FROM article_entities a
                WHERE a.entity = new.id AND a.article = root_article_entities.article), 0),
            refs = refs - (SELECT count(*) FROM article_entities a
                WHERE a.entity = new.id AND a.article = root_article_entities.article)
                - (SELECT count(*) FROM statements s
                WHERE s.entity = new.id AND s.article = root_article_entities.article)
        WHERE root = coalesce(old.root, old.id) AND article IN (
            SELECT article FROM article_entities WHERE entity = new.id
            UNION SELECT article FROM statements WHERE entity = new.id);
        DELETE FROM root_article_entities WHERE root = coalesce(old.root, old.id) AND refs <= 0
        AND article IN (
            SELECT article FROM article_entities WHERE entity = new.id
            UNION SELECT article FROM statements WHERE entity = new.id);
    END;
    DELETE FROM root_article_entities;
    DELETE FROM root_article_counts;
    INSERT INTO root_article_entities (root, article, mentions, refs)
    SELECT coalesce(e.root, e.id), x.article, sum(x.mentions), count(*) FROM (
        SELECT article, entity, mentions FROM article_entities
        UNION ALL SELECT article, entity, 0 FROM statements
    ) x JOIN entities e ON e.id = x.entity GROUP BY 1, 2;
    """,
    # `byline search` at a million articles (tui/store/library.py `search`): FTS5's bm25()
    # counts, for each word's IDF, every article holding it (~40 ms a common word at a million,
    # whatever the rows ranked). `article_recent` indexes the newest `search_window` articles
    # (the ids past the highest id added minus that many; `search_window_ids` lists them): a
    # query whose newest candidates are all there is ranked in it, its IDF counted over them.
    # Kept by triggers like `article_text`; filled with the newest articles once, here.
    """
    CREATE TABLE IF NOT EXISTS search_window (articles INTEGER NOT NULL);
    INSERT INTO search_window (articles)
    SELECT 50000 WHERE NOT EXISTS (SELECT 1 FROM search_window);
    CREATE TABLE IF NOT EXISTS search_window_ids (id INTEGER PRIMARY KEY);
    CREATE VIRTUAL TABLE IF NOT EXISTS article_recent USING fts5 (
        title, source, author, text, content = 'articles', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER IF NOT EXISTS article_recent_insert AFTER INSERT ON articles BEGIN
        INSERT INTO article_recent (rowid, title, source, author, text)
        VALUES (new.id, new.title, new.source, new.author, new.text);
        INSERT INTO search_window_ids (id) VALUES (new.id);
        INSERT INTO article_recent (article_recent, rowid, title, source, author, text)
        SELECT 'delete', a.id, a.title, a.source, a.author, a.text FROM articles a
        WHERE a.id IN (SELECT id FROM search_window_ids
                       WHERE id <= new.id - (SELECT articles FROM search_window));
        DELETE FROM search_window_ids WHERE id <= new.id - (SELECT articles FROM search_window);
    END;
    CREATE TRIGGER IF NOT EXISTS article_recent_delete AFTER DELETE ON articles
    WHEN EXISTS (SELECT 1 FROM search_window_ids WHERE id = old.id) BEGIN
        INSERT INTO article_recent (article_recent, rowid, title, source, author, text)
        VALUES ('delete', old.id, old.title, old.source, old.author, old.text);
        DELETE FROM search_window_ids WHERE id = old.id;
    END;
    CREATE TRIGGER IF NOT EXISTS article_recent_update
    AFTER UPDATE OF title, source, author, text ON articles
    WHEN (old.title IS NOT new.title OR old.source IS NOT new.source
        OR old.author IS NOT new.author OR old.text IS NOT new.text)
        AND EXISTS (SELECT 1 FROM search_window_ids WHERE id = old.id) BEGIN
        INSERT INTO article_recent (article_recent, rowid, title, source, author, text)
        VALUES ('delete', old.id, old.title, old.source, old.author, old.text);
        INSERT INTO article_recent (rowid, title, source, author, text)
        VALUES (new.id, new.title, new.source, new.author, new.text);
    END;
    DELETE FROM search_window_ids;
    INSERT INTO article_recent (article_recent) VALUES ('delete-all');
    INSERT INTO search_window_ids (id)
    SELECT id FROM articles ORDER BY id DESC LIMIT (SELECT articles FROM search_window);
    INSERT INTO article_recent (rowid, title, source, author, text)
    SELECT a.id, a.title, a.source, a.author, a.text FROM search_window_ids w
    JOIN articles a ON a.id = w.id;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def db_path(option: str | os.PathLike[str] | None = None) -> Path:
    """The library file: `--db PATH`, else $BYLINE_DB, else one in the user data directory."""
    if option:
        return Path(option)
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    import platformdirs

    return platformdirs.user_data_path("byline", appauthor=False) / "library.sqlite3"


def describe(error: sqlite3.Error, path: Path) -> str:
    """One line for a database error, naming the file."""
    name = getattr(error, "sqlite_errorname", "")
    where = f"library '{shown(str(path))}'"
    if name.startswith("SQLITE_READONLY") or "readonly" in str(error):
        return f"cannot write to {where}: it is read-only"
    if name.startswith("SQLITE_FULL") or "disk is full" in str(error):
        return f"cannot write to {where}: the disk is full (what was saved before is kept)"
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return f"{where} is damaged or not a Byline library; it was left untouched (see --db)"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"{where} is busy (another byline is writing to it); try again"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"cannot open {where}: the file or its directory is not accessible"
    return f"{where}: {error}"


@contextmanager
def db_errors(path: Path) -> Iterator[None]:
    """Turn SQLite (and file system) errors into a one-line `BylineError`."""
    try:
        yield
    except sqlite3.Error as error:
        raise BylineError(describe(error, path)) from None
    except OSError as error:
        where = shown(str(error.filename or path))
        raise BylineError(f"cannot open library '{where}': {error.strerror or error}") from None


def _check_header(path: Path) -> None:
    """Refuse an existing file that is not SQLite, before SQLite can touch it."""
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    if header and header != SQLITE_HEADER:  # an empty file is a new library; anything else not
        where = shown(str(path))
        raise BylineError(
            f"library '{where}' is damaged or not a Byline library; it was left untouched "
            "(see --db)"
        )


def connect(path: Path, create: bool = True) -> sqlite3.Connection:
    """Open (creating it if needed) the library at `path`, migrated to the current schema.

    A library the user may not write is opened read-only: listing works, writing is a
    one-line error. `create=False`: a missing library is an empty one in memory, nothing on
    disk is created (reading commands never create)."""
    with db_errors(path):
        if not create and not path.exists():
            return _connect_empty(path)
        _check_header(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            path, timeout=10, isolation_level=None, check_same_thread=False
        )
        try:
            _prepare(connection, path)
        except sqlite3.OperationalError as error:
            connection.close()
            if not getattr(error, "sqlite_errorname", "").startswith("SQLITE_READONLY"):
                raise
            return _connect_read_only(path)
        except BaseException:
            connection.close()
            raise
    return connection


def _connect_empty(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        migrate(connection, 0)
    except BaseException:
        connection.close()
        raise
    return connection


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Open a library whose file or directory is not writable. SQLite cannot even read a WAL
    database there without `immutable` (it could not create the -shm file)."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    connection = sqlite3.connect(
        uri, uri=True, timeout=10, isolation_level=None, check_same_thread=False
    )
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise BylineError(
                f"cannot write to library '{shown(str(path))}': it is read-only "
                f"(and at schema {version}, not {SCHEMA_VERSION})"
            )
    except BaseException:
        connection.close()
        raise
    return connection


def _prepare(connection: sqlite3.Connection, path: Path) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise BylineError(
            f"library '{shown(str(path))}' was written by a newer Byline (schema {version}, "
            f"this one knows {SCHEMA_VERSION}); it was left untouched"
        )
    if version == 0 and _has_foreign_tables(connection):
        raise BylineError(
            f"library '{shown(str(path))}' is an SQLite file but not a Byline library; "
            "it was left untouched (see --db)"
        )
    # Setting WAL writes to the file: only when it is not WAL yet (a read-only library opens).
    if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    migrate(connection, version)


def _has_foreign_tables(connection: sqlite3.Connection) -> bool:
    return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


def statements(script: str) -> Iterator[str]:
    """The SQL statements of `script`, one at a time (a trigger's body holds semicolons)."""
    statement = ""
    for piece in script.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                yield statement
            statement = ""
    if statement.strip(" \n;"):
        yield statement


def migrate(connection: sqlite3.Connection, version: int) -> None:
    """Apply the migrations after `version`, each with its version bump in one transaction."""
    for number in range(version, SCHEMA_VERSION):
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements(MIGRATIONS[number]):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number + 1}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN ... COMMIT, or ROLLBACK when anything fails."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")

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
from tui.loaders.base import shown

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


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating it if needed) the library at `path`, migrated to the current schema.

    A library the user may not write is opened read-only: listing works, writing is a
    one-line error."""
    with db_errors(path):
        _check_header(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=10, isolation_level=None,
                                     check_same_thread=False)  # fmt: skip
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


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Open a library whose file or directory is not writable. SQLite cannot even read a WAL
    database there without `immutable` (it could not create the -shm file)."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None,
                                 check_same_thread=False)  # fmt: skip
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise BylineError(f"cannot write to library '{shown(str(path))}': it is read-only "
                              f"(and at schema {version}, not {SCHEMA_VERSION})")  # fmt: skip
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


def migrate(connection: sqlite3.Connection, version: int) -> None:
    """Apply the migrations after `version`, each with its version bump in one transaction."""
    for number in range(version, SCHEMA_VERSION):
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
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

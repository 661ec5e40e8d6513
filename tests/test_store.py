"""The library store: real SQLite files, deduplication, cached analyses, damaged databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tui.analysis import cached_analysis, installed_model_id
from tui.errors import BylineError
from tui.model import Analysis, Article
from tui.nlp.analyze import ANALYSIS_VERSION, analyze_text
from tui.nlp.pipeline import DEFAULT_MODEL, model_id
from tui.store import Library, get_analysis, put_analysis
from tui.store.db import SCHEMA_VERSION, db_path

ARTICLE = Article(text="Ferries stop at noon, the operator said.", title="Ferries", path="a.txt")


@pytest.fixture
def library(tmp_path: Path) -> Library:
    with Library(tmp_path / "lib.sqlite3") as opened:
        yield opened


def test_new_library_is_wal_and_at_the_current_schema(library: Library) -> None:
    with library.reading() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_db_path_option_then_env_then_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BYLINE_DB", "/env/lib.db")
    assert db_path("/opt/lib.db") == Path("/opt/lib.db")
    assert db_path() == Path("/env/lib.db")
    monkeypatch.delenv("BYLINE_DB")
    assert db_path().name == "library.sqlite3" and "byline" in str(db_path())


def test_same_text_twice_is_one_article(library: Library) -> None:
    first = library.add([ARTICLE])
    again = library.add(
        [Article(text=ARTICLE.text, title="Other title", source="Wire", path="copy.txt")]
    )
    assert (first.added, first.existing, again.added, again.existing) == (1, 0, 0, 1)
    assert first.ids == again.ids
    (entry,) = library.entries()
    assert entry.title == "Ferries"  # kept
    assert entry.source == "Wire"  # an empty field is filled in
    assert library.get(entry.id) == Article(
        text=ARTICLE.text, title="Ferries", source="Wire", path="a.txt"
    )


def test_entries_counts_from_the_cached_analysis(library: Library) -> None:
    (article_id,) = library.add([ARTICLE]).ids or []
    assert not library.entry(article_id).analysed
    analysis = Analysis(quotes=[], claims=[])
    put_analysis(library, ARTICLE.content_hash, "m-1", analysis)
    entry = library.entry(article_id)
    assert (entry.analysed, entry.quotes, entry.claims) == (True, 0, 0)


def test_remove(library: Library) -> None:
    (article_id,) = library.add([ARTICLE]).ids or []
    put_analysis(library, ARTICLE.content_hash, "m-1", Analysis())
    assert library.remove(article_id).title == "Ferries"
    assert library.entries() == []
    assert get_analysis(library, ARTICLE.content_hash, "m-1") is None
    with pytest.raises(BylineError, match=f"no article {article_id} in the library"):
        library.remove(article_id)


def test_analysis_json_round_trip(nlp: Any, seed: Article) -> None:
    analysis = analyze_text(seed.text, nlp)
    assert analysis.groups and analysis.quotes and analysis.claims
    assert Analysis.from_json(analysis.to_json()) == analysis


class CountingPipeline:
    """The real spaCy pipeline, counting how often it is run."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.calls = 0

    @property
    def meta(self) -> dict[str, Any]:
        return self.nlp.meta

    def __call__(self, text: str) -> Any:
        self.calls += 1
        return self.nlp(text)

    def pipe(self, texts: Any, **options: Any) -> Any:
        for text in texts:
            self.calls += 1
            yield from self.nlp.pipe([text], **options)


def test_second_open_is_a_cache_hit_without_spacy(nlp: Any, seed: Article, tmp_path: Path) -> None:
    pipeline = CountingPipeline(nlp)
    loads: list[str] = []

    def load_nlp() -> CountingPipeline:
        loads.append("load")
        return pipeline

    key = installed_model_id(DEFAULT_MODEL)
    assert key == model_id(nlp)
    with Library(tmp_path / "lib.sqlite3") as library:
        first = cached_analysis(library, seed, load_nlp, key)
    assert (len(loads), pipeline.calls) == (1, 1)
    with Library(tmp_path / "lib.sqlite3") as reopened:  # a new process would do the same
        second = cached_analysis(reopened, seed, load_nlp, key)
        assert (len(loads), pipeline.calls) == (1, 1)  # neither loaded nor run
        assert second == first
        # Without a model id known up front the model is loaded to ask it, but not run.
        assert cached_analysis(reopened, seed, load_nlp) == first
        assert pipeline.calls == 1


def test_cache_key_has_model_and_analysis_version(library: Library) -> None:
    put_analysis(library, "h", "model-1.0", Analysis())
    assert get_analysis(library, "h", "model-1.0") == Analysis()
    assert get_analysis(library, "h", "model-2.0") is None
    assert get_analysis(library, "h", "model-1.0", ANALYSIS_VERSION + 1) is None


def test_a_damaged_cache_entry_is_recomputed_not_fatal(library: Library) -> None:
    put_analysis(library, "h", "m", Analysis())
    with library.writing() as db:
        db.execute('UPDATE analyses SET data = \'{"quotes": [{"bogus": 1}]}\'')
    assert get_analysis(library, "h", "m") is None


# Databases that cannot be used are reported, and never overwritten.


def test_file_that_is_not_a_database_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my precious notes\n")
    with pytest.raises(BylineError, match="is damaged or not a Byline library; it was left"):
        Library(path)
    assert path.read_text() == "my precious notes\n"


def test_damaged_database_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library(path) as library:
        library.add(Article(text=f"Article number {n}. " * 50) for n in range(200))
    data = bytearray(path.read_bytes())
    data[8192:16384] = b"\xa5" * 8192  # scribble over the middle of the file
    path.write_bytes(bytes(data))
    with (
        pytest.raises(BylineError, match="is damaged or not a Byline library"),
        Library(path) as library,
    ):
        library.entries()
        library.add([ARTICLE])
    assert path.read_bytes() == bytes(data)


def test_sqlite_file_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE accounts (name TEXT)")
    with pytest.raises(BylineError, match="an SQLite file but not a Byline library"):
        Library(path)


def test_library_from_a_newer_byline_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(BylineError, match="written by a newer Byline"):
        Library(path)


def test_disk_full_keeps_what_was_saved(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as library:
        library.add([ARTICLE])
        with library.reading() as db:  # SQLite's own limit: the same error as a full disk
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {pages + 4}")
        big = (Article(text=f"{n} " + "x" * 20_000) for n in range(100))
        with pytest.raises(BylineError) as error:
            library.add(big)
        assert str(error.value) == (
            f"cannot write to library '{library.path}': the disk is full "
            "(what was saved before is kept)"
        )
        assert [e.title for e in library.entries()] == ["Ferries"]
        # The library still works once there is room again.
        with library.reading() as db:
            db.execute("PRAGMA max_page_count = 1000000")
        assert library.add([Article(text="After.")]).added == 1

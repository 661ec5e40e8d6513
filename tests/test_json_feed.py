"""JSON Feed (https://jsonfeed.org): read as a feed, each item an article with its metadata."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.loaders import Problem, load_source
from tui.model import Article
from tui.store import Library

FEED = Path(__file__).parent / "data" / "loaders" / "feed.json"


def load(name: str | Path) -> tuple[list[Article], list[Problem]]:
    problems: list[Problem] = []
    return list(load_source(str(name), problems.append)), problems


def test_each_item_is_an_article_with_its_metadata() -> None:
    articles, problems = load(FEED)
    assert [a.title for a in articles] == [
        "Ferry timetable changes from June",
        "Lighthouse reopens <b>after</b> restoration",
    ]
    ferry, lighthouse = articles
    assert ferry.text.startswith("The island ferry will run every 40 minutes from June.\n\n")
    assert (ferry.author, ferry.date, ferry.source, ferry.url) == (
        "Maria Okafor, Jon Park",
        "2024-05-20T09:30:00+01:00",
        "The Coastal Herald",
        "https://coastalherald.example/news/ferry-timetable",
    )
    assert ferry.path == f"{FEED}#1"
    # content_html: the text of its paragraphs, no tags, no script.
    assert lighthouse.text == (
        "The old lighthouse reopened on Saturday.\n\n"
        "Volunteers spent two years restoring the lamp room."
    )
    assert lighthouse.author == "Herald Staff"  # the feed's authors, when the item has none
    (problem,) = problems
    assert problem.message == f"'{FEED}' item 3: no text in it; skipped"


def test_version_1_author_and_summary(tmp_path: Path) -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1",
        "title": "Desk",
        "items": [
            {
                "id": "a",
                "summary": "Only a summary here.",
                "title": "Short",
                "author": {"name": "Lena Fischer"},
                "date_modified": "2024-06-01",
            }
        ],
    }
    path = tmp_path / "feed"  # no telling name: read by its content
    path.write_text(json.dumps(feed), encoding="utf-8")
    (article,), _ = load(path)
    assert (article.text, article.title, article.author, article.source, article.date) == (
        "Only a summary here.",
        "Short",
        "Lena Fischer",
        "Desk",
        "2024-06-01",
    )


def test_a_json_feed_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(FEED.read_bytes())))
    articles, _ = load("-")
    assert [a.path for a in articles] == ["<stdin>#1", "<stdin>#2"]


def test_a_feed_with_no_readable_item_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "T",
                "items": [{"id": "1", "url": "https://x.example/"}],
            }
        )
    )
    with pytest.raises(Exception, match="no item with text in the feed"):
        load(path)


def test_byline_add_a_json_feed(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "add", str(FEED), "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1  # the third item has no text: reported, the others added
    assert result.stdout.startswith("added 2 articles")
    assert result.stderr == f"byline: '{FEED}' item 3: no text in it; skipped\n"
    with Library(db) as library:
        assert [(e.title, e.source) for e in library.entries()] == [
            ("Ferry timetable changes from June", "The Coastal Herald"),
            ("Lighthouse reopens <b>after</b> restoration", "The Coastal Herald"),
        ]

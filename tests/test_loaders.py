"""Loaders: every format from small fixtures, encodings, and bad input as one clear error."""

from __future__ import annotations

import http.server
import io
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.errors import BylineError
from tui.loaders import Problem, decode_bytes, load_path, load_source
from tui.model import Article
from tui.safe_text import is_safe

DATA = Path(__file__).parent / "data" / "loaders"


def load(name: str | Path) -> tuple[list[Article], list[Problem]]:
    problems: list[Problem] = []
    return list(load_source(str(name), problems.append)), problems


def assert_safe(article: Article) -> None:
    assert is_safe(article.text.replace("\n", " "))
    for field in (article.title, article.source, article.url, article.date, article.author):
        assert is_safe(field) and "\n" not in field


# Formats.


def test_text_title_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Bridge to close\r\n\r\nThe bridge will close.\r\n")
    (article,), problems = load(path)
    assert article.title == "Bridge to close"
    assert "\r" not in article.text and article.text.startswith("Bridge to close\n\nThe")
    assert problems == []


def test_markdown_front_matter_and_markup() -> None:
    (article,), _ = load(DATA / "article.md")
    assert article.title == "Night market returns to the old town"
    assert (article.author, article.date) == ("Sam Lee", "2024-04-02")
    assert "The night market is back, organisers said on Monday." in article.text
    assert "#" not in article.text and "```" not in article.text and "](" not in article.text


def test_markdown_heading_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# Rain expected\n\nHeavy rain is expected on Friday.\n")
    (article,), _ = load(path)
    assert article.title == "Rain expected"
    assert article.text.startswith("Rain expected\n")


def test_html_main_text_and_metadata() -> None:
    (article,), _ = load(DATA / "page.html")
    assert article.title == "Harbour bridge to close for repairs, council says"
    assert article.author == "Maria Okafor"
    assert article.date == "2024-05-14"
    assert article.source == "The Coastal Herald"
    assert "Priya Raman" in article.text and "Tom Beck" in article.text
    for boilerplate in ("Subscribe", "Advertisement", "Most read", "All rights reserved", "gtag"):
        assert boilerplate not in article.text
    assert "\n\n" in article.text  # paragraphs stay apart


def test_html_with_no_article_is_an_error() -> None:
    with pytest.raises(BylineError, match=r"^cannot read '.*no-article.html': no article text"):
        load(DATA / "no-article.html")


def test_json_object() -> None:
    (article,), _ = load(DATA / "article.json")
    assert article == Article(
        text="Ferry fares will rise by 5% in June, the operator said.\n\n"
        "Commuters said the rise was unfair.",
        title="Ferry fares to rise in June",
        source="Island News",
        url="https://island.example/fares",
        date="2024-03-01",
        author="Ann Park",
        path=str(DATA / "article.json"),
    )


def test_json_list_of_objects(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([{"text": "One."}, {"title": "no text"}, {"text": "Two."}]))
    articles, problems = load(path)
    assert [a.text for a in articles] == ["One.", "Two."]
    assert [p.message for p in problems] == [
        f"'{path}' item 2: expected an object with a \"text\" string; skipped"
    ]


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"text": "fine",\n "title": }\n')
    with pytest.raises(BylineError) as error:
        load(path)
    assert str(error.value).startswith(f"cannot read '{path}': invalid JSON at line 2 column 11")


def test_json_without_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "shape.json"
    path.write_text('{"body": "text under another key"}')
    with pytest.raises(BylineError, match='expected an object with a "text" string'):
        load(path)


def test_jsonl_reports_bad_lines_by_number_and_loads_the_good_ones() -> None:
    articles, problems = load(DATA / "articles.jsonl")
    assert [a.title for a in articles] == ["First", "Third"]
    assert [a.path for a in articles] == ["a.txt", "c.txt"]
    messages = [p.message for p in problems]
    assert len(messages) == 2 and all(p.skipped for p in problems)
    assert messages[0].startswith(f"'{DATA / 'articles.jsonl'}' line 2: invalid JSON")
    assert messages[1].startswith(f"'{DATA / 'articles.jsonl'}' line 3: expected an object")


def test_byline_analyze_output_reads_back(tmp_path: Path, seed: Article) -> None:
    record = {"path": seed.path, "title": seed.title, "text": seed.text, "entities": []}
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps(record) + "\n")
    (article,), _ = load(path)
    assert article.content_hash == seed.content_hash
    assert article.title == seed.title


def test_rss_feed_entries_with_full_text() -> None:
    articles, problems = load(DATA / "feed.rss")
    assert [a.title for a in articles] == [
        "Harbour bridge to close for repairs",
        "Lifeboat crew honoured for night rescue",
    ]
    first, second = articles
    assert "We have no choice but to act now" in first.text  # content:encoded, not the summary
    assert "<p>" not in first.text and "\n\n" in first.text
    assert (first.author, first.date, first.source) == (
        "Maria Okafor",
        "2024-05-14",
        "The Coastal Herald - News",
    )
    assert first.url == "https://coastalherald.example/news/harbour-bridge-repairs"
    assert second.text.startswith("Five volunteers")
    (problem,) = problems
    assert problem.message == f"'{DATA / 'feed.rss'}' entry 3: no text in it; skipped"


def test_atom_feed() -> None:
    (article,), _ = load(DATA / "feed.atom")
    assert article.title == "Glacier retreat speeds up, study finds"
    assert (article.author, article.source, article.date) == (
        "Lena Fischer",
        "Science Desk",
        "2024-06-01",
    )


def test_directory_recursively_supported_files_only(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "a.txt").write_text("Alpha\n\nThe first one.")
    (tmp_path / "sub" / "b.md").write_text("# Beta\n\nThe second one.")
    (tmp_path / "sub" / "deeper" / "c.json").write_text('{"text": "The third one."}')
    (tmp_path / "sub" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / ".hidden.txt").write_text("Hidden")
    articles, problems = load(tmp_path)
    assert [a.title for a in articles] == ["Alpha", "Beta", ""]
    assert problems == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_directory_entry_is_reported_and_the_rest_load(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Good\n\nReadable.")
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inner.txt").write_text("Inner")
    secret.chmod(0)
    locked.chmod(0)
    try:
        articles, problems = load(tmp_path)
    finally:
        secret.chmod(0o644)
        locked.chmod(0o755)
    assert [a.title for a in articles] == ["Good"]
    messages = sorted(p.message for p in problems)
    assert messages == [
        f"cannot open '{locked}': Permission denied; skipped",
        f"cannot open '{secret}': Permission denied; skipped",
    ]


def test_broken_link_in_a_directory_is_reported_and_the_rest_load(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Good\n\nReadable.")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    articles, problems = load(tmp_path)
    assert [a.title for a in articles] == ["Good"]
    assert [p.message for p in problems] == [
        f"cannot open '{tmp_path / 'gone.txt'}': No such file or directory; skipped"
    ]


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b'{"title": "From a pipe", "text": "Piped text."}'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    (article,), _ = load("-")
    assert (article.title, article.text, article.path) == ("From a pipe", "Piped text.", "<stdin>")


def test_stdin_html_is_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (DATA / "page.html").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page)))
    (article,), _ = load("-")
    assert article.source == "The Coastal Herald"


@pytest.fixture
def server() -> Iterator[str]:
    """A real HTTP server on localhost serving tests/data/loaders."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(DATA), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_is_fetched_and_read_as_html(server: str) -> None:
    (article,), _ = load(f"{server}/page.html")
    assert article.title == "Harbour bridge to close for repairs, council says"
    assert article.url == f"{server}/page.html"


def test_url_feed(server: str) -> None:
    articles, _ = load(f"{server}/feed.rss")
    assert len(articles) == 2


def test_url_not_found(server: str) -> None:
    with pytest.raises(BylineError, match=r"cannot fetch '.*/missing.html': HTTP 404"):
        load(f"{server}/missing.html")


def test_url_when_offline_is_a_clear_error() -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(BylineError) as error:
        load(f"http://127.0.0.1:{port}/article.html")
    message = str(error.value)
    assert message.startswith(f"cannot fetch 'http://127.0.0.1:{port}/article.html': ")
    assert message.endswith("(are you offline?)") and "\n" not in message


# Encodings.


def test_utf8_bom_and_utf16_boms() -> None:
    text = "Café “quoted”"
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode()) == text
    assert decode_bytes(b"\xff\xfe" + text.encode("utf-16-le")) == text
    assert decode_bytes(b"\xfe\xff" + text.encode("utf-16-be")) == text


def test_utf16_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("\ufeffHeadline\r\n\r\nBody text.".encode("utf-16-le"))
    (article,), problems = load(path)
    assert (article.title, article.text) == ("Headline", "Headline\n\nBody text.")
    assert problems == []


def test_invalid_utf8_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Café prices rise in Zürich, the société said.".encode("latin-1"))
    (article,), problems = load(path)
    assert "Caf" in article.text and "\ufffd" not in article.text
    (problem,) = problems
    assert not problem.skipped
    assert problem.message.startswith(f"'{path}' is not valid UTF-8 (byte 3); read as ")


# Bad input.


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(BylineError, match=r"^cannot read '.*photo.txt': looks like a binary file$"):
        load(path)


@pytest.mark.parametrize(
    "name", ["empty.txt", "empty.md", "empty.html", "empty.json", "empty.jsonl", "empty.rss"]
)
def test_empty_files(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"  \n")
    with pytest.raises(BylineError, match=rf"^cannot read '.*{name}': empty file$"):
        load(path)


def test_ten_megabyte_single_line(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"word " * (2 << 20))
    (article,), _ = load(path)
    assert len(article.text) == 10 * (1 << 20)
    assert article.title == ""  # a 10 MB line is no headline


def test_missing_file() -> None:
    with pytest.raises(BylineError, match=r"^cannot open 'nope.txt': No such file or directory$"):
        load("nope.txt")


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(BylineError, match="no readable articles in it"):
        load(tmp_path)


def test_escapes_and_controls_never_get_in(tmp_path: Path) -> None:
    path = tmp_path / "evil.json"
    evil = {
        "title": "Hi\x1b]0;pwned\x07\nthere",
        "author": "\x1b[31mRed",
        "text": "Body \x1b[2J\x9bcleared\u202e reversed\ttab",
    }
    path.write_text(json.dumps(evil))
    (article,), _ = load(path)
    assert_safe(article)
    assert article.title == "Hi there"
    assert article.author == "Red"


def test_load_path_wants_one_article() -> None:
    assert load_path(DATA / "article.json").title == "Ferry fares to rise in June"
    with pytest.raises(BylineError, match="holds 2 articles"):
        load_path(DATA / "feed.rss")

"""Hostile input (issue 17): each test is an attack, run on loopback and bounded in time.

Escape codes in imported annotations, lone surrogates, FIFOs and endless inputs, slow and
redirecting web servers, quadratic Markdown, invisible characters, echoed arguments.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tui.cli import main
from tui.errors import BylineError
from tui.model import Article
from tui.safe_text import is_safe, one_line, sanitize
from tui.store import Library
from tui.store.annotations import QUOTE, Annotations

DATA = Path(__file__).parent / "data" / "loaders"

#: What a hostile name, note or speaker holds: a window title (OSC 2), a clipboard write
#: (OSC 52), a screen clear (CSI 2J), C1 controls (8-bit CSI, NEL) and a bidi override.
HOSTILE = "\x1b]2;owned\x07\x1b]52;c;ZWNobyBldmls\x07\x1b[2J\x9b31m\x85Ana\u202e lanigiro"
#: Invisible characters that make look-alike names.
INVISIBLE = "\u200b\u2060\ufeff\u200e\u200f\u061c\U000e0041"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def terminal_safe(output: str) -> bool:
    """Nothing in `output` a terminal takes as a control: line breaks and tabs aside."""
    return is_safe(output.replace("\n", " ").replace("\t", " ")) and "\r" not in output


def byline(
    *argv: str, timeout: float = 60, memory: int | None = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """The installed command in a process of its own (killed after `timeout` seconds; with
    `memory`, its address space is capped so an endless read fails fast instead of swapping)."""

    def limit() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
        **kwargs,
    )  # type: ignore[call-overload]


# Imported annotations carry escape codes.


def hostile_export(tmp_path: Path) -> Path:
    """A Prodigy JSONL export whose annotator name, notes and speaker hold escape codes."""
    article = Article(
        text="Maria Silva said the port reopens on Monday, officials said.", title="Port"
    )
    with Library(tmp_path / "clean.sqlite3") as library:
        session = Annotations(library).session(article, "ana")
        session.create(QUOTE, 17, 43, "Maria Silva", 0, 11)
        session.create("PERSON", 0, 11)
        session.set_article_note("checked")
    exported = tmp_path / "clean.jsonl"
    assert main(["export", "--db", str(tmp_path / "clean.sqlite3"), "-o", str(exported)]) == 0
    record = json.loads(exported.read_text())
    exact = record["byline"]  # what the import reads back exactly
    exact["annotator"] = record["_annotator_id"] = HOSTILE
    exact["note"] = HOSTILE + "\nsecond line"
    for span in exact["spans"]:
        if span["label"] == QUOTE:
            span["speaker"] = HOSTILE
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(json.dumps(record) + "\n")
    return hostile


def test_imported_annotations_never_carry_escape_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "lib.sqlite3")
    status, out, err = run(capsys, "import-annotations", "--db", db, str(hostile_export(tmp_path)))
    assert status == 0, err
    assert terminal_safe(out + err)
    with Library(db) as library:
        store = Annotations(library)
        (info,) = store.sessions()
        assert info.annotator == "Ana lanigiro"
        session = store.session(library.get(1), info.annotator)
        state = session.state()
        assert state.note == "\nAna lanigiro\nsecond line"  # `M` opens with this note (NEL: \n)
        (quote,) = session.spans("quote")
        assert quote.speaker == "Ana lanigiro"
    for command in (["stats"], ["stats", "--json"], ["export", "--format", "csv"], ["export"]):
        status, out, err = run(capsys, *command, "--db", db)
        assert status == 0, err
        assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out, command
        assert "\\u001b" not in out and "\\u202e" not in out, command


def test_the_store_sanitises_what_its_callers_pass(tmp_path: Path) -> None:
    """Every way a name, note or speaker enters the store: the same sanitising as article text."""
    article = Article(text="Maria Silva said the port reopens on Monday.", title="Port")
    with Library(tmp_path / "lib.sqlite3") as library:
        session = Annotations(library).session(article, HOSTILE)
        assert session.annotator == "Ana lanigiro"
        created = session.create(QUOTE, 17, 43, HOSTILE, note=HOSTILE)
        assert created is not None
        span_id = created.spans[0]
        assert session.span(span_id).speaker == "Ana lanigiro"
        session.set_speaker(span_id, "Maria" + INVISIBLE + " Silva")
        assert session.span(span_id).speaker == "Maria Silva"
        session.set_note(span_id, "a\x1b[31m note\u202e")
        assert session.span(span_id).note == "a note"
        session.set_article_note("\x1b]52;c;eA==\x07seen")
        assert session.state().note == "seen"
        replaced = session.spans()
        session.replace_all(replaced, note=HOSTILE)
        assert session.state().note == "\nAna lanigiro"  # a note keeps its line breaks


def test_the_note_prompt_never_shows_a_raw_note() -> None:
    """`N`/`M` on a library written before notes were sanitised on entry."""
    from tui.screens.annotate_prompts import NotePrompt

    assert NotePrompt("Note on the article", HOSTILE).note == "\nAna lanigiro"


# Lone surrogates.


def test_lone_surrogates_in_json_are_one_article_each_not_a_lost_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A good article that must be kept whatever its neighbours hold.\n")
    bad = tmp_path / "bad.json"
    bad.write_text(
        '[{"text": "Broken \\ud800 text here", "title": "T\\udfff"}, {"text": "Fine text"}]'
    )
    lines = tmp_path / "bad.jsonl"
    lines.write_text('{"text": "one \\udc80 two"}\n{"text": "three"}\n')
    db = str(tmp_path / "lib.sqlite3")
    status, out, err = run(capsys, "add", "--db", db, str(good), str(bad), str(lines))
    assert "Traceback" not in err
    assert status == 0, err
    # One warning line per bad input, naming it; the rest is kept.
    assert err.splitlines() == [
        f"byline: warning: '{bad}' item 1: text that is not Unicode (a lone surrogate); "
        "replaced by U+FFFD",
        f"byline: warning: '{lines}' line 1: text that is not Unicode (a lone surrogate); "
        "replaced by U+FFFD",
    ]
    assert out.startswith("added 5 articles")
    with Library(db) as library:
        texts = [library.get(e.id).text for e in library.entries()]
        titles = [e.title for e in library.entries()]
    assert "Broken \ufffd text here" in texts and "one \ufffd two" in texts
    assert "T\ufffd" in titles


def test_a_file_name_that_is_not_utf8_is_read_and_shown(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("The article beside a badly named one is kept.\n")
    badly_named = os.fsencode(folder) + b"/caf\xe9 \x1b[2J.txt"
    with open(badly_named, "wb") as file:
        file.write(b"An article whose file name is Latin-1, not UTF-8.\n")
    db = str(tmp_path / "lib.sqlite3")
    added = byline("add", "--db", db, str(folder), timeout=60)
    assert "Traceback" not in added.stderr
    assert added.returncode == 0
    assert added.stderr == (
        f"byline: warning: '{folder}/caf\ufffd .txt': a file name that is "
        "not UTF-8; replaced by U+FFFD\n"
    )
    assert added.stdout.startswith("added 2 articles")
    listed = byline("list", "--db", db, "--json", timeout=60)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    paths = [json.loads(line)["path"] for line in listed.stdout.splitlines()]
    assert any(p.endswith("caf\ufffd .txt") for p in paths), paths
    bad_json = folder / "x.json"
    bad_json.write_text('{"text": "\\ud800"}')
    analysed = byline("analyze", str(bad_json), timeout=120)
    assert "Traceback" not in analysed.stderr


def test_the_reader_opens_an_article_with_a_lone_surrogate(tmp_path: Path) -> None:
    """In a real terminal: the article is shown (U+FFFD in place), no traceback, `q` quits."""
    from terminal import Terminal

    article = tmp_path / "bad.json"
    article.write_text(
        '{"title": "Lone \\udfff surrogate", "text": "Officials said the '
        'bridge \\ud800 would reopen next week after repairs."}'
    )
    terminal = Terminal([sys.executable, "-m", "tui.cli", str(article)], 100, 30)
    try:
        assert terminal.wait_for(
            lambda rows: any("bridge \ufffd would" in r for r in rows), timeout=60
        ), terminal.text()
        terminal.send("q")
        assert terminal.wait_exit() == 0
        assert not any("Traceback" in row for row in terminal.screen.display)
    finally:
        terminal.close()


# FIFOs, devices, endless input.


def test_a_fifo_in_a_directory_is_skipped_and_the_good_file_kept(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("The good article beside the FIFO.\n")
    os.mkfifo(folder / "blocks.txt")
    db = str(tmp_path / "lib.sqlite3")
    added = byline("add", "--db", db, str(folder), timeout=60)
    assert added.returncode == 1
    assert added.stdout.startswith("added 1 article;")
    assert added.stderr == f"byline: '{folder / 'blocks.txt'}' is not a regular file; skipped\n"


def test_a_symlink_to_dev_zero_in_a_directory_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("The good article beside the endless one.\n")
    (folder / "zero.txt").symlink_to("/dev/zero")
    db = str(tmp_path / "lib.sqlite3")
    added = byline("add", "--db", db, str(folder), timeout=60, memory=2 << 30)
    assert added.returncode == 1
    assert added.stdout.startswith("added 1 article;")
    assert added.stderr == f"byline: '{folder / 'zero.txt'}' is not a regular file; skipped\n"


def test_a_file_over_the_size_limit_is_one_line(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 300_000)  # 1.5 MB
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")  # named on its own: read, but only up to the limit
    db = str(tmp_path / "lib.sqlite3")
    added = byline(
        "add",
        "--db",
        db,
        "--max-size",
        "1",
        str(big),
        str(zero),
        str(DATA / "article.txt"),
        timeout=60,
        memory=2 << 30,
    )
    assert added.returncode == 1
    assert added.stdout.startswith("added 1 article;")
    assert added.stderr == (
        f"byline: cannot read '{big}': larger than 1 MB (see --max-size)\n"
        f"byline: cannot read '{zero}': larger than 1 MB (see --max-size)\n"
    )


@pytest.mark.parametrize("limit", [["--max-size", "2"], []])
def test_endless_standard_input_is_one_line(limit: list[str], tmp_path: Path) -> None:
    yes = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        added = byline(
            "add",
            "--db",
            str(tmp_path / "lib.sqlite3"),
            *limit,
            "-",
            stdin=yes.stdout,
            timeout=120,
            memory=2 << 30,
        )
    finally:
        yes.kill()
        yes.wait()
    assert added.returncode == 1
    size = limit[1] if limit else "64"
    assert added.stderr == (
        f"byline: cannot read '<stdin>': larger than {size} MB (see --max-size)\n"
    )


def test_the_size_limit_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "add", "--max-size", "0", str(DATA / "article.txt"))
    assert status == 2 and err.startswith("byline: --max-size must be at least 1")


# URLs.


class Server:
    """A tiny HTTP server on 127.0.0.1 answering every GET with `respond(handler)`."""

    def __init__(self, respond: Callable[[BaseHTTPRequestHandler], None]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    respond(self)

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


ARTICLE_HTML = (
    b"<html><head><title>Hello</title></head><body><article><p>"
    + b"Officials said the bridge would reopen next week after repairs. " * 5
    + b"</p></article></body></html>"
)


def trickle(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(10_000):  # a byte every 0.2 s: each read succeeds, the whole never ends
        handler.wfile.write(b"a")
        handler.wfile.flush()
        time.sleep(0.2)


def in_thread(call: Callable[[], object], timeout: float) -> object:
    """`call()`'s result or exception, from a thread; fails the test when it runs too long."""
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(call())
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    assert outcome, f"still running after {timeout} s"
    return outcome[0]


def test_a_trickling_server_meets_one_overall_deadline() -> None:
    from tui.loaders.web import fetch

    with Server(trickle) as server:
        started = time.monotonic()
        outcome = in_thread(lambda: fetch(server.url + "/slow", deadline=1.0), timeout=30)
        elapsed = time.monotonic() - started
    assert isinstance(outcome, BylineError)
    assert str(outcome) == f"cannot fetch '{server.url}/slow': no answer within 1 s"
    assert elapsed < 30  # (bounded by in_thread; the deadline itself is 1 s)


def test_a_reason_phrase_with_escape_codes_is_shown_safe(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fail(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(500, "\x1b]2;owned\x07\x1b[2JBroken")
        handler.end_headers()

    with Server(fail) as server:
        status, _, err = run(capsys, "add", server.url + "/x")
    assert status == 1
    assert err == f"byline: cannot fetch '{server.url}/x': HTTP 500 Broken\n"


def test_a_redirect_loop_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    def loop(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "/again" if handler.path == "/loop" else "/loop")
        handler.end_headers()

    with Server(loop) as server:
        status, _, err = run(capsys, "add", server.url + "/loop")
    assert status == 1
    assert err == f"byline: cannot fetch '{server.url}/loop': too many redirects (a loop?)\n"


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/x"]
)
def test_a_redirect_to_another_scheme_is_refused(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", target)
        handler.end_headers()

    with Server(redirect) as server:
        status, _, err = run(capsys, "add", server.url + "/go")
    assert status == 1
    assert err == (
        f"byline: cannot fetch '{server.url}/go': redirected to '{target}', "
        "which is not http(s); refused\n"
    )


@pytest.fixture
def two_servers() -> Iterator[tuple[Server, Server]]:
    """`public` redirects to `private`, which serves an article (both on loopback)."""

    def article(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        handler.wfile.write(ARTICLE_HTML)

    with Server(article) as private:

        def redirect(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(302)
            handler.send_header("Location", private.url + "/internal")
            handler.end_headers()

        with Server(redirect) as public:
            yield public, private


def test_a_public_url_redirecting_to_a_private_address_is_refused(
    two_servers: tuple[Server, Server],
) -> None:
    """Loopback stands in for both: the classifier says which port is 'public'."""
    from tui.loaders.web import fetch

    public, private = two_servers

    def is_public(address: tuple[object, ...]) -> bool:
        return address[1] == public.port

    with pytest.raises(BylineError) as refused:
        fetch(public.url + "/", is_public=is_public)
    assert str(refused.value) == (
        f"cannot fetch '{public.url}/': redirected to '{private.url}/internal', a private "
        "address (127.0.0.1); refused"
    )
    # Allowed by choice, and when the first URL was private too.
    assert fetch(public.url + "/", is_public=is_public, allow_private=True)[0] == ARTICLE_HTML
    assert fetch(public.url + "/", is_public=lambda _: False)[0] == ARTICLE_HTML


def test_private_addresses_are_those_of_the_local_networks() -> None:
    from tui.loaders.web import is_public_address

    for address in (
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.5.4",
        "169.254.169.254",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "100.64.0.1",
    ):
        assert not is_public_address((address, 80)), address
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"):
        assert is_public_address((address, 443)), address


# Linear time.


def cpu_time(call: Callable[[], object], runs: int = 5) -> float:
    """The least CPU time of `runs` calls (the least is the one least disturbed by others); one
    call that takes over a second is enough (a quadratic loader would take minutes for all)."""
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        with contextlib.suppress(BylineError):
            call()
        best = min(best, time.process_time() - started)
        if best > 1:
            break
    return best


def _markdown(data: bytes) -> object:
    from tui.loaders.markdown import parse_markdown

    return parse_markdown(data, "x.md")


def _text(data: bytes) -> object:
    from tui.loaders.text import parse_text

    return parse_text(data, "x.txt")


def _fragment(data: bytes) -> object:
    from tui.loaders.html import html_to_text

    return html_to_text(data.decode())


def _feed(data: bytes) -> object:
    from tui.loaders.feed import parse_feed

    return parse_feed(data, "x.rss")


def _html(data: bytes) -> object:
    from tui.loaders.html import parse_html

    return parse_html(data, "x.html")


def _jsonl(data: bytes) -> object:
    from tui.loaders.jsonfile import parse_jsonl

    return parse_jsonl(data, "x.jsonl")


#: (loader, hostile unit, prefix): the input is prefix + unit * n.
SCALED = [
    (_markdown, b"![a](", b"x\n"),
    (_markdown, b"[a](", b"x\n"),
    (_markdown, b"[", b"x\n"),
    (_markdown, b"**a ", b"x\n"),
    (_markdown, b"__a ", b"x\n"),
    (_markdown, b" ", b"# a"),
    (_markdown, b" ", b"---\ntitle: a"),
    (_markdown, b"\x1b]", b"x\n"),
    (_text, b"\x1b]\x9d", b"x\n"),
    (_fragment, b"<", b"<p>x</p></b></i>"),
    (_jsonl, b'{"text": "a"}\n', b""),
    (
        _feed,
        b"<item><title>a</title><description>&lt;p&gt;x</description></item>",
        b"<rss><channel>",
    ),
    (_feed, b"&lt;b&gt;", b"<rss><channel><item><description>"),
    (_html, b"<div><p>a", b"<html><body>"),
]


@pytest.mark.parametrize(
    ("load", "unit", "prefix"), SCALED, ids=[f"{f.__name__}-{u[:6]!r}" for f, u, _ in SCALED]
)
def test_every_loader_takes_linear_time(
    load: Callable[[bytes], object], unit: bytes, prefix: bytes
) -> None:
    """Four times the input may take about four times as long, never sixteen (quadratic)."""
    size = 10_000 // len(unit) + 1
    # The tail is plain text, not a dangling escape: the units are read in the body.
    small = prefix + unit * size + b"\nSome plain text at the end.\n"
    large = prefix + unit * (4 * size) + b"\nSome plain text at the end.\n"
    with contextlib.suppress(BylineError):
        load(small)  # (imports and caches warm)
    ratio = cpu_time(lambda: load(large)) / max(cpu_time(lambda: load(small)), 1e-4)
    assert ratio < 8, f"t(4n)/t(n) = {ratio:.1f}"


# Invisible characters.


def test_invisible_characters_are_taken_out_of_text_and_names(tmp_path: Path) -> None:
    for character in INVISIBLE:
        assert sanitize(f"Ser{character}gey Lavrov") == "Sergey Lavrov", hex(ord(character))
        assert one_line(f"{character}Lavrov{character}") == "Lavrov"
    # The joiners that scripts and emoji need stay.
    assert sanitize("می\u200cخواهم 👩\u200d💻") == "می\u200cخواهم 👩\u200d💻"
    article = tmp_path / "a.txt"
    article.write_text(
        f"Title\n\nSergey{INVISIBLE} Lavrov said talks were over.\n", encoding="utf-8"
    )
    from tui.loaders import load_path

    assert load_path(str(article)).text == "Title\n\nSergey Lavrov said talks were over.\n"


def test_look_alike_names_are_one_name_in_lookup() -> None:
    from tui.store.index import name_key

    assert name_key(f"Ser{INVISIBLE}gey Lav\u200brov") == name_key("Sergey Lavrov")


def test_speaker_candidates_have_no_invisible_look_alikes() -> None:
    """An article stored before invisible characters were taken out: its two ways of writing
    a name are one candidate, shown without them."""
    from tui.screens.annotate_prompts import speaker_candidates
    from tui.store.annotations import ACCEPTED, ANNOTATOR, PENDING, Span

    text = "Sergey Lavrov met Sergey Lav\u200brov and said: the talks are over."
    quote = Span(3, QUOTE, 48, 67, PENDING, ANNOTATOR, None, None, None, "")
    people = [
        Span(1, "PERSON", 0, 13, ACCEPTED, ANNOTATOR, None, None, None, ""),
        Span(2, "PERSON", 18, 32, ACCEPTED, ANNOTATOR, None, None, None, ""),
    ]
    names = [c.name for c in speaker_candidates(text, quote, [*people, quote], None)]
    assert names == ["Sergey Lavrov"]


# Smaller.


def test_unknown_options_are_not_echoed_raw(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "list", "--\x1b]2;owned\x07x\x1b[2J")
    assert status == 2
    assert err == "byline: unrecognized arguments: --x (see 'byline list --help')\n"


def test_a_model_name_is_not_echoed_raw(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(
        capsys, "analyze", "--model", "\x1b]2;owned\x07no\x1b[2Jmodel", str(DATA / "article.txt")
    )
    assert status == 1
    assert terminal_safe(err) and "nomodel" in err


def test_a_host_is_not_echoed_raw(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(
        capsys, "serve", "--web", "--host", "\x1b]2;owned\x07evil\x1b[2J", "--port", "1"
    )
    assert status == 2
    assert err == "byline: --host 'evil': not a host name or address\n"


def test_export_to_a_full_disk_names_standard_output(tmp_path: Path) -> None:
    db = str(tmp_path / "lib.sqlite3")
    article = Article(text="Maria Silva said the port reopens on Monday.", title="Port")
    with Library(db) as library:
        Annotations(library).session(article, "ana").create("PERSON", 0, 11)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "tui.cli", "export", "--db", db],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr == "byline: cannot write to standard output: No space left on device\n"


@pytest.mark.parametrize(
    "command", [["list"], ["list", "--json"], ["lookup", "Lavrov"], ["stats"], ["export"]]
)
def test_reading_commands_never_create_a_library(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "missing" / "dir" / "x.db"
    status, _out, err = run(capsys, *command, "--db", str(db))
    assert not (tmp_path / "missing").exists()
    assert "Traceback" not in err
    assert status == (1 if command[0] == "lookup" else 0), err

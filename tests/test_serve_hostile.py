"""byline serve against hostile users: each test is an attack on the real server, on loopback
(127.0.0.1 only), bounded in time and in what it sends. See issue 17."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import re
import struct
import sys
import termios
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest
from terminal import Terminal
from test_serve import DEADLINE, HEADLINE, Screen, Server, known_hosts, start_ssh
from waiting import eventually

from tui import DEFAULT_SEED
from tui.input_pressure import MAX_PENDING
from tui.store import Library
from tui.store.annotations import Annotations

#: The flood of keys: at most this many bytes, sent for at most FLOOD_SECONDS.
FLOOD_BYTES = 32 << 20
FLOOD_SECONDS = 15.0
#: What the SSH server may grow by while flooded (its channel window is 2 MB; bounded buffers
#: keep it to that and a few pty-sized chunks; the unbounded queue grew by the flood's size).
FLOOD_RSS_GROWTH = 16 << 20
#: What the session (the reader on the pty) may grow by while flooded: it reads no further while
#: 1024 events wait to be handled (a few MB); reading eagerly, it grew about 2.7 kB a key.
SESSION_RSS_GROWTH = 16 << 20


@dataclass
class HostileKeys:
    ana: asyncssh.SSHKey
    ben: asyncssh.SSHKey
    expired: asyncssh.SSHKey
    expires_later: asyncssh.SSHKey
    no_pty: asyncssh.SSHKey
    restrict: asyncssh.SSHKey
    restrict_pty: asyncssh.SSHKey
    command: asyncssh.SSHKey
    elsewhere: asyncssh.SSHKey
    authorized: Path


@pytest.fixture(scope="module")
def hostile_keys(tmp_path_factory: pytest.TempPathFactory) -> HostileKeys:
    folder = tmp_path_factory.mktemp("keys")
    made = [asyncssh.generate_private_key("ssh-ed25519") for _ in range(9)]
    ana, ben, expired, later, no_pty, restrict, restrict_pty, command, elsewhere = made
    lines = [
        ana.export_public_key(),
        b'principals="ben" ' + ben.export_public_key(),
        b'expiry-time="20200101" ' + expired.export_public_key(),
        b'expiry-time="29990101" ' + later.export_public_key(),
        b"no-pty " + no_pty.export_public_key(),
        b"restrict " + restrict.export_public_key(),
        b"restrict,pty " + restrict_pty.export_public_key(),
        b'command="/bin/false" ' + command.export_public_key(),
        b'from="10.1.2.3" ' + elsewhere.export_public_key(),
    ]
    authorized = folder / "authorized_keys"
    authorized.write_bytes(b"".join(lines))
    return HostileKeys(*made, authorized)  # type: ignore[arg-type]


def start(keys: HostileKeys, folder: Path, *options: str) -> tuple[Server, int]:
    return start_ssh(keys.authorized, folder, *options)


@pytest.fixture(scope="module")
def server(
    hostile_keys: HostileKeys, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, int]]:
    server, port = start(hostile_keys, tmp_path_factory.mktemp("ssh"), "--max-user-sessions", "2")
    yield server, port
    assert server.stop() == 0, server.stderr()


async def connect(port: int, server: Server, user: str, key: asyncssh.SSHKey):
    connecting = asyncssh.connect(
        "127.0.0.1",
        port,
        username=user,
        client_keys=[key],
        known_hosts=known_hosts(server),
        agent_path=None,
    )
    return await asyncio.wait_for(connecting, DEADLINE)


async def open_session(
    connection: asyncssh.SSHClientConnection, size: tuple[int, int] = (80, 24)
) -> Screen:
    process = await connection.create_process(term_type="xterm", term_size=size, encoding=None)
    return Screen(process, *size)


def rss(pid: int) -> int:
    """Resident memory of a process, in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert match, status
    return int(match.group(1)) * 1024


def session_pids(server: Server) -> list[int]:
    return [int(pid) for pid in re.findall(r"session started \(pid (\d+)", server.stderr())]


async def all_sessions_ended(server: Server) -> None:
    """Wait (bounded) until every session the server started has ended: a closed connection's
    session takes a moment to quit, and until then counts against the limits."""

    def all_ended() -> bool:
        log = server.stderr()
        return log.count("session started (") == log.count("session ended (")

    assert await eventually(all_ended, DEADLINE), server.stderr()


def window_size(pid: int) -> tuple[int, int]:
    """(columns, lines) of the terminal a session runs on, as its process sees it."""
    with open(f"/proc/{pid}/fd/0", "rb", buffering=0) as tty:
        lines, columns, _, _ = struct.unpack(
            "HHHH", fcntl.ioctl(tty.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
        )
    return columns, lines


# authorized_keys options


async def test_key_options_are_enforced_and_unknown_ones_refuse_the_key(
    server: tuple[Server, int], hostile_keys: HostileKeys
) -> None:
    process, port = server
    keys = hostile_keys
    for name, key in [
        ("expired", keys.expired),
        ("no-pty", keys.no_pty),
        ("restrict", keys.restrict),
        ("command", keys.command),
        ("elsewhere", keys.elsewhere),
    ]:
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(port, process, name, key)
    for name, key in [("later", keys.expires_later), ("rp", keys.restrict_pty)]:
        async with await connect(port, process, name, key):
            pass
    log = process.stderr()
    assert "refused: key expired (expiry-time 20200101)" in log
    assert "refused: option no-pty is not supported by Byline" in log
    assert "refused: option restrict is not supported by Byline" in log
    assert "refused: option command is not supported by Byline" in log
    assert "elsewhere@127.0.0.1: key" in log and "not authorized" in log


def test_expiry_time_is_read_as_openssh_does() -> None:
    from tui.serve.ssh import parse_expiry_time, refusal_of_options

    assert parse_expiry_time("20300102Z") == 1893542400.0
    assert parse_expiry_time("203001021230Z") == 1893542400.0 + 12.5 * 3600
    assert parse_expiry_time("20300102123005Z") == 1893542400.0 + 12.5 * 3600 + 5
    for bad in ("2030", "2030-01-02", "20301345", "x0300102", "٢٠٣٠٠١٠٢"):
        assert parse_expiry_time(bad) is None
    assert refusal_of_options({"expiry-time": ["20300102Z"]}, now=1893542399.0) == ""
    assert "expired" in refusal_of_options({"expiry-time": ["20300102Z"]}, now=1893542400.0)
    assert "not YYYYMMDD" in refusal_of_options({"expiry-time": ["soon"]})
    assert "environment" in refusal_of_options({"environment": {"A": "b"}})
    assert refusal_of_options({"No-Port-Forwarding": True, "principals": []}) == ""


# Limits


async def test_one_user_cannot_take_every_session(
    server: tuple[Server, int], hostile_keys: HostileKeys
) -> None:
    process, port = server
    async with (
        await connect(port, process, "ana", hostile_keys.ana) as first,
        await connect(port, process, "ana", hostile_keys.ana) as second,
        await connect(port, process, "mallory", hostile_keys.ana) as same_key,
        await connect(port, process, "ben", hostile_keys.ben) as other,
    ):
        screens = [await open_session(first), await open_session(second)]
        for screen in screens:
            assert await screen.wait_for(lambda lines: HEADLINE in lines[1]), screen.text()
        # A third session: under the same name, or with the same key under another name.
        for connection in (first, same_key):
            result = await asyncio.wait_for(
                connection.run(term_type="xterm", term_size=(80, 24), check=False), DEADLINE
            )
            assert result.exit_status == 1
            assert result.stdout == (
                "byline: you have 2 sessions open already (the most one "
                "person may); close one first\r\n"
            )
        # Somebody else still gets in.
        screen = await open_session(other)
        assert await screen.wait_for(lambda lines: HEADLINE in lines[1]), screen.text()
    await all_sessions_ended(process)


async def test_an_oversized_window_is_answered_with_one_line(
    server: tuple[Server, int], hostile_keys: HostileKeys
) -> None:
    process, port = server
    async with await connect(port, process, "ana", hostile_keys.ana) as connection:
        for size in ((70000, 70000), (10000, 10000), (80, 1001)):
            result = await asyncio.wait_for(
                connection.run(term_type="xterm", term_size=size, check=False), DEADLINE
            )
            assert result.exit_status == 2
            assert result.stdout == (
                f"byline: a {size[0]}x{size[1]} window is too large (at "
                "most 1000x1000); make it smaller\r\n"
            )
    assert "Traceback" not in process.stderr()


async def test_resizing_past_the_limits_is_clamped(
    server: tuple[Server, int], hostile_keys: HostileKeys
) -> None:
    process, port = server
    before = rss(process.process.pid)
    async with await connect(port, process, "ana", hostile_keys.ana) as connection:
        screen = await open_session(connection)
        assert await screen.wait_for(lambda lines: HEADLINE in lines[1]), screen.text()
        pid = session_pids(process)[-1]
        # 70000 does not fit the kernel's 16-bit fields: it raised struct.error in the server.
        screen.process.change_terminal_size(70000, 70000, 70000, 70000)
        screen.process.change_terminal_size(10000, 10000)
        assert await eventually(lambda: window_size(pid) == (1000, 1000), DEADLINE)
        screen.process.change_terminal_size(80, 24)
        await eventually(lambda: window_size(pid) == (80, 24), DEADLINE)
        screen.process.stdin.write(b"q")
        await screen.wait_for(lambda lines: False)  # read its frames to the end, or it waits
        await asyncio.wait_for(screen.process.wait_closed(), DEADLINE)
        assert screen.process.exit_status == 0
    assert "Traceback" not in process.stderr()
    # A 1000x1000 frame passes through the server without it keeping it.
    assert rss(process.process.pid) - before < FLOOD_RSS_GROWTH


async def test_a_key_flood_waits_in_the_client_not_in_the_server(
    server: tuple[Server, int], hostile_keys: HostileKeys
) -> None:
    process, port = server
    pid = process.process.pid
    async with await connect(port, process, "ben", hostile_keys.ben) as connection:
        screen = await open_session(connection)
        # The analysis done (spaCy loaded): the session's memory from here on is the flood's.
        assert await screen.wait_for(
            lambda lines: HEADLINE in lines[1] and "analysing" not in lines[0]
        ), screen.text()
        before = peak = rss(pid)
        session = session_pids(process)[-1]
        session_before = session_peak = rss(session)
        chunk = b"z" * (1 << 16)  # a key the reader does nothing with
        sent = 0
        end = time.monotonic() + FLOOD_SECONDS
        while sent < FLOOD_BYTES and time.monotonic() < end:
            screen.process.stdin.write(chunk)
            sent += len(chunk)
            # Back-pressure: drain waits while the server has paused the channel.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(screen.process.stdin.drain(), 0.05)
            if sent % (1 << 20) == 0:
                peak = max(peak, rss(pid))
                session_peak = max(session_peak, rss(session))
        peak = max(peak, rss(pid))
        session_peak = max(session_peak, rss(session))
        screen.process.close()
    await all_sessions_ended(process)
    print(
        f"key flood: {sent >> 20} MB offered; server RSS {before >> 20} MB -> peak "
        f"{peak >> 20} MB; session RSS {session_before >> 20} MB -> peak "
        f"{session_peak >> 20} MB"
    )
    assert peak - before < FLOOD_RSS_GROWTH
    assert session_peak - session_before < SESSION_RSS_GROWTH
    assert "Traceback" not in process.stderr()


# The log and refusals


async def test_a_hostile_terminal_type_is_refused_and_logged_harmlessly(
    server: tuple[Server, int], hostile_keys: HostileKeys
) -> None:
    process, port = server
    async with await connect(port, process, "ana", hostile_keys.ana) as connection:
        result = await asyncio.wait_for(
            connection.run(
                term_type="\x1b]2;owned\x07\x1b[2Jxterm", term_size=(80, 24), check=False
            ),
            DEADLINE,
        )
    assert result.exit_status == 2
    assert result.stdout == "byline: the terminal type (TERM) is not a terminal name\r\n"
    log = process.stderr()
    assert "terminal type" in log and "refused" in log
    assert "\x1b" not in log and "\x07" not in log


async def test_a_refusal_to_a_client_that_already_left_is_quiet() -> None:
    from tui.serve.ssh import Hub, Session, SSHOptions

    class GoneChannel:
        def write(self, data: bytes) -> None:
            raise BrokenPipeError(32, "Broken pipe")

        def exit(self, status: int) -> None:
            raise BrokenPipeError(32, "Broken pipe")

        def get_terminal_type(self) -> str:
            return "xterm"

    options = SSHOptions("127.0.0.1", 0, Path("k"), Path("h"), argv=["true"])
    hub = Hub(options, keys=None)  # type: ignore[arg-type]
    hub.stopping = True  # so the session is refused
    session = Session(hub, "ana", "127.0.0.1:1")
    session.connection_made(GoneChannel())  # type: ignore[arg-type]
    await asyncio.wait_for(session._run(), DEADLINE)  # no BrokenPipeError


async def test_an_idle_session_is_closed(hostile_keys: HostileKeys, tmp_path: Path) -> None:
    server, port = start(hostile_keys, tmp_path, "--idle-timeout", "3")
    try:
        async with await connect(port, server, "ana", hostile_keys.ana) as connection:
            screen = await open_session(connection)
            assert await screen.wait_for(lambda lines: HEADLINE in lines[1]), screen.text()
            assert await screen.wait_for(
                lambda lines: any("closed after 3 s without a key" in line for line in lines)
            ), screen.text()
            await asyncio.wait_for(screen.process.wait_closed(), DEADLINE)
            assert screen.process.exit_status == 0
    finally:
        assert server.stop() == 0, server.stderr()
    assert "idle for 3 s; closing the session" in server.stderr()


# What a served session can do


async def test_a_served_session_cannot_save_a_screenshot_on_the_server(
    hostile_keys: HostileKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(downloads))  # the server's, so its sessions'
    server, port = start(hostile_keys, tmp_path)
    try:
        async with await connect(port, server, "ana", hostile_keys.ana) as connection:
            screen = await open_session(connection, (100, 30))
            assert await screen.wait_for(lambda lines: HEADLINE in lines[1]), screen.text()
            screen.process.stdin.write(b"\x10")  # ctrl+p: the command palette
            # Open: its prompt shows (which commands are listed first depends on which provider
            # answers first, so "Theme" may be below the fold).
            assert await screen.wait_for(
                lambda lines: any("Search for commands" in line for line in lines)
            ), screen.text()
            screen.process.stdin.write(b"Screenshot")
            searched = ("Save an SVG", "No matches found")  # the command, or none
            assert await screen.wait_for(
                lambda lines: any(text in line for line in lines for text in searched)
            ), screen.text()
            screen.process.stdin.write(b"\r")
            # A screenshot is saved 0.1 s after the command and says so; give it that and more.
            saved = asyncio.ensure_future(
                screen.wait_for(lambda lines: any("Saved screenshot" in line for line in lines))
            )
            await asyncio.wait([saved], timeout=3)
            saved.cancel()
            if "🔎" in screen.text():  # the palette is still open: close it
                screen.process.stdin.write(b"\x1b")
                assert await screen.wait_for(lambda lines: not any("🔎" in x for x in lines))
            screen.process.stdin.write(b"q")
            await screen.wait_for(lambda lines: False)  # read the last screen, to the end
            await asyncio.wait_for(screen.process.wait_closed(), DEADLINE)
    finally:
        assert server.stop() == 0, server.stderr()
    assert list(downloads.iterdir()) == []


def test_only_served_sessions_lose_the_screenshot_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from textual.screen import Screen as TextualScreen

    from tui.app import BylineApp

    app = BylineApp([])
    monkeypatch.delenv("BYLINE_SERVED", raising=False)
    local = [command.title for command in app.get_system_commands(TextualScreen())]
    monkeypatch.setenv("BYLINE_SERVED", "web")
    served = [command.title for command in app.get_system_commands(TextualScreen())]
    assert "Screenshot" in local
    assert "Screenshot" not in served
    assert "Theme" in served and "Quit" in served


# The web server


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def environment(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(p.decode(errors="replace").split("=", 1) for p in pairs if b"=" in p)


async def no_web_sessions(server: Server) -> None:
    """Wait (bounded) until the web server's sessions have all quit (a closed WebSocket's
    process takes a moment, and holds its place until then)."""
    await all_sessions_ended(server)
    assert not descendants(server.process.pid), server.stderr()


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, int]]:
    from test_serve import free_port

    folder = tmp_path_factory.mktemp("web")
    port = free_port()
    server = Server(
        [
            "--web",
            "--port",
            str(port),
            "--max-sessions",
            "2",
            "--db",
            str(folder / "library.sqlite3"),
        ],
        folder,
    )
    server.first_line()
    yield server, port
    assert server.stop() == 0, server.stderr()


async def websocket_status(
    port: int, origin: str | None, host: str | None = None, query: str = ""
) -> int:
    """The HTTP status a WebSocket upgrade gets (101: a session)."""
    import aiohttp

    headers = {k: v for k, v in (("Origin", origin), ("Host", host)) if v}
    async with aiohttp.ClientSession() as client:
        try:
            async with client.ws_connect(
                f"http://127.0.0.1:{port}/ws{query}",
                headers=headers,
                timeout=aiohttp.ClientWSTimeout(ws_close=5),
            ):
                return 101
        except aiohttp.WSServerHandshakeError as error:
            return error.status


async def http_status(port: int, host: str) -> int:
    import aiohttp

    async with (
        aiohttp.ClientSession() as client,
        client.get(f"http://127.0.0.1:{port}/", headers={"Host": host}) as response,
    ):
        return response.status


async def test_web_refuses_another_site_and_another_host_name(
    web_server: tuple[Server, int],
) -> None:
    server, port = web_server
    here = f"http://127.0.0.1:{port}"
    # A page on another site, or a DNS-rebinding name for this address: no session.
    assert await asyncio.wait_for(websocket_status(port, "http://evil.example"), DEADLINE) == 403
    assert await asyncio.wait_for(websocket_status(port, None), DEADLINE) == 403
    assert (
        await asyncio.wait_for(
            websocket_status(port, "http://evil.example", host="evil.example"), DEADLINE
        )
        == 403
    )
    assert (
        await asyncio.wait_for(websocket_status(port, f"http://127.0.0.1:{port + 1}"), DEADLINE)
        == 403
    )
    assert await asyncio.wait_for(http_status(port, f"evil.example:{port}"), DEADLINE) == 403
    # The server's own page, by address or as localhost: a session.
    assert await asyncio.wait_for(http_status(port, f"localhost:{port}"), DEADLINE) == 200
    assert await asyncio.wait_for(websocket_status(port, here), DEADLINE) == 101
    assert "Origin 'http://evil.example' is not this server's page" in server.stderr()
    await no_web_sessions(server)


async def test_web_sessions_are_capped_and_their_size_clamped(
    web_server: tuple[Server, int],
) -> None:
    import aiohttp

    server, port = web_server
    here = f"http://127.0.0.1:{port}"
    url = f"{here}/ws?width=5000&height=5000"
    await no_web_sessions(server)
    async with aiohttp.ClientSession() as client:
        first = await client.ws_connect(url, headers={"Origin": here})
        second = await client.ws_connect(url, headers={"Origin": here})
        try:
            assert await asyncio.wait_for(websocket_status(port, here), DEADLINE) == 503
            end = time.monotonic() + DEADLINE
            sizes: set[tuple[str, str]] = set()
            while len(sizes) < 1 and time.monotonic() < end:
                for pid in descendants(server.process.pid):
                    with contextlib.suppress(OSError):
                        env = environment(pid)
                        if "COLUMNS" in env:
                            sizes.add((env["COLUMNS"], env["ROWS"]))
                await asyncio.sleep(0.1)
            assert sizes == {("1000", "1000")}
        finally:
            await first.close()
            await second.close()
    # Closed sessions free their places.
    await no_web_sessions(server)
    assert await asyncio.wait_for(websocket_status(port, here), DEADLINE) == 101


# The session's input: the reader reads its terminal no faster than it handles what it read
# (tui/input_pressure.py), and loses nothing.


def test_a_key_flood_in_a_terminal_waits_unread_not_in_the_readers_memory() -> None:
    terminal = Terminal([sys.executable, "-m", "tui.cli", str(DEFAULT_SEED)], 80, 24)
    try:
        assert terminal.wait_for(lambda rows: HEADLINE in rows[1] and "analysing" not in rows[0])
        pid = terminal.pid
        before = peak = rss(pid)

        def sample() -> None:
            nonlocal peak
            peak = max(peak, rss(pid))

        sent = terminal.offer(b"j" * (FLOOD_BYTES >> 7), FLOOD_SECONDS, sample)
        sample()
        print(
            f"key flood in a terminal: {sent} keys taken in {FLOOD_SECONDS:g} s at most; "
            f"reader RSS {before >> 20} MB -> peak {peak >> 20} MB"
        )
        assert sent > 4 * MAX_PENDING  # the reader was flooded: more than it may hold
        assert peak - before < SESSION_RSS_GROWTH
        terminal.send("q")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()


def test_a_burst_of_keys_and_a_pasted_megabyte_arrive_whole_and_in_order(tmp_path: Path) -> None:
    """A note typed as a burst of keys (more than the reader lets wait at once), then a
    bracketed paste of 1 MB, as a local terminal sends them: the note stored is all of it."""
    db = str(tmp_path / "library.sqlite3")
    terminal = Terminal(
        [
            sys.executable,
            "-m",
            "tui.cli",
            "annotate",
            "--db",
            db,
            "--annotator",
            "ana",
            str(DEFAULT_SEED),
        ],
        100,
        30,
    )
    pasted = "".join(f" {number:07d}" for number in range(1 << 17))  # 1 MB
    typed = " ".join(f"k{number:04d}" for number in range(1000))  # 5999 keys
    try:
        assert terminal.wait_for(lambda rows: "pending" in rows[0] and "saved" not in rows[-2])
        terminal.send("M")
        assert terminal.wait_for(lambda rows: any("Note on the article" in r for r in rows))
        burst = f"{typed}\x1b[200~{pasted}\x1b[201~\r".encode()
        assert terminal.offer(burst, terminal.deadline) == len(burst)
        assert terminal.wait_for(lambda rows: "article note saved" in "".join(rows))
        terminal.send("q")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()
    with Library(db) as library:
        session = Annotations(library).session(library.entries()[0].id, "ana")
        note = session.state().note
    assert len(note) == len(typed + pasted)
    assert note == typed + pasted

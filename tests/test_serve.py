"""byline serve: the real server on a loopback port, real SSH clients (asyncssh), the screen
read back with pyte; and the web server answering HTTP. Every wait is bounded."""

from __future__ import annotations

import asyncio
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest
from checkout import REPO_ROOT
from terminal import RemoteTerminal

HEADLINE = "Syrian rebels blame Russia for stalled Aleppo talks"
#: Bounds, not expectations: a session shows its first screen in about a second.
DEADLINE = 30.0


@dataclass
class Keys:
    ana: asyncssh.SSHKey
    stranger: asyncssh.SSHKey
    only_ben: asyncssh.SSHKey
    authorized: Path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    folder = tmp_path_factory.mktemp("keys")
    ana, stranger, only_ben = (asyncssh.generate_private_key("ssh-ed25519") for _ in range(3))
    authorized = folder / "authorized_keys"
    authorized.write_bytes(
        b"# the test's team\n"
        + ana.export_public_key()
        + b'principals="ben" '
        + only_ben.export_public_key()
    )
    return Keys(ana, stranger, only_ben, authorized)


class Server:
    """`byline serve` in a child process; its first line of output says where it listens."""

    def __init__(self, args: list[str], folder: Path) -> None:
        self.folder = folder
        self.errors = (folder / "server.err").open("wb")
        self.terminated = False
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "serve", *args],
            stdout=subprocess.PIPE,
            stderr=self.errors,
            cwd=str(REPO_ROOT),
        )

    def first_line(self) -> str:
        assert self.process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        end = time.monotonic() + DEADLINE
        line = b""
        while not line.endswith(b"\n") and time.monotonic() < end:
            if selector.select(timeout=0.2):
                chunk = os.read(self.process.stdout.fileno(), 1)
                if not chunk:
                    break
                line += chunk
        assert line.endswith(b"\n"), f"no start-up line; stderr: {self.stderr()}"
        return line.decode()

    def terminate(self) -> None:
        self.terminated = True
        self.process.send_signal(signal.SIGTERM)

    def stderr(self) -> str:
        if not self.errors.closed:
            self.errors.flush()
        return (self.folder / "server.err").read_text(errors="replace")

    def stop(self) -> int:
        """SIGTERM, as a service manager would; the exit status."""
        if self.process.poll() is None and not self.terminated:
            self.terminate()
        try:
            return self.process.wait(timeout=DEADLINE)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.errors.close()


def start_ssh(authorized: Path, folder: Path, *options: str) -> tuple[Server, int]:
    """`byline serve --ssh` on a free port, with `authorized` keys and the library in `folder`."""
    server = Server(
        [
            "--ssh",
            "--port",
            "0",
            "--authorized-keys",
            str(authorized),
            "--host-key",
            str(folder / "host_key"),
            "--db",
            str(folder / "library.sqlite3"),
            *options,
        ],
        folder,
    )
    line = server.first_line()
    match = re.search(r"on 127\.0\.0\.1:(\d+) ", line)
    assert match, line
    return server, int(match.group(1))


@pytest.fixture(scope="module")
def ssh_server(
    keys: Keys, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, int]]:
    server, port = start_ssh(keys.authorized, tmp_path_factory.mktemp("ssh"))
    yield server, port
    assert server.stop() == 0, server.stderr()


def known_hosts(server: Server) -> tuple[list[asyncssh.SSHKey], list[asyncssh.SSHKey], list]:
    """Trust exactly the host key the server generated (and kept beside it)."""
    return [asyncssh.read_public_key(server.folder / "host_key.pub")], [], []


class Screen(RemoteTerminal):
    """The client's screen of an SSH session: its output read back with pyte."""

    def __init__(self, process: asyncssh.SSHClientProcess, columns: int, lines: int) -> None:
        super().__init__(process.stdout, columns, lines, DEADLINE)
        self.process = process


async def connect(port: int, server: Server, user: str, key: asyncssh.SSHKey):
    return await asyncssh.connect(
        "127.0.0.1",
        port,
        username=user,
        client_keys=[key],
        known_hosts=known_hosts(server),
        agent_path=None,
    )


async def test_ssh_session_shows_the_article_takes_keys_and_resizes(
    ssh_server: tuple[Server, int], keys: Keys
) -> None:
    server, port = ssh_server
    async with await connect(port, server, "ana", keys.ana) as connection:
        process = await connection.create_process(
            term_type="xterm-256color", term_size=(80, 24), encoding=None
        )
        screen = Screen(process, 80, 24)
        assert await screen.wait_for(lambda lines: HEADLINE in lines[1]), screen.text()
        # At 80 columns the side panel is below the article, shown on demand: `1` opens it.
        process.stdin.write(b"1")
        assert await screen.wait_for(lambda lines: any("Quotes" in line for line in lines)), (
            screen.text()
        )
        # The client's window grows: the session is redrawn at the new size, the side panel
        # beside the article (from 100 columns) and the footer on the new last line.
        process.change_terminal_size(120, 40)
        screen.resize(120, 40)
        assert await screen.wait_for(lambda lines: "▏" in lines[1][60:] and "Quit" in lines[39]), (
            screen.text()
        )
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait_closed(), DEADLINE)
        assert process.exit_status == 0


async def test_ssh_refuses_an_unknown_key_and_a_key_under_another_name(
    ssh_server: tuple[Server, int], keys: Keys
) -> None:
    server, port = ssh_server
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(port, server, "ana", keys.stranger)
    with pytest.raises(asyncssh.PermissionDenied):  # principals="ben": not as anyone else
        await connect(port, server, "ana", keys.only_ben)
    async with await connect(port, server, "ben", keys.only_ben):
        pass
    assert "refused" in server.stderr()


async def test_ssh_without_a_terminal_is_told_to_ask_for_one(
    ssh_server: tuple[Server, int], keys: Keys
) -> None:
    server, port = ssh_server
    async with await connect(port, server, "ana", keys.ana) as connection:
        result = await asyncio.wait_for(connection.run(check=False), DEADLINE)
        assert result.exit_status == 2
        assert "needs a terminal" in result.stdout


async def test_ssh_server_stops_on_sigterm_and_tells_open_sessions(
    keys: Keys, tmp_path: Path
) -> None:
    server, port = start_ssh(keys.authorized, tmp_path)
    try:
        async with await connect(port, server, "ana", keys.ana) as connection:
            process = await connection.create_process(
                term_type="xterm", term_size=(80, 24), encoding=None
            )
            screen = Screen(process, 80, 24)
            assert await screen.wait_for(lambda lines: HEADLINE in lines[1]), screen.text()
            server.terminate()
            assert await screen.wait_for(
                lambda lines: any("server is shutting down" in line for line in lines)
            ), screen.text()
            await asyncio.wait_for(process.wait_closed(), DEADLINE)
    finally:
        assert server.stop() == 0, server.stderr()
    assert "session ended (status 0)" in server.stderr()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_web_server_answers_http_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    server = Server(
        ["--web", "--port", str(port), "--db", str(tmp_path / "library.sqlite3")], tmp_path
    )
    try:
        end = time.monotonic() + DEADLINE
        page = ""
        while time.monotonic() < end and server.process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200
                    page = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert "Byline" in page, server.stderr()
        assert f"ws://127.0.0.1:{port}/ws" in page
    finally:
        assert server.stop() == 0, server.stderr()

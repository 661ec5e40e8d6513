"""`byline serve --ssh`: an SSH server that gives every user their own Byline session.

Each session is a separate `byline` process on a pseudo-terminal (`tui.serve.pty`), bridged to
the SSH channel: the client's keys go in, the screen comes out, the client's terminal type and
window size (and its changes) are the pty's. No custom Textual driver is involved: the session
is Byline exactly as in a local terminal. The annotator is the SSH user name.

Authentication is by public key only, against an OpenSSH `authorized_keys` file (re-read when
it changes). A key may be limited to some user names with the `principals="ana,ben"` option
(a key without it may log in under any name), to some client addresses with `from=`, and in
time with `expiry-time=`. A key with any other option that restricts it (`command=`, `no-pty`,
`restrict`, ...) is refused: Byline does not implement it, and giving such a key a full session
would grant more than its owner meant. The host key is generated on the first start and
kept. On SIGTERM (or ctrl+c) the server stops listening, asks every session to quit (Byline
finishes the action in hand and exits), tells the user, and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from tui.errors import BylineError
from tui.safe_text import shown
from tui.serve import (
    ANNOTATOR_ENV,
    MAX_COLUMNS,
    MAX_LINES,
    REVIEWER_ENV,
    SERVED_ENV,
    base_environment,
)
from tui.serve.pty import PtyProcess

#: Variables a client may send (`SendEnv`) that a session passes on: colour and language.
CLIENT_VARIABLES = ("COLORTERM", "NO_COLOR", "LANG", "LANGUAGE")
#: Longest user name accepted (it becomes the annotator's name).
MAX_USER_NAME = 64
#: A terminal type is a terminfo name: anything else is refused (it reaches the log and the
#: session's terminfo lookup).
TERMINAL_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
#: authorized_keys options Byline enforces (`from`, `principals`, `expiry-time`) or that only
#: forbid what a Byline session never allows anyway (forwarding, X11, agent, ~/.ssh/rc). A key
#: carrying any other option (`command=`, `no-pty`, `restrict`, `environment=`, ...) is refused.
KEY_OPTIONS_ENFORCED = frozenset({"from", "principals", "expiry-time"})
KEY_OPTIONS_ALWAYS_TRUE = frozenset(
    {"no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc", "pty"}
)


def log(message: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    print(f"{stamp} {message}", file=sys.stderr, flush=True)


@dataclass(slots=True)
class SSHOptions:
    host: str
    port: int
    authorized_keys: Path
    host_key: Path
    #: The command every session runs (see `tui.serve.session_argv`).
    argv: list[str]
    max_sessions: int = 32
    #: Sessions open at once under one user name, and with one key (a key without
    #: `principals=` may use any name), at most.
    max_user_sessions: int = 4
    #: Seconds without a key from the client after which a session is closed (0: never).
    idle_timeout: float = 1800.0
    #: User names that may review (`R`: see other annotators' spans); nobody else may.
    reviewers: frozenset[str] = frozenset()
    #: Seconds a session has to quit on shutdown or hang-up before it is killed.
    grace: float = 10.0


class AuthorizedKeys:
    """An OpenSSH authorized_keys file, re-read whenever it changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._keys: asyncssh.SSHAuthorizedKeys | None = None
        self.count = 0

    def load(self) -> None:
        """Read the file now; a missing, unreadable or empty file is a `BylineError`."""
        where = shown(str(self.path))
        try:
            stat = self.path.stat()
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BylineError(
                f"no authorized keys: create '{where}' (OpenSSH authorized_keys: one public "
                "key per line) or pass --authorized-keys FILE"
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise BylineError(f"cannot read authorized keys '{where}': {error}") from None
        try:
            keys = asyncssh.import_authorized_keys(text)
        except (ValueError, asyncssh.KeyImportError):
            raise BylineError(f"authorized keys '{where}' has no valid public key") from None
        self._keys, self._stamp = keys, (stat.st_mtime_ns, stat.st_size)
        self.count = sum(1 for line in text.splitlines() if line.strip() and line[0] != "#")

    def current(self) -> asyncssh.SSHAuthorizedKeys | None:
        """The keys as the file is now; None (nobody gets in) when it has become unreadable."""
        try:
            stat = self.path.stat()
            if (stat.st_mtime_ns, stat.st_size) != self._stamp:
                self.load()
                log(f"authorized keys re-read: {self.count} keys")
        except (OSError, BylineError) as error:
            if self._keys is not None:
                log(f"authorized keys: {error}; refusing every key until it is fixed")
            self._keys, self._stamp = None, None
        return self._keys

    def admits(self, username: str, key: asyncssh.SSHKey, host: str, address: str) -> str:
        """Why `key` may not log in as `username` from `address` ("" when it may)."""
        keys = self.current()
        if keys is None:
            return "no readable authorized keys"
        # As certificate principals: a `principals=` option then limits the names a key may use.
        options = keys.validate(key, host, address, cert_principals=[username])
        if options is None:
            return "not authorized (for this name and address)"
        return refusal_of_options(options)


def refusal_of_options(options: Mapping[str, object], now: float | None = None) -> str:
    """Why a key with these authorized_keys options may not log in now ("" when it may).
    Fails closed: an option Byline does not implement refuses the key."""
    names = {name.lower() for name in options}
    unknown = sorted(names - KEY_OPTIONS_ENFORCED - KEY_OPTIONS_ALWAYS_TRUE - {"restrict"})
    if "restrict" in names and "pty" not in names:
        unknown.append("restrict")  # restrict without pty: no terminal, so no Byline session
    if unknown:
        return f"option {', '.join(shown(name) for name in unknown)} is not supported by Byline"
    for name, value in options.items():
        if name.lower() == "expiry-time":
            for stamp in value if isinstance(value, list) else [value]:
                expiry = parse_expiry_time(str(stamp))
                if expiry is None:
                    return f"expiry-time {shown(str(stamp))!r} is not YYYYMMDD[HHMM[SS]][Z]"
                if (time.time() if now is None else now) >= expiry:
                    return f"key expired (expiry-time {shown(str(stamp))})"
    return ""


def parse_expiry_time(stamp: str) -> float | None:
    """An OpenSSH `expiry-time` (YYYYMMDD[HHMM[SS]], local time, or UTC with a final Z) as a
    Unix time; None when it is not one."""
    import calendar

    utc = stamp.endswith(("Z", "z"))
    digits = stamp[:-1] if utc else stamp
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (8, 12, 14):
        return None
    digits = digits.ljust(14, "0")
    try:
        fields = time.strptime(digits, "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return float(calendar.timegm(fields) if utc else time.mktime(fields))


def host_key(path: Path) -> asyncssh.SSHKey:
    """The server's host key: read from `path`, or generated there on the first start."""
    where = shown(str(path))
    if path.exists():
        try:
            return asyncssh.read_private_key(path)
        except (OSError, ValueError, asyncssh.KeyImportError) as error:
            raise BylineError(f"cannot read host key '{where}': {error}") from None
    key = asyncssh.generate_private_key("ssh-ed25519")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_name(path.name + ".partial")
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(key.export_private_key())
        os.replace(partial, path)
        path.with_name(path.name + ".pub").write_bytes(key.export_public_key())
    except OSError as error:
        raise BylineError(f"cannot write host key '{where}': {error.strerror}") from None
    log(f"generated host key {where}")
    return key


def valid_user_name(name: str) -> bool:
    return (
        0 < len(name) <= MAX_USER_NAME
        and name.isprintable()
        and not any(c.isspace() or c in "/\\" for c in name)
    )


@dataclass(eq=False)
class Hub:
    """What the sessions share: the options, the keys, the count, and shutting down."""

    options: SSHOptions
    keys: AuthorizedKeys
    sessions: set[Session] = field(default_factory=set)
    connections: set[asyncssh.SSHServerConnection] = field(default_factory=set)
    #: Sessions whose client went away, being made to quit.
    reaping: set[asyncio.Future[int]] = field(default_factory=set)
    stopping: bool = False

    def environment(self, username: str, term: str, client: Mapping[str, str]) -> dict[str, str]:
        env = base_environment()
        env.update(
            {k: v for k, v in client.items() if k in CLIENT_VARIABLES or k.startswith("LC_")}
        )
        env.update(
            {
                "TERM": term,
                ANNOTATOR_ENV: username,
                "LOGNAME": username,
                "USER": username,
                SERVED_ENV: "ssh",
            }
        )
        env.pop(REVIEWER_ENV, None)  # the server's own, if set, is nobody's
        if username in self.options.reviewers:
            env[REVIEWER_ENV] = "1"
        return env

    async def shutdown(self) -> None:
        """Ask every session to quit, wait for them (bounded), close every connection."""
        self.stopping = True
        sessions = list(self.sessions)
        if sessions:
            log(f"shutting down: {len(sessions)} session(s) asked to quit")
        await asyncio.gather(*(s.stop() for s in sessions), return_exceptions=True)
        for connection in list(self.connections):
            connection.close()


class Session(asyncssh.SSHServerSession[bytes]):  # bytes: the server runs with encoding=None
    """One SSH session: a `byline` process on a pty, bridged to the channel."""

    def __init__(self, hub: Hub, username: str, peer: str, key: str = "") -> None:
        self.hub = hub
        self.username = username
        self.peer = peer
        #: The fingerprint of the key the client logged in with.
        self.key = key
        self.last_input = time.monotonic()
        self.idle = False
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.pty: PtyProcess | None = None
        self.command: str | None = None
        self.lost = False
        self.task: asyncio.Task[None] | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Mapping[int, int]
    ) -> bool:
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.command = command  # refused with a message once the session starts
        return True

    def session_started(self) -> None:
        self.task = asyncio.ensure_future(self._run())
        self.task.add_done_callback(self._ran)

    def _ran(self, task: asyncio.Task[None]) -> None:
        """A session that failed is one line in the log, not "Task exception was never
        retrieved" with a traceback."""
        if not task.cancelled() and (error := task.exception()) is not None:
            log(f"{self.username}@{self.peer}: session failed: {shown(repr(error))}")

    def _refuse(self, message: str, status: int) -> None:
        assert self.chan is not None
        # The client may have left already: then there is nobody to tell.
        with contextlib.suppress(OSError, asyncssh.Error):
            self.chan.write(f"byline: {message}\r\n".encode())
            self.chan.exit(status)

    def _same_user(self) -> int:
        """Sessions open under this user name or with this key."""
        return sum(
            1
            for s in self.hub.sessions
            if s.username == self.username or (self.key and s.key == self.key)
        )

    async def _run(self) -> None:
        chan = self.chan
        assert chan is not None
        term = chan.get_terminal_type()
        if self.command:
            return self._refuse(
                "this server runs the Byline reader only; connect without a command", 2
            )
        if not term:
            return self._refuse("Byline needs a terminal: connect with 'ssh -t'", 2)
        if not TERMINAL_TYPE.fullmatch(term):
            log(f"{self.username}@{self.peer}: terminal type {shown(term)!r} refused")
            return self._refuse("the terminal type (TERM) is not a terminal name", 2)
        options = self.hub.options
        if self.hub.stopping:
            return self._refuse("the server is shutting down", 1)
        if len(self.hub.sessions) >= options.max_sessions:
            return self._refuse(
                f"the server is full ({options.max_sessions} sessions); try again later", 1
            )
        if self._same_user() >= options.max_user_sessions:
            log(
                f"{self.username}@{self.peer}: refused: {options.max_user_sessions} sessions "
                "open already under this name or key"
            )
            return self._refuse(
                f"you have {options.max_user_sessions} sessions open already "
                "(the most one person may); close one first",
                1,
            )
        columns, lines, width, height = chan.get_terminal_size()
        if columns > MAX_COLUMNS or lines > MAX_LINES:
            return self._refuse(
                f"a {columns}x{lines} window is too large (at most "
                f"{MAX_COLUMNS}x{MAX_LINES}); make it smaller",
                2,
            )
        env = self.hub.environment(self.username, term, chan.get_environment())
        self.hub.sessions.add(self)
        idle_watch: asyncio.Task[None] | None = None
        try:
            try:
                size = (columns or 80, lines or 24)
                self.pty = await PtyProcess.start(
                    options.argv, env, size, self._output, on_input_drained=self._input_drained
                )
            except OSError as error:
                log(f"{self.username}@{self.peer}: cannot start byline: {error}")
                return self._refuse(f"cannot start a session: {error.strerror}", 1)
            if width or height:
                self.pty.resize(columns or 80, lines or 24, width, height)
            log(
                f"{self.username}@{self.peer}: session started (pid {self.pty.pid}, {term}, "
                f"{columns}x{lines}; {len(self.hub.sessions)} open)"
            )
            if options.idle_timeout > 0:
                idle_watch = asyncio.ensure_future(self._watch_idle(options.idle_timeout))
            status = await self.pty.process.wait()
            # What it wrote last (restoring the terminal) is still to be read.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.pty.output_done.wait(), 2)
            self.pty.close()
            log(
                f"{self.username}@{self.peer}: session ended (status {status}"
                f"{'; idle' if self.idle else ''})"
            )
            if not self.lost:
                with contextlib.suppress(OSError, asyncssh.Error):
                    if self.hub.stopping:
                        chan.write(
                            b"\r\nbyline: the server is shutting down; your work is saved.\r\n"
                        )
                    elif self.idle:
                        chan.write(
                            f"\r\nbyline: closed after {options.idle_timeout:g} s "
                            "without a key; your work is saved.\r\n".encode()
                        )
                    chan.exit(status if status >= 0 else 128 - status)
        finally:
            if idle_watch is not None:
                idle_watch.cancel()
            self.hub.sessions.discard(self)

    async def _watch_idle(self, timeout: float) -> None:
        """Close the session once the client has sent no key for `timeout` seconds."""
        while self.pty is not None and self.pty.process.returncode is None:
            left = self.last_input + timeout - time.monotonic()
            if left <= 0:
                self.idle = True
                log(f"{self.username}@{self.peer}: idle for {timeout:g} s; closing the session")
                await self.pty.stop(self.hub.options.grace)
                return
            await asyncio.sleep(left)

    def _output(self, data: bytes) -> None:
        if not self.lost and self.chan is not None:
            self.chan.write(data)

    def data_received(self, data: bytes, datatype: int | None) -> None:
        self.last_input = time.monotonic()
        if self.pty is not None:
            self.pty.write(data)
            if self.pty.input_full and self.chan is not None:
                # Back-pressure: the client's keys wait in its SSH window, not in our memory.
                self.chan.pause_reading()

    def _input_drained(self) -> None:
        if self.chan is not None and not self.lost:
            self.chan.resume_reading()

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if self.pty is not None:  # a window past the limits gets the largest allowed
            self.pty.resize(min(width, MAX_COLUMNS), min(height, MAX_LINES), pixwidth, pixheight)

    def break_received(self, msec: int) -> bool:
        return False

    def pause_writing(self) -> None:
        if self.pty is not None:
            self.pty.pause()

    def resume_writing(self) -> None:
        if self.pty is not None:
            self.pty.resume()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.pty is not None and self.pty.process.returncode is None:
            # The client went away: hang up the terminal; Byline quits (SIGHUP), or is made to.
            self.pty.close()
            self.hub.reaping.add(
                reap := asyncio.ensure_future(self.pty.stop(self.hub.options.grace))
            )
            reap.add_done_callback(self.hub.reaping.discard)

    async def stop(self) -> None:
        """Shutting down: ask Byline to quit; it is killed if it has not within the grace."""
        if self.pty is not None and self.pty.process.returncode is None:
            await self.pty.stop(self.hub.options.grace)
        if self.task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self.task), 5)


class Server(asyncssh.SSHServer):
    """One client connection: public-key authentication, then sessions."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.conn: asyncssh.SSHServerConnection | None = None
        self.peer = ("", 0)
        #: The fingerprint of the last key admitted (the one the client signs with).
        self.key = ""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.peer = conn.get_extra_info("peername")[:2]
        self.hub.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.conn is not None:
            self.hub.connections.discard(self.conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        host, _ = self.peer
        if not valid_user_name(username):
            why = "not a valid user name"
        else:
            why = self.hub.keys.admits(username, key, host, host)
        if why:
            log(f"{shown(username)}@{host}: key {key.get_fingerprint()} refused: {why}")
            return False
        self.key = key.get_fingerprint()
        return True

    def session_requested(self) -> Session | bool:
        if self.conn is None or self.hub.stopping:
            return False
        username = self.conn.get_extra_info("username")
        host, port = self.peer
        return Session(self.hub, username, f"{host}:{port}", self.key)


async def serve(options: SSHOptions) -> int:
    """Run the server until SIGTERM or SIGINT; then shut down cleanly."""
    keys = AuthorizedKeys(options.authorized_keys)
    keys.load()
    key = host_key(options.host_key)
    hub = Hub(options, keys)
    try:
        listener = await asyncssh.create_server(
            lambda: Server(hub),
            options.host,
            options.port,
            server_host_keys=[key],
            encoding=None,
            line_editor=False,
            allow_scp=False,
            keepalive_interval=30,
        )
    except OSError as error:
        raise BylineError(
            f"cannot listen on {options.host}:{options.port}: {error.strerror or error}"
        ) from None
    sockets = listener.sockets
    port = sockets[0].getsockname()[1] if sockets else options.port
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(
        f"byline: serving over SSH on {options.host}:{port} ({keys.count} authorized keys in "
        f"{shown(str(options.authorized_keys))}; host key {key.get_fingerprint()})",
        flush=True,
    )
    print(f"byline: connect with: ssh -p {port} NAME@{options.host}", flush=True)
    await stop.wait()
    listener.close()
    await hub.shutdown()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(listener.wait_closed(), 5)
    log("server stopped")
    return 0


def run(options: SSHOptions) -> int:
    return asyncio.run(serve(options))

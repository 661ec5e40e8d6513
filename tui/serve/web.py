"""`byline serve --web`: Byline in the browser, through textual-serve.

Every browser tab gets its own `byline` process (textual-serve starts the command for each
WebSocket connection and relays the screen to xterm.js). textual-serve has no authentication:
the server binds to loopback by default; to let others in, put it behind a reverse proxy that
authenticates (see the README).

Loopback does not stop a browser: any page the local user opens may try to talk to it. So every
request's `Host` must name this server (an IP address, `localhost`, or the `--public-url`'s
host: a DNS-rebinding name is refused), and a WebSocket's `Origin` must be this server's own
page (same host, or the `--public-url`): another site's page gets 403. At most `max_sessions`
WebSockets are open at once, and window sizes are clamped to `MAX_COLUMNS`x`MAX_LINES`.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tui.errors import BylineError
from tui.safe_text import shown
from tui.serve import MAX_COLUMNS, MAX_LINES, REVIEWER_ENV, SERVED_ENV, TERMINAL_VARIABLES

if TYPE_CHECKING:
    from aiohttp import web


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def clamp_size(width: object, height: object) -> tuple[int, int]:
    """A window size from the browser (any JSON or query value), within 1..MAX."""

    def clamp(value: object, default: int, most: int) -> int:
        try:
            number = int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError, OverflowError):
            return default
        return max(1, min(number, most))

    return clamp(width, 80, MAX_COLUMNS), clamp(height, 24, MAX_LINES)


#: Seconds a web session has to quit once its browser has gone, before it is killed.
QUIT_GRACE = 10.0


def note(message: str) -> None:
    """A line in the server's log (stderr)."""
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, lower-case (as browsers send `Origin`)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class RequestCheck:
    """Which `Host` and `Origin` headers this server answers."""

    def __init__(self, public_url: str | None) -> None:
        self.public = origin_of(public_url) if public_url else None
        self.public_host = urlsplit(public_url).netloc.lower() if public_url else None

    def host_refusal(self, host: str | None) -> str:
        """Why a request with this `Host` is refused ("" when it is not)."""
        if not host:
            return "no Host header"
        host = host.lower()
        if host == self.public_host:
            return ""
        name = urlsplit(f"//{host}").hostname or ""
        if name == "localhost":
            return ""
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return f"Host {shown(host)!r} is not this server"
        return ""

    def origin_refusal(self, origin: str | None, host: str) -> str:
        """Why a WebSocket from a page of this `Origin` is refused ("" when it is not)."""
        if not origin:
            return "no Origin header"
        origin = origin.lower()
        if origin == self.public or origin in (f"http://{host.lower()}", f"https://{host.lower()}"):
            return ""
        return f"Origin {shown(origin)!r} is not this server's page"


def make_server(
    command: str, host: str, port: int, public_url: str | None, max_sessions: int
) -> Any:
    """A textual-serve `Server` with the checks above (textual-serve is imported only here)."""
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    class ClampedAppService(AppService):
        """The size the browser asks for (any JSON value) within 1..MAX."""

        async def start(self, width: object, height: object) -> None:
            await super().start(*clamp_size(width, height))

        async def set_terminal_size(self, width: object, height: object) -> None:
            await super().set_terminal_size(*clamp_size(width, height))

        async def stop(self) -> None:
            """As textual-serve's, and then wait for the process to be gone (killed after a
            grace): until then it holds its place among the `max_sessions`."""
            import asyncio

            await super().stop()
            process = self._process
            if process is not None and process.returncode is None:
                try:
                    await asyncio.wait_for(process.wait(), QUIT_GRACE)
                except TimeoutError:
                    process.kill()
                    await process.wait()

    check = RequestCheck(public_url)

    @web.middleware
    async def refuse_other_sites(request: web.Request, handler: Any) -> web.StreamResponse:
        why = check.host_refusal(request.headers.get("Host"))
        if not why and request.path == "/ws":
            why = check.origin_refusal(request.headers.get("Origin"), request.host)
        if why:
            note(f"refused {shown(request.path)!r} from {request.remote}: {why}")
            raise web.HTTPForbidden(text=f"byline: {why}\n")
        return await handler(request)

    class BylineServer(Server):
        sessions = 0

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(refuse_other_sites)
            return app

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            if self.sessions >= max_sessions:
                raise web.HTTPServiceUnavailable(
                    text=f"byline: the server is full ({max_sessions} sessions); try again later\n"
                )
            self.sessions += 1
            note(f"session started (from {request.remote}; {self.sessions} open)")
            try:
                return await self._session(request)
            finally:
                self.sessions -= 1
                note(f"session ended ({self.sessions} open)")

        async def _session(self, request: web.Request) -> web.WebSocketResponse:
            """textual-serve's `handle_websocket`, with the size clamped."""
            import asyncio
            import logging

            websocket = web.WebSocketResponse(heartbeat=15)
            width, height = clamp_size(
                request.query.get("width", 80), request.query.get("height", 24)
            )
            app_service: ClampedAppService | None = None

            async def close() -> None:  # (aiohttp's close returns whether it closed: not wanted)
                await websocket.close()

            try:
                await websocket.prepare(request)
                app_service = ClampedAppService(
                    self.command,
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                await app_service.start(width, height)
                try:
                    await self._process_messages(websocket, app_service)
                finally:
                    await app_service.stop()
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # as textual-serve: one session's failure is logged
                logging.getLogger("textual-serve").error("session failed: %s", error)
            finally:
                if app_service is not None:
                    await app_service.stop()
            return websocket

        async def _process_messages(
            self, websocket: web.WebSocketResponse, app_service: AppService
        ) -> None:
            """textual-serve's loop, but a malformed message is ignored, not a traceback."""
            from aiohttp import WSMsgType

            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = message.json()
                    kind, data = envelope[0], envelope[1]
                except (ValueError, TypeError, KeyError, IndexError):
                    continue
                if kind == "stdin" and isinstance(data, str):
                    await app_service.send_bytes(data.encode("utf-8", "replace"))
                elif kind == "resize" and isinstance(data, dict):
                    width, height = clamp_size(data.get("width"), data.get("height"))
                    await app_service.set_terminal_size(width, height)
                elif kind == "ping":
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()

    return BylineServer(command, host=host, port=port, title="Byline", public_url=public_url)


def run(
    host: str, port: int, argv: list[str], public_url: str | None = None, max_sessions: int = 8
) -> int:
    """Serve `argv` (one process per browser session) on host:port until ctrl+c or SIGTERM."""
    if not is_loopback(host):
        print(
            f"byline: warning: serving on {host} without authentication: anyone who can reach "
            "it can use Byline (put it behind an authenticating reverse proxy)",
            file=sys.stderr,
            flush=True,
        )
    for name in TERMINAL_VARIABLES:  # sessions draw in the browser, not in this terminal
        os.environ.pop(name, None)
    os.environ[SERVED_ENV] = "web"  # the sessions inherit it
    os.environ.pop(REVIEWER_ENV, None)  # web users are not told apart: none reviews
    server = make_server(shlex.join(argv), host, port, public_url, max_sessions)
    print(f"byline: serving in the browser on http://{host}:{port}/", flush=True)
    try:
        server.serve()
    except OSError as error:
        raise BylineError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return 0

"""http(s) URLs: fetched, then read as a feed when they are one and as HTML otherwise.

A fetch has one overall deadline (a server that trickles a byte at a time cannot keep it
going), follows at most `MAX_REDIRECTS` redirects, only to http(s), and, when the first
address was public, never to a private or loopback one (a page cannot send Byline into the
local network). Every message is one line, whatever the server sends.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui import __version__
from tui.errors import BylineError
from tui.loaders.base import MAX_BYTES
from tui.safe_text import one_line, shown

if TYPE_CHECKING:
    import urllib.request

#: Each connect or read may wait this long...
TIMEOUT_SECONDS = 20
#: ... and the whole fetch, redirects and body included, this long.
DEADLINE_SECONDS = 60
MAX_REDIRECTS = 10

#: Whether a connected socket's peer address (`getpeername()`) is on the public internet.
AddressCheck = Callable[[tuple[Any, ...]], bool]


def is_url(name: str) -> bool:
    return name.lower().startswith(("http://", "https://"))


def is_public_address(address: tuple[Any, ...]) -> bool:
    """False for loopback, private, link-local, shared (CGNAT), reserved and unspecified
    addresses, IPv4 ones written as IPv6 included."""
    try:
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def fetch(
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    deadline: float = DEADLINE_SECONDS,
    allow_private: bool = False,
    is_public: AddressCheck = is_public_address,
) -> tuple[bytes, str]:
    """The body of `url` and its content type; a one-line error when it cannot be fetched.
    `allow_private`: follow a public URL's redirect to a private address too."""
    import http.client  # here, not at the top: urllib.request costs ~50 ms at every start
    import urllib.error
    import urllib.request

    guard = _Guard(url, deadline, allow_private, is_public)
    opener = urllib.request.build_opener(*_handlers(guard))
    request = urllib.request.Request(url, headers={"User-Agent": f"byline/{__version__}"})
    timer = threading.Timer(deadline, guard.expire)
    timer.daemon = True
    timer.start()
    try:
        with opener.open(request, timeout=min(TIMEOUT_SECONDS, deadline)) as response:
            data = response.read(max_bytes + 1)
            kind = response.headers.get_content_type()
        guard.check_time()
    except BylineError:
        raise
    except urllib.error.HTTPError as error:
        guard.check_time()
        status = one_line(f"HTTP {error.code} {error.reason}")
        raise BylineError(f"cannot fetch '{shown(url)}': {status}") from None
    except urllib.error.URLError as error:
        guard.check_time()
        reason = error.reason if isinstance(error.reason, str) else _reason(error.reason)
        raise BylineError(
            f"cannot fetch '{shown(url)}': {one_line(reason)} (are you offline?)"
        ) from None
    except TimeoutError:
        raise BylineError(f"cannot fetch '{shown(url)}': timed out (are you offline?)") from None
    except (OSError, ValueError, EOFError, http.client.HTTPException) as error:
        # a bad port, a connection reset mid-body, a body cut short
        guard.check_time()
        raise BylineError(f"cannot fetch '{shown(url)}': {one_line(_reason(error))}") from None
    finally:
        timer.cancel()
    if len(data) > max_bytes:
        raise BylineError(
            f"cannot fetch '{shown(url)}': larger than "
            f"{max_bytes / (1 << 20):g} MB (see --max-size)"
        )
    return data, kind


class _Guard:
    """One fetch's deadline and address rule, applied to every connection it opens."""

    def __init__(self, url: str, deadline: float, allow_private: bool, is_public: AddressCheck):
        self.url = url
        self.target = url  # where the current connection goes
        self.deadline = deadline
        self.ends = time.monotonic() + deadline
        self.allow_private = allow_private
        self.is_public = is_public
        self.first_public: bool | None = None  # set by the first connection
        self.redirects = 0
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def connected(self, sock: socket.socket) -> None:
        """Called as each connection opens, before anything is sent on it."""
        with self._lock:
            if self.expired:
                sock.close()
                raise self._late()
            self._sockets.append(sock)
        peer = sock.getpeername()
        public = self.is_public(peer)
        if self.first_public is None:
            self.first_public = public
        elif self.first_public and not public and not self.allow_private:
            sock.close()
            where = one_line(str(peer[0]))
            raise BylineError(
                f"cannot fetch '{shown(self.url)}': redirected to "
                f"'{shown(self.target)}', a private address ({where}); "
                "refused"
            )

    def redirected(self, target: str) -> None:
        from urllib.parse import urlsplit

        self.redirects += 1
        self.target = target
        if self.redirects > MAX_REDIRECTS:
            raise BylineError(f"cannot fetch '{shown(self.url)}': too many redirects (a loop?)")
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            raise BylineError(
                f"cannot fetch '{shown(self.url)}': redirected to "
                f"'{shown(target)}', which is not http(s); refused"
            )

    def expire(self) -> None:
        """The deadline passed: unblock every read (shutting a socket down wakes its reader)."""
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def check_time(self) -> None:
        if self.expired or time.monotonic() > self.ends:
            raise self._late()

    def _late(self) -> BylineError:
        return BylineError(
            f"cannot fetch '{shown(self.url)}': no answer within {self.deadline:g} s"
        )


def _handlers(guard: _Guard) -> list[urllib.request.BaseHandler]:
    """urllib's http, https and redirect handlers, each connection and redirect checked."""
    import http.client
    import urllib.error
    import urllib.request

    def guarded(base: type[http.client.HTTPConnection]) -> Any:
        class Guarded(base):  # type: ignore[valid-type, misc]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self._create_connection = self._connect_guarded

            def _connect_guarded(self, address: Any, *args: Any, **kwargs: Any) -> socket.socket:
                sock = socket.create_connection(address, *args, **kwargs)
                guard.connected(sock)
                return sock

        return Guarded

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req: Any) -> Any:
            return self.do_open(guarded(http.client.HTTPConnection), req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req: Any) -> Any:
            return self.do_open(guarded(http.client.HTTPSConnection), req, context=self._context)  # type: ignore[attr-defined]

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_repeats = max_redirections = MAX_REDIRECTS + 2  # ours is checked first, in one line

        def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
            from urllib.parse import urljoin

            location = headers.get("location") or headers.get("uri")
            if location:
                guard.redirected(urljoin(req.full_url, location))
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    return [HTTP(), HTTPS(), Redirects()]


def _reason(error: object) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__

"""`byline serve --web`: Byline in the browser, through textual-serve.

Every browser tab gets its own `byline` process (textual-serve starts the command for each
WebSocket connection and relays the screen to xterm.js). textual-serve has no authentication:
the server binds to loopback by default; to let others in, put it behind a reverse proxy that
authenticates (see the README).
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys

from tui.errors import BylineError
from tui.serve import TERMINAL_VARIABLES


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(host: str, port: int, argv: list[str], public_url: str | None = None) -> int:
    """Serve `argv` (one process per browser session) on host:port until ctrl+c or SIGTERM."""
    from textual_serve.server import Server

    if not is_loopback(host):
        print(f"byline: warning: serving on {host} without authentication: anyone who can reach "
              "it can use Byline (put it behind an authenticating reverse proxy)",
              file=sys.stderr, flush=True)  # fmt: skip
    for name in TERMINAL_VARIABLES:  # sessions draw in the browser, not in this terminal
        os.environ.pop(name, None)
    server = Server(shlex.join(argv), host=host, port=port, title="Byline", public_url=public_url)
    print(f"byline: serving in the browser on http://{host}:{port}/", flush=True)
    try:
        server.serve()
    except OSError as error:
        raise BylineError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return 0

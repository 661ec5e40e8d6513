"""`byline serve`: its options, and starting the SSH or the web server (in tui/serve)."""

from __future__ import annotations

from pathlib import Path

from tui.cli.options import Parser
from tui.errors import BylineError, UsageError

DEFAULT_SSH_PORT = 2222
DEFAULT_WEB_PORT = 8000
DEFAULT_SSH_SESSIONS = 32
#: Lower than over SSH: a web session is a heavier process, and its users are not told apart.
DEFAULT_WEB_SESSIONS = 8


def serve_parser() -> Parser:
    parser = Parser(
        prog="byline serve",
        description="Serve Byline to several people at once, each in a session of their own on "
        "the shared library: over SSH (public keys only; the annotator is the SSH user name) "
        "or in the browser (textual-serve; no authentication of its own). Both bind to "
        "loopback unless --host says otherwise. SIGTERM or ctrl+c stops the server: sessions "
        "finish the action in hand and are told.",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--ssh", action="store_true", help="an SSH server (asyncssh)")
    mode.add_argument("--web", action="store_true", help="a web server (textual-serve)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port",
        type=int,
        metavar="N",
        help=f"port (default: {DEFAULT_SSH_PORT} for --ssh, {DEFAULT_WEB_PORT} "
        "for --web; 0 with --ssh: any free port, printed)",
    )
    parser.add_argument(
        "--authorized-keys",
        metavar="FILE",
        help="--ssh: OpenSSH authorized_keys of the people let in (a key's "
        'principals="a,b" option limits the user names it may use; default: '
        "authorized_keys in the user config directory)",
    )
    parser.add_argument(
        "--host-key",
        metavar="FILE",
        help="--ssh: the server's private host key, generated there on the "
        "first start (default: ssh_host_ed25519_key in the user data "
        "directory)",
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        metavar="N",
        help="sessions open at once, at most (default: 32 for --ssh, 8 for --web)",
    )
    parser.add_argument(
        "--max-user-sessions",
        type=int,
        default=4,
        metavar="N",
        help="--ssh: sessions open at once under one user name or with one key, "
        "at most (default: 4)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=1800,
        metavar="SECONDS",
        help="--ssh: close a session after this long without a key from its "
        "client (the work is saved; default: 1800; 0: never)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="--web: the address browsers use, when behind a reverse proxy "
        "(e.g. https://byline.example.org)",
    )
    parser.add_argument(
        "--annotate",
        action="store_true",
        help="sessions open in annotation mode (byline annotate) as the SSH "
        "user; without it, the reader ('a' there annotates too)",
    )
    parser.add_argument(
        "--reviewers",
        metavar="NAME,...",
        default="",
        help="--ssh: the user names that may review (R: compare their "
        "annotations with other annotators'); in served sessions nobody else "
        "sees another annotator's work (default: nobody)",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="articles each session opens (default: the bundled seed)",
    )
    parser.add_argument("--model", metavar="NAME", help="installed spaCy pipeline")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="the shared library (default: $BYLINE_DB, else library.sqlite3 in "
        "the user data directory)",
    )
    return parser


def run_serve(argv: list[str]) -> int:
    """`byline serve`: the serve extra (asyncssh, textual-serve) is imported only when it runs."""
    args = serve_parser().parse_args(argv)
    if args.ssh and args.public_url:
        raise UsageError("--public-url is for --web")
    if args.web and (args.authorized_keys or args.host_key or args.reviewers):
        raise UsageError("--authorized-keys, --host-key and --reviewers are for --ssh")
    port = args.port
    if port is None:
        port = DEFAULT_SSH_PORT if args.ssh else DEFAULT_WEB_PORT
    if not 0 <= port <= 65535 or (args.web and port == 0):
        raise UsageError(f"--port must be 1-65535{'' if args.web else ' (or 0)'}")
    _check_host(args.host)
    if args.max_sessions is None:
        args.max_sessions = DEFAULT_SSH_SESSIONS if args.ssh else DEFAULT_WEB_SESSIONS
    if args.max_sessions < 1 or args.max_user_sessions < 1:
        raise UsageError("--max-sessions and --max-user-sessions must be at least 1")
    if not args.idle_timeout >= 0:  # also NaN
        raise UsageError("--idle-timeout must be 0 (never) or more seconds")

    from tui.serve import session_argv
    from tui.store import Library
    from tui.store.db import db_path

    db = db_path(args.db).absolute()
    with Library(db):  # created and migrated once here, not by the first sessions at once
        pass
    paths = [p if p == "-" or "://" in p else str(Path(p).absolute()) for p in args.paths]
    if "-" in paths:
        raise UsageError("serve cannot read an article from standard input; give a file")
    argv_ = session_argv(db, args.model, paths, args.annotate)
    _require("textual_serve" if args.web else "asyncssh")
    if args.web:
        from tui.serve import web

        return web.run(args.host, port, argv_, args.public_url, args.max_sessions)

    import platformdirs

    from tui.serve import ssh

    options = ssh.SSHOptions(
        host=args.host,
        port=port,
        authorized_keys=Path(args.authorized_keys)
        if args.authorized_keys
        else platformdirs.user_config_path("byline", appauthor=False) / "authorized_keys",
        host_key=Path(args.host_key)
        if args.host_key
        else platformdirs.user_data_path("byline", appauthor=False) / "ssh_host_ed25519_key",
        argv=argv_,
        max_sessions=args.max_sessions,
        max_user_sessions=args.max_user_sessions,
        idle_timeout=args.idle_timeout,
        reviewers=frozenset(name.strip() for name in args.reviewers.split(",") if name.strip()),
    )
    return ssh.run(options)


def _check_host(host: str) -> None:
    """A host is printed (in the log, the address served): one with controls or blanks is no
    host name or address, and is refused without echoing its escape codes."""
    from tui.safe_text import is_safe, one_line

    if not host or not is_safe(host) or any(c.isspace() for c in host):
        raise UsageError(f"--host '{one_line(host)}': not a host name or address")


def _require(module: str) -> None:
    """The serve extra is optional: without it, say how to install it (not a traceback)."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise BylineError(
            f"byline serve needs {module.replace('_', '-')}: install Byline with its 'serve' "
            "extra (pip install -e '.[serve]', or make run)"
        )

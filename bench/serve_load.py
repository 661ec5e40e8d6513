"""Load test of `byline serve --ssh`: concurrent SSH sessions annotating one library at once.

    .venv/bin/python -m bench.serve_load [--sessions 10] [--actions 100] [--size 100x30]

Starts the real server (`byline serve --ssh --annotate`) on a free loopback port with a fresh
library holding the seed article (analysed once beforehand, so no session loads spaCy), and one
key per annotator (`principals="annotatorN"`: each key may log in only under its own name).
Then N asyncssh clients connect at once, each under its own user name, and each performs M
annotation actions by keystroke in its `byline annotate` session: `y` (accept the current
suggestion) and `x` (reject it), alternately. A key's round trip is from sending it until the
client's screen (pyte) shows `saved #K` for that action: the key crossed SSH and the pty, the
store committed the action, and the repaint came back. Every action waits for the one before
it, as a person does; the sessions run at the same time.

Afterwards the library is checked: every annotator has exactly M decided spans and M
accept/reject rows in its log (N*M actions in all), and SQLite's integrity check passes.
Prints the round-trip percentiles (p50, p95, max), time to the first screen, and the totals.
Wall-clock figures on this machine: compare runs, don't treat them as promises. Bounded: at
most 50 sessions and 500 actions each, every wait has a deadline, loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.terminal import RemoteTerminal  # noqa: E402
from tui import DEFAULT_SEED  # noqa: E402

SAVED = re.compile(r"saved #(\d+)")
#: Longest wait for any one thing (the first screen, one action's repaint).
STEP_DEADLINE = 60.0
#: Longest the whole run may take.
RUN_DEADLINE = 900.0


@dataclass
class Result:
    user: str
    first_screen: float = 0.0
    round_trips: list[float] = field(default_factory=list)
    exit_status: int | None = None
    error: str = ""


class Screen(RemoteTerminal):
    """The client's screen of one session (tests/terminal.py)."""

    def __init__(self, process: asyncssh.SSHClientProcess, columns: int, lines: int) -> None:
        super().__init__(process.stdout, columns, lines, STEP_DEADLINE)

    def saved(self) -> int:
        """The highest `saved #K` on screen (0: none)."""
        found = [int(m.group(1)) for line in self.display for m in SAVED.finditer(line)]
        return max(found, default=0)


async def session(
    port: int,
    user: str,
    key: asyncssh.SSHKey,
    host_key: asyncssh.SSHKey,
    actions: int,
    size: tuple[int, int],
) -> Result:
    result = Result(user)
    started = time.perf_counter()
    trusted = ([host_key], [], [])
    async with asyncssh.connect(
        "127.0.0.1", port, username=user, client_keys=[key], known_hosts=trusted, agent_path=None
    ) as connection:
        process = await connection.create_process(
            term_type="xterm-256color", term_size=size, encoding=None
        )
        screen = Screen(process, *size)
        # Ready: the machine's suggestions are in (the first action of this annotator's log).
        if not await screen.until(lambda: screen.saved() >= 1):
            result.error = "no first screen:\n" + screen.text()
            return result
        result.first_screen = time.perf_counter() - started
        done = screen.saved()
        for number in range(actions):
            key = b"y" if number % 2 == 0 else b"x"
            sent = time.perf_counter()
            process.stdin.write(key)
            if not await screen.until(lambda d=done: screen.saved() > d):
                result.error = f"action {number + 1} not saved:\n" + "\n".join(
                    screen.screen.display
                )
                return result
            result.round_trips.append(time.perf_counter() - sent)
            done = screen.saved()
        process.stdin.write(b"q")
        await asyncio.wait_for(process.wait_closed(), STEP_DEADLINE)
        result.exit_status = process.exit_status
    return result


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def check_library(db: Path, users: list[str], actions: int) -> list[str]:
    problems = []
    connection = sqlite3.connect(db)
    try:
        for user in users:
            logged = connection.execute(
                "SELECT count(*) FROM annotation_log WHERE annotator = ? AND kind IN "
                "('accept', 'reject')",
                (user,),
            ).fetchone()[0]
            decided = connection.execute(
                "SELECT count(*) FROM annotation_spans WHERE annotator = ? AND status != 'pending'",
                (user,),
            ).fetchone()[0]
            if logged != actions or decided != actions:
                problems.append(
                    f"{user}: {logged} actions logged, {decided} spans decided, expected {actions}"
                )
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity check: {integrity}")
    finally:
        connection.close()
    return problems


def total_actions(db: Path) -> int:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(
            "SELECT count(*) FROM annotation_log WHERE kind IN ('accept', 'reject')"
        ).fetchone()[0]
    finally:
        connection.close()


async def run(sessions: int, actions: int, size: tuple[int, int], folder: Path) -> int:
    db = folder / "library.sqlite3"
    users = [f"annotator{n}" for n in range(sessions)]
    keys = [asyncssh.generate_private_key("ssh-ed25519") for _ in users]
    authorized = folder / "authorized_keys"
    authorized.write_bytes(
        b"".join(
            f'principals="{user}" '.encode() + key.export_public_key()
            for user, key in zip(users, keys, strict=True)
        )
    )
    subprocess.run(
        [sys.executable, "-m", "tui.cli", "add", "--analyze", "--db", str(db), str(DEFAULT_SEED)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    errors = (folder / "server.err").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui.cli",
            "serve",
            "--ssh",
            "--annotate",
            "--port",
            "0",
            "--authorized-keys",
            str(authorized),
            "--host-key",
            str(folder / "host_key"),
            "--db",
            str(db),
            "--max-sessions",
            str(sessions),
        ],
        stdout=subprocess.PIPE,
        stderr=errors,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(server.stdout.readline), STEP_DEADLINE)
        match = re.search(rb"on 127\.0\.0\.1:(\d+) ", line)
        if not match:
            print(f"the server did not start: {line!r}", file=sys.stderr)
            return 1
        port = int(match.group(1))
        host_key = asyncssh.read_public_key(folder / "host_key.pub")
        print(
            f"{sessions} SSH sessions x {actions} annotation actions (y/x alternately), "
            f"{size[0]}x{size[1]}, server on 127.0.0.1:{port}"
        )
        began = time.perf_counter()
        results = await asyncio.wait_for(
            asyncio.gather(
                *(
                    session(port, user, key, host_key, actions, size)
                    for user, key in zip(users, keys, strict=True)
                ),
                return_exceptions=True,
            ),
            RUN_DEADLINE,
        )
        elapsed = time.perf_counter() - began
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            status = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            status = server.wait()
        errors.close()
    failed = False
    for result in results:
        if isinstance(result, BaseException):
            print(f"a session failed: {result!r}", file=sys.stderr)
            failed = True
        elif result.error or result.exit_status != 0:
            print(
                f"{result.user}: {result.error or f'exit status {result.exit_status}'}",
                file=sys.stderr,
            )
            failed = True
    good = [r for r in results if isinstance(r, Result)]
    trips = [t for r in good for t in r.round_trips]
    firsts = [r.first_screen for r in good if r.first_screen]
    stored = total_actions(db)
    print(f"actions performed: {len(trips)} of {sessions * actions}; in the library: {stored}")
    if trips:
        print(
            f"keystroke round trip (key sent -> 'saved #K' on the client's screen): "
            f"p50 {statistics.median(trips) * 1000:.0f} ms, "
            f"p95 {percentile(trips, 0.95) * 1000:.0f} ms, "
            f"max {max(trips) * 1000:.0f} ms"
        )
        print(
            f"throughput: {len(trips) / elapsed:.0f} actions/s over {elapsed:.1f} s "
            "(all sessions, connection and start-up included)"
        )
    if firsts:
        print(
            f"connect -> first screen with suggestions: p50 {statistics.median(firsts):.2f} s, "
            f"max {max(firsts):.2f} s"
        )
    problems = check_library(db, users, actions)
    for problem in problems:
        print(f"library: {problem}", file=sys.stderr)
    print(
        f"library check: {'FAILED' if problems else 'ok'} (per annotator {actions} actions "
        f"logged and {actions} spans decided; integrity ok); server exit status {status}"
    )
    return 1 if failed or problems or status != 0 or stored != sessions * actions else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.serve_load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--actions", type=int, default=100)
    parser.add_argument("--size", default="100x30", help="terminal COLSxLINES")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 50 or not 1 <= args.actions <= 500:
        parser.error("--sessions 1-50, --actions 1-500")
    columns, lines = (int(n) for n in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="byline-serve-load-") as folder:
        return asyncio.run(run(args.sessions, args.actions, (columns, lines), Path(folder)))


if __name__ == "__main__":
    sys.exit(main())

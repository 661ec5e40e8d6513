"""The ordered writer behind annotation mode: store calls run in the order they were made, each
outcome is handed back only once its transaction committed (another connection to the file
sees it), an error stops nothing after it, and closing waits for what was submitted."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from tui.errors import BylineError
from tui.loaders import load_text
from tui.store import Library
from tui.store.annotations import Action, Annotations
from tui.store.writer import OrderedWriter, Outcome

TEXT = "Maria Lopez said the strike at the port of Rotterdam would go on, officials said."


def committed_seqs(db: Path, annotator: str) -> list[int]:
    """The log as a separate connection sees it: only what was committed."""
    with sqlite3.connect(db) as other:
        rows = other.execute(
            "SELECT seq FROM annotation_log WHERE annotator = ? ORDER BY seq", (annotator,)
        )
        return [seq for (seq,) in rows]


def test_jobs_run_in_order_and_each_outcome_comes_after_its_commit(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    article = load_text(TEXT)
    words = [(i, i + len(w)) for i, w in _words(TEXT)]
    delivered: list[tuple[int, Action | None, list[int]]] = []
    writer_threads: set[str] = set()
    all_done = threading.Event()
    with Library(db) as library:
        library.add([article])
        session = Annotations(library).session(article, "ana")

        def deliver(done, outcome: Outcome) -> None:  # type: ignore[no-untyped-def]
            done(outcome)

        writer = OrderedWriter(deliver)
        for n, (start, end) in enumerate(words):

            def job(start: int = start, end: int = end) -> Action | None:
                writer_threads.add(threading.current_thread().name)
                return session.create("PERSON", start, end)

            def done(outcome: Outcome[Action | None], n: int = n) -> None:
                # What a screen would show as "saved #N" is already in the file.
                delivered.append((n, outcome.value, committed_seqs(db, "ana")))
                if n == len(words) - 1:
                    all_done.set()

            writer.submit(job, done)
        assert all_done.wait(60)
        writer.close()
        history = session.history()

    assert threading.current_thread().name not in writer_threads
    assert [n for n, _, _ in delivered] == list(range(len(words)))
    seqs = [action.seq for _, action, _ in delivered if action is not None]
    assert seqs == list(range(1, len(words) + 1))  # the log's order is the submission order
    for _, action, seen in delivered:
        assert action is not None and action.seq in seen
    created = [a for a in history if a.kind == "create"]
    assert [a.spans[0] for a in created] == sorted(a.spans[0] for a in created)
    assert [a.summary for a in created] == [f"created PERSON '{TEXT[s:e]}'" for s, e in words]


def test_an_error_is_an_outcome_and_the_jobs_after_it_still_run(tmp_path: Path) -> None:
    outcomes: list[Outcome[int]] = []
    writer = OrderedWriter()

    def failing() -> int:
        raise BylineError("span out of range")

    def broken() -> int:
        raise ValueError("a bug")

    for job in (lambda: 1, failing, broken, lambda: 4):
        writer.submit(job, outcomes.append)
    writer.close()
    assert [o.value for o in outcomes] == [1, None, None, 4]
    assert str(outcomes[1].error) == "span out of range"
    assert isinstance(outcomes[2].error, BylineError) and "a bug" in str(outcomes[2].error)


def test_close_waits_for_the_writes_submitted(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    article = load_text(TEXT)
    started = threading.Event()
    release = threading.Event()
    with Library(db) as library:
        library.add([article])
        session = Annotations(library).session(article, "ana")
        writer = OrderedWriter()

        def slow() -> Action | None:
            started.set()
            release.wait(60)
            return session.create("PERSON", 0, 11)

        writer.submit(slow, lambda _: None)
        writer.submit(lambda: session.mark_done(True), lambda _: None)
        assert started.wait(60)
        assert committed_seqs(db, "ana") == []
        release.set()
        writer.close()
        assert committed_seqs(db, "ana") == [1, 2]


def _words(text: str) -> list[tuple[int, str]]:
    import re

    return [(m.start(), m.group()) for m in re.finditer(r"[A-Z]\w+", text)]

"""The annotation store: actions committed one by one, undo/redo across restarts, annotators
kept apart, the log and the stored state always agreeing, and a killed writer losing nothing."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tui.analysis import cached_analysis
from tui.errors import BylineError
from tui.export import LeftOut, collect
from tui.model import Analysis, Article, Claim, EntityMention, Quote
from tui.store import Library
from tui.store.annotations import (
    ACCEPTED,
    ANNOTATOR,
    MACHINE,
    PENDING,
    REJECTED,
    Annotations,
    Span,
    compare,
    default_annotator,
    suggestions,
    take_side,
)

TEXT = 'Jane Doe said: "We will win." Officials in Paris said the vote was fair.'
ARTICLE = Article(text=TEXT, title="Vote")
ANALYSIS = Analysis(
    entities=[
        EntityMention(0, 8, "PERSON", "Jane Doe", 0),
        EntityMention(42, 47, "GPE", "Paris", 1),
    ],
    quotes=[Quote(16, 28, "We will win.", "Jane Doe", 0, 8)],
    claims=[Claim(53, 71, "the vote was fair", "Officials", 30, 39)],
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "lib.sqlite3"


@pytest.fixture
def store(path: Path) -> Annotations:
    with Library(path) as library:
        yield Annotations(library)


def committed_log(path: Path) -> list[tuple[int, str]]:
    """The log as another connection sees it: only what was committed."""
    with sqlite3.connect(path) as other:
        return other.execute("SELECT seq, kind FROM annotation_log ORDER BY seq").fetchall()


def test_commits_are_synced_to_disk(store: Annotations) -> None:
    with store.library.reading() as db:
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: power cuts too


def test_suggestions_are_pending_and_added_once(store: Annotations) -> None:
    session = store.session(ARTICLE, "ana")
    assert not session.exists
    first = session.suggest(ANALYSIS)
    assert first is not None and first.kind == "suggest" and len(first.spans) == 4
    assert session.suggest(ANALYSIS) is None  # the first analysis stays the reference
    spans = session.spans()
    assert [(s.label, s.start, s.end) for s in spans] == [
        ("PERSON", 0, 8),
        ("QUOTE", 16, 28),
        ("GPE", 42, 47),
        ("CLAIM", 53, 71),
    ]
    assert {(s.status, s.origin) for s in spans} == {(PENDING, MACHINE)}
    quote = session.spans("quote")[0]
    assert (quote.speaker, quote.speaker_start, quote.speaker_end) == ("Jane Doe", 0, 8)
    claim = session.spans("claim")[0]
    assert (claim.speaker, claim.kind) == ("Officials", "claim")
    state = session.state()
    assert (state.progress.pending, state.progress.decided, state.can_undo) == (4, 0, False)


def test_every_action_is_committed_before_it_returns(store: Annotations, path: Path) -> None:
    session = store.session(ARTICLE, "ana")
    session.suggest(ANALYSIS)
    person, quote, place, claim = (s.id for s in session.spans())
    steps = [
        lambda: session.accept(person),
        lambda: session.reject(place),
        lambda: session.create("ORG", 30, 39),
        lambda: session.move(quote, start=15),
        lambda: session.relabel(person, "ORG"),
        lambda: session.set_speaker(claim, "Paris officials", 30, 47),
        lambda: session.set_note(quote, "check the audio"),
        lambda: session.set_article_note("one quote only"),
        lambda: session.mark_done(),
        lambda: session.delete(place),
        session.undo,
        session.redo,
    ]
    for step in steps:
        action = step()
        assert action is not None
        assert committed_log(path)[-1] == (action.seq, action.kind)
    state = session.state()
    assert state.done and state.note == "one quote only"
    moved = session.span(quote)
    assert (moved.start, moved.status, moved.note) == (15, ACCEPTED, "check the audio")
    assert session.span(claim).speaker == "Paris officials"
    session.check()


def test_editing_a_suggestion_accepts_it(store: Annotations) -> None:
    session = store.session(ARTICLE, "ana")
    session.suggest(ANALYSIS)
    person, quote, place, _ = (s.id for s in session.spans())
    session.relabel(person, "ORG")
    session.set_speaker(quote, "Someone else")
    session.move(place, end=46)
    assert [s.status for s in session.spans()] == [ACCEPTED, ACCEPTED, ACCEPTED, PENDING]
    assert session.span(quote).speaker_start is None  # a typed name, no mention


def test_nothing_to_change_writes_nothing(store: Annotations, path: Path) -> None:
    session = store.session(ARTICLE, "ana")
    session.suggest(ANALYSIS)
    session.accept(1)
    before = committed_log(path)
    assert session.accept(1) is None
    assert session.mark_done(False) is None
    assert session.undo() is not None and session.redo() is not None
    assert session.redo() is None
    assert committed_log(path) == [*before, (3, "undo"), (4, "redo")]


def test_bad_actions_are_one_line_errors_and_write_nothing(store: Annotations, path: Path) -> None:
    session = store.session(ARTICLE, "ana")
    session.suggest(ANALYSIS)
    before = committed_log(path)
    with pytest.raises(BylineError, match="no span 99"):
        session.accept(1, 99)  # the first id is fine: still nothing is written
    with pytest.raises(BylineError, match="0 <= start < end"):
        session.create("PERSON", 5, len(TEXT) + 1)
    with pytest.raises(BylineError, match="not a label"):
        session.create("TWO WORDS", 0, 3)
    with pytest.raises(BylineError, match="already a span labelled PERSON"):
        session.create("PERSON", 0, 8)
    with pytest.raises(BylineError, match="only a QUOTE or a CLAIM"):
        session.set_speaker(1, "Jane")
    with pytest.raises(BylineError, match="cannot be pending"):
        session.reset(session.create("ORG", 30, 39).spans[0])
    assert committed_log(path) == [*before, (2, "create")]
    assert session.span(1).status == PENDING


def test_undo_redo_chain_survives_reopening(path: Path) -> None:
    with Library(path) as library:
        session = Annotations(library).session(ARTICLE, "ana")
        session.suggest(ANALYSIS)
        session.accept(1)
        session.reject(2)
        created = session.create("ORG", 30, 39).spans[0]
        session.mark_done()
        assert session.undo().kind == "undo"  # not done any more
        assert session.undo().target == 4  # the created span is gone
        states = session.state()
    assert not states.done and created not in {s.id for s in states.spans}
    assert states.can_undo and states.can_redo

    with Library(path) as library:  # a new process, in effect
        session = Annotations(library).session(ARTICLE, "ana")
        assert session.redo().target == 4
        assert session.span(created).label == "ORG"
        assert session.undo().target == 4
        assert session.undo().target == 3
        assert session.undo().target == 2
        assert session.undo() is None  # the suggestions themselves are not undone
        assert [s.status for s in session.spans()] == [PENDING] * 4
        assert session.redo().target == 2
        session.relabel(1, "ORG")  # something new: the rest of the redo chain is gone
        assert session.redo() is None
        assert session.state().can_redo is False
        session.check()
        kinds = [a.kind for a in session.history()]
    assert kinds == [
        "suggest",
        "accept",
        "reject",
        "create",
        "done",
        "undo",
        "undo",
        "redo",
        "undo",
        "undo",
        "undo",
        "redo",
        "relabel",
    ]


def test_random_actions_log_and_state_always_agree(path: Path) -> None:
    chance = random.Random(6)
    with Library(path) as library:
        session = Annotations(library).session(ARTICLE, "ana")
        session.suggest(ANALYSIS)
        for step in range(400):
            ids = [s.id for s in session.spans()]
            choice = chance.randrange(10)
            try:
                if choice < 3:
                    session.undo()
                elif choice < 5:
                    session.redo()
                elif choice == 5 or not ids:
                    start = chance.randrange(len(TEXT) - 1)
                    session.create(chance.choice(["ORG", "QUOTE"]), start, start + 1)
                elif choice == 6:
                    session.reject(chance.choice(ids))
                elif choice == 7:
                    session.delete(chance.choice(ids))
                elif choice == 8:
                    session.mark_done(chance.random() < 0.5)
                else:
                    session.move(chance.choice(ids), end=min(len(TEXT), chance.randrange(2, 70)))
            except BylineError:
                pass  # e.g. a duplicate span or end before start: refused, nothing written
            if step % 50 == 0:
                session.check()
        session.check()
        final = session.state()
    with Library(path) as library:
        reopened = Annotations(library).session(ARTICLE, "ana")
        assert reopened.state() == final
        reopened.check()


def test_two_annotators_keep_separate_annotations(store: Annotations) -> None:
    ana, ben = store.session(ARTICLE, "ana"), store.session(ARTICLE, "ben")
    for session in (ana, ben):
        session.suggest(ANALYSIS)
    ana.accept(1, 2)
    ana.mark_done()
    ben.reject(1)
    ben.set_speaker(2, "Someone else")
    assert ana.undo().target == 3  # ana's undo is ana's own
    assert ben.state().progress.rejected == 1 and ben.span(2).speaker == "Someone else"
    assert [s.status for s in ana.spans()][:2] == [ACCEPTED, ACCEPTED]
    assert store.annotators() == ["ana", "ben"]
    differences = compare(store, ARTICLE, "ana", "ben")
    assert [(d.start, d.reason) for d in differences] == [(0, "only ana"), (16, "speaker")]
    # A reviewer takes sides.
    review = store.session(ARTICLE, "rev")
    review.adopt(differences[1].b)
    assert [(s.label, s.speaker, s.status) for s in review.spans()] == [
        ("QUOTE", "Someone else", ACCEPTED)
    ]


def test_taking_a_side_is_one_transaction_no_writer_gets_between(
    store: Annotations, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taking the side that has no span reads the reviewer's spans and removes their copy in
    one transaction: another window of the same annotator (another connection to the file)
    cannot change that copy in between, so the take never removes an edit it did not decide on
    (issue 15: it was a read, then a delete, in two)."""
    ana = store.session(ARTICLE, "ana")
    created = ana.create("PERSON", 0, 8)
    assert created is not None
    (mine,) = created.spans
    (found,) = compare(store, ARTICLE, "ana", "ben")
    assert found.reason == "only ana"
    library = store.library
    transactions: list[str] = []
    saved: list[Any] = []
    with Library(path) as elsewhere:
        other_window = Annotations(elsewhere).session(ARTICLE, "ana")

        def entered(name: str, opened: Any) -> Any:
            @contextmanager
            def transaction() -> Iterator[sqlite3.Connection]:
                if transactions and not saved:  # the take is between two transactions
                    saved.append(other_window.relabel(mine, "ORG"))
                transactions.append(name)
                with opened() as db:
                    yield db

            return transaction

        monkeypatch.setattr(library, "reading", entered("reading", library.reading))
        monkeypatch.setattr(library, "writing", entered("writing", library.writing))
        take_side(ana, found, "b")  # ben has no span there: ana drops her copy
        monkeypatch.undo()
    kept = [(s.label, s.start, s.end) for s in ana.spans()]
    assert ("PERSON", 0, 8) not in kept  # the decision is taken
    assert kept == [("ORG", 0, 8)] * len(saved)  # and nothing the other window saved is lost
    assert transactions == ["writing"]
    ana.check()


def test_done_marks_and_only_accepted(store: Annotations) -> None:
    other = Article(text="A second article about Rome.", title="Rome")
    ana = store.session(ARTICLE, "ana")
    ana.suggest(ANALYSIS)
    ana.accept(1)
    ana.reject(3)
    ana.create("ORG", 30, 39)
    ana.mark_done()
    store.session(other, "ana").create("GPE", 23, 27)
    store.session(ARTICLE, "ben").suggest(ANALYSIS)

    assert [(i.annotator, i.done) for i in store.sessions()] == [
        ("ana", True),
        ("ben", False),
        ("ana", False),
    ]
    assert [i.annotator for i in store.sessions(done=True)] == ["ana"]
    library = store.library
    left_out = LeftOut()
    everything = list(collect(library, left_out=left_out))
    # ben only has untouched suggestions: nothing decided, nothing exported (but counted).
    assert [(r.annotator, len(r.spans)) for r in everything] == [("ana", 5), ("ana", 1)]
    assert left_out.undecided == 1
    done = list(collect(library, done=True))
    assert [(r.article.title, r.annotator, r.done) for r in done] == [("Vote", "ana", True)]
    accepted = list(collect(library, annotator="ana", only_accepted=True))
    assert [[(s.label, s.origin) for s in r.spans] for r in accepted] == [
        [("PERSON", MACHINE), ("ORG", ANNOTATOR)],
        [("GPE", ANNOTATOR)],
    ]
    assert all(s.status == ACCEPTED for r in accepted for s in r.spans)
    assert list(collect(library, annotator="ben", only_accepted=True)) == []
    ana.undo()
    assert [i.done for i in store.sessions(annotator="ana")] == [False, False]
    assert store.session(ARTICLE, "ana").state().progress.rejected == 1


def test_suggestions_from_a_real_analysis(nlp: Any, seed: Article, store: Annotations) -> None:
    analysis = cached_analysis(store.library, seed, lambda: nlp)
    session = store.session(seed)
    assert session.annotator == default_annotator()
    session.suggest(analysis)
    spans = session.spans()
    expected = suggestions(analysis)
    assert len(spans) == len(expected) and len(spans) >= 40
    assert sum(s.kind == "quote" for s in spans) == sum(q.kind == "quote" for q in analysis.quotes)
    for span in spans:
        assert 0 <= span.start < span.end <= len(seed.text)
    session.accept_pending("quote")
    assert {s.status for s in session.spans("quote")} == {ACCEPTED}
    assert session.undo().kind == "undo"
    assert {s.status for s in session.spans("quote")} == {PENDING}


def test_replace_all_keeps_unchanged_spans(store: Annotations) -> None:
    session = store.session(ARTICLE, "ana")
    session.suggest(ANALYSIS)
    kept = session.spans()[:2]
    action = session.replace_all([*kept, Span(0, "ORG", 30, 39)], note="n", done=True)
    assert action is not None and action.kind == "replace"
    state = session.state()
    assert [s.id for s in state.spans] == [1, 2, 5] and state.done and state.note == "n"
    session.undo()
    assert len(session.spans()) == 4 and not session.state().done


def test_two_connections_writing_one_session_interleave_cleanly(path: Path) -> None:
    """Two processes (here two connections) on one annotator's article: every action reads the
    state inside its own transaction, so the log has no gaps and the state follows it."""
    with Library(path) as first, Library(path) as second:
        one = Annotations(first).session(ARTICLE, "ana")
        two = Annotations(second).session(ARTICLE, "ana")
        one.suggest(ANALYSIS)
        assert two.suggest(ANALYSIS) is None  # it sees the other's suggestions
        one.accept(1)
        two.reject(1)
        assert one.span(1).status == REJECTED
        assert one.undo().target == 3  # the other connection's action: the last one done
        assert two.undo().target == 2
        assert [a.seq for a in two.history()] == [1, 2, 3, 4, 5]
        one.check()


KILLED_WRITER = """
import sys
from tui.errors import BylineError
from tui.model import Article
from tui.store import Library
from tui.store.annotations import Annotations

session = Annotations(Library(sys.argv[1])).session(Article(text=sys.argv[2]), "ana")
i = 0
while True:
    try:
        action = session.create("ORG", i % 50, i % 50 + 1 + i // 50) if i % 3 else session.undo()
    except BylineError:  # there already (an earlier run made it)
        action = None
    if action is not None:
        print(action.seq, flush=True)  # shown as saved
    i += 1
"""


def test_a_killed_writer_loses_no_saved_action(path: Path) -> None:
    """SIGKILL a real process in the middle of writing actions, several times: every action it
    reported as saved is in the log, the state agrees with the log, the file is intact."""
    text = "x" * 400
    with Library(path):
        pass  # created and migrated
    saved: list[int] = []
    for _ in range(3):
        writer = subprocess.Popen(
            [sys.executable, "-c", KILLED_WRITER, str(path), text],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        for _ in range(40):
            saved.append(int(writer.stdout.readline()))
        writer.kill()
        writer.wait()
        writer.stdout.close()
    with Library(path) as library:
        with library.reading() as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            logged = {seq for (seq,) in db.execute("SELECT seq FROM annotation_log")}
            data = [json.loads(d) for (d,) in db.execute("SELECT data FROM annotation_log")]
        assert set(saved) <= logged and data
        Annotations(library).session(Article(text=text), "ana").check()

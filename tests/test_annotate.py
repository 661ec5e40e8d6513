"""Annotation mode, driven through Pilot: every key, the undo/redo chain, auto-advance, two
annotators and the review. The analysis is the real one (spaCy), the store a real SQLite file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from waiting import until

from tui.app import BylineApp
from tui.loaders import load_text
from tui.model import Analysis, Article
from tui.nlp.analyze import analyze_text
from tui.screens.annotate import AnnotateScreen
from tui.screens.annotate_prompts import NotePrompt, SpeakerPicker
from tui.screens.reader import ReaderScreen
from tui.screens.review import ReviewScreen
from tui.store import Library
from tui.store.annotations import ACCEPTED, PENDING, REJECTED, Annotations, Span
from tui.widgets.article_view import ENTITY_LABELS
from tui.widgets.reader_bar import ReaderBar

SIZE = (160, 48)
#: Pilot's own press: returns once the app is idle, not once the writes it started committed.
PRESS = Pilot.press


@pytest.fixture(autouse=True)
def _presses_wait_for_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key's store call commits on the writer thread: `pilot.press` returns once every write
    it started has committed and every key held meanwhile has been applied."""

    async def press_and_settle(self: Pilot, *keys: str) -> None:
        await PRESS(self, *keys)
        await settled(self)

    monkeypatch.setattr(Pilot, "press", press_and_settle)


async def settled(pilot: Pilot) -> None:
    """No write in flight and no key held, twice around a pause (a key replayed after a write
    is on its way to the bindings in between)."""
    while True:
        await until(pilot, lambda: not _writing(pilot.app))
        await pilot.pause(0.05)
        if not _writing(pilot.app):
            return


def _writing(app: object) -> bool:
    screens = getattr(app, "screen_stack", [])
    return bool(getattr(app, "keys_held", False)) or any(
        getattr(screen, "writes", 0) for screen in screens
    )


@pytest.fixture(scope="session")
def seed_analysis(nlp, seed: Article) -> Analysis:
    return analyze_text(seed.text, nlp)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library(tmp_path / "library.sqlite3") as library:
        yield library


def annotating(
    library: Library, articles: list[Article], analysis: Analysis | None, who: str = "ana"
) -> BylineApp:
    def analyse(article: Article) -> Analysis:
        return analysis if analysis is not None and article is articles[0] else Analysis()

    return BylineApp(articles, analyser=analyse, library=library, annotate=True, annotator=who)


async def ready(pilot: Pilot) -> AnnotateScreen:
    """Wait until the screen is mounted and the suggestions are in the store and drawn."""
    screen = pilot.app.screen
    assert isinstance(screen, AnnotateScreen)

    def drawn() -> bool:
        analysis = screen.analyses.get(screen.current)
        if not screen.ready or screen.state is None or analysis is None:
            return False
        return bool(screen.state.suggested or not analysis.entities)

    await until(pilot, drawn)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


def current(screen: AnnotateScreen) -> Span:
    span = screen.current_span()
    assert span is not None
    return span


def status(screen: AnnotateScreen) -> str:
    return str(screen.status.render())


async def test_opens_with_pending_suggestions_and_progress(
    library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    app = annotating(library, [seed], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        spans = list(screen.spans.values())
        assert spans and all(s.status == PENDING for s in spans)
        assert screen.query_one(ReaderBar).position == (
            f"article 1/1 · {len(spans)} pending · 0 decided"
        )
        first = current(screen)  # the first pending quote, marked, its row highlighted
        assert first.label == "QUOTE" and first.speaker == "Rami Abdel Rahman"
        assert screen.view.mark == (first.start, first.end)
        assert screen.panel.active == "quotes"
        assert status(screen).startswith("saved #1 ")  # the suggestions, committed


async def test_y_enter_x_decide_and_move_to_the_next_pending(
    library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    app = annotating(library, [seed], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        quotes = screen.queue.ordered("quote")
        await pilot.press("y")
        assert screen.spans[quotes[0].id].status == ACCEPTED
        assert current(screen).id == quotes[1].id
        assert status(screen) == "saved #2 accepted 1 span"
        await pilot.press("enter")
        assert screen.spans[quotes[1].id].status == ACCEPTED
        await pilot.press("x")
        assert screen.spans[quotes[2].id].status == REJECTED
        assert current(screen).id == quotes[3].id
        assert status(screen) == "saved #4 rejected 1 span"
        assert "3 decided" in screen.query_one(ReaderBar).position
        # What the screen says is what the store has: another connection sees it.
        with Library(library.path) as other:
            session = Annotations(other).session(seed, "ana")
            statuses = {s.id: s.status for s in session.spans()}
            assert [statuses[q.id] for q in quotes[:3]] == [ACCEPTED, ACCEPTED, REJECTED]
            assert [a.seq for a in session.history()] == [1, 2, 3, 4]


async def test_auto_advance_goes_on_to_claims_then_says_when_nothing_is_left(
    library: Library, nlp
) -> None:
    article = load_text(
        'Talks\n\n"We will not leave," said Jane Doe. Officials said the talks had failed.\n',
        "t.txt",
    )
    analysis = analyze_text(article.text, nlp)
    app = annotating(library, [article], analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        kinds = {s.kind for s in screen.spans.values()}
        assert {"quote", "claim"} <= kinds
        for _ in screen.queue.ordered("quote"):
            assert current(screen).kind == "quote"
            await pilot.press("y")
        assert current(screen).kind == "claim"  # on to the next kind by itself
        assert screen.panel.active == "claims"
        pending = sum(s.status == PENDING for s in screen.spans.values())
        await pilot.press(*["y"] * pending)
        assert all(s.status == ACCEPTED for s in screen.spans.values())
        assert status(screen).startswith("Nothing pending here")
        await pilot.press("m")
        assert screen.state is not None and screen.state.done
        assert screen.query_one(ReaderBar).position.endswith("· done")


async def test_selection_and_label_keys_create_spans(library: Library) -> None:
    text = 'Talks\n\nThe mayor, Ann Lee, said: "Bridges matter." Nobody came.\n'
    article = load_text(text, "t.txt")
    app = annotating(library, [article], None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        text = article.text
        view = screen.view
        # Word-wise: to "Ann", select two words, 1 = PERSON (the legend's first label).
        view.place_cursor(0)
        await pilot.press("right_curly_bracket", "w", "w", "w")  # The mayor , Ann
        assert text[view.cursor :].startswith("Ann Lee")
        await pilot.press("v", "w", "w", "1")
        person = current(screen)
        assert (person.label, text[person.start : person.end]) == ("PERSON", "Ann Lee")
        assert view.selection is None
        assert status(screen) == "saved #2 created PERSON 'Ann Lee'"  # 1: no suggestions
        # Character-wise: select the quotation with its marks; q trims them off.
        view.place_cursor(text.index("“") if "“" in text else text.index('"'))
        await pilot.press("v", *["right"] * len('"Bridges matter."'), "q")
        quote = current(screen)
        assert (quote.label, text[quote.start : quote.end]) == ("QUOTE", "Bridges matter.")
        # Clause-wise: `)` stops before punctuation; c makes a claim.
        view.place_cursor(text.index("Nobody"))
        await pilot.press("v", "right_parenthesis", "c")
        claim = current(screen)
        assert (claim.label, text[claim.start : claim.end]) == ("CLAIM", "Nobody came")
        # No selection: a label key only explains itself.
        await pilot.press("5")
        assert "Select text first" in status(screen)
        assert {s.origin for s in screen.spans.values()} == {"annotator"}
        await pilot.press("q")  # no selection: q quits, as in the reader
        assert not app.is_running


async def test_shift_arrows_nudge_d_deletes_r_relabels(library: Library) -> None:
    article = load_text("Talks\n\nThe New York Times reported it on Monday.\n", "t.txt")
    app = annotating(library, [article], None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        text = article.text
        screen.view.place_cursor(text.index("New"))
        await pilot.press("v", "w", "w", "2")  # "New York" as ORG
        span = current(screen)
        assert text[span.start : span.end] == "New York"
        await pilot.press("shift+right")  # the end one word right
        assert text[current(screen).start : current(screen).end] == "New York Times"
        await pilot.press("shift+up")  # the start one word left
        assert text[current(screen).start : current(screen).end] == "The New York Times"
        await pilot.press("shift+down", "shift+left", "shift+right")
        assert text[current(screen).start : current(screen).end] == "New York Times"
        await pilot.press("r", "3")  # relabel: r, then a label key
        assert current(screen).label == "GPE"
        await pilot.press("r", "escape")
        assert "cancelled" in status(screen)
        assert current(screen).label == "GPE"
        await pilot.press("d")
        assert not screen.spans
        assert status(screen).endswith("deleted 1 span")


async def claim_by_keys(pilot: Pilot, screen: AnnotateScreen, claim: Span) -> None:
    """Make `claim` the current span as an annotator does: 2 (the claims), then j."""
    await pilot.press("2")
    for _ in range(len(screen.queue.ordered("claim"))):
        if current(screen).id == claim.id:
            return
        await pilot.press("j")
    assert current(screen).id == claim.id


async def test_s_picks_a_speaker_by_type_ahead_or_a_typed_name(
    library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    app = annotating(library, [seed], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("2")  # claims
        wrong = next(s for s in screen.queue.ordered("claim") if s.speaker == "UN")
        await claim_by_keys(pilot, screen, wrong)
        await pilot.press("s")
        assert isinstance(app.screen, SpeakerPicker)
        await pilot.press("j", "a", "b", "enter")
        fixed = screen.spans[wrong.id]
        assert (fixed.speaker, fixed.status) == ("Jabhat Fateh al-Sham", ACCEPTED)
        assert seed.text[fixed.speaker_start : fixed.speaker_end] == "Jabhat Fateh al-Sham"
        assert current(screen).id != wrong.id  # a decision: on to the next pending
        # A name that is not in the article is kept as typed (no mention offsets).
        await claim_by_keys(pilot, screen, wrong)
        await pilot.press("s", *"Zed Q", "enter")
        assert (screen.spans[wrong.id].speaker, screen.spans[wrong.id].speaker_start) == (
            "Zed Q",
            None,
        )
        await pilot.press("s", "escape")  # cancelled: nothing written
        assert status(screen).startswith("saved #3 ")


async def typed_at_once(pilot: Pilot, *keys: str) -> None:
    """Keys as a paste or a fast typist sends them: all queued before the app handles the
    first (Pilot's own press waits for the app to be idle after each key)."""
    for key in keys:
        char = {"enter": "\r", "escape": "\x1b", "space": " "}.get(key, key)
        pilot.app.post_message(events.Key(key, char))
    await settled(pilot)


async def test_keys_typed_in_one_burst_with_s_reach_the_picker(
    library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    """`s` and the name after it in one burst: the picker opens, and the letters typed while it
    did filter it; Enter takes the name they matched, not the nearest one."""
    app = annotating(library, [seed], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("2")
        wrong = next(s for s in screen.queue.ordered("claim") if s.speaker == "UN")
        await claim_by_keys(pilot, screen, wrong)
        await typed_at_once(pilot, "s", "j", "a", "b", "enter")
        assert app.screen is screen
        fixed = screen.spans[wrong.id]
        assert (fixed.speaker, fixed.status) == ("Jabhat Fateh al-Sham", ACCEPTED)
        await claim_by_keys(pilot, screen, wrong)
        # A typed name, and a key after Enter: it is the annotation screen's again (y accepts).
        await typed_at_once(pilot, "s", "Z", "e", "d", "space", "Q", "enter", "y")
        assert app.screen is screen and screen.spans[wrong.id].speaker == "Zed Q"
        assert status(screen) == "saved #4 accepted 1 span"


def test_the_speaker_picker_on_screen(
    snap_compare: Callable[..., bool], tmp_path: Path, nlp
) -> None:
    """`s` on a quote, then "Do": the picker over the dimmed article, its candidates filtered
    to the names with a word starting so, and the typed text offered as a new name."""
    article = load_text(
        'Port talks\n\n"We will not leave," said Jane Doe of the Dockers Union in Rotterdam. '
        "Donald Dodd, the port's director, said the talks had failed.\n",
        "talks.txt",
    )
    analysis = analyze_text(article.text, nlp)
    library = Library(tmp_path / "snapshot.sqlite3")

    async def s_then_do(pilot: Pilot) -> None:
        await ready(pilot)
        await pilot.press("s", "D", "o")
        await pilot.pause()

    try:
        app = annotating(library, [article], analysis)
        assert snap_compare(app, terminal_size=SIZE, run_before=s_then_do)
    finally:
        library.close()


async def test_notes_on_a_span_and_on_the_article(
    library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    app = annotating(library, [seed], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        span = current(screen)
        await pilot.press("N")
        assert isinstance(app.screen, NotePrompt)
        await pilot.press(*"check [b]this[/b]", "enter")
        assert screen.spans[span.id].note == "check [b]this[/b]"
        assert "✎" in screen.panel.list_for("quotes").rows[0].who
        await pilot.press("M", *"second pass", "enter")
        assert screen.state is not None and screen.state.note == "second pass"


async def test_undo_redo_chain_is_unlimited_and_survives_a_restart(
    library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    app = annotating(library, [seed], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        before = {s.id: s.status for s in screen.spans.values()}
        await pilot.press("y", "x", "y", "y", "x")
        after = {s.id: s.status for s in screen.spans.values()}
        await pilot.press(*["u"] * 5)
        assert {s.id: s.status for s in screen.spans.values()} == before
        await pilot.press("u")
        assert status(screen) == "Nothing to undo"
        await pilot.press("ctrl+r", "ctrl+r", "ctrl+r")
        await pilot.press("ctrl+r", "ctrl+r")
        assert {s.id: s.status for s in screen.spans.values()} == after
        await pilot.press("u", "u")  # two undone, left for the next session to redo
    middle = Annotations(library).session(seed, "ana").state()
    assert middle.can_redo and middle.can_undo
    app = annotating(library, [seed], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("ctrl+r", "ctrl+r")
        assert {s.id: s.status for s in screen.spans.values()} == after
        await pilot.press("ctrl+r")
        assert status(screen) == "Nothing to redo"
    Annotations(library).session(seed, "ana").check()  # the log and the state agree


async def test_brackets_move_between_articles_each_with_its_own_session(
    library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    other = load_text("Second\n\nAngela Merkel visited Paris on Monday.\n", "two.txt")
    app = annotating(library, [seed, other], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("y")
        assert screen.query_one(ReaderBar).position.startswith("article 1/2 · ")
        await pilot.press("right_square_bracket")
        assert screen.current == 1
        assert screen.query_one(ReaderBar).position.startswith("article 2/2 · 0 pending")
        screen.view.place_cursor(other.text.index("Paris"))
        await pilot.press("v", "w", "3", "m")
        await pilot.press("left_square_bracket")
        assert screen.current == 0 and "1 decided" in screen.query_one(ReaderBar).position
    store = Annotations(library)
    assert [(s.label, s.start) for s in store.session(other, "ana").spans()] == [
        ("GPE", other.text.index("Paris"))
    ]
    assert store.session(other, "ana").state().done
    store.session(seed, "ana").mark_done()
    third = load_text("Third\n\nNobody said anything.\n", "three.txt")
    app = annotating(library, [seed, other, third], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        assert screen.current == 2  # reopened at the first article not marked done


async def test_two_annotators_are_kept_apart_and_a_review_adopts_a_side(
    library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    for who, key in (("ana", "y"), ("ben", "x")):
        app = annotating(library, [seed], seed_analysis, who=who)
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await pilot.press(key)
    store = Annotations(library)
    first = store.session(seed, "ana").spans("quote")[0]
    assert first.status == ACCEPTED
    assert store.session(seed, "ben").spans("quote")[0].status == REJECTED
    app = annotating(library, [seed], seed_analysis, who="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("R")
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert [(d.start, d.reason) for d in review.disagreements] == [(first.start, "only ana")]
        await pilot.press("b")  # ben did not accept it: ana drops her copy
        assert review.disagreements == []
        await pilot.press("escape")
        assert app.screen is screen
        assert first.id not in screen.spans


async def test_served_annotators_review_only_when_named_reviewers(
    library: Library, seed: Article, seed_analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`byline serve`: annotators never see each other's spans; `--reviewers` may (issue 17)."""
    from tui.screens.review import NOT_A_REVIEWER

    for who in ("ana", "ben"):
        app = annotating(library, [seed], seed_analysis, who=who)
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await pilot.press("y")
    monkeypatch.setenv("BYLINE_SERVED", "ssh")
    monkeypatch.delenv("BYLINE_REVIEWER", raising=False)
    app = annotating(library, [seed], seed_analysis, who="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        await pilot.press("R")
        await pilot.pause()
        assert app.screen is screen
        assert NOT_A_REVIEWER in status(screen)
    monkeypatch.setenv("BYLINE_REVIEWER", "1")
    app = annotating(library, [seed], seed_analysis, who="ana")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("R")
        assert isinstance(app.screen, ReviewScreen)


def test_only_the_named_reviewers_sessions_may_review(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.serve.ssh import Hub, SSHOptions

    monkeypatch.setenv("BYLINE_REVIEWER", "1")  # the server's own: passed to nobody
    options = SSHOptions(
        "127.0.0.1", 0, Path("k"), Path("h"), argv=["true"], reviewers=frozenset({"rita"})
    )
    hub = Hub(options, keys=None)  # type: ignore[arg-type]
    rita, ana = (hub.environment(name, "xterm", {}) for name in ("rita", "ana"))
    assert rita["BYLINE_REVIEWER"] == "1" and rita["BYLINE_SERVED"] == "ssh"
    assert "BYLINE_REVIEWER" not in ana and ana["BYLINE_SERVED"] == "ssh"


async def test_a_in_the_reader_opens_annotation_mode_and_a_comes_back(
    library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    app = BylineApp([seed], analyser=lambda _: seed_analysis, library=library)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.ready)
        await pilot.press("a")
        screen = await ready(pilot)
        assert screen.pushed
        # The annotation stylesheet came with the screen (the reader's app does not load it).
        assert screen.view.get_component_rich_style("annotation--pending", partial=True).dim
        await pilot.press("y", "a")
        assert type(app.screen) is ReaderScreen


async def test_help_lists_the_annotation_keys(
    library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    app = annotating(library, [seed], seed_analysis)
    async with app.run_test(size=(100, 80)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        text = "\n".join(str(s.render()) for s in app.screen.query(".help-keys"))
        keys = (
            "Accept",
            "Reject",
            "Speaker",
            "Undo",
            "Redo",
            "Relabel",
            "Delete",
            "Note",
            "Done",
            "Select",
            "Next word",
            "End one word right",
            "Quit",
            "Next match",
            "Side panel",
            "Command palette",
        )
        for description in keys:
            assert description in text, description


async def test_untrusted_names_stay_literal_in_rows_and_status(library: Library) -> None:
    article = load_text("T\n\n[bold]Eve[/bold] said \x1b[31mhi\x1b[0m there.\n", "t.txt")
    app = annotating(library, [article], None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        screen.view.place_cursor(0)
        await pilot.press("right_curly_bracket", "v", *["w"] * 7, "1")  # [ bold ] Eve [/ bold ]
        assert status(screen) == "saved #2 created PERSON '[bold]Eve[/bold]'"
        row = screen.panel.list_for("entities").rows[0]
        assert row.who == "✓ [bold]Eve[/bold]"


def byline(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_annotate_command_line_errors_are_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "empty.sqlite3")
    empty = byline("annotate", "--library", "--db", db)
    assert empty.returncode == 1
    assert empty.stderr.count("\n") == 1 and "has no articles" in empty.stderr
    both = byline("annotate", "--library", "x.txt", "--db", db)
    assert both.returncode == 2 and "not both" in both.stderr
    bad = byline("annotate", "--db", db, env={"BYLINE_ANNOTATOR": "\t"})
    assert bad.returncode == 1 and "cannot be an annotator name" in bad.stderr
    assert "--annotator NAME" in byline("annotate", "--help").stdout


async def test_j_k_step_through_items_and_the_cursor_moves_back(
    library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    app = annotating(library, [seed], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        quotes = screen.queue.ordered("quote")
        await pilot.press("y", "k")  # back to the accepted first quote
        assert current(screen).id == quotes[0].id
        await pilot.press("j", "j")
        assert current(screen).id == quotes[2].id
        await pilot.press("k", "k", "k")  # round to the last one
        assert current(screen).id == quotes[-1].id
        text, view = seed.text, screen.view
        start = text.index("In preparation")
        view.place_cursor(start + len("In preparation for"))
        await pilot.press("b")
        assert text[view.cursor :].startswith("for ")
        await pilot.press("left_parenthesis")
        assert view.cursor == start
        await pilot.press("right_parenthesis", "left")
        assert text[view.cursor + 1] == ","
        await pilot.press("left_curly_bracket", "left_curly_bracket")
        assert text[view.cursor :].startswith("Syrian refugees open businesses")
        await pilot.press("end", "home", "down", "up")
        assert text[view.cursor :].startswith("Syrian refugees open businesses")
        await pilot.press("G")
        assert view.cursor == len(text)
        await pilot.press("g")
        assert view.cursor == 0 and view.scroll_y == 0


async def test_no_color_pending_and_rejected_differ_from_every_entity(
    library: Library, seed: Article, seed_analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without colour a suggestion must still look undecided over any entity: entities use
    bold, italic and underline, so pending and rejected are dim (and rejected struck)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = annotating(library, [seed], seed_analysis)
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        view = screen.view
        entity_styles = {
            view.get_component_rich_style(f"entity--{label}", partial=True)
            for label in ENTITY_LABELS
        }
        assert not any(style.dim for style in entity_styles)
        pending = view.get_component_rich_style("annotation--pending", partial=True)
        rejected = view.get_component_rich_style("annotation--rejected", partial=True)
        assert pending.dim and not (pending.italic or pending.bold or pending.underline)
        assert rejected.dim and rejected.strike


async def test_keys_typed_while_a_write_commits_are_applied_in_order_after_it(
    library: Library, seed: Article, seed_analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store call runs off the event loop: while it is held up the screen still runs, says
    nothing is saved, and keeps the keys typed meanwhile; then applies them in order."""
    import threading

    from tui.store.annotations import Session

    gate = threading.Event()
    accept = Session.accept

    def slow_accept(self: Session, *span_ids: int):  # type: ignore[no-untyped-def]
        gate.wait(10)  # a bound: on the event loop this would freeze the whole app
        return accept(self, *span_ids)

    app = annotating(library, [seed], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        quotes = screen.queue.ordered("quote")
        monkeypatch.setattr(Session, "accept", slow_accept)
        await PRESS(pilot, "y", "x", "y")
        await pilot.pause(0.1)
        assert screen.writes == 1 and app.keys_held  # the loop runs; x and y wait their turn
        assert re.fullmatch(r"saved #1 \d+ suggestions", status(screen))  # not yet #2
        assert screen.spans[quotes[0].id].status != ACCEPTED
        gate.set()
        await settled(pilot)
        history = screen.session.history()
        assert [(a.kind, a.spans) for a in history[1:]] == [
            ("accept", (quotes[0].id,)),
            ("reject", (quotes[1].id,)),
            ("accept", (quotes[2].id,)),
        ]
        assert status(screen) == "saved #4 accepted 1 span"
        assert current(screen).id == quotes[3].id


async def test_a_decision_relabels_the_tab_without_laying_the_screen_out(
    library: Library, seed: Article, seed_analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key's frame is late by a layout of the whole screen when anything asks for one: the
    tab's count of undecided spans ("Quotes 8 (7?)") keeps its width, so it is only repainted,
    and shows its new count."""
    from textual.widget import Widget
    from textual.widgets import TabbedContent

    app = annotating(library, [seed], seed_analysis)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        tab = screen.panel.query_one(TabbedContent).get_tab("quotes")
        before = tab.label.plain
        layouts: list[str] = []
        refresh = Widget.refresh

        def counting(self: Widget, *regions, **options):  # type: ignore[no-untyped-def]
            if options.get("layout"):
                layouts.append(type(self).__name__)
            return refresh(self, *regions, **options)

        monkeypatch.setattr(Widget, "refresh", counting)
        await pilot.press("y")
        assert status(screen) == "saved #2 accepted 1 span"
        after = tab.label.plain
        assert after != before and len(after) == len(before), (before, after)
        assert after in str(tab.render())
        await pilot.press("u")
        assert tab.label.plain == before
        assert layouts == []


def test_annotation_mode_after_a_decision_beside_the_panel(
    snap_compare: Callable[..., bool], tmp_path: Path, seed: Article, seed_analysis: Analysis
) -> None:
    """`y` twice on the seed: two quotes accepted, the third current, the status line saying
    so, and the Quotes tab's count of undecided spans down by two (relabelled in place; the
    panel sits beside the article on a wide terminal, below it at 80x24)."""
    library = Library(tmp_path / "snapshot.sqlite3")

    async def two_decisions(pilot: Pilot) -> None:
        await ready(pilot)
        await pilot.press("y", "y")
        await pilot.pause()

    try:
        app = annotating(library, [seed], seed_analysis)
        assert snap_compare(app, terminal_size=SIZE, run_before=two_decisions)
    finally:
        library.close()

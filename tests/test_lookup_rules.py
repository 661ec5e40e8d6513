"""Lookup's rules as a user meets them (issue 13): a done article's quotes and claims stay
under their speakers, a lookup that finds nothing fails with suggestions, father and son are
two people, co-occurrence counts articles, and "1 mention" is singular."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_lookup import synthetic

from tui import lookup
from tui.lookup import find_entity
from tui.model import Analysis, Article
from tui.nlp.analyze import analyze_text
from tui.store import Library, put_analysis
from tui.store.annotations import Annotations


def byline(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def seed_analysis(seed: Article, nlp) -> Analysis:
    return analyze_text(seed.text, nlp)


@pytest.fixture
def seed_library(tmp_path: Path, seed: Article, seed_analysis: Analysis) -> Library:
    """The seed article, analysed and cached: indexed from the machine's analysis."""
    with Library(tmp_path / "lib.sqlite3") as opened:
        opened.add([seed])
        put_analysis(opened, seed.content_hash, "model-1", seed_analysis)
        yield opened


def said(library: Library, name: str) -> tuple[list[str], list[str]]:
    """The texts of the quotes and claims lookup lists under `name`."""
    found = find_entity(library, name)
    assert found is not None, name
    result = lookup.lookup(library, found)
    return [q.text for q in result.quotes], [c.text for c in result.claims]


def test_a_done_article_keeps_its_quotes_and_claims_under_their_speakers(
    seed_library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    speakers = ("Stefanie Dekker", "Rami Abdel Rahman", "UN")
    machine = {name: said(seed_library, name) for name in speakers}
    assert all(quotes or claims for quotes, claims in machine.values())
    # The annotator accepts every quote and claim (with the machine's speakers and sources)
    # but none of the entity mentions, and marks the article done.
    session = Annotations(seed_library).session(seed, "ana")
    session.suggest(seed_analysis)
    session.accept_pending("quote")
    session.accept_pending("claim")
    session.mark_done()
    for name in speakers:
        assert said(seed_library, name) == machine[name], name
    dekker = find_entity(seed_library, "Stefanie Dekker")
    assert dekker is not None and lookup.lookup(seed_library, dekker).article_count == 1
    assert [f.name for f in lookup.search(seed_library, "Dekk")] == ["Stefanie Dekker"]  # `E`
    # A quote the annotator creates, with a speaker typed by name, is listed under it.
    sentence = "Russia is a key backer of the Syrian President Bashar al-Assad"
    start = seed.text.index(sentence)
    session.create("QUOTE", start, start + len(sentence), speaker="UN")
    assert sentence in said(seed_library, "UN")[0]
    # Also a speaker the library has never seen.
    other = "Tension between Syrian opposition groups and Russia has escalated"
    start = seed.text.index(other)
    session.create("QUOTE", start, start + len(other), speaker="Ban Ki-moon")
    assert said(seed_library, "Ban Ki-moon") == ([other], [])


def test_a_lookup_that_finds_nothing_exits_1_with_suggestions(
    seed_library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    session = Annotations(seed_library).session(seed, "ana")
    session.suggest(seed_analysis)
    session.accept_pending("quote")
    session.mark_done()  # no entity mention accepted: Lavrov is in no indexed article now
    for name in ("Lavrov", "Jabhat Fateh al-Sham"):
        result = byline("lookup", name, db=seed_library.path)
        assert result.returncode == 1, result.stdout
        assert result.stdout == "" and "0 mentions" not in result.stderr
        assert result.stderr.startswith(f"byline: no entity named '{name}' in the library")
        assert result.stderr.count("\n") == 1
    typo = byline("lookup", "Stefanie Deker", db=seed_library.path)
    assert typo.returncode == 1
    assert "closest: Stefanie Dekker (PERSON)" in typo.stderr
    found = byline("lookup", "Stefanie Dekker", db=seed_library.path)
    assert found.returncode == 0, found.stderr
    assert "0 mentions" not in found.stdout


def test_a_name_whose_articles_are_gone_is_not_found(tmp_path: Path) -> None:
    first = Article(text="Stefanie Dekker reported from Gaziantep.", title="One")
    second = Article(text="Stefanie Decker wrote a book.", title="Two")
    with Library(tmp_path / "lib.sqlite3") as library:
        ids = library.add([first, second]).ids or []
        put_analysis(
            library,
            first.content_hash,
            "m",
            synthetic(
                first.text,
                {
                    "Stefanie Dekker": ("Stefanie Dekker", "PERSON"),
                    "Gaziantep": ("Gaziantep", "GPE"),
                },
            ),
        )
        put_analysis(
            library,
            second.content_hash,
            "m",
            synthetic(second.text, {"Stefanie Decker": ("Stefanie Decker", "PERSON")}),
        )
        library.remove(ids[0])
    result = byline("lookup", "Stefanie Dekker", db=library.path)
    assert result.returncode == 1, result.stdout
    assert result.stdout == ""
    assert result.stderr == (
        "byline: no entity named 'Stefanie Dekker' in the library; "
        "closest: Stefanie Decker (PERSON)\n"
    )


def _library_of(tmp_path: Path, names: list[str], label: str = "PERSON") -> Library:
    """A library with one article per name, each mentioning it once."""
    library = Library(tmp_path / "lib.sqlite3")
    for name in names:
        article = Article(text=f"{name} spoke in Houston on Monday.", title=name)
        library.add([article])
        put_analysis(
            library, article.content_hash, "m", synthetic(article.text, {name: (name, label)})
        )
    return library


@pytest.mark.parametrize(
    "names",
    [
        ("George H.W. Bush", "George W. Bush"),
        ("George H. W. Bush", "George W. Bush"),
        ("John F. Kennedy", "John E. Kennedy"),
        ("George Bush", "George W. Bush"),
        ("John Smith Jr.", "John Smith Sr."),
        ("John Smith Jr.", "John Smith"),
        ("Robert Kennedy II", "Robert Kennedy"),
        ("Robert Kennedy II", "Robert Kennedy III"),
    ],
)
def test_father_and_son_are_two_people(tmp_path: Path, names: tuple[str, str]) -> None:
    with _library_of(tmp_path, list(names)) as library:
        found = [find_entity(library, name) for name in names]
        assert all(f is not None for f in found)
        assert found[0] != found[1], names
        assert [f.name for f in found if f] == list(names)
        for f in found:
            assert f is not None and lookup.lookup(library, f).article_count == 1


def test_names_a_letter_apart_are_still_one_person(tmp_path: Path) -> None:
    with _library_of(
        tmp_path,
        [
            "Sergey Lavrov",
            "Sergei Lavrov",
            "George W. Bush",
            "George W Bush",
            "George H.W. Bush",
            "George H. W. Bush",
        ],
    ) as library:
        assert find_entity(library, "Sergei Lavrov") == find_entity(library, "Sergey Lavrov")
        assert find_entity(library, "George W Bush") == find_entity(library, "George W. Bush")
        assert find_entity(library, "George H. W. Bush") == find_entity(library, "George H.W. Bush")
        assert find_entity(library, "George H.W. Bush") != find_entity(library, "George W Bush")


def test_cooccurrence_counts_articles_not_names(tmp_path: Path) -> None:
    """An entity written two ways in one article is in that article once."""
    both = Article(text="Sergey Lavrov met envoys in Geneva. Sergei Lavrov left.", title="A")
    one = Article(text="Sergey Lavrov flew to Geneva.", title="B")
    names = {
        "Sergey Lavrov": ("Sergey Lavrov", "PERSON"),
        "Sergei Lavrov": ("Sergei Lavrov", "PERSON"),
        "Geneva": ("Geneva", "GPE"),
    }
    with Library(tmp_path / "lib.sqlite3") as library:
        for article in (both, one):
            library.add([article])
            put_analysis(library, article.content_hash, "m", synthetic(article.text, names))
        lavrov = find_entity(library, "Sergei Lavrov")
        assert lavrov is not None and lavrov.name == "Sergey Lavrov"
        geneva = find_entity(library, "Geneva")
        assert geneva is not None
        related = lookup.lookup(library, geneva).related
        assert [(r.name, r.articles) for r in related] == [("Sergey Lavrov", 2)]


def test_one_mention_is_singular(tmp_path: Path) -> None:
    with _library_of(tmp_path, ["Ann Lee", "Bo Chen"]) as library:
        found = find_entity(library, "Ann Lee")
        assert found is not None
        result = lookup.lookup(library, found)
        assert lookup.render_text(result)[0] == "Ann Lee (PERSON): 1 mention in 1 article"
        assert lookup.summary(result) == "1 mention in 1 article"
        library.add([Article(text="Ann Lee and Ann Lee again.", title="Two")])
        text = "Ann Lee and Ann Lee again."
        put_analysis(
            library,
            Article(text=text).content_hash,
            "m",
            synthetic(text, {"Ann Lee": ("Ann Lee", "PERSON")}),
        )
        found = find_entity(library, "Ann Lee")
        assert found is not None
        assert lookup.summary(lookup.lookup(library, found)) == "3 mentions in 2 articles"


async def test_the_lookup_screen_of_a_speaker_whose_mention_was_not_accepted(
    seed_library: Library, seed: Article, seed_analysis: Analysis
) -> None:
    from textual.widgets import Static
    from waiting import until

    from tui.app import BylineApp
    from tui.screens.lookup import LookupScreen
    from tui.screens.reader import ReaderScreen

    session = Annotations(seed_library).session(seed, "ana")
    session.suggest(seed_analysis)
    session.accept_pending("quote")
    session.mark_done()
    app = BylineApp(
        [seed],
        library=seed_library,
        analyses={0: seed_analysis},
        analyser=lambda article: Analysis(),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.screen
        await until(pilot, lambda: reader.ready)
        app.look_up("Stefanie Dekker")
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        screen = app.screen
        await until(pilot, lambda: screen.result is not None)
        title = str(screen.query_one("#lookup-title", Static).render())
        assert title == "Stefanie Dekker (PERSON): quoted or cited in 1 article"
        first = min(q.start for q in screen.result.quotes)
        await pilot.press("enter")  # the article's row: opened at the first thing said there
        await until(
            pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen is not reader
        )
        opened = app.screen
        await until(pilot, lambda: opened.ready)
        assert opened.view.mark is not None and opened.view.mark[0] == first

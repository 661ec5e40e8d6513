"""The entity index from annotations: an article some annotator marked done is indexed from
that annotator's accepted spans instead of the machine's analysis (the last one to mark it done
wins), in the same transaction as the action, and from exactly one source at a time."""

from __future__ import annotations

from typing import Any

from tui import lookup
from tui.lookup import find_entity
from tui.model import Analysis, Article
from tui.nlp.analyze import analyze_text
from tui.store import Library, index, put_analysis
from tui.store.annotations import Annotations, Session

#: spaCy's small model misses "Sergey Lavrov" in the headline-like sentence.
MISSED = Article(
    text="Talks stall in Geneva\n\nWhy Sergey Lavrov Matters. The UN said the talks had failed. "
    '"We will keep talking," John Kerry told reporters in Geneva.',
    title="Talks stall",
)
SPOKEN = Article(
    text='Moscow responds\n\n"We will not give up," Sergey Lavrov told reporters in Geneva. '
    '"This is nonsense," John Kerry said. Officials said the meeting was tense.',
    title="Moscow responds",
)
LAVROV = MISSED.text.index("Sergey Lavrov")
#: Both, analysed by spaCy and cached: indexed from the analysis (conftest's `library`).
ARTICLES = [MISSED, SPOKEN]


def annotated(library: Library, article: Article, annotator: str, analyses: Any) -> Session:
    """A session with the machine's suggestions, all accepted."""
    session = Annotations(library).session(article, annotator)
    session.suggest(analyses[article.content_hash])
    session.accept_pending()
    return session


def article_id(library: Library, article: Article) -> int:
    return next(e.id for e in library.entries() if e.hash == article.content_hash)


def indexed(library: Library, article: Article) -> dict[str, Any]:
    """What the index holds for one article, by name (ids aside): its origins, its mentions,
    its quotes and claims with the name they are under."""
    key = article_id(library, article)
    with library.reading() as db:
        origins = {
            r[0]
            for table in ("mentions", "article_entities", "statements")
            for r in db.execute(f"SELECT origin FROM {table} WHERE article = ?", (key,))
        }
        mentions = db.execute(
            "SELECT e.name, m.start, m.end FROM mentions m JOIN entities e ON e.id = m.entity "
            "WHERE m.article = ? ORDER BY m.start",
            (key,),
        ).fetchall()
        statements = db.execute(
            "SELECT e.name, s.kind, s.start, s.end, s.text, s.cue FROM statements s "
            "JOIN entities e ON e.id = s.entity WHERE s.article = ? ORDER BY s.start",
            (key,),
        ).fetchall()
    return {"origins": origins, "mentions": mentions, "statements": statements}


def totals(library: Library) -> dict[str, int]:
    """Every name's mention count, as the index keeps it."""
    with library.reading() as db:
        return dict(db.execute("SELECT name, mentions FROM entities WHERE mentions > 0"))


def test_a_span_the_machine_missed_is_found_once_the_article_is_done(
    library: Library, analyses: dict[str, Analysis]
) -> None:
    assert not any(m.start <= LAVROV < m.end for m in analyses[MISSED.content_hash].entities)
    session = annotated(library, MISSED, "ana", analyses)
    session.create("PERSON", LAVROV, LAVROV + len("Sergey Lavrov"))
    found = find_entity(library, "Lavrov")  # only in the other article, for now
    assert found is not None
    assert [a.id for a in lookup.lookup(library, found).articles] == [article_id(library, SPOKEN)]
    session.mark_done()
    found = find_entity(library, "Lavrov")
    assert found is not None and found.name == "Sergey Lavrov"
    result = lookup.lookup(library, found)
    missed = article_id(library, MISSED)
    assert {a.id for a in result.articles} == {missed, article_id(library, SPOKEN)}
    assert [(k.start, k.text) for k in result.mentions if k.article == missed] == [
        (LAVROV, "Sergey Lavrov")
    ]
    # The machine's spans the annotator accepted are still there.
    kerry = find_entity(library, "John Kerry")
    assert kerry is not None and lookup.lookup(library, kerry).article_count == 2


def test_a_quote_moves_to_the_speaker_the_annotator_gave_it(
    library: Library, analyses: dict[str, Analysis]
) -> None:
    session = annotated(library, SPOKEN, "ana", analyses)
    quote = next(s for s in session.spans("quote") if s.speaker == "John Kerry")
    at = SPOKEN.text.index("Sergey Lavrov")
    session.set_speaker(quote.id, "Sergey Lavrov", at, at + len("Sergey Lavrov"))

    def quotes(name: str) -> list[tuple[str, str | None]]:
        found = find_entity(library, name)
        assert found is not None
        return [(q.text, q.cue) for q in lookup.lookup(library, found).quotes]

    # Not done yet: the machine's view.
    kerry = ("We will keep talking,", "told")  # in the other article
    assert quotes("Lavrov") == [("We will not give up,", "told")]
    assert quotes("John Kerry") == [kerry, ("This is nonsense,", "said")]
    session.mark_done()
    # Quote marks are not part of a quote's text; the machine's cue at the same span is kept.
    assert quotes("Lavrov") == [("We will not give up,", "told"), ("This is nonsense,", "said")]
    assert quotes("John Kerry") == [kerry]
    # An edit to a done article's spans reaches the index in the same action.
    session.set_speaker(
        quote.id,
        "John Kerry",
        SPOKEN.text.index("John Kerry"),
        SPOKEN.text.index("John Kerry") + len("John Kerry"),
    )
    assert quotes("John Kerry") == [kerry, ("This is nonsense,", "said")]


def test_removing_the_done_mark_restores_the_machine_view(
    library: Library, analyses: dict[str, Analysis]
) -> None:
    machine = indexed(library, MISSED)
    assert machine["origins"] == {"analysis"} and machine["mentions"]
    session = annotated(library, MISSED, "ana", analyses)
    session.create("PERSON", LAVROV, LAVROV + len("Sergey Lavrov"))
    session.reject(next(s.id for s in session.spans() if s.label == "ORG"))  # the UN
    session.mark_done()
    mine = indexed(library, MISSED)
    assert mine["origins"] == {"annotation"} and mine != machine
    session.undo()  # the done mark
    assert indexed(library, MISSED) == machine
    assert find_entity(library, "Lavrov") is not None  # still in the other article
    session.redo()
    assert indexed(library, MISSED) == mine
    session.mark_done(False)
    assert indexed(library, MISSED) == machine
    # Edits to an article not done leave the index alone.
    session.delete(*(s.id for s in session.spans()))
    assert indexed(library, MISSED) == machine


def test_an_article_is_indexed_from_one_source_and_counted_once(
    library: Library, analyses: dict[str, Analysis], nlp
) -> None:
    before = totals(library)
    assert before["John Kerry"] == 2 and before["Geneva"] == 3
    ana = annotated(library, MISSED, "ana", analyses)
    ana.mark_done()
    # Every suggestion accepted: the same names, counted once.
    assert indexed(library, MISSED)["origins"] == {"annotation"}
    assert totals(library) == before
    ana.create("PERSON", LAVROV, LAVROV + len("Sergey Lavrov"))
    assert totals(library)["Sergey Lavrov"] == before["Sergey Lavrov"] + 1
    with_lavrov = totals(library)
    # A new analysis of a done article does not bring the machine's rows back.
    put_analysis(library, MISSED.content_hash, "model-2", analyze_text(MISSED.text, nlp))
    assert indexed(library, MISSED)["origins"] == {"annotation"}
    assert totals(library) == with_lavrov
    # A second annotator marks it done later: theirs is followed (they kept the machine's view).
    bob = annotated(library, MISSED, "bob", analyses)
    bob.mark_done()
    assert totals(library) == before
    ana.set_note(ana.spans()[0].id, "checked")  # ana's edits are not followed now
    ana.reject(ana.spans()[0].id)
    assert totals(library) == before
    bob.mark_done(False)  # back to ana, the other one who marked it done
    assert totals(library)["Sergey Lavrov"] == with_lavrov["Sergey Lavrov"]
    assert totals(library)["Geneva"] == with_lavrov["Geneva"] - 1  # the span ana rejected
    # Removed and added again: annotations outlive `byline rm`, the index takes them again.
    done_view = totals(library)
    library.remove(article_id(library, MISSED))
    library.add([MISSED])
    assert indexed(library, MISSED)["origins"] == {"annotation"}
    assert totals(library) == done_view
    # The index built incrementally is the one built from scratch.
    incremental = indexed(library, MISSED), indexed(library, SPOKEN), totals(library)
    with library.writing() as db:
        for table in (
            "mentions",
            "article_entities",
            "statements",
            "aliases",
            "entities",
            "entity_names",
        ):
            db.execute(f"DELETE FROM {table}")
        db.execute("UPDATE index_state SET value = 0")
    lookup.ensure_index(library)
    assert (indexed(library, MISSED), indexed(library, SPOKEN), totals(library)) == incremental


def test_a_library_from_before_done_annotations_fed_the_index(
    library: Library, analyses: dict[str, Analysis]
) -> None:
    first = annotated(library, MISSED, "ana", analyses)
    first.create("PERSON", LAVROV, LAVROV + len("Sergey Lavrov"))
    first.mark_done()
    annotated(library, MISSED, "bob", analyses).mark_done()
    assert ("Sergey Lavrov", LAVROV, LAVROV + 13) not in indexed(library, MISSED)["mentions"]
    # As the previous schema left it: no order of done marks, the article indexed by analysis.
    with library.writing() as db:
        db.execute("ALTER TABLE annotation_sessions DROP COLUMN done_seq")
        # ana's last action came after bob's (though bob marked the article done after her).
        for who, day in (("ana", 2), ("bob", 1)):
            db.execute(
                "UPDATE annotation_sessions SET updated = ? WHERE annotator = ?",
                (f"2024-05-0{day}T10:00:00.000Z", who),
            )
        index.forget_article(db, article_id(library, MISSED))
        index.index_analysis(db, article_id(library, MISSED), analyses[MISSED.content_hash])
        db.execute("PRAGMA user_version = 3")
    library.close()
    with Library(library.path) as reopened:
        assert indexed(reopened, MISSED)["origins"] == {"analysis"}
        assert find_entity(reopened, "Lavrov") is not None  # rebuilt on first lookup
        # Done sessions from before are ordered by their last action: ana's is followed.
        assert indexed(reopened, MISSED)["origins"] == {"annotation"}
        assert ("Sergey Lavrov", LAVROV, LAVROV + 13) in indexed(reopened, MISSED)["mentions"]

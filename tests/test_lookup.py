"""Entity lookup across the library: the index (grouping, incremental updates, merge/split),
KWIC, quotes by speaker, fuzzy suggestions, and `byline lookup` in a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tui import lookup
from tui.analysis import cached_analysis
from tui.lookup import KWIC_WIDTH, find_entity, kwic
from tui.model import Analysis, Article, Entity, EntityMention
from tui.nlp.analyze import analyze_text
from tui.store import Library, put_analysis

ARTICLES = [
    Article(
        text="Talks stall in Geneva\n\nRussian Foreign Minister Sergey Lavrov said on Monday "
        'that the talks had failed. "We will not give up," Lavrov told reporters. The United '
        "Nations (UN) called for calm.",
        title="Talks stall",
    ),
    Article(
        text='Moscow responds\n\nLavrov rejected the accusations. "This is nonsense," Lavrov '
        "said. According to the UN, thousands have fled Aleppo.",
        title="Moscow responds",
    ),
    Article(
        text="Kerry and Lavrov meet\n\nJohn Kerry met Sergei Lavrov in Geneva. Officials said "
        "the meeting was tense.",
        title="Kerry meets",
    ),
]


def synthetic(text: str, names: dict[str, tuple[str, str]]) -> Analysis:
    """An analysis with every occurrence of each surface form in `names` (surface -> canonical
    name, label) as a mention of its canonical name's group."""
    groups: dict[str, list[tuple[int, int]]] = {}
    mentions = []
    ids: dict[str, int] = {}
    for surface, (name, label) in names.items():
        start = text.find(surface)
        while start >= 0:
            entity_id = ids.setdefault(name, len(ids))
            mentions.append(EntityMention(start, start + len(surface), label, surface, entity_id))
            groups.setdefault(name, []).append((start, start + len(surface)))
            start = text.find(surface, start + 1)
    labels = {name: label for name, label in names.values()}
    return Analysis(
        entities=sorted(mentions, key=lambda m: m.start),
        groups=[Entity(ids[n], n, labels[n], tuple(spans)) for n, spans in groups.items()],
    )


def test_mentions_group_across_articles_by_name(library: Library) -> None:
    found = find_entity(library, "Lavrov")
    assert found is not None and (found.name, found.label) == ("Sergey Lavrov", "PERSON")
    result = lookup.lookup(library, found)
    names = {name for name, _, _ in result.names}
    assert names == {"Sergey Lavrov", "Lavrov", "Sergei Lavrov"}  # a surname, a spelling
    assert result.article_count == 3
    assert sum(a.mentions for a in result.articles) == found.mentions == 6
    # Every name finds the same entity.
    for name in ("Sergey Lavrov", "sergei lavrov", "LAVROV"):
        assert find_entity(library, name) == found


def test_an_acronym_the_text_defines_joins_its_long_name(library: Library) -> None:
    found = find_entity(library, "UN")
    assert found is not None and found.name == "United Nations"
    assert lookup.lookup(library, found).article_count == 2  # defined in one, bare in another


def test_quotes_by_speaker_and_claims_by_source(library: Library) -> None:
    found = find_entity(library, "Lavrov")
    assert found is not None
    result = lookup.lookup(library, found)
    article = ARTICLES[0].text
    assert [q.text for q in result.quotes] == ["We will not give up,", "This is nonsense,"]
    assert [c.text for c in result.claims] == ["the talks had failed"]
    for quote in result.quotes[:1]:
        assert article[quote.start : quote.end] == quote.text  # offsets are the truth
    kerry = find_entity(library, "John Kerry")
    assert kerry is not None and lookup.lookup(library, kerry).quotes == []


def test_kwic_lines_are_aligned_on_the_keyword(library: Library) -> None:
    found = find_entity(library, "Lavrov")
    assert found is not None
    result = lookup.lookup(library, found)
    texts = {i + 1: a.text for i, a in enumerate(ARTICLES)}
    assert len(result.mentions) == 6
    for line in result.mentions:
        assert len(line.left) == KWIC_WIDTH
        assert "\n" not in line.left + line.text + line.right
        assert line.text == texts[line.article][line.start : line.end]
    printed = [row for row in lookup.render_text(result) if "Lavrov  " in row][:6]
    columns = {
        row.index(line.text, 4 + KWIC_WIDTH)
        for row, line in zip(printed, result.mentions, strict=True)
    }
    assert len(columns) == 1
    # At the very start of a text the left side is padding; a long right side is cut.
    assert kwic("", "Word", "x" * 100) == (" " * KWIC_WIDTH, "Word", "x" * KWIC_WIDTH)
    assert kwic("a\n\nb\tc", "K", "") == (" " * (KWIC_WIDTH - 5) + "a b c", "K", "")


def test_cooccurring_entities(library: Library) -> None:
    found = find_entity(library, "Lavrov")
    assert found is not None
    related = lookup.lookup(library, found).related
    assert related[0].name == "Geneva" and related[0].articles == 2
    assert found.id not in {r.id for r in related}


def test_the_index_follows_the_cache_and_the_library(tmp_path: Path) -> None:
    text = "Ann Lee met Bo Chen. Lee spoke first."
    article = Article(text=text, title="Meeting")
    with Library(tmp_path / "lib.sqlite3") as library:
        # Analysed (and cached) before the article was saved, as the reader may do.
        put_analysis(
            library,
            article.content_hash,
            "m",
            synthetic(
                text,
                {
                    "Ann Lee": ("Ann Lee", "PERSON"),
                    "Lee spoke": ("Ann Lee", "PERSON"),
                    "Bo Chen": ("Bo Chen", "PERSON"),
                },
            ),
        )
        assert find_entity(library, "Ann Lee") is None
        (article_id,) = library.add([article]).ids or []
        found = find_entity(library, "Ann Lee")
        assert found is not None and found.mentions == 2
        # Re-analysed: the new analysis replaces the old one in the index.
        again = synthetic(
            text, {"Ann Lee": ("Ann Lee", "PERSON"), "Bo Chen": ("Bo Chen", "PERSON")}
        )
        put_analysis(library, article.content_hash, "m", again, version=99)
        found = find_entity(library, "Ann Lee")
        assert found is not None and found.mentions == 1
        other = Article(text="Bo Chen said no.", title="Two")
        library.add([other])
        put_analysis(
            library,
            other.content_hash,
            "m",
            synthetic(other.text, {"Bo Chen": ("Bo Chen", "PERSON")}),
        )
        chen = find_entity(library, "Bo Chen")
        assert chen is not None and lookup.lookup(library, chen).article_count == 2
        library.remove(article_id)
        chen = find_entity(library, "Bo Chen")
        assert chen is not None and chen.mentions == 1
        assert lookup.lookup(library, chen).article_count == 1
        found = find_entity(library, "Ann Lee")
        assert found is None or found.mentions == 0


def test_a_library_from_before_the_index_is_indexed_on_first_lookup(library: Library, nlp) -> None:
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
    found = find_entity(library, "Lavrov")
    assert found is not None and found.mentions == 6


def test_merge_and_split_by_hand(library: Library, nlp) -> None:
    assert lookup.split(library, "Sergei Lavrov") == ["Sergei Lavrov"]
    sergei = find_entity(library, "Sergei Lavrov")
    # Both of its article's mentions ("Lavrov" in the title too) leave with it.
    assert sergei is not None and sergei.name == "Sergei Lavrov" and sergei.mentions == 2
    sergey = find_entity(library, "Lavrov")
    assert sergey is not None and sergey.name == "Sergey Lavrov" and sergey.mentions == 4
    # Re-analysing does not merge them again: a split is kept.
    cached_analysis(library, ARTICLES[2], lambda: nlp)
    put_analysis(library, ARTICLES[2].content_hash, "model-2", analyze_text(ARTICLES[2].text, nlp))
    assert find_entity(library, "Sergei Lavrov") == sergei
    lookup.merge(library, "Sergei Lavrov", "Lavrov")
    found = find_entity(library, "Sergei Lavrov")
    assert found is not None and found.name == "Sergey Lavrov" and found.mentions == 6
    # Splitting the entity's own name lets go of every name merged into it.
    assert sorted(lookup.split(library, "Sergey Lavrov")) == ["Lavrov", "Sergei Lavrov"]


def test_search_is_type_ahead_ranked_by_mentions(library: Library) -> None:
    assert [f.name for f in lookup.search(library, "lav")] == ["Sergey Lavrov"]
    assert [f.name for f in lookup.search(library, "ge")][:1] == ["Geneva"]
    top = lookup.search(library, "")
    assert top[0].name == "Sergey Lavrov"
    assert [f.mentions for f in top] == sorted((f.mentions for f in top), reverse=True)


def test_fuzzy_suggestions(library: Library) -> None:
    assert [f.name for f in lookup.suggestions(library, "Lavrof")][:1] == ["Sergey Lavrov"]
    assert [f.name for f in lookup.suggestions(library, "Jon Kery")][:1] == ["John Kerry"]


def byline(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_byline_lookup_json_schema(library: Library) -> None:
    result = byline("lookup", "Lavrov", "--json", db=library.path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"entity", "articles", "mentions", "quotes", "claims", "cooccurring"}
    assert set(data["entity"]) == {"id", "name", "label", "mentions", "articles", "names"}
    assert data["entity"]["name"] == "Sergey Lavrov" and data["entity"]["articles"] == 3
    assert set(data["entity"]["names"][0]) == {"name", "label", "mentions"}
    assert {tuple(sorted(a)) for a in data["articles"]} == {
        ("date", "id", "mentions", "path", "source", "title")
    }
    assert all(
        set(m) == {"article", "start", "end", "left", "text", "right"} for m in data["mentions"]
    )
    for kind in ("quotes", "claims"):
        assert data[kind] and all(
            set(q) == {"article", "start", "end", "text", "cue"} for q in data[kind]
        )
    assert all(set(r) == {"id", "name", "label", "articles"} for r in data["cooccurring"])
    texts = {i + 1: a.text for i, a in enumerate(ARTICLES)}
    for mention in data["mentions"]:
        assert texts[mention["article"]][mention["start"] : mention["end"]] == mention["text"]


def test_byline_lookup_text_and_no_match(library: Library) -> None:
    result = byline("lookup", "un", "--label", "org", db=library.path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("United Nations (ORG): ")
    missing = byline("lookup", "Lavrof", db=library.path)
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.count("\n") == 1
    assert missing.stderr.startswith(
        "byline: no entity named 'Lavrof' in the library; closest: Sergey Lavrov (PERSON)"
    )


def test_byline_lookup_merge_and_split(library: Library) -> None:
    result = byline("lookup", "Sergei Lavrov", "--split", "--json", db=library.path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entity"]["name"] == "Sergei Lavrov"
    result = byline("lookup", "Sergei Lavrov", "--merge-into", "Lavrov", "--json", db=library.path)
    assert json.loads(result.stdout)["entity"]["mentions"] == 6

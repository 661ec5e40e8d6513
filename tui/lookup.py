"""Entity lookup across the library: where an entity appears, what it said, who it appears with.

`find_entity` names an entity (exactly, as written, by a word of its name); `lookup` gathers the
articles mentioning it (with counts), its mentions as a KWIC concordance (keyword in context,
aligned), the quotes it spoke, the claims it is the source of, and the entities it co-occurs
with most. Plain Python over the entity index (`tui.store.index`): the shell and the reader
both use it. No Textual here.
"""

from __future__ import annotations

from collections import Counter
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from typing import Any

from tui.errors import BylineError
from tui.model import Analysis, Entity, Quote
from tui.nlp.entities import NAME_LABELS
from tui.safe_text import flat
from tui.store import index
from tui.store.index import Found
from tui.store.library import Library

#: Characters of context on each side of a KWIC keyword.
KWIC_WIDTH = 40
#: Rows per section (articles, mentions, quotes, claims) unless asked otherwise.
LIMIT = 100
#: Entities listed as co-occurring.
RELATED = 10
#: Co-occurrence is counted over at most this many articles (the newest) mentioning an entity.
RELATED_ARTICLES = 1000


@dataclass(frozen=True, slots=True)
class ArticleHit:
    id: int
    title: str
    source: str
    date: str
    mentions: int
    #: Where it came from (`byline list` shows it for an article with no title: "<stdin>").
    path: str = ""

    @property
    def name(self) -> str:
        """What the article is called wherever it is listed: its title, else its path."""
        return self.title or self.path


@dataclass(frozen=True, slots=True)
class Kwic:
    """One mention in context: `left` is right-aligned to the concordance's width, so every
    keyword starts in the same column."""

    article: int
    start: int
    end: int
    left: str
    text: str
    right: str


@dataclass(frozen=True, slots=True)
class Statement:
    """A quote the entity spoke or a claim it is the source of."""

    article: int
    start: int
    end: int
    text: str
    cue: str | None


@dataclass(frozen=True, slots=True)
class Related:
    id: int
    name: str
    label: str
    articles: int


@dataclass(slots=True)
class Lookup:
    entity: Found
    #: Every name merged into the entity: (name, label, mentions), its own name first.
    names: list[tuple[str, str, int]]
    article_count: int
    articles: list[ArticleHit] = field(default_factory=list)
    mentions: list[Kwic] = field(default_factory=list)
    quotes: list[Statement] = field(default_factory=list)
    claims: list[Statement] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        entity = self.entity
        return {
            "entity": {
                "id": entity.id,
                "name": entity.name,
                "label": entity.label,
                "mentions": entity.mentions,
                "articles": self.article_count,
                "names": [{"name": n, "label": la, "mentions": c} for n, la, c in self.names],
            },
            "articles": [asdict(a) for a in self.articles],
            "mentions": [asdict(k) for k in self.mentions],
            "quotes": [asdict(q) for q in self.quotes],
            "claims": [asdict(c) for c in self.claims],
            "cooccurring": [asdict(r) for r in self.related],
        }


def kwic(left: str, keyword: str, right: str, width: int = KWIC_WIDTH) -> tuple[str, str, str]:
    """A concordance line's three parts: the left context cut and padded to `width`
    characters (right-aligned), the keyword, the right context cut to `width`."""
    left, keyword, right = flat(left), flat(keyword), flat(right)
    return left[-width:].rjust(width), keyword, right[:width]


def entity_at(analysis: Analysis, start: int, end: int) -> Entity | None:
    """The named entity (not a date or a number) with a mention overlapping `start:end`."""
    for group in analysis.groups:
        if group.label in NAME_LABELS and any(s < end and start < e for s, e in group.mentions):
            return group
    return None


def entity_to_look_up(analysis: Analysis, start: int, end: int) -> tuple[str, str | None] | None:
    """(name, label) of the entity to look up for a span of an article: the speaker of the
    quote or the source of the claim that is that span, else the entity mentioned there."""
    for said in (*analysis.quotes, *analysis.claims):
        if (said.start, said.end) != (start, end):
            continue
        if isinstance(said, Quote):
            who, at = said.speaker, (said.speaker_start, said.speaker_end)
        else:
            who, at = said.source, (said.source_start, said.source_end)
        group = entity_at(analysis, *at) if at[0] is not None and at[1] is not None else None
        if group is not None:
            return group.name, group.label
        return (who, None) if who else None
    group = entity_at(analysis, start, end)
    return (group.name, group.label) if group else None


def ensure_index(library: Library) -> None:
    """Index a library whose analyses predate the entity index (once; quietly skipped when the
    library is read-only: what is indexed is still found)."""
    with library.reading() as db:
        if index.is_built(db):
            return
    with suppress(BylineError), library.writing() as db:
        index.rebuild(db)


def find_entity(library: Library, name: str, label: str | None = None) -> Found | None:
    ensure_index(library)
    with library.reading() as db:
        return index.find(db, name, label)


def suggestions(library: Library, name: str, limit: int = 3) -> list[Found]:
    with library.reading() as db:
        return index.suggest(db, name, limit)


def search(library: Library, query: str, limit: int = 20) -> list[Found]:
    ensure_index(library)
    with library.reading() as db:
        return index.search(db, query, limit)


def lookup(
    library: Library, entity: Found, *, limit: int = LIMIT, width: int = KWIC_WIDTH
) -> Lookup:
    """Everything the library says about one canonical entity (`entity.id` is its root)."""
    with library.reading() as db:
        names = index.names_of(db, entity.id)
        ids = [row[0] for row in names]
        marks = ",".join("?" * len(ids))
        shown, article_count = _ranked_articles(db, ids, limit)
        meta = (
            {
                row[0]: row[1:]
                for row in db.execute(
                    f"SELECT id, title, source, date, path FROM articles "
                    f"WHERE id IN ({','.join('?' * len(shown))})",
                    [a for a, _ in shown],
                )
            }
            if shown
            else {}
        )
        articles = [ArticleHit(a, *meta[a][:3], n, meta[a][3]) for a, n in shown if a in meta]
        # Context is cut out by SQLite (substr counts characters, as Python's offsets do).
        wide = 2 * width
        rows = db.execute(
            f"SELECT m.article, m.start, m.end, "
            f"substr(a.text, max(1, m.start + 1 - {wide}), m.start - max(0, m.start - {wide})), "
            f"substr(a.text, m.start + 1, m.end - m.start), substr(a.text, m.end + 1, {wide}) "
            f"FROM mentions m JOIN articles a ON a.id = m.article "
            f"WHERE m.entity IN ({marks}) ORDER BY m.article, m.start LIMIT ?",
            [*ids, limit],
        ).fetchall()
        mentions = [
            Kwic(a, s, e, *kwic(left, word, right, width)) for a, s, e, left, word, right in rows
        ]
        said: dict[str, list[Statement]] = {"quote": [], "claim": []}
        for kind in said:
            said[kind] = [
                Statement(*row)
                for row in db.execute(
                    f"SELECT article, start, end, text, cue FROM statements "
                    f"WHERE entity IN ({marks}) AND kind = ? ORDER BY article, start LIMIT ?",
                    [*ids, kind, limit],
                )
            ]
        related = _related(db, entity.id, ids)
    return Lookup(
        entity=entity,
        names=[(name, label, count) for _, name, label, count in names],
        article_count=article_count,
        articles=articles,
        mentions=mentions,
        quotes=said["quote"],
        claims=said["claim"],
        related=related,
    )


def _ranked_articles(db: Any, ids: list[int], limit: int) -> tuple[list[tuple[int, int]], int]:
    """The `limit` articles (id, mentions) mentioning the entity most, and how many articles
    know it. An entity of one name (most of them): read off the article_entities_ranked index,
    however many articles there are (an article has one row per entity: it is indexed from one
    origin). Several names: their mentions are summed per article, which needs them all.
    Last, with 0 mentions, the articles where it only speaks or is cited (a done article whose
    annotator accepted the quote but not the mention)."""
    marks = ",".join("?" * len(ids))
    if len(ids) == 1:
        rows = db.execute(
            "SELECT article, mentions FROM article_entities WHERE entity = ? "
            "ORDER BY mentions DESC, article LIMIT ?",
            (ids[0], limit),
        ).fetchall()
        count = db.execute("SELECT count(*) FROM article_entities WHERE entity = ?", ids)
        mentioning = count.fetchone()[0]
    else:
        every = db.execute(
            f"SELECT ae.article, sum(ae.mentions) n FROM article_entities ae "
            f"WHERE ae.entity IN ({marks}) GROUP BY ae.article ORDER BY n DESC, ae.article",
            ids,
        ).fetchall()
        rows, mentioning = every[:limit], len(every)
    only_said = [
        row[0]
        for row in db.execute(
            f"SELECT DISTINCT s.article FROM statements s WHERE s.entity IN ({marks}) "
            f"AND NOT EXISTS "
            f"(SELECT 1 FROM article_entities ae WHERE ae.article = s.article "
            f"AND ae.entity IN ({marks})) ORDER BY s.article",
            [*ids, *ids],
        )
    ]
    rows += [(article, 0) for article in only_said[: max(0, limit - len(rows))]]
    return rows, mentioning + len(only_said)


def _related(db: Any, root: int, ids: list[int]) -> list[Related]:
    """The entities in most of the articles that mention this one (of its newest
    `RELATED_ARTICLES` articles: an entity in thousands is not slowed down by all of them).
    Counted in distinct articles: an article naming an entity by two of its names (two groups
    of its analysis) counts once."""
    marks = ",".join("?" * len(ids))
    counts: Counter[int] = Counter(
        dict(
            db.execute(
                f"SELECT coalesce(e.root, e.id) r, count(DISTINCT o.article) "
                f"FROM article_entities o "
                f"JOIN entities e ON e.id = o.entity WHERE o.article IN "
                f"(SELECT DISTINCT article FROM article_entities WHERE entity IN ({marks}) "
                f"ORDER BY article DESC LIMIT ?) GROUP BY r",
                [*ids, RELATED_ARTICLES],
            ).fetchall()
        )
    )
    counts.pop(root, None)
    best = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:RELATED]
    found = {f.id: f for f in index.entities_by_id(db, [r for r, _ in best])}
    return [Related(r, found[r].name, found[r].label, n) for r, n in best if r in found]


def merge(library: Library, name: str, into: str) -> tuple[Found, Found]:
    """By hand: the entity called `name` becomes part of the one called `into`."""
    a, b = _named(library, name), _named(library, into)
    with library.writing() as db:
        index.merge(db, a.id, b.id)
    return a, b


def split(library: Library, name: str) -> list[str]:
    """By hand: the name `name` leaves the entity it was merged into (or, when it is that
    entity's own name, every name merged into it leaves). Returns the names set apart."""
    with library.reading() as db:
        key = index.name_key(name)
        row = db.execute(
            "SELECT id FROM entities WHERE norm = ? ORDER BY root IS NULL, mentions DESC", (key,)
        ).fetchone()
    if row is None:
        _named(library, name)  # the usual message, with suggestions
        raise BylineError(f"'{flat(name)}' is not a name of its own; split one of its names")
    with library.writing() as db:
        freed = index.split(db, row[0])
        return [
            db.execute("SELECT name FROM entities WHERE id = ?", (f,)).fetchone()[0] for f in freed
        ]


def _named(library: Library, name: str, label: str | None = None) -> Found:
    found = find_entity(library, name, label)
    if found is None:
        raise not_found(library, name, label)
    return found


def not_found(library: Library, name: str, label: str | None = None) -> BylineError:
    """The one-line error for a name the library does not know, with the closest names."""
    close = suggestions(library, name)
    what = f"{label} " if label else ""
    message = f"no {what}entity named '{flat(name)}' in the library"
    if close:
        message += "; closest: " + ", ".join(f"{f.name} ({f.label})" for f in close)
    return BylineError(message)


def counted(count: int, noun: str) -> str:
    """ "1 mention", "2 mentions"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary(result: Lookup) -> str:
    """How much the library has of the entity: "3 mentions in 2 articles" (or, when no mention
    of it is indexed, only quotes or claims: "quoted or cited in 1 article")."""
    where = f"in {counted(result.article_count, 'article')}"
    if not result.entity.mentions:
        return f"quoted or cited {where}"
    return f"{counted(result.entity.mentions, 'mention')} {where}"


def render_text(result: Lookup) -> list[str]:
    """The lookup as lines of plain text (the shell's `byline lookup`)."""
    entity = result.entity
    others = [n for n, _, _ in result.names[1:]]
    head = f"{flat(entity.name)} ({entity.label}): {summary(result)}"
    if others:
        head += "; also written " + ", ".join(flat(n) for n in others)
    lines = [head]
    width = len(str(max([a.id for a in result.articles] or [0])))

    def section(title: str, rows: list[str], total: int | None = None) -> None:
        more = f" (first {len(rows)} of {total})" if total and total > len(rows) else ""
        lines.extend(["", f"{title}{more}" if rows else f"{title}: none"])
        lines.extend(rows)

    section(
        "Articles",
        [
            f"  {a.id:>{width}}  {a.mentions:>4}×  {flat(a.name) or '(untitled)'}"
            f"{' — ' + flat(a.source) if a.source else ''}"
            f"{', ' + a.date[:10] if a.date else ''}"
            for a in result.articles
        ],
        result.article_count,
    )
    section(
        "Mentions",
        [f"  {k.article:>{width}}  {k.left} {k.text} {k.right}" for k in result.mentions],
        entity.mentions,
    )
    section("Quotes", [f"  {q.article:>{width}}  “{flat(q.text)}”" for q in result.quotes])
    section("Claims", [f"  {c.article:>{width}}  {flat(c.text)}" for c in result.claims])
    section(
        "Co-occurs with",
        [
            f"  {flat(r.name)} ({r.label}) in {counted(r.articles, 'article')}"
            for r in result.related
        ],
    )
    return lines

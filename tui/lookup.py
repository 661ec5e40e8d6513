"""Entity lookup across the library: where an entity appears, what it said, who it appears with.

`find_entity` names an entity (exactly, as written, by a word of its name); `lookup` gathers the
articles mentioning it (with counts), its mentions as a KWIC concordance (keyword in context,
aligned), the quotes it spoke, the claims it is the source of, and the entities it co-occurs
with most. A service over the entity index: its SQL lives in `tui.store.index.queries`; the
shell and the reader both use it. No Textual here.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import asdict, dataclass, field
from typing import Any

from tui.errors import BylineError
from tui.model import Analysis, Claim, Entity, Quote
from tui.nlp.entities import NAME_LABELS
from tui.safe_text import cell_width, first_cells, flat, last_cells
from tui.store import index
from tui.store.index import Found, queries
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
    """A concordance line's three parts: the left context cut and padded to `width` terminal
    cells (right-aligned), the keyword, the right context cut to `width` cells."""
    left, keyword, right = flat(left), flat(keyword), flat(right)
    left = last_cells(left, width)
    return " " * (width - cell_width(left)) + left, keyword, first_cells(right, width)


def entity_at(analysis: Analysis, start: int, end: int) -> Entity | None:
    """The named entity (not a date or a number) with a mention overlapping `start:end`."""
    for group in analysis.groups:
        if group.label in NAME_LABELS and any(s < end and start < e for s, e in group.mentions):
            return group
    return None


def entity_to_look_up(analysis: Analysis, start: int, end: int) -> tuple[str, str | None] | None:
    """(name, label) of the entity to look up for a span of an article: the speaker of the
    quote or the source of the claim that is that span, else the entity mentioned there."""
    statements: list[Quote | Claim] = [*analysis.quotes, *analysis.claims]
    for said in statements:
        if (said.start, said.end) != (start, end):
            continue
        if isinstance(said, Quote):
            who, at = said.speaker, (said.speaker_start, said.speaker_end)
        else:
            who, at = said.source, (said.source_start, said.source_end)
        at_start, at_end = at
        group = (
            entity_at(analysis, at_start, at_end)
            if at_start is not None and at_end is not None
            else None
        )
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
        shown, article_count = queries.ranked_articles(db, ids, limit)
        details = queries.article_details(db, [a for a, _ in shown])
        contexts = queries.mention_contexts(db, ids, limit, 2 * width)
        said = {kind: queries.statements_of(db, ids, kind, limit) for kind in ("quote", "claim")}
        related = queries.cooccurring(db, entity.id, articles=RELATED_ARTICLES, limit=RELATED)
    articles = [
        ArticleHit(a, *details[a][:3], mentions=n, path=details[a][3])
        for a, n in shown
        if a in details
    ]
    return Lookup(
        entity=entity,
        names=[(name, label, count) for _, name, label, count in names],
        article_count=article_count,
        articles=articles,
        mentions=[
            Kwic(a, s, e, *kwic(left, word, right, width))
            for a, s, e, left, word, right in contexts
        ],
        quotes=[Statement(*row) for row in said["quote"]],
        claims=[Statement(*row) for row in said["claim"]],
        related=[Related(f.id, f.name, f.label, n) for f, n in related],
    )


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
        entity = queries.entity_named(db, name)
    if entity is None:
        _named(library, name)  # the usual message, with suggestions
        raise BylineError(f"'{flat(name)}' is not a name of its own; split one of its names")
    with library.writing() as db:
        return [queries.name_of(db, freed) for freed in index.split(db, entity)]


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

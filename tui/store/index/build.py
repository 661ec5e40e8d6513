"""Building the entity index: each article's names, quotes and claims, from its one source.

See `tui.store.index` for the rule (done annotations, else the newest cached analysis). Every
function writes in the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable

from tui.model import Analysis, Claim, Entity, Quote
from tui.nlp.entities import NAME_LABELS, group_mentions, normalise, trimmed
from tui.store.index.merging import Joins
from tui.store.index.names import name_key, surname

ANALYSIS = "analysis"
ANNOTATION = "annotation"
#: The labels of quote and claim spans (`tui.store.annotations`, which imports this module).
_QUOTE, _CLAIM = "QUOTE", "CLAIM"
#: Quote marks around an annotator's QUOTE span (a Quote's text is without them).
_QUOTE_MARKS = "\"'“”„‟‘’‚‛«»‹›「」『』 \n\t"


# Indexing.


def index_analysis(
    db: sqlite3.Connection,
    article_id: int,
    analysis: Analysis,
    origin: str = ANALYSIS,
    joins: Joins | None = None,
) -> None:
    """(Re)index the names, quotes and claims of one article from one origin, in `db`'s
    current transaction. What this origin indexed for the article before is replaced.
    `joins`: the merging of names of the articles indexed before in this transaction."""
    joins = joins or Joins()
    forget_article(db, article_id, origin)
    before = db.total_changes
    entity_of_group: dict[int, int] = {}
    key_of_group: dict[str, int] = {}
    for group in analysis.groups:
        if group.label not in NAME_LABELS or not name_key(group.name):
            continue
        entity = _entity(db, group.name, group.label)
        entity_of_group[group.entity_id] = entity
        key_of_group.setdefault(name_key(group.name), entity)
    if db.total_changes != before:  # a new name
        joins.changed()
    rows = []
    aliases: dict[int, set[str]] = defaultdict(set)
    entity_at: dict[tuple[int, int], int] = {}
    for mention in analysis.entities:
        grouped = entity_of_group.get(mention.entity_id)
        if grouped is None:
            continue
        entity = grouped
        rows.append((article_id, origin, entity, mention.start, mention.end))
        alias = name_key(mention.text)
        if alias:
            aliases[entity].add(alias)
        entity_at[(mention.start, mention.end)] = entity
    db.executemany(
        "INSERT INTO mentions (article, origin, entity, start, end) VALUES (?, ?, ?, ?, ?)", rows
    )
    # Kept when the article goes: an alias only ever joins names, it is never counted.
    before = db.total_changes
    db.executemany(
        "INSERT OR IGNORE INTO aliases (alias, entity) VALUES (?, ?)",
        [(alias, entity) for entity, names in aliases.items() for alias in names],
    )
    if db.total_changes != before:  # a new alias
        joins.changed()
    counts = Counter(row[2] for row in rows)
    db.executemany(
        "INSERT INTO article_entities (article, origin, entity, mentions) VALUES (?, ?, ?, ?)",
        [(article_id, origin, entity, count) for entity, count in counts.items()],
    )
    db.executemany(
        "UPDATE entities SET mentions = mentions + ? WHERE id = ?",
        [(count, entity) for entity, count in counts.items()],
    )

    def who(name: str | None, start: int | None, end: int | None) -> int | None:
        if start is not None and end is not None:
            exact = entity_at.get((start, end))
            if exact is not None:
                return exact
            for (s, e), entity in entity_at.items():
                if s < end and start < e:
                    return entity
        return key_of_group.get(name_key(name)) if name else None

    statements: list[tuple[object, ...]] = []
    for quote in analysis.quotes:
        by = who(quote.speaker, quote.speaker_start, quote.speaker_end)
        if quote.kind == "quote" and by is not None:
            statements.append(
                (article_id, origin, by, "quote", quote.start, quote.end, quote.text, quote.cue)
            )
    for claim in analysis.claims:
        by = who(claim.source, claim.source_start, claim.source_end)
        if by is not None:
            statements.append(
                (article_id, origin, by, "claim", claim.start, claim.end, claim.text, claim.cue)
            )
    db.executemany(
        "INSERT INTO statements (article, origin, entity, kind, start, end, text, cue) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        statements,
    )
    for entity in sorted(set(entity_of_group.values())):
        joins.join(db, entity, aliases.get(entity, set()))


def forget_article(db: sqlite3.Connection, article_id: int, origin: str | None = None) -> None:
    """Take one article's rows (from one origin, or all) out of the index."""
    where: str = "article = ?"
    parameters: tuple[int | str, ...] = (article_id,)
    if origin is not None:
        where, parameters = ("article = ? AND origin = ?", (article_id, origin))
    counts = db.execute(
        f"SELECT entity, mentions FROM article_entities WHERE {where}", parameters
    ).fetchall()
    db.executemany(
        "UPDATE entities SET mentions = max(0, mentions - ?) WHERE id = ?",
        [(count, entity) for entity, count in counts],
    )
    for table in ("mentions", "article_entities", "statements"):
        db.execute(f"DELETE FROM {table} WHERE {where}", parameters)


def index_stored_analysis(
    db: sqlite3.Connection, content_hash: str, analysis: Analysis, joins: Joins | None = None
) -> None:
    """Index an analysis just stored in the cache, for the article with that text (if any),
    unless an annotator has marked the article done (their annotations stay its source).
    `joins`: as `index_analysis`'s, for several analyses stored in one transaction."""
    row = db.execute("SELECT id FROM articles WHERE hash = ?", (content_hash,)).fetchone()
    if row is not None and done_annotator(db, content_hash) is None:
        forget_article(db, row[0])
        index_analysis(db, row[0], analysis, joins=joins)


def index_new_article(db: sqlite3.Connection, article_id: int, content_hash: str) -> None:
    """Index an article just added: from its annotations if it was annotated and marked done
    (annotations outlive `byline rm`), else from its newest cached analysis (the reader may
    have analysed and cached it before the article itself was saved)."""
    reindex_article(db, article_id, content_hash)


def reindex_article(
    db: sqlite3.Connection,
    article_id: int,
    content_hash: str,
    data: str | None = None,
    joins: Joins | None = None,
) -> str | None:
    """Index one article from its one source (see the module docstring), replacing whatever
    was indexed for it; `data`: its newest cached analysis when already read. Returns the
    origin indexed, None when there is nothing to index."""
    forget_article(db, article_id)
    annotator = done_annotator(db, content_hash)
    if annotator is not None:
        analysed = annotation_analysis(db, content_hash, annotator)
        index_analysis(db, article_id, analysed, ANNOTATION, joins)
        return ANNOTATION
    if data is None:
        data = _newest_analysis(db, content_hash)
    analysis = _parsed(data) if data is not None else None
    if analysis is None:
        return None
    index_analysis(db, article_id, analysis, joins=joins)
    return ANALYSIS


def done_annotator(db: sqlite3.Connection, content_hash: str) -> str | None:
    """The annotator whose annotations the index takes for an article: of those who marked it
    done, the last one to; None when nobody did."""
    row = db.execute(
        "SELECT annotator FROM annotation_sessions WHERE article = ? AND done "
        "ORDER BY done_seq DESC, annotator LIMIT 1",
        (content_hash,),
    ).fetchone()
    return row[0] if row else None


def annotation_analysis(db: sqlite3.Connection, content_hash: str, annotator: str) -> Analysis:
    """An annotator's accepted spans of an article as an `Analysis`: entity spans grouped under
    canonical names as spaCy's are, QUOTE spans as quotes by their speaker, CLAIM spans as
    claims from their source. A quote or claim keeps the cue of the machine's one at the same
    offsets (an annotator's span has none of its own), a quote its words too (a quote over
    several paragraphs without the opening marks of each)."""
    (text,) = db.execute("SELECT text FROM articles WHERE hash = ?", (content_hash,)).fetchone()
    rows = db.execute(
        "SELECT label, start, end, speaker, speaker_start, speaker_end FROM annotation_spans "
        "WHERE article = ? AND annotator = ? AND status = 'accepted' ORDER BY start, end DESC, id",
        (content_hash, annotator),
    ).fetchall()
    named = [
        (*trimmed(start, end, text[start:end]), label)
        for label, start, end, *_ in rows
        if label not in (_QUOTE, _CLAIM)
    ]
    entities, groups = group_mentions(text, named)
    said = [row for row in rows if row[0] in (_QUOTE, _CLAIM)]
    cues: dict[tuple[str, int, int], str | None] = {}
    quoted: dict[tuple[int, int], str] = {}
    machine = None
    if said:
        data = _newest_analysis(db, content_hash)
        machine = _parsed(data) if data is not None else None
        if machine is not None:
            cues = {(_QUOTE, q.start, q.end): q.cue for q in machine.quotes}
            cues.update({(_CLAIM, c.start, c.end): c.cue for c in machine.claims})
            quoted = {(q.start, q.end): q.text for q in machine.quotes}
    spans = [(m.start, m.end) for m in entities]
    named_as = {name_key(g.name) for g in groups}
    quotes, claims = [], []
    for label, start, end, who, who_start, who_end in said:
        cue = cues.get((label, start, end))
        if who and not (name_key(who) in named_as or _overlaps(spans, who_start, who_end)):
            # The speaker's own mention was not accepted: the quote stays under its speaker,
            # an entity named as the machine, the library or the annotator has it.
            found = _speaker_entity(db, label, who, who_start, who_end, machine)
            if found is not None:
                who = found[0]
                if name_key(who) not in named_as:
                    named_as.add(name_key(who))
                    groups.append(Entity(len(groups), who, found[1], ()))
        if label == _QUOTE:
            words = (
                quoted.get((start, end)) or text[start:end].strip(_QUOTE_MARKS) or text[start:end]
            )
            quotes.append(Quote(start, end, words, who, who_start, who_end, cue))
        else:
            claims.append(Claim(start, end, text[start:end], who, who_start, who_end, cue))
    return Analysis(entities=entities, groups=groups, quotes=quotes, claims=claims)


def _overlaps(spans: Iterable[tuple[int, int]], start: int | None, end: int | None) -> bool:
    if start is None or end is None:
        return False
    return any(s < end and start < e for s, e in spans)


def _speaker_entity(
    db: sqlite3.Connection,
    label: str,
    name: str,
    start: int | None,
    end: int | None,
    machine: Analysis | None,
) -> tuple[str, str] | None:
    """(name, label) of the entity an annotator's speaker or source is, when no accepted
    entity span is it: the machine's entity at its offsets or of its name (as the machine's
    own quotes find theirs), else the library's entity of that name, else the name as typed
    (a person for a quote, an organisation for a claim). A description ("analysts") is no
    entity. None: not indexed."""
    key = name_key(name)
    if not key:
        return None
    if machine is not None:
        groups = [g for g in machine.groups if g.label in NAME_LABELS]
        for group in groups:
            if _overlaps(group.mentions, start, end):
                return group.name, group.label
        for group in groups:
            if name_key(group.name) == key:
                return group.name, group.label
    row = db.execute(
        "SELECT r.name, r.label FROM entities e JOIN entities r ON r.id = coalesce(e.root, e.id) "
        "WHERE e.norm = ? OR e.id IN (SELECT entity FROM aliases WHERE alias = ?) "
        "ORDER BY e.norm != ?, r.mentions DESC, r.id LIMIT 1",
        (key, key, key),
    ).fetchone()
    if row is not None:
        return row[0], row[1]
    if not name.lstrip()[:1].isupper():
        return None
    return name, "PERSON" if label == _QUOTE else "ORG"


def annotation_changed(
    db: sqlite3.Connection,
    content_hash: str,
    annotator: str,
    *,
    done_changed: bool,
    spans_changed: bool,
) -> None:
    """Keep the index on its rule after an annotation action, in the action's transaction:
    a done mark set or removed re-indexes the article from its source; a change to accepted
    spans does when the index follows this annotator on the article."""
    if not (done_changed or spans_changed):
        return
    if not done_changed and done_annotator(db, content_hash) != annotator:
        return
    row = db.execute("SELECT id FROM articles WHERE hash = ?", (content_hash,)).fetchone()
    if row is not None:  # annotations outlive `byline rm`: a removed article has no rows
        reindex_article(db, row[0], content_hash)


def is_built(db: sqlite3.Connection) -> bool:
    row = db.execute("SELECT value FROM index_state WHERE key = 'built'").fetchone()
    return bool(row and row[0])


def rebuild(db: sqlite3.Connection) -> int:
    """Index every article from its source: its done annotations, else its newest cached
    analysis (a library from before the index, or from before annotations fed it); merges and
    splits by hand are kept. Returns how many articles were indexed."""
    rows = db.execute(
        "SELECT a.id, a.hash, (SELECT data FROM analyses n WHERE n.hash = a.hash "
        "ORDER BY n.created DESC LIMIT 1) FROM articles a"
    ).fetchall()
    done = 0
    joins = Joins()
    for article_id, content_hash, data in rows:
        if reindex_article(db, article_id, content_hash, data, joins) is not None:
            done += 1
    db.execute("INSERT OR REPLACE INTO index_state VALUES ('built', 1)")
    return done


def _newest_analysis(db: sqlite3.Connection, content_hash: str) -> str | None:
    row = db.execute(
        "SELECT data FROM analyses WHERE hash = ? ORDER BY created DESC LIMIT 1", (content_hash,)
    ).fetchone()
    return row[0] if row else None


def _parsed(data: str) -> Analysis | None:
    try:
        return Analysis.from_json(json.loads(data))
    except (ValueError, TypeError, KeyError):
        return None


def _entity(db: sqlite3.Connection, name: str, label: str) -> int:
    """The id of the entity row for this name and label, created on first sight."""
    key = name_key(name)
    row = db.execute(
        "SELECT id FROM entities WHERE norm = ? AND label = ?", (key, label)
    ).fetchone()
    if row is not None:
        return row[0]
    shown = " ".join(normalise(name).split())
    cursor = db.execute(
        "INSERT INTO entities (name, norm, label, last) VALUES (?, ?, ?, ?)",
        (shown, key, label, surname(key)),
    )
    entity = cursor.lastrowid
    assert entity is not None
    db.execute("INSERT INTO entity_names (rowid, name) VALUES (?, ?)", (entity, shown))
    return entity

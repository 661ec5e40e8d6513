"""The entity index: every name in the library, grouped into canonical entities across articles.

Each article is indexed from exactly one source at a time (`origin` of its rows), never both:

- when some annotator has marked it done (`Session.mark_done`), from that annotator's accepted
  spans (the suggestions they accepted and the spans they created): entities, QUOTE spans with
  their speaker, CLAIM spans with their source (`annotation_analysis`); when several did, from
  the one who marked it done last (`annotation_sessions.done_seq`);
- otherwise from its newest cached analysis (none: the article is not in the index).

The annotation store calls `annotation_changed` in the transaction of every action that changes
a done mark or the accepted spans of the annotator the index follows, so the index never
disagrees with what is committed: removing (or undoing) the last done mark brings the cached
analysis back. A new analysis stored for a done article leaves the annotations in place.

Each article's entity groups become rows of `entities`, one per normalised name and label. An
annotator's entity spans are grouped as spaCy's are (`tui.nlp.entities.group_mentions`). Names
that are one entity are merged under a root (`entities.root`):

- a name the text wrote as a mention of a longer one ("Lavrov" in a "Sergey Lavrov" group, "UN"
  where the text defines "United Nations (UN)") joins that name in every article;
- a lone surname joins the only full name in the library that ends with it;
- two full names that differ by a letter or two ("Sergey"/"Sergei") are joined (`rapidfuzz`),
  unless they differ in a middle initial or a generational suffix: "George H.W. Bush" and
  "George W. Bush", "John Smith Jr." and "John Smith Sr." are father and son.

Only an unambiguous match is merged. An annotator can `merge` two entities and `split` one back;
a split pair is never merged again by the indexer. No Textual here.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.model import Analysis, Claim, Entity, Quote
from tui.nlp.entities import NAME_LABELS, group_mentions, normalise, trimmed
from tui.safe_text import one_line

ANALYSIS = "analysis"
ANNOTATION = "annotation"
#: The labels of quote and claim spans (`tui.store.annotations`, which imports this module).
_QUOTE, _CLAIM = "QUOTE", "CLAIM"
#: Quote marks around an annotator's QUOTE span (a Quote's text is without them).
_QUOTE_MARKS = "\"'“”„‟‘’‚‛«»‹›「」『』 \n\t"
#: Two full names at least this similar (rapidfuzz ratio, 0-100) are one entity.
FUZZY_SAME = 90
_WORD = re.compile(r"\w+")
#: The last word of a name that tells a son from his father ("Jr.", "II"): not a surname.
_GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})


def name_key(name: str) -> str:
    """The form names are compared in: normalised (no 'the', possessive, title), lower-cased;
    without invisible characters, so a name with a zero-width space is not a look-alike."""
    return normalise(one_line(name)).casefold()


def _generation(key: str) -> str:
    """A name's generational suffix ("jr", "ii"), or ''."""
    words = key.split()
    last = words[-1].rstrip(".,") if len(words) > 1 else ""
    return last if last in _GENERATIONS else ""


def _surname(key: str) -> str:
    """The last word of a name that is not a generational suffix: "bush" of "george w. bush
    jr."."""
    words = key.split()
    if _generation(key):
        words.pop()
    return words[-1].rstrip(",") if words else key


def _middle(key: str) -> list[str]:
    """The words between a name's first word and its surname."""
    words = key.split()
    if _generation(key):
        words.pop()
    return words[1:-1]


def same_by_score(a: str, b: str) -> bool:
    """Two name keys that spelling alone makes one entity: a letter or two apart, and not
    apart in a middle initial or a generational suffix (father and son are two people)."""
    from rapidfuzz import fuzz  # here: importing it costs ~30 ms of every start-up

    if _generation(a) != _generation(b):
        return False
    middle_a, middle_b = _middle(a), _middle(b)
    initials = any("." in word or len(word) == 1 for word in (*middle_a, *middle_b))
    if initials and "".join(middle_a).replace(".", "") != "".join(middle_b).replace(".", ""):
        return False
    return fuzz.ratio(a, b) >= FUZZY_SAME


@dataclass(frozen=True, slots=True)
class Found:
    """A canonical entity: its root's id, name and label; mentions and articles in the library."""

    id: int
    name: str
    label: str
    mentions: int


# Indexing.


def index_analysis(
    db: sqlite3.Connection, article_id: int, analysis: Analysis, origin: str = ANALYSIS
) -> None:
    """(Re)index the names, quotes and claims of one article from one origin, in `db`'s
    current transaction. What this origin indexed for the article before is replaced."""
    forget_article(db, article_id, origin)
    entity_of_group: dict[int, int] = {}
    key_of_group: dict[str, int] = {}
    for group in analysis.groups:
        if group.label not in NAME_LABELS or not name_key(group.name):
            continue
        entity = _entity(db, group.name, group.label)
        entity_of_group[group.entity_id] = entity
        key_of_group.setdefault(name_key(group.name), entity)
    rows = []
    aliases: dict[int, set[str]] = defaultdict(set)
    entity_at: dict[tuple[int, int], int] = {}
    for mention in analysis.entities:
        entity = entity_of_group.get(mention.entity_id)
        if entity is None:
            continue
        rows.append((article_id, origin, entity, mention.start, mention.end))
        alias = name_key(mention.text)
        if alias:
            aliases[entity].add(alias)
        entity_at[(mention.start, mention.end)] = entity
    db.executemany(
        "INSERT INTO mentions (article, origin, entity, start, end) VALUES (?, ?, ?, ?, ?)", rows
    )
    # Kept when the article goes: an alias only ever joins names, it is never counted.
    db.executemany(
        "INSERT OR IGNORE INTO aliases (alias, entity) VALUES (?, ?)",
        [(alias, entity) for entity, names in aliases.items() for alias in names],
    )
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

    statements = []
    for quote in analysis.quotes:
        entity = who(quote.speaker, quote.speaker_start, quote.speaker_end)
        if quote.kind == "quote" and entity is not None:
            statements.append(
                (article_id, origin, entity, "quote", quote.start, quote.end, quote.text, quote.cue)
            )
    for claim in analysis.claims:
        entity = who(claim.source, claim.source_start, claim.source_end)
        if entity is not None:
            statements.append(
                (article_id, origin, entity, "claim", claim.start, claim.end, claim.text, claim.cue)
            )
    db.executemany(
        "INSERT INTO statements (article, origin, entity, kind, start, end, text, cue) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        statements,
    )
    for entity in sorted(set(entity_of_group.values())):
        _join_alike(db, entity, aliases.get(entity, set()))


def forget_article(db: sqlite3.Connection, article_id: int, origin: str | None = None) -> None:
    """Take one article's rows (from one origin, or all) out of the index."""
    where, parameters = ("article = ?", (article_id,))
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


def index_stored_analysis(db: sqlite3.Connection, content_hash: str, analysis: Analysis) -> None:
    """Index an analysis just stored in the cache, for the article with that text (if any),
    unless an annotator has marked the article done (their annotations stay its source)."""
    row = db.execute("SELECT id FROM articles WHERE hash = ?", (content_hash,)).fetchone()
    if row is not None and done_annotator(db, content_hash) is None:
        forget_article(db, row[0])
        index_analysis(db, row[0], analysis)


def index_new_article(db: sqlite3.Connection, article_id: int, content_hash: str) -> None:
    """Index an article just added: from its annotations if it was annotated and marked done
    (annotations outlive `byline rm`), else from its newest cached analysis (the reader may
    have analysed and cached it before the article itself was saved)."""
    reindex_article(db, article_id, content_hash)


def reindex_article(
    db: sqlite3.Connection, article_id: int, content_hash: str, data: str | None = None
) -> str | None:
    """Index one article from its one source (see the module docstring), replacing whatever
    was indexed for it; `data`: its newest cached analysis when already read. Returns the
    origin indexed, None when there is nothing to index."""
    forget_article(db, article_id)
    annotator = done_annotator(db, content_hash)
    if annotator is not None:
        analysis = annotation_analysis(db, content_hash, annotator)
        index_analysis(db, article_id, analysis, ANNOTATION)
        return ANNOTATION
    if data is None:
        data = _newest_analysis(db, content_hash)
    analysis = _parsed(data) if data is not None else None
    if analysis is None:
        return None
    index_analysis(db, article_id, analysis)
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
    for article_id, content_hash, data in rows:
        if reindex_article(db, article_id, content_hash, data) is not None:
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
        (shown, key, label, _surname(key)),
    )
    entity = cursor.lastrowid
    assert entity is not None
    db.execute("INSERT INTO entity_names (rowid, name) VALUES (?, ?)", (entity, shown))
    return entity


# Merging names that are one entity.


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    norm: str
    label: str
    root: int

    @property
    def words(self) -> int:
        return len(self.norm.split())


def _row(db: sqlite3.Connection, entity: int) -> _Row:
    found = db.execute(
        "SELECT id, norm, label, coalesce(root, id) FROM entities WHERE id = ?", (entity,)
    ).fetchone()
    return _Row(*found)


def _rows(db: sqlite3.Connection, where: str, parameters: Sequence[object]) -> list[_Row]:
    return [
        _Row(*row)
        for row in db.execute(
            f"SELECT id, norm, label, coalesce(root, id) FROM entities WHERE {where}", parameters
        )
    ]


def _join_alike(db: sqlite3.Connection, entity: int, aliases: Iterable[str]) -> None:
    """Merge the names of the library that are this entity (see the module's docstring)."""
    me = _row(db, entity)
    # Names written as mentions of this one ("UN" in the "United Nations" of a text that defines
    # it), and the one name this one was written as a mention of. Only a name on its own joins:
    # one already part of another entity ("Clinton" of "Hillary Clinton") is ambiguous.
    others = [a for a in aliases if a != me.norm]
    if others:
        marks = ",".join("?" * len(others))
        for other in _rows(db, f"norm IN ({marks}) AND label = ?", [*others, me.label]):
            if _alone(db, other.id):
                _auto_merge(db, other.id, _row(db, entity).root)
    if _alone(db, entity):
        holders = {
            r.root
            for r in _rows(
                db,
                "id IN (SELECT entity FROM aliases WHERE alias = ?) AND label = ? AND id != ?",
                (me.norm, me.label, entity),
            )
        }
        if len(holders) == 1:
            _auto_merge(db, entity, holders.pop())
    # Full names a letter or two apart.
    if me.words > 1:
        alike = _rows(
            db,
            "last = ? AND label = ? AND id != ? AND norm != last",
            (_surname(me.norm), me.label, entity),
        )
        for other in alike:
            if same_by_score(me.norm, other.norm):
                _auto_merge(db, other.root, _row(db, entity).root)

    # A lone surname and the one full name ending with it.
    if me.label == "PERSON":
        if me.words == 1:
            full = {
                r.root
                for r in _rows(db, "last = ? AND label = 'PERSON' AND norm != last", (me.norm,))
            }
            if len(full) == 1 and _alone(db, entity):
                _auto_merge(db, entity, full.pop())
        else:
            surname = _surname(me.norm)
            full = {
                r.root
                for r in _rows(db, "last = ? AND label = 'PERSON' AND norm != last", (surname,))
            }
            if len(full) == 1:
                for lone in _rows(db, "norm = ? AND label = 'PERSON'", (surname,)):
                    if _alone(db, lone.id):
                        _auto_merge(db, lone.id, _row(db, entity).root)


def _alone(db: sqlite3.Connection, entity: int) -> bool:
    """Not merged with any other name."""
    row = db.execute(
        "SELECT root IS NULL AND NOT EXISTS (SELECT 1 FROM entities WHERE root = ?) "
        "FROM entities WHERE id = ?",
        (entity, entity),
    ).fetchone()
    return bool(row and row[0])


def _members(db: sqlite3.Connection, root: int) -> list[int]:
    return [
        r[0] for r in db.execute("SELECT id FROM entities WHERE id = ? OR root = ?", (root, root))
    ]


def _kept_apart(db: sqlite3.Connection, a: list[int], b: list[int]) -> bool:
    marks_a, marks_b = ",".join("?" * len(a)), ",".join("?" * len(b))
    row = db.execute(
        f"SELECT 1 FROM entities_apart WHERE (a IN ({marks_a}) AND b IN ({marks_b})) "
        f"OR (b IN ({marks_a}) AND a IN ({marks_b})) LIMIT 1",
        [*a, *b, *a, *b],
    ).fetchone()
    return row is not None


def _fuller(db: sqlite3.Connection, a: int, b: int) -> tuple[int, int]:
    """(root, other): the root of a merge is the name with more words, then more mentions."""
    rank = {
        entity: (len(norm.split()), mentions, -entity)
        for entity, norm, mentions in db.execute(
            "SELECT id, norm, mentions FROM entities WHERE id IN (?, ?)", (a, b)
        )
    }
    return (a, b) if rank[a] >= rank[b] else (b, a)


def _auto_merge(db: sqlite3.Connection, a: int, b: int) -> None:
    if a == b or _kept_apart(db, _members(db, a), _members(db, b)):
        return
    root, other = _fuller(db, a, b)
    _attach(db, other, root)


def _attach(db: sqlite3.Connection, old_root: int, new_root: int, manual: bool = False) -> None:
    db.execute(
        "UPDATE entities SET root = ?, manual = max(manual, ?) WHERE id = ? OR root = ?",
        (new_root, int(manual), old_root, old_root),
    )
    db.execute("UPDATE entities SET root = NULL WHERE id = ?", (new_root,))


def merge(db: sqlite3.Connection, entity: int, into: int) -> None:
    """By hand: the canonical entity of `entity` becomes part of the one of `into`."""
    a, b = _row(db, entity).root, _row(db, into).root
    if a == b:
        return
    members_a, members_b = _members(db, a), _members(db, b)
    marks_a, marks_b = ",".join("?" * len(members_a)), ",".join("?" * len(members_b))
    db.execute(
        f"DELETE FROM entities_apart WHERE (a IN ({marks_a}) AND b IN ({marks_b})) "
        f"OR (b IN ({marks_a}) AND a IN ({marks_b}))",
        [*members_a, *members_b, *members_a, *members_b],
    )
    _attach(db, a, b, manual=True)


def split(db: sqlite3.Connection, entity: int) -> list[int]:
    """By hand: a merged name leaves its entity; an entity's root lets go of every name merged
    into it. The names parted are kept apart from then on. Returns the ids set free."""
    row = db.execute("SELECT root FROM entities WHERE id = ?", (entity,)).fetchone()
    if row is None:
        return []
    if row[0] is not None:
        freed, root = [entity], row[0]
    else:
        root = entity
        freed = [r[0] for r in db.execute("SELECT id FROM entities WHERE root = ?", (entity,))]
    marks = ",".join("?" * len(freed))
    db.execute(f"UPDATE entities SET root = NULL, manual = 0 WHERE id IN ({marks})", freed)
    db.executemany(
        "INSERT OR IGNORE INTO entities_apart VALUES (?, ?)",
        [(min(f, root), max(f, root)) for f in freed],
    )
    return freed


# Finding entities.


def find(db: sqlite3.Connection, name: str, label: str | None = None) -> Found | None:
    """The canonical entity called `name` (or written so, or whose name holds every word of
    it), the most mentioned one when several are; None when none is. An entity with nothing
    indexed (its articles removed, or re-indexed without it) is none."""
    key = name_key(name)
    if not key:
        return None
    labelled = " AND e.label = ?" if label else ""
    extra = [label] if label else []
    tries = [
        (f"SELECT coalesce(e.root, e.id) FROM entities e WHERE e.norm = ?{labelled}", [key]),
        (
            f"SELECT DISTINCT coalesce(e.root, e.id) FROM aliases m JOIN entities e "
            f"ON e.id = m.entity WHERE m.alias = ?{labelled}",
            [key],
        ),
        (
            f"SELECT DISTINCT coalesce(e.root, e.id) FROM entity_names f JOIN entities e "
            f"ON e.id = f.rowid WHERE entity_names MATCH ?{labelled} LIMIT 200",
            [_fts_query(key, prefix=False)],
        ),
    ]
    for sql, parameters in tries:
        if not parameters[0]:
            continue
        roots = [r[0] for r in db.execute(sql, [*parameters, *extra])]
        found = _indexed(db, entities_by_id(db, roots))
        if found:
            return max(found, key=lambda f: (f.mentions, -f.id))
    return None


def _indexed(db: sqlite3.Connection, found: list[Found]) -> list[Found]:
    """The entities with a mention or a quote or claim in the index."""
    quiet = [f.id for f in found if not f.mentions]
    if not quiet:
        return found
    marks = ",".join("?" * len(quiet))
    speaking = {
        r[0]
        for r in db.execute(
            f"SELECT DISTINCT coalesce(e.root, e.id) FROM statements s JOIN entities e "
            f"ON e.id = s.entity WHERE coalesce(e.root, e.id) IN ({marks})",
            quiet,
        )
    }
    return [f for f in found if f.mentions or f.id in speaking]


def search(db: sqlite3.Connection, query: str, limit: int = 20) -> list[Found]:
    """Type-ahead: entities with a name holding words starting with each typed word, most
    mentioned first; with no query, the most mentioned entities."""
    if not _WORD.search(query):
        return top(db, limit)
    roots = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT coalesce(e.root, e.id) FROM entity_names f JOIN entities e "
            "ON e.id = f.rowid WHERE entity_names MATCH ? LIMIT 2000",
            (_fts_query(query, prefix=True),),
        )
    ]
    found = _indexed(db, entities_by_id(db, roots))
    found.sort(key=lambda f: (-f.mentions, f.name.casefold()))
    return found[:limit]


def top(db: sqlite3.Connection, limit: int = 20) -> list[Found]:
    rows = db.execute(
        "SELECT coalesce(root, id) r, sum(mentions) n FROM entities GROUP BY r "
        "HAVING n > 0 ORDER BY n DESC, r LIMIT ?",
        (limit,),
    ).fetchall()
    found = {f.id: f for f in entities_by_id(db, [r for r, _ in rows])}
    return [found[r] for r, _ in rows if r in found]


def suggest(db: sqlite3.Connection, name: str, limit: int = 3) -> list[Found]:
    """The entities whose names are closest to `name` (typos and all), best first."""
    from rapidfuzz import fuzz, process

    names = db.execute(
        "SELECT coalesce(root, id), name FROM entities WHERE mentions > 0 "
        "OR id IN (SELECT entity FROM statements)"
    ).fetchall()
    if not names:
        return []
    choices = [n for _, n in names]
    best = process.extract(
        name, choices, scorer=fuzz.WRatio, processor=str.casefold, limit=limit * 4, score_cutoff=70
    )
    roots: list[int] = []
    for _, _, index in best:
        root = names[index][0]
        if root not in roots:
            roots.append(root)
    by_id = {f.id: f for f in entities_by_id(db, roots)}
    return [by_id[r] for r in roots if r in by_id][:limit]


def entities_by_id(db: sqlite3.Connection, roots: Sequence[int]) -> list[Found]:
    """Canonical entities by root id, with their mentions summed over their names."""
    found: list[Found] = []
    for start in range(0, len(roots), 500):
        chunk = list(roots[start : start + 500])
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT r.id, r.name, r.label, (SELECT sum(mentions) FROM entities m "
            f"WHERE m.id = r.id OR m.root = r.id) FROM entities r WHERE r.id IN ({marks})",
            chunk,
        ).fetchall()
        found += [Found(*row) for row in rows]
    return found


def roots_of(db: sqlite3.Connection, entities: Sequence[int]) -> dict[int, int]:
    """Each entity id's canonical entity (root) id."""
    roots: dict[int, int] = {}
    for start in range(0, len(entities), 500):
        chunk = list(entities[start : start + 500])
        marks = ",".join("?" * len(chunk))
        roots.update(
            db.execute(f"SELECT id, coalesce(root, id) FROM entities WHERE id IN ({marks})", chunk)
        )
    return roots


def names_of(db: sqlite3.Connection, root: int) -> list[tuple[int, str, str, int]]:
    """(id, name, label, mentions) of every name of a canonical entity, its root first."""
    return db.execute(
        "SELECT id, name, label, mentions FROM entities WHERE id = ? OR root = ? "
        "ORDER BY id != ?, mentions DESC, id",
        (root, root, root),
    ).fetchall()


def _fts_query(text: str, *, prefix: bool) -> str:
    words = _WORD.findall(text.casefold())
    star = "*" if prefix else ""
    return " ".join(f'"{word}"{star}' for word in words)

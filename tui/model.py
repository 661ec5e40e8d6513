"""Byline's data model: plain dataclasses whose spans are character offsets into `Article.text`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Article:
    """One article, its text already sanitised (see `tui.safe_text`)."""

    text: str
    title: str = ""
    source: str = ""
    url: str = ""
    date: str = ""
    author: str = ""
    path: str = ""

    @property
    def content_hash(self) -> str:
        """Identity of the article: the same text is the same article."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class EntityMention:
    start: int
    end: int
    label: str
    text: str
    entity_id: int


@dataclass(frozen=True, slots=True)
class Entity:
    """Mentions of one real-world entity in one article, under a canonical name."""

    entity_id: int
    name: str
    label: str
    mentions: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Quote:
    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    kind: str = "quote"


@dataclass(frozen=True, slots=True)
class Claim:
    start: int
    end: int
    text: str
    source: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    cue: str | None = None


@dataclass(slots=True)
class Analysis:
    """Everything the NLP core found in one article."""

    entities: list[EntityMention] = field(default_factory=list)
    groups: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """What `dataclasses.asdict` gives, without its deep copies (a tenth of the time: every
        analysis stored is converted; the fields are ints, strings and tuples of int pairs)."""
        return {
            "entities": [_flat(e) for e in self.entities],
            "groups": [
                {**_flat(g), "mentions": tuple(tuple(span) for span in g.mentions)}
                for g in self.groups
            ],
            "quotes": [_flat(q) for q in self.quotes],
            "claims": [_flat(c) for c in self.claims],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Analysis:
        """The inverse of `to_json` (a missing list reads as empty)."""
        return cls(
            entities=[EntityMention(**e) for e in data.get("entities", [])],
            groups=[
                Entity(**{**g, "mentions": tuple((s, e) for s, e in g["mentions"])})
                for g in data.get("groups", [])
            ],
            quotes=[Quote(**q) for q in data.get("quotes", [])],
            claims=[Claim(**c) for c in data.get("claims", [])],
        )


def _flat(item: EntityMention | Entity | Quote | Claim) -> dict[str, Any]:
    """A dataclass's fields as a dict, in their order (`asdict` of one whose fields hold no
    mutable values)."""
    names = _FIELD_NAMES.get(type(item))
    if names is None:
        names = _FIELD_NAMES[type(item)] = tuple(f.name for f in fields(item))
    return {name: getattr(item, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True, slots=True)
class AnalysisStep:
    """An analysis so far: a long article is analysed a chunk at a time, and after each chunk
    `analysis` holds what was found in the `done` chunks of `total` (and, until the chunk the
    reader is in is done, a quick preview of the stretch in view). The last step is complete:
    its analysis is the whole article's, the same as a one-shot analysis."""

    analysis: Analysis
    done: int = 1
    total: int = 1
    #: The stretch of text this step added (a chunk, or a preview), if known.
    added: tuple[int, int] | None = None

    @property
    def complete(self) -> bool:
        return self.done >= self.total

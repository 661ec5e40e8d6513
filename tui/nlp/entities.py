"""Named entities: spaCy's NER spans, grouped per article under one canonical name.

"Stefanie Dekker", "Dekker" and "Al Jazeera's Dekker" are one person; "the Syrian Observatory
for Human Rights (SOHR)" defines "SOHR". The canonical name is the longest full form.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from tui.model import Entity, EntityMention
from tui.nlp.lexicon import HONORIFICS, POST_NOMINALS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

#: Labels that name something (grouped by name); the others (dates, numbers) group by exact text.
NAME_LABELS = frozenset(
    {
        "PERSON",
        "ORG",
        "GPE",
        "NORP",
        "LOC",
        "FAC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)
_POSSESSIVE = re.compile(r"[’']s?$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_NICKNAME = re.compile(r"\s[‘“'\"][^‘’“”'\"]{1,30}[’”'\"]\s")
_PARTICLE = re.compile(r"^(?:al|el|ad|as|bin|ibn|de|van|von)-", re.IGNORECASE)
_ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Za-z&.]{1,9})\)")


def normalise(name: str) -> str:
    """The form used to compare names: no leading 'the', possessive or title; single spaces."""
    name = _POSSESSIVE.sub("", _LEADING_THE.sub("", name.strip()))
    words = _NICKNAME.sub(" ", name).split()  # Walter ‘Sugar’ Henley
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        words.pop(0)
    while len(words) > 2 and words[-1].rstrip(".") in POST_NOMINALS:
        words.pop()
    return " ".join(words)


def _trimmed(span: Span) -> tuple[int, int, str]:
    return trimmed(span.start_char, span.end_char, span.text)


def trimmed(start: int, end: int, text: str) -> tuple[int, int, str]:
    """Offsets and text of a mention without a leading 'the' or a trailing possessive."""
    lead = _LEADING_THE.match(text)
    if lead:
        start += lead.end()
        text = text[lead.end() :]
    tail = _POSSESSIVE.search(text)
    if tail and tail.start() > 0:
        end -= len(text) - tail.start()
        text = text[: tail.start()]
    return start, end, text


def group_entities(doc: Doc) -> tuple[list[EntityMention], list[Entity]]:
    """Every entity mention of `doc`, each tied to an `Entity` group with a canonical name."""
    spans = [_name_part(span) if span.label_ == "PERSON" else span for span in doc.ents]
    return group_mentions(doc.text, [(*_trimmed(span), span.label_) for span in spans], doc)


#: Parts of speech that cannot be inside a person's name ("Trump Says He Never", "Obama Just
#: Pulled Out": a headline NER took for one name).
_NOT_IN_NAME = frozenset({"VERB", "AUX", "PRON", "ADV", "SCONJ", "CCONJ", "DET"})
_NAME_PARTICLES = frozenset("de da van von der den al bin ibn la le".split())


def _name_part(span: Span) -> Span:
    """A person's name without the headline words NER ran on into: the first run of
    capitalised nouns in a span that holds a verb, pronoun, adverb or a lower-case word."""

    def in_name(token: Token) -> bool:
        return (
            token.lower_ in _NAME_PARTICLES
            or (token.text[:1].isupper() and token.pos_ not in _NOT_IN_NAME)
            or (
                token.text in {"-", "."}
                and not token.whitespace_
                and token.i > span.start
                and not token.doc[token.i - 1].whitespace_
            )
        )

    if all(in_name(token) or token.tag_ == "POS" for token in span):
        return span
    start = next((t.i for t in span if in_name(t) and t.lower_ not in _NAME_PARTICLES), None)
    if start is None:
        return span
    end = start
    while end < span.end and in_name(span.doc[end]):
        end += 1
    doc = span.doc
    named = doc.char_span(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), label=span.label_)
    return named if named is not None else span


def group_mentions(
    text: str, mentions: list[tuple[int, int, str, str]], doc: Doc | None = None
) -> tuple[list[EntityMention], list[Entity]]:
    """`group_entities` on plain (start, end, text, label) mentions in text order (an
    annotator's spans): without `doc`, a given name opening a paragraph is not taken as one."""
    raw = [(start, end, name, label) for start, end, name, label in mentions if end > start]
    acronyms = _defined_acronyms(text, raw)

    # Names with most words first, so a shorter mention can join the full name it abbreviates.
    keys: dict[int, str] = {}
    canonical: dict[str, tuple[str, str]] = {}  # key -> (name, label)
    persons: dict[str, str] = {}  # a single word of a person's name -> that person's key
    order = sorted(range(len(raw)), key=lambda i: -len(raw[i][2].split()))
    for i in order:
        _, _, written, label = raw[i]
        if label not in NAME_LABELS:
            name = " ".join(written.split())
            keys[i] = f"{label}:{name.lower()}"
            canonical.setdefault(keys[i], (name, label))
            continue
        name = normalise(written)
        key = acronyms.get(name) or f"name:{name.lower()}"
        words = name.split()
        if key not in canonical and len(words) == 1 and words[0].lower() in persons:
            key = persons[words[0].lower()]
        keys[i] = key
        canonical.setdefault(key, (name, label))
        if label == "PERSON" and len(words) > 1:
            # "Dekker" and "Kerry" refer back to the full name (first word only if no other).
            surname = words[-1].lower()
            persons.setdefault(surname, key)
            persons.setdefault(_PARTICLE.sub("", surname), key)  # "al-Assad" -> "Assad"
            persons.setdefault(words[0].lower(), key)

    ids: dict[str, int] = {}
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    members: dict[str, list[tuple[int, int]]] = defaultdict(list)
    found: list[EntityMention] = []
    for i, (start, end, written, label) in enumerate(raw):
        key = keys[i]
        entity_id = ids.setdefault(key, len(ids))
        labels[key][label] += 1
        members[key].append((start, end))
        found.append(EntityMention(start, end, label, written, entity_id))
    for key in ids:
        canonical[key] = (canonical[key][0], _group_label(canonical[key][1], labels[key]))
    _complete_surnames(doc, text, canonical)
    groups = [
        Entity(entity_id, canonical[key][0], canonical[key][1], tuple(members[key]))
        for key, entity_id in ids.items()
    ]
    return found, groups


def _complete_surnames(doc: Doc | None, text: str, canonical: dict[str, tuple[str, str]]) -> None:
    """A person NER only ever caught by surname gets the full name the text gives once:
    "world number one Jessica Hartmann" names the "Hartmann" of every later mention."""
    for key, (name, label) in canonical.items():
        if label == "PERSON" and " " not in name:
            canonical[key] = (full_name_in(text, name, doc) or name, label)


def full_name_in(text: str, surname: str, doc: Doc | None = None) -> str | None:
    """'Given Surname' as the text first writes it, if it does. At a paragraph's start the
    capitalised word must be tagged a proper noun ("Late Okonkwo" is not a name)."""
    if not surname[:1].isupper():
        return None
    pattern = rf"(?:^|(?<=[ (]))([A-Z][\w’'-]+) {re.escape(surname)}\b"
    for match in re.finditer(pattern, text, re.MULTILINE):
        given = match.group(1)
        if given.lower().rstrip(".") in HONORIFICS or given.lower() in _NOT_GIVEN:
            continue
        if match.start() == 0 or text[match.start() - 1] == "\n":
            token = doc.char_span(match.start(), match.end(1)) if doc is not None else None
            if token is None or token.root.pos_ != "PROPN":
                continue
        return f"{given} {surname}"
    return None


# Capitalised words that start a sentence before a surname without being a given name.
_NOT_GIVEN = frozenset(
    """
the a an in on at by for and but of late early yesterday today tomorrow later earlier
meanwhile then when
after before now still also however while since as so if though although last next this that
""".split()
)


def _group_label(full_form_label: str, labels: Counter[str]) -> str:
    """A person's full name decides (NER often mislabels a bare surname); else the majority."""
    if full_form_label == "PERSON":
        return "PERSON"
    return labels.most_common(1)[0][0]


def _defined_acronyms(text: str, raw: list[tuple[int, int, str, str]]) -> dict[str, str]:
    """Acronyms the text defines, "Long Name (LN)", mapped to the long name's group key."""
    defined: dict[str, str] = {}
    for _, end, name, _ in raw:
        match = _ACRONYM_AFTER.match(text, end)
        if match:
            defined[match.group(1)] = f"name:{normalise(name).lower()}"
    return defined

"""Who is meant: resolving a speaker or source mention to a canonical entity name.

Named mentions map to their entity group; pronouns ("he said") to the nearest person of the
right gender named before; descriptions ("our correspondent", "the company") to the person
whose role or the organisation that fits. What cannot be resolved stays unresolved (None).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.model import Entity, EntityMention
from tui.nlp.entities import full_name_in, normalise
from tui.nlp.lexicon import (
    FEMALE_HONORIFICS,
    FEMALE_NAMES,
    FEMALE_WORDS,
    HONORIFICS,
    MALE_HONORIFICS,
    MALE_NAMES,
    MALE_WORDS,
    ORG_DESCRIPTIONS,
    ROLE_SYNONYMS,
    SPEAKS_FOR,
    UNNAMED_PEOPLE,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

PERSONISH = frozenset({"PERSON"})
ORGISH = frozenset({"ORG", "GPE", "NORP", "FAC"})
_NEWS_POSSESSIVE = re.compile(r"([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*)[’']s\s+$")


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str | None
    start: int
    end: int


class SpeakerResolver:
    """Resolves mentions in one analysed document."""

    def __init__(self, doc: Doc, mentions: list[EntityMention], groups: list[Entity]) -> None:
        self.doc = doc
        self.text = doc.text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self._starts = [m.start for m in self.mentions]
        self.groups = {group.entity_id: group for group in groups}
        self.by_name = {group.name.lower(): group for group in groups}
        self._surnames = self._surname_index(groups)
        self.gender = self._genders()
        self.roles = self._roles()
        self.quoted: list[tuple[int, int]] = []
        self._quoted_starts: list[int] = []
        self._token_starts: list[int] | None = None

    # Entities by position.

    def mention_at(self, start: int, end: int) -> EntityMention | None:
        """The entity mention overlapping [start, end), if any."""
        index = bisect_left(self._starts, start)
        for candidate in self.mentions[max(0, index - 1) : index + 3]:
            if candidate.start < end and start < candidate.end:
                return candidate
        return None

    def mentions_between(self, start: int, end: int) -> list[EntityMention]:
        """The entity mentions lying inside [start, end), in text order."""
        first, last = bisect_left(self._starts, start), bisect_left(self._starts, end)
        return [m for m in self.mentions[first:last] if m.end <= end]

    def group_of(self, mention: EntityMention) -> Entity:
        return self.groups[mention.entity_id]

    def register(self, name: str) -> None:
        """Remember a full name the text gives outside NER (a transcript label, say)."""
        words = name.split()
        if len(words) > 1:
            self._surnames.setdefault(words[-1].lower(), name)

    def canonical(self, name: str | None) -> str | None:
        """A bare surname ("Hartmann", "MARSH") becomes the full name the article gives."""
        if not name:
            return name
        words = _uncapped(normalise(name)).split()
        if len(words) == 1:
            found = self._surnames.get(words[0].lower()) or full_name_in(
                self.text, words[0], self.doc
            )
            return _uncapped(found) if found else words[0]
        full = self._surnames.get(words[-1].lower())
        if full and _uncapped(full).endswith(" ".join(words)):  # "van Dalen" -> "Pieter van Dalen"
            return _uncapped(full)
        return " ".join(words)

    def name_for(self, text: str) -> str | None:
        """Canonical name for a bare name string ("MARSH", "Dr. Marsh"), if one matches."""
        words = [
            w for w in normalise(text).replace(".", " ").split() if w.lower() not in HONORIFICS
        ]
        if not words:
            return None
        group = self.by_name.get(" ".join(words).lower())
        if group:
            return group.name
        person = self._surnames.get(words[-1].lower())
        if person:
            return person
        return _uncapped(" ".join(words))

    # Resolution.

    def resolve(self, head: Token, before: int, *, describe: bool = False) -> Speaker:
        """The speaker meant by the subject whose head token is `head`, said at `before`.

        With `describe`, an unresolved description is returned as written instead of None.
        """
        if head.lower_ in {"who", "that", "which"} and head.head.dep_ == "relcl":
            head = head.head.head  # "O'Donnell, who wrote about it": the one the clause is about
        lower = head.lower_
        if head.pos_ == "PRON" or lower in {"he", "she", "it", "they", "i", "we"}:
            name = self._pronoun(lower, before)
            return Speaker(name, head.idx, head.idx + len(head.text))
        named = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
        if named is not None and head.pos_ in {"NOUN", "NUM"}:
            head = named  # "WFP's country director, Fatima Abdelrahman, told Al Jazeera"
        span = self._phrase(head)
        mention = self.mention_at(head.idx, head.idx + len(head.text))
        if mention is not None and mention.label not in {"DATE", "TIME", "CARDINAL", "ORDINAL"}:
            return Speaker(self.group_of(mention).name, mention.start, mention.end)
        if head.pos_ == "PROPN":
            name_tokens = [t for t in head.lefts if t.dep_ in {"compound", "flat"}] + [head]
            name = self.name_for(" ".join(t.text for t in name_tokens))
            return Speaker(name, name_tokens[0].idx, head.idx + len(head.text))
        if (
            head.is_title
            and _after_handover(head)
            and head.pos_ in {"NOUN", "ADJ"}
            and not any(c.dep_ in {"det", "poss"} for c in head.children)
            and head.lower_ not in UNNAMED_PEOPLE | ORG_DESCRIPTIONS
        ):
            # '"...?" Hannity pressed': a capitalised word mid-sentence is a name NER missed.
            return Speaker(self.name_for(head.text), head.idx, head.idx + len(head.text))
        principal = self._principal(head)
        if principal is not None:  # "a spokeswoman for YouTube"
            return Speaker(self.group_of(principal).name, principal.start, principal.end)
        owner = self._owner(head)
        if owner is not None:  # "Clinton's campaign"
            return owner
        described = self._description(head, before, roles_only=describe)
        if described:
            return Speaker(described, span.start_char, span.end_char)
        # An unnamed "witness", "a voice", "the race engineer": no name to give a speaker; a
        # claim's source is worth keeping as written ("Syrian opposition officials").
        words = span[1:] if span[0].dep_ == "det" else span
        name = words.text if describe and len(words) else None
        return Speaker(name, span.start_char, span.end_char)

    def _principal(self, head: Token) -> EntityMention | None:
        """The person or organisation a spokesperson, campaign or office speaks for."""
        if head.lemma_.lower() not in SPEAKS_FOR:
            return None
        for child in head.children:
            targets = [child] if child.dep_ == "poss" else []
            if child.dep_ == "prep" and child.lower_ in {"for", "of"}:
                targets = [c for c in child.children if c.dep_ == "pobj"]
            for target in targets:
                mention = self.mention_at(target.idx, target.idx + len(target.text))
                if mention is not None and mention.label in PERSONISH | ORGISH:
                    return mention
        return None

    def _owner(self, head: Token) -> Speaker | None:
        """Whose words a description carries: "Sanders's aides", "Kasich's team" (the
        person's, "the Post's polling unit" the paper's), "a poll by Marquette Law School"
        (the author's). Not kin: "Smith's mother" speaks for herself."""
        if head.pos_ != "NOUN" or head.lower_ in MALE_WORDS | FEMALE_WORDS:
            return None
        for child in head.children:
            targets = [child] if child.dep_ == "poss" and child.pos_ == "PROPN" else []
            if child.dep_ == "prep" and child.lower_ in {"by", "from"}:
                targets = [c for c in child.children if c.dep_ == "pobj"]
            for target in targets:
                end = target.idx + len(target.text)
                mention = self.mention_at(target.idx, end)
                if mention is None and child.dep_ == "poss":  # a name NER missed
                    name = [t for t in target.lefts if t.dep_ in {"compound", "flat"}] + [target]
                    return Speaker(self.name_for(" ".join(t.text for t in name)), name[0].idx, end)
                if mention is not None and self.group_of(mention).label in PERSONISH | ORGISH:
                    return Speaker(self.group_of(mention).name, mention.start, mention.end)
        return None

    def _phrase(self, head: Token) -> Span:
        """The noun phrase of a subject: its compounds, modifiers and possessor, no clauses."""
        keep = {"compound", "amod", "det", "poss", "nmod", "case", "nummod", "quantmod", "flat"}
        left = head
        for child in head.lefts:
            if child.dep_ in keep:
                left = min(left, child.left_edge, key=lambda t: t.i)
        right = head
        for child in head.rights:
            if child.dep_ in {"compound", "flat"}:
                right = max(right, child.right_edge, key=lambda t: t.i)
        return self.doc[left.i : right.i + 1]

    def _pronoun(self, pronoun: str, before: int) -> str | None:
        if pronoun in {"they", "it"}:
            found = self._subject_antecedent(before, plural=pronoun == "they")
            return found or self._nearest(before, ORGISH, None)
        if pronoun in {"he", "she"}:
            mention = self._nearest_mention(before, PERSONISH, "m" if pronoun == "he" else "f")
            if mention is None or self._unnamed_subject_between(mention.end, before):
                return None
            return self.group_of(mention).name
        return None

    def _subject_antecedent(self, before: int, *, plural: bool) -> str | None:
        """What "it" / "they" most likely stand for: the latest subject before `before` that is
        an organisation ("the group which ... when it said"), or, for "they", a plural noun
        ("Researchers at the institute ... They note"), skipping nouns in between that are
        not subjects or cannot be meant ("the glacier lost mass")."""
        doc = self.doc
        if self._token_starts is None:
            self._token_starts = [token.idx for token in doc]
        index = bisect_left(self._token_starts, before) - 1
        for token in reversed(doc[max(0, index - 120) : max(0, index)]):
            if token.dep_ not in {"nsubj", "nsubjpass"} or self.in_quote(token.idx):
                continue
            if token.lower_ in {"which", "that", "who"} and token.head.dep_ == "relcl":
                token = token.head.head  # the noun the relative clause describes
            if token.dep_ == "appos":
                token = token.head
            if token.pos_ == "PRON":
                continue
            mention = self.mention_at(token.idx, token.idx + len(token.text))
            if mention is not None and self.group_of(mention).label in ORGISH:
                return self.group_of(mention).name
            if plural and token.tag_ in {"NNS", "NNPS"}:
                for child in token.children:  # "researchers at the institute"
                    objects = [c for c in child.children if c.dep_ == "pobj"]
                    for obj in objects if child.dep_ == "prep" else []:
                        inner = self.mention_at(obj.idx, obj.idx + len(obj.text))
                        if inner is not None and self.group_of(inner).label in ORGISH:
                            return self.group_of(inner).name
                return None
        return None

    def _nearest(self, before: int, labels: frozenset[str], gender: str | None) -> str | None:
        mention = self._nearest_mention(before, labels, gender)
        return self.group_of(mention).name if mention else None

    def _nearest_mention(
        self, before: int, labels: frozenset[str], gender: str | None
    ) -> EntityMention | None:
        """The nearest entity before `before` with one of `labels` and the gender, if known.

        A mention that is the subject of its clause wins over a nearer one that is not: in
        "Smith met Jones on Friday. '...,' she said", the topic is Smith.
        """
        index = bisect_left(self._starts, before)
        fallback = None
        for mention in reversed(self.mentions[max(0, index - 60) : index]):
            group = self.group_of(mention)
            if group.label not in labels:
                continue
            known = self.gender.get(group.entity_id)
            # A person whose gender the text never shows may be the one meant.
            if gender is None or known in (gender, None):
                if self._is_subject(mention):
                    return mention
                fallback = fallback or mention
        return fallback

    def _unnamed_subject_between(self, start: int, end: int) -> bool:
        """True when the last main-clause subject after the named candidate is an unnamed
        person ("His spokesman said ..."): a following "he said" most likely means them."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return False
        subjects = [
            token
            for token in span
            if token.dep_ in {"nsubj", "nsubjpass"}
            and token.head.dep_ == "ROOT"
            and not self.in_quote(token.idx)
        ]
        return bool(subjects) and subjects[-1].lemma_.lower() in UNNAMED_PEOPLE

    def in_quote(self, offset: int) -> bool:
        """Whether `offset` lies inside a quotation found so far (see `quoted`)."""
        index = bisect_left(self._quoted_starts, offset + 1) - 1
        return index >= 0 and offset < self.quoted[index][1]

    def set_quoted(self, spans: list[tuple[int, int]]) -> None:
        self.quoted = sorted(spans)
        self._quoted_starts = [start for start, _ in self.quoted]

    def _is_subject(self, mention: EntityMention) -> bool:
        span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            return False
        root = span.root
        while root.dep_ in {"compound", "appos", "flat", "poss"} and root.head.i != root.i:
            root = root.head
        return root.dep_ in {"nsubj", "nsubjpass"}

    def _description(self, head: Token, before: int, *, roles_only: bool = False) -> str | None:
        """'our correspondent' -> the person introduced as one; 'the company' -> an ORG."""
        noun = head.lemma_.lower()
        wanted = ROLE_SYNONYMS.get(noun, frozenset({noun}))
        best: tuple[int, str] | None = None
        for entity_id, roles in self.roles.items():
            if roles & wanted:
                first = self.groups[entity_id].mentions[0][0]
                if first < before and (best is None or first > best[0]):
                    best = (first, self.groups[entity_id].name)
        if best or roles_only:
            return best[1] if best else None
        if noun in ORG_DESCRIPTIONS:
            return self._nearest(before, frozenset({"ORG"}), None)
        if head.pos_ == "NOUN" and any(
            child.dep_ in {"det", "poss"} and child.lower_ in {"the", "our", "this"}
            for child in head.children
        ):
            # "the minister said", "the 21-year-old added": someone already introduced.
            return self._nearest(before, PERSONISH, None)
        return None

    # What the text says about each person.

    @staticmethod
    def _surname_index(groups: list[Entity]) -> dict[str, str]:
        """Last word -> full name, for people (and, failing that, any multi-word name)."""
        index: dict[str, str] = {}
        for group in sorted(groups, key=lambda g: g.label != "PERSON"):
            words = group.name.split()
            if len(words) > 1 and group.label in {"PERSON", "ORG", "NORP", "GPE"}:
                index.setdefault(words[-1].lower(), group.name)
        return index

    def _genders(self) -> dict[int, str]:
        """Each person's gender when the text shows it: honorifics, gendered words, given names."""
        votes: dict[int, Counter[str]] = defaultdict(Counter)
        doc = self.doc
        for mention in self.mentions:
            group = self.group_of(mention)
            if group.label != "PERSON":
                continue
            first = group.name.split()[0].lower()
            if first in MALE_NAMES:
                votes[group.entity_id]["m"] += 1
            elif first in FEMALE_NAMES:
                votes[group.entity_id]["f"] += 1
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            previous = doc[span.start - 1].lower_.rstrip(".") if span.start else ""
            if previous in MALE_HONORIFICS:
                votes[group.entity_id]["m"] += 3
            elif previous in FEMALE_HONORIFICS:
                votes[group.entity_id]["f"] += 3
            # Words in the same clause right after the name: "Smith, a spokeswoman, ...", "his".
            for token in doc[span.end : min(len(doc), span.end + 8)]:
                if token.lower_ in MALE_WORDS:
                    votes[group.entity_id]["m"] += 1
                    break
                if token.lower_ in FEMALE_WORDS:
                    votes[group.entity_id]["f"] += 1
                    break
                if token.is_sent_end:
                    break
        return {entity_id: count.most_common(1)[0][0] for entity_id, count in votes.items()}

    def _roles(self) -> dict[int, set[str]]:
        """Role nouns each person is given: appositives, titles before the name, 'X's reporter'."""
        roles: dict[int, set[str]] = defaultdict(set)
        doc, text = self.doc, self.text
        for mention in self.mentions:
            group = self.group_of(mention)
            if group.label != "PERSON":
                continue
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            for token in span.root.children:  # "Rami Abdel Rahman, the SOHR head"
                if token.dep_ == "appos":
                    roles[group.entity_id].add(token.lemma_.lower())
            head = span.root.head  # "the SOHR head, Rami Abdel Rahman"
            if span.root.dep_ == "appos" and head.pos_ == "NOUN":
                roles[group.entity_id].add(head.lemma_.lower())
            for token in doc[max(0, span.start - 3) : span.start]:  # "Foreign Minister X"
                if token.dep_ == "compound" and token.head.i in range(span.start, span.end):
                    roles[group.entity_id].add(token.lemma_.lower())
            # "Al Jazeera's Stefanie Dekker, reporting from ..." is the outlet's correspondent.
            before = text[max(0, mention.start - 40) : mention.start]
            after = text[mention.end : mention.end + 14]
            if _NEWS_POSSESSIVE.search(before) or after.lstrip(", ").startswith("reporting"):
                roles[group.entity_id].add("correspondent")
        return roles


def _after_handover(token: Token) -> bool:
    """True right after a quotation that hands over mid-sentence (`,"` `?"` `!"`)."""
    text = token.doc.text
    before = text[max(0, token.idx - 3) : token.idx].rstrip()
    return len(before) >= 2 and before[-1] in "\"”'" and before[-2] in ",?!—–-"


def _uncapped(name: str) -> str:
    """'ELAINE MARSH' -> 'Elaine Marsh' (transcripts shout names); 'UN' and 'BBC' stay."""
    return " ".join(w.title() if w.isupper() and len(w) > 3 else w for w in name.split())

"""Claims: attributed assertions that are not direct quotes.

"Officials told Reuters that Russia is not serious", "the UN has warned that Aleppo risks...",
"..., according to Rami Abdel Rahman". Found on spaCy's dependency parse: a reporting verb with
a clausal complement (the claim) and a subject (the source); or an "according to X" phrase.
Reporting inside a direct quote belongs to the quote, and headings are never claims.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from tui.model import Claim, Quote
from tui.nlp.lexicon import CLAIM_VERBS, SPEECH_VERBS
from tui.nlp.speakers import SpeakerResolver

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

MIN_CLAIM_WORDS = 3
#: Words of its own after a quotation that make a claim opening with it mixed quotation.
MIN_OWN_WORDS = 3
_HEADING_END = re.compile(r"[.!?…][”’\"')\]]*\s*$")
_ACCORDING = re.compile(r"\baccording to\b", re.IGNORECASE)


#: Words that open a clause of the writer's own after a quotation.
_CLAUSE_OPENERS = frozenset(
    "when while as after before because since until if though although and but or".split()
)


class _QuoteIndex:
    """Which offsets lie inside a direct quote."""

    def __init__(self, quotes: list[Quote]) -> None:
        spans = sorted((q.start - 1, q.end + 1) for q in quotes if q.kind == "quote")
        self._starts = [s for s, _ in spans]
        self._spans = spans

    def inside(self, offset: int) -> bool:
        index = bisect_right(self._starts, offset) - 1
        return index >= 0 and offset < self._spans[index][1]

    def opens_direct(self, text: str, start: int, end: int, cue: int) -> bool:
        """True when [start, end) opens inside a direct quote and is no more than it: a claim
        that goes on past the quotation for a few words of its own, before any other quotation
        and the cue at `cue` (`"You squeezed them" to drive up the price, she said`), is mixed
        quotation, and stays a claim."""
        index = bisect_right(self._starts, start) - 1
        if index < 0 or start >= self._spans[index][1]:
            return False
        quote_end = self._spans[index][1]
        own_end = self.first_after(quote_end, end)
        if quote_end < cue < own_end:
            own_end = cue
        own = re.findall(r"\w+", text[quote_end:own_end])
        # (`"That makes me smart," when Clinton blasted him`: the writer's clause, not theirs)
        return len(own) < MIN_OWN_WORDS or own[0].lower() in _CLAUSE_OPENERS

    def first_after(self, start: int, end: int) -> int:
        """The first quote opening in [start, end), or `end`."""
        index = bisect_right(self._starts, start - 1)
        if index < len(self._starts) and self._starts[index] < end:
            return self._starts[index]
        return end


def find_claims(doc: Doc, quotes: list[Quote], resolver: SpeakerResolver) -> list[Claim]:
    text = resolver.text
    in_quote = _QuoteIndex(quotes)
    claims: list[Claim] = []
    for sentence in doc.sents:
        if not _HEADING_END.search(_paragraph_of(text, sentence.start_char)):
            continue  # headlines, section titles, bylines
        for token in sentence:
            if (
                token.lemma_.lower() in CLAIM_VERBS
                and token.pos_ in {"VERB", "AUX"}
                and not in_quote.inside(token.idx)
            ):
                claim = _reported(token, resolver, in_quote)
                if claim is not None:
                    claims.append(claim)
        claim = _according(sentence, resolver, in_quote)
        if claim is not None:
            claims.append(claim)
    return _without_overlaps(claims)


def _paragraph_of(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end != -1 else len(text)]


def _reported(verb: Token, resolver: SpeakerResolver, in_quote: _QuoteIndex) -> Claim | None:
    complements = (
        [c for c in verb.children if c.dep_ == "ccomp"]
        or _clause_object(verb)
        or _unmarked_clause(verb)
    )
    if not complements:
        return (
            _parenthetical(verb, resolver, in_quote)
            or _as_reported(verb, resolver, in_quote)
            or _that_clause(verb, resolver, in_quote)
            or _sentence_final(verb, resolver, in_quote)
        )
    # "A, she said, and B": the complement after the verb when there is one on each side.
    complement = next((c for c in complements if c.i > verb.i), complements[0])
    subject = _subject_of(verb)
    if subject is None and complement.i < verb.i:
        subject = _inverted_subject(verb)  # "..., reported the local broadcaster."
    if subject is None and complement.i > verb.i:
        subject = _noun_before(verb)  # "..., former president Bill Clinton said his wife ..."
    if subject is None:
        return _sentence_final(verb, resolver, in_quote)
    if subject.dep_ == "nsubjpass" and subject.head.i == verb.i:
        return None  # "he is said to ...": no one's assertion
    if verb.lemma_.lower() in _EVIDENCE_VERBS and any(
        c.dep_ == "aux" and c.tag_ == "TO" for c in complement.children
    ):
        return None  # "tests showed it to be safe": a finding, not someone's assertion
    tokens = [t for t in complement.subtree if not (t.dep_ == "mark" and t.head == complement)]
    cut = _next_attribution(verb, complement, in_quote)
    if complement.i < subject.i < verb.i:
        # Content before its source ends where the source begins, whatever the parser hung
        # on it from further on (`"...people who built it," Tran wrote in a memo that was
        # seen ...`).
        cut = min(cut if cut is not None else subject.left_edge.i, subject.left_edge.i)
    tokens = [t for t in tokens if cut is None or t.i < cut]
    # `said the timing was not intentional; they only learned ...`: a new clause after a
    # semicolon is the writer's again.
    semicolon = next((t.i for t in tokens[1:] if t.text == ";"), None)
    tokens = [t for t in tokens if semicolon is None or t.i < semicolon]
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ == "cc"):
        tokens.pop()
    while tokens and (tokens[0].is_quote or tokens[0].text in {",", ":"}):
        # `''Revenues are up,'' said X`: a two-character mark opens a quote; `said that, "`
        tokens.pop(0)
    if not tokens:
        return None
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1].text)
    if in_quote.opens_direct(resolver.text, start, end, verb.idx):
        return None
    # A quoted fragment inside the complement (`said the council had "lost its way"`) is
    # mixed quotation: part of the claim, not its end; a quotation introduced by a comma or
    # colon (`told her, "..."`) is direct speech, and ends it.
    text = resolver.text
    quoted = in_quote.first_after(start, end)
    if quoted < end and text[start:quoted].rstrip()[-1:] in {",", ":"}:
        end = quoted
    return _claim(verb.doc, start, end, subject, verb.lower_, resolver)


_CUES = CLAIM_VERBS | SPEECH_VERBS
#: Cues that start the speaker's next statement when coordinated with a complement.
_NEXT_CUES = frozenset(
    "say tell add insist warn note argue claim announce predict ask question stress deny "
    "acknowledge admit urge cite point".split()
)
#: Conjunctions of a concession that the writer, or the next speaker, adds after a claim.
_CONCEDING = frozenset({"although", "though"})


def _next_attribution(verb: Token, complement: Token, in_quote: _QuoteIndex) -> int | None:
    """Where the speaker's next act starts inside a complement the parser made too long:
    `said he earns $41,000 and questioned ...` (a verb in the cue's tense with no subject of
    its own, after a complement in the present, or a cue verb), `..., noting that ...`,
    `..., while nine in 10 said ...`. The index of its first token, or None."""
    cuts = []
    for token in complement.subtree:
        if (
            token.i <= complement.i
            or token.pos_ not in {"VERB", "AUX"}
            or in_quote.inside(token.idx)
        ):
            continue
        own_subject = any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in token.children)
        lemma = token.lemma_.lower()
        if token.dep_ == "conj" and token.head.i == complement.i and not own_subject:
            tense_shift = token.tag_ == verb.tag_ == "VBD" and complement.tag_ in {"VBZ", "VBP"}
            if tense_shift or (lemma in _NEXT_CUES and token.tag_ in {verb.tag_, "VBD", "VBZ"}):
                cuts.append(token.left_edge.i)
        elif (
            token.dep_ == "advcl"
            and token.doc[token.left_edge.i - 1].text == ","
            and any(c.dep_ == "mark" and c.lower_ in _CONCEDING for c in token.children)
        ):
            cuts.append(token.left_edge.i)  # `..., although it may take days to tell`
        elif (
            token.tag_ == "VBG"
            and lemma in _NEXT_CUES
            and token.dep_ in {"advcl", "conj", "xcomp"}
            and token.doc[token.left_edge.i - 1].text == ","
        ) or (
            token.dep_ == "advcl"
            and own_subject
            and lemma in _CUES
            and any(c.dep_ == "mark" and c.lower_ in {"while", "whereas"} for c in token.children)
        ):
            cuts.append(token.left_edge.i)
    return min(cuts) if cuts else None


#: Cues whose noun-phrase object is what they assert (`announced a $275 billion plan`).
_ANNOUNCING = frozenset({"announce", "unveil", "declare"})


def _clause_object(verb: Token) -> list[Token]:
    """`He said legalizing it could put people to work`: a gerund the parser made the verb's
    object, with the finite clause under it, is the complement; so is what was announced
    (`announced plans to sue the panel`) and a gerund reported (`reported earning $1m`)."""
    lemma = verb.lemma_.lower()
    announced = [
        child
        for child in verb.rights
        if (child.dep_ == "dobj" and child.pos_ in {"NOUN", "PROPN"} and lemma in _ANNOUNCING)
        or (child.dep_ in {"xcomp", "dobj"} and child.tag_ == "VBG" and lemma == "report")
    ]
    if announced:
        return announced
    return [
        child
        for child in verb.rights
        if child.dep_ in {"xcomp", "dobj"}
        and child.tag_ == "VBG"
        and child.i == verb.i + 1
        and any(c.dep_ == "ccomp" and c.pos_ in {"VERB", "AUX"} for c in child.children)
    ]


def _unmarked_clause(verb: Token) -> list[Token]:
    """`said after the convention he would not accept`: a clause with its own subject and no
    conjunction after the cue, which the parser hung on it as an adverbial clause."""
    return [
        child
        for child in verb.rights
        if child.dep_ == "advcl"
        and child.pos_ in {"VERB", "AUX"}
        and any(c.dep_ in {"nsubj", "nsubjpass"} and c.i < child.i for c in child.children)
        and not any(c.dep_ == "mark" or c.tag_ in {"WRB", "WDT", "WP"} for c in child.children)
    ]


def _noun_before(verb: Token) -> Token | None:
    """The name or noun right before a verb the parser left without a subject (it hung the
    speaker on an earlier noun as an apposition)."""
    before = verb.doc[verb.i - 1] if verb.i > verb.sent.start else None
    while before is not None and before.pos_ == "ADV" and before.i > verb.sent.start:
        before = verb.doc[before.i - 1]
    if (
        before is None
        or before.pos_ not in {"PROPN", "NOUN"}
        or before.ent_type_ in {"DATE", "TIME"}
    ):
        return None
    return before


#: Verbs whose object-plus-infinitive reports a result, not a speaker's claim.
_EVIDENCE_VERBS = frozenset({"show", "find", "reveal", "indicate", "prove"})
_PARTICIPLE_LINKS = frozenset({"advcl", "xcomp", "conj", "pcomp", "acl"})


def _subject_of(verb: Token) -> Token | None:
    """The verb's subject, or that of the verb it hangs from: "X said ... and warned",
    "X defended the bill, saying ...", "X went on to note"."""
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is not None:
            return _past_dateline(subject, verb)
        if verb.dep_ == "conj" or (verb.dep_ in _PARTICIPLE_LINKS and verb.tag_ in {"VBG", "VB"}):
            # "by saying ...", "released a statement saying ...": up to the clause's verb
            # (but "data showing that ..." is the data's finding, not the speaker's claim).
            if verb.dep_ == "acl" and verb.lemma_.lower() in _EVIDENCE_VERBS:
                return None
            head = verb.head
            while head.pos_ not in {"VERB", "AUX"} and head.head.i != head.i:
                head = head.head
            if head.dep_ == "ccomp" and head.head.lemma_.lower() in _CUES:
                head = head.head  # "said the rules risked X, claiming ...": the cue's speaker
            if head.pos_ not in {"VERB", "AUX"} or head.i == verb.i:
                return None
            verb = head
            continue
        return None
    return None


_DASHES = frozenset({"—", "–", "-", "--"})


def _past_dateline(subject: Token, verb: Token) -> Token:
    """`NAIROBI, Kenya — The coalition rejected ...` is sometimes parsed with the dateline as
    the subject: the subject is the noun phrase after the dash."""
    if not subject.text.isupper() or len(subject.text) < 3 or subject.i > verb.i:
        return subject
    dash = next((t for t in subject.doc[subject.i : verb.i] if t.text in _DASHES), None)
    if dash is None:
        return subject
    after_dash = subject.doc[dash.i + 1 : verb.i]
    other = next((t for t in after_dash if t.dep_ in {"nsubj", "nsubjpass"}), None)
    if other is not None:
        return other
    chunk = next((c for c in after_dash.noun_chunks), None)
    return chunk.root if chunk is not None else subject


def _inverted_subject(verb: Token) -> Token | None:
    """The speaker after the verb in `..., said the minister` / `..., reported the paper`."""
    for child in verb.rights:
        if child.dep_ in {"dobj", "attr", "npadvmod", "appos", "nsubj"} and child.pos_ in {
            "PROPN",
            "NOUN",
        }:
            if child.ent_type_ in {"DATE", "TIME"}:
                continue
            return child
    return None


def _parenthetical(verb: Token, resolver: SpeakerResolver, in_quote: _QuoteIndex) -> Claim | None:
    """`The truth, the senator said, was that ...`: the attribution sits inside its claim."""
    if verb.dep_ != "parataxis":
        return None
    subject = _subject_of(verb)
    if subject is None or subject.dep_ == "nsubjpass":
        return None
    clause = verb.head
    # `The difference now, he told me, is that ...` hung on the subject noun, and `Though X
    # was seamless, he said, Y would ...` hung on the subordinate clause: the whole sentence.
    while clause.head.i != clause.i and (
        clause.pos_ not in {"VERB", "AUX"} or clause.dep_ == "advcl"
    ):
        clause = clause.head
    start = clause.left_edge.idx
    last = clause.right_edge
    cut = _next_attribution(verb, clause, in_quote)
    if cut is not None and cut > verb.i:
        last = verb.doc[cut - 1]
    end = last.idx + len(last.text)
    if in_quote.opens_direct(resolver.text, start, end, verb.idx) or in_quote.inside(verb.idx):
        return None
    return _claim(verb.doc, start, end, subject, verb.lower_, resolver)


#: Cues whose object is the one told (`..., the minister told a Senate panel.`).
_TOLD = frozenset({"tell", "inform", "assure", "remind", "brief"})

#: Cues that end a sentence after their content (`..., the agency said.`).
_FINAL_CUES = frozenset(
    "say tell add report write note announce claim state warn explain insist argue confirm "
    "estimate reply respond".split()
)
_ADJUNCT_DEPS = frozenset(
    {"prep", "pobj", "det", "amod", "compound", "advmod", "npadvmod", "poss", "nummod", "case"}
)


def _as_reported(verb: Token, resolver: SpeakerResolver, in_quote: _QuoteIndex) -> Claim | None:
    """`X happened, as the Times reported.` / `As the minister said, X happened.`"""
    introduced = any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    if verb.dep_ != "advcl" or not introduced:
        return None
    subject = _subject_of(verb)
    if subject is None or subject.dep_ == "nsubjpass":
        return None
    clause, own = verb.head, verb.left_edge
    if own.i > clause.i:  # the attribution after its claim
        start, last = clause.left_edge, verb.doc[own.i - 1]
    else:
        start, last = verb.doc[verb.right_edge.i + 1], clause.right_edge
    if start.i > last.i or in_quote.inside(start.idx):
        return None
    return _claim(verb.doc, start.idx, last.idx + len(last.text), subject, verb.lower_, resolver)


def _that_clause(verb: Token, resolver: SpeakerResolver, in_quote: _QuoteIndex) -> Claim | None:
    """`X said in an interview last week that ...` when the parser hangs the that-clause
    elsewhere: the clause after the first "that" within a few words of the verb."""
    subject = _subject_of(verb)
    if subject is None or subject.dep_ == "nsubjpass":
        return None
    sentence = verb.sent
    window = verb.doc[verb.i + 1 : min(sentence.end, verb.i + 16)]
    for token in window:
        if token.pos_ in {"VERB", "AUX"} and token.dep_ not in {"aux", "auxpass"}:
            break
        if token.lower_ == "that" and token.dep_ == "mark":
            clause = token.head
            if clause.i < token.i or in_quote.inside(token.idx):
                return None
            end = clause.right_edge
            start = verb.doc[token.i + 1]
            return _claim(
                verb.doc, start.idx, end.idx + len(end.text), subject, verb.lower_, resolver
            )
    return None


def _sentence_final(verb: Token, resolver: SpeakerResolver, in_quote: _QuoteIndex) -> Claim | None:
    """`X happened on Friday, the observatory said.` / `..., reported the local paper.` when
    the parse gives the verb no subject or complement: the noun phrase between the last comma
    and the verb (or right after the verb) is the source, the words before the comma the claim."""
    if verb.lemma_.lower() not in _FINAL_CUES or verb.dep_ not in {"ROOT", "conj", "parataxis"}:
        return None
    sentence = verb.sent
    offset = sentence.start
    after = [t for t in sentence[verb.i - offset + 1 :] if not t.is_space and not t.is_punct]
    if any(t.pos_ in {"VERB", "AUX"} or t.lower_ == "that" for t in after):
        return None
    comma = next((t for t in reversed(sentence[: verb.i - offset]) if t.text == ","), None)
    if comma is None or not any(t.pos_ in {"VERB", "AUX"} for t in sentence[: comma.i - offset]):
        return None
    between = [t for t in verb.doc[comma.i + 1 : verb.i] if not t.is_space]
    if len(between) > 12 or any(
        t.pos_ in {"VERB", "AUX", "SCONJ"} or t.tag_ in {"WRB", "WDT", "WP"} for t in between
    ):
        return None
    allowed = _ADJUNCT_DEPS | ({"dobj"} if verb.lemma_.lower() in _TOLD else set())
    if between and any(t.dep_ not in allowed for t in after):
        return None  # "..., though they noted delays": the verb has an object of its own
    nouns = {"PROPN", "NOUN", "PRON"}
    candidates = between if between else after[:8]
    source = next(
        (t for t in candidates if t.pos_ in nouns and t.ent_type_ not in {"DATE", "TIME"}), None
    )
    if source is None:
        return None
    while source.dep_ in {"compound", "flat"} and source.head.i > source.i:
        source = source.head  # "Defense Secretary Ash Carter": the name, not its first word
    start, end = sentence.start_char, comma.idx
    if in_quote.inside(start) or in_quote.first_after(start, end) < end:
        return None
    return _claim(verb.doc, start, end, source, verb.lower_, resolver)


def _according(sentence: Span, resolver: SpeakerResolver, in_quote: _QuoteIndex) -> Claim | None:
    match = _ACCORDING.search(sentence.text)
    if not match:
        return None
    doc = sentence.doc
    at = sentence.start_char + match.start()
    to = next((t for t in sentence if t.idx >= at and t.lower_ == "to"), None)
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if to is None or source is None:
        return None
    phrase = doc[min(t.i for t in to.head.subtree) : max(t.i for t in to.head.subtree) + 1]
    before = (sentence.start_char, phrase.start_char)
    after = (phrase.end_char, sentence.end_char)
    start, end = max(before, after, key=lambda span: span[1] - span[0])
    start, end = _strip(resolver.text, start, end)
    if in_quote.inside(start):
        return None  # a direct quote's attribution; a quoted fragment further on is mixed
    return _claim(doc, start, end, source, "according to", resolver)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:.—–-"):
        end -= 1
    return start, end


def _claim(
    doc: Doc, start: int, end: int, source: Token, cue: str, resolver: SpeakerResolver
) -> Claim | None:
    text = resolver.text  # spaCy's Doc.text joins every token on each call
    start, end = _strip(text, start, end)
    mark = text[start - 1] if start else ""
    if (mark == "“" and "”" in text[start:end]) or (
        mark == '"' and text.count(mark, start, end) % 2
    ):
        start -= 1  # a claim opening with a quotation (mixed) keeps the quotation's marks
    if len(text[start:end].split()) < MIN_CLAIM_WORDS:
        return None
    speaker = resolver.resolve(source, start, describe=True)
    return Claim(
        start=start,
        end=end,
        text=text[start:end],
        source=speaker.name,
        source_start=speaker.start,
        source_end=speaker.end,
        cue=cue,
    )


def _without_overlaps(claims: list[Claim]) -> list[Claim]:
    """Nested reporting ("X said officials told him that ...") keeps the outermost claim."""
    claims.sort(key=lambda c: (c.start, -c.end))
    kept: list[Claim] = []
    for claim in claims:
        if kept and claim.start < kept[-1].end:
            continue
        kept.append(claim)
    return kept

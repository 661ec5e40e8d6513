"""Cached analyses, keyed by (content hash, model name+version, Byline's analysis version).

Reopening an analysed article shows its highlights without loading or running spaCy.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from tui.errors import BylineError
from tui.model import Analysis, AnalysisStep, Article
from tui.nlp import ANALYSIS_VERSION
from tui.nlp.pipeline import model_id
from tui.store.index import index_stored_analysis
from tui.store.library import Library

if TYPE_CHECKING:
    from spacy.language import Language


def get_analysis(
    library: Library, content_hash: str, model: str, version: int = ANALYSIS_VERSION
) -> Analysis | None:
    with library.reading() as db:
        row = db.execute(
            "SELECT data FROM analyses WHERE hash = ? AND model = ? AND version = ?",
            (content_hash, model, version),
        ).fetchone()
    if row is None:
        return None
    try:
        return Analysis.from_json(json.loads(row[0]))
    except (ValueError, TypeError, KeyError):  # a damaged entry is recomputed, not fatal
        return None


def put_analysis(
    library: Library,
    content_hash: str,
    model: str,
    analysis: Analysis,
    version: int = ANALYSIS_VERSION,
) -> None:
    with library.writing() as db:
        _write_analysis(db, content_hash, model, analysis, version)


def put_analyses(library: Library, model: str, analyses: Iterable[tuple[str, Analysis]]) -> None:
    """Store and index several (content hash, analysis) in one transaction: all or none."""
    with library.writing() as db:
        for content_hash, analysis in analyses:
            _write_analysis(db, content_hash, model, analysis, ANALYSIS_VERSION)


def _write_analysis(
    db: sqlite3.Connection, content_hash: str, model: str, analysis: Analysis, version: int
) -> None:
    data = json.dumps(analysis.to_json(), ensure_ascii=False, separators=(",", ":"))
    db.execute(
        "INSERT OR REPLACE INTO analyses "
        "(hash, model, version, data, entities, quotes, claims) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            content_hash,
            model,
            version,
            data,
            len(analysis.entities),
            sum(q.kind == "quote" for q in analysis.quotes),
            len(analysis.claims),
        ),
    )
    index_stored_analysis(db, content_hash, analysis)  # the entity index follows the cache


def installed_model_id(name: str) -> str | None:
    """`model_id` of an installed spaCy model package, read from its meta.json without loading
    spaCy; None when that cannot be known cheaply (then the model is loaded to ask it)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        try:
            meta = json.loads((Path(location) / "meta.json").read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict):
            return model_id(SimpleNamespace(meta=meta))  # type: ignore[arg-type]
    return None


def cached_analysis(
    library: Library,
    article: Article,
    load_nlp: Callable[[], Language],
    model: str | None = None,
) -> Analysis:
    """The article's analysis from the cache, else from spaCy (then stored).

    `model` is the model's id when known without loading it (see `installed_model_id`); on a
    cache hit `load_nlp` is not called at all.
    """
    from tui.nlp.analyze import analyze_text

    found, nlp, loaded = _look_up(library, article, load_nlp, model)
    if found is not None:
        return found
    assert nlp is not None
    analysis = analyze_text(article.text, nlp)
    _store(library, article, loaded, analysis)
    return analysis


def cached_analysis_steps(
    library: Library,
    article: Article,
    load_nlp: Callable[[], Language],
    model: str | None = None,
    *,
    focus: Callable[[], int] | None = None,
    chunk_chars: int | None = None,
    steps: Callable[[str, Callable[[], int] | None], Iterator[AnalysisStep]] | None = None,
) -> Iterator[AnalysisStep]:
    """`cached_analysis` a step at a time: a cache hit is one complete step; else the steps of
    `analyze_steps` (a long article's analysis so far, chunk by chunk, the chunk at `focus()`
    first). Only the complete analysis is stored, before its step is handed over; steps not
    taken (the reader closed meanwhile) leave the cache as it was. With `steps(text, focus)`
    (spaCy in a child process) and a known `model` id, those steps are used instead."""
    from tui.nlp.analyze import CHUNK_CHARS, analyze_steps

    if model is not None and steps is not None:  # spaCy elsewhere (a child process)
        found = get_analysis(library, article.content_hash, model)
        if found is not None:
            yield AnalysisStep(found)
            return
        for step in steps(article.text, focus):
            if step.complete:
                _store(library, article, model, step.analysis)
            yield step
        return
    found, nlp, loaded = _look_up(library, article, load_nlp, model)
    if found is not None:
        yield AnalysisStep(found)
        return
    assert nlp is not None
    size = chunk_chars or CHUNK_CHARS
    for step in analyze_steps(article.text, nlp, chunk_chars=size, focus=focus):
        if step.complete:
            _store(library, article, loaded, step.analysis)
        yield step


def _look_up(
    library: Library, article: Article, load_nlp: Callable[[], Language], model: str | None
) -> tuple[Analysis | None, Language | None, str]:
    """The cached analysis (spaCy not loaded when `model` is known), else the loaded pipeline
    and its id to analyse and store with."""
    digest = article.content_hash
    if model is not None:
        found = get_analysis(library, digest, model)
        if found is not None:
            return found, None, model
    nlp = load_nlp()
    loaded = model_id(nlp)
    found = get_analysis(library, digest, loaded) if loaded != model else None
    return found, nlp, loaded


def _store(library: Library, article: Article, model: str, analysis: Analysis) -> None:
    with suppress(BylineError):  # a read-only or full library: the reader still gets it
        put_analysis(library, article.content_hash, model, analysis)


def analyse_missing(
    library: Library,
    article_ids: Iterable[int],
    nlp: Language,
    *,
    n_process: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Analyse (and so index) the articles among `article_ids` with no cached analysis for
    `nlp`, through one `nlp.pipe` stream; returns how many were analysed."""
    from tui.nlp.analyze import analyze_texts

    model = model_id(nlp)
    todo = [
        article
        for article in map(library.get, dict.fromkeys(article_ids))
        if get_analysis(library, article.content_hash, model) is None
    ]
    analyses = analyze_texts((a.text for a in todo), nlp, n_process=n_process)
    for done, (article, analysis) in enumerate(zip(todo, analyses, strict=True), 1):
        put_analysis(library, article.content_hash, model, analysis)
        if progress:
            progress(done, len(todo))
    return len(todo)


def analyse_missing_on_cluster(
    library: Library,
    article_ids: Iterable[int],
    client: Any,
    model: str,
    *,
    batch_size: int = 16,
    progress: Callable[[int, int, int], None] | None = None,
    failed: Callable[[Article, str], None] | None = None,
) -> int:
    """`analyse_missing` on a Dask cluster (tui/nlp/distributed.py): each batch of analyses
    that comes back is stored and indexed in one transaction, in input order, so an
    interrupted run leaves whole batches. Returns how many articles were analysed."""
    from tui.nlp.distributed import analyse_on_cluster, model_on_cluster

    key = model_on_cluster(client, model)
    todo = [
        article
        for article in map(library.get, dict.fromkeys(article_ids))
        if get_analysis(library, article.content_hash, key) is None
    ]
    stored = 0
    batches = analyse_on_cluster(
        client,
        [a.text for a in todo],
        model,
        batch_size=batch_size,
        progress=progress,
        failed=(lambda f: failed(todo[f.index], f.error)) if failed else None,
    )
    try:
        for _, results in batches:
            put_analyses(
                library,
                key,
                [(todo[i].content_hash, Analysis.from_json(data)) for i, data in results],
            )
            stored += len(results)
    finally:
        batches.close()  # cancels what is still pending (Ctrl-C, a full disk)
    return stored

"""The analysis service: an article's analysis from the library's cache, else from spaCy (in a
child process, or in this one), a step at a time, cancelled on request; only a complete
analysis is written to the cache. The reader and the batch commands (`byline add --analyze`,
the Dask cluster) get their analyses here; `tui.store.cache` only gets and puts them.

No Textual here (a core module): the reader hands in `cancelled`, asked between steps and, with
the child process, while waiting for it.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from tui.errors import BylineError
from tui.model import Analysis, AnalysisStep, Article

if TYPE_CHECKING:
    from spacy.language import Language

    from tui.nlp.child import ChildAnalyser
    from tui.store import Library

#: Analyses an article (slowly: the reader calls it in a worker thread).
Analyser = Callable[[Article], Analysis]
#: Where the reader is in an article (a character offset), asked from the worker thread.
Focus = Callable[[], int]
#: Whether the analysis is no longer wanted (quit, another article), asked from the worker.
Cancelled = Callable[[], bool]
#: `steps(text, focus, cancelled)`: the analysis steps of a text, computed somewhere.
TextSteps = Callable[[str, Focus | None, Cancelled], Iterator[AnalysisStep]]


def never() -> bool:
    return False


class SteppedAnalyser:
    """An `Analyser` that also hands over its work as it goes: `steps(article, focus,
    cancelled)` yields the analysis so far (a long article's chunk by chunk, the part at
    `focus()` first), the last step complete (see `tui.nlp.analyze.analyze_steps`); steps
    stop early, without an error, once `cancelled()`. Here around a plain
    `steps(article, focus)` function (which the caller cancels by not asking for more)."""

    def __init__(
        self, steps: Callable[[Article, Focus | None], Iterator[AnalysisStep]] | None = None
    ) -> None:
        self._steps = steps

    def steps(
        self, article: Article, focus: Focus | None = None, cancelled: Cancelled = never
    ) -> Iterator[AnalysisStep]:
        assert self._steps is not None
        return self._steps(article, focus)

    def __call__(self, article: Article) -> Analysis:
        *_, last = self.steps(article, None)
        return last.analysis

    def close(self) -> None:
        """Let go of what the analyser holds (a child process): at once, not waiting for work."""


def analysis_steps(
    analyser: Analyser, article: Article, focus: Focus, cancelled: Cancelled = never
) -> Iterator[AnalysisStep]:
    """The steps of `analyser` on `article`: one complete step for a plain `Analyser`."""
    if isinstance(analyser, SteppedAnalyser):
        yield from analyser.steps(article, focus, cancelled)
    else:
        yield AnalysisStep(analyser(article))


class AnalysisService(SteppedAnalyser):
    """The reader's analyser. With a `library`, the cache first (a hit loads no spaCy) and the
    complete analysis stored; spaCy in a child process (`tui.nlp.child`: the parse never holds
    this process's interpreter, so keys are answered while it runs) unless `in_process` (or, with
    a library, the model's id cannot be known without loading it: then the model is loaded here
    to ask it). `close()` ends the child at once (quit)."""

    def __init__(
        self,
        library: Library | None = None,
        model: str | None = None,
        *,
        chunk_chars: int | None = None,
        in_process: bool = False,
    ) -> None:
        super().__init__()
        from tui.nlp.analyze import CHUNK_CHARS

        self.library = library
        self.model = model
        self.chunk_chars = chunk_chars or CHUNK_CHARS
        self._child: ChildAnalyser | None = None
        if not in_process:
            from tui.nlp.child import ChildAnalyser

            self._child = ChildAnalyser(model, chunk_chars=self.chunk_chars)

    def steps(
        self, article: Article, focus: Focus | None = None, cancelled: Cancelled = never
    ) -> Iterator[AnalysisStep]:
        from tui.nlp.pipeline import load_pipeline, model_name

        if self.library is None:
            yield from self._text_steps(article.text, focus, cancelled)
            return
        yield from cached_analysis_steps(
            self.library,
            article,
            lambda: load_pipeline(self.model),
            installed_model_id(model_name(self.model)),
            focus=focus,
            chunk_chars=self.chunk_chars,
            steps=None if self._child is None else self._child_steps,
            cancelled=cancelled,
        )

    def _text_steps(
        self, text: str, focus: Focus | None, cancelled: Cancelled
    ) -> Iterator[AnalysisStep]:
        if self._child is not None:
            yield from self._child_steps(text, focus, cancelled)
            return
        from tui.nlp.analyze import analyze_steps
        from tui.nlp.pipeline import load_pipeline

        nlp = load_pipeline(self.model)
        for step in analyze_steps(text, nlp, chunk_chars=self.chunk_chars, focus=focus):
            if cancelled():
                return
            yield step

    def _child_steps(
        self, text: str, focus: Focus | None, cancelled: Cancelled
    ) -> Iterator[AnalysisStep]:
        """The child's steps for `text`, ended early (no error) once `cancelled()`."""
        from tui.nlp.child import AnalysisCancelled

        assert self._child is not None
        try:
            yield from self._child.steps(text, focus, cancelled)
        except AnalysisCancelled:
            return

    def close(self) -> None:
        if self._child is not None:
            self._child.close()


def child_analyser(model: str | None = None, *, chunk_chars: int | None = None) -> AnalysisService:
    """spaCy in a child process, no cache."""
    return AnalysisService(None, model, chunk_chars=chunk_chars)


def spacy_analyser(model: str | None = None, *, chunk_chars: int | None = None) -> AnalysisService:
    """spaCy in this process (loaded once per process), no cache; a long article a chunk at a
    time (`chunk_chars` of them; tests make them small)."""
    return AnalysisService(None, model, chunk_chars=chunk_chars, in_process=True)


def cached_analyser(
    library: Library,
    model: str | None = None,
    *,
    chunk_chars: int | None = None,
    in_process: bool = False,
) -> AnalysisService:
    """spaCy behind the library's cache: an article analysed before is not analysed again."""
    return AnalysisService(library, model, chunk_chars=chunk_chars, in_process=in_process)


def installed_model_id(name: str) -> str | None:
    """`model_id` of an installed spaCy model package, read from its meta.json without loading
    spaCy; None when that cannot be known cheaply (then the model is loaded to ask it)."""
    from tui.nlp.pipeline import model_id

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
    focus: Focus | None = None,
    chunk_chars: int | None = None,
    steps: TextSteps | None = None,
    cancelled: Cancelled = never,
) -> Iterator[AnalysisStep]:
    """`cached_analysis` a step at a time: a cache hit is one complete step; else the steps of
    `analyze_steps` (a long article's analysis so far, chunk by chunk, the chunk at `focus()`
    first). Only the complete analysis is stored, before its step is handed over; steps not
    taken (the reader closed meanwhile) or cancelled leave the cache as it was. With
    `steps(text, focus, cancelled)` (spaCy in a child process) and a known `model` id, those
    steps are used instead."""
    from tui.nlp.analyze import CHUNK_CHARS, analyze_steps
    from tui.store.cache import get_analysis

    if model is not None and steps is not None:  # spaCy elsewhere (a child process)
        found = get_analysis(library, article.content_hash, model)
        if found is not None:
            yield AnalysisStep(found)
            return
        for step in steps(article.text, focus, cancelled):
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
        if cancelled():
            return
        if step.complete:
            _store(library, article, loaded, step.analysis)
        yield step


def _look_up(
    library: Library, article: Article, load_nlp: Callable[[], Language], model: str | None
) -> tuple[Analysis | None, Language | None, str]:
    """The cached analysis (spaCy not loaded when `model` is known), else the loaded pipeline
    and its id to analyse and store with."""
    from tui.nlp.pipeline import model_id
    from tui.store.cache import get_analysis

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
    from tui.store.cache import put_analysis

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
    from tui.nlp.pipeline import model_id
    from tui.store.cache import get_analysis, put_analysis

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
    from tui.store.cache import get_analysis, put_analyses

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

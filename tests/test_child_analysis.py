"""spaCy in a child process (`tui.nlp.child`): the steps and the final analysis are the ones
computed in process, a cancelled analysis ends at once and leaves the child usable, and a
child that dies is one BylineError line, never a hang. Real spaCy, real processes."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from tui.errors import BylineError
from tui.loaders import load_text
from tui.model import Article
from tui.nlp.analyze import analyze_steps, analyze_text, chunk_spans
from tui.nlp.child import AnalysisCancelled, ChildAnalyser

#: Small chunks: the test article is several of them (and a preview is about 500 characters).
CHUNK = 6000


@pytest.fixture(scope="module")
def long_article(seed: Article) -> Article:
    return load_text("\n\n".join([seed.text] * 4), "long.txt")


@pytest.fixture
def child() -> Iterator[ChildAnalyser]:
    analyser = ChildAnalyser(chunk_chars=CHUNK)
    yield analyser
    analyser.close()


def test_steps_equal_the_in_process_ones(child: ChildAnalyser, long_article: Article, nlp) -> None:
    text = long_article.text
    assert len(chunk_spans(text, CHUNK)) >= 3
    at = len(text) // 2  # the reader in the middle: that chunk (and its preview) first

    in_child = list(child.steps(text, lambda: at))
    in_process = list(analyze_steps(text, nlp, chunk_chars=CHUNK, focus=lambda: at))

    assert in_child == in_process
    assert in_child[0].added is not None and in_child[0].added[0] <= at < in_child[0].added[1]
    assert in_child[-1].complete
    assert in_child[-1].analysis == analyze_text(text, nlp, chunk_chars=CHUNK)
    # Without a reader's place: text order, the same result.
    assert list(child.steps(text)) == list(analyze_steps(text, nlp, chunk_chars=CHUNK))


def test_cancel_ends_at_once_and_the_child_goes_on_with_the_next_article(
    child: ChildAnalyser, long_article: Article, seed: Article, nlp
) -> None:
    cancel = threading.Event()
    steps = child.steps(long_article.text, lambda: 0, cancel.is_set)
    first = next(steps)
    assert not first.complete
    process = child._process
    cancel.set()
    with pytest.raises(AnalysisCancelled):
        next(steps)
    # The same child (spaCy loaded once) answers the next request, and answers it right.
    assert [s.analysis for s in child.steps(seed.text)] == [analyze_text(seed.text, nlp)]
    assert child._process is process and process is not None and process.is_alive()


def test_a_child_that_dies_is_one_error_line_and_the_next_request_starts_another(
    child: ChildAnalyser, long_article: Article, seed: Article, nlp
) -> None:
    steps = child.steps(long_article.text, lambda: 0)
    next(steps)
    process = child._process
    assert process is not None and process.pid is not None
    os.kill(process.pid, signal.SIGKILL)
    with pytest.raises(BylineError) as raised:
        list(steps)
    message = str(raised.value)
    assert "\n" not in message and "analysis process stopped" in message
    assert [s.analysis for s in child.steps(seed.text)] == [analyze_text(seed.text, nlp)]
    assert child._process is not process


def test_a_model_that_cannot_load_is_a_one_line_error() -> None:
    child = ChildAnalyser("no_such_model_xyz", chunk_chars=CHUNK)
    try:
        with pytest.raises(BylineError) as raised:
            list(child.steps("Some text."))
    finally:
        child.close()
    assert "\n" not in str(raised.value) and "spaCy model" in str(raised.value)

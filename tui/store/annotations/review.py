"""Reviewing: where two annotators' accepted spans differ, and taking a side.

A reviewer is an annotator too: taking a side writes into the reviewer's own session (a copy of
that side's span, or, when that side has no span there, the reviewer's copy of the other side's
removed). No Textual here; the review screen (`tui.screens.review`) shows and picks.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.errors import BylineError
from tui.model import Article
from tui.store.annotations.session import Annotations, Session
from tui.store.annotations.spans import ACCEPTED, Action, Span


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Where two annotators' accepted spans differ: one has a span the other lacks (`b` or `a`
    is None), or both have the same stretch of text with another label or speaker."""

    start: int
    end: int
    a: Span | None
    b: Span | None
    reason: str


def compare(store: Annotations, article: Article | int, a: str, b: str) -> list[Disagreement]:
    """Where annotators `a` and `b` disagree on an article (accepted spans only), in text
    order."""
    first = store.session(article, a).spans()
    second = store.session(article, b).spans()
    ours = [s for s in first if s.status == ACCEPTED]
    theirs = [s for s in second if s.status == ACCEPTED]
    found: list[Disagreement] = []
    matched: set[int] = set()
    for span in ours:
        same = [t for t in theirs if (t.start, t.end, t.kind) == (span.start, span.end, span.kind)]
        if not same:
            found.append(Disagreement(span.start, span.end, span, None, f"only {a}"))
            continue
        other = next((t for t in same if t.label == span.label), same[0])
        matched.add(other.id)
        if other.label != span.label:
            found.append(Disagreement(span.start, span.end, span, other, "label"))
        elif span.kind != "entity" and (span.speaker, span.speaker_start) != (
            other.speaker,
            other.speaker_start,
        ):
            found.append(
                Disagreement(
                    span.start,
                    span.end,
                    span,
                    other,
                    "speaker" if span.kind == "quote" else "source",
                )
            )
    found += [
        Disagreement(t.start, t.end, None, t, f"only {b}") for t in theirs if t.id not in matched
    ]
    return sorted(found, key=lambda d: (d.start, -d.end))


def take_side(reviewer: Session, found: Disagreement, side: str) -> Action | None:
    """The reviewer takes side `a` or `b` of a disagreement: a copy of that side's span
    (`Session.adopt`), or, when that side has no span there, the reviewer's copy of the other
    side's is removed. One action, one transaction: what it removes is what it read. None when
    nothing changes."""
    chosen, other = (found.a, found.b) if side == "a" else (found.b, found.a)
    if chosen is not None:
        return reviewer.adopt(chosen)
    if other is None:
        raise BylineError("a disagreement has a span on at least one side")
    return reviewer.delete_matching(other.label, other.start, other.end)

"""The order annotation mode goes through an article's spans: which one is next, which one is
pending, what is left. Plain Python over the session's spans (`tui.store.annotations.Span`);
the annotate screen builds one from each state it draws and asks it where to go.

Within a kind (quotes, claims, entities) spans go by position: start, then the longer first,
then by id. Across kinds the order is the side panel's tabs, starting from the open one.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.store.annotations import PENDING, Span

#: The kinds of span, in the order of the side panel's tabs (quotes, claims, entities).
KINDS = ("quote", "claim", "entity")


def position(span: Span) -> tuple[int, int, int]:
    """Where a span comes in its kind: by start, the longer first, then by id."""
    return span.start, -span.end, span.id


def kinds_from(first: str) -> list[str]:
    """Every kind, `first` first, the others after it in tab order (wrapping round)."""
    at = KINDS.index(first)
    return [*KINDS[at:], *KINDS[:at]]


class AnnotationQueue:
    """One article's spans in annotation order, as they were when it was built (a snapshot:
    build a new one from each new state)."""

    def __init__(self, spans: Iterable[Span]) -> None:
        self._by_kind: dict[str, list[Span]] = {kind: [] for kind in KINDS}
        for span in spans:
            self._by_kind[span.kind].append(span)
        for kind_spans in self._by_kind.values():
            kind_spans.sort(key=position)

    def ordered(self, kind: str) -> list[Span]:
        """The spans of `kind`, in order, whatever their status."""
        return list(self._by_kind[kind])

    def pending(self, kind: str | None = None) -> list[Span]:
        """The spans still to decide, of `kind` (None: of every kind, kind by kind)."""
        kinds = KINDS if kind is None else (kind,)
        return [s for k in kinds for s in self._by_kind[k] if s.status == PENDING]

    @property
    def left(self) -> int:
        """How many spans are still to decide."""
        return len(self.pending())

    def next_pending(self, after: Span | None, first_kind: str = KINDS[0]) -> Span | None:
        """The pending span to go to after deciding `after`: the next pending one of its kind
        (wrapping round to the first), else the first pending one of the next kind that has
        any. Without `after`, the kinds are tried from `first_kind` (the open tab's)."""
        kinds = kinds_from(first_kind)
        if after is not None:
            kinds.remove(after.kind)
            kinds.insert(0, after.kind)
        for kind in kinds:
            pending = self.pending(kind)
            if not pending:
                continue
            if after is not None and kind == after.kind:
                later = [s for s in pending if position(s) > position(after)]
                return (later or pending)[0]
            return pending[0]
        return None

    def first(self, kind: str) -> Span | None:
        """Where work on `kind` starts: its first pending span, else its first span."""
        pending = self.pending(kind)
        if pending:
            return pending[0]
        spans = self._by_kind[kind]
        return spans[0] if spans else None

    def step(self, current: Span | None, kind: str, step: int) -> Span | None:
        """The span `step` places on from `current` among those of `kind`, whatever their
        status, wrapping round; from nowhere (or another kind) the first (`step` > 0) or the
        last one. None when `kind` has none."""
        spans = self._by_kind[kind]
        if not spans:
            return None
        at = self._index(current) if current is not None and current.kind == kind else None
        if at is None:
            return spans[0 if step > 0 else -1]
        return spans[(at + step) % len(spans)]

    def after_removing(self, span: Span) -> Span | None:
        """Where to go once `span` is deleted: the next span of its kind, else the one before
        it, else none."""
        spans = self._by_kind[span.kind]
        at = self._index(span)
        if at is None:
            return None
        if at + 1 < len(spans):
            return spans[at + 1]
        return spans[at - 1] if at else None

    def _index(self, span: Span) -> int | None:
        return next((i for i, s in enumerate(self._by_kind[span.kind]) if s.id == span.id), None)

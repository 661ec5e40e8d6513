"""The order annotation mode goes through the spans (`tui.annotation_queue`): plain spans in,
spans out, no screen. The keys that follow it (y, x, j, k, d, 1-3) are checked through Pilot in
test_annotate.py."""

from __future__ import annotations

from tui.annotation_queue import KINDS, AnnotationQueue, kinds_from, position
from tui.screens.annotate import KIND_OF
from tui.store.annotations import ACCEPTED, CLAIM, PENDING, QUOTE, REJECTED, Span
from tui.widgets.side_panel import TABS


def span(id: int, label: str, start: int, end: int, status: str = PENDING) -> Span:
    return Span(id, label, start, end, status)


#: Three quotes (one decided), two claims, two entities; ids not in text order.
SPANS = [
    span(1, QUOTE, 50, 60),
    span(2, QUOTE, 10, 20, ACCEPTED),
    span(3, QUOTE, 30, 40),
    span(4, CLAIM, 70, 80),
    span(5, CLAIM, 5, 9, REJECTED),
    span(6, "PERSON", 12, 15),
    span(7, "GPE", 12, 20),
]


def ids(spans: list[Span]) -> list[int]:
    return [s.id for s in spans]


def test_the_kinds_go_in_the_side_panels_tab_order() -> None:
    assert [KIND_OF[tab] for tab in TABS] == list(KINDS)
    assert kinds_from("claim") == ["claim", "entity", "quote"]
    assert kinds_from("quote") == list(KINDS)


def test_spans_go_by_start_the_longer_first_then_by_id() -> None:
    queue = AnnotationQueue(SPANS)
    assert ids(queue.ordered("quote")) == [2, 3, 1]
    assert ids(queue.ordered("entity")) == [7, 6]  # same start: the longer first
    twins = AnnotationQueue([span(9, QUOTE, 1, 5), span(8, QUOTE, 1, 5)])
    assert ids(twins.ordered("quote")) == [8, 9]
    assert position(SPANS[0]) == (50, -60, 1)


def test_pending_and_what_is_left() -> None:
    queue = AnnotationQueue(SPANS)
    assert ids(queue.pending("quote")) == [3, 1]
    assert ids(queue.pending("claim")) == [4]
    assert ids(queue.pending()) == [3, 1, 4, 7, 6]  # kind by kind
    assert queue.left == 5
    assert AnnotationQueue([]).left == 0


def test_next_pending_goes_on_in_its_kind_then_wraps_round_then_to_the_next_kind() -> None:
    queue = AnnotationQueue(SPANS)
    by_id = {s.id: s for s in SPANS}
    assert queue.next_pending(None) == by_id[3]  # nothing current: the first pending quote
    assert queue.next_pending(None, "claim") == by_id[4]  # the open tab's kind first
    assert queue.next_pending(by_id[2]) == by_id[3]  # after the decided first quote
    assert queue.next_pending(by_id[3]) == by_id[1]
    assert queue.next_pending(by_id[1]) == by_id[3]  # round to the first pending quote
    # Its kind first, whatever tab is open; then the following kinds, in tab order.
    assert queue.next_pending(by_id[1], "entity") == by_id[3]
    done_quotes = AnnotationQueue([*(s for s in SPANS if s.kind != "quote"), by_id[2]])
    assert done_quotes.next_pending(by_id[2]) == by_id[4]
    assert done_quotes.next_pending(by_id[4]) == by_id[4]  # itself: the only pending claim
    nothing = AnnotationQueue([by_id[2], by_id[5]])
    assert nothing.next_pending(by_id[2]) is None and nothing.next_pending(None) is None


def test_first_of_a_kind_is_its_first_pending_else_its_first() -> None:
    queue = AnnotationQueue(SPANS)
    assert queue.first("quote") == SPANS[2]  # #2 comes first, but is decided
    assert AnnotationQueue([SPANS[1]]).first("quote") == SPANS[1]
    assert queue.first("claim") == SPANS[3]
    assert AnnotationQueue([]).first("entity") is None


def test_step_goes_through_a_kind_whatever_the_status_wrapping_round() -> None:
    queue = AnnotationQueue(SPANS)
    quote_2, quote_3, quote_1 = queue.ordered("quote")
    assert queue.step(quote_2, "quote", 1) == quote_3
    assert queue.step(quote_1, "quote", 1) == quote_2  # round to the first
    assert queue.step(quote_2, "quote", -1) == quote_1  # round to the last
    assert queue.step(None, "quote", 1) == quote_2 and queue.step(None, "quote", -1) == quote_1
    assert queue.step(quote_3, "entity", 1) == SPANS[6]  # from another kind: its first
    assert AnnotationQueue([]).step(None, "claim", 1) is None


def test_after_removing_a_span_the_next_else_the_one_before() -> None:
    queue = AnnotationQueue(SPANS)
    quote_2, quote_3, quote_1 = queue.ordered("quote")
    assert queue.after_removing(quote_2) == quote_3
    assert queue.after_removing(quote_1) == quote_3  # the last: the one before
    only = AnnotationQueue([SPANS[3]])
    assert only.after_removing(SPANS[3]) is None
    assert only.after_removing(quote_2) is None  # not in the queue


def test_a_queue_is_a_snapshot_of_the_spans_it_was_built_from() -> None:
    spans = list(SPANS)
    queue = AnnotationQueue(spans)
    spans.clear()
    assert queue.left == 5
    queue.ordered("quote").clear()
    assert len(queue.ordered("quote")) == 3

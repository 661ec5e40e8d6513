"""Annotation sessions: spans an annotator accepts, rejects, creates and edits, never lost.

One module per job; callers import the names from here:

- `spans`: the span and action model (Span, Action, State, the machine's suggestions);
- `session`: the store and a session's edits, each one committed transaction (the API);
- `log`: writing an action with its log row, undo/redo, replaying the log and checking it;
- `review`: where two annotators differ, and taking a side.
"""

from tui.store.annotations.log import Replayed, replay
from tui.store.annotations.review import Disagreement, compare, take_side
from tui.store.annotations.session import Annotations, Session
from tui.store.annotations.spans import (
    ACCEPTED,
    ANNOTATOR,
    CLAIM,
    MACHINE,
    NOT_UNDOABLE,
    ORIGINS,
    PENDING,
    QUOTE,
    REJECTED,
    SPAN_FIELDS,
    STATUSES,
    Action,
    Progress,
    SessionInfo,
    Span,
    State,
    check_annotator,
    default_annotator,
    suggestions,
)

__all__ = [
    "ACCEPTED",
    "ANNOTATOR",
    "CLAIM",
    "MACHINE",
    "NOT_UNDOABLE",
    "ORIGINS",
    "PENDING",
    "QUOTE",
    "REJECTED",
    "SPAN_FIELDS",
    "STATUSES",
    "Action",
    "Annotations",
    "Disagreement",
    "Progress",
    "Replayed",
    "Session",
    "SessionInfo",
    "Span",
    "State",
    "check_annotator",
    "compare",
    "default_annotator",
    "replay",
    "suggestions",
    "take_side",
]

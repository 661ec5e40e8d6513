"""Annotation statistics: progress per annotator, and agreement between annotators (Cohen's
kappa per label, token by token, on the articles both annotated)."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

from tui.export.tokens import tokenize
from tui.store.annotations import ACCEPTED, Annotations, Span
from tui.store.library import Library


def progress(library: Library) -> list[dict[str, Any]]:
    """Per annotator: articles with a session, done, and spans pending/accepted/rejected."""
    rows: dict[str, dict[str, Any]] = {}
    for info in Annotations(library).sessions():
        row = rows.setdefault(
            info.annotator,
            {
                "annotator": info.annotator,
                "articles": 0,
                "done": 0,
                "pending": 0,
                "accepted": 0,
                "rejected": 0,
            },
        )
        row["articles"] += 1
        row["done"] += info.done
        row["pending"] += info.pending
        row["accepted"] += info.accepted
        row["rejected"] += info.rejected
    return sorted(rows.values(), key=lambda r: r["annotator"])


def kappa(both: int, only_a: int, only_b: int, neither: int) -> float | None:
    """Cohen's kappa of two yes/no raters from their 2x2 table; None when it is undefined (one
    category only: chance agreement is total)."""
    total = both + only_a + only_b + neither
    if total == 0:
        return None
    observed = (both + neither) / total
    a_yes, b_yes = (both + only_a) / total, (both + only_b) / total
    expected = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def agreement(library: Library) -> list[dict[str, Any]]:
    """For each pair of annotators with articles in common: the number of those articles and
    tokens, and kappa per label (is each token inside an accepted span of that label?)."""
    store = Annotations(library)
    by_article: dict[str, dict[str, None]] = defaultdict(dict)
    for info in store.sessions():
        by_article[info.hash][info.annotator] = None
    with library.reading() as db:
        ids = dict(db.execute("SELECT hash, id FROM articles"))
    tables: dict[tuple[str, str], dict[str, list[int]]] = {}
    counts: dict[tuple[str, str], list[int]] = {}
    for digest, names in by_article.items():
        if len(names) < 2 or digest not in ids:
            continue
        article = library.get(ids[digest])
        starts = [(t.idx, t.idx + len(t.text)) for t in tokenize(article.text)]
        marks = {name: _marks(store.session(article, name).spans(), starts) for name in names}
        for a, b in combinations(sorted(names), 2):
            count = counts.setdefault((a, b), [0, 0])
            count[0] += 1
            count[1] += len(starts)
            table = tables.setdefault((a, b), {})
            for label in set(marks[a]) | set(marks[b]):
                cells = table.setdefault(label, [0, 0, 0, 0])
                ours = marks[a].get(label, set())
                theirs = marks[b].get(label, set())
                cells[0] += len(ours & theirs)
                cells[1] += len(ours - theirs)
                cells[2] += len(theirs - ours)
                cells[3] += len(starts) - len(ours | theirs)
    return [
        {
            "a": a,
            "b": b,
            "articles": counts[(a, b)][0],
            "tokens": counts[(a, b)][1],
            "kappa": {label: kappa(*cells) for label, cells in sorted(table.items())},
        }
        for (a, b), table in sorted(tables.items())
    ]


def _marks(spans: list[Span], tokens: list[tuple[int, int]]) -> dict[str, set[int]]:
    """Per label, the tokens inside an accepted span of that label."""
    marks: dict[str, set[int]] = defaultdict(set)
    for span in spans:
        if span.status != ACCEPTED:
            continue
        for i, (start, end) in enumerate(tokens):
            if start < span.end and span.start < end:
                marks[span.label].add(i)
    return marks

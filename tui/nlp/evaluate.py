"""Scoring quotes, speakers and claims against gold annotations (the dev set's format).

Gold quotes and claims are given by snippets, exact substrings of the article: a predicted quote
finds a gold one when its span contains the gold snippet. See tests/data/devset/.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tui.model import Analysis
from tui.nlp.entities import normalise


@dataclass
class Score:
    gold_quotes: int = 0
    predicted_quotes: int = 0
    found_quotes: int = 0  # gold quotes some prediction covers (recall)
    true_quotes: int = 0  # predictions that cover a gold quote (precision)
    right_speakers: int = 0
    gold_claims: int = 0
    predicted_claims: int = 0
    found_claims: int = 0
    true_claims: int = 0
    right_sources: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in self.__dataclass_fields__:
            if name != "errors":
                setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def quote_precision(self) -> float:
        return self._ratio(self.true_quotes, self.predicted_quotes)

    @property
    def quote_recall(self) -> float:
        return self._ratio(self.found_quotes, self.gold_quotes)

    @property
    def speaker_accuracy(self) -> float:
        return self._ratio(self.right_speakers, self.found_quotes)

    @property
    def claim_precision(self) -> float:
        return self._ratio(self.true_claims, self.predicted_claims)

    @property
    def claim_recall(self) -> float:
        return self._ratio(self.found_claims, self.gold_claims)

    @property
    def source_accuracy(self) -> float:
        return self._ratio(self.right_sources, self.found_claims)

    def summary(self) -> str:
        return (
            f"quotes: P={self.quote_precision:.3f} R={self.quote_recall:.3f} "
            f"speaker={self.speaker_accuracy:.3f} (gold {self.gold_quotes}, "
            f"predicted {self.predicted_quotes}) | claims: P={self.claim_precision:.3f} "
            f"R={self.claim_recall:.3f} source={self.source_accuracy:.3f} "
            f"(gold {self.gold_claims}, predicted {self.predicted_claims})"
        )


def same_name(predicted: str | None, gold: str | None) -> bool:
    if predicted is None or gold is None:
        return predicted is None and gold is None
    return normalise(predicted).lower() == normalise(gold).lower()


def _source_matches(predicted: str | None, gold: str) -> bool:
    if not predicted:
        return False
    a, b = normalise(predicted).lower(), normalise(gold).lower()
    return a == b or a in b or b in a or a.split()[-1] == b.split()[-1]


def score_article(text: str, analysis: Analysis, gold: dict, name: str = "") -> Score:
    score = Score()
    quotes = [q for q in analysis.quotes if q.kind == "quote"]
    score.gold_quotes, score.predicted_quotes = len(gold["quotes"]), len(quotes)
    covering: set[int] = set()
    for item in gold["quotes"]:
        spans = []
        for key in ("snippet", "end_snippet"):
            if item.get(key):
                at = text.index(item[key])
                spans.append((at, at + len(item[key])))
        hits = [[i for i, q in enumerate(quotes) if q.start <= s and e <= q.end] for s, e in spans]
        for found in hits:
            covering.update(found)
        if all(hits):
            score.found_quotes += 1
            quote = quotes[hits[0][0]]
            if same_name(quote.speaker, item["speaker"]):
                score.right_speakers += 1
            else:
                score.errors.append(
                    f"{name}: speaker {quote.speaker!r} != {item['speaker']!r} "
                    f"for {item['snippet'][:40]!r}"
                )
        else:
            score.errors.append(f"{name}: missed quote {item['snippet'][:50]!r}")
    score.true_quotes = len(covering)
    for i, quote in enumerate(quotes):
        if i not in covering:
            score.errors.append(f"{name}: extra quote {quote.text[:50]!r} ({quote.speaker})")

    claims = analysis.claims
    score.gold_claims, score.predicted_claims = len(gold["claims"]), len(claims)
    true: set[int] = set()
    for item in gold["claims"]:
        at = text.index(item["snippet"])
        span = (at, at + len(item["snippet"]))
        claim_hits = [i for i, c in enumerate(claims) if _overlap(span, (c.start, c.end)) >= 0.5]
        true.update(claim_hits)
        if claim_hits:
            score.found_claims += 1
            if _source_matches(claims[claim_hits[0]].source, item["source"]):
                score.right_sources += 1
            else:
                score.errors.append(
                    f"{name}: source {claims[claim_hits[0]].source!r} != {item['source']!r}"
                )
        else:
            score.errors.append(f"{name}: missed claim {item['snippet'][:50]!r}")
    score.true_claims = len(true)
    for i, claim in enumerate(claims):
        if i not in true:
            score.errors.append(f"{name}: extra claim {claim.text[:50]!r} ({claim.source})")
    return score


def _overlap(gold: tuple[int, int], predicted: tuple[int, int]) -> float:
    shared = min(gold[1], predicted[1]) - max(gold[0], predicted[0])
    return max(0, shared) / (gold[1] - gold[0])


def load_devset(folder: Path) -> list[tuple[str, str, dict]]:
    """(name, text, gold) for each article with a .gold.json beside it, sorted by name."""
    items = []
    for gold_path in sorted(folder.glob("*.gold.json")):
        name = gold_path.name.removesuffix(".gold.json")
        text = (folder / f"{name}.txt").read_text(encoding="utf-8")
        items.append((name, text, json.loads(gold_path.read_text(encoding="utf-8"))))
    return items

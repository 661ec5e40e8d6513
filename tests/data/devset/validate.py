#!/usr/bin/env python3
"""Validate the Byline development set.

Checks, for every NN-slug.txt / NN-slug.gold.json pair in this folder:
  * the gold file parses and has the expected keys/types;
  * every quote snippet / end_snippet and every claim snippet occurs exactly
    once in the article text (terms must occur at least once);
  * snippet lengths are within 10-60 characters for quotes;
  * the article has a headline, a blank line, and paragraphs.
Prints a summary (articles, words, quotes, terms, claims) and exits non-zero
on any error.

Usage: python validate.py [DIR]
"""
import json
import re
import sys
from pathlib import Path


def count(text, s):
    return text.count(s)


def main(argv):
    d = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    errors = []
    totals = {"articles": 0, "quotes": 0, "terms": 0, "claims": 0}
    for txt in sorted(d.glob("*.txt")):
        gold_path = txt.with_name(txt.stem + ".gold.json")
        name = txt.name
        if not gold_path.exists():
            errors.append(f"{name}: missing {gold_path.name}")
            continue
        text = txt.read_text(encoding="utf-8")
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            errors.append(f"{gold_path.name}: JSON error: {e}")
            continue
        totals["articles"] += 1
        lines = text.split("\n")
        if len(lines) < 3 or not lines[0].strip() or lines[1].strip():
            errors.append(f"{name}: expected headline, blank line, paragraphs")
        words = len(re.findall(r"\S+", text))
        if not name.startswith("00-") and not (250 <= words <= 900):
            errors.append(f"{name}: {words} words (want 250-900)")
        extra = set(gold) - {"quotes", "terms", "claims"}
        if extra:
            errors.append(f"{gold_path.name}: unexpected keys {sorted(extra)}")
        for i, q in enumerate(gold.get("quotes", [])):
            tag = f"{gold_path.name} quote[{i}]"
            if set(q) - {"snippet", "end_snippet", "speaker"}:
                errors.append(f"{tag}: unexpected keys {sorted(set(q))}")
            if "speaker" not in q:
                errors.append(f"{tag}: missing speaker (use null)")
            elif q["speaker"] is not None and not isinstance(q["speaker"], str):
                errors.append(f"{tag}: speaker must be str or null")
            for key in ("snippet", "end_snippet"):
                if key not in q:
                    if key == "snippet":
                        errors.append(f"{tag}: missing snippet")
                    continue
                s = q[key]
                n = count(text, s)
                if n != 1:
                    errors.append(f"{tag}: {key} {s!r} occurs {n} times")
                if not 10 <= len(s) <= 60:
                    errors.append(f"{tag}: {key} {s!r} has length {len(s)}")
            if "end_snippet" in q and "snippet" in q:
                a, b = text.find(q["snippet"]), text.find(q["end_snippet"])
                if a >= 0 and b >= 0 and b < a:
                    errors.append(f"{tag}: end_snippet before snippet")
            totals["quotes"] += 1
        for t in gold.get("terms", []):
            if not isinstance(t, str) or count(text, t) < 1:
                errors.append(f"{gold_path.name}: term {t!r} not found")
            totals["terms"] += 1
        for i, c in enumerate(gold.get("claims", [])):
            tag = f"{gold_path.name} claim[{i}]"
            for key in ("snippet", "source", "cue"):
                if not isinstance(c.get(key), str) or not c.get(key):
                    errors.append(f"{tag}: missing/empty {key}")
            if set(c) - {"snippet", "source", "cue"}:
                errors.append(f"{tag}: unexpected keys {sorted(set(c))}")
            s = c.get("snippet", "")
            if s and count(text, s) != 1:
                errors.append(f"{tag}: snippet {s!r} occurs {count(text, s)} times")
            if c.get("source") and c["source"].lower() not in text.lower():
                errors.append(f"{tag}: source {c['source']!r} not in text")
            if c.get("cue") and c["cue"].lower() not in text.lower():
                errors.append(f"{tag}: cue {c['cue']!r} not in text")
            totals["claims"] += 1
    for gp in sorted(d.glob("*.gold.json")):
        if not gp.with_name(gp.name[: -len(".gold.json")] + ".txt").exists():
            errors.append(f"{gp.name}: no matching article")
    for e in errors:
        print("ERROR", e)
    print(", ".join(f"{k}={v}" for k, v in totals.items()))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

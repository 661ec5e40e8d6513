"""brat standoff: per article and annotator, `DIR/FOLDER/ID.txt` (the text) and `ID.ann`,
with brat's `annotation.conf` and `visual.conf` in `DIR` so that it opens in brat as it is.

FOLDER is the annotator's name when that is a plain lower-case name (letters, digits, `_`),
else a slug of it and a short hash (`a;b` -> `a_b-1f3e9c2a`): two annotators never share a
folder, on case-insensitive file systems too. `FOLDER/byline.json` keeps the annotator's exact
name and, per file, the article's done mark, its note and identity (brat has no place for
them); brat ignores it.

In the `.ann` file, every span is a `T` line (`T1<TAB>PERSON 0 8<TAB>Jane Doe`); a span over
line breaks is split into fragments there (`QUOTE 10 40;42 80`), as brat wants. A quote's
speaker or a claim's source is an `R` line from the quote or claim to the mention
(`R1<TAB>Speaker Arg1:T2 Arg2:T1`): an exported entity span at the mention's offsets, else a
`T` line labelled `SPEAKER`/`SOURCE` just for the mention. A suggestion not accepted has an
`A` line (`A1<TAB>Status T3 rejected`), a machine suggestion `A2<TAB>Suggested T3`. Notes are
brat's `AnnotatorNotes` (line breaks and tabs as `\\n`, `\\t`): a span's note, and for a
quote or a claim whose speaker or source has a name, a first line `Speaker: NAME` or
`Source: NAME` (a note of one with no name that could be read as such starts with an empty
line).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tui.errors import BylineError
from tui.export import Annotated, Report, clean_article
from tui.safe_text import shown
from tui.store.annotations import (
    ACCEPTED,
    ANNOTATOR,
    CLAIM,
    MACHINE,
    QUOTE,
    Span,
    default_annotator,
)

ROLE = {QUOTE: "Speaker", CLAIM: "Source"}
_UNSAFE_NAME = re.compile(r"[^a-z0-9_]+")
_PLAIN_NAME = re.compile(r"[a-z0-9_]+")
#: Byline's own file in each annotator's folder (brat only reads .txt, .ann and .conf files).
SIDECAR = "byline.json"
_ROLE_LINE = re.compile(r"(Speaker|Source): ")


def file_stem(record: Annotated) -> str:
    if record.article_id is not None:
        return f"{record.article_id:05d}"
    return record.article.content_hash[:16]


def annotator_dir(name: str) -> str:
    """A folder name for an annotator that no other name gets: the name itself when it is
    plain (lower-case letters, digits, '_'), else a slug of it and a hash of the whole name.
    The two never meet: only the second kind has a '-'."""
    if _PLAIN_NAME.fullmatch(name):
        return name
    slug = _UNSAFE_NAME.sub("_", name.lower()).strip("_")[:40] or "_"
    return f"{slug}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """start..end without its line breaks, as brat's fragments."""
    pieces = [(m.start() + start, m.end() + start) for m in re.finditer(r"[^\n]+", text[start:end])]
    return pieces or [(start, end)]


def ann(record: Annotated) -> str:
    text = record.article.text
    lines: list[str] = []
    ids: dict[tuple[str, int, int], str] = {}
    counters = {"T": 0, "A": 0, "R": 0, "#": 0}

    def next_id(kind: str) -> str:
        counters[kind] += 1
        return f"{kind}{counters[kind]}"

    def t_line(label: str, start: int, end: int) -> str:
        pieces = fragments(text, start, end)
        tid = next_id("T")
        where = ";".join(f"{s} {e}" for s, e in pieces)
        lines.append(f"{tid}\t{label} {where}\t{' '.join(text[s:e] for s, e in pieces)}")
        return tid

    span_ids: list[str] = []
    for span in record.spans:
        tid = t_line(span.label, span.start, span.end)
        span_ids.append(tid)
        if span.kind == "entity":
            ids.setdefault((span.label, span.start, span.end), tid)
            ids.setdefault(("", span.start, span.end), tid)
        if span.status != ACCEPTED:
            lines.append(f"{next_id('A')}\tStatus {tid} {span.status}")
        if span.origin == MACHINE:
            lines.append(f"{next_id('A')}\tSuggested {tid}")
        note = _note(span)
        if note:
            lines.append(f"{next_id('#')}\tAnnotatorNotes {tid}\t{_escape(note)}")
    for span, tid in zip(record.spans, span_ids, strict=True):
        if span.kind == "entity" or not span.speaker:
            continue
        role = ROLE[span.label]
        if span.speaker_start is not None and span.speaker_end is not None:
            mention = ids.get(("", span.speaker_start, span.speaker_end))
            if mention is None:
                mention = t_line(role.upper(), span.speaker_start, span.speaker_end)
                ids[("", span.speaker_start, span.speaker_end)] = mention
            lines.append(f"{next_id('R')}\t{role} Arg1:{tid} Arg2:{mention}")
    return "".join(line + "\n" for line in lines)


def _note(span: Span) -> str:
    """A span's AnnotatorNotes: its speaker's or source's name first, for a quote or claim."""
    if span.kind == "entity":
        return span.note
    if span.speaker:
        return f"{ROLE[span.label]}: {span.speaker}" + (f"\n{span.note}" if span.note else "")
    return f"\n{span.note}" if _ROLE_LINE.match(span.note) else span.note


def _from_note(label: str, value: str) -> tuple[str | None, str]:
    """(speaker, note) from a span's AnnotatorNotes (see `_note`)."""
    if label not in ROLE:
        return None, value
    first, newline, rest = value.partition("\n")
    if first.startswith(f"{ROLE[label]}: "):
        return first[len(ROLE[label]) + 2 :], rest
    if not first and newline and _ROLE_LINE.match(rest):
        return None, rest
    return None, value


def annotation_conf(labels: Iterable[str]) -> str:
    """brat's annotation.conf for these span labels, speakers' and sources' relations, the
    status and suggestion attributes; spans may overlap (quotes hold entities)."""
    entities = "".join(f"{label}\n" for label in sorted({*labels, "SPEAKER", "SOURCE"}))
    return (
        f"[entities]\n{entities}\n"
        "[relations]\n"
        "Speaker\tArg1:QUOTE, Arg2:<ENTITY>\n"
        "Source\tArg1:CLAIM, Arg2:<ENTITY>\n"
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n"
        "[events]\n\n"
        "[attributes]\n"
        "Status\tArg:<ENTITY>, Value:pending|rejected\n"
        "Suggested\tArg:<ENTITY>\n"
    )


VISUAL_CONF = """[labels]
QUOTE | Quote
CLAIM | Claim
SPEAKER | Speaker
SOURCE | Source
Speaker | Speaker
Source | Source

[drawing]
SPAN_DEFAULT\tfgColor:black, bgColor:#c6dbef, borderColor:darken
ARC_DEFAULT\tcolor:black, arrowHead:triangle-5
ATTRIBUTE_DEFAULT\tglyph:*
QUOTE\tbgColor:#b7e4c7
CLAIM\tbgColor:#e0c3f5
SPEAKER\tbgColor:#ffe5b4
SOURCE\tbgColor:#ffe5b4
Speaker\tcolor:#2d6a4f
Source\tcolor:#7b2cbf
Status\tValue:pending, glyph:?
Status\tValue:rejected, glyph:✗, dashArray:3-3
Suggested\tglyph:ᴹ
"""


def write(records: Iterable[Annotated], directory: Path) -> int:
    count = 0
    labels: set[str] = set()
    sidecars: dict[str, dict[str, Any]] = {}
    for record in records:
        name = annotator_dir(record.annotator)
        folder = directory / name
        folder.mkdir(parents=True, exist_ok=True)
        stem = file_stem(record)
        (folder / f"{stem}.txt").write_text(record.article.text, "utf-8", newline="")
        (folder / f"{stem}.ann").write_text(ann(record), "utf-8", newline="")
        labels.update(s.label for s in record.spans)
        sidecar = sidecars.setdefault(name, {"annotator": record.annotator, "articles": {}})
        sidecar["articles"][stem] = {
            "done": record.done,
            "note": record.note,
            "hash": record.article.content_hash,
            "article_id": record.article_id,
            **{key: getattr(record.article, key) for key in _META},
        }
        count += 1
    directory.mkdir(parents=True, exist_ok=True)
    for name, sidecar in sidecars.items():
        (directory / name / SIDECAR).write_text(
            json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n", "utf-8"
        )
    (directory / "annotation.conf").write_text(annotation_conf(labels), "utf-8")
    (directory / "visual.conf").write_text(VISUAL_CONF, "utf-8")
    return count


_META = ("title", "source", "url", "date", "author")


def read(directory: Path, report: Report) -> Iterator[Annotated]:
    """Every `.ann` file (with its `.txt`) under `directory`: the annotator is the one its
    folder's `byline.json` names, else the folder's name (directly in `DIR`: the OS user);
    the done mark and the article's note come from `byline.json` too."""
    if not directory.is_dir():
        raise BylineError(f"'{shown(str(directory))}' is not a directory of brat files")
    sidecars: dict[Path, dict[str, Any]] = {}
    for path in sorted(directory.rglob("*.ann")):
        if path.parent not in sidecars:
            sidecars[path.parent] = _sidecar(path.parent, report)
        sidecar = sidecars[path.parent]
        annotator = sidecar.get("annotator")
        if not isinstance(annotator, str) or not annotator.strip():
            annotator = path.parent.name if path.parent != directory else default_annotator()
        about = (sidecar.get("articles") or {}).get(path.stem)
        about = about if isinstance(about, dict) else {}
        where = shown(str(path))
        try:
            text = _read_text(path.with_suffix(".txt"))
            record = parse(path.read_text("utf-8"), text, annotator, where)
            record.done = bool(about.get("done", False))
            record.note = str(about.get("note") or "")
            if any(about.get(key) for key in _META):
                meta = {key: str(about.get(key) or "") for key in _META}
                record.article = clean_article(text, where, **meta)
            yield record
        except OSError as error:
            report(f"cannot read '{shown(str(error.filename or path))}': {error.strerror or error}")
        except UnicodeDecodeError:
            report(f"{where}: not UTF-8")
        except BylineError as error:
            report(str(error))


def _sidecar(folder: Path, report: Report) -> dict[str, Any]:
    path = folder / SIDECAR
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        report(f"{shown(str(path))}: not Byline's JSON; annotator, done and notes from the names")
        return {}
    return data if isinstance(data, dict) else {}


def _read_text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as file:
        return file.read()


def parse(content: str, text: str, annotator: str, where: str) -> Annotated:
    article = clean_article(text, where)
    spans: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    stand_ins: set[str] = set()
    mentions: dict[str, tuple[int, int]] = {}
    speakers: dict[str, list[Any]] = {}
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            ident, rest = line.split("\t", 1)
            kind = ident[0]
            if kind == "T":
                head, _, _ = rest.partition("\t")
                label, where_ = head.split(" ", 1)
                pieces = [tuple(map(int, p.split())) for p in where_.split(";")]
                start, end = min(p[0] for p in pieces), max(p[1] for p in pieces)
                mentions[ident] = (start, end)
                spans[ident] = {
                    "label": label,
                    "start": start,
                    "end": end,
                    "status": ACCEPTED,
                    "origin": ANNOTATOR,
                    "note": "",
                }
                order.append(ident)
            elif kind == "A":
                name, target, *values = rest.split()
                if name == "Status" and values:
                    spans[target]["status"] = values[0]
                elif name == "Suggested":
                    spans[target]["origin"] = MACHINE
            elif kind == "R":
                name, arg1, arg2 = rest.split()
                quote, mention = arg1.split(":", 1)[1], arg2.split(":", 1)[1]
                speakers.setdefault(quote, [None, None, None])[1:] = mentions[mention]
                if spans[mention]["label"] in ("SPEAKER", "SOURCE"):
                    stand_ins.add(mention)  # a T line only for the mention, not a span
            elif kind == "#":
                head, _, value = rest.partition("\t")
                name, target = head.split()
                if name == "AnnotatorNotes":
                    speaker, note = _from_note(spans[target]["label"], _unescape(value))
                    spans[target]["note"] = note
                    if speaker is not None:
                        speakers.setdefault(target, [None, None, None])[0] = speaker
                elif name in ROLE.values():  # Byline's older brat files
                    speakers.setdefault(target, [None, None, None])[0] = _unescape(value)
        except (ValueError, KeyError, IndexError):
            raise BylineError(f"{where}, line {number}: not a brat annotation line") from None
    result = []
    for ident in order:
        if ident in stand_ins:
            continue
        name, who_start, who_end = speakers.get(ident, [None, None, None])
        result.append(
            Span(0, **spans[ident], speaker=name, speaker_start=who_start, speaker_end=who_end)
        )
    return Annotated(article, annotator, result)


def _escape(value: str) -> str:
    """One line: backslash, line break and tab as \\\\, \\n and \\t."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), value)

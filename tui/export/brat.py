"""brat standoff: per article and annotator, `DIR/ANNOTATOR/ID.txt` (the text) and `ID.ann`.

In the `.ann` file, every span is a `T` line (`T1<TAB>PERSON 0 8<TAB>Jane Doe`); a span over
line breaks is split into fragments there (`QUOTE 10 40;42 80`), as brat wants. A quote's
speaker or a claim's source is an `R` line from the quote or claim to the mention
(`R1<TAB>Speaker Arg1:T2 Arg2:T1`): an exported entity span at the mention's offsets, else a
`T` line labelled `SPEAKER`/`SOURCE` just for the mention; its name is a note
(`#1<TAB>Speaker T2<TAB>Jane Doe`). A suggestion not accepted has an `A` line
(`A1<TAB>Status T3 rejected`), a machine suggestion `A2<TAB>Suggested T3`, a span's note an
`AnnotatorNotes` note (line breaks and tabs as `\\n`, `\\t`). brat has no place for the
article's own note and done mark: they are not exported in this format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tui.errors import BylineError
from tui.export import Annotated, Report, clean_article
from tui.loaders.base import shown
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
_UNSAFE_NAME = re.compile(r"[^\w.-]+")


def file_stem(record: Annotated) -> str:
    if record.article_id is not None:
        return f"{record.article_id:05d}"
    return record.article.content_hash[:16]


def annotator_dir(name: str) -> str:
    """A directory name for an annotator (anything but letters, digits, '.', '-' is '_')."""
    safe = _UNSAFE_NAME.sub("_", name).strip(".")
    return safe or "_"


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
        if span.note:
            lines.append(f"{next_id('#')}\tAnnotatorNotes {tid}\t{_escape(span.note)}")
    for span, tid in zip(record.spans, span_ids, strict=True):
        if span.kind == "entity" or not span.speaker:
            continue
        role = ROLE[span.label]
        lines.append(f"{next_id('#')}\t{role} {tid}\t{_escape(span.speaker)}")
        if span.speaker_start is not None and span.speaker_end is not None:
            mention = ids.get(("", span.speaker_start, span.speaker_end))
            if mention is None:
                mention = t_line(role.upper(), span.speaker_start, span.speaker_end)
                ids[("", span.speaker_start, span.speaker_end)] = mention
            lines.append(f"{next_id('R')}\t{role} Arg1:{tid} Arg2:{mention}")
    return "".join(line + "\n" for line in lines)


def write(records: Iterable[Annotated], directory: Path) -> int:
    count = 0
    for record in records:
        folder = directory / annotator_dir(record.annotator)
        folder.mkdir(parents=True, exist_ok=True)
        stem = file_stem(record)
        (folder / f"{stem}.txt").write_text(record.article.text, "utf-8", newline="")
        (folder / f"{stem}.ann").write_text(ann(record), "utf-8", newline="")
        count += 1
    return count


def read(directory: Path, report: Report) -> Iterator[Annotated]:
    """Every `.ann` file (with its `.txt`) under `directory`: in `DIR/ANNOTATOR/`, the
    annotator is the folder's name; directly in `DIR`, the OS user."""
    if not directory.is_dir():
        raise BylineError(f"'{shown(str(directory))}' is not a directory of brat files")
    for path in sorted(directory.rglob("*.ann")):
        annotator = path.parent.name if path.parent != directory else default_annotator()
        where = shown(str(path))
        try:
            text = _read_text(path.with_suffix(".txt"))
            yield parse(path.read_text("utf-8"), text, annotator, where)
        except OSError as error:
            report(f"cannot read '{shown(str(error.filename or path))}': {error.strerror or error}")
        except UnicodeDecodeError:
            report(f"{where}: not UTF-8")
        except BylineError as error:
            report(str(error))


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
                name, target, *value = rest.split()
                if name == "Status" and value:
                    spans[target]["status"] = value[0]
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
                    spans[target]["note"] = _unescape(value)
                elif name in ROLE.values():
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

"""`byline lookup` (an entity across the library) and `byline search` (the articles' text)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from tui.cli.options import Parser, add_db_option
from tui.errors import BylineError, UsageError


def lookup_parser() -> Parser:
    parser = Parser(
        prog="byline lookup",
        description="Where else does an entity appear, and what did it say? Print the articles "
        "mentioning NAME (with counts), its mentions in context, the quotes it spoke, the "
        "claims it is the source of and the entities it appears with. NAME may be any name it "
        "is written as ('Lavrov', 'UN'). Exit status 1, with the closest names, when nothing "
        "matches.",
    )
    parser.add_argument("name", metavar="NAME", help="the entity's name")
    parser.add_argument("--label", metavar="L", help="only entities of this kind (PERSON, ORG...)")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument(
        "--limit", type=int, default=100, metavar="N", help="rows per section (default: 100)"
    )
    parser.add_argument(
        "--merge-into", metavar="OTHER", help="by hand: make NAME part of entity OTHER"
    )
    parser.add_argument(
        "--split",
        action="store_true",
        help="by hand: take the name NAME out of the entity it was merged into "
        "(or, for the entity's own name, every name merged into it)",
    )
    add_db_option(parser)
    return parser


def run_lookup(argv: list[str]) -> int:
    args = lookup_parser().parse_args(argv)
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    import json

    from tui import lookup
    from tui.safe_text import flat
    from tui.store import Library

    label = args.label.upper() if args.label else None
    with Library(args.db, create=args.split or bool(args.merge_into)) as library:
        if args.split:
            freed = lookup.split(library, args.name)
            print(
                f"split: {', '.join(flat(n) for n in freed) or 'nothing was merged'}",
                file=sys.stderr,
            )
        if args.merge_into:
            _, into = lookup.merge(library, args.name, args.merge_into)
            args.name, label = into.name, into.label
        found = lookup.find_entity(library, args.name, label)
        if found is None:
            raise lookup.not_found(library, args.name, label)
        result = lookup.lookup(library, found, limit=args.limit)
    out = (
        json.dumps(result.to_json(), ensure_ascii=False)
        if args.json
        else "\n".join(lookup.render_text(result))
    )
    sys.stdout.write(out + "\n")
    return 0


def search_parser() -> Parser:
    parser = Parser(
        prog="byline search",
        description="Search the text of the articles in the library (and their titles, sources "
        "and authors): print the matching articles, best first, each with a snippet of its "
        "text. Every word is required, in any case and with or without accents; FTS5's syntax "
        'works too: "a phrase", prefix*, OR, NOT, NEAR(a b), title:word. When more than '
        "5,000 articles match, the newest are ranked (in a big library, among the newest "
        "50,000 articles when they hold a page of matches). Exit status 1 when nothing "
        "matches, 2 for a query that cannot be read.",
    )
    parser.add_argument("query", nargs="+", metavar="QUERY", help="words to look for")
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per article (JSON Lines)"
    )
    parser.add_argument(
        "--limit", type=int, default=20, metavar="N", help="at most N articles (default: 20)"
    )
    add_db_option(parser)
    return parser


def run_search(argv: list[str]) -> int:
    args = search_parser().parse_args(argv)
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    import json

    from tui.safe_text import one_line
    from tui.store import Library

    query = " ".join(args.query)
    with Library(args.db) as library:
        hits = library.search(query, limit=args.limit)
    if not hits:
        raise BylineError(f"no article in the library matches '{one_line(query)}'")
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    out = []
    for hit in hits:
        e = hit.entry
        if args.json:
            out.append(
                json.dumps(
                    {
                        "id": e.id,
                        "title": e.title,
                        "source": e.source,
                        "date": e.date,
                        "author": e.author,
                        "url": e.url,
                        "path": e.path,
                        "score": round(hit.score, 6),
                        "snippet": hit.snippet,
                        "matches": [list(span) for span in hit.matches],
                    },
                    ensure_ascii=False,
                )
            )
            continue
        # Everything shown came from the articles: one line each, controls removed.
        about = " · ".join(
            one_line(part) for part in (e.title or e.path, e.source, e.date[:10]) if one_line(part)
        )
        out.append(f"{e.id:>4}  {about}")
        out.append("      " + _emphasised(hit.snippet, hit.matches, bold))
    sys.stdout.write("\n".join(out) + "\n")  # a closed pipe (`| head`): handled in main
    return 0


def _emphasised(text: str, spans: Sequence[tuple[int, int]], bold: bool) -> str:
    """`text` with its `spans` in bold (on a terminal; as they are otherwise)."""
    if not bold:
        return text
    parts, at = [], 0
    for start, end in spans:
        parts += [text[at:start], "\x1b[1m", text[start:end], "\x1b[22m"]
        at = end
    return "".join(parts) + text[at:]

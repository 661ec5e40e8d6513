"""The entity index: every name in the library, grouped into canonical entities across articles.

Each article is indexed from exactly one source at a time (`origin` of its rows), never both:

- when some annotator has marked it done (`Session.mark_done`), from that annotator's accepted
  spans (the suggestions they accepted and the spans they created): entities, QUOTE spans with
  their speaker, CLAIM spans with their source (`annotation_analysis`); when several did, from
  the one who marked it done last (`annotation_sessions.done_seq`);
- otherwise from its newest cached analysis (none: the article is not in the index).

The annotation store calls `annotation_changed` in the transaction of every action that changes
a done mark or the accepted spans of the annotator the index follows, so the index never
disagrees with what is committed: removing (or undoing) the last done mark brings the cached
analysis back. A new analysis stored for a done article leaves the annotations in place.

Each article's entity groups become rows of `entities`, one per normalised name and label. An
annotator's entity spans are grouped as spaCy's are (`tui.nlp.entities.group_mentions`). Names
that are one entity are merged under a root (`entities.root`):

- a name the text wrote as a mention of a longer one ("Lavrov" in a "Sergey Lavrov" group, "UN"
  where the text defines "United Nations (UN)") joins that name in every article;
- a lone surname joins the only full name in the library that ends with it;
- two full names that differ by a letter or two ("Sergey"/"Sergei") are joined (`rapidfuzz`),
  unless they differ in a middle initial or a generational suffix: "George H.W. Bush" and
  "George W. Bush", "John Smith Jr." and "John Smith Sr." are father and son.

Only an unambiguous match is merged. An annotator can `merge` two entities and `split` one back;
a split pair is never merged again by the indexer. No Textual here.

One module per job (callers import the names from here): `build` indexes articles, `merging`
merges and splits names, `queries` reads the index (all the SQL of `tui.lookup`), `names` is how
names are compared.
"""

from tui.store.index.build import (
    ANALYSIS,
    ANNOTATION,
    annotation_analysis,
    annotation_changed,
    done_annotator,
    forget_article,
    index_analysis,
    index_new_article,
    index_stored_analysis,
    is_built,
    rebuild,
    reindex_article,
)
from tui.store.index.merging import Joins, merge, split
from tui.store.index.names import FUZZY_SAME, name_key, same_by_score
from tui.store.index.queries import (
    Found,
    entities_by_id,
    find,
    names_of,
    roots_of,
    search,
    suggest,
    top,
)

__all__ = [
    "ANALYSIS",
    "ANNOTATION",
    "FUZZY_SAME",
    "Found",
    "Joins",
    "annotation_analysis",
    "annotation_changed",
    "done_annotator",
    "entities_by_id",
    "find",
    "forget_article",
    "index_analysis",
    "index_new_article",
    "index_stored_analysis",
    "is_built",
    "merge",
    "name_key",
    "names_of",
    "rebuild",
    "reindex_article",
    "roots_of",
    "same_by_score",
    "search",
    "split",
    "suggest",
    "top",
]

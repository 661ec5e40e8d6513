"""The NLP core: entities, quotes with speakers, and claims. Plain Python, no Textual."""

#: Bump when the analysis changes, so cached analyses are recomputed. Kept here, not in
#: analyze.py, so the cache can know it without importing the NLP rules.
ANALYSIS_VERSION = 2

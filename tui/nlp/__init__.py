"""The NLP core: entities, quotes with speakers, and claims. Plain Python, no Textual."""

"""Byline: a terminal reader for news articles.

Importing this package must stay cheap: nothing here imports spaCy or Textual.
"""

from importlib.resources import files
from pathlib import Path

# The one place the version is written (pyproject.toml reads it from here); a literal, because
# asking importlib.metadata costs ~80 ms at every start.
__version__ = "0.1.0"

# styles/ and seeds/ sit at the top of the checkout and are the packages tui.styles and
# tui.seeds once installed (pyproject.toml maps them), editable or from a wheel. Byline is
# installed as files, so the resources are paths Textual and the loaders can open.
STYLES_DIR = Path(str(files("tui.styles")))
SEEDS_DIR = Path(str(files("tui.seeds")))
DEFAULT_SEED = SEEDS_DIR / "aljazeera-aleppo-talks.txt"

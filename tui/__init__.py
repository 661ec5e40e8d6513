"""Byline: a terminal reader for news articles.

Importing this package must stay cheap: nothing here imports spaCy or Textual.
"""

from pathlib import Path

# The one place the version is written (pyproject.toml reads it from here); a literal, because
# asking importlib.metadata costs ~80 ms at every start.
__version__ = "0.1.0"

#: The source checkout (Byline installs editable; styles/ and seeds/ live beside tui/).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
STYLES_DIR = PROJECT_ROOT / "styles"
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_SEED = SEEDS_DIR / "aljazeera-aleppo-talks.txt"

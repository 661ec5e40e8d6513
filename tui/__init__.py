"""Byline: a terminal reader for news articles.

Importing this package must stay cheap: nothing here imports spaCy or Textual.
"""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    __version__ = version("byline")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

#: The source checkout (Byline installs editable; styles/ and seeds/ live beside tui/).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
STYLES_DIR = PROJECT_ROOT / "styles"
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_SEED = SEEDS_DIR / "aljazeera-aleppo-talks.txt"

"""Where the source checkout is: the tests run commands from it (the package itself never
looks for its checkout; it finds its files with importlib.resources)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

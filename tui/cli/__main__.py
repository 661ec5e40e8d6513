"""`python -m tui.cli`: the `byline` command."""

import sys

from tui.cli import main

sys.exit(main())

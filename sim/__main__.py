"""``python -m sim``: the same as the ``negsim`` command (for environments without its script on PATH)."""

import sys

from sim.cli import main

sys.exit(main())

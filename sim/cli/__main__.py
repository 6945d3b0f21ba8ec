"""``python -m sim.cli``: the same as the ``negsim`` command."""

import sys

from . import main

sys.exit(main())

"""`python -m assistant.cli`: the same as the `okr` script (tests and benchmarks run it this way)."""

import sys

from assistant.cli import main

sys.exit(main())

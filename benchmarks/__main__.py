"""``python -m benchmarks [--quick] …`` (same as ``python -m bot benchmark``)."""

import sys

from benchmarks.cli import main

sys.exit(main())

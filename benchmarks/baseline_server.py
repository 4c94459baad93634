"""The stock baseline's Rasa server: ``python -m benchmarks.baseline_server run …``.

``python -m bot.rasa_server`` (Manabi's Rasa patches) plus the one patch only the baseline's
pipeline needs (``benchmarks.diet_predict``): both systems are served as fast as Rasa can serve
them, so the benchmark compares pipelines, not patches.
"""

from __future__ import annotations

from benchmarks.diet_predict import PATCH
from bot import rasa_server

BASELINE_PATCHES = (PATCH,)

if __name__ == "__main__":
    rasa_server.main(extra_patches=BASELINE_PATCHES)

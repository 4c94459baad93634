"""Entry point for the Rasa server: ``python -m bot.rasa_server run …`` = ``rasa run …`` plus speed fixes.

The speed fixes are in ``bot.speedups`` (one module per fix; ``apply_patches`` installs them before
Rasa starts). ``MANABI_PROFILE=<file>`` profiles the running server. Hardening: files are created
owner-only (the tracker database holds what people typed; bot.privacy.files) and requests are
limited to the Teams channel's 512 KB (bot.server_limits).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

# FIXES is re-exported for callers of the old location; new code imports it from bot.speedups.
from bot.speedups import FIXES, apply_patches  # noqa: F401


def prepare_tracker_db(path: Path) -> None:
    """Create the tracker database in WAL mode (the mode is stored in the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def _profile_if_asked() -> None:
    """``MANABI_PROFILE=<file>``: profile the server (CPU time) from the first message it handles
    (start-up and model loading left out) and write pstats there when it exits."""
    import os

    target = os.environ.get("MANABI_PROFILE")
    if not target:
        return
    import atexit
    import cProfile
    import functools
    import time

    from rasa.core.processor import MessageProcessor

    profiler = cProfile.Profile(time.process_time)
    handle_message = MessageProcessor.handle_message

    @functools.wraps(handle_message)
    async def first_message_starts_profiling(self: Any, message: Any) -> Any:
        MessageProcessor.handle_message = handle_message
        profiler.enable()
        return await handle_message(self, message)

    MessageProcessor.handle_message = first_message_starts_profiling

    def write_profile() -> None:
        profiler.disable()
        profiler.dump_stats(target)

    atexit.register(write_profile)


def main() -> None:
    from bot.privacy.files import restrict_new_files
    from bot.server_limits import limit_request_size

    restrict_new_files()
    _profile_if_asked()
    apply_patches()
    limit_request_size()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()

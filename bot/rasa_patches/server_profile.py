"""``MANABI_PROFILE=<file>``: the running Rasa server profiled (CPU time) from its first message.

Start-up and model loading are left out: profiling starts when ``MessageProcessor.handle_message``
is first called, and the statistics (pstats) are written to the file when the process exits. A
tool for finding where a turn's time goes under real load (docs/performance.md), not a patch for speed:
it is applied only when asked for.
"""

from __future__ import annotations

import atexit
import cProfile
import functools
import time
from typing import Any

from bot.rasa_patches.patch import Patch, Replacement

VARIABLE = "MANABI_PROFILE"


class ServerProfile:
    """A CPU-time profile of the message handling, written to ``target`` by :meth:`write`."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.profiler = cProfile.Profile(time.process_time)

    def patch(self) -> Patch:
        return Patch("server_profile", self._replacements, skippable=False)

    def write(self) -> None:
        self.profiler.disable()
        self.profiler.dump_stats(self.target)

    def _replacements(self) -> list[Replacement]:
        from rasa.core.processor import MessageProcessor

        rasas = MessageProcessor.handle_message
        profiler = self.profiler

        @functools.wraps(rasas)
        async def handle_message(self: Any, message: Any) -> Any:
            profiler.enable()  # from the first message on (enabling again changes nothing)
            return await rasas(self, message)

        return [Replacement(MessageProcessor, "handle_message", handle_message)]


def profile_patch(target: str) -> Patch:
    """The patch that profiles the server, its statistics written to ``target`` at exit."""
    profile = ServerProfile(target)
    atexit.register(profile.write)
    return profile.patch()

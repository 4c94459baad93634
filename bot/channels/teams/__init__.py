"""Microsoft Teams (Bot Framework) channel for Rasa, built on PyJWT and aiohttp.

Registered in ``credentials.yml`` as ``bot.channels.teams.TeamsInput``. The class is imported
lazily so that light users of this package (the app-package builder) do not import Rasa.
"""

from typing import Any

__all__ = ["TeamsInput"]


def __getattr__(name: str) -> Any:
    if name == "TeamsInput":
        from bot.channels.teams.channel import TeamsInput

        return TeamsInput
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

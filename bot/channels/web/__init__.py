"""The staff web chat (``/chat``) as a Rasa input channel, which also mounts the office console.

Registered in ``credentials.yml`` as ``bot.channels.web.WebInput``; the class is imported lazily
so that light users of this package do not import Rasa. See docs/web.md.
"""

from typing import Any

__all__ = ["WebInput"]


def __getattr__(name: str) -> Any:
    if name == "WebInput":
        from bot.channels.web.channel import WebInput

        return WebInput
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

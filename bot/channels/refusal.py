"""The one exception shape of a request a channel refuses: an HTTP status and why."""

from __future__ import annotations


class Refusal(Exception):
    """``status`` is the HTTP status to answer; ``reason`` says why (for the log, or for the page where the
    channel shows it)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

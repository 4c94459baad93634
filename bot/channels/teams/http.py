"""One shared aiohttp ClientSession for the channel, created on first use and closed on stop.

Creating it lazily keeps construction free of I/O (the server starts offline) and binds the
session to the event loop Sanic actually runs.
"""

from __future__ import annotations

import aiohttp


class HttpClient:
    """Owns the channel's ClientSession (key fetches, token requests and connector sends)."""

    def __init__(self, timeout_seconds: float = 10) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    async def session(self) -> aiohttp.ClientSession:
        """Returns the open session, creating it on first use."""
        # No await between the check and the assignment, so concurrent callers cannot race.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout, headers={"User-Agent": "manabi-teams-channel"})
        return self._session

    async def close(self) -> None:
        """Closes the session if one was opened (safe to call more than once)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

"""The connection to the action server is kept open.

``EndpointConfig.request`` opens a new aiohttp session, hence a new TCP connection, for every custom
action. We keep one session per endpoint and event loop (idle connections closed after 2 s, before the
action server's own 5 s keep-alive ends them), closed when the server stops (``close_resources``) or
by :func:`close_shared_sessions`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.rasa_patches.patch import Replacement

_SHARED_SESSIONS: list[Any] = []
CLIENT_KEEPALIVE_SECONDS = 2.0  # below Sanic's KEEP_ALIVE_TIMEOUT (5 s) on the action server


class _KeptSession:
    """``async with`` yields the shared session and leaves it open."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *_: Any) -> None:
        return None


def replacements() -> list[Replacement]:
    """``EndpointConfig.session`` returning one long-lived session per endpoint and event loop, and
    ``close_resources`` (run when the server stops) closing them."""
    import aiohttp
    import rasa.core.run
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    def session(self: Any) -> _KeptSession:
        loop = asyncio.get_running_loop()
        current = self.__dict__.get("_manabi_session")
        if current is None or current.closed or current._loop is not loop:
            auth = (
                aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
            )
            current = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=CLIENT_KEEPALIVE_SECONDS),
            )
            self.__dict__["_manabi_session"] = current
            _SHARED_SESSIONS.append(current)
        return _KeptSession(current)

    rasas_close_resources = rasa.core.run.close_resources

    async def close_resources(*args: Any, **kwargs: Any) -> None:
        try:
            await close_shared_sessions()
        finally:
            await rasas_close_resources(*args, **kwargs)

    return [
        Replacement(EndpointConfig, "session", session),
        Replacement(rasa.core.run, "close_resources", close_resources),
    ]


async def close_shared_sessions() -> None:
    """Closes every kept-alive session (the server does it when it stops)."""
    while _SHARED_SESSIONS:
        session = _SHARED_SESSIONS.pop()
        if not session.closed:
            await session.close()

"""Serves ``TeamsInput``'s blueprint on a real Sanic server on 127.0.0.1, as ``rasa run`` mounts it.

The default ``on_new_message`` echoes the text back (``echo: …``), so these tests need no
trained model; pass another handler to send buttons or cards.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from bot.channels.teams import TeamsInput

Handler = Callable[[UserMessage], Awaitable[Any]]
# type of the `serve_channel` fixture: await serve_channel(on_new_message=None, **credential_overrides)
ServeChannel = Callable[..., Awaitable["ChannelServer"]]


class _StubAgent:
    """Stands in for rasa.core.agent.Agent."""

    def __init__(self, handle_message: Handler) -> None:
        self.handle_message = handle_message


class ChannelServer:
    """A Sanic app with the channel at ``/webhooks/teams``; records every UserMessage."""

    def __init__(self, channel: TeamsInput, on_new_message: Handler | None = None) -> None:
        self.channel = channel
        self.received: list[UserMessage] = []
        self._handler = on_new_message or self.echo
        self._server: Any = None
        self.port = 0

    async def echo(self, message: UserMessage) -> None:
        """Stub for Rasa's agent: answers ``echo: <text>``."""
        await message.output_channel.send_response(message.sender_id, {"text": f"echo: {message.text}"})

    async def _record(self, message: UserMessage) -> None:
        self.received.append(message)
        await self._handler(message)

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/teams/webhook"

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/teams/"

    async def start(self) -> ChannelServer:
        # Test mode lets Sanic start several apps in one process (touch-up keeps the originals).
        Sanic.test_mode = True
        app = Sanic(f"teams_test_{uuid.uuid4().hex}", configure_logging=False)
        # Mounted exactly as `rasa run` does (route "/webhooks/" + the channel's name); Rasa's
        # handler calls app.ctx.agent.handle_message, which is our stub.
        app.ctx.agent = _StubAgent(self._record)
        register([self.channel], app, route="/webhooks/")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        # In Sanic 21.12 awaiting create_server already starts listening.
        self._server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
        await self._server.startup()
        await self._server.before_start()
        await self._server.after_start()
        return self

    async def stop(self) -> None:
        """Stops like Sanic does: before_server_stop (drains turns), close, after_server_stop."""
        if self._server is None:
            return
        await self._server.before_stop()
        for connection in list(self._server.connections):
            connection.close_if_idle()
        self._server.close()
        await self._server.wait_closed()
        await self._server.after_stop()
        self._server = None

    async def __aenter__(self) -> ChannelServer:
        return await self.start()

    async def __aexit__(self, *_: Any) -> None:
        await self.stop()

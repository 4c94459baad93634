"""Fixtures of the Teams channel tests: the fake Bot Framework service and a served channel."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

# The helpers next to this file are imported as top-level modules whatever the import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from teams_harness import ChannelServer, ServeChannel  # noqa: E402

from bot.channels.teams import TeamsInput  # noqa: E402
from bot.channels.teams.http import HttpClient  # noqa: E402
from bot.devtools.fake_botframework import FakeBotFramework  # noqa: E402


@pytest.fixture(autouse=True)
def state_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A state DB of the test's own (the channel stores the message ids of its answers there)."""
    path = tmp_path / "manabi.sqlite"
    monkeypatch.setenv("MANABI_STATE_DB", str(path))
    return path


@pytest.fixture(autouse=True)
def fresh_log_limits() -> None:
    """Each test sees the channel's rate-limited warnings from scratch."""
    from bot.channels.teams import channel, output

    channel._rejections.reset()
    output._delivery_failures.reset()


@pytest_asyncio.fixture
async def fake_botframework() -> AsyncIterator[FakeBotFramework]:
    """A running FakeBotFramework on a free port of 127.0.0.1."""
    async with FakeBotFramework() as fake:
        yield fake


@pytest_asyncio.fixture
async def http() -> AsyncIterator[HttpClient]:
    """The channel's shared HTTP client, closed after the test."""
    client = HttpClient()
    yield client
    await client.close()


@pytest_asyncio.fixture
async def serve_channel(fake_botframework: FakeBotFramework) -> AsyncIterator[ServeChannel]:
    """``await serve_channel(on_new_message=None, **credential_overrides)`` → a running ChannelServer."""
    servers: list[ChannelServer] = []

    async def start(on_new_message: Any = None, **overrides: Any) -> ChannelServer:
        channel = TeamsInput.from_credentials(fake_botframework.credentials(**overrides))
        server = await ChannelServer(channel, on_new_message).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()

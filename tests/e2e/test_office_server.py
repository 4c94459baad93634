"""The office console on a port of its own (MANABI_OFFICE_PORT), as the launcher starts it."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from bot import launcher
from bot.settings import load_settings

pytestmark = pytest.mark.e2e


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_console_alone_on_its_port(tmp_path):
    port = launcher.free_port()
    env = launcher.server_environment(
        load_settings({"MANABI_STATE_DB": str(tmp_path / "manabi.sqlite")}),
        {"MANABI_OFFICE_PORT": str(port), "MANABI_LOG_DIR": str(tmp_path / "log"), "MANABI_OFFICE_ENABLED": "1"},
    )
    server = launcher.office_server(env)
    assert server is not None
    server.start(timeout=60)
    try:
        base = f"http://127.0.0.1:{port}"
        assert status(f"{base}/office/login") == 200
        assert status(f"{base}/office/cohorts") == 200  # the login page, after the redirect
        assert status(f"{base}/chat") == 404  # only the console is served here
    finally:
        server.stop()
    assert launcher.office_server({**env, "MANABI_OFFICE_ENABLED": "0"}) is None

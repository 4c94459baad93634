"""How the servers are started (issue 11): the action server on loopback with a shared secret, the
production channels without REST, request and message limits, owner-only logs."""

from __future__ import annotations

import asyncio
import socket
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from sanic import Sanic, response

from bot import launcher
from bot.action_server import SECRET_HEADER, MissingSecret, protect, read_secret
from bot.channels.local import refusal
from bot.settings import PROJECT_ROOT, load_settings


def test_the_action_server_listens_on_loopback_whatever_manabi_host_says(tmp_path: Path) -> None:
    settings = load_settings({"MANABI_HOST": "0.0.0.0", "MANABI_LOG_DIR": str(tmp_path)})
    env = launcher.server_environment(settings)
    actions = launcher.action_server(settings, env)
    assert actions.env["MANABI_ACTION_HOST"] == "127.0.0.1"
    assert actions.health_url.startswith("http://127.0.0.1:")
    assert settings.action_url.startswith("http://127.0.0.1:")
    assert "bot.action_server" in actions.command  # not rasa_sdk's own server (0.0.0.0, no authentication)
    explicit = load_settings({"MANABI_HOST": "0.0.0.0", "MANABI_ACTION_HOST": "10.1.2.3"})
    assert launcher.action_server(explicit, env).env["MANABI_ACTION_HOST"] == "10.1.2.3"  # only when asked


def test_a_secret_is_generated_per_start_unless_the_environment_sets_one(monkeypatch) -> None:
    monkeypatch.delenv("MANABI_ACTION_SECRET", raising=False)
    settings = load_settings({})
    first = launcher.server_environment(settings)["MANABI_ACTION_SECRET"]
    second = launcher.server_environment(settings)["MANABI_ACTION_SECRET"]
    assert len(first) >= 32 and first != second
    monkeypatch.setenv("MANABI_ACTION_SECRET", "operator-chosen-secret-value")
    assert launcher.server_environment(settings)["MANABI_ACTION_SECRET"] == "operator-chosen-secret-value"
    with pytest.raises(MissingSecret):
        read_secret({"MANABI_ACTION_SECRET": "short"})


def test_rasa_sends_the_secret_with_every_action_call() -> None:
    endpoints = (PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8")
    action_endpoint = yaml.safe_load(endpoints)["action_endpoint"]
    assert action_endpoint["headers"] == {SECRET_HEADER: "${MANABI_ACTION_SECRET}"}
    assert "MANABI_ACTION_HOST" in action_endpoint["url"]


def test_production_credentials_have_no_rest_channel_and_the_launcher_picks_them() -> None:
    production = yaml.safe_load((PROJECT_ROOT / launcher.PRODUCTION_CREDENTIALS).read_text(encoding="utf-8"))
    local = yaml.safe_load((PROJECT_ROOT / launcher.LOCAL_CREDENTIALS).read_text(encoding="utf-8"))
    # Production: Teams and the staff web chat, both of which decide the sender themselves; no REST.
    assert list(production) == ["bot.channels.teams.TeamsInput", "bot.channels.web.WebInput"]
    assert "rest" not in local and "bot.channels.local.LocalRestInput" in local
    for channel in production:
        assert production[channel] == local[channel]
    settings = load_settings({})
    served = launcher.rasa_server(settings, {}, Path("m.tar.gz"), local_channel=False).command
    assert served[served.index("--credentials") + 1] == "credentials.yml"
    chatting = launcher.rasa_server(settings, {}, Path("m.tar.gz")).command
    assert chatting[chatting.index("--credentials") + 1] == "credentials.local.yml"


@pytest.mark.parametrize(
    "peer, headers, refused",
    [
        ("127.0.0.1", {}, None),
        ("::1", {}, None),
        ("192.168.1.20", {}, "not from this machine"),
        ("0.0.0.0", {}, "not from this machine"),
        (None, {}, "not from this machine"),
        ("127.0.0.1", {"x-forwarded-for": "203.0.113.7"}, "relayed by a proxy"),
        ("127.0.0.1", {"forwarded": "for=203.0.113.7"}, "relayed by a proxy"),
    ],
)
def test_the_local_rest_channel_only_answers_this_machine(peer, headers, refused) -> None:
    assert refusal(peer, headers) == refused


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(url: str, headers: dict[str, str] | None = None, body: bytes | None = b"{}") -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.asyncio
async def test_the_action_server_refuses_every_call_without_the_secret() -> None:
    Sanic.test_mode = True
    app = Sanic("protected_actions_test", configure_logging=False)

    @app.post("/webhook")
    async def webhook(_):  # stands in for rasa_sdk's handler
        return response.json({"ran": True})

    @app.post("/boom")
    async def boom(_):
        raise RuntimeError("secret detail")

    @app.get("/health")
    async def health(_):
        return response.json({"status": "ok"})

    protect(app, "the-shared-secret-value")
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    base = f"http://127.0.0.1:{port}"
    try:
        loop = asyncio.get_running_loop()

        async def status(path: str, headers: dict[str, str] | None = None, body: bytes | None = b"{}") -> tuple:
            return await loop.run_in_executor(None, call, base + path, headers, body)

        assert (await status("/webhook"))[0] == 401
        assert (await status("/webhook", {SECRET_HEADER: "the-shared-secret-valuX"}))[0] == 401
        assert (await status("/webhook", {SECRET_HEADER: "the-shared-secret-value"}))[0] == 200
        assert (await status("/health", body=None))[0] == 200  # monitoring stays open
        assert (await status("/health"))[0] == 401  # but only as a GET
        code, body = await status("/boom", {SECRET_HEADER: "the-shared-secret-value"})
        assert code == 500 and b"secret detail" not in body and b"{}" not in body  # no echo of error or body
    finally:
        server.close()
        await server.wait_closed()


def test_server_logs_rotate_with_the_settings(tmp_path: Path) -> None:
    settings = replace(load_settings({"MANABI_LOG_MAX_BYTES": "4096", "MANABI_LOG_BACKUPS": "2"}), log_dir=tmp_path)
    rasa = launcher.rasa_server(settings, {}, Path("m.tar.gz"))
    assert (rasa.log_max_bytes, rasa.log_backups, rasa.log_path) == (4096, 2, tmp_path / "rasa.log")
    with pytest.raises(ValueError, match="MANABI_LOG_MAX_BYTES"):
        load_settings({"MANABI_LOG_MAX_BYTES": "lots"})

"""The web chat channel's parts: its settings, the signed cookie and trusted header, the history."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.channels.web import identity
from bot.channels.web.config import WebConfigError, WebSettings
from bot.channels.web.messages import bot_message, history

SECRET = "s" * 40


def request(ip: str = "127.0.0.1", cookies: dict | None = None, headers: dict | None = None) -> SimpleNamespace:
    return SimpleNamespace(ip=ip, cookies=cookies or {}, headers=headers or {})


def test_settings_from_credentials_with_environment_values():
    env = {"MANABI_WEB_SECRET": SECRET, "H": "X-Remote-User", "P": "10.0.0.5, 10.1.0.0/24"}
    settings = WebSettings.from_credentials(
        {
            "session_secret": "${MANABI_WEB_SECRET}",
            "trusted_header": "${H}",
            "trusted_proxies": "${P}",
            "max_chars": "${MANABI_WEB_MAX_CHARS:-300}",
        },
        env,
    )
    assert settings.secret == SECRET.encode() and settings.max_chars == 300 and not settings.secret_generated
    assert settings.is_trusted_proxy("10.1.0.77") and not settings.is_trusted_proxy("10.2.0.1")
    assert WebSettings.from_credentials({}, {}).secret_generated  # a secret is made per process


@pytest.mark.parametrize(
    "credentials",
    [
        {"session_secret": "short"},
        {"session_secret": SECRET, "trusted_header": "X-Remote-User"},  # a header without proxies
        {"session_secret": SECRET, "trusted_header": "Bad Header", "trusted_proxies": "10.0.0.1"},
        {"session_secret": SECRET, "trusted_header": "X-U", "trusted_proxies": "proxy.example"},
        {"session_secret": SECRET, "max_chars": "5"},
    ],
)
def test_invalid_settings_are_refused(credentials):
    with pytest.raises(WebConfigError):
        WebSettings.from_credentials(credentials, {})


def test_a_new_browser_gets_a_signed_cookie_that_identifies_it_later():
    settings = WebSettings(secret=SECRET.encode())
    first = identity.identify(request(), settings)
    assert first.sender_id.startswith("web:") and first.new_cookie
    again = identity.identify(request(cookies={identity.COOKIE: first.new_cookie}), settings)
    assert again.sender_id == first.sender_id and again.new_cookie is None


def test_a_forged_or_foreign_cookie_is_not_accepted():
    settings = WebSettings(secret=SECRET.encode())
    browser_id = "a" * 24
    forged = f"{browser_id}.{'A' * 43}"
    other = identity.sign(b"another-secret-of-some-other-server", browser_id)
    for value in (forged, other, browser_id, "x.y.z", ""):
        who = identity.identify(request(cookies={identity.COOKIE: value}), settings)
        assert who.sender_id != f"web:{browser_id}" and who.new_cookie


def test_the_trusted_header_counts_only_from_the_proxy():
    settings = WebSettings(
        secret=SECRET.encode(),
        trusted_header="X-Remote-User",
        trusted_proxies=WebSettings.from_credentials(
            {"session_secret": SECRET, "trusted_header": "X-U", "trusted_proxies": "10.0.0.5"}, {}
        ).trusted_proxies,
    )
    headers = {"X-Remote-User": "Tanaka.T"}
    assert identity.identify(request("10.0.0.5", headers=headers), settings).sender_id == "web-user:tanaka.t"
    assert identity.identify(request("10.0.0.6", headers=headers), settings).sender_id.startswith("web:")
    odd = {"X-Remote-User": "<script>"}
    assert identity.identify(request("10.0.0.5", headers=odd), settings).sender_id.startswith("web:")


def test_card_messages_carry_their_buttons_once():
    message = bot_message(
        {
            "text": "補助額は3,750円",
            "buttons": [{"title": "勉強法", "payload": "/ask_study_tips"}],
            "custom": {
                "card": {
                    "title": "補助",
                    "facts": [["補助額", "3,750円"]],
                    "buttons": [{"title": "勉強法", "payload": "/ask_study_tips"}],
                }
            },
        },
        "m#0",
    )
    assert message["buttons"] == [] and message["card"]["buttons"] == [
        {"title": "勉強法", "payload": "/ask_study_tips"}
    ]
    assert bot_message({"custom": {"card": {"note": ""}}}, None)["card"] is None


def test_history_shows_the_session_without_the_hidden_greeting():
    events = [
        UserUttered("/greet", message_id="g"),
        ActionExecuted("utter_greet"),
        BotUttered("こんにちは"),
        UserUttered("/ask_study_tips", message_id="b", metadata={"display_text": "勉強法を見る"}),
        ActionExecuted("action_study_tips"),
        BotUttered("勉強法です"),
        UserUttered("ありがとう", message_id="t"),
        BotUttered(""),  # an empty message keeps its number but is not shown
        BotUttered("どういたしまして"),
    ]
    shown = history(events)
    assert [(m["role"], m.get("id"), m["text"]) for m in shown] == [
        ("bot", "g#0", "こんにちは"),
        ("user", None, "勉強法を見る"),
        ("bot", "b#0", "勉強法です"),
        ("user", None, "ありがとう"),
        ("bot", "t#1", "どういたしまして"),
    ]


@pytest.mark.parametrize(
    ("env", "mounted"),
    [({}, True), ({"MANABI_OFFICE_ENABLED": "0"}, False), ({"MANABI_OFFICE_PORT": "5100"}, False)],
)
def test_the_rasa_server_serves_the_console_unless_it_is_off_or_has_its_own_port(monkeypatch, tmp_path, env, mounted):
    from bot.channels.web.channel import _office_console

    monkeypatch.delenv("MANABI_OFFICE_ENABLED", raising=False)
    monkeypatch.delenv("MANABI_OFFICE_PORT", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert (_office_console() is not None) is mounted

"""Settings from credentials.yml: ${ENV} expansion, defaults, validation."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import rasa.shared.utils.io
from rasa.shared.utils.common import class_from_module_path

from bot.channels.teams import TeamsInput
from bot.channels.teams.config import (
    DEFAULT_ISSUERS,
    DEFAULT_SERVICE_HOSTS,
    TeamsConfigError,
    TeamsSettings,
    expand_env,
)
from bot.devtools.fake_botframework import APP_ID, TENANT_ID

ENV = {
    "MANABI_TEAMS_APP_ID": APP_ID,
    "MANABI_TEAMS_APP_PASSWORD": "s3cret-value",
    "MANABI_TEAMS_TENANT_ID": TENANT_ID,
}

ROOT = Path(__file__).resolve().parents[2]


def documented_credentials_block() -> str:
    """The credentials.yml snippet of docs/teams.md (the one the lead merges)."""
    text = (ROOT / "docs" / "teams.md").read_text(encoding="utf-8")
    match = re.search(r"```yaml\n(bot\.channels\.teams\.TeamsInput:\n.*?)```", text, re.DOTALL)
    assert match, "docs/teams.md has no credentials.yml block"
    return match.group(1)


def settings(environ: dict[str, str] = ENV, **values: object) -> TeamsSettings:
    block = {
        "app_id": "${MANABI_TEAMS_APP_ID}",
        "app_password": "${MANABI_TEAMS_APP_PASSWORD}",
        "tenant_id": "${MANABI_TEAMS_TENANT_ID}",
        **values,
    }
    return TeamsSettings.from_credentials(block, environ)


def test_expand_env_plain_default_and_unset() -> None:
    env = {"A": "x", "EMPTY": ""}
    assert expand_env("${A}", env) == "x"
    assert expand_env("pre-${A}-post", env) == "pre-x-post"
    assert expand_env("${MISSING}", env) == ""
    assert expand_env("${MISSING:-fallback}", env) == "fallback"
    assert expand_env("${EMPTY:-fallback}", env) == "fallback"
    assert expand_env("no variables", env) == "no variables"


def test_defaults_are_microsofts_public_cloud() -> None:
    s = settings()
    assert s.configured
    assert s.openid_metadata_url == "https://login.botframework.com/v1/.well-known/openidconfiguration"
    assert s.token_url == f"https://login.microsoftonline.com/{TENANT_ID}/oauth2/v2.0/token"
    assert s.token_scope == "https://api.botframework.com/.default"
    assert s.allowed_issuers == DEFAULT_ISSUERS == ("https://api.botframework.com",)
    assert "*.botframework.com" in s.allowed_service_hosts
    assert "smba.trafficmanager.net" in s.allowed_service_hosts
    assert s.allowed_service_hosts == DEFAULT_SERVICE_HOSTS
    assert s.personal_buttons == "card"


def test_single_tenant_bot_only_serves_its_tenant_by_default() -> None:
    assert settings().allowed_tenants == (TENANT_ID,)
    assert settings(allowed_tenants="a-b, c-d").allowed_tenants == ("a-b", "c-d")


def test_any_tenant_is_no_longer_possible() -> None:
    """Issue 11: '*' (advised for Azure's Web Chat test) let any tenant's users in."""
    with pytest.raises(TeamsConfigError, match="cannot be '\\*'"):
        settings(allowed_tenants="*")


def test_multi_tenant_bot_must_list_its_tenants() -> None:
    multi = {**ENV, "MANABI_TEAMS_TENANT_ID": "botframework.com"}
    with pytest.raises(TeamsConfigError, match="allowed_tenants"):
        settings(multi)
    s = settings(multi, allowed_tenants=TENANT_ID)
    assert s.token_url.endswith("/botframework.com/oauth2/v2.0/token")
    assert s.allowed_tenants == (TENANT_ID,)


def test_lists_from_yaml_lists_or_env_strings() -> None:
    s = settings(
        allowed_issuers=["https://a.example", "https://b.example"],
        allowed_service_hosts="smba.trafficmanager.net *.Example.org",
    )
    assert s.allowed_issuers == ("https://a.example", "https://b.example")
    assert s.allowed_service_hosts == ("smba.trafficmanager.net", "*.example.org")


def test_secret_is_not_in_repr() -> None:
    assert "s3cret-value" not in repr(settings())


def test_without_app_id_the_channel_is_unconfigured_not_an_error() -> None:
    s = TeamsSettings.from_credentials({"app_id": "${UNSET_VAR}"}, {})
    assert not s.configured


@pytest.mark.parametrize(
    "environ, values, message",
    [
        ({**ENV, "MANABI_TEAMS_APP_PASSWORD": ""}, {}, "app_password"),
        ({**ENV, "MANABI_TEAMS_APP_ID": "not-a-guid"}, {}, "app_id"),
        ({**ENV, "MANABI_TEAMS_TENANT_ID": ""}, {}, "tenant_id"),
        (ENV, {"login_base": "http://login.example.com"}, "login_base"),
        (ENV, {"openid_metadata_url": "ftp://x"}, "openid_metadata_url"),
        (ENV, {"openid_metadata_url": "https://user:pw@login.example.com/x"}, "openid_metadata_url"),
        (ENV, {"allowed_service_hosts": "bad host!"}, "service host"),
        (ENV, {"personal_buttons": "carousel"}, "personal_buttons"),
        (ENV, {"key_retry_seconds": "soon"}, "key_retry_seconds"),
        (ENV, {"unknown_option": "x"}, "unknown setting"),
    ],
)
def test_invalid_settings_are_rejected_at_startup(environ: dict, values: dict, message: str) -> None:
    with pytest.raises(TeamsConfigError, match=message):
        settings(environ, **values)


def test_http_is_allowed_to_loopback_only() -> None:
    s = settings(login_base="http://127.0.0.1:9999/", openid_metadata_url="http://localhost:1/x")
    assert s.login_base == "http://127.0.0.1:9999"


def test_documented_credentials_block_loads_through_rasa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("MANABI_TEAMS_")]:
        monkeypatch.delenv(name)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "credentials.yml"
    path.write_text(documented_credentials_block(), encoding="utf-8")
    ((channel_path, block),) = rasa.shared.utils.io.read_config_file(str(path)).items()

    # what rasa.core.run._create_single_channel does with a custom channel
    channel = class_from_module_path(channel_path).from_credentials(block)  # no network access here

    assert isinstance(channel, TeamsInput) and channel.name() == "teams"

    assert channel.settings.app_id == APP_ID
    assert channel.settings.openid_metadata_url.startswith("https://login.botframework.com/")
    assert channel.settings.allowed_tenants == (TENANT_ID,)
    assert not channel.keys.loaded


def test_the_documented_block_is_the_one_production_uses() -> None:
    import yaml

    production = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    documented = yaml.safe_load(documented_credentials_block())
    assert documented == {"bot.channels.teams.TeamsInput": production["bot.channels.teams.TeamsInput"]}

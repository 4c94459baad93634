"""Settings of the Teams channel, read from the ``credentials.yml`` block of ``TeamsInput``.

Values may be written as ``"${ENV_VAR}"`` or ``"${ENV_VAR:-default}"``. Quote them in YAML: Rasa
expands unquoted ``${…}`` itself and refuses to start when such a variable is unset, whereas a
quoted value reaches us verbatim and an unset optional variable simply falls back to its default.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, TypeVar, get_type_hints
from urllib.parse import urlsplit

from rasa.shared.exceptions import RasaException

DEFAULT_OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
DEFAULT_LOGIN_BASE = "https://login.microsoftonline.com"
DEFAULT_TOKEN_SCOPE = "https://api.botframework.com/.default"
DEFAULT_ISSUERS = ("https://api.botframework.com",)
# Public cloud (*.botframework.com, smba.trafficmanager.net/{amer,emea,apac,…}) and the Teams
# government clouds (GCC, GCC High, DoD), which use their own smba.infra.* hosts.
DEFAULT_SERVICE_HOSTS = (
    "*.botframework.com",
    "smba.trafficmanager.net",
    "smba.infra.gcc.teams.microsoft.com",
    "smba.infra.gov.teams.microsoft.us",
    "smba.infra.dod.teams.microsoft.us",
)
MULTI_TENANT = "botframework.com"
BUTTON_STYLES = ("card", "suggested")

_ENV_PATTERN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")
_HOST = re.compile(r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")
_LOOPBACK_NAMES = {"localhost"}


class TeamsConfigError(RasaException):
    """The ``TeamsInput`` block of credentials.yml is invalid."""


def expand_env(value: str, environ: Mapping[str, str] | None = None) -> str:
    """Expands ``${VAR}`` and ``${VAR:-default}``; an unset or empty variable gives the default or ''."""
    env = os.environ if environ is None else environ

    def substitute(match: re.Match) -> str:
        return env.get(match.group(1)) or (match.group(2) or "")

    return _ENV_PATTERN.sub(substitute, value)


def is_guid(value: str) -> bool:
    """True for a GUID such as a Microsoft App ID or an Entra tenant id."""
    return bool(_GUID.match(value))


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost (the only hosts plain http is allowed to)."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(name: str, url: str) -> str:
    """Returns ``url`` if it is https (or http to a loopback host, for local tests); raises otherwise."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host))
    if not host or not secure or parts.username or parts.password:
        raise TeamsConfigError(f"Teams channel: '{name}' must be an https URL, got '{url}'.")
    return url.rstrip("/")


def _as_list(raw: Any) -> tuple[str, ...]:
    """A YAML list or a comma/space separated string (what an env variable can hold)."""
    if raw is None:
        return ()
    items: Iterable[Any] = raw if isinstance(raw, (list, tuple)) else re.split(r"[,\s]+", str(raw))
    return tuple(str(item).strip() for item in items if str(item).strip())


@dataclass(frozen=True)
class SigningKeyPolicy:
    """How the Bot Connector's signing keys are cached and fetched again (see ``auth.KeyStore``)."""

    key_refresh_seconds: float = 24 * 3600
    key_max_age_seconds: float = 5 * 24 * 3600
    key_wait_seconds: float = 5
    unknown_kid_refresh_seconds: float = 300
    key_retry_seconds: float = 10


@dataclass(frozen=True)
class SendPolicy:
    """How often and how patiently a reply is sent again (see ``connector.ConnectorClient``)."""

    send_attempts: int = 4
    retry_base_delay: float = 0.5
    max_retry_after: float = 30


@dataclass(frozen=True)
class AdmissionLimits:
    """Admission control (bot/channels/teams/admission.py): accepted turns waiting or running, per
    sender and in all; turns run at once; Retry-After of a 503; how long a stopping server finishes
    the turns it acknowledged."""

    max_pending_turns: int = 256
    max_turns_per_sender: int = 10
    concurrent_turns: int = 16
    busy_retry_after: float = 5
    drain_seconds: float = 60


_Group = TypeVar("_Group", SigningKeyPolicy, SendPolicy, AdmissionLimits)


@dataclass(frozen=True)
class TeamsSettings:
    """Validated settings of the Teams channel. ``app_password`` is never shown in repr/logs."""

    app_id: str = ""
    app_password: str = field(default="", repr=False)
    tenant_id: str = ""
    openid_metadata_url: str = DEFAULT_OPENID_METADATA_URL
    login_base: str = DEFAULT_LOGIN_BASE
    token_scope: str = DEFAULT_TOKEN_SCOPE
    allowed_issuers: tuple[str, ...] = DEFAULT_ISSUERS
    allowed_service_hosts: tuple[str, ...] = DEFAULT_SERVICE_HOSTS
    # Tenants whose users may talk to the bot; never empty in a configured channel (see validate).
    allowed_tenants: tuple[str, ...] = ()
    personal_buttons: str = "card"
    welcome_payload: str = "/greet"
    http_timeout: float = 10
    # Groups of numeric settings, each read by one part of the channel. In credentials.yml their
    # fields are written flat, by name (``key_wait_seconds: 2``, not nested under ``signing_keys``).
    signing_keys: SigningKeyPolicy = SigningKeyPolicy()
    sending: SendPolicy = SendPolicy()
    admission: AdmissionLimits = AdmissionLimits()

    @classmethod
    def _setting_names(cls) -> set[str]:
        """The keys a credentials.yml block may hold: every field, a group's fields instead of the group."""
        names: set[str] = set()
        for setting in fields(cls):
            if is_dataclass(setting.default):
                names.update(f.name for f in fields(setting.default))
            else:
                names.add(setting.name)
        return names

    @property
    def configured(self) -> bool:
        """False when no app id is set: the channel then answers 503 to everything."""
        return bool(self.app_id)

    @property
    def token_url(self) -> str:
        """The client-credentials endpoint of our tenant (or the multi-tenant botframework.com)."""
        return f"{self.login_base}/{self.tenant_id}/oauth2/v2.0/token"

    @classmethod
    def from_credentials(
        cls, credentials: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None
    ) -> TeamsSettings:
        """Builds settings from the credentials.yml block, expanding ``${ENV}`` and validating."""
        raw = {
            key: expand_env(value, environ) if isinstance(value, str) else value
            for key, value in (credentials or {}).items()
        }
        unknown = set(raw) - cls._setting_names()
        if unknown:
            raise TeamsConfigError(f"Teams channel: unknown setting(s) {sorted(unknown)}.")
        defaults = cls()

        def text(key: str) -> str:
            value = raw.get(key)
            return str(value).strip() if value not in (None, "") else getattr(defaults, key)

        def number(key: str, default: float) -> float:
            value = raw.get(key)
            try:
                return float(str(value).strip() if value not in (None, "") else default)
            except ValueError:
                raise TeamsConfigError(f"Teams channel: '{key}' must be a number.") from None

        def group(kind: type[_Group]) -> _Group:
            """One group of numeric settings; a field typed ``int`` takes whole numbers."""
            default, types = kind(), get_type_hints(kind)
            values: dict[str, Any] = {}
            for setting in fields(kind):
                value = number(setting.name, getattr(default, setting.name))
                values[setting.name] = int(value) if types[setting.name] is int else value
            return kind(**values)

        def hosts(key: str) -> tuple[str, ...]:
            return tuple(h.lower() for h in _as_list(raw.get(key))) or getattr(defaults, key)

        tenant_id = text("tenant_id")
        tenants = _as_list(raw.get("allowed_tenants"))
        if "*" in tenants:
            raise TeamsConfigError(
                "Teams channel: 'allowed_tenants' cannot be '*'. List the Entra tenant ids whose users may use "
                "the bot: the sender id is only trustworthy within them (Azure's 'Test in Web Chat' is not "
                "Teams and is not supported; test in Teams)."
            )
        if not tenants and is_guid(tenant_id):
            tenants = (tenant_id,)  # a single-tenant bot serves its own tenant unless told otherwise
        settings = cls(
            app_id=text("app_id"),
            app_password=text("app_password"),
            tenant_id=tenant_id,
            openid_metadata_url=check_url("openid_metadata_url", text("openid_metadata_url")),
            login_base=check_url("login_base", text("login_base")),
            token_scope=text("token_scope"),
            allowed_issuers=_as_list(raw.get("allowed_issuers")) or defaults.allowed_issuers,
            allowed_service_hosts=hosts("allowed_service_hosts"),
            allowed_tenants=tenants,
            personal_buttons=text("personal_buttons").lower(),
            welcome_payload=text("welcome_payload"),
            http_timeout=number("http_timeout", defaults.http_timeout),
            signing_keys=group(SigningKeyPolicy),
            sending=group(SendPolicy),
            admission=group(AdmissionLimits),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raises TeamsConfigError on settings that cannot work. An unconfigured channel is valid."""
        if self.personal_buttons not in BUTTON_STYLES:
            raise TeamsConfigError(f"Teams channel: 'personal_buttons' must be one of {BUTTON_STYLES}.")
        for host in self.allowed_service_hosts:
            if not _HOST.match(host):
                raise TeamsConfigError(f"Teams channel: invalid service host '{host}'.")
        if self.sending.send_attempts < 1:
            raise TeamsConfigError("Teams channel: 'send_attempts' must be at least 1.")
        if not self.configured:
            return
        if not is_guid(self.app_id):
            raise TeamsConfigError("Teams channel: 'app_id' must be the bot's Microsoft App ID (a GUID).")
        if not self.app_password:
            raise TeamsConfigError("Teams channel: 'app_password' (the client secret) is not set.")
        if not _TENANT.match(self.tenant_id):
            raise TeamsConfigError(
                "Teams channel: 'tenant_id' must be your Entra tenant id "
                f"(or '{MULTI_TENANT}' for a legacy multi-tenant bot)."
            )
        if not self.token_scope.startswith("https://"):
            raise TeamsConfigError("Teams channel: 'token_scope' must be an https scope.")
        if not self.allowed_tenants:
            raise TeamsConfigError(
                "Teams channel: 'allowed_tenants' is empty. A multi-tenant bot must list the tenants it serves "
                "(MANABI_TEAMS_ALLOWED_TENANTS)."
            )
        for tenant in self.allowed_tenants:
            if not _TENANT.match(tenant):
                raise TeamsConfigError(f"Teams channel: invalid tenant id in 'allowed_tenants': {tenant[:64]!r}.")
        for key in ("max_pending_turns", "max_turns_per_sender", "concurrent_turns"):
            if getattr(self.admission, key) < 1:
                raise TeamsConfigError(f"Teams channel: '{key}' must be at least 1.")

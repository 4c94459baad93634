"""A fake Bot Framework service on 127.0.0.1 for offline tests of the Teams channel.

It plays every Microsoft endpoint the channel talks to:

* OpenID metadata (``/v1/.well-known/openidconfiguration``) and the JWKS (``/v1/.well-known/keys``)
  with a test RSA key endorsed for ``msteams``; can be switched off (``openid_available``) or made
  to hang without answering, like a host that drops packets (``metadata_hangs``).
* The Entra token endpoint (``/{tenant}/oauth2/v2.0/token``): checks the client credentials,
  records each request, issues random tokens; ``token_failure`` makes it fail.
* The connector (``{serviceUrl}v3/conversations/{id}/activities[/{replyToId}]``): records every
  activity, when it arrived and whether it carried one of the issued tokens; ``connector_script``
  scripts answers (of any conversation), ``conversation_scripts`` those of one conversation,
  ``blocked`` conversations answer 403 like a user who blocked the bot, ``delay_seconds`` slows every
  answer (a connector far away).
* Creating a conversation (``POST {serviceUrl}v3/conversations``, proactive messages): records the
  request and answers a new personal conversation id; ``not_installed`` members get 403.

Tests sign activities with ``fake.sign(...)``. Reusable from other test packages::

    from bot.devtools.fake_botframework import FakeBotFramework

    async with FakeBotFramework() as fake:
        env = fake.environment()        # MANABI_TEAMS_* for a Rasa subprocess (docs/teams.md)
        activity = fake.message("ITパスポートの補助はいくら？")
        status, _ = await fake.post_activity(rasa_webhook_url, activity)
        replies = await fake.wait_for_messages(1)
"""

from __future__ import annotations

import asyncio
import io
import json
import secrets
import threading
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.settings import http_url

APP_ID = "0f5a9c1e-3b7d-4e2a-9c4f-6d8e1a2b3c4d"
APP_PASSWORD = "test-only-secret"  # not a real secret
TENANT_ID = "7c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5"
OTHER_TENANT_ID = "99999999-8888-4777-8666-555555555555"
BOT_ID = f"28:{APP_ID}"
BOT_NAME = "まなびアシスタント"
ISSUER = "https://api.botframework.com"
SCOPE = "https://api.botframework.com/.default"
USER_AAD_ID = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
USER_NAME = "山田 花子"

HOST = "127.0.0.1"  # where the fake listens; also the only service host the channel may send to
METADATA_PATH = "/v1/.well-known/openidconfiguration"
JWKS_PATH = "/v1/.well-known/keys"

_KEY_CACHE: list[rsa.RSAPrivateKey] = []


class ManualClock:
    """A monotonic clock the test moves by hand (``clock.now += 3600``)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def rsa_key(index: int = 0) -> rsa.RSAPrivateKey:
    """A test RSA key; generated once per process (generation is the slow part)."""
    while len(_KEY_CACHE) <= index:
        _KEY_CACHE.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return _KEY_CACHE[index]


@dataclass
class PublishedKey:
    """A key in the fake JWKS."""

    kid: str
    private_key: rsa.RSAPrivateKey
    endorsements: list[str] = field(default_factory=lambda: ["msteams"])

    def jwk(self) -> dict[str, Any]:
        data = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {**data, "kid": self.kid, "use": "sig", "endorsements": list(self.endorsements)}


@dataclass
class Recorded:
    """One POST that reached the fake connector."""

    conversation_id: str
    reply_to_id: str | None
    activity: dict[str, Any]
    authorized: bool
    accepted: bool
    at: float = field(default_factory=time.monotonic)  # when it arrived (monotonic seconds)
    status: int = 201


class FakeBotFramework:
    """The fake service; start with ``await fake.start()`` or ``async with FakeBotFramework()``."""

    def __init__(self, app_id: str = APP_ID, tenant_id: str = TENANT_ID, app_password: str = APP_PASSWORD) -> None:
        self.app_id, self.tenant_id, self.app_password = app_id, tenant_id, app_password
        self.keys = [PublishedKey("test-key-1", rsa_key(0))]
        self.openid_available = True
        self.metadata_hangs = False
        self._stopping = asyncio.Event()
        self.token_failure: int | None = None  # HTTP status the token endpoint fails with
        self.token_lifetime = 3600
        # (status, Retry-After) answers the connector gives before accepting again
        self.connector_script: list[tuple[int, str | None]] = []
        self.metadata_requests = 0
        self.jwks_requests = 0
        self.token_requests: list[dict[str, str]] = []
        self.issued_tokens: set[str] = set()
        self.received: list[Recorded] = []
        self.conversation_scripts: dict[str, list[tuple[int, str | None]]] = {}
        self.blocked: set[str] = set()
        self.delay_seconds = 0.0
        self.created: list[dict[str, Any]] = []  # bodies of POST /v3/conversations
        self.not_installed: set[str] = set()  # member ids whose conversation cannot be created (403)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------------
    async def start(self) -> FakeBotFramework:
        app = web.Application()
        app.router.add_get(METADATA_PATH, self._metadata)
        app.router.add_get(JWKS_PATH, self._jwks)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_post(r"/{prefix:.*}v3/conversations", self._create_conversation)
        app.router.add_post(r"/{prefix:.*}v3/conversations/{conversation}/activities", self._activity)
        app.router.add_post(r"/{prefix:.*}v3/conversations/{conversation}/activities/{reply_to}", self._activity)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        self._stopping.set()  # releases hanging metadata requests
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotFramework:
        return await self.start()

    async def __aexit__(self, *_: Any) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return http_url(HOST, self.port)

    @property
    def service_url(self) -> str:
        """Like Teams' ``https://smba.trafficmanager.net/amer/`` (a path, trailing slash)."""
        return f"{self.base_url}/amer/"

    @property
    def metadata_url(self) -> str:
        return self.base_url + METADATA_PATH

    # ---- configuration for the channel -----------------------------------------------------
    def credentials(self, **overrides: Any) -> dict[str, Any]:
        """A credentials.yml block for TeamsInput.from_credentials pointing at this fake."""
        values: dict[str, Any] = {
            "app_id": self.app_id,
            "app_password": self.app_password,
            "tenant_id": self.tenant_id,
            "openid_metadata_url": self.metadata_url,
            "login_base": self.base_url,
            "allowed_service_hosts": HOST,
            "key_retry_seconds": 0,
            "retry_base_delay": 0.01,
        }
        values.update(overrides)
        return values

    def environment(self) -> dict[str, str]:
        """MANABI_TEAMS_* variables for a Rasa subprocess using the documented credentials block."""
        return {
            "MANABI_TEAMS_APP_ID": self.app_id,
            "MANABI_TEAMS_APP_PASSWORD": self.app_password,
            "MANABI_TEAMS_TENANT_ID": self.tenant_id,
            "MANABI_TEAMS_OPENID_METADATA_URL": self.metadata_url,
            "MANABI_TEAMS_LOGIN_BASE": self.base_url,
            "MANABI_TEAMS_ALLOWED_SERVICE_HOSTS": HOST,
        }

    # ---- signing ---------------------------------------------------------------------------
    def add_key(self, kid: str, endorsements: list[str] | None = None, index: int = 1) -> PublishedKey:
        """Publishes another key (as after a key rotation)."""
        key = PublishedKey(kid, rsa_key(index), ["msteams"] if endorsements is None else endorsements)
        self.keys.append(key)
        return key

    def sign(
        self,
        activity: dict[str, Any] | None = None,
        *,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        algorithm: str = "RS256",
        **claims: Any,
    ) -> str:
        """A connector token for ``activity``; claim overrides given as None are left out."""
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": ISSUER,
            "aud": self.app_id,
            "nbf": now - 5,
            "iat": now - 5,
            "exp": now + 3600,
            "serviceurl": (activity or {}).get("serviceUrl", self.service_url),
        }
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        signing_key = key or self.keys[0].private_key
        return str(jwt.encode(payload, signing_key, algorithm=algorithm, headers={"kid": kid or self.keys[0].kid}))

    # ---- activities ------------------------------------------------------------------------
    def activity(self, kind: str, conversation_type: str = "personal", **fields: Any) -> dict[str, Any]:
        """A Teams activity of type ``kind`` from the test user to the bot."""
        conversation_id = fields.pop("conversation_id", None) or (
            f"a:{uuid.uuid4().hex}" if conversation_type == "personal" else f"19:{uuid.uuid4().hex}@thread.v2"
        )
        tenant = fields.pop("tenant_id", self.tenant_id)
        base: dict[str, Any] = {
            "type": kind,
            "id": fields.pop("id", None) or str(int(time.time() * 1000) + secrets.randbelow(10**6)),
            "timestamp": "2026-11-24T01:02:03.456Z",
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": {"id": "29:user-1", "name": USER_NAME, "aadObjectId": USER_AAD_ID},
            "conversation": {"id": conversation_id, "conversationType": conversation_type, "tenantId": tenant},
            "recipient": {"id": BOT_ID, "name": BOT_NAME},
            "channelData": {"tenant": {"id": tenant}},
            "locale": "ja-JP",
        }
        base.update(fields)
        return base

    def message(self, text: str, conversation_type: str = "personal", **fields: Any) -> dict[str, Any]:
        """A user's text message."""
        return self.activity("message", conversation_type, text=text, textFormat="plain", **fields)

    def mention(self, text: str, conversation_type: str = "groupChat", **fields: Any) -> dict[str, Any]:
        """A group-chat/channel message that @mentions the bot first, as Teams sends it."""
        at = f"<at>{BOT_NAME}</at>"
        entity = {"type": "mention", "text": at, "mentioned": {"id": BOT_ID, "name": BOT_NAME}}
        return self.message(f"{at} {text}", conversation_type, entities=[entity], **fields)

    def submit(self, payload: str, conversation_type: str = "personal", **fields: Any) -> dict[str, Any]:
        """A click on an Adaptive Card Action.Submit of ours: empty text, the payload in ``value``."""
        return self.activity("message", conversation_type, text="", value={"manabi_payload": payload}, **fields)

    def install(self, conversation_type: str = "personal", **fields: Any) -> dict[str, Any]:
        """The installationUpdate Teams sends when the app is added."""
        return self.activity("installationUpdate", conversation_type, action="add", **fields)

    def bot_added(self, conversation_type: str = "personal", **fields: Any) -> dict[str, Any]:
        """The conversationUpdate announcing that the bot joined the conversation."""
        return self.activity("conversationUpdate", conversation_type, membersAdded=[{"id": BOT_ID}], **fields)

    async def post_activity(
        self, url: str, activity: Any, token: str | None = "sign", headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """POSTs ``activity`` (dict, or raw bytes) to a webhook, signed unless ``token`` is None/given."""
        body = activity if isinstance(activity, bytes) else json.dumps(activity, ensure_ascii=False).encode()
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if token == "sign":
            token = self.sign(activity if isinstance(activity, dict) else None)
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, headers=all_headers, data=io.BytesIO(body)) as response,
        ):
            try:
                return response.status, await response.json(content_type=None)
            except ValueError:
                return response.status, None

    # ---- what arrived ----------------------------------------------------------------------
    def sent(self, kind: str | None = "message") -> list[dict[str, Any]]:
        """Activities the connector accepted (of ``kind``; all kinds if None), in arrival order."""
        return [r.activity for r in self.received if r.accepted and (kind is None or r.activity.get("type") == kind)]

    async def wait_for_messages(
        self, count: int, timeout: float = 5, kind: str | None = "message"
    ) -> list[dict[str, Any]]:
        """Waits until ``count`` activities of ``kind`` have arrived; returns them (AssertionError on timeout)."""

        async def enough() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.sent(kind)) >= count)

        try:
            await asyncio.wait_for(enough(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"expected {count} {kind} activities, got {self.sent(kind)}") from None
        return self.sent(kind)

    def replies_to(self, activity_id: str) -> list[dict[str, Any]]:
        """The messages (not typing) delivered in reply to one activity."""
        return [
            r.activity
            for r in self.received
            if r.accepted and r.reply_to_id == activity_id and r.activity.get("type") == "message"
        ]

    async def wait_for_reply(self, activity_id: str, timeout: float = 30) -> list[dict[str, Any]]:
        """Waits until at least one message answers ``activity_id``; returns its replies (AssertionError on timeout)."""

        async def answered() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: bool(self.replies_to(activity_id)))

        try:
            await asyncio.wait_for(answered(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"no reply to activity {activity_id} within {timeout:.0f}s") from None
        return self.replies_to(activity_id)

    # ---- handlers --------------------------------------------------------------------------
    async def _metadata(self, _: web.Request) -> web.Response:
        self.metadata_requests += 1
        if self.metadata_hangs:
            await self._stopping.wait()
        if not self.openid_available:
            return web.json_response({"error": "unavailable"}, status=503)
        return web.json_response(
            {
                "issuer": ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": self.base_url + JWKS_PATH,
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _jwks(self, _: web.Request) -> web.Response:
        self.jwks_requests += 1
        if not self.openid_available:
            return web.json_response({"error": "unavailable"}, status=503)
        return web.json_response({"keys": [key.jwk() for key in self.keys]})

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.token_requests.append({**{k: str(v) for k, v in form.items()}, "tenant": request.match_info["tenant"]})
        if self.token_failure is not None:
            return web.json_response(
                {"error": "temporarily_unavailable", "error_description": "AADSTS90033: fake outage"},
                status=self.token_failure,
            )
        if request.match_info["tenant"] != self.tenant_id:
            return web.json_response(
                {
                    "error": "unauthorized_client",
                    "error_description": f"AADSTS700016: Application with identifier '{form.get('client_id')}' "
                    "was not found in the directory.",
                },
                status=400,
            )
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret"), form.get("scope")) != (
            "client_credentials",
            self.app_id,
            self.app_password,
            SCOPE,
        ):
            description = "AADSTS7000215: Invalid client secret provided."
            return web.json_response({"error": "invalid_client", "error_description": description}, status=401)
        token = f"fake-access-{secrets.token_hex(16)}"
        self.issued_tokens.add(token)
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": self.token_lifetime,
                "ext_expires_in": self.token_lifetime,
                "access_token": token,
            }
        )

    async def _activity(self, request: web.Request) -> web.Response:
        header = request.headers.get("Authorization", "")
        authorized = header.startswith("Bearer ") and header[7:] in self.issued_tokens
        arrived = time.monotonic()
        try:
            body = await request.json()
        except ValueError:
            body = {}
        conversation = request.match_info["conversation"]
        script = self.conversation_scripts.get(conversation)
        if script:
            status, retry_after = script.pop(0)
        else:
            status, retry_after = (201, None) if not self.connector_script else self.connector_script.pop(0)
        code = "Rejected"
        if conversation in self.blocked:
            status, retry_after, code = 403, None, "ConversationBlockedByUser"
        if not authorized:
            status, retry_after = 401, None
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        async with self._changed:
            self.received.append(
                Recorded(
                    conversation,
                    request.match_info.get("reply_to"),
                    body,
                    authorized,
                    accepted=status < 300,
                    at=arrived,
                    status=status,
                )
            )
            self._changed.notify_all()
        if status >= 300:
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            return web.json_response({"error": {"code": code}}, status=status, headers=headers)
        return web.json_response({"id": f"reply-{len(self.received)}"}, status=status)

    async def _create_conversation(self, request: web.Request) -> web.Response:
        header = request.headers.get("Authorization", "")
        if not (header.startswith("Bearer ") and header[7:] in self.issued_tokens):
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": {"code": "BadArgument"}}, status=400)
        members = body.get("members") if isinstance(body, dict) else None
        member = (
            members[0].get("id") if isinstance(members, list) and members and isinstance(members[0], dict) else None
        )
        if not member or not body.get("tenantId"):
            return web.json_response({"error": {"code": "BadArgument"}}, status=400)
        self.created.append(body)
        if member in self.not_installed:
            return web.json_response({"error": {"code": "Forbidden", "message": "app not installed"}}, status=403)
        return web.json_response({"id": f"a:created-{uuid.uuid4().hex}"}, status=201)

    # ---- measuring what arrived ------------------------------------------------------------
    def arrivals(self, conversation_id: str | None = None) -> list[Recorded]:
        """Accepted activities (of one conversation, or all), in arrival order."""
        return [
            r for r in self.received if r.accepted and (conversation_id is None or r.conversation_id == conversation_id)
        ]

    @staticmethod
    def most_in_window(records: list[Recorded], seconds: float) -> int:
        """The largest number of ``records`` that arrived within any ``seconds`` (a sliding window)."""
        times = sorted(r.at for r in records)
        best, first = 0, 0
        for last, moment in enumerate(times):
            while moment - times[first] >= seconds:
                first += 1
            best = max(best, last - first + 1)
        return best


class FakeInThread:
    """A FakeBotFramework on a private event loop in a background thread, for tests whose own code
    is synchronous (the servers run as subprocesses): ``call`` runs a coroutine there and waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.fake: FakeBotFramework = self.call(FakeBotFramework().start())

    def call(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.call(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    def __enter__(self) -> FakeInThread:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

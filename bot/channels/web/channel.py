"""``WebInput``: the staff web chat at ``/chat`` on the Rasa server (and the office console at ``/office``).

Routes (all on the Rasa server's port, mounted at the root):

* ``GET /chat``: the page (plain HTML/CSS/JS from ``static/``, nothing from elsewhere);
* ``GET /chat/api/history``: the current session's messages with the person's ratings, then the
  messages Manabi sent the person meanwhile (a waitlist promotion, an announcement, a reminder:
  bot/notifications/), shown once;
* ``POST /chat/api/message``: one message (``{"text"}``, or a button's ``{"payload", "title"}``);
  answers ``{"messages": [...]}``, each bot message with its answer id;
* ``POST /chat/api/feedback``: ``{"answer_id", "rating": "up"|"down"|null, "comment"}``.

The API only accepts JSON with the ``X-Manabi-Chat`` header from our own origin (a form on another
site can do neither), and the person is who the signed cookie or the trusted proxy says
(:mod:`bot.channels.web.identity`). Empty, over-long or unusable input gets a polite answer from
here, and so does a turn that produced no message: the page never shows a silent empty reply.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.catalogue.queries import open_catalogue
from bot.channels.buttons import MAX_PAYLOAD_CHARS
from bot.channels.refusal import Refusal
from bot.channels.web import identity, messages
from bot.channels.web.config import WebSettings
from bot.channels.web.output import WebOutput
from bot.clock import clock_from_env
from bot.feedback import answers
from bot.feedback.ratings import conversation_events, rate_answer
from bot.notifications.compose import compose
from bot.settings import load_settings
from bot.state import db as state
from bot.state import feedback as feedback_store
from bot.state import outbox
from bot.state.db import Connection

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 16 * 1024
MAX_TITLE_CHARS = 200
API_HEADER = "X-Manabi-Chat"
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

EMPTY = "メッセージが空のようです。知りたいことを入力してから送信してください。"
NO_ANSWER = (
    "申し訳ありません、いまはお答えを用意できませんでした。言い方を変えてもう一度お試しいただくか、"
    "デジタル行政戦略課へお問い合わせください。"
)
UNAVAILABLE = "申し訳ありません、ただいまアシスタントが応答できません。少し時間をおいてもう一度お試しください。"


def too_long(limit: int) -> str:
    return f"メッセージが長すぎます（{limit}文字まで）。要点を短くまとめて、分けて送ってください。"


def notice(text: str) -> dict[str, Any]:
    """A message from the chat itself (not an answer of the assistant: it cannot be rated)."""
    return {"role": "bot", "id": None, "text": text, "buttons": [], "card": None, "notice": True}


class ApiRefused(Refusal):
    """A refused API call; ``reason`` is the error the page shows."""


class WebInput(InputChannel):
    """The staff chat page and its JSON API; mounts the office console unless it has its own port."""

    @classmethod
    def name(cls) -> str:
        return "web"

    def url_prefix(self) -> str:
        return "/"  # rasa mounts it at urljoin("/webhooks/", "/") = the root: /chat, /office

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebInput:
        return cls(WebSettings.from_credentials(credentials))

    def __init__(self, settings: WebSettings, state_db: Path | str | None = None, office: Any = None) -> None:
        self.settings = settings
        self.state_db = state_db or load_settings().state_location
        self._conn: Connection | None = None
        self._static = {name: (STATIC / name).read_bytes() for name in ("chat.html", "chat.js", "chat.css")}
        self.office = office if office is not None else _office_console()

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            self._conn = state.connect(self.state_db)
        return self._conn

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        web = Blueprint("manabi_web")

        async def page(request: Request) -> HTTPResponse:
            who = identity.identify(request, self.settings)
            body = self._static["chat.html"].decode("utf-8").replace("{{MAX_CHARS}}", str(self.settings.max_chars))
            return identity.set_cookie(response.html(body, headers=PAGE_HEADERS), who, self.settings)

        async def static(request: Request, name: str) -> HTTPResponse:
            content = self._static.get(name)
            if content is None or name == "chat.html":
                return response.json({"error": "not found"}, status=404)
            headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
            return response.raw(content, content_type=STATIC_TYPES[Path(name).suffix], headers=headers)

        async def history(request: Request) -> HTTPResponse:
            return await self._api(request, self._history, check_body=False)

        async def message(request: Request) -> HTTPResponse:
            return await self._api(request, lambda req, who: self._message(req, who, on_new_message))

        async def rate(request: Request) -> HTTPResponse:
            return await self._api(request, self._rate)

        web.add_route(page, "/chat", methods=["GET"], name="chat_page")
        web.add_route(static, "/chat/static/<name>", methods=["GET"], name="chat_static")
        web.add_route(history, "/chat/api/history", methods=["GET"], name="chat_history")
        web.add_route(message, "/chat/api/message", methods=["POST"], name="chat_message")
        web.add_route(rate, "/chat/api/feedback", methods=["POST"], name="chat_feedback")
        if self.office is not None:
            self.office.add_routes(web)
        return web

    # ---- the API -----------------------------------------------------------------------------
    async def _api(
        self,
        request: Request,
        handler: Callable[[Request, identity.Identity], Awaitable[dict[str, Any]]],
        check_body: bool = True,
    ) -> HTTPResponse:
        who = identity.identify(request, self.settings)
        try:
            self._check_request(request, check_body)
            body = await handler(request, who)
            status = 200
        except ApiRefused as refused:
            body, status = {"error": refused.reason}, refused.status
        except Exception:  # never a stack trace for the page
            logger.exception("Web chat: request failed for %s", who.sender_id)
            body, status = {"error": UNAVAILABLE, "messages": [notice(UNAVAILABLE)]}, 500
        resp = response.json(body, status=status, headers={"Cache-Control": "no-store"}, ensure_ascii=False)
        return identity.set_cookie(resp, who, self.settings)

    def _check_request(self, request: Request, check_body: bool) -> None:
        if request.headers.get(API_HEADER) != "1":
            raise ApiRefused(403, "forbidden")
        origin = request.headers.get("Origin")
        if origin is not None and urllib.parse.urlsplit(origin).netloc != request.host:
            raise ApiRefused(403, "forbidden")
        if check_body:
            if not (request.content_type or "").startswith("application/json"):
                raise ApiRefused(415, "JSON only")
            if len(request.body or b"") > MAX_BODY_BYTES:
                raise ApiRefused(413, too_long(self.settings.max_chars))

    @staticmethod
    def _json(request: Request) -> dict[str, Any]:
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise ApiRefused(400, "malformed JSON") from None
        if not isinstance(data, dict):
            raise ApiRefused(400, "malformed JSON")
        return data

    @staticmethod
    def _tracker_store(request: Request) -> Any:
        agent = getattr(request.app.ctx, "agent", None)
        return getattr(agent, "tracker_store", None)

    async def _history(self, request: Request, who: identity.Identity) -> dict[str, Any]:
        events = [] if who.new_cookie else await conversation_events(self._tracker_store(request), who.sender_id, False)
        shown = messages.history(events)
        ratings = feedback_store.ratings_for(self.conn, who.sender_id, [m["id"] for m in shown if m.get("id")])
        for message in shown:
            if message.get("id") in ratings:
                message["rating"] = ratings[message["id"]]["rating"]
        if not who.new_cookie:
            shown += self._notices(who.sender_id)
        return {"messages": shown, "max_chars": self.settings.max_chars}

    def _notices(self, sender_id: str) -> list[dict[str, Any]]:
        """What Manabi sent this person while the page was closed, as notices (not rateable)."""
        now = clock_from_env().now()
        waiting = outbox.web_notices(self.conn, sender_id, now)
        if not waiting:
            return []
        catalogue = open_catalogue(str(load_settings().catalogue_db))
        found, shown, withdrawn = [], [], []
        for message in waiting:
            composed = compose(message, catalogue, self.conn, now.date())
            if composed is None:
                withdrawn.append(message.id)
                continue
            found.append({**messages.bot_message(composed, None), "notice": True, "sent_first": True})
            shown.append(message.id)
        outbox.mark_shown(self.conn, shown, withdrawn, now)
        return found

    async def _message(self, request: Request, who: identity.Identity, on_new_message: OnNewMessage) -> dict[str, Any]:
        data = self._json(request)
        payload, title = data.get("payload"), data.get("title")
        metadata: dict[str, Any] = {"channel": "web", "web": {"identified_by": who.source}}
        if payload is not None:
            if not isinstance(payload, str) or not payload.startswith("/") or len(payload) > MAX_PAYLOAD_CHARS:
                return {"messages": [notice(NO_ANSWER)]}
            text = payload
            if isinstance(title, str) and title.strip():
                metadata["display_text"] = title.strip()[:MAX_TITLE_CHARS]
        else:
            raw = data.get("text")
            text = raw.strip() if isinstance(raw, str) else ""
            if not text:
                return {"messages": [notice(EMPTY)]}
            if len(text) > self.settings.max_chars:
                return {"messages": [notice(too_long(self.settings.max_chars))]}
        message_id = uuid.uuid4().hex
        output = WebOutput()
        await on_new_message(
            UserMessage(
                text, output, who.sender_id, input_channel=self.name(), message_id=message_id, metadata=metadata
            )
        )
        sent = [messages.bot_message(m, answers.answer_id(message_id, i)) for i, m in enumerate(output.messages)]
        shown = [m for m in sent if messages.is_shown(m)]
        return {"messages": shown or [notice(NO_ANSWER)]}

    async def _rate(self, request: Request, who: identity.Identity) -> dict[str, Any]:
        data = self._json(request)
        answer_id, rating, comment = data.get("answer_id"), data.get("rating"), data.get("comment")
        if not isinstance(answer_id, str) or answers.split_answer_id(answer_id) is None:
            raise ApiRefused(400, "この回答は評価できません。")
        if rating is None:
            feedback_store.remove(self.conn, answer_id)
            return {"answer_id": answer_id, "rating": None}
        if rating not in feedback_store.RATINGS or (comment is not None and not isinstance(comment, str)):
            raise ApiRefused(400, "評価を受け付けられませんでした。")
        if isinstance(comment, str) and len(comment) > feedback_store.MAX_COMMENT_CHARS:
            raise ApiRefused(400, f"コメントは{feedback_store.MAX_COMMENT_CHARS}文字までです。")
        events = await conversation_events(self._tracker_store(request), who.sender_id)
        found = rate_answer(
            self.conn,
            events,
            sender_id=who.sender_id,
            answer_id=answer_id,
            rating=rating,
            channel="web",
            comment=comment,
        )
        if found is None:
            raise ApiRefused(404, "この回答は見つかりませんでした。ページを再読み込みしてください。")
        return {"answer_id": answer_id, "rating": rating, "thanks": "ご評価ありがとうございます。"}


def _office_console() -> Any:
    """The office console when the Rasa server serves it (enabled, no port of its own), else None."""
    from bot.office.config import OfficeSettings
    from bot.office.web import console_from_env

    return console_from_env() if OfficeSettings.from_env().on_rasa_server else None

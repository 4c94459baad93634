"""``TeamsInput``: the Rasa input channel for Microsoft Teams (Bot Framework protocol).

``POST /webhooks/teams/webhook`` checks the request (size, channel ``msteams``, token, tenant,
serviceUrl, the sender's ``aadObjectId``, fields), answers at once (202, or 200 for activities that
need no answer and for duplicates) and queues the turn (bot/channels/teams/admission.py: bounded,
one sender's turns in order): a ``typing`` activity first, then Rasa, whose messages are sent back
through the connector. The Bot Framework gives up after 10–15 s, so Rasa must not run inline.
Reactions and Teams' feedback buttons on our answers are stored as ratings (feedback.py); the ids
the connector gives our messages are stored after each turn so that feedback finds its answer.
Every accepted activity keeps what a proactive message to its sender needs (bot/state/conversation_refs.py:
serviceUrl, tenant, the Teams and Entra ids, the personal conversation, the bot's id); removing the
app marks that reference dead.
A message longer than ``MANABI_MAX_MESSAGE_CHARS`` is answered by the channel itself, without Rasa.
Rejections are 400/401/403/413 with a generic body and a rate-limited WARNING log line stating why;
503 (with Retry-After when busy or stopping) means "try again later" and loses nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import WEBHOOK_ROUTE
from bot.channels.message_limits import is_too_long, max_message_chars, no_answer_reply, too_long_reply
from bot.channels.refusal import Refusal
from bot.channels.teams.activities import (
    ActivityError,
    InboundActivity,
    auth_fields,
    parse_activity,
    parse_body,
    tenant_of,
)
from bot.channels.teams.admission import ADMITTED, TurnQueue
from bot.channels.teams.auth import (
    AuthError,
    BotFrameworkAuthenticator,
    KeyStore,
    bearer_token,
    check_channel,
    check_tenant,
)
from bot.channels.teams.config import TeamsSettings
from bot.channels.teams.connector import ConnectorClient, Sleep, is_allowed_service_url
from bot.channels.teams.feedback import TeamsFeedback, feedback_of
from bot.channels.teams.http import HttpClient
from bot.channels.teams.output import ConversationRef, TeamsOutput
from bot.channels.teams.state import TtlMap, bookkeeping
from bot.channels.teams.tokens import TokenProvider
from bot.clock import JST
from bot.feedback.answers import answer_id
from bot.feedback.ratings import conversation_events, rate_answer
from bot.log_limits import RateLimitedLog
from bot.settings import load_settings
from bot.state import conversation_refs
from bot.state import db as state
from bot.state import feedback as feedback_store
from bot.state.db import Connection
from bot.state.db import Error as DbError

logger = logging.getLogger(__name__)
_rejections = RateLimitedLog(logger)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
MAX_BODY_BYTES = 512 * 1024
_PUBLIC_MESSAGES = {
    400: "bad request",
    401: "unauthorized",
    403: "forbidden",
    413: "payload too large",
    503: "teams channel not configured",
}
_BUSY_MESSAGE = "busy, retry later"
_QUOTED = re.compile("['\"]")


def body_too_large(request: Request) -> bool:
    """By the declared Content-Length (Sanic's own limit has refused larger bodies before reading
    them, see bot/rasa_patches/request_size.py) or by what arrived."""
    declared = request.headers.get("content-length", "")
    return (declared.isdigit() and int(declared) > MAX_BODY_BYTES) or len(request.body or b"") > MAX_BODY_BYTES


class Rejection(Refusal):
    """A request we refuse; ``reason`` goes to the log, the caller only sees the status."""


class TeamsInput(InputChannel):
    """Receives Teams activities, checks them as Microsoft requires and replies asynchronously."""

    @classmethod
    def name(cls) -> str:
        """Also the URL prefix: /webhooks/teams/…"""
        return "teams"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TeamsInput:
        """Builds the channel from its credentials.yml block (``${ENV}`` values allowed)."""
        return cls(TeamsSettings.from_credentials(credentials))

    def __init__(self, settings: TeamsSettings, sleep: Sleep = asyncio.sleep, max_chars: int | None = None) -> None:
        # No I/O here: keys and tokens are fetched on first use, so the server starts offline.
        self.settings = settings
        self.max_chars = max_chars or max_message_chars()
        self.http = HttpClient(settings.http_timeout)
        self.keys = KeyStore(settings.openid_metadata_url, self.http, settings.signing_keys)
        self.authenticator = BotFrameworkAuthenticator(settings, self.keys)
        self.tokens = TokenProvider(settings, self.http)
        self.connector = ConnectorClient(settings, self.http, self.tokens, sleep=sleep)
        # Shared by every Rasa server when MANABI_REDIS_URL is set (bot/channels/teams/state.py).
        redis_url = load_settings().redis_url
        self._seen: TtlMap[bool] = bookkeeping("seen", 3600, 20_000, redis_url)
        self._welcomed: TtlMap[bool] = bookkeeping("welcomed", 600, 10_000, redis_url)
        self._suggestions: TtlMap[dict[str, str]] = bookkeeping("suggestions", 86_400, 10_000, redis_url)
        self._queue: TurnQueue | None = None  # created on the server's event loop
        self._tasks: set[asyncio.Task] = set()  # feedback being recorded
        self._state: Connection | None = None
        if not settings.configured:
            logger.warning("Teams channel has no app id configured: every request will get 503.")

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Routes: GET / (health) and POST /webhook; drains turns and closes HTTP on server stop."""
        teams = Blueprint("teams_webhook")

        async def health(_: Request) -> HTTPResponse:
            return response.json(
                {"status": "ok", "configured": self.settings.configured, "signing_keys_loaded": self.keys.loaded}
            )

        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        teams.add_route(health, "/", methods=["GET"])
        teams.add_route(receive, WEBHOOK_ROUTE, methods=["POST"])
        teams.listener("before_server_stop")(self._drain)  # finish what was acknowledged
        teams.listener("after_server_stop")(self._close)
        return teams

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        """The metadata attached to the UserMessage (see InboundActivity.metadata)."""
        try:
            return parse_activity(parse_body(request.body)).metadata()
        except ActivityError:
            return None

    @property
    def queue(self) -> TurnQueue:
        if self._queue is None:
            limits = self.settings.admission
            self._queue = TurnQueue(limits.max_pending_turns, limits.max_turns_per_sender, limits.concurrent_turns)
        return self._queue

    async def handle(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        """Checks one webhook request and queues its turn; never raises, never answers 500."""
        try:
            activity = await self._admit(request)
        except Rejection as rejection:
            _rejections.warning_for(
                # by kind: the quoted part of a reason (a tenant, a channel) is the caller's choice
                ("rejected", rejection.status, _QUOTED.split(rejection.reason, maxsplit=1)[0]),
                "Teams: rejected request from %s with %d: %s",
                request.remote_addr or request.ip,
                rejection.status,
                rejection.reason,
            )
            public = _PUBLIC_MESSAGES.get(rejection.status, "rejected")
            return response.json({"error": public}, status=rejection.status)
        except Exception:  # a bug must not become a 500 with a stack trace for the caller
            logger.exception("Teams: unexpected error while checking a request.")
            return response.json({"error": _PUBLIC_MESSAGES[400]}, status=400)
        # Marked seen now, in one step (SET NX when shared): of two servers given one activity, one answers.
        if not self._seen.add_if_absent(activity.dedupe_key, True):
            logger.info("Teams: ignoring duplicate activity %s.", activity.id)
            return response.json({"status": "duplicate"}, status=200)
        self._remember_reference(activity)
        signal = feedback_of(parse_body(request.body or b""))
        if signal is not None:
            self._start(self._record_feedback(signal, _tracker_store(request)))
            return response.json({} if signal.is_invoke else {"status": "accepted"}, status=200)
        if not self._wants_answer(activity):
            return response.json({"status": "ignored"}, status=200)
        # No await between admitting and answering: a turn is queued if and only if it gets 202.
        outcome = self.queue.admit(activity.sender_id, lambda: self._run_turn(activity, on_new_message))
        if outcome != ADMITTED:
            self._seen.pop(activity.dedupe_key)  # the connector's retry must be answered
            if activity.is_welcome:
                self._welcomed.pop(activity.conversation_id)  # the retry must still welcome
            _rejections.warning_for(
                ("busy", outcome),
                "Teams: answering 503 (%s) to activity %s; the connector retries.",
                outcome,
                activity.id,
            )
            retry_after = str(max(1, round(self.settings.admission.busy_retry_after)))
            return response.json({"error": _BUSY_MESSAGE}, status=503, headers={"Retry-After": retry_after})
        return response.json({"status": "accepted"}, status=202)

    def _start(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def state(self) -> Connection:
        """The state database (feedback, message ids of answers), opened on first use."""
        if self._state is None:
            self._state = state.connect(load_settings().state_location)
        return self._state

    def _remember_reference(self, activity: InboundActivity) -> None:
        """What a message Manabi sends first needs (the delivery worker reads it); usually no write."""
        now = dt.datetime.now(JST)
        try:
            if activity.is_uninstall:
                with state.transaction(self.state):
                    conversation_refs.mark_dead(self.state, activity.sender_id, "the app was removed", now)
                return
            conversation_refs.remember(
                self.state,
                activity.sender_id,
                service_url=activity.service_url,
                tenant_id=activity.tenant_id,
                user_id=activity.user_account.get("id"),
                aad_object_id=activity.aad_object_id,
                conversation_id=activity.conversation_id if activity.is_personal else None,
                bot_id=activity.bot_account.get("id"),
                now=now,
            )
        except DbError:
            logger.exception("Teams: could not store the conversation reference of activity %s.", activity.id)

    def _remember_answers(self, activity: InboundActivity, output: TeamsOutput) -> None:
        refs = [(sent_id, answer_id(activity.id, index)) for sent_id, index in output.delivered_refs]
        try:
            feedback_store.remember_refs(self.state, self.name(), activity.sender_id, refs)
        except DbError:
            logger.exception("Teams: could not store the message ids of a turn's answers.")

    async def _record_feedback(self, signal: TeamsFeedback, tracker_store: Any) -> None:
        try:
            found = feedback_store.find_ref(self.state, self.name(), signal.reply_to_id)
            if found is None:
                logger.info("Teams: feedback on a message we do not know (%s).", signal.reply_to_id)
                return
            answer, sender_id = found
            if signal.rating is None:
                feedback_store.remove(self.state, answer, signal.removed)
                return
            events = await conversation_events(tracker_store, sender_id)
            rate_answer(
                self.state,
                events,
                sender_id=sender_id,
                answer_id=answer,
                rating=signal.rating,
                channel=self.name(),
                comment=signal.comment,
            )
        except Exception:
            logger.exception("Teams: could not record feedback on %s.", signal.reply_to_id)

    async def _admit(self, request: Request) -> InboundActivity:
        if not self.settings.configured:
            raise Rejection(503, "channel not configured (no app id)")
        if body_too_large(request):
            raise Rejection(413, "body too large")
        authorization = request.headers.get("Authorization")
        try:
            bearer_token(authorization)  # cheap check before reading the body
            data = parse_body(request.body or b"")
            service_url, channel_id = auth_fields(data)
            check_channel(channel_id)
            await self.authenticator.authenticate(authorization, service_url, channel_id)
            check_tenant(self.settings, tenant_of(data))
            if not is_allowed_service_url(service_url, self.settings.allowed_service_hosts):
                raise Rejection(403, "serviceUrl host not on the allow-list")
            activity = parse_activity(data)
        except AuthError as error:
            raise Rejection(error.status, error.reason) from None
        except ActivityError as error:
            raise Rejection(400, error.reason) from None
        if not activity.aad_object_id:
            raise Rejection(403, "sender has no aadObjectId")  # never fall back to the channel's from.id
        return activity

    def _wants_answer(self, activity: InboundActivity) -> bool:
        if activity.is_welcome:
            # An install arrives as installationUpdate and conversationUpdate: welcome once.
            return self._welcomed.add_if_absent(activity.conversation_id, True)
        return bool(activity.text)

    def _text_for_rasa(self, activity: InboundActivity) -> str:
        if activity.is_welcome:
            return self.settings.welcome_payload
        offered = self._suggestions.get(activity.conversation_id) if activity.is_personal else None
        if offered and activity.text in offered:
            self._suggestions.pop(activity.conversation_id)
            return offered[activity.text]  # a suggested action was clicked: use its payload
        return activity.text

    def output_for(self, activity: InboundActivity) -> TeamsOutput:
        """The output channel replying to ``activity``."""
        ref = ConversationRef(
            service_url=activity.service_url,
            conversation_id=activity.conversation_id,
            reply_to_id=activity.id,
            bot_account=activity.bot_account,
            user_account=activity.user_account,
            personal=activity.is_personal,
        )
        return TeamsOutput(self.connector, ref, self._suggestions, self.settings.personal_buttons == "suggested")

    async def _run_turn(self, activity: InboundActivity, on_new_message: OnNewMessage) -> None:
        try:
            output = self.output_for(activity)
            text = self._text_for_rasa(activity)
            if is_too_long(text, self.max_chars):  # answered here: never parsed, costs Rasa nothing
                await output.send_text_message(activity.sender_id, too_long_reply(len(text.strip()), self.max_chars))
                return
            await output.send_typing()
            message = UserMessage(
                text,
                output,
                activity.sender_id,
                input_channel=self.name(),
                message_id=activity.id,
                metadata=activity.metadata(),
            )
            await on_new_message(message)
            self._remember_answers(activity, output)
            if not output.answered:
                await output.send_text_message(activity.sender_id, no_answer_reply())
        except asyncio.CancelledError:
            logger.warning("Teams: turn for activity %s cancelled at shutdown.", activity.id)
            raise
        except Exception:
            logger.exception("Teams: handling activity %s failed.", activity.id)

    async def wait_idle(self, timeout: float = 10) -> None:
        """Waits for the queued and running turns (tests). Turns still running after ``timeout`` are cancelled."""
        if self._queue is not None:
            await self._queue.drain(timeout)
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def aclose(self) -> None:
        """Finishes running turns and closes the HTTP session."""
        await self._drain()
        await self._close()

    async def _drain(self, *_: Any) -> None:
        """Server stopping: new requests get 503 (the connector retries), queued turns are finished."""
        if self._queue is not None:
            self._queue.close()
            if self._queue.pending:
                logger.warning(
                    "Teams: server stopping with %d acknowledged turns still to answer; finishing them first.",
                    self._queue.pending,
                )
            await self._queue.drain(self.settings.admission.drain_seconds)
        if self._tasks:  # ratings being stored
            await asyncio.wait(set(self._tasks), timeout=self.settings.admission.drain_seconds)

    async def _close(self, *_: Any) -> None:
        self.keys.close()
        await self.http.close()


def _tracker_store(request: Request) -> Any:
    """Rasa's tracker store (None in tests that stand in for Rasa's agent without one)."""
    return getattr(getattr(request.app.ctx, "agent", None), "tracker_store", None)

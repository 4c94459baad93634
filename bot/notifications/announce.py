"""Office announcements to a cohort's applicants: who would get one and how, and queuing them.

``python -m bot announce COHORT --text "…"`` first counts (a dry run); ``--send`` writes the
announcement and one outbox message per applicant in one transaction, so either all are queued or
none. An applicant is reached in Teams (in their chat with the bot, or in a 1:1 conversation created
for them), in the web chat when they next open it, or not at all (Teams refused them: dead reference).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from bot.registrations import store
from bot.registrations.model import CONFIRMED, WAITLISTED, Registration
from bot.safe_text import clean_text
from bot.state import conversation_refs, outbox
from bot.state.db import Connection, transaction

STATUSES = {"confirmed": (CONFIRMED,), "waitlisted": (WAITLISTED,), "all": (CONFIRMED, WAITLISTED)}
MAX_TEXT_CHARS = 2000

TEAMS, TEAMS_NEW, WEB, DEAD, NOWHERE = "teams", "teams_new", "web", "dead", "nowhere"
ROUTE_LABELS = {
    TEAMS: "Teams（ボットとのチャット）",
    TEAMS_NEW: "Teams（1対1の会話を作成して送信）",
    WEB: "Webチャット（次に開いたときに表示）",
    DEAD: "届きません（Teamsで拒否: ブロックまたはアプリ削除）",
    NOWHERE: "届きません（Teamsでボットを使ったことがありません）",
}


class AnnouncementRefused(ValueError):
    """The announcement cannot be sent as given (the message is for the office)."""


@dataclass(frozen=True)
class Recipient:
    registration: Registration
    route: str  # one of ROUTE_LABELS


def cleaned(text: str) -> str:
    """The announcement's text without control characters; refused when empty or too long."""
    value = clean_text(text).strip()
    if not value:
        raise AnnouncementRefused('お知らせの本文が空です（--text "…"）')
    if len(value) > MAX_TEXT_CHARS:
        raise AnnouncementRefused(f"お知らせの本文が長すぎます（{len(value)}文字、{MAX_TEXT_CHARS}文字まで）")
    return value


def route_of(conn: Connection, person_id: str) -> str:
    if outbox.channel_for(person_id) == "web":
        return WEB
    ref = conversation_refs.get(conn, person_id)
    if ref is None:
        return TEAMS_NEW if _looks_like_entra_id(person_id) else NOWHERE
    if ref.is_dead:
        return DEAD
    return TEAMS if ref.conversation_id else TEAMS_NEW


def _looks_like_entra_id(person_id: str) -> bool:
    parts = person_id.split("-")
    return [len(p) for p in parts] == [8, 4, 4, 4, 12]


def recipients(conn: Connection, cohort_id: str, status: str) -> list[Recipient]:
    """The cohort's applicants with the chosen status, each with how they would be reached."""
    return [Recipient(r, route_of(conn, r.person_id)) for r in store.for_cohort(conn, cohort_id, STATUSES[status])]


def route_counts(found: list[Recipient]) -> dict[str, int]:
    counted = Counter(r.route for r in found)
    return {route: counted[route] for route in ROUTE_LABELS if counted[route]}


def queue(conn: Connection, cohort_id: str, status: str, text: str, actor: str, now: dt.datetime) -> tuple[int, int]:
    """Writes the announcement and its messages in one transaction; (announcement id, messages queued).
    Applicants Teams refused get none (the office saw them in the count)."""
    text = cleaned(text)
    with transaction(conn):
        found = [r for r in recipients(conn, cohort_id, status) if r.route not in (DEAD, NOWHERE)]
        if not found:
            raise AnnouncementRefused("お知らせを届けられる応募者がいません")
        announcement = outbox.add_announcement(conn, cohort_id, status, text, actor, len(found), now)
        queued = 0
        for recipient in found:
            queued += outbox.enqueue(
                conn,
                kind="announcement",
                person_id=recipient.registration.person_id,
                payload={"cohort_id": cohort_id, "text": text},
                dedupe_key=f"announcement:{announcement}:{recipient.registration.person_id}",
                now=now,
                announcement_id=announcement,
            )
    return announcement, queued

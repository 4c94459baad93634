"""What the office sees of the messages Manabi sends first (``notifications status``, /office/notifications).

The queue by kind and status, whether a worker holds the lease, the people Teams refused (dead
references: they blocked the bot or removed the app, so nothing reaches them until they write to it
again), messages given up on, announcements with their delivery, and the reminders staff set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.registrations import export, store
from bot.safe_text import clean_line
from bot.state import conversation_refs, leases, outbox, reminders
from bot.state.db import Connection
from bot.state.times import moment

KIND_LABELS = {
    "promotion": "繰り上げ",
    "announcement": "お知らせ",
    "reminder": "リマインド",
    "notice": "リマインドの変更",
}
STATUS_LABELS = {
    "pending": "送信待ち",
    "sending": "送信中",
    "sent": "送信済",
    "failed": "送信失敗",
    "dead": "届かない（拒否）",
    "withdrawn": "取りやめ",
}


@dataclass(frozen=True)
class Person:
    """Who a person id is, as far as their registrations say: what the office is shown (never the id)."""

    name: str
    department: str


@dataclass(frozen=True)
class DeadReference:
    person: Person
    since: dt.datetime | None  # when Teams refused (None: not recorded)
    reason: str


@dataclass(frozen=True)
class Problem:
    message_id: int
    kind: str
    person: Person
    status: str
    error: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Overview:
    counts: dict[str, dict[str, int]]
    worker: dict[str, Any] | None
    worker_alive: bool
    dead: list[DeadReference]
    problems: list[Problem]
    announcements: list[dict[str, Any]]
    reminders: dict[str, int] = field(default_factory=dict)

    @property
    def waiting(self) -> int:
        return sum(by.get("pending", 0) + by.get("sending", 0) for by in self.counts.values())


def person(conn: Connection, person_id: str) -> Person:
    found = store.for_person(conn, person_id)
    if found:
        return Person(clean_line(found[0].name), clean_line(found[0].department))
    return Person("（登録なし）", "")


def _moment(stored: str | None) -> dt.datetime | None:
    return moment(stored) if stored else None


def shown_moment(value: dt.datetime | None) -> str:
    """「2026/11/24 09:05」 ("" for None), as /office shows it (its ``date`` and ``time`` filters)."""
    return f"{export.excel_date(value)} {export.excel_time(value)}" if value else ""


def overview(conn: Connection, now: dt.datetime) -> Overview:
    lease = leases.current(conn, "delivery")
    alive = lease is not None and moment(lease["expires_at"]) > now
    dead = [
        DeadReference(person(conn, ref.person_id), _moment(ref.dead_at), clean_line(ref.dead_reason))
        for ref in conversation_refs.dead(conn)
    ]
    problems = [
        Problem(m.id, m.kind, person(conn, m.person_id), m.status, clean_line(m.last_error), moment(m.created_at))
        for m in outbox.problems(conn)
    ]
    return Overview(
        outbox.counts(conn), lease, alive, dead, problems, outbox.announcements(conn), reminders.counts(conn)
    )


def text_report(data: Overview) -> str:
    """The overview as lines for the terminal."""
    lines = []
    if data.worker and data.worker_alive:
        lines.append(f"配信ワーカー: 稼働中（{data.worker['holder']}、最終更新 {data.worker['renewed_at']}）")
    else:
        lines.append("配信ワーカー: 停止中（make run / make serve で起動します）")
    lines.append(f"送信待ち: {data.waiting}件")
    for kind, by_status in sorted(data.counts.items()):
        parts = "、".join(f"{STATUS_LABELS.get(s, s)} {n}" for s, n in sorted(by_status.items()))
        lines.append(f"  {KIND_LABELS.get(kind, kind)}: {parts}")
    if data.reminders:
        lines.append("リマインド: " + "、".join(f"{s} {n}" for s, n in sorted(data.reminders.items())))
    lines.append(f"届かない人（Teamsで拒否）: {len(data.dead)}人")
    for ref in data.dead:
        lines.append(f"  {ref.person.name}\t{ref.person.department}\t{shown_moment(ref.since)}\t{ref.reason}")
    if data.problems:
        lines.append(f"送信できなかったメッセージ: {len(data.problems)}件")
        for problem in data.problems:
            lines.append(
                f"  #{problem.message_id}\t{KIND_LABELS.get(problem.kind, problem.kind)}\t{problem.person.name}"
                f"\t{STATUS_LABELS.get(problem.status, problem.status)}\t{problem.error}"
            )
    for item in data.announcements[:10]:
        done = "、".join(f"{STATUS_LABELS.get(s, s)} {n}" for s, n in sorted(item["by_status"].items()))
        lines.append(
            f"お知らせ #{item['id']} {item['cohort_id']} {item['created_at']}（{item['recipients']}人）: {done}"
        )
    return "\n".join(lines)

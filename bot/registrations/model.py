"""The shapes registrations travel in, and how their status reads in Japanese."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from bot.records import from_row

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
ACTIVE_STATUSES = (CONFIRMED, WAITLISTED)

RECOMMENDATION_LABELS = {"self": "自薦", "manager": "所属長推薦"}


@dataclass(frozen=True)
class Application:
    """What a person submits for one cohort (the personal data the office needs, nothing more)."""

    cohort_id: str
    person_id: str
    name: str
    department: str
    staff_number: str
    recommendation: str  # "self" or "manager"
    motivation: str
    manager_name: str | None = None
    department_id: str | None = None  # the catalogue's id when the department is a known one
    channel: str | None = None


@dataclass(frozen=True, kw_only=True)
class Registration(Application):
    """A stored registration: the application as submitted, with its place (its number in the queue,
    its status and its place on the waitlist when waitlisted) and when it changed."""

    id: int
    queue_no: int
    status: str
    registered_at: str
    updated_at: str
    cancelled_at: str | None
    waitlist_position: int | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Registration:
        return from_row(cls, row)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def receipt_number(self) -> str:
        """受付番号, e.g. ``leader-7-012``."""
        return f"{self.cohort_id}-{self.queue_no:03d}"

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.waitlist_position)

    @property
    def recommendation_label(self) -> str:
        return RECOMMENDATION_LABELS.get(self.recommendation, self.recommendation)

    def as_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(receipt_number=self.receipt_number, status_label=self.status_label)
        return data


def status_label(status: str, waitlist_position: int | None = None) -> str:
    """受付済 / キャンセル待ち 3番目 / 取消済"""
    if status == CONFIRMED:
        return "受付済"
    if status == WAITLISTED:
        return f"キャンセル待ち {waitlist_position}番目" if waitlist_position else "キャンセル待ち"
    return "取消済"

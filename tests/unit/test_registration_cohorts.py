"""Effective cohort status: catalogue status, deadline (pinned clock), office close/reopen.
(``catalogue`` is the session-wide sample catalogue from tests/conftest.py.)"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answers.model import Circumstances
from bot.answers.route import answer
from bot.catalogue.rows import Cohort
from bot.registrations import cohorts, store
from bot.registrations.model import Application
from bot.state import db as state
from bot.understanding.question import Question

DEADLINE = dt.date(2027, 3, 31)
BEFORE = dt.date(2026, 11, 24)


@pytest.fixture
def conn(state_location):
    """SQLite, then PostgreSQL (tests/conftest.py)."""
    connection = state.connect(state_location)
    yield connection
    connection.close()


def cohort(status: str = "open", until: str = "2027-03-31") -> Cohort:
    return Cohort(
        "x-1",
        "leader",
        "第9期",
        2027,
        dt.date(2027, 5, 1),
        dt.date(2027, 11, 1),
        20,
        dt.date.fromisoformat(until),
        status,
        "",
    )


def override(status: str, until=None) -> cohorts.Override:
    return cohorts.Override("x-1", status, until, "2026-11-01T09:00:00+09:00", "office:test")


@pytest.mark.parametrize(
    "row, today, given, reason",
    [
        (cohort(), BEFORE, None, cohorts.OPEN),
        (cohort(), DEADLINE, None, cohorts.OPEN),  # the deadline day itself is still open
        (cohort(), DEADLINE + dt.timedelta(days=1), None, cohorts.DEADLINE_PASSED),
        (cohort("closed"), BEFORE, None, cohorts.CATALOGUE_CLOSED),
        (cohort("closed"), DEADLINE + dt.timedelta(days=1), None, cohorts.DEADLINE_PASSED),  # said first
        (cohort(), BEFORE, override("closed"), cohorts.OFFICE_CLOSED),
        (cohort("closed"), BEFORE, override("open"), cohorts.OPEN),
        (cohort(), dt.date(2027, 4, 10), override("open", dt.date(2027, 4, 15)), cohorts.OPEN),
        (cohort(), dt.date(2027, 4, 16), override("open", dt.date(2027, 4, 15)), cohorts.DEADLINE_PASSED),
    ],
)
def test_effective_status(row, today, given, reason):
    assert cohorts.effective_status(row, today, given).reason == reason


def test_an_extension_shows_in_the_effective_cohort():
    status = cohorts.effective_status(cohort(), BEFORE, override("open", dt.date(2027, 4, 15)))
    assert status.effective_cohort.apply_until == dt.date(2027, 4, 15)


def test_close_and_reopen_are_stored_and_audited(catalogue, conn):
    cohorts.close(catalogue, conn, "leader-7", actor="office:test", note="定員充足")
    assert cohorts.status_of(catalogue, conn, "leader-7", BEFORE).reason == cohorts.OFFICE_CLOSED
    status = cohorts.reopen(catalogue, conn, "leader-7", BEFORE, actor="office:test")
    assert status.is_open
    assert [a["event"] for a in store.audit_trail(conn, "leader-7")] == ["cohort_closed", "cohort_reopened"]


def test_reopening_after_the_deadline_needs_a_new_one(catalogue, conn):
    late = DEADLINE + dt.timedelta(days=3)
    with pytest.raises(cohorts.CohortError, match="--until"):
        cohorts.reopen(catalogue, conn, "leader-7", late, actor="office:test")
    status = cohorts.reopen(catalogue, conn, "leader-7", late, actor="office:test", until=dt.date(2027, 4, 30))
    assert status.is_open and status.deadline == dt.date(2027, 4, 30)


def test_unknown_cohorts_are_refused(catalogue, conn):
    with pytest.raises(cohorts.CohortError, match="leader-99"):
        cohorts.close(catalogue, conn, "leader-99", actor="office:test")
    assert cohorts.status_of(catalogue, conn, "leader-99", BEFORE) is None


def test_the_gate_sees_an_office_close_inside_the_registering_transaction(catalogue, conn):
    cohorts.close(catalogue, conn, "leader-7", actor="office:test")
    application = Application("leader-7", "a", "山田太郎", "市民課", "204518", "self", "業務改善に取り組みたい")
    result = store.register(conn, application, 20, gate=cohorts.closed_reason(catalogue, "leader-7", BEFORE))
    assert (result.outcome, result.reason) == (store.REFUSED, cohorts.OFFICE_CLOSED)


def test_open_cohorts_and_read_only_overrides(catalogue, conn, tmp_path, state_location):
    assert [s.cohort.id for s in cohorts.open_cohorts(catalogue, {}, BEFORE)] == ["leader-7"]
    assert cohorts.read_overrides(tmp_path / "missing.sqlite") == {}
    assert not (tmp_path / "missing.sqlite").exists()
    cohorts.close(catalogue, conn, "leader-7", actor="office:test")
    assert cohorts.read_overrides(state_location)["leader-7"].status == "closed"


def test_answers_respect_the_office_close(catalogue, conn):
    """Answers see the cohorts the office left open (the action layer gathers them)."""

    def details() -> str:
        found = cohorts.open_cohorts(catalogue, cohorts.overrides(conn), BEFORE)
        now = Circumstances(BEFORE, open_cohorts=[s.effective_cohort for s in found])
        question = Question("リーダー研修の内容は？", topic="course", asks=("content",), courses=("leader",))
        return "\n".join(r.text for r in answer(question, catalogue, now).replies)

    assert "第7期" in details() and "2027年3月31日" in details()
    cohorts.close(catalogue, conn, "leader-7", actor="office:test")
    assert "登録締切" not in details()
    cohorts.reopen(catalogue, conn, "leader-7", BEFORE, actor="office:test", until=dt.date(2027, 4, 15))
    assert "2027年4月15日" in details()

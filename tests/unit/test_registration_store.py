"""The registration store: seats, waitlist, duplicates, cancellation with promotion, audit, deletion.

Every test runs on both backends (``state_location``: SQLite, then PostgreSQL; tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.clock import JST
from bot.feedback.answers import Answer
from bot.registrations import store
from bot.registrations.model import CANCELLED, CONFIRMED, WAITLISTED, Application, status_label
from bot.state import db as state
from bot.state import feedback
from bot.state.unanswered import log_question
from tests.registration_data import person_name, staff_number

COHORT = "leader-7"


@pytest.fixture
def db_path(state_location: Path | str) -> Path | str:
    return state_location


@pytest.fixture
def conn(db_path: Path | str) -> state.Connection:
    connection = state.connect(db_path)
    yield connection
    connection.close()


def application(person: str, cohort: str = COHORT, department: str = "市民課") -> Application:
    return Application(
        cohort_id=cohort,
        person_id=person,
        name=person_name(person),
        department=department,
        staff_number=staff_number(person),
        recommendation="self",
        motivation="業務改善に取り組みたいです",
    )


def register_all(conn: state.Connection, people: list[str], seats: int) -> list[store.RegisterResult]:
    return [store.register(conn, application(p), seats) for p in people]


def test_migration_creates_registration_tables(conn, backend):
    assert state.schema_version(conn) == len(state.MIGRATIONS)
    if backend == "sqlite":
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    else:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"registrations", "registration_audit", "cohort_overrides", "unanswered_questions"} <= tables


def test_migrating_a_version_1_database_keeps_its_rows(db_path, backend):
    if backend != "sqlite":
        pytest.skip("a version-1 SQLite file; PostgreSQL: tests/unit/test_state_backends.py")
    old = sqlite3.connect(db_path)
    old.executescript(state.MIGRATIONS[0][1] + ";PRAGMA user_version = 1;")
    old.execute("INSERT INTO unanswered_questions (asked_at, sender_id, text, reason) VALUES ('x', 'u', 'q', 'r')")
    old.commit()
    old.close()
    conn = state.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM unanswered_questions").fetchone()[0] == 1
    assert store.counts(conn, COHORT) == {CONFIRMED: 0, WAITLISTED: 0, CANCELLED: 0}


def test_seats_first_then_waitlist_in_order(conn):
    results = register_all(conn, ["a", "b", "c", "d", "e"], seats=3)
    assert [r.outcome for r in results] == [store.REGISTERED] * 5
    assert [r.registration.status for r in results] == [CONFIRMED] * 3 + [WAITLISTED] * 2
    assert [r.registration.waitlist_position for r in results] == [None, None, None, 1, 2]
    assert [r.registration.status_label for r in results][-2:] == ["キャンセル待ち 1番目", "キャンセル待ち 2番目"]
    assert results[0].registration.receipt_number == "leader-7-001"
    assert store.counts(conn, COHORT) == {CONFIRMED: 3, WAITLISTED: 2, CANCELLED: 0}


def test_registering_twice_answers_already_registered_with_the_current_status(conn):
    register_all(conn, ["a", "b"], seats=1)
    again = store.register(conn, application("b"), 1)
    assert again.outcome == store.ALREADY_REGISTERED
    assert again.registration.status_label == "キャンセル待ち 1番目"
    assert conn.execute("SELECT COUNT(*) FROM registrations").fetchone()[0] == 2
    assert len(store.audit_trail(conn, person_id="b")) == 1


def test_the_unique_constraint_holds_even_without_the_store(conn):
    store.register(conn, application("a"), 5)
    with pytest.raises(state.IntegrityError):
        conn.execute("""INSERT INTO registrations (cohort_id, person_id, queue_no, status, name, department,
                        staff_number, recommendation, motivation, registered_at, updated_at)
                        VALUES ('leader-7', 'a', 99, 'confirmed', 'x', 'x', '1', 'self', 'x', 't', 't')""")


def test_a_refusing_gate_stores_nothing(conn):
    result = store.register(conn, application("a"), 5, gate=lambda c: "office_closed")
    assert (result.outcome, result.reason) == (store.REFUSED, "office_closed")
    assert store.get(conn, "a", COHORT) is None
    assert store.audit_trail(conn) == []


def test_cancelling_a_confirmed_registration_promotes_the_first_of_the_waitlist(conn):
    register_all(conn, ["a", "b", "c", "d"], seats=2)
    result = store.cancel(conn, "a", COHORT, seats=2)
    assert result.cancelled.status == CANCELLED and result.cancelled.status_label == "取消済"
    assert result.cancelled.cancelled_at
    assert [p.person_id for p in result.promoted] == ["c"]
    assert store.get(conn, "c", COHORT).status == CONFIRMED
    assert store.get(conn, "d", COHORT).waitlist_position == 1
    events = [(a["event"], a["person_id"], a["new_status"]) for a in store.audit_trail(conn, COHORT)][-2:]
    assert events == [("cancelled", "a", CANCELLED), ("promoted", "c", CONFIRMED)]


def test_cancelling_a_waitlisted_registration_moves_the_ones_behind_up(conn):
    register_all(conn, ["a", "b", "c", "d"], seats=1)
    result = store.cancel(conn, "b", COHORT, seats=1)
    assert result.promoted == []
    assert [store.get(conn, p, COHORT).waitlist_position for p in ("c", "d")] == [1, 2]


def test_cancelling_nothing_changes_nothing(conn):
    assert store.cancel(conn, "nobody", COHORT, seats=2).cancelled is None
    store.register(conn, application("a"), 2)
    store.cancel(conn, "a", COHORT, seats=2)
    assert store.cancel(conn, "a", COHORT, seats=2).cancelled is None


def test_registering_again_after_cancelling_goes_to_the_end(conn):
    register_all(conn, ["a", "b", "c"], seats=2)
    store.cancel(conn, "a", COHORT, seats=2)  # c is promoted
    again = store.register(conn, application("a"), 2)
    assert again.outcome == store.REGISTERED
    assert again.registration.status == WAITLISTED and again.registration.queue_no == 4
    assert again.registration.cancelled_at is None
    assert store.audit_trail(conn, person_id="a")[-1]["detail"] == "registered again after a cancellation"


def test_lists_for_a_person_and_for_a_cohort(conn):
    now = dt.datetime(2027, 1, 5, 10, 0, tzinfo=JST)
    store.register(conn, application("a", "leader-6"), 20, now=now)
    store.register(conn, application("a"), 20, now=now + dt.timedelta(days=1))
    assert [r.cohort_id for r in store.for_person(conn, "a")] == [COHORT, "leader-6"]
    register_all(conn, ["b", "c"], seats=1)
    store.cancel(conn, "a", COHORT, seats=1)
    assert [r.person_id for r in store.for_person(conn, "a", active_only=True)] == ["a"]
    assert [(r.person_id, r.status) for r in store.for_cohort(conn, COHORT)] == [
        ("b", CONFIRMED),
        ("c", WAITLISTED),
        ("a", CANCELLED),
    ]
    assert store.cohort_ids(conn) == ["leader-6", COHORT]


def test_deleting_a_person_removes_their_data_and_frees_their_seat(conn):
    register_all(conn, ["a", "b"], seats=1)
    log_question(conn, sender_id="a", text="給与明細は？", reason="out_of_scope", channel="teams")
    log_question(conn, sender_id="b", text="天気は？", reason="out_of_scope", channel="teams")
    for person in ("a", "b"):
        answer = Answer(f"{person}#0", "q", "a", action=None, intent=None, confidence=None, answered_at=None, data={})
        feedback.rate(conn, answer, sender_id=person, rating="down", channel="web")
    feedback.remember_refs(conn, "teams", "a", [("reply-1", "a#0")])
    result = store.delete_person(conn, "a", lambda cohort: 1, actor="office:test")
    assert (result.registrations, result.unanswered_questions, result.feedback) == (1, 1, 1)
    assert [r["sender_id"] for r in feedback.list_feedback(conn)] == ["b"]
    assert feedback.find_ref(conn, "teams", "reply-1") is None
    assert [p.person_id for p in result.promoted] == ["b"]
    assert store.for_person(conn, "a") == []
    assert store.audit_trail(conn, person_id="a") == []
    assert any(a["event"] == "person_deleted" and a["person_id"] is None for a in store.audit_trail(conn))
    assert conn.execute("SELECT COUNT(*) FROM unanswered_questions").fetchone()[0] == 1


def test_deleting_a_cohort_respects_its_gate(conn):
    register_all(conn, ["a", "b"], seats=1)
    with pytest.raises(store.RegistrationRefused):
        store.delete_cohort(conn, COHORT, actor="office:test", gate=lambda c: "still open")
    assert store.counts(conn, COHORT)[CONFIRMED] == 1
    assert store.delete_cohort(conn, COHORT, actor="office:test") == store.CohortDeletion(2, 2, False)
    assert store.for_cohort(conn, COHORT) == []
    assert [a["event"] for a in store.audit_trail(conn, COHORT)] == ["cohort_deleted"]


def test_status_labels():
    assert status_label(CONFIRMED) == "受付済"
    assert status_label(WAITLISTED, 3) == "キャンセル待ち 3番目"
    assert status_label(CANCELLED) == "取消済"


def test_concurrent_registrations_from_many_connections_never_overfill(db_path):
    """200 people at once, each on its own connection (as separate processes would be)."""
    state.connect(db_path).close()
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def worker(people: list[str]) -> None:
        try:
            conn = state.connect(db_path)
            barrier.wait()
            for person in people:
                store.register(conn, application(person), 20)
            conn.close()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    people = [f"p{i:03d}" for i in range(200)]
    threads = [threading.Thread(target=worker, args=(people[i::50],)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    conn = state.connect(db_path)
    assert store.counts(conn, COHORT) == {CONFIRMED: 20, WAITLISTED: 180, CANCELLED: 0}
    rows = conn.execute("SELECT person_id, queue_no FROM registrations").fetchall()
    assert sorted(r[0] for r in rows) == people
    assert sorted(r[1] for r in rows) == list(range(1, 201))
    positions = sorted(r.waitlist_position for r in store.for_cohort(conn, COHORT, (WAITLISTED,)))
    assert positions == list(range(1, 181))

"""The parts of Manabi speaking first, one at a time: rate windows, the outbox's protocol, the lease,
conversation references, reminders following the catalogue, announcements, deletion and purge."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.catalogue.build import build
from bot.catalogue.queries import Catalogue
from bot.channels.teams.proactive import DEAD, FAILED, RETRY, SENT, classify
from bot.clock import JST, FixedClock, ShiftedClock
from bot.devtools.delivery import COHORT, person, register
from bot.notifications import announce, compose, schedule
from bot.notifications.ratelimit import MARGIN, RateLimiter
from bot.notifications.settings import NotifySettings
from bot.notifications.timing import due_moment
from bot.privacy.retention import purge
from bot.registrations import cohorts, store
from bot.state import conversation_refs, leases, outbox, reminders
from bot.state import db as state
from bot.state.reminders import Wanted

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture
def conn(tmp_path) -> sqlite3.Connection:
    connection = state.connect(tmp_path / "manabi.sqlite")
    yield connection
    connection.close()


def queue(conn, person_id: str, key: str, kind: str = "notice") -> None:
    with state.transaction(conn):
        outbox.enqueue(
            conn, kind=kind, person_id=person_id, payload={"message": {"text": key}}, dedupe_key=key, now=NOW
        )


# --- the clock -----------------------------------------------------------------------------------------
def test_clocks_tell_the_moment_in_japan():
    assert FixedClock(dt.date(2026, 11, 24)).now().date() == dt.date(2026, 11, 24)
    assert FixedClock(dt.date(2026, 11, 24)).now().utcoffset() == dt.timedelta(hours=9)
    ticks = iter([0.0, 0.0, 2.5])
    clock = ShiftedClock(dt.datetime(2026, 12, 15, 8, 59), monotonic=lambda: next(ticks))
    assert clock.now() == dt.datetime(2026, 12, 15, 8, 59, tzinfo=JST)
    clock.advance(dt.timedelta(minutes=1))
    assert clock.now() == dt.datetime(2026, 12, 15, 9, 0, 2, 500000, tzinfo=JST)


def test_a_reminder_is_due_at_the_reminder_hour_of_its_day():
    assert due_moment(dt.date(2026, 12, 16), 1, 9) == dt.datetime(2026, 12, 15, 9, tzinfo=JST)
    assert due_moment(dt.date(2027, 3, 31), 7, 9) == dt.datetime(2027, 3, 24, 9, tzinfo=JST)
    assert due_moment(dt.date(2027, 1, 1), 0, 8) == dt.datetime(2027, 1, 1, 8, tzinfo=JST)


# --- rate limits ---------------------------------------------------------------------------------------------
class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def sends(limiter: RateLimiter, time: FakeTime, conversation: str, count: int) -> list[float]:
    moments = []

    async def go() -> None:
        for _ in range(count):
            async with limiter.sending(conversation):
                moments.append(time.now)

    asyncio.run(go())
    return moments


def most_within(moments: list[float], seconds: float) -> int:
    return max(sum(1 for m in moments if start <= m < start + seconds) for start in moments)


def test_one_conversation_gets_7_a_second_and_60_in_30_seconds():
    time = FakeTime()
    limiter = RateLimiter(NotifySettings(), time, time.sleep)
    moments = sends(limiter, time, "a:1", 130)
    assert most_within(moments, 1.0) == 7
    assert most_within(moments, 30.0) == 60
    assert moments[-1] - moments[0] >= 60  # 130 messages need three 30-second windows


def test_the_tenant_gets_30_a_second_across_conversations():
    time = FakeTime()
    limiter = RateLimiter(NotifySettings(), time, time.sleep)

    async def go() -> list[float]:
        moments = []
        for number in range(120):
            async with limiter.sending(f"a:{number}"):
                moments.append(time.now)
        return moments

    moments = asyncio.run(go())
    assert most_within(moments, 1.0) == 30
    assert moments[-1] - moments[0] >= 3 * (1 + MARGIN) - 0.01


def test_a_send_holds_its_place_until_the_connector_answers():
    """However late the connector notes a message, no more than the limit can fall within a window."""
    time = FakeTime()
    limiter = RateLimiter(NotifySettings(tenant_per_second=2), time, time.sleep)
    noted: list[float] = []  # when the (slow) connector notes each message: 0.8 s after it is sent

    async def send(number: int) -> None:
        async with limiter.sending(f"a:{number}"):
            time.now += 0.8
            noted.append(time.now)

    async def go() -> None:
        for number in range(6):
            await send(number)

    asyncio.run(go())
    assert most_within(noted, 1.0) <= 2


def test_a_429_pauses_only_that_conversation():
    time = FakeTime()
    limiter = RateLimiter(NotifySettings(), time, time.sleep)
    limiter.pause("a:throttled", 5)
    assert limiter.delay("a:throttled") == 5 and limiter.delay("a:other") == 0
    time.now += 40
    limiter.forget_idle()
    assert limiter.delay("a:throttled") == 0


# --- the connector's answers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "status, outcome",
    [(201, SENT), (200, SENT), (429, RETRY), (500, RETRY), (503, RETRY), (None, RETRY), (401, RETRY)]
    + [(403, DEAD), (404, DEAD), (400, FAILED), (413, FAILED)],
)
def test_what_each_answer_of_the_connector_leads_to(status, outcome):
    delivery = classify(status, 2.0 if status == 429 else None, {"id": "x", "error": {"code": "Blocked"}})
    assert delivery.outcome == outcome
    assert delivery.renew_token is (status == 401)
    if status == 429:
        assert delivery.retry_after == 2.0


def test_settings_from_the_environment():
    settings = NotifySettings.from_env({"MANABI_NOTIFY_TENANT_PER_SECOND": "40", "MANABI_NOTIFY_REMINDER_HOUR": "8"})
    assert settings.tenant_per_second == 40 and settings.reminder_hour == 8
    for bad in ({"MANABI_NOTIFY_CONCURRENCY": "many"}, {"MANABI_NOTIFY_MAX_ATTEMPTS": "0"}):
        with pytest.raises(ValueError):
            NotifySettings.from_env(bad)
    with pytest.raises(ValueError):
        NotifySettings.from_env({"MANABI_NOTIFY_REMINDER_HOUR": "25"})


# --- the outbox's protocol ----------------------------------------------------------------------------------
def test_a_message_is_queued_once_per_event(conn):
    queue(conn, "p", "event-1")
    queue(conn, "p", "event-1")
    assert len(outbox.messages(conn)) == 1
    assert outbox.channel_for("web:abc") == "web" and outbox.channel_for("5e6f7a8b-9c0d") == "teams"


def test_claim_needs_the_lease_and_record_closes_the_attempt(conn):
    queue(conn, "p", "one")
    (message,) = outbox.due(conn, NOW, 10)
    assert outbox.claim(conn, message.id, "w1", NOW, lease=("delivery", "w1")) is None  # no lease held
    assert leases.acquire(conn, "delivery", "w1", NOW, dt.timedelta(seconds=30))
    attempt = outbox.claim(conn, message.id, "w1", NOW, lease=("delivery", "w1"))
    assert attempt and outbox.claim(conn, message.id, "w1", NOW) is None  # not waiting any more
    retry_at = NOW + dt.timedelta(seconds=5)
    assert outbox.record(conn, message.id, attempt, outcome="retry", now=NOW, http_status=503, retry_at=retry_at)
    assert outbox.due(conn, NOW, 10) == [] and len(outbox.due(conn, retry_at, 10)) == 1
    attempt = outbox.claim(conn, message.id, "w1", retry_at)
    assert outbox.record(conn, message.id, attempt, outcome="sent", now=retry_at, http_status=201, external_id="x1")
    stored = outbox.get(conn, message.id)
    assert (stored.status, stored.attempts, stored.external_id) == ("sent", 2, "x1")
    assert [(a["outcome"], a["http_status"]) for a in outbox.attempts(conn, message.id)] == [
        ("retry", 503),
        ("sent", 201),
    ]


def test_a_worker_that_lost_the_message_cannot_record_over_the_next_one(conn):
    queue(conn, "p", "one")
    (message,) = outbox.due(conn, NOW, 10)
    old = outbox.claim(conn, message.id, "w1", NOW)
    assert outbox.recover_interrupted(conn, NOW) == 1  # w1 stopped; w2 takes over
    new = outbox.claim(conn, message.id, "w2", NOW)
    assert not outbox.record(conn, message.id, old, outcome="sent", now=NOW)  # w1's late answer
    assert outbox.get(conn, message.id).status == "sending"
    assert outbox.record(conn, message.id, new, outcome="sent", now=NOW)
    assert [a["outcome"] for a in outbox.attempts(conn, message.id)] == ["sent", "sent"]


def test_one_message_per_person_at_a_time_and_in_order(conn):
    queue(conn, "a", "a-1")
    queue(conn, "a", "a-2")
    queue(conn, "b", "b-1")
    assert [m.dedupe_key for m in outbox.due(conn, NOW, 10)] == ["a-1", "b-1"]
    assert [m.dedupe_key for m in outbox.due(conn, NOW, 10, skip_people={"a"})] == ["b-1"]
    first = outbox.due(conn, NOW, 10)[0]
    attempt = outbox.claim(conn, first.id, "w", NOW)
    later = NOW + dt.timedelta(minutes=1)
    outbox.record(conn, first.id, attempt, outcome="retry", now=NOW, retry_at=later)
    assert [m.dedupe_key for m in outbox.due(conn, NOW, 10)] == ["b-1"]  # a-2 waits behind a-1's retry


def test_web_notices_are_shown_once_with_an_attempt_each(conn):
    queue(conn, "web:abc", "w-1")
    queue(conn, "web:abc", "w-2")
    assert outbox.due(conn, NOW, 10) == []  # never for the worker
    waiting = outbox.web_notices(conn, "web:abc", NOW)
    outbox.mark_shown(conn, [waiting[0].id], [waiting[1].id], NOW)
    assert outbox.web_notices(conn, "web:abc", NOW) == []
    assert [m.status for m in outbox.messages(conn)] == ["sent", "withdrawn"]
    assert [a["worker"] for a in outbox.attempts(conn)] == ["web"]


def test_the_lease_is_held_renewed_taken_over_when_expired_and_released(conn):
    ttl = dt.timedelta(seconds=30)
    assert leases.acquire(conn, "delivery", "w1", NOW, ttl)
    assert not leases.acquire(conn, "delivery", "w2", NOW + dt.timedelta(seconds=10), ttl)
    assert leases.acquire(conn, "delivery", "w1", NOW + dt.timedelta(seconds=20), ttl)  # renewed
    assert not leases.acquire(conn, "delivery", "w2", NOW + dt.timedelta(seconds=40), ttl)
    assert leases.acquire(conn, "delivery", "w2", NOW + dt.timedelta(seconds=51), ttl)  # w1 stopped renewing
    leases.release(conn, "delivery", "w1")  # not its lease any more: nothing happens
    assert leases.current(conn, "delivery")["holder"] == "w2"
    leases.release(conn, "delivery", "w2")
    assert leases.current(conn, "delivery") is None


# --- conversation references -------------------------------------------------------------------------------
def remember(conn, conversation: str | None = "a:1", service: str = "https://smba.trafficmanager.net/jp/", **kw):
    return conversation_refs.remember(
        conn,
        "aad-1",
        service_url=service,
        tenant_id="t",
        user_id="29:u",
        aad_object_id="aad-1",
        conversation_id=conversation,
        bot_id="28:b",
        now=kw.get("now", NOW),
    )


def test_a_reference_is_written_only_when_something_changed(conn):
    assert remember(conn)
    assert not remember(conn)  # the same activity again: no write
    assert not remember(conn, conversation=None)  # a group chat keeps the personal conversation
    assert conversation_refs.get(conn, "aad-1").conversation_id == "a:1"
    assert remember(conn, service="https://smba.trafficmanager.net/apac/")
    assert conversation_refs.service_url_for(conn, "t") == "https://smba.trafficmanager.net/apac/"


def test_a_dead_reference_revives_when_the_person_writes_again(conn):
    remember(conn)
    with state.transaction(conn):
        conversation_refs.mark_dead(conn, "aad-1", "403 ConversationBlockedByUser", NOW)
    assert conversation_refs.get(conn, "aad-1").is_dead
    assert [r.person_id for r in conversation_refs.dead(conn)] == ["aad-1"]
    assert remember(conn)
    assert not conversation_refs.get(conn, "aad-1").is_dead


# --- deleting a person, purging -------------------------------------------------------------------------------
def test_deleting_a_person_removes_their_reference_messages_and_reminders(conn):
    who = person(0)
    register(conn, who)
    remember(conn)
    conversation_refs.remember(
        conn,
        who.person_id,
        service_url="https://smba.trafficmanager.net/jp/",
        tenant_id="t",
        user_id=None,
        aad_object_id=who.person_id,
        conversation_id="a:x",
        bot_id=None,
        now=NOW,
    )
    queue(conn, who.person_id, "n-1")
    wanted = Wanted("session", "rpa-1", "rpa", dt.date(2026, 12, 16), 1, NOW + dt.timedelta(days=20))
    reminders.set_reminder(conn, who.person_id, wanted, NOW)
    result = store.delete_person(conn, who.person_id, lambda _: 20, actor="office:test")
    assert result.notifications == 3
    assert conversation_refs.get(conn, who.person_id) is None
    assert outbox.messages(conn, "person_id = ?", [who.person_id]) == []
    assert reminders.for_person(conn, who.person_id) == []
    assert conversation_refs.get(conn, "aad-1") is not None  # nobody else's


def test_purge_deletes_finished_messages_past_the_retention(tmp_path):
    path = tmp_path / "manabi.sqlite"
    conn = state.connect(path)
    queue(conn, "p", "old")
    (message,) = outbox.due(conn, NOW, 1)
    outbox.record(conn, message.id, outbox.claim(conn, message.id, "w", NOW), outcome="sent", now=NOW)
    queue(conn, "q", "still-waiting")
    later = NOW + dt.timedelta(days=200)
    dry = purge(path, tmp_path / "trackers.sqlite", dt.timedelta(days=180), apply=False, now=later)
    assert dry.notifications == 1
    done = purge(path, tmp_path / "trackers.sqlite", dt.timedelta(days=180), apply=True, now=later)
    assert done.notifications == 1
    assert [m.dedupe_key for m in outbox.messages(conn)] == ["still-waiting"]
    assert outbox.attempts(conn) == []


# --- announcements --------------------------------------------------------------------------------------------
def test_an_announcement_counts_how_each_applicant_is_reached_and_queues_in_one_go(conn):
    teams_user, silent, blocked = person(0), person(2), person(3)
    for who in (teams_user, silent, blocked):
        register(conn, who)
    web = register(conn, dataclasses.replace(person(1), person_id="web:abcdefghijklmnopq"))
    assert web.outcome == "registered"
    for who in (teams_user, blocked):
        conversation_refs.remember(
            conn,
            who.person_id,
            service_url="https://smba.trafficmanager.net/jp/",
            tenant_id="t",
            user_id=None,
            aad_object_id=who.person_id,
            conversation_id=f"a:{who.label}",
            bot_id=None,
            now=NOW,
        )
    with state.transaction(conn):
        conversation_refs.mark_dead(conn, blocked.person_id, "403", NOW)
    found = announce.recipients(conn, COHORT, "all")
    assert announce.route_counts(found) == {"teams": 1, "teams_new": 1, "web": 1, "dead": 1}
    number, queued = announce.queue(conn, COHORT, "all", "  説明会は\x07本庁舎で  ", "office:test", NOW)
    assert queued == 3
    assert {m.payload["text"] for m in outbox.messages(conn)} == {"説明会は本庁舎で"}
    assert outbox.announcements(conn)[0]["recipients"] == 3 and number == outbox.announcements(conn)[0]["id"]
    with pytest.raises(announce.AnnouncementRefused):
        announce.queue(conn, COHORT, "confirmed", "", "office:test", NOW)
    with pytest.raises(announce.AnnouncementRefused):
        announce.cleaned("あ" * 2001)


# --- reminders follow the catalogue -----------------------------------------------------------------------------
@pytest.fixture
def edited_catalogue(tmp_path):
    """A copy of the frozen test catalogue to edit, and a function that builds it."""
    source = tmp_path / "catalogue"
    shutil.copytree(TESTS / "catalogue", source)

    def rebuilt() -> Catalogue:
        path = tmp_path / f"catalogue-{len(list(tmp_path.glob('catalogue-*.sqlite')))}.sqlite"
        build(source, path)
        return Catalogue(path)

    return source / "sessions.yml", rebuilt


def set_rpa_reminder(conn, who="p", lead=1):
    wanted = Wanted("session", "rpa-1", "rpa", dt.date(2026, 12, 16), lead, due_moment(dt.date(2026, 12, 16), lead, 9))
    return reminders.set_reminder(conn, who, wanted, NOW)[0]


def test_a_moved_session_takes_its_reminder_along_and_the_person_is_told(conn, edited_catalogue):
    sessions, rebuilt = edited_catalogue
    reminder = set_rpa_reminder(conn)
    assert schedule.reconcile(conn, rebuilt(), NOW, 9) == 0  # nothing changed
    sessions.write_text(sessions.read_text().replace("date: 2026-12-16", "date: 2026-12-18"))
    assert schedule.reconcile(conn, rebuilt(), NOW, 9) == 1
    moved = reminders.get(conn, reminder.id)
    assert moved.target_date == dt.date(2026, 12, 18) and moved.due_at == dt.datetime(2026, 12, 17, 9, tzinfo=JST)
    (notice,) = outbox.messages(conn)
    assert notice.kind == "notice" and "2026年12月18日（金）" in notice.payload["message"]["text"]
    assert "12月17日" in notice.payload["message"]["text"] or "2026年12月17日" in notice.payload["message"]["text"]
    assert schedule.reconcile(conn, rebuilt(), NOW, 9) == 0  # told once


def test_a_removed_session_withdraws_its_reminder_and_the_person_is_told(conn, edited_catalogue):
    sessions, rebuilt = edited_catalogue
    reminder = set_rpa_reminder(conn)
    text = sessions.read_text()
    sessions.write_text("\n".join(line for line in text.splitlines() if "id: rpa-1" not in line) + "\n")
    assert schedule.reconcile(conn, rebuilt(), NOW, 9) == 1
    assert reminders.get(conn, reminder.id).status == "withdrawn"
    (notice,) = outbox.messages(conn)
    assert "取りやめ" in notice.payload["message"]["text"] and "RPA活用研修" in notice.payload["message"]["text"]


def test_a_deadline_reminder_follows_the_office_and_ends_when_it_closes(conn, catalogue):
    deadline = dt.date(2027, 3, 31)
    wanted = Wanted("deadline", COHORT, "leader", deadline, 7, due_moment(deadline, 7, 9))
    reminder = reminders.set_reminder(conn, "p", wanted, NOW)[0]
    cohorts.reopen(catalogue, conn, COHORT, NOW.date(), actor="office:test", until=dt.date(2027, 4, 15))
    assert schedule.reconcile(conn, catalogue, NOW, 9) == 1
    assert reminders.get(conn, reminder.id).due_at == dt.datetime(2027, 4, 8, 9, tzinfo=JST)
    cohorts.close(catalogue, conn, COHORT, actor="office:test")
    assert schedule.reconcile(conn, catalogue, NOW, 9) == 1
    assert reminders.get(conn, reminder.id).status == "withdrawn"
    assert [m.kind for m in outbox.messages(conn)] == ["notice", "notice"]


def test_due_reminders_are_queued_in_the_transaction_that_marks_them(conn, catalogue):
    reminder = set_rpa_reminder(conn)
    before = dt.datetime(2026, 12, 15, 8, 59, tzinfo=JST)
    assert schedule.enqueue_due(conn, catalogue, before) == 0
    at = dt.datetime(2026, 12, 15, 9, 0, tzinfo=JST)
    assert schedule.enqueue_due(conn, catalogue, at) == 1
    assert reminders.get(conn, reminder.id).status == "queued"
    (message,) = outbox.messages(conn)
    assert message.kind == "reminder" and message.payload["target"] == "rpa-1"
    composed = compose.compose(message, catalogue, conn, at.date())
    assert "RPA活用研修" in composed["text"] and "明日" in composed["text"]
    assert schedule.enqueue_due(conn, catalogue, at) == 0  # once


def test_a_deadline_reminder_for_someone_who_registered_since_is_dropped(conn, catalogue):
    who = person(0)
    deadline = dt.date(2027, 3, 31)
    reminders.set_reminder(conn, who.person_id, Wanted("deadline", COHORT, "leader", deadline, 7, NOW), NOW)
    register(conn, who)
    assert schedule.enqueue_due(conn, catalogue, NOW + dt.timedelta(minutes=1)) == 0
    assert outbox.messages(conn) == []
    assert reminders.counts(conn) == {"withdrawn": 1}


def test_a_promotion_message_says_nothing_once_the_person_cancelled(conn, catalogue):
    first, second = person(0), person(1)
    register(conn, first, seats=1)
    register(conn, second, seats=1)
    store.cancel(conn, first.person_id, COHORT, seats=1)
    (message,) = outbox.messages(conn)
    composed = compose.compose(message, catalogue, conn, NOW.date())
    card = composed["custom"]["card"]
    assert card["title"] == "キャンセル待ちから繰り上がりました"
    assert ["新しい状況", "受付済"] in card["facts"] and "内線 2345" in card["note"]
    store.cancel(conn, second.person_id, COHORT, seats=1)
    assert compose.compose(message, catalogue, conn, NOW.date()) is None


# --- the commands -------------------------------------------------------------------------------------------
def test_announce_counts_first_and_sends_with_send(tmp_path, catalogue_db, capsys):
    from bot.cli import main

    db = tmp_path / "manabi.sqlite"
    conn = state.connect(db)
    for number in range(3):
        register(conn, person(number))
    common = ["--db", str(db), "--catalogue", str(catalogue_db)]
    assert main(["announce", COHORT, "--text", "説明会は12月10日です。", *common]) == 0
    dry = capsys.readouterr()
    assert "対象 3人" in dry.out and "Teams（1対1の会話を作成して送信）: 3人" in dry.out
    assert "--send" in dry.err and outbox.messages(conn) == []
    assert (
        main(["announce", COHORT, "--text", "説明会は12月10日です。", "--status", "confirmed", "--send", *common]) == 0
    )
    assert "3人に送信待ちにしました" in capsys.readouterr().out
    assert len(outbox.messages(conn)) == 3
    assert main(["announce", "leader-99", "--text", "x", *common]) == 1
    assert "期 'leader-99' はありません" in capsys.readouterr().err
    assert main(["announce", COHORT, "--text", "   ", *common]) == 1
    assert "本文が空" in capsys.readouterr().err
    assert main(["notifications", "status", "--db", str(db)]) == 0
    status = capsys.readouterr().out
    assert "配信ワーカー: 停止中" in status and "送信待ち: 3件" in status and "お知らせ #1 leader-7" in status


def test_without_teams_the_worker_still_schedules_and_teams_messages_wait(tmp_path, catalogue_db):
    from bot.notifications.worker import DeliveryWorker

    db = tmp_path / "manabi.sqlite"
    conn = state.connect(db)
    queue(conn, "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", "for-teams")
    set_rpa_reminder(conn, who="web:abcdefghijklmnopq")
    clock = ShiftedClock(dt.datetime(2026, 12, 15, 9, 0, 1, tzinfo=JST))
    worker = DeliveryWorker(db, catalogue_db, None, NotifySettings(poll_seconds=0.05), clock)

    async def briefly() -> None:
        stop = asyncio.Event()
        task = asyncio.ensure_future(worker.run(stop))
        await asyncio.sleep(0.3)
        stop.set()
        await task

    asyncio.run(briefly())
    by_key = {m.dedupe_key: m for m in outbox.messages(conn)}
    assert by_key["for-teams"].status == "pending" and by_key["for-teams"].attempts == 0
    (reminder,) = [m for m in by_key.values() if m.kind == "reminder"]
    assert reminder.channel == "web" and reminder.status == "pending"  # for the page to show

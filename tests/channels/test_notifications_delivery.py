"""The delivery worker against the fake Bot Framework: promotions, announcements, rate limits, retries,
dead references, crashes, one worker at a time (bot/notifications/worker.py, docs/notifications.md)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.clock import ShiftedClock
from bot.devtools.delivery import (
    COHORT,
    FAST,
    START,
    deliver_all,
    messages_to,
    person,
    register,
    statuses,
    unfinished,
    with_reference,
    worker_for,
)
from bot.devtools.fake_botframework import FakeBotFramework
from bot.notifications import announce, report
from bot.notifications.settings import NotifySettings
from bot.registrations import store
from bot.registrations.model import CONFIRMED
from bot.state import conversation_refs, leases, outbox
from bot.state import db as state

pytestmark = pytest.mark.asyncio


@pytest.fixture
def conn(state_db: Path) -> sqlite3.Connection:
    connection = state.connect(state_db)
    yield connection
    connection.close()


def card_of(activity: dict) -> dict:
    attachments = activity.get("attachments") or []
    assert attachments, f"no card in {activity}"
    return attachments[0]["content"]


def card_text(activity: dict) -> str:
    return json.dumps(card_of(activity), ensure_ascii=False)


# --- waitlist promotion -------------------------------------------------------------------------------
async def test_a_cancellation_promotes_the_next_person_and_exactly_one_card_reaches_them(
    fake_botframework: FakeBotFramework, conn, state_db, catalogue_db
):
    first, second, third = person(0), person(1), person(2)
    for who in (first, second, third):
        with_reference(conn, fake_botframework, who)
    register(conn, first, seats=1)
    register(conn, second, seats=1)  # waitlisted 1st
    register(conn, third, seats=1)  # waitlisted 2nd
    result = store.cancel(conn, first.person_id, COHORT, seats=1)
    assert [p.person_id for p in result.promoted] == [second.person_id]

    await deliver_all(worker_for(fake_botframework, state_db, catalogue_db), conn)

    cards = messages_to(fake_botframework, second.conversation_id)
    assert len(cards) == 1
    text = card_text(cards[0])
    assert "キャンセル待ちから繰り上がりました" in text and "受付済" in text and "第7期" in text
    assert "申込を取り消したい" in text  # what to do next
    assert "デジタル行政戦略課" in text and "2345" in text  # the office contact from the catalogue
    assert not messages_to(fake_botframework, first.conversation_id)  # nobody else hears of it
    assert not messages_to(fake_botframework, third.conversation_id)
    assert statuses(conn) == {"sent": 1}
    attempts = outbox.attempts(conn)
    assert [(a["outcome"], a["http_status"]) for a in attempts] == [("sent", 201)]


async def test_a_promotion_is_queued_in_the_cancelling_transaction(conn, monkeypatch):
    """Both or neither: when queuing the message fails, the cancellation is rolled back too."""
    first, second = person(0), person(1)
    register(conn, first, seats=1)
    register(conn, second, seats=1)

    def broken(*_args, **_kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(outbox, "enqueue", broken)
    with pytest.raises(sqlite3.OperationalError):
        store.cancel(conn, first.person_id, COHORT, seats=1)
    assert store.get(conn, first.person_id, COHORT).status == CONFIRMED  # nothing changed
    assert outbox.messages(conn) == []


async def test_a_person_who_cancels_before_the_message_goes_out_is_not_told(
    fake_botframework: FakeBotFramework, conn, state_db, catalogue_db
):
    first, second = person(0), person(1)
    for who in (first, second):
        with_reference(conn, fake_botframework, who)
    register(conn, first, seats=1)
    register(conn, second, seats=1)
    store.cancel(conn, first.person_id, COHORT, seats=1)
    store.cancel(conn, second.person_id, COHORT, seats=1)  # before the worker ran
    await deliver_all(worker_for(fake_botframework, state_db, catalogue_db), conn)
    assert fake_botframework.arrivals() == []
    assert statuses(conn) == {"withdrawn": 1}


# --- announcements and rate limits ---------------------------------------------------------------------
async def test_an_announcement_to_200_applicants_respects_the_rate_limits_and_each_arrives_once(
    fake_botframework: FakeBotFramework, conn, state_db, catalogue_db
):
    people = [person(i) for i in range(200)]
    for who in people:
        with_reference(conn, fake_botframework, who)
        register(conn, who, seats=20)
    found = announce.recipients(conn, COHORT, "all")
    assert announce.route_counts(found) == {announce.TEAMS: 200}
    _, queued = announce.queue(conn, COHORT, "all", "10月の説明会は本庁舎で行います。", "office:test", START)
    assert queued == 200

    worker = worker_for(fake_botframework, state_db, catalogue_db)
    began = asyncio.get_running_loop().time()
    await deliver_all(worker, conn, timeout=120)
    took = asyncio.get_running_loop().time() - began

    arrivals = fake_botframework.arrivals()
    per_conversation = {who.conversation_id: len(messages_to(fake_botframework, who.conversation_id)) for who in people}
    assert set(per_conversation.values()) == {1}, "each applicant gets the announcement exactly once"
    assert len(arrivals) == 200
    busiest_second = FakeBotFramework.most_in_window(arrivals, 1.0)
    assert busiest_second <= FAST.tenant_per_second  # per tenant: 30 a second (Teams: about 30–50)
    assert took >= (200 / FAST.tenant_per_second) - 1.5  # the limit, not the machine, set the pace
    print(f"200 announcements: {took:.1f} s, at most {busiest_second} in any second")
    assert "10月の説明会は本庁舎で行います。" in card_text(arrivals[0].activity)


async def test_messages_to_one_conversation_keep_to_seven_a_second(
    fake_botframework: FakeBotFramework, conn, state_db, catalogue_db
):
    who = person(0)
    with_reference(conn, fake_botframework, who)
    register(conn, who)
    with state.transaction(conn):
        for number in range(20):
            outbox.enqueue(
                conn,
                kind="announcement",
                person_id=who.person_id,
                payload={"cohort_id": COHORT, "text": f"お知らせ {number}"},
                dedupe_key=f"test:{number}",
                now=START,
            )
    await deliver_all(worker_for(fake_botframework, state_db, catalogue_db), conn)
    arrivals = fake_botframework.arrivals(who.conversation_id)
    assert len(arrivals) == 20
    assert FakeBotFramework.most_in_window(arrivals, 1.0) <= 7
    texts = [card_text(r.activity) for r in arrivals]
    assert all(f'"お知らせ {number}"' in text for number, text in enumerate(texts)), "in the order queued"


# --- retries -------------------------------------------------------------------------------------------------
async def test_429_with_retry_after_and_a_503_outage_still_deliver_everything_once(
    fake_botframework: FakeBotFramework, conn, state_db, catalogue_db
):
    people = [person(i) for i in range(12)]
    for who in people:
        with_reference(conn, fake_botframework, who)
        register(conn, who)
    # The connector throttles twice (Retry-After: 1) and then is down for a while (503 without it).
    fake_botframework.connector_script = [(429, "1"), (429, "1")] + [(503, None)] * 10
    announce.queue(conn, COHORT, "all", "研修資料を掲載しました。", "office:test", START)
    await deliver_all(worker_for(fake_botframework, state_db, catalogue_db), conn)

    for who in people:
        assert len(messages_to(fake_botframework, who.conversation_id)) == 1
    assert statuses(conn) == {"sent": 12}
    attempts = outbox.attempts(conn)
    assert sum(a["http_status"] == 429 for a in attempts) == 2
    assert sum(a["http_status"] == 503 for a in attempts) == 10
    assert {a["outcome"] for a in attempts} == {"sent", "retry"}
    # Retry-After was honoured: the throttled message went again no sooner than a second later.
    throttled = next(a for a in attempts if a["http_status"] == 429)
    again = next(a for a in attempts if a["outbox_id"] == throttled["outbox_id"] and a["id"] > throttled["id"])
    gap = dt.datetime.fromisoformat(again["started_at"]) - dt.datetime.fromisoformat(throttled["finished_at"])
    assert gap >= dt.timedelta(seconds=0.95)


async def test_a_message_is_given_up_after_max_attempts_and_the_office_sees_it(
    fake_botframework: FakeBotFramework, conn, state_db, catalogue_db
):
    who = person(0)
    with_reference(conn, fake_botframework, who)
    register(conn, who)
    fake_botframework.connector_script = [(500, None)] * 3
    announce.queue(conn, COHORT, "all", "本文", "office:test", START)
    settings = NotifySettings(retry_base_seconds=0.05, poll_seconds=0.05, max_attempts=3)
    await deliver_all(worker_for(fake_botframework, state_db, catalogue_db, settings), conn)
    assert statuses(conn) == {"failed": 1}
    problem = report.overview(conn, START).problems[0]
    assert "gave up after 3 attempts" in problem.error and problem.person.name == "職員p〇〇〇"


# --- dead references --------------------------------------------------------------------------------------
async def test_403_marks_the_reference_dead_and_the_office_sees_it(
    fake_botframework: FakeBotFramework, conn, state_db, catalogue_db
):
    blocked, fine = person(0), person(1)
    for who in (blocked, fine):
        with_reference(conn, fake_botframework, who)
        register(conn, who)
    fake_botframework.blocked.add(blocked.conversation_id)
    announce.queue(conn, COHORT, "all", "一回目", "office:test", START)
    await deliver_all(worker_for(fake_botframework, state_db, catalogue_db), conn)

    ref = conversation_refs.get(conn, blocked.person_id)
    assert ref is not None and ref.is_dead and "403 ConversationBlockedByUser" in (ref.dead_reason or "")
    assert len(messages_to(fake_botframework, fine.conversation_id)) == 1
    seen = report.overview(conn, START)
    assert [d.person.name for d in seen.dead] == ["職員p〇〇〇"]
    since = seen.dead[0].since
    assert since is not None and since.tzinfo is not None  # a time, read once from the stored text
    assert report.shown_moment(since) in report.text_report(seen)  # 「2026/11/24 09:05」, as /office shows it
    assert "職員p〇〇〇" in report.text_report(seen) and "届かない人（Teamsで拒否）: 1人" in report.text_report(seen)

    # Nothing more is tried for them (the next announcement counts them as unreachable) …
    assert announce.route_counts(announce.recipients(conn, COHORT, "all")) == {announce.TEAMS: 1, announce.DEAD: 1}
    tries = len(fake_botframework.received)
    with state.transaction(conn):
        outbox.enqueue(
            conn,
            kind="notice",
            person_id=blocked.person_id,
            payload={"message": {"text": "テスト"}},
            dedupe_key="test:after-403",
            now=START,
        )
    await deliver_all(worker_for(fake_botframework, state_db, catalogue_db), conn)
    assert len(fake_botframework.received) == tries  # a dead reference is not tried
    # … until they write to the bot again, which revives the reference.
    with_reference(conn, fake_botframework, blocked)
    assert not conversation_refs.get(conn, blocked.person_id).is_dead


async def test_someone_who_never_wrote_is_reached_by_creating_the_personal_conversation(
    fake_botframework: FakeBotFramework, conn, state_db, catalogue_db
):
    wrote, silent, group_only = person(0), person(1), person(2)
    with_reference(conn, fake_botframework, wrote)
    with_reference(conn, fake_botframework, group_only, personal=False)  # only spoke in a group chat
    for who in (wrote, silent, group_only):
        register(conn, who)
    routes = {r.registration.person_id: r.route for r in announce.recipients(conn, COHORT, "all")}
    assert routes == {wrote.person_id: "teams", silent.person_id: "teams_new", group_only.person_id: "teams_new"}
    announce.queue(conn, COHORT, "all", "説明会のお知らせ", "office:test", START)
    await deliver_all(worker_for(fake_botframework, state_db, catalogue_db), conn)

    assert statuses(conn) == {"sent": 3}
    members = sorted(body["members"][0]["id"] for body in fake_botframework.created)
    assert members == sorted([silent.person_id, f"29:user-{group_only.label}"])
    assert all(body["tenantId"] == fake_botframework.tenant_id for body in fake_botframework.created)
    for who in (silent, group_only):
        ref = conversation_refs.get(conn, who.person_id)
        assert ref is not None and ref.conversation_id.startswith("a:created-")
        assert len(messages_to(fake_botframework, ref.conversation_id)) == 1


async def test_the_app_not_installed_for_someone_marks_them_unreachable(
    fake_botframework: FakeBotFramework, conn, state_db, catalogue_db
):
    silent = person(5)
    register(conn, silent)
    with_reference(conn, fake_botframework, person(0))  # someone in the tenant: its serviceUrl is known
    fake_botframework.not_installed.add(silent.person_id)
    announce.queue(conn, COHORT, "all", "本文", "office:test", START)
    await deliver_all(worker_for(fake_botframework, state_db, catalogue_db), conn)
    assert statuses(conn) == {"dead": 1}
    assert fake_botframework.arrivals() == []


# --- crashes ----------------------------------------------------------------------------------------------
class Crash(BaseException):
    """Stands for the process dying at that point (not an error the worker handles)."""


@pytest.mark.parametrize(
    "point, repeats", [("sending", 0), ("answered", 1)], ids=["before-the-post", "after-the-answer"]
)
async def test_a_crash_repeats_a_message_only_between_the_answer_and_its_record(
    fake_botframework: FakeBotFramework, conn, state_db, catalogue_db, point, repeats
):
    people = [person(i) for i in range(3)]
    for who in people:
        with_reference(conn, fake_botframework, who)
        register(conn, who)
    announce.queue(conn, COHORT, "all", "本文", "office:test", START)
    crashed: list[int] = []

    def hook(where: str, message: outbox.OutboxMessage) -> None:
        if where == point and message.person_id == people[1].person_id and not crashed:
            crashed.append(message.id)
            raise Crash

    settings = NotifySettings(concurrency=1, poll_seconds=0.05, lease_seconds=5)
    first = worker_for(fake_botframework, state_db, catalogue_db, settings, hook=hook, name="first")
    stop = asyncio.Event()
    running = asyncio.ensure_future(first.run(stop))
    for _ in range(600):
        if crashed:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await running
    assert outbox.get(conn, crashed[0]).status == "sending"  # left half-done, as by a dead process

    clock = ShiftedClock(START + dt.timedelta(seconds=10))  # after the lease of the first has expired
    await deliver_all(worker_for(fake_botframework, state_db, catalogue_db, settings, clock, name="second"), conn)
    counts = [len(messages_to(fake_botframework, who.conversation_id)) for who in people]
    assert counts == [1, 1 + repeats, 1]
    outcomes = [a["outcome"] for a in outbox.attempts(conn, crashed[0])]
    assert outcomes == ["interrupted", "sent"]


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
async def test_a_worker_killed_mid_queue_and_started_again_loses_and_doubles_nothing(
    fake_botframework: FakeBotFramework, conn, state_db, catalogue_db, how
):
    """The real process, stopped while 150 messages go out, then started again. SIGTERM: it finishes
    what it has in flight. SIGKILL: messages the connector had taken but whose answer the worker never
    recorded are the only ones that may come again, once."""
    from bot.launcher import QUIET_ENV
    from bot.settings import PROJECT_ROOT

    people = [person(i) for i in range(150)]
    for who in people:
        with_reference(conn, fake_botframework, who)
        register(conn, who)
    announce.queue(conn, COHORT, "all", "本文", "office:test", START)
    fake_botframework.delay_seconds = 0.03  # a connector some way off: the kill lands mid-queue
    env = {
        **os.environ,
        **QUIET_ENV,
        **fake_botframework.environment(),
        "MANABI_STATE_DB": str(state_db),
        "MANABI_CATALOGUE_DB": str(catalogue_db),
        "MANABI_NOTIFY_POLL_SECONDS": "0.05",
        "MANABI_NOTIFY_LEASE_SECONDS": "2",
        "PYTHONPATH": str(PROJECT_ROOT),
    }

    async def start() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "notifications", "worker",
            env=env, cwd=str(PROJECT_ROOT), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip

    worker = await start()
    for _ in range(600):
        if len(fake_botframework.arrivals()) >= 40:
            break
        await asyncio.sleep(0.05)
    if how == "SIGKILL":
        worker.kill()  # no clean-up at all
    else:
        worker.terminate()
    await worker.wait()
    killed_at = len(fake_botframework.arrivals())
    assert 40 <= killed_at < 150, "the kill must land mid-queue"
    interrupted = {row[0] for row in conn.execute("SELECT id FROM outbox WHERE status = 'sending'")}

    if how == "SIGKILL":
        await asyncio.sleep(2.2)  # the dead worker's lease runs out
    worker = await start()
    try:
        for _ in range(1200):
            if unfinished(conn) == 0:
                break
            await asyncio.sleep(0.05)
    finally:
        worker.terminate()
        await worker.wait()
    assert unfinished(conn) == 0
    counts = {who.conversation_id: len(messages_to(fake_botframework, who.conversation_id)) for who in people}
    assert all(n >= 1 for n in counts.values()), "nothing lost"
    doubled = {c for c, n in counts.items() if n > 1}
    if how == "SIGTERM":
        assert not interrupted and not doubled
    # Only a message the killed worker had sent but not yet recorded may come twice, and only once more.
    conversation_of = {who.person_id: who.conversation_id for who in people}
    half_sent = {conversation_of[message.person_id] for message in outbox.messages(conn) if message.id in interrupted}
    assert doubled <= half_sent and all(counts[c] == 2 for c in doubled)
    print(f"{how} after {killed_at} arrivals; {len(interrupted)} half-sent, {len(doubled)} repeated")


async def test_only_one_worker_sends_at_a_time(fake_botframework: FakeBotFramework, conn, state_db, catalogue_db):
    people = [person(i) for i in range(30)]
    for who in people:
        with_reference(conn, fake_botframework, who)
        register(conn, who)
    announce.queue(conn, COHORT, "all", "本文", "office:test", START)
    one = worker_for(fake_botframework, state_db, catalogue_db, name="one")
    two = worker_for(fake_botframework, state_db, catalogue_db, name="two")
    stop = asyncio.Event()
    tasks = [asyncio.ensure_future(w.run(stop)) for w in (one, two)]
    try:
        for _ in range(600):
            if unfinished(conn) == 0:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    workers = {a["worker"] for a in outbox.attempts(conn)}
    assert len(workers) == 1
    assert all(len(messages_to(fake_botframework, who.conversation_id)) == 1 for who in people)
    assert leases.current(conn, "delivery") is None  # released on a clean stop

"""Manabi speaks first, end to end over Teams: signed activities into the real servers, the delivery
worker sending to the fake Bot Framework, the office looking at it (issue 13, docs/notifications.md).

* a cancellation in conversation promotes the next person, and exactly one card reaches them;
* a reminder set in conversation fires at the pinned "day before" when the clock moves, not sooner;
* a person Teams refuses (403) is shown to the office, in the terminal and on /office/notifications.

The worker runs in this process on the fake's event loop (bot.notifications.worker), with a clock
the test moves; the one started by ``make serve`` is the same code (tests/channels cover the process).
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from bot import launcher
from bot.clock import JST, ShiftedClock
from bot.devtools.delivery import FAST, Person, deliver_all, person, register, run_until, with_reference, worker_for
from bot.devtools.fake_botframework import FakeInThread
from bot.devtools.servers import ManabiServers
from bot.registrations import store
from bot.settings import PROJECT_ROOT, load_settings
from bot.state import conversation_refs, outbox
from bot.state import db as state

pytestmark = pytest.mark.e2e

COHORT = "leader-7"


@pytest.fixture(scope="module")
def teams(tmp_path_factory) -> Iterator[tuple[FakeInThread, ManabiServers]]:
    with (
        FakeInThread() as runner,
        ManabiServers(tmp_path_factory.mktemp("notify-e2e"), extra_env=runner.fake.environment()) as servers,
    ):
        yield runner, servers


def activity_from(runner: FakeInThread, who: Person, text: str) -> dict:
    """A personal-chat message from ``who`` (their own ids and conversation)."""
    user = {"id": f"29:user-{who.label}", "name": f"職員 {who.label}", "aadObjectId": who.person_id}
    return runner.fake.message(text, conversation_id=who.conversation_id, **{"from": user})


def say(teams, who: Person, text: str, timeout: float = 30) -> str:
    """Sends a message as ``who`` and returns the answer (all its text and cards)."""
    runner, servers = teams
    activity = activity_from(runner, who, text)
    status, _ = runner.call(runner.fake.post_activity(servers.teams_url, activity))
    assert status == 202, status
    replies = runner.call(runner.fake.wait_for_reply(activity["id"], timeout=timeout))
    runner.call(_quiet(runner, activity["id"]))
    return "\n".join(r.get("text", "") + json.dumps(r.get("attachments", []), ensure_ascii=False) for r in replies)


async def _quiet(runner: FakeInThread, activity_id: str) -> None:
    """Waits until the turn's replies stop coming (a turn may send several messages)."""
    import asyncio

    count = -1
    while count != len(runner.fake.replies_to(activity_id)):
        count = len(runner.fake.replies_to(activity_id))
        await asyncio.sleep(0.5)


def proactive_to(runner: FakeInThread, who: Person) -> list[dict]:
    """Messages that reached the person's conversation without answering anything of theirs."""
    return [
        r.activity
        for r in runner.fake.arrivals(who.conversation_id)
        if r.reply_to_id is None and r.activity.get("type") == "message"
    ]


def test_a_cancellation_in_conversation_promotes_the_next_person_and_one_card_reaches_them(teams):
    runner, servers = teams
    conn = state.connect(servers.settings.state_db)
    leaving, waiting = person(500), person(501)
    others = [person(510 + i) for i in range(19)]
    for who in [leaving, *others, waiting]:
        assert register(conn, who).outcome == "registered"
    assert store.get(conn, waiting.person_id, COHORT).status == "waitlisted"
    say(teams, waiting, "こんにちは")  # the channel keeps their reference
    ref = conversation_refs.get(conn, waiting.person_id)
    assert ref is not None and ref.conversation_id == waiting.conversation_id and ref.user_id == "29:user-p501"

    assert "よろしいですか" in say(teams, leaving, "申込を取り消したい")
    assert "取り消しました" in say(teams, leaving, "はい")
    assert store.get(conn, waiting.person_id, COHORT).status == "confirmed"

    worker = worker_for(runner.fake, servers.settings.state_db, servers.settings.catalogue_db)
    runner.call(deliver_all(worker, conn))
    cards = proactive_to(runner, waiting)
    assert len(cards) == 1
    card = json.dumps(cards[0]["attachments"][0]["content"], ensure_ascii=False)
    assert "キャンセル待ちから繰り上がりました" in card and "受付済" in card and "第7期" in card
    assert "内線 2345" in card
    assert proactive_to(runner, leaving) == []
    runner.call(deliver_all(worker_for(runner.fake, servers.settings.state_db, servers.settings.catalogue_db), conn))
    assert len(proactive_to(runner, waiting)) == 1, "a second worker run sends nothing again"


def test_a_reminder_set_in_conversation_fires_the_day_before_when_the_clock_gets_there(teams):
    runner, servers = teams
    who = person(600)
    reply = say(teams, who, "RPA研修の前の日に教えて")
    assert "承知しました" in reply and "12月15日（火） 9:00ごろ" in reply

    clock = ShiftedClock(dt.datetime(2026, 12, 15, 8, 59, 58, tzinfo=JST))
    worker = worker_for(runner.fake, servers.settings.state_db, servers.settings.catalogue_db, clock=clock)
    runner.call(run_until(worker, lambda: clock.now() >= dt.datetime(2026, 12, 15, 8, 59, 59, 500000, tzinfo=JST)))
    assert proactive_to(runner, who) == [], "not before its time"

    clock.set(dt.datetime(2026, 12, 15, 9, 0, tzinfo=JST))
    worker = worker_for(runner.fake, servers.settings.state_db, servers.settings.catalogue_db, clock=clock)
    runner.call(run_until(worker, lambda: len(proactive_to(runner, who)) >= 1))
    (message,) = proactive_to(runner, who)
    card = json.dumps(message["attachments"][0]["content"], ensure_ascii=False)
    assert "リマインド：RPA活用研修" in card and "明日の開催です" in card and "10:00〜11:30" in card
    assert "設定中のリマインドはありません" in say(teams, who, "リマインド一覧")  # it was sent


def test_a_person_teams_refuses_is_shown_to_the_office(teams, tmp_path):
    runner, servers = teams
    conn = state.connect(servers.settings.state_db)
    blocked = person(700)
    register(conn, blocked)
    with_reference(conn, runner.fake, blocked)
    runner.fake.blocked.add(blocked.conversation_id)
    with state.transaction(conn):
        outbox.enqueue(
            conn,
            kind="announcement",
            person_id=blocked.person_id,
            payload={"cohort_id": COHORT, "text": "説明会のお知らせ"},
            dedupe_key="e2e:blocked",
            now=dt.datetime.now(JST),
        )
    worker = worker_for(runner.fake, servers.settings.state_db, servers.settings.catalogue_db, FAST)
    runner.call(run_until(worker, lambda: outbox.messages(conn, "dedupe_key = 'e2e:blocked'")[0].status == "dead"))
    assert conversation_refs.get(conn, blocked.person_id).is_dead

    env = {**servers.env, "MANABI_STATE_DB": str(servers.settings.state_db)}
    status = subprocess.run(
        [sys.executable, "-m", "bot", "notifications", "status"],
        env=env,
        cwd=str(PROJECT_ROOT),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 0, status.stderr
    assert "届かない人（Teamsで拒否）" in status.stdout and "職員p七〇〇" in status.stdout
    assert "403 ConversationBlockedByUser" in status.stdout

    page = office_page(env, tmp_path, "/office/notifications")
    assert "届かない人（Teamsで拒否）" in page and "職員p七〇〇" in page and "ConversationBlockedByUser" in page


def office_page(env: dict[str, str], tmp_path, path: str) -> str:
    """Logs in to the console (on a port of its own) as a new office user and returns the page."""
    port = launcher.free_port()
    office_env = {
        **env,
        "MANABI_OFFICE_PORT": str(port),
        "MANABI_OFFICE_ENABLED": "1",
        "MANABI_LOG_DIR": str(tmp_path / "log"),
    }
    password = "correct horse battery staple 42"
    added = subprocess.run(
        [sys.executable, "-m", "bot", "office", "add-user", "jimukyoku", "--password-stdin"],
        input=password + "\n",
        env=office_env,
        cwd=str(PROJECT_ROOT),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    server = launcher.office_server(office_env)
    assert server is not None
    server.start(timeout=60)
    try:
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(f"{base}/office/login", timeout=10).read().decode("utf-8")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"name": "jimukyoku", "password": password, "csrf": csrf, "next": path})
        request = urllib.request.Request(f"{base}/office/login", data=body.encode(), headers={"Origin": base})
        with opener.open(request, timeout=10) as response:
            return response.read().decode("utf-8")
    finally:
        server.stop()


def test_make_serve_starts_the_worker():
    settings = load_settings({})
    worker = launcher.delivery_worker(settings, {})
    assert worker.command[-3:] == ["bot", "notifications", "worker"] and worker.health_url is None
    assert worker.log_path.name == "notifications.log"

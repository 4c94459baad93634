"""Registering interest end to end, over HTTP against the running Rasa and action servers.

Conversations go through Rasa's REST channel (tests/support/servers.py). The concurrency test
drives the action server's /webhook directly with 200 simultaneous requests (the submit action
each conversation ends with): going through Rasa would take 200 × 8 turns on two cores, and what
is under test is the store behind the action server, not the dialogue. The action server runs
two worker processes here, so those requests really do write the state DB from two processes.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from bot.devtools.servers import MODEL, ManabiServers
from bot.registrations import store
from bot.registrations.model import Application
from bot.settings import PROJECT_ROOT
from bot.state import db as state
from tests.registration_data import person_name, staff_number

COHORT = "leader-7"
MOTIVATION = "窓口の手続きをオンライン化して、住民の待ち時間を減らしたいです"
# (what the person says, what the bot's answer must contain)
FORM_STEPS: list[tuple[str, str]] = [
    ("リーダー研修に応募したい", "お名前"),
    ("山田太郎です", "所属"),
    ("環境保全課です", "職員番号"),
    ("２０４５１８", "推薦区分"),
    ("自薦です", "志望動機"),
    (MOTIVATION, "よろしいですか"),
]


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[ManabiServers]:
    model = Path(os.environ.get("MANABI_TEST_MODEL") or MODEL)  # a model trained elsewhere, for development
    with ManabiServers(
        tmp_path_factory.mktemp("registration-e2e"), model=model, extra_env={"ACTION_SERVER_SANIC_WORKERS": "2"}
    ) as running:
        yield running


@pytest.fixture
def db(servers: ManabiServers) -> Iterator[sqlite3.Connection]:
    """The servers' state DB, with the cohort emptied before each test."""
    conn = state.connect(servers.settings.state_db)
    store.delete_cohort(conn, COHORT, actor="test")
    yield conn
    conn.close()


def say(
    servers: ManabiServers, sender: str, text: str, expected: Sequence[str] = (), metadata: dict[str, Any] | None = None
) -> str:
    """Send a message; the reply must contain every ``expected`` fragment."""
    reply = servers.say(sender, text, metadata=metadata)
    for fragment in expected:
        assert fragment in reply, f"{text!r} → {reply!r} lacks {fragment!r}\n{servers.log_tail()}"
    return reply


def fill_form(
    servers: ManabiServers,
    sender: str,
    steps: Sequence[tuple[str, str]] = FORM_STEPS,
    metadata: dict[str, Any] | None = None,
) -> None:
    for text, expected in steps:
        say(servers, sender, text, [expected], metadata)


def seed(conn: sqlite3.Connection, count: int) -> None:
    """``count`` people registered before the test (as if through the bot)."""
    for n in range(count):
        store.register(
            conn,
            Application(
                COHORT,
                f"seed-{n:03d}",
                person_name(f"seed-{n:03d}"),
                "税務課",
                f"{300000 + n}",
                "self",
                "業務改善に取り組みたいです",
            ),
            seats=20,
        )


def test_register_list_duplicate_and_cancel_with_promotion(servers, db):
    seed(db, 19)
    fill_form(servers, "aad-a")
    say(servers, "aad-a", "はい", ["受付済", "受付番号 leader-7-020"])

    teams = {"channel": "teams", "teams": {"user_name": "佐藤 花子", "aad_object_id": "aad-b"}}
    say(servers, "aad-b", "リーダー研修に応募したい", ["応募の目安：概ね30代", "所属"], metadata=teams)  # name known
    # aad-a's 職員番号 from another account: the form does not tell (issue 11), the store refuses it
    # at the end without saying whose it is; b then applies with their own number.
    fill_form(servers, "aad-b", FORM_STEPS[2:], metadata=teams)
    refused = say(servers, "aad-b", "はい", ["登録を完了できませんでした", "内線 2345"], metadata=teams)
    assert "別のアカウント" not in refused and "山田" not in refused
    assert store.get(db, "aad-b", COHORT) is None
    say(servers, "aad-b", "リーダー研修に応募したい", ["所属"], metadata=teams)
    steps = [FORM_STEPS[2], ("204519", "推薦区分"), *FORM_STEPS[4:]]
    fill_form(servers, "aad-b", steps, metadata=teams)
    say(servers, "aad-b", "はい", ["キャンセル待ち 1番目"])

    say(servers, "aad-a", "申込状況を教えて", ["受付済", "leader-7-020"])
    reply = say(servers, "aad-a", "リーダー研修に応募したい", ["すでに登録されています", "受付済"])
    assert "お名前" not in reply

    say(servers, "aad-a", "申込を取り消したい", ["取り消します。よろしいですか"])
    say(servers, "aad-a", "はい", ["取り消しました"])
    say(servers, "aad-b", "申込状況を教えて", ["受付済"])
    say(servers, "aad-a", "申込状況を教えて", ["取消済"])

    assert store.get(db, "aad-b", COHORT).status == "confirmed"
    assert store.get(db, "aad-b", COHORT).name == "佐藤 花子"
    assert store.get(db, "aad-a", COHORT).department == "環境保全課"
    assert store.counts(db, COHORT) == {"confirmed": 20, "waitlisted": 0, "cancelled": 1}
    assert ("promoted", "aad-b") in {(a["event"], a["person_id"]) for a in store.audit_trail(db, COHORT)}


def test_questions_mid_form_are_answered_and_the_form_resumes(servers, db):
    say(servers, "aad-c", "リーダー研修に応募したい", ["お名前"])
    say(servers, "aad-c", "来月の研修は？", ["2026年12月", "お名前"])
    say(servers, "aad-c", "今日の天気は？", ["お問い合わせ", "お名前"])
    say(servers, "aad-c", "山田花子です", ["所属"])
    say(servers, "aad-c", "やめる", ["取りやめました"])
    assert store.get(db, "aad-c", COHORT) is None
    say(servers, "aad-c", "山田花子です")  # outside the form: no longer read as an answer
    assert store.get(db, "aad-c", COHORT) is None


def test_a_name_and_department_in_the_first_message_are_not_asked_again(servers, db):
    """Issue 15: the person introduces themselves while asking to register; the form starts with it."""
    reply = say(servers, "aad-g", "市民課の田中一郎です。リーダー研修に申し込みたい", ["職員番号"])
    assert "お名前" not in reply and "所属（" not in reply
    fill_form(servers, "aad-g", [("204520", "推薦区分"), *FORM_STEPS[4:]])
    say(servers, "aad-g", "はい", ["受付済"])
    stored = store.get(db, "aad-g", COHORT)
    assert (stored.name, stored.department, stored.department_id) == ("田中一郎", "市民課", "shimin")

    reply = say(servers, "aad-h", "リーダー研修に応募したい。名前は山田花子です", ["所属"])
    assert "お名前" not in reply
    say(servers, "aad-h", "やめる", ["取りやめました"])
    reply = say(servers, "aad-i", "リーダー研修に申し込みたい。氏名は佐藤花子、所属は福祉課です", ["職員番号"])
    assert "お名前" not in reply
    say(servers, "aad-i", "やめる", ["取りやめました"])


def test_invalid_answers_are_asked_again_and_no_stores_nothing(servers, db):
    steps = [
        FORM_STEPS[0],
        FORM_STEPS[1],
        FORM_STEPS[2],
        ("12345", "6桁の数字"),
        FORM_STEPS[3],
        FORM_STEPS[4],
        ("がんばります", "10文字以上"),
        FORM_STEPS[5],
    ]
    fill_form(servers, "aad-d", steps)
    say(servers, "aad-d", "いいえ", ["登録は取りやめました"])
    assert store.get(db, "aad-d", COHORT) is None


def test_restarting_both_servers_mid_form_and_after_registering_loses_nothing(servers, db):
    restarts = {1: [servers.restart_actions], 3: [servers.restart_rasa, servers.restart_actions]}
    for step, (text, expected) in enumerate(FORM_STEPS):
        say(servers, "aad-e", text, [expected])
        for restart in restarts.get(step, []):  # between two questions
            restart()
    say(servers, "aad-e", "はい", ["受付済"])
    servers.restart_rasa()
    servers.restart_actions()
    say(servers, "aad-e", "申込状況を教えて", ["受付済", "leader-7-001"])
    stored = store.get(db, "aad-e", COHORT)
    assert (stored.name, stored.department, stored.staff_number) == ("山田太郎", "環境保全課", "204518")
    assert store.counts(db, COHORT)["confirmed"] == 1


def test_after_the_deadline_nothing_is_asked_or_stored(servers, db):
    servers.actions.env["MANABI_TODAY"] = "2027-04-01"  # the action server decides; Rasa has no clock
    servers.restart_actions()
    try:
        reply = say(servers, "aad-f", "リーダー研修に応募したい", ["2027年3月31日（水）で締め切りました", "内線 2345"])
        assert "お名前" not in reply
        say(servers, "aad-f", "山田太郎です")
        assert store.get(db, "aad-f", COHORT) is None
    finally:
        servers.actions.env["MANABI_TODAY"] = servers.settings.today
        servers.restart_actions()


# --- 200 people at once -------------------------------------------------------------------------
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
ANSWERS = {
    "reg_cohort": COHORT,
    "reg_name": "山田太郎",
    "reg_department": "市民課",
    "reg_staff_number": "204518",
    "reg_recommendation": "self",
    "reg_motivation": MOTIVATION,
    "reg_confirm": "yes",
}


def submit_request(sender: str) -> dict[str, Any]:
    """What Rasa sends the action server when a confirmed registration form ends."""
    slots = {**dict.fromkeys(DOMAIN["slots"]), **ANSWERS, "reg_staff_number": staff_number(sender)}
    latest = {"text": "はい", "intent": {"name": "affirm", "confidence": 0.99}, "entities": [], "metadata": {}}
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "はい", "parse_data": latest, "input_channel": "rest"},
        {"event": "action", "name": "registration_form"},
        {"event": "active_loop", "name": None},
        {"event": "slot", "name": "requested_slot", "value": None},
    ]
    tracker = {
        "sender_id": sender,
        "slots": slots,
        "latest_message": latest,
        "events": events,
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "registration_form",
    }
    return {
        "next_action": "action_registration_submit",
        "sender_id": sender,
        "tracker": tracker,
        "domain": DOMAIN,
        "version": "3.6.21",
    }


async def post_all(servers: ManabiServers, senders: list[str]) -> list[dict[str, Any]]:
    """Every request in flight at the same time (no connection limit), with the action server's secret."""
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=120)
    ) as session:

        async def post(sender: str) -> dict[str, Any]:
            async with session.post(
                servers.action_url, json=submit_request(sender), headers=servers.action_headers
            ) as response:
                assert response.status == 200, await response.text()
                return await response.json()

        return await asyncio.gather(*(post(sender) for sender in senders))


def reply_texts(result: dict[str, Any]) -> str:
    return "\n".join(r.get("text") or "" for r in result.get("responses", []))


def test_200_people_registering_at_once_fill_exactly_20_seats(servers, db):
    people = [f"aad-{n:03d}" for n in range(200)]
    results = asyncio.run(post_all(servers, people))
    answers = [reply_texts(r) for r in results]
    assert sum("**受付済**" in a for a in answers) == 20
    assert sum("キャンセル待ち" in a for a in answers) == 180
    assert store.counts(db, COHORT) == {"confirmed": 20, "waitlisted": 180, "cancelled": 0}
    rows = db.execute("SELECT person_id, queue_no FROM registrations WHERE cohort_id = ?", (COHORT,)).fetchall()
    assert sorted(r["person_id"] for r in rows) == people  # each person exactly once, nobody lost
    assert sorted(r["queue_no"] for r in rows) == list(range(1, 201))
    waitlist = [r.waitlist_position for r in store.for_cohort(db, COHORT, ("waitlisted",))]
    assert waitlist == list(range(1, 181))
    assert sum(a["event"] == "registered" for a in store.audit_trail(db, COHORT)) == 200

    again = asyncio.run(post_all(servers, people))  # everyone clicks はい twice
    assert all("すでに登録されています" in reply_texts(r) for r in again)
    assert store.counts(db, COHORT) == {"confirmed": 20, "waitlisted": 180, "cancelled": 0}


def test_the_servers_logged_no_errors(servers):
    """Last: nothing above made either server log an error (e.g. a response template or an action)."""
    for server in (servers.actions, servers.rasa):
        errors = [
            line
            for line in server.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
            if " ERROR " in line or "Traceback" in line
        ]
        assert errors == [], f"{server.name}: {errors[:3]}"

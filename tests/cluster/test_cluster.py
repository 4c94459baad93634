"""The cluster end to end: two Rasa servers on PostgreSQL and Redis behind HAProxy (tests/cluster/conftest.py).

* 200 people register at once through the load balancer, over both replicas, while one replica is
  killed and comes back: exactly 20 confirmed and 180 on the waitlist, each person once, an audit
  row for every registration, every client done (those that met the dead replica retried);
* a conversation whose messages alternate between the replicas keeps its form and its exam;
* two messages of one conversation given to both replicas at the same moment (what a load
  balancer without per-conversation routing does): handled one after the other, nothing lost;
* PostgreSQL restarts: the servers answer again, with the conversation remembered, in seconds.

Conversations use the REST channel (loopback only), as the other end-to-end tests do.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.deploy.cluster import LocalCluster
from bot.registrations import store
from bot.registrations.model import CANCELLED, CONFIRMED, WAITLISTED
from bot.state import db as state
from bot.state.trackers import open_trackers
from tests.e2e.test_registration_e2e import FORM_STEPS
from tests.registration_data import person_name, staff_number

pytestmark = [pytest.mark.e2e, pytest.mark.cluster]

COHORT = "leader-7"
PEOPLE = 200
SEATS = 20
PG_RESTART_LIMIT_SECONDS = 30  # docs/deploy.md states it; the measured time is printed


class TurnFailed(RuntimeError):
    """The balancer or a replica did not answer this message (a client would try again)."""


def say(base_url: str, sender: str, text: str, timeout: float = 90.0) -> str:
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            messages = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise TurnFailed(f"{text!r}: {error}") from error
    return "\n".join(m.get("text", "") for m in messages if m.get("text"))


def form_for(person: str) -> list[tuple[str, str]]:
    """The registration dialogue of tests/e2e (kept in one place), with this person's name and number."""
    name, number = person_name(person), staff_number(person)
    steps = [
        (text.replace("山田太郎", name).replace("２０４５１８", number), expected) for text, expected in FORM_STEPS
    ]
    return [*steps, ("はい", "")]


def register(base_url: str, person: str, attempts: int = 4) -> tuple[str, int]:
    """One person's registration, retried from the start after a failed turn (as a person would
    start again). Returns (the last answer, how many attempts it took)."""
    for attempt in range(1, attempts + 1):
        try:
            if attempt > 1:
                say(base_url, person, "/restart")  # whatever the failed turn left half done
            reply = ""
            for text, expected in form_for(person):
                reply = say(base_url, person, text)
                if "すでに登録されています" in reply:  # an earlier attempt got through
                    return reply, attempt
                if expected and expected not in reply:
                    raise TurnFailed(f"{person}: {text!r} → {reply!r}")
            if "受付済" in reply or "キャンセル待ち" in reply:
                return reply, attempt
            raise TurnFailed(f"{person}: no receipt in {reply!r}")
        except TurnFailed:
            if attempt == attempts:
                raise
            time.sleep(1.0)
    raise AssertionError("unreachable")


def sessions(cluster: LocalCluster) -> dict[str, int]:
    return {name: int(s["sessions"] or 0) for name, s in cluster.server_states().items() if name.startswith("rasa")}


def test_200_registrations_over_both_replicas_while_one_is_killed(cluster: LocalCluster) -> None:
    conn = state.connect(cluster.postgres.url())
    store.delete_cohort(conn, COHORT, actor="test")
    before = sessions(cluster)
    people = [f"aad-storm-{n:03d}" for n in range(PEOPLE)]
    done: list[tuple[str, int]] = []
    killed = threading.Event()
    victim = cluster.rasa_servers[1]

    def client(person: str) -> tuple[str, int]:
        result = register(cluster.url, person)
        done.append(result)
        if len(done) == PEOPLE // 3 and not killed.is_set():  # a third of the way through the storm
            killed.set()
            assert victim.process is not None
            victim.process.kill()  # SIGKILL to the Rasa server, as a crash would
        return result

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(client, people))
    storm_seconds = time.monotonic() - started
    assert killed.is_set() and not victim.running()
    retried = sum(1 for _, attempts in results if attempts > 1)

    counts = store.counts(conn, COHORT)
    assert counts == {CONFIRMED: SEATS, WAITLISTED: PEOPLE - SEATS, CANCELLED: 0}
    rows = store.for_cohort(conn, COHORT)
    assert sorted(r.person_id for r in rows) == people  # each person once
    assert sorted(r.queue_no for r in rows) == list(range(1, PEOPLE + 1))
    assert sorted(r.waitlist_position for r in rows if r.status == WAITLISTED) == list(range(1, PEOPLE - SEATS + 1))
    audit = store.audit_trail(conn, COHORT)
    registered = [a for a in audit if a["event"] == "registered"]
    assert sorted(a["person_id"] for a in registered) == people  # the audit trail is complete
    assert {a["new_status"] for a in registered} == {CONFIRMED, WAITLISTED}
    assert sum(1 for a in registered if a["new_status"] == CONFIRMED) == SEATS
    answers = [reply for reply, _ in results]
    assert sum(1 for a in answers if "受付済" in a) + sum(1 for a in answers if "すでに登録" in a) >= SEATS

    after = sessions(cluster)
    assert after["rasa1"] > before["rasa1"] and after["rasa2"] > before["rasa2"]  # both replicas served

    # The killed replica rejoins: started again, the balancer's health check brings it back.
    rejoin_started = time.monotonic()
    victim.start(timeout=300)
    cluster.wait_balanced(timeout=30)
    rejoin_seconds = time.monotonic() - rejoin_started
    served = sessions(cluster)["rasa2"]
    for n in range(6):  # conversations hash over both servers again
        assert "受験料" in say(cluster.url, f"after-rejoin-{n}", "ITパスポートの受験料は？")
    assert "受験料" in say(cluster.replica_url(1), "after-rejoin-direct", "ITパスポートの受験料は？")
    assert sessions(cluster)["rasa2"] > served
    events, user_turns, event_bytes = conn.execute(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE type_name = 'user'), pg_total_relation_size('events') FROM events"
    ).fetchone()
    print(
        f"\nevents table: {events} events for {user_turns} user messages, {event_bytes / user_turns / 1024:.1f} KiB "
        f"per message with its index (docs/deploy.md: sizes)"
    )
    print(
        f"200 registrations through the balancer in {storm_seconds:.1f} s "
        f"({PEOPLE * len(form_for('x')) / storm_seconds:.0f} turns/s), a replica killed after {PEOPLE // 3}: "
        f"{retried} clients retried, all succeeded; the replica rejoined in {rejoin_seconds:.0f} s"
    )
    conn.close()


def test_a_conversation_alternating_between_replicas_keeps_its_context(cluster: LocalCluster) -> None:
    replicas = [cluster.replica_url(0), cluster.replica_url(1)]
    person = "aad-alternating"
    conn = state.connect(cluster.postgres.url())
    store.delete_person(conn, person, lambda _: SEATS, actor="test")
    steps = form_for(person)
    for n, (text, expected) in enumerate(steps[:-1]):  # the form, one message on each replica in turn
        reply = say(replicas[n % 2], person, text)
        assert expected in reply, f"replica {n % 2 + 1}: {text!r} → {reply!r}"
    last = say(replicas[len(steps) % 2], person, "はい")
    assert "受付済" in last or "キャンセル待ち" in last
    assert store.get(conn, person, COHORT) is not None
    # A remembered exam: asked about on one replica, referred to on the other.
    assert "3,750円" in say(replicas[0], "aad-exam", "ITパスポートの補助はいくら？")
    assert "ITパスポート" in say(replicas[1], "aad-exam", "それの勉強法は？")
    conn.close()


def test_messages_of_one_conversation_at_both_replicas_at_once_are_taken_in_turn(cluster: LocalCluster) -> None:
    """No per-conversation routing (a client talking to both servers): the Redis lock store
    serialises the turns, and the tracker store never appends one turn over another."""
    replicas = [cluster.replica_url(0), cluster.replica_url(1)]
    senders = [f"aad-both-{n}" for n in range(8)]
    questions = ["ITパスポートの受験料は？", "G検定の受験料は？"]

    def both(sender: str) -> list[str]:
        barrier = threading.Barrier(2)

        def one(n: int) -> str:
            barrier.wait()
            return say(replicas[n], sender, questions[n])

        with ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(one, range(2)))

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(both, senders))
    assert all("受験料" in a for pair in answers for a in pair)
    with open_trackers(cluster.postgres.url()) as conn:
        assert conn is not None
        for sender in senders:
            rows = conn.execute(
                "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            ).fetchall()
            user_texts = [json.loads(data).get("text") for kind, data in rows if kind == "user"]
            assert sorted(user_texts) == sorted(questions), f"{sender}: {user_texts}"  # both turns, once each
            kinds = [kind for kind, _ in rows]
            firsts = [i for i, kind in enumerate(kinds) if kind == "user"]
            # Turns did not interleave: the first turn's answer (a bot event) comes before the second message.
            assert "bot" in kinds[firsts[0] : firsts[1]], f"{sender}: {kinds}"


def test_a_postgresql_restart_is_answered_through_within_seconds(cluster: LocalCluster) -> None:
    assert "3,750円" in say(cluster.url, "aad-pg-restart", "ITパスポートの補助はいくら？")
    started = time.monotonic()
    cluster.postgres.stop()
    cluster.postgres.start()
    back = None
    while time.monotonic() - started < PG_RESTART_LIMIT_SECONDS:
        try:
            reply = say(cluster.url, "aad-pg-restart", "それの勉強法は？", timeout=PG_RESTART_LIMIT_SECONDS)
        except TurnFailed:
            time.sleep(0.5)
            continue
        assert "ITパスポート" in reply  # the conversation is remembered (read from PostgreSQL again)
        back = time.monotonic() - started
        break
    assert back is not None, f"no answer within {PG_RESTART_LIMIT_SECONDS} s of a PostgreSQL restart"
    # The action servers' state DB connections reconnect too: a registration goes through.
    reply, _ = register(cluster.url, "aad-after-pg-restart")
    assert "受付" in reply or "キャンセル待ち" in reply
    print(f"\nPostgreSQL restarted; the cluster answered (with the conversation) {back:.1f} s after the stop began")

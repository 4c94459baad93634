"""bot.rasa_patches.stores.PostgresTrackerStore: Rasa's rows and answers on PostgreSQL, with two
servers saving one conversation at once never appending a turn twice."""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.devtools.tracker_turns import DOMAIN, dicts, turn
from bot.rasa_patches.stores import PostgresTrackerStore, TrackerStoreFromSettings
from bot.rasa_patches.tracker_store import SQLiteTrackerStore
from tests import services

pytestmark = pytest.mark.asyncio


@pytest.fixture
def url():
    name, url = services.new_database()
    yield url
    services.postgres().drop_database(name)


def rasa_store(url: str) -> SQLTrackerStore:
    return SQLTrackerStore(DOMAIN, dialect="postgresql", host=url)


async def test_rows_and_answers_are_rasas(url: str) -> None:
    ours = PostgresTrackerStore(DOMAIN, url=url)
    tracker = DialogueStateTracker.from_events("s1", turn("こんにちは", "greet"), DOMAIN.slots)
    await ours.save(tracker)
    tracker.update_with_events(turn("ITパスの補助は？", "ask_subsidy_amount", SlotSet("exam", "itpass")), DOMAIN)
    await ours.save(tracker)
    theirs = rasa_store(url)
    assert dicts(await theirs.retrieve("s1")) == dicts(await ours.retrieve("s1")) == dicts(tracker)
    assert (await ours.retrieve("s1")).get_slot("exam") == "itpass"
    assert await ours.retrieve("nobody") is None
    # Rasa's own store continues a conversation ours saved, and the other way round.
    tracker.update_with_events(turn("ありがとう", "greet"), DOMAIN)
    await theirs.save(tracker)
    assert dicts(await ours.retrieve("s1")) == dicts(tracker)


async def test_only_the_latest_session_is_read(url: str) -> None:
    store = PostgresTrackerStore(DOMAIN, url=url)
    tracker = DialogueStateTracker.from_events("s2", turn("こんにちは", "greet"), DOMAIN.slots)
    await store.save(tracker)
    tracker.update_with_events([SessionStarted(), *turn("また来ました", "greet")], DOMAIN)
    await store.save(tracker)
    assert dicts(await store.retrieve("s2")) == dicts(await rasa_store(url).retrieve("s2"))
    assert len((await store.retrieve_full_tracker("s2")).events) == len(tracker.events)


async def test_two_servers_saving_one_conversation_at_once_append_it_once(url: str) -> None:
    first, second = PostgresTrackerStore(DOMAIN, url=url), PostgresTrackerStore(DOMAIN, url=url)
    for n in range(10):
        tracker = DialogueStateTracker.from_events(f"c{n}", turn("こんにちは", "greet"), DOMAIN.slots)
        await asyncio.gather(
            asyncio.to_thread(asyncio.run, first.save(tracker)), asyncio.to_thread(asyncio.run, second.save(tracker))
        )
    with first.engine.connect() as conn:
        counts = dict(conn.exec_driver_sql("SELECT sender_id, count(*) FROM events GROUP BY sender_id").fetchall())
    assert counts == {f"c{n}": len(turn("x", "greet")) for n in range(10)}


async def test_endpoints_choose_the_store_by_the_settings(url: str, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("MANABI_DATABASE_URL", url)
    assert isinstance(TrackerStoreFromSettings(domain=DOMAIN, db=str(tmp_path / "t.sqlite")), PostgresTrackerStore)
    assert not (tmp_path / "t.sqlite").exists()
    monkeypatch.delenv("MANABI_DATABASE_URL")
    assert isinstance(TrackerStoreFromSettings(domain=DOMAIN, db=str(tmp_path / "t.sqlite")), SQLiteTrackerStore)


async def test_a_postgresql_restart_costs_no_failed_turn(url: str) -> None:
    store = PostgresTrackerStore(DOMAIN, url=url)
    tracker = DialogueStateTracker.from_events("r1", turn("こんにちは", "greet"), DOMAIN.slots)
    await store.save(tracker)
    service = services.postgres()
    service.stop()
    service.start()
    assert dicts(await store.retrieve("r1")) == dicts(tracker)  # pooled connections were checked first
    with store.engine.connect() as conn:
        data = conn.exec_driver_sql("SELECT data FROM events ORDER BY id LIMIT 1").scalar()
    assert json.loads(data)["event"] == "user"

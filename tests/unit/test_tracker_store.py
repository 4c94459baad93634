"""bot.rasa_patches.tracker_store.SQLiteTrackerStore: Rasa's rows and answers, the event cache never stale."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet

from bot.devtools.tracker_turns import DOMAIN, dicts, turn
from bot.rasa_patches.tracker_store import SQLiteTrackerStore

pytestmark = pytest.mark.asyncio


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "trackers.sqlite"


@pytest.fixture
def store(db: Path) -> SQLiteTrackerStore:
    return SQLiteTrackerStore(DOMAIN, db=str(db))


async def test_saves_what_rasa_saves_and_reads_it_back(store: SQLiteTrackerStore, db: Path) -> None:
    tracker = await store.get_or_create_tracker("u1")
    tracker.update_with_events(turn("こんにちは", "greet", SlotSet("exam", "itpass")), DOMAIN)
    await store.save(tracker)

    again = await store.retrieve("u1")
    assert again is not tracker
    assert dicts(again) == dicts(tracker) and again.get_slot("exam") == "itpass"
    rasa_store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))  # the file stays Rasa's format
    assert dicts(await rasa_store.retrieve("u1")) == dicts(tracker)
    rows = (
        sqlite3.connect(str(db))
        .execute("SELECT type_name, intent_name, action_name FROM events WHERE sender_id = 'u1' ORDER BY id")
        .fetchall()
    )
    assert rows == [
        ("action", None, "action_listen"),
        ("user", "greet", None),
        ("slot", None, "exam"),
        ("action", None, "utter_greet"),
        ("bot", None, None),
        ("action", None, "action_listen"),
    ]


async def test_a_turn_appends_only_its_own_events(store: SQLiteTrackerStore, db: Path) -> None:
    tracker = await store.get_or_create_tracker("u1")
    for text in ("こんにちは", "ITパスポートの補助は？", "ありがとう"):
        tracker = await store.retrieve("u1")
        tracker.update_with_events(turn(text, "greet"), DOMAIN)
        await store.save(tracker)
    count = sqlite3.connect(str(db)).execute("SELECT count(*) FROM events").fetchone()[0]
    assert count == 1 + 3 * 4
    assert dicts(await SQLiteTrackerStore(DOMAIN, db=str(db)).retrieve("u1")) == dicts(tracker)


async def test_same_answers_as_rasa_across_a_new_session(store: SQLiteTrackerStore, db: Path) -> None:
    tracker = await store.get_or_create_tracker("u1")
    tracker.update_with_events(turn("こんにちは", "greet"), DOMAIN)
    await store.save(tracker)
    tracker = await store.retrieve("u1")
    later = time.time() + 1
    tracker.update_with_events(
        [
            ActionExecuted("action_session_start", timestamp=later),
            SessionStarted(timestamp=later),
            SlotSet("exam", "fe", timestamp=later),
            ActionExecuted("action_listen", timestamp=later),
        ],
        DOMAIN,
    )
    await store.save(tracker)
    tracker = await store.retrieve("u1")
    tracker.update_with_events(turn("またね", "greet"), DOMAIN)
    await store.save(tracker)

    ours = await store.retrieve("u1")
    rasa = await SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db)).retrieve("u1")
    assert dicts(ours) == dicts(rasa)
    assert ours.events[0].type_name == "session_started" and ours.get_slot("exam") == "fe"


async def test_unsaved_changes_to_a_retrieved_tracker_do_not_leak(store: SQLiteTrackerStore) -> None:
    tracker = await store.get_or_create_tracker("u1")
    tracker.update_with_events(turn("こんにちは", "greet"), DOMAIN)
    await store.save(tracker)
    changed = await store.retrieve("u1")
    changed.update_with_events(turn("保存しない", "greet"), DOMAIN)  # e.g. a turn that failed
    assert dicts(await store.retrieve("u1")) == dicts(tracker)


async def test_a_conversation_deleted_by_another_process_is_gone(store: SQLiteTrackerStore, db: Path) -> None:
    tracker = await store.get_or_create_tracker("u1")
    tracker.update_with_events(turn("こんにちは", "greet"), DOMAIN)
    await store.save(tracker)
    assert await store.retrieve("u1") is not None
    conn = sqlite3.connect(str(db))
    conn.execute("DELETE FROM events WHERE sender_id = 'u1'")  # as bot/privacy/trackers.py does
    conn.commit()
    assert await store.retrieve("u1") is None
    fresh = await store.get_or_create_tracker("u1")
    assert [e.type_name for e in fresh.events] == ["action"]


async def test_events_written_by_another_server_are_seen(store: SQLiteTrackerStore, db: Path) -> None:
    tracker = await store.get_or_create_tracker("u1")
    tracker.update_with_events(turn("こんにちは", "greet"), DOMAIN)
    await store.save(tracker)
    assert await store.retrieve("u1") is not None  # cached now

    other = SQLiteTrackerStore(DOMAIN, db=str(db))
    theirs = await other.retrieve("u1")
    theirs.update_with_events(turn("ITパスポートの補助は？", "ask_subsidy_amount", SlotSet("exam", "itpass")), DOMAIN)
    await other.save(theirs)

    ours = await store.retrieve("u1")
    assert dicts(ours) == dicts(theirs) and ours.get_slot("exam") == "itpass"
    ours.update_with_events(turn("ありがとう", "greet"), DOMAIN)  # our save must not duplicate theirs
    await store.save(ours)
    assert dicts(await SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db)).retrieve("u1")) == dicts(ours)


async def test_the_cache_is_bounded_and_can_be_switched_off(db: Path) -> None:
    small = SQLiteTrackerStore(DOMAIN, db=str(db), cache_events=12)
    for sender in ("a", "b", "c"):
        tracker = await small.get_or_create_tracker(sender)
        tracker.update_with_events(turn("こんにちは", "greet"), DOMAIN)
        await small.save(tracker)  # 5 events each
    assert len(small._cache) == 2
    assert dicts(await small.retrieve("a")) == dicts(
        await SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db)).retrieve("a")
    )

    off = SQLiteTrackerStore(DOMAIN, db=str(db), cache_events=0)
    tracker = await off.retrieve("b")
    tracker.update_with_events(turn("またね", "greet"), DOMAIN)
    await off.save(tracker)
    assert len(off._cache) == 0
    assert len((await off.retrieve("b")).events) == 9


async def test_full_tracker_and_keys_still_work(store: SQLiteTrackerStore) -> None:
    for sender in ("a", "b"):
        tracker = await store.get_or_create_tracker(sender)
        tracker.update_with_events(turn("こんにちは", "greet"), DOMAIN)
        await store.save(tracker)
    assert sorted([key async for key in _keys(store)]) == ["a", "b"]
    assert len((await store.retrieve_full_tracker("a")).events) == 5


async def _keys(store: SQLiteTrackerStore):
    for key in await store.keys():
        yield key

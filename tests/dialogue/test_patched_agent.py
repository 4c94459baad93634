"""The trained model parses, and the processor answers, the same with bot.rasa_patches as with
Rasa's own code (the patches that need no model are compared in tests/unit/test_rasa_patches.py,
the served assistant end to end in tests/e2e)."""

from __future__ import annotations

import asyncio
import logging
import pstats
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot import rasa_patches
from bot.rasa_patches.server_profile import ServerProfile
from bot.settings import PROJECT_ROOT
from bot.training import model_path

MODEL = model_path(PROJECT_ROOT / "models")
TEXTS = [
    "こんにちは",
    "来月の研修は？",
    "ITパスポートの補助はいくら？",
    "それの勉強法は？",
    "補助の対象になりますか？",
    "正規職員です",
    "合格しました",
    "市民課です",
    "今日の天気は？",
    "ありがとうございました",
    "ｉパスの受験料",
    "きほんじょうほうのべんきょうほう",
    "リーダー研修に応募したい",
    "/affirm",
    "はい",
    "やめる",
]


CONVERSATIONS = [
    TEXTS[:10],  # the benchmark's conversation (benchmarks/script.py): answers, a subsidy check
    ["リーダー研修に応募したい", "山田太郎です", "市民課です", "やめる", "はい"],  # the registration form
    ["ｉパスの受験料", "きほんじょうほうのべんきょうほう", "/affirm", "はい", "やめる"],
]


@pytest.fixture(scope="module")
def agent(catalogue_db, tmp_path_factory):
    """The trained model with a real action server (as bot.launcher starts it) behind it."""
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL} (make test trains it)")
    import os

    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    from bot.devtools.servers import ManabiServers

    os.environ["MANABI_CATALOGUE_DB"] = str(catalogue_db)
    configure_structlog(logging.WARNING)  # as `rasa run --quiet`: debug lines are dropped
    servers = ManabiServers(tmp_path_factory.mktemp("patched-agent"))
    servers.actions.start(timeout=60)
    try:
        yield Agent.load(str(MODEL), action_endpoint=EndpointConfig(servers.action_url, headers=servers.action_headers))
    finally:
        servers.actions.stop()


def parse_all(agent) -> list:
    async def run() -> list:
        return [await agent.parse_message(text) for text in TEXTS]

    return asyncio.run(run())


def assert_same_parses(ours: list, theirs: list) -> None:
    for mine, rasas in zip(ours, theirs):
        assert mine["intent"]["name"] == rasas["intent"]["name"], mine["text"]
        assert mine["intent"]["confidence"] == pytest.approx(rasas["intent"]["confidence"], abs=1e-6)
        assert [i["name"] for i in mine["intent_ranking"]] == [i["name"] for i in rasas["intent_ranking"]]
        assert mine["entities"] == rasas["entities"]


def test_parses_match_rasas_own_code(agent) -> None:
    theirs = parse_all(agent)
    with rasa_patches.applied():
        ours = parse_all(agent)
    assert_same_parses(ours, theirs)


UNIQUE_EACH_TIME = {"timestamp", "message_id"}


def without_ids(value: Any) -> Any:
    """An event's data without what differs on every run (times, message ids)."""
    if isinstance(value, dict):
        return {key: without_ids(item) for key, item in value.items() if key not in UNIQUE_EACH_TIME}
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value


def converse(agent, sender: str) -> list[Any]:
    """Every conversation through the processor: what the bot said and the events of the tracker
    (without their times), per turn."""

    async def run() -> list[Any]:
        from bot.rasa_patches.keep_alive import close_shared_sessions

        turns = []
        for number, texts in enumerate(CONVERSATIONS):
            for text in texts:
                output = CollectingOutputChannel()
                await agent.handle_message(UserMessage(text, output, f"{sender}-{number}"))
                tracker = await agent.tracker_store.retrieve(f"{sender}-{number}")
                events = [without_ids(event.as_dict()) for event in tracker.events]
                said = [{k: v for k, v in m.items() if k != "recipient_id"} for m in output.messages]
                turns.append((text, said, events))
        await close_shared_sessions()
        return turns

    return asyncio.run(run())


def test_conversations_go_as_with_rasas_own_code(agent) -> None:
    theirs = converse(agent, "unpatched")
    with rasa_patches.applied():
        ours = converse(agent, "patched")
    assert len(ours) == len(theirs) == sum(map(len, CONVERSATIONS))
    for (text, said, events), (_, rasa_said, rasa_events) in zip(ours, theirs):
        assert said == rasa_said, text
        for event, rasa_event in zip(events, rasa_events):
            assert event == rasa_event, text
        assert len(events) == len(rasa_events), text
    # what the patches change was used: custom actions answered every turn, and the form ran
    assert all(said for _, said, _ in ours)
    form_turn = ours[len(CONVERSATIONS[0]) + 1][2]
    assert any(event["event"] == "active_loop" and event.get("name") == "registration_form" for event in form_turn)


def test_the_profiled_processor_answers_as_rasas(agent, tmp_path) -> None:
    theirs = converse(agent, "unprofiled")
    profile = ServerProfile(str(tmp_path / "rasa.pstats"))
    with rasa_patches.applied(extra=[profile.patch()]) as names:
        assert "server_profile" in names
        ours = converse(agent, "profiled")
    profile.write()
    assert ours == theirs
    functions = {name for _, _, name in pstats.Stats(str(tmp_path / "rasa.pstats")).stats}  # type: ignore[attr-defined]
    assert "handle_message" in functions and "_predict_next_with_tracker" in functions

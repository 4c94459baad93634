"""The trained model parses the same with bot.speedups' fixes as with Rasa's own code paths.

(The fixes that need no model are compared in tests/unit/test_speedups.py; the served
assistant end to end in tests/e2e.)
"""

from __future__ import annotations

import asyncio

import pytest
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.utils.tensorflow.models import RasaModel

from bot import speedups
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


@pytest.fixture(scope="module")
def agent(catalogue_db):
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL} (make test trains it)")
    import os

    from rasa.core.agent import Agent

    os.environ["MANABI_CATALOGUE_DB"] = str(catalogue_db)
    assert speedups.apply_patches()
    return Agent.load(str(MODEL))


def parse_all(agent) -> list:
    async def run() -> list:
        return [await agent.parse_message(text) for text in TEXTS]

    return asyncio.run(run())


def test_parses_match_rasas_own_runner_and_tensorflow_call(agent, monkeypatch) -> None:
    patched = parse_all(agent)
    monkeypatch.setattr(DaskGraphRunner, "run", speedups.original(DaskGraphRunner, "run"))
    monkeypatch.setattr(RasaModel, "_rasa_predict", speedups.original(RasaModel, "_rasa_predict"))
    stock = parse_all(agent)
    for ours, theirs in zip(patched, stock):
        assert ours["intent"]["name"] == theirs["intent"]["name"], ours["text"]
        assert ours["intent"]["confidence"] == pytest.approx(theirs["intent"]["confidence"], abs=1e-6)
        assert [i["name"] for i in ours["intent_ranking"]] == [i["name"] for i in theirs["intent_ranking"]]
        assert ours["entities"] == theirs["entities"]

"""The stock baseline's DIET patch (benchmarks/diet_predict.py) parses as Rasa's own TensorFlow call.

Our pipeline has no DIET, so a tiny DIET model is trained here (a few epochs on a few examples: what
it predicts does not matter, only that both paths predict the same).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from benchmarks.diet_predict import PATCH
from bot import rasa_patches

CONFIG = """
recipe: default.v1
language: en
assistant_id: diet-predict-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 3
  - name: DIETClassifier
    epochs: 40
    random_seed: 7
    constrain_similarities: true
    number_of_transformer_layers: 0
    hidden_layers_sizes: {text: []}
    embedding_dimension: 8
policies: []
"""
NLU = """
version: "3.1"
nlu:
  - intent: greet
    examples: |
      - こんにちは
      - おはようございます
      - こんばんは
  - intent: ask_subsidy_amount
    examples: |
      - [ITパスポート](exam) の 補助 は いくら
      - [基本情報](exam) の 補助額 を 教えて
      - [応用情報](exam) の 補助 は 出ますか
  - intent: ask_schedule
    examples: |
      - 来月 の 研修 は
      - [RPA研修](course) は いつ
      - 研修 の 日程 を 教えて
"""
TEXTS = ["こんにちは", "ITパスポート の 補助 は いくら", "来月 の 研修", "RPA研修 は いつ", "天気", "基本情報 の 日程"]


@pytest.fixture(scope="module")
def agent(tmp_path_factory):
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    folder: Path = tmp_path_factory.mktemp("diet")
    (folder / "config.yml").write_text(CONFIG, encoding="utf-8")
    (folder / "nlu.yml").write_text(NLU, encoding="utf-8")
    model = train_nlu(str(folder / "config.yml"), str(folder / "nlu.yml"), str(folder), fixed_model_name="diet")
    assert model, "the tiny DIET model did not train"
    return Agent.load(model)


def parse_all(agent) -> list:
    async def run() -> list:
        return [await agent.parse_message(text) for text in TEXTS]

    return asyncio.run(run())


def test_diet_parses_as_with_rasas_own_call(agent) -> None:
    from rasa.utils.tensorflow.models import RasaModel

    theirs = parse_all(agent)
    with rasa_patches.applied(extra=[PATCH]) as names:
        assert "diet_predict" in names and RasaModel._rasa_predict.__module__ == "benchmarks.diet_predict"
        ours = parse_all(agent)
    assert [parse["intent"]["name"] for parse in ours[:2]] == ["greet", "ask_subsidy_amount"]
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    diet = [node._component.model for node in nodes if type(node._component).__name__ == "DIETClassifier"]
    assert len(diet) == 1 and "_manabi_direct" in vars(diet[0])  # the direct path ran, not the fallback
    for mine, rasas in zip(ours, theirs):
        assert mine["intent"]["name"] == rasas["intent"]["name"], mine["text"]
        assert mine["intent"]["confidence"] == pytest.approx(rasas["intent"]["confidence"], abs=1e-6)
        assert [(i["name"], pytest.approx(i["confidence"], abs=1e-6)) for i in mine["intent_ranking"]] == [
            (i["name"], i["confidence"]) for i in rasas["intent_ranking"]
        ]
        assert mine["entities"] == rasas["entities"]

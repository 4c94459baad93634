"""configs/baseline-stock.yml is the stock pipeline issue 5 names, with our dialogue policies."""

import yaml

from bot.settings import PROJECT_ROOT


def load(path):
    return yaml.safe_load((PROJECT_ROOT / path).read_text(encoding="utf-8"))


def test_policies_are_identical_to_ours():
    assert load("configs/baseline-stock.yml")["policies"] == load("config.yml")["policies"]


def test_pipeline_is_the_stock_one():
    names = [component["name"] for component in load("configs/baseline-stock.yml")["pipeline"]]
    assert names == [
        "SpacyNLP",
        "SpacyTokenizer",
        "SpacyFeaturizer",
        "DIETClassifier",
        "EntitySynonymMapper",
        "FallbackClassifier",
    ]
    spacy = load("configs/baseline-stock.yml")["pipeline"][0]
    assert spacy["model"] == "ja_ginza"
    diet = load("configs/baseline-stock.yml")["pipeline"][3]
    assert set(diet) == {"name", "random_seed"}  # Rasa's defaults otherwise

"""CatalogueMentionFeaturizer: kinds of catalogue names and their context as sentence features."""

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.mention_featurizer import CatalogueMentionFeaturizer, delexicalised
from bot.nlu.mentions import MENTIONS, mention_finder
from bot.nlu.tokenizer import JapaneseTokenizer

TRAINING = ["ITパスポートの勉強法は？", "リーダー研修の日程", "市民課です", "こんにちは"]


@pytest.fixture(scope="module")
def tokenizer():
    return JapaneseTokenizer(JapaneseTokenizer.get_default_config())


def message(tokenizer, text, **data):
    built = Message.build(text=text, **data)
    tokenizer.process([built])
    return built


@pytest.fixture
def featurizer(tmp_path, catalogue_db):
    config = {**CatalogueMentionFeaturizer.get_default_config(), "catalogue_db": str(catalogue_db)}
    return CatalogueMentionFeaturizer.create(
        config,
        LocalModelStorage(tmp_path),
        Resource("mentions"),
        ExecutionContext(graph_schema=None, node_name="mentions"),
    )


def test_delexicalised_replaces_each_mention_by_its_kind(tokenizer, catalogue_db):
    finder = mention_finder(str(catalogue_db))
    for text, expected in [
        ("ＡＰの勉強法", "Ⓔの勉強法"),
        ("おうようじょうほうのかこもん", "Ⓔのかこもん"),
        ("正規職員で市民課です", "ⓌでⒹです"),
        ("研修のスケジュール", "研修のすけじゅーる"),
    ]:
        built = message(tokenizer, text)
        assert delexicalised(built, finder.find(built)) == expected


def test_features_name_kinds_and_context(tokenizer, featurizer):
    training = TrainingData([message(tokenizer, text, intent="x") for text in TRAINING])
    featurizer.train(training)
    featurizer.process_training_data(training)
    assert all(MENTIONS not in example.data for example in training.training_examples)  # training data untouched

    live = message(tokenizer, "基本情報の勉強法を教えて")  # another exam, same context as a training example
    featurizer.process([live])
    _, sentence = live.get_sparse_features("text")
    assert sentence is not None and sentence.features.nnz >= 2
    assert MENTIONS in live.data  # shared with the entity extractor

    plain = message(tokenizer, "おはよう")
    featurizer.process([plain])
    _, sentence = plain.get_sparse_features("text")
    assert sentence.features.nnz == 0

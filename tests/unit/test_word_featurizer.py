"""SentenceWordFeaturizer gives exactly the sentence features of Rasa's CountVectorsFeaturizer
(use_lemma, word analyzer) that our intent classifier reads, at a fraction of the cost."""

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.tokenizer import JapaneseTokenizer
from bot.nlu.word_featurizer import SentenceWordFeaturizer, reading_words

TRAINING = [
    "ITパスポートの勉強法は？",
    "リーダー研修の日程を教えて",
    "市民課です",
    "こんにちは！",
    "職員番号は123456です",
    "申込を取り消したい",
    "もうしこみをとりけしたい",
    "ｷｬﾝｾﾙ",
    "AI-OCR研修はいつ？",
    "2027年1月の研修",
    "FEとAPの受験料",
    "はい",
]
LIVE = [
    "ＩＴパスポートの日程は？",
    "りーだーけんしゅうの申込",
    "654321",
    "知らない単語ばかりの文",
    "？？？",
    "1月と2月の研修を教えて",
    "AP",
]


@pytest.fixture(scope="module")
def tokenizer():
    return JapaneseTokenizer(JapaneseTokenizer.get_default_config())


def messages(tokenizer, texts, **data):
    built = [Message.build(text=text, **data) for text in texts]
    tokenizer.process(built)
    return built


def context(name):
    return ExecutionContext(graph_schema=None, node_name=name)


def sentence_row(message):
    _, sentence = message.get_sparse_features("text")
    return sentence.features.toarray()[0]


def test_same_vocabulary_and_rows_as_rasa(tokenizer, tmp_path):
    storage = LocalModelStorage(tmp_path)
    ours = SentenceWordFeaturizer.create(
        SentenceWordFeaturizer.get_default_config(), storage, Resource("words"), context("words")
    )
    rasa = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "use_lemma": True}, storage, Resource("cvf"), context("cvf")
    )
    ours.train(TrainingData(messages(tokenizer, TRAINING, intent="x")))
    rasa.train(TrainingData(messages(tokenizer, TRAINING, intent="x")))
    assert ours._vocabulary == rasa.vectorizers["text"].vocabulary_

    for text in TRAINING + LIVE:
        (mine,) = ours.process(messages(tokenizer, [text]))
        (theirs,) = rasa.process(messages(tokenizer, [text]))
        assert list(sentence_row(mine)) == list(sentence_row(theirs)), text


def test_words_are_readings_without_punctuation(tokenizer):
    (built,) = messages(tokenizer, ["申込は？"])
    assert reading_words(built) == ["モウシコミ".lower(), "ハ".lower()]


def test_untrained_featurizer_adds_nothing(tokenizer, tmp_path):
    featurizer = SentenceWordFeaturizer.create(
        SentenceWordFeaturizer.get_default_config(), LocalModelStorage(tmp_path), Resource("w"), context("w")
    )
    (built,) = featurizer.process(messages(tokenizer, ["こんにちは"]))
    assert built.features == []

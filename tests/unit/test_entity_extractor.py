"""The catalogue entity extractor with our tokenizer: names by characters, then by reading."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entity_extractor import CatalogueEntityExtractor
from bot.nlu.tokenizer import JapaneseTokenizer


@pytest.fixture(scope="module")
def parse(catalogue_db):
    tokenizer = JapaneseTokenizer(JapaneseTokenizer.get_default_config())

    def run(text, match_readings=True):
        config = {
            **CatalogueEntityExtractor.get_default_config(),
            "catalogue_db": str(catalogue_db),
            "match_readings": match_readings,
        }
        extractor = CatalogueEntityExtractor.create(config, None, None, None)
        message = Message.build(text=text)
        tokenizer.process([message])
        extractor.process([message])
        return [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in message.get("entities", [])]

    return run


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ITパスポートの補助", [("exam", "itpass", "ITパスポート")]),
        ("きほんじょうほうをうけます", [("exam", "fe", "きほんじょうほう")]),  # all hiragana
        ("おうようじょうほうの過去問", [("exam", "ap", "おうようじょうほう")]),
        ("RPAけんしゅうっていつ", [("course", "rpa", "RPAけんしゅう")]),  # trailing っ left out
        ("福祉かに所属しています", [("department", "fukushi", "福祉か")]),  # IME left 課 as か
        (
            "かいけいねんどにんようしょくいんです",
            [("employment_type", "fiscal_year", "かいけいねんどにんようしょくいん")],
        ),
        ("請求書の書き方", []),  # セイキュウ is not セイキ (正規)
        ("ITスキルを上げたい", []),
    ],
)
def test_finds_names_by_characters_then_reading(parse, text, expected):
    assert parse(text) == expected


def test_reading_matching_can_be_switched_off(parse):
    assert parse("きほんじょうほうをうけます", match_readings=False) == []

"""Reading the office's YAML: folded Japanese text has no stray spaces where lines were joined."""

from bot.catalogue.sources import load_yaml


def test_folded_japanese_joins_without_a_space(tmp_path):
    source = tmp_path / "courses.yml"
    source.write_text(
        "summary: >-\n  ツールの習得だけでなく、\n  市民目線での課題\n  and English words\n"
        "place: >-\n  本庁舎\n  5階\nname: 山田 太郎\n",
        encoding="utf-8",
    )
    row = load_yaml(source, "courses.yml")
    assert row["summary"] == "ツールの習得だけでなく、市民目線での課題 and English words"
    assert row["place"] == "本庁舎 5階"  # next to ASCII the space stays
    assert row["name"] == "山田 太郎"  # a plain scalar is as typed
    assert (row.file, row.line) == ("courses.yml", 1)

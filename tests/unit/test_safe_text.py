"""Control and bidi characters are removed from names and free texts before they are stored or printed."""

from __future__ import annotations

import pytest

from bot.safe_text import clean_line, clean_text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("山田\u202e郎太", "山田郎太"),  # RIGHT-TO-LEFT OVERRIDE: would show reversed
        ("\u2066山田\u2069 \u200f太郎\u200e", "山田 太郎"),  # isolates and marks
        ("山田\x1b[2J太郎\x07", "山田[2J太郎"),  # terminal escape, bell
        ("山田\n=cmd|' /C calc'!A0", "山田 =cmd|' /C calc'!A0"),  # a line break cannot start a new cell line
        ("山田\u200b\ufeff太郎", "山田太郎"),  # zero-width characters
        ("山田　花子", "山田　花子"),  # the full-width space is part of the name
        ("  山田   太郎\t", "山田 太郎"),
    ],
)
def test_clean_line(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


def test_clean_text_keeps_line_breaks_only() -> None:
    raw = "窓口を\r\nオンライン化\u2028したい\u202e\x00です\t。"
    assert clean_text(raw) == "窓口を\nオンライン化\nしたいです 。"
    assert clean_text(None) == "" and clean_line(None) == ""

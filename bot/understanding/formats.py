"""Courses asked about by their format: 「オンラインの研修ってどれ？」「集合研修は？」.

The words are the parts of each course's ``format`` in courses.yml (「集合研修・オンライン併用（業務時間内）」
gives 集合研修, オンライン併用, 業務時間内), so a new format the office writes is understood at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.catalogue.rows import Course
from bot.text.normalize import match_key

_PARTS = re.compile(r"[・、（）()\s]+")
_SUFFIXES = ("研修", "併用", "形式")
MIN_WORD = 2


def format_words(courses: Sequence[Course]) -> list[str]:
    """The words of the catalogue's formats, longest first (「オンライン併用」 → also 「オンライン」)."""
    words = set()
    for course in courses:
        for part in _PARTS.split(course.format):
            for suffix in _SUFFIXES:
                part = part.removesuffix(suffix)
            if len(part) >= MIN_WORD:
                words.add(part)
    return sorted(words, key=len, reverse=True)


def format_asked(text: str, words: Sequence[str]) -> str:
    """The format word the text uses, or ""."""
    key = match_key(text)
    return next((w for w in words if match_key(w) in key), "")


def of_format(courses: Sequence[Course], word: str) -> list[Course]:
    """The courses whose format has ``word``."""
    key = match_key(word)
    return [c for c in courses if key in match_key(c.format)]

"""Courses asked about by their format or their venue: 「オンラインの研修ってどれ？」「5階でやる研修は？」.

The words are the parts of each course's ``format`` in courses.yml (「集合研修・オンライン併用（業務時間内）」
gives 集合研修, オンライン併用, 業務時間内) and of each session's ``venue`` in sessions.yml (「本庁舎 7階
大会議室」 gives 本庁舎, 7階, 大会議室), so what the office writes is understood at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.catalogue.rows import Course, Session
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


def venue_words(sessions: Sequence[Session]) -> list[str]:
    """The parts of the catalogue's venues, longest first."""
    parts = {p for s in sessions for p in _PARTS.split(s.venue or "") if len(p) >= MIN_WORD}
    return sorted(parts, key=len, reverse=True)


def venue_asked(text: str, words: Sequence[str]) -> str:
    """The venue parts the text names, joined by a space (「本庁舎 5階」), or ""."""
    key = match_key(text)
    found = sorted((key.find(match_key(w)), w) for w in words if match_key(w) in key)
    return " ".join(w for _, w in found)


def at_venue(sessions: Sequence[Session], venue: str) -> set[str]:
    """The courses with a session at a venue that has every part of ``venue``."""
    parts = [match_key(p) for p in venue.split()]
    return {s.course_id for s in sessions if s.venue and all(p in match_key(s.venue) for p in parts)}


def of_format(courses: Sequence[Course], word: str) -> list[Course]:
    """The courses whose format has ``word``."""
    key = match_key(word)
    return [c for c in courses if key in match_key(c.format)]

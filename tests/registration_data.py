"""Valid application data for tests that register many people (the store checks every field)."""

from __future__ import annotations

import hashlib

_KANJI_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")


def person_name(person: str) -> str:
    """「職員p〇一二」: a name for a test person (names hold no digits)."""
    return f"職員{person}".translate(_KANJI_DIGITS)


def staff_number(person: str) -> str:
    """A 6-digit 職員番号 of its own for each test person (the store refuses one 職員番号 twice)."""
    digest = int.from_bytes(hashlib.sha256(person.encode("utf-8")).digest()[:4], "big")
    return f"{100000 + digest % 900000}"

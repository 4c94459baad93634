"""Find catalogue names by their *reading*, for mentions typed in kana or converted wrongly by the IME.

The most common Japanese typing errors keep the sound and change the characters: 「りーだーけんしゅう」
(never converted), 「応用上方」 (応用情報), 「市民か」 (市民課), 「G県」 (G検). The exact and fuzzy matching
of :mod:`bot.text.fuzzy` compares characters and misses them; comparing katakana readings finds them.

Readings come from the tokenizer (SudachiPy, see :mod:`bot.nlu.tokenizer`): the text is a sequence of
tokens with their reading and their span in the original text; each alias has the reading of its
own tokens. To keep ordinary words from matching, a reading match must

* be at least ``MIN_READING_LENGTH`` katakana long,
* start at a token boundary and end at one (a trailing small ッ of the last token is allowed:
  Sudachi reads 「けんしゅうって」 as ケン・シュウッ・テ); a long reading (``LONG_READING_LENGTH``)
  may also end inside a token written in kana, because Sudachi sometimes glues the name's last
  syllable to the next word (「RPAのけんしゅういつ」 → … ケン・シュウイ・ツ),
* be unambiguous: a reading shared by aliases of different targets is not used.

This module does no tokenisation itself and imports no NLP library.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.text.fuzzy import Alias, Match
from bot.text.normalize import is_kana, match_key

MIN_READING_LENGTH = 3
LONG_READING_LENGTH = 6  # may end inside a kana token (see module docstring)
READING_DISTANCE = 1  # reported like a one-character typo (confidence 0.85)
_TRAILING = "ッ"


@dataclass(frozen=True)
class ReadingToken:
    """One token: its reading and its span in the original text."""

    reading: str
    start: int
    end: int


class ReadingMatcher:
    """Exact matching of alias readings in a tokenised text (see module docstring)."""

    def __init__(self, aliases_with_readings: Iterable[tuple[Alias, str]], min_length: int = MIN_READING_LENGTH):
        by_key: dict[str, Alias] = {}
        ambiguous = set()
        for alias, reading in aliases_with_readings:
            key = match_key(reading)
            if len(key) < min_length:
                continue
            known = by_key.get(key)
            if known and (known.kind, known.target) != (alias.kind, alias.target):
                ambiguous.add(key)
            by_key.setdefault(key, alias)
        self._keys: list[tuple[str, Alias]] = sorted(
            ((key, alias) for key, alias in by_key.items() if key not in ambiguous), key=lambda kv: -len(kv[0])
        )

    def __len__(self) -> int:
        return len(self._keys)

    def find(self, text: str, tokens: Sequence[ReadingToken], kinds: Sequence[str] | None = None) -> list[Match]:
        """Non-overlapping reading matches, longest first, as :class:`bot.text.fuzzy.Match`."""
        reading, owner = _reading_text(tokens)
        starts = {i for i in range(len(reading)) if i == 0 or owner[i] != owner[i - 1]}
        taken = [False] * len(reading)
        found: list[Match] = []
        for key, alias in self._keys:
            if kinds and alias.kind not in kinds:
                continue
            position = reading.find(key)
            while position != -1:
                end = position + len(key)
                if (
                    position in starts
                    and not any(taken[position:end])
                    and (
                        _ends_token(reading, owner, end)
                        or (len(key) >= LONG_READING_LENGTH and _is_kana_token(text, tokens, owner, end))
                    )
                ):
                    taken[position:end] = [True] * (end - position)
                    found.append(_match(alias, text, tokens, owner[position], owner[end - 1], reading, owner, end))
                position = reading.find(key, position + 1)
        return sorted(found, key=lambda m: m.start)


def _reading_text(tokens: Sequence[ReadingToken]) -> tuple[str, list[int]]:
    """The concatenated match keys of the token readings, and for each character its token index."""
    chars: list[str] = []
    owner: list[int] = []
    for index, token in enumerate(tokens):
        key = match_key(token.reading)
        chars.extend(key)
        owner.extend([index] * len(key))
    return "".join(chars), owner


def _ends_token(reading: str, owner: list[int], end: int) -> bool:
    if end == len(reading) or owner[end] != owner[end - 1]:
        return True
    rest = [i for i in range(end, len(reading)) if owner[i] == owner[end - 1]]
    return "".join(reading[i] for i in rest) == _TRAILING


def _is_kana_token(text: str, tokens: Sequence[ReadingToken], owner: list[int], end: int) -> bool:
    """True if the token the match ends in is typed in kana, one character per reading character."""
    token = tokens[owner[end - 1]]
    surface = text[token.start : token.end]
    return owner.count(owner[end - 1]) == len(surface) and all(is_kana(char) for char in surface)


def _match(
    alias: Alias,
    text: str,
    tokens: Sequence[ReadingToken],
    first: int,
    last: int,
    reading: str,
    owner: list[int],
    end: int,
) -> Match:
    start, stop = tokens[first].start, tokens[last].end
    rest = owner[end:].count(last)  # reading characters of the last token after the name
    if rest and _is_kana_token(text, tokens, owner, end):
        stop -= rest  # kana: one character per reading character, cut exactly
    elif rest and stop - 1 > start and text[stop - 1] in "っッ":
        stop -= 1  # the trailing small tsu is not part of the name
    return Match(alias.kind, alias.target, start, stop, text[start:stop], READING_DISTANCE)

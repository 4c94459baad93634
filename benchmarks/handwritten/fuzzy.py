"""FROZEN COPY of bot/text/fuzzy.py as of commit 42d9d0e (before rapidfuzz), the baseline that
benchmarks.libraries compares the current matcher with. Do not improve it.

Find catalogue names (aliases) inside free text, tolerating width, kana and small typing errors.

Matching runs on :func:`bot.text.normalize.match_key` forms, so ｱｲﾊﾟｽ, あいぱす and アイパス are the
same key. Exact occurrences win (longest first); then, in the text not yet covered, aliases of four
or more characters may match with a bounded edit distance (ITパスポード → ITパスポート). Short ASCII
keys (FE, AP) match only as whole words and never fuzzily, so "apps" is not 応用情報. A fuzzy match
may not begin or end inside a katakana or Latin word, so 「ITスキル」 is not a mistyped ITパス.
A name right after a negating prefix (不, 非, 未, 無) is not a mention of it: 「不合格でした」 is not
「合格でした」 and 「非正規」 is not 「正規」 (the longer match would otherwise win).
Names written only in kana need five characters to match fuzzily: a kana is a whole syllable, and a
four-kana name with one syllable changed is usually another word (じゅけん, 受験, is not ジーケン).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from benchmarks.handwritten.normalize import MappedText, is_ascii_word, is_kana, match_key, match_key_with_offsets

FUZZY_MIN_LENGTH = 4
KANA_FUZZY_MIN_LENGTH = 5  # for keys made only of kana (see module docstring)
NEGATING_PREFIXES = "不非未無"

Candidate = tuple["Alias", int, int, int]  # alias, start, end (in key text), edit distance


@dataclass(frozen=True)
class Alias:
    """One name under which a catalogue item may be mentioned."""

    kind: str  # entity type: course, exam, employment_type, …
    target: str  # catalogue id
    surface: str  # the alias as written in the catalogue

    @property
    def key(self) -> str:
        return match_key(self.surface)


@dataclass(frozen=True)
class Match:
    """An alias found in a text; ``start``/``end`` index the original text."""

    kind: str
    target: str
    start: int
    end: int
    text: str
    distance: int

    @property
    def confidence(self) -> float:
        return 1.0 if self.distance == 0 else max(0.5, 1.0 - 0.15 * self.distance)


def max_distance(key_length: int, kana_only: bool = False) -> int:
    """Typos tolerated for a key of this length: none below 4 (5 for a kana-only key), one up to 8,
    then two."""
    if key_length < (KANA_FUZZY_MIN_LENGTH if kana_only else FUZZY_MIN_LENGTH):
        return 0
    return 1 if key_length <= 8 else 2


def allowed_typos(key: str) -> int:
    """:func:`max_distance` for a match key."""
    return max_distance(len(key), kana_only=_is_kana(key))


def _is_kana(key: str) -> bool:
    return all(is_kana(char) for char in key)


def _bigrams(text: str) -> set:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _best_substring_alignment(pattern: str, text: str) -> tuple[int, int, int]:
    """Smallest edit distance between ``pattern`` and any substring of ``text``.

    Returns (distance, start, end) of that substring (Sellers' algorithm, free start and end).
    """
    previous = [(0, j) for j in range(len(text) + 1)]  # (cost, start of the substring)
    for i, p_char in enumerate(pattern, 1):
        current = [(i, 0)]
        for j, t_char in enumerate(text, 1):
            substitution = (previous[j - 1][0] + (p_char != t_char), previous[j - 1][1])
            deletion = (previous[j][0] + 1, previous[j][1])
            insertion = (current[j - 1][0] + 1, current[j - 1][1])
            current.append(min(substitution, deletion, insertion))
        previous = current
    best_end = min(range(len(text) + 1), key=lambda j: (previous[j][0], -j))
    cost, start = previous[best_end]
    return cost, start, best_end


class AliasMatcher:
    """Finds aliases in texts. Build once per alias set; :meth:`find` is cheap."""

    def __init__(self, aliases: Iterable[Alias], fuzzy_kinds: Sequence[str] | None = None):
        """``fuzzy_kinds`` limits typo tolerance to those kinds (None: all). Short phrases such as
        「まだです」 would otherwise match ordinary words (「さまです」)."""
        by_key: dict[str, Alias] = {}
        for alias in aliases:
            key = alias.key
            if key:
                by_key.setdefault(key, alias)
        self._keys: list[tuple[str, Alias]] = sorted(by_key.items(), key=lambda kv: -len(kv[0]))
        self._fuzzy = [
            (key, alias, _bigrams(key))
            for key, alias in self._keys
            if allowed_typos(key) and not is_ascii_word(key) and (fuzzy_kinds is None or alias.kind in fuzzy_kinds)
        ]

    def __len__(self) -> int:
        return len(self._keys)

    def find(self, text: str, kinds: Sequence[str] | None = None) -> list[Match]:
        """All non-overlapping alias mentions in ``text``, in reading order.

        Candidates are exact occurrences and, for long aliases, the closest fuzzy occurrence. The
        candidate covering the most text wins, each typo counting against it twice, so
        「ITパスポード」 is read as one mistyped ITパスポート rather than an exact ITパス plus noise.
        """
        mapped = match_key_with_offsets(text)
        candidates = [
            c
            for c in self._exact_candidates(mapped.text, kinds) + self._fuzzy_candidates(mapped, text, kinds)
            if not (c[1] > 0 and mapped.text[c[1] - 1] in NEGATING_PREFIXES)
        ]
        candidates.sort(key=lambda c: (-(c[2] - c[1] - 2 * c[3]), c[3], c[1]))
        taken = [False] * len(mapped.text)
        found: list[Match] = []
        for alias, start, end, distance in candidates:
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            found.append(_match(alias, mapped, text, start, end, distance))
        return sorted(found, key=lambda m: m.start)

    def _exact_candidates(self, key_text: str, kinds: Sequence[str] | None) -> list[Candidate]:
        return [
            (alias, start, start + len(key), 0)
            for key, alias in self._keys
            if not kinds or alias.kind in kinds
            for start in _occurrences(key_text, key)
            if _on_word_boundary(key_text, key, start, start + len(key))
        ]

    def _fuzzy_candidates(self, mapped: MappedText, original: str, kinds: Sequence[str] | None) -> list[Candidate]:
        key_text = mapped.text
        text_bigrams = _bigrams(key_text)
        candidates = []
        for key, alias, key_bigrams in self._fuzzy:
            if kinds and alias.kind not in kinds:
                continue
            allowed = allowed_typos(key)
            # Each edit destroys at most two bigrams: a cheap filter before the alignment.
            if len(key_bigrams & text_bigrams) < len(key_bigrams) - 2 * allowed:
                continue
            distance, start, end = _best_substring_alignment(key, key_text)
            if (
                0 < distance <= allowed
                and end - start >= FUZZY_MIN_LENGTH - 1
                and not _cuts_a_word(original, *mapped.original_span(start, end))
            ):
                candidates.append((alias, start, end, distance))
        return candidates

    def best(self, text: str, kind: str) -> Match | None:
        """The first mention of ``kind`` in ``text`` (exact beats fuzzy), if any."""
        matches = self.find(text, kinds=[kind])
        return min(matches, key=lambda m: (m.distance, m.start)) if matches else None


def _occurrences(text: str, key: str) -> Iterator[int]:
    start = text.find(key)
    while start != -1:
        yield start
        start = text.find(key, start + 1)


def _on_word_boundary(text: str, key: str, start: int, end: int) -> bool:
    if not is_ascii_word(key):
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _word_script(char: str) -> str | None:
    """'katakana' or 'latin' for characters that build words with their neighbours, else None."""
    if "ァ" <= char <= "ヺ" or char == "ー" or "ｦ" <= char <= "ﾟ":
        return "katakana"
    if char.isascii() and char.isalnum() or "Ａ" <= char <= "ｚ" or "０" <= char <= "９":
        return "latin"
    return None


def _cuts_a_word(text: str, start: int, end: int) -> bool:
    """True if text[start:end] begins or ends inside a katakana or Latin word of ``text``."""

    def joined(left: int, right: int) -> bool:
        if left < 0 or right >= len(text):
            return False
        script = _word_script(text[left])
        return script is not None and script == _word_script(text[right])

    return joined(start - 1, start) or joined(end - 1, end)


def _match(alias: Alias, mapped: MappedText, text: str, start: int, end: int, distance: int) -> Match:
    original_start, original_end = mapped.original_span(start, end)
    return Match(alias.kind, alias.target, original_start, original_end, text[original_start:original_end], distance)

"""Find catalogue names (aliases) inside free text, tolerating width, kana and small typing errors.

Matching runs on :func:`bot.text.normalize.match_key` forms, so ｱｲﾊﾟｽ, あいぱす and アイパス are the
same key. Exact occurrences win (longest first); then, in the text not yet covered, aliases of four
or more characters may match with a bounded edit distance (ITパスポード → ITパスポート). Short ASCII
keys (FE, AP) match only as whole words and never fuzzily, so "apps" is not 応用情報. A fuzzy match
may not begin or end inside a katakana or Latin word, so 「ITスキル」 is not a mistyped ITパス.
A name right after a negating prefix (不, 非, 未, 無) is not a mention of it: 「不合格でした」 is not
「合格でした」 and 「非正規」 is not 「正規」 (the longer match would otherwise win).
Names written only in kana need five characters to match fuzzily: a kana is a whole syllable, and a
four-kana name with one syllable changed is usually another word (じゅけん, 受験, is not ジーケン).

Fuzzy matching looks only where a name could be. A substring within ``k`` edits of a name keeps
one of ``k + 1`` pieces of the name whole (each edit touches one piece at most), so the exact
occurrences of the pieces (``str.find``) point at a few short places per name, and only there are
edit distances computed (by rapidfuzz, in C++). The cost grows with those places, not with the
length of the text times the number of names. Close substrings that overlap are one mention, which
gets the closest of them; so a long message may name an item several times, typed differently, or
once correctly and once with a typo (a substring overlapping the correct one is not a typo).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import LCSseq, Levenshtein

from bot.text.normalize import MappedText, is_ascii_word, is_kana, match_key, match_key_with_offsets

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


class _FuzzyKey:
    """An alias that may match with typos, cut into ``allowed + 1`` pieces for the search."""

    __slots__ = ("alias", "allowed", "bigrams", "key", "needed", "pieces")

    def __init__(self, key: str, alias: Alias):
        self.key = key
        self.alias = alias
        self.allowed = allowed_typos(key)  # edits tolerated
        self.pieces = _pieces(key, self.allowed + 1)
        self.bigrams = sorted({key[i : i + 2] for i in range(len(key) - 1)})
        # Each edit breaks at most two bigrams: a substring within `allowed` edits keeps this many.
        self.needed = len(self.bigrams) - 2 * self.allowed

    def may_be_in_stretch(self, stretch: str) -> bool:
        """False if the short ``stretch`` surely holds no substring within ``allowed`` edits of the
        key: such a substring keeps all but ``allowed`` characters of the key, in order, so the
        longest common subsequence (rapidfuzz, one call) is at least that long."""
        return bool(LCSseq.similarity(self.key, stretch, score_cutoff=len(self.key) - self.allowed))

    def may_be_in(self, text: str) -> bool:
        """False if ``text`` surely holds no substring within ``allowed`` edits of the key (by the
        key's bigrams; a quick test for the whole of a message)."""
        missing = len(self.bigrams) - self.needed  # bigrams the text may lack
        for bigram in self.bigrams:
            if bigram not in text:
                missing -= 1
                if missing < 0:
                    return False
        return True


def _pieces(key: str, count: int) -> list[tuple[int, str]]:
    """``key`` cut into ``count`` pieces of (nearly) equal length, each with its offset."""
    size, longer = divmod(len(key), count)
    pieces = []
    offset = 0
    for index in range(count):
        length = size + (index < longer)
        pieces.append((offset, key[offset : offset + length]))
        offset += length
    return pieces


def _places(fuzzy: _FuzzyKey, text: str) -> list[tuple[int, int]]:
    """Where in ``text`` a substring within ``fuzzy.allowed`` edits of the key may begin: for each
    place, the first and the last possible start (places in order, their stretches apart).

    With k edits, one of the key's k + 1 pieces is left whole, and it stands at most k characters
    from where it stands in the key; so every such substring begins within k of an occurrence of a
    piece, shifted back by the piece's offset.
    """
    shifts = []
    for offset, piece in fuzzy.pieces:
        position = text.find(piece)
        while position != -1:
            shifts.append(position - offset)
            position = text.find(piece, position + 1)
    shifts.sort()
    allowed, longest = fuzzy.allowed, len(fuzzy.key) + fuzzy.allowed
    places: list[tuple[int, int]] = []
    for shift in shifts:
        first, last = max(0, shift - allowed), max(0, shift + allowed)
        if places and first < places[-1][1] + longest:  # the stretches overlap: one place
            places[-1] = (places[-1][0], last)
        else:
            places.append((first, last))
    return places


def _close_substrings(
    key: str, text: str, first: int, last: int, allowed: int, exact: Sequence[int]
) -> list[tuple[int, int, int]]:
    """(distance, start, end) of every substring of ``text`` beginning between ``first`` and
    ``last`` that is within ``allowed`` edits of ``key`` and overlaps none of its exact occurrences
    (the sorted starts ``exact``): a name written correctly is not also a typo of itself. rapidfuzz
    computes the distances."""
    length, size = len(key), len(text)
    shortest, longest = length - allowed, length + allowed
    nearest = bisect_left(exact, first - length + 1)  # the first occurrence a substring could overlap
    close = []
    for start in range(first, last + 1):
        while nearest < len(exact) and exact[nearest] <= start - length:
            nearest += 1
        limit = min(start + longest, size, exact[nearest] if nearest < len(exact) else size)  # ends beyond overlap
        if not LCSseq.similarity(key, text[start:limit], score_cutoff=shortest):
            continue  # no substring from here keeps enough of the key (see _FuzzyKey.may_be_in_stretch)
        for end in range(start + shortest, limit + 1):
            distance = Levenshtein.distance(key, text[start:end], score_cutoff=allowed)
            if distance <= allowed:
                close.append((distance, start, end))
    return close


def _closest_per_mention(close: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Of close substrings that overlap one another (one mention), the closest: the smallest
    distance, then the latest end, then the earliest start (the choice the full alignment made)."""
    best: list[tuple[int, int, int]] = []
    reach = -1  # end of the current group of overlapping substrings
    for found in sorted(close, key=lambda found: (found[1], found[2])):
        distance, start, end = found
        if start < reach:
            if (distance, -end, start) < (best[-1][0], -best[-1][2], best[-1][1]):
                best[-1] = found
            reach = max(reach, end)
        else:
            best.append(found)
            reach = end
    return best


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
            _FuzzyKey(key, alias)
            for key, alias in self._keys
            if allowed_typos(key) and not is_ascii_word(key) and (fuzzy_kinds is None or alias.kind in fuzzy_kinds)
        ]

    def __len__(self) -> int:
        return len(self._keys)

    def find(self, text: str, kinds: Sequence[str] | None = None) -> list[Match]:
        """All non-overlapping alias mentions in ``text``, in reading order.

        Candidates are exact occurrences and, for long aliases, the closest fuzzy reading of each
        mention (see the module docstring). The
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
        candidates: list[Candidate] = []
        for fuzzy in self._fuzzy:
            if (kinds and fuzzy.alias.kind not in kinds) or not fuzzy.may_be_in(key_text):
                continue  # (most names, for a message of ordinary length: decided in a few microseconds)
            exact = list(_occurrences(key_text, fuzzy.key))
            close = [
                found
                for first, last in _places(fuzzy, key_text)
                if fuzzy.may_be_in_stretch(key_text[first : last + len(fuzzy.key) + fuzzy.allowed])
                for found in _close_substrings(fuzzy.key, key_text, first, last, fuzzy.allowed, exact)
            ]
            for distance, start, end in _closest_per_mention(close):
                if end - start >= FUZZY_MIN_LENGTH - 1 and not _cuts_a_word(
                    original, *mapped.original_span(start, end)
                ):
                    candidates.append((fuzzy.alias, start, end, distance))
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

"""Find the words of ``data/catalogue/question_words.yml`` in a message: asks, topics, markers, facts.

A word is found by its characters (compared on :func:`bot.text.normalize.match_key`, so width and
hiragana/katakana do not matter) or, when the message is typed in kana, by its reading (「しめきり」
is 締め切り). Matches never overlap: longer words win, so 「いつまで」 (deadline) is not also 「いつ」
(when). A match must start where a token starts (unless the word has four characters or more: Sudachi
splits text typed in kana unpredictably), and a short word (two characters or less) must also end
where a token ends, so 「いつも」 is not 「いつ」 and 「そのため」 is not 「ため」.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bot.catalogue.rows import QuestionWord
from bot.text.normalize import MappedText, match_key_with_offsets
from bot.text.readings import Token

SHORT_WORD = 2  # words this short must end at a token boundary too
LONG_WORD = 4  # words this long may start inside a token
MIN_READING = 3  # a word's reading must be this long to be matched by reading
MIN_KANA_READING = 4  # … and this long to be matched among the characters of kana text


@dataclass(frozen=True)
class Hit:
    """A question word found in a message; ``start``/``end`` index the message as typed."""

    group: str  # asks, topics, markers, facts
    name: str  # the id: when, subsidy, hypothetical …
    start: int
    end: int
    text: str
    topics: tuple[str, ...] = ()


Span = tuple[int, int]


class Lexicon:
    """The question words, ready to be found in messages (build once per catalogue)."""

    def __init__(self, words: Iterable[QuestionWord]):
        listed = [w for w in words if w.group != "generic"]
        self.words = listed + _without_particles(listed)
        # A word is also looked for by its reading among the characters (「ﾎｼﾞｮﾘﾂﾊ?」 holds ホジョリツ,
        # 補助率), when the reading is long enough not to turn up inside ordinary kana words.
        by_reading_key = [
            replace(w, key=w.reading)
            for w in self.words
            if len(w.reading) >= MIN_KANA_READING and w.reading != w.key and _is_katakana(w.reading)
        ]
        self._by_key = sorted([*self.words, *by_reading_key], key=lambda w: -len(w.key))
        self._reading_words = sorted(
            (w for w in self.words if len(w.reading) >= MIN_READING and w.reading != w.key),
            key=lambda w: -len(w.reading),
        )
        self._longest_reading = max((len(w.reading) for w in self._reading_words), default=0)
        self._subsets: dict[tuple[str, ...], Lexicon] = {}

    def _subset(self, groups: tuple[str, ...]) -> Lexicon:
        if groups not in self._subsets:
            self._subsets[groups] = Lexicon([w for w in self.words if w.group in groups])
        return self._subsets[groups]

    def find(
        self, text: str, tokens: Sequence[Token], taken: Sequence[Span] = (), groups: Sequence[str] | None = None
    ) -> list[Hit]:
        """Every question word (of ``groups``, default all) in ``text`` outside the ``taken`` spans."""
        if groups is not None:
            return self._subset(tuple(groups)).find(text, tokens, taken)
        mapped = match_key_with_offsets(text)
        blocked = [False] * len(text)
        for start, end in taken:
            blocked[start:end] = [True] * (end - start)
        # Where a name ends a word may begin (「けんしゅういつ」 is read ケン・シュウイ・ツ, but the name
        # found there ends before いつ): names' edges count as token boundaries.
        starts = {t.start for t in tokens} | {end for _, end in taken}
        ends = {t.end for t in tokens} | {start for start, _ in taken}
        hits = self._by_characters(text, mapped, blocked, starts, ends)
        for hit in hits:
            blocked[hit.start : hit.end] = [True] * (hit.end - hit.start)
        hits += self._by_reading(text, tokens, blocked)
        return sorted(dict.fromkeys(hits), key=lambda h: (h.start, -h.end))  # a spelling and its reading: once

    def _by_characters(
        self, text: str, mapped: MappedText, blocked: list[bool], starts: set[int], ends: set[int]
    ) -> list[Hit]:
        hits: list[Hit] = []
        used = list(blocked)
        key_text = mapped.text
        claimed: dict[tuple[int, int], str] = {}  # span → the key that took it
        for word in self._by_key:
            position = key_text.find(word.key)
            while position != -1:
                start, end = mapped.original_span(position, position + len(word.key))
                # A word shared by two lists (「何回」: count of sessions, times of the subsidy) hits
                # for each; the topic then decides which one counts.
                shared = claimed.get((start, end)) == word.key
                long_word = len(word.key) >= LONG_WORD  # kana text is often split oddly (「にしん・せい」)
                if shared or (
                    not any(used[start:end])
                    and (start in starts or not starts or long_word)
                    and (len(word.key) > SHORT_WORD or end in ends or not ends)
                ):
                    used[start:end] = [True] * (end - start)
                    claimed[(start, end)] = word.key
                    hits.append(Hit(word.group, word.name, start, end, text[start:end], word.topics))
                position = key_text.find(word.key, position + 1)
        return hits

    def _by_reading(self, text: str, tokens: Sequence[Token], blocked: list[bool]) -> list[Hit]:
        """Words whose reading equals the reading of a run of whole tokens typed in kana."""
        hits: list[Hit] = []
        readings = [match_key_with_offsets(t.reading).text for t in tokens]
        used = list(blocked)
        # Every run of whole tokens as its joined reading → where it starts and ends (the shortest run
        # for that reading from each start), built once: a word is then one look-up, not a scan.
        runs: dict[str, list[tuple[int, int]]] = {}
        for first in range(len(tokens)):
            joined = ""
            for last in range(first, len(tokens)):
                if not readings[last]:
                    continue
                joined += readings[last]
                if len(joined) > self._longest_reading:
                    break
                runs.setdefault(joined, []).append((first, last))
        for word in self._reading_words:
            for first, last in runs.get(word.reading, ()):
                start, end = tokens[first].start, tokens[last].end
                if any(used[start:end]) or not _typed_in_kana(text[start:end]):
                    continue
                used[start:end] = [True] * (end - start)
                hits.append(Hit(word.group, word.name, start, end, text[start:end], word.topics))
        return hits


# Casual writing leaves case particles out (「補助受けられる」「日程知りたい」); in match keys kana are
# katakana, and a particle follows a kanji noun (a ガ or ハ inside a loanword is not one).
_DROPPED_PARTICLES = ("ヲ", "ガ", "ハ")
MIN_WITHOUT_PARTICLE = 4


def _without_particles(words: Sequence[QuestionWord]) -> list[QuestionWord]:
    """Each word with a case particle inside (「補助を受けられ」) also without it (「補助受けられ」),
    unless that spelling is already a word of its own."""
    known = {w.key for w in words}
    extra: dict[tuple[str, str, str], QuestionWord] = {}
    for word in words:
        for particle in _DROPPED_PARTICLES:
            inside = word.key.find(particle, 1)
            if inside == -1 or inside == len(word.key) - 1 or not _is_kanji(word.key[inside - 1]):
                continue
            key = word.key[:inside] + word.key[inside + 1 :]
            if len(key) >= MIN_WITHOUT_PARTICLE and key not in known:
                extra.setdefault((word.group, word.name, key), replace(word, key=key, reading=key))
    return list(extra.values())


def _is_kanji(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _is_katakana(key: str) -> bool:
    return all("ァ" <= c <= "ヺ" or c == "ー" for c in key)


def _typed_in_kana(surface: str) -> bool:
    """Reading matches are for text typed in kana (a kanji spelling matched by characters already)."""
    return any("ぁ" <= c <= "ヺ" or "ｦ" <= c <= "ﾟ" for c in surface)

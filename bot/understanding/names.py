"""Which catalogue items a message names: by name or alias, by a word of what they are about, or not at all.

Layers, each in the text the earlier ones left free:

1. **names and aliases**, by characters (exact, then with a typo or two: :class:`bot.text.fuzzy.AliasMatcher`);
2. the same with **long vowels dropped** (「データベススペシャリスト」「りーだけんしゅう」 — the ー is the
   mark people most often leave out), by characters and by reading;
3. **by reading**, for names typed in kana or converted wrongly (「あいぎじろく」, 「応用上方」);
4. **curriculum phases** of a course by name (「演習」 of the leader programme);
5. **name words** (:mod:`bot.catalogue.name_words`): keywords and the words of names (「広報」「議事録」
   「ロボット」), by characters or by reading; weak description words only when nothing strong matched;
6. names the catalogue says it does **not offer** (「簿記」「TOEIC」), and exam-like names that are none of
   ours (「英検」「ITストラテジスト試験」).

A name right after a negating prefix (不, 非, 未, 無) is not a mention of it (「不合格」, 「非正規」).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.catalogue.rows import NameWord, Phase, Uncovered
from bot.text.fuzzy import Alias, AliasMatcher, Match
from bot.text.normalize import MappedText, is_ascii_word, match_key, match_key_with_offsets, normalize_with_offsets
from bot.text.reading_match import ReadingMatcher, ReadingToken
from bot.text.readings import Token, reading_of, tokens

STRONG = ("alias", "fuzzy", "loose", "reading", "keyword", "name", "phase")
LOOSE_MIN_LENGTH = 4
NEGATING_PREFIXES = "不非未無"
_PARTICLES = set("はがをにでともへやの、。")
# A name that looks like an exam's (「英検」「簿記検定」「TOEIC試験」): word characters before 検定/試験/検/級.
_EXAM_LIKE = re.compile(r"([0-9A-Za-z\u30a1-\u30ff\u4e00-\u9fff]{1,12}?(?:検定|試験|検|資格|[0-9一二三準]+級))")
# Words ending like that which name no particular exam.
_GENERIC_EXAM_WORDS = {
    "受検",
    "受験資格",
    "参加資格",
    "応募資格",
    "資格取得",
    "国家資格",
    "取得資格",
    "この資格",
    "その資格",
    "どの資格",
    "資格試験",
    "国家試験",
    "検定試験",
    "本試験",
    "模擬試験",
    "試験",
    "検定",
    "受験",
    "の試験",
    "この試験",
    "その試験",
    "どの試験",
    "対象試験",
    "各試験",
    "資格",
    "合格",
    "再試験",
    "筆記試験",
}


@dataclass(frozen=True)
class Mention:
    """A catalogue item (or a name we do not offer) found in a message, spans as typed."""

    kind: str  # course, exam, department, employment_type, pass_status, recommendation, phase, not_offered
    target: str  # catalogue id; a phase is "course_id:seq"; a name we do not offer is the name itself
    start: int
    end: int
    text: str
    how: str  # alias, fuzzy, loose, reading, keyword, name, description, phase, listed, pattern
    subkind: str = ""  # for not_offered: "exam" or "course"

    @property
    def strong(self) -> bool:
        return self.how in STRONG

    @property
    def by_word(self) -> bool:
        """Found by a word of what the item is about, not by its name."""
        return self.how in ("keyword", "name", "description")


class NameFinder:
    """Finds catalogue items in messages (build once per catalogue)."""

    def __init__(
        self,
        alias_readings: Iterable[tuple[Alias, str]],
        words: Iterable[NameWord],
        phases: Iterable[Phase],
        not_offered: Iterable[Uncovered],
        matcher: AliasMatcher,
    ):
        alias_readings = list(alias_readings)
        self._matcher = matcher
        self._loose = sorted(
            ((_loose_key(a.key), a) for a, _ in alias_readings if len(_loose_key(a.key)) >= LOOSE_MIN_LENGTH),
            key=lambda kv: -len(kv[0]),
        )
        self._readings = ReadingMatcher((a, r) for a, r in alias_readings if r)
        self._loose_readings = ReadingMatcher((a, r.replace("ー", "")) for a, r in alias_readings if r)
        phases = list(phases)
        self._phases = sorted(_phase_keys(phases), key=lambda kp: -len(kp[0]))
        # Phases by reading too (「演集」 is 演習): readings of these few names are computed here.
        self._phase_readings = ReadingMatcher(
            (Alias("phase", f"{p.course_id}:{p.seq}", p.name), reading_of(p.name)) for p in phases
        )
        words = list(words)
        self._words = sorted(words, key=lambda w: -len(w.key))
        self._word_readings = ReadingMatcher(
            (Alias(w.kind, f"{w.target}|{w.source}", w.word), w.reading) for w in words if w.reading
        )
        self._not_offered = sorted(not_offered, key=lambda u: -len(u.key))
        self._known_keys = [match_key(a.surface) for a, _ in alias_readings]

    def find(self, text: str, tokens: Sequence[Token]) -> list[Mention]:
        """Every mention in ``text``, in reading order (see the module docstring for the layers)."""
        if not text or text.startswith("/"):
            return []
        matches = [m for m in self._matcher.find(text) if m.distance == 0 or not _typo_is_a_particle(m.text)]
        # Exact names first, ours and those we do not offer, the longer of two overlapping ones winning
        # (「新規採用職員研修」 is listed as not offered: it is not a typo of one of our names); then typos.
        exact = [_mention(m, "alias") for m in matches if m.distance == 0] + list(self._not_offered_matches(text))
        taken = _Taken(text, [])
        found: list[Mention] = taken.keep(sorted(exact, key=lambda m: (m.start - m.end, m.start)))
        found += taken.keep(_mention(m, "fuzzy") for m in matches if m.distance > 0)
        reading_tokens = [ReadingToken(t.reading, t.start, t.end) for t in tokens]
        found += taken.keep(self._loose_matches(text))
        found += taken.keep(_mention(m, "reading") for m in self._readings.find(text, reading_tokens))
        loose_tokens = [ReadingToken(t.reading.replace("ー", ""), t.start, t.end) for t in tokens if t.reading != "ー"]
        found += taken.keep(_mention(m, "loose") for m in self._loose_readings.find(text, loose_tokens))
        found += taken.keep(self._phase_matches(text))
        found += taken.keep(_mention(m, "phase") for m in self._phase_readings.find(text, reading_tokens))
        found += taken.keep(self._word_matches(text, reading_tokens))
        found += taken.keep(self._unknown_names(text))
        found = list(dict.fromkeys(m for m in found if not _negated(text, m)))  # a word twice in one list: once
        strong_items = any(m.strong and m.kind in ("course", "exam") for m in found)
        return sorted((m for m in found if m.how != "description" or not strong_items), key=lambda m: m.start)

    def _loose_matches(self, text: str) -> Iterable[Mention]:
        mapped = _without_long_vowels(match_key_with_offsets(text))
        for key, alias in self._loose:
            position = mapped.text.find(key)
            while position != -1:
                start, end = mapped.original_span(position, position + len(key))
                yield Mention(alias.kind, alias.target, start, end, text[start:end], "loose")
                position = mapped.text.find(key, position + 1)

    def _phase_matches(self, text: str) -> Iterable[Mention]:
        mapped = match_key_with_offsets(text)
        for key, phase in self._phases:
            position = mapped.text.find(key)
            if position != -1:
                start, end = mapped.original_span(position, position + len(key))
                yield Mention("phase", f"{phase.course_id}:{phase.seq}", start, end, text[start:end], "phase")

    def _word_matches(self, text: str, tokens: Sequence[ReadingToken]) -> Iterable[Mention]:
        mapped = match_key_with_offsets(text)
        for word in self._words:
            position = mapped.text.find(word.key)
            while position != -1:
                end = position + len(word.key)
                if not is_ascii_word(word.key) or _ascii_boundary(mapped.text, position, end):
                    start, stop = mapped.original_span(position, end)
                    yield Mention(word.kind, word.target, start, stop, text[start:stop], word.source)
                position = mapped.text.find(word.key, position + 1)
        for match in self._word_readings.find(text, tokens):
            target, source = match.target.split("|")
            yield Mention(match.kind, target, match.start, match.end, match.text, source)

    def _not_offered_matches(self, text: str) -> Iterable[Mention]:
        mapped = match_key_with_offsets(text)
        for item in self._not_offered:
            position = mapped.text.find(item.key)
            if position != -1 and (
                not is_ascii_word(item.key) or _ascii_boundary(mapped.text, position, position + len(item.key))
            ):
                start, end = mapped.original_span(position, position + len(item.key))
                yield Mention("not_offered", item.name, start, end, text[start:end], "listed", item.kind)

    def _unknown_names(self, text: str) -> Iterable[Mention]:
        """「英検」「ITストラテジスト試験」: exam-like names that are none of ours. (Course-like names are
        not guessed: 「来月研修」 is a period, not a course; the office lists courses in not_offered.yml.)"""
        mapped = normalize_with_offsets(text)
        for match in _EXAM_LIKE.finditer(mapped.text):
            name = match.group(1)
            key = match_key(name)
            if name in _GENERIC_EXAM_WORDS or any(key in known or known in key for known in self._known_keys):
                continue
            start, end = mapped.original_span(match.start(1), match.end(1))
            yield Mention("not_offered", name, start, end, text[start:end], "pattern", "exam")


class _Taken:
    """The parts of a text already covered by a mention; later layers only fill the gaps."""

    def __init__(self, text: str, mentions: Iterable[Mention]):
        self._taken = [False] * len(text)
        for m in mentions:
            self._mark(m)

    def _mark(self, m: Mention) -> None:
        self._taken[m.start : m.end] = [True] * (m.end - m.start)

    def keep(self, mentions: Iterable[Mention]) -> list[Mention]:
        """The mentions that fall in free text, in the order given (the first of two overlapping ones
        wins; several of one span, e.g. a word of two courses, are all kept); their spans become taken."""
        kept: list[Mention] = []
        spans: set[tuple[int, int]] = set()
        for m in mentions:
            if m.end <= m.start:
                continue
            if (m.start, m.end) in spans or not any(self._taken[m.start : m.end]):
                kept.append(m)
                spans.add((m.start, m.end))
                self._mark(m)
        return kept


def _phase_keys(phases: Sequence[Phase]) -> list[tuple[str, Phase]]:
    """Each phase's name, and the leading words of a long one (「課題解決」 of 課題解決プロジェクト) when
    no other phase starts the same way."""
    keys = [(match_key(p.name), p) for p in phases]
    for phase in phases:
        words = [t.surface for t in tokens(phase.name)]
        for end in range(1, len(words)):
            prefix = match_key("".join(words[:end]))
            shared = [p for p in phases if match_key(p.name).startswith(prefix)]
            if len(prefix) >= LOOSE_MIN_LENGTH and shared == [phase]:
                keys.append((prefix, phase))
    return keys


def _mention(match: Match, how: str) -> Mention:
    return Mention(match.kind, match.target, match.start, match.end, match.text, how)


def _typo_is_a_particle(matched: str) -> bool:
    """「勉強会は年度末」 is not a mistyped 会計年度: a particle inside a fuzzy match is a word boundary."""
    return any(char in _PARTICLES for char in matched[1:-1])


def _negated(text: str, mention: Mention) -> bool:
    return mention.kind != "not_offered" and mention.start > 0 and text[mention.start - 1] in NEGATING_PREFIXES


def _loose_key(key: str) -> str:
    return key.replace("ー", "")


def _without_long_vowels(mapped: MappedText) -> MappedText:
    kept = [(c, s) for c, s in zip(mapped.text, mapped.spans) if c != "ー"]
    return MappedText("".join(c for c, _ in kept), tuple(s for _, s in kept))


def _ascii_boundary(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())

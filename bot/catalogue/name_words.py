"""Words that point at a course without naming it, computed from the catalogue at build time.

Staff name a course by what it is about: 「広報の研修」 (SNS広報発信力向上研修), 「議事録をAIで作る研修」
(AI議事録活用研修), 「ロボットで自動化するやつ」 (RPA活用研修). The matcher finds such words in a message
(:mod:`bot.understanding.names`); this module decides which words those are:

* ``keyword`` — the office's ``keywords`` field (courses and exams): strong;
* ``name`` — the words of a course's name and aliases (「広報」「議事録」「Excel」), unless they are
  generic (``question_words.yml`` ``generic``: 研修, 活用 …) or shared by four or more courses: strong;
* ``description`` — technical terms (Latin letters, or katakana of three or more) found in only one
  course's summary, target or curriculum (「Power BI」「kintone」「チャットボット」 for the leader
  programme): weak, used only when no strong word or name is in the message. Ordinary words of a
  description (年度, 推薦, 所属 …) are everyday words of questions too, so they are never used.

Every word carries its reading, so 「こうほう」 finds 広報. Words shared by a few courses stay, one row
per course: 「AI」 points at three courses, and the answer covers the three.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from bot.text.normalize import match_key
from bot.text.readings import Token, reading_of, tokens

Tables = dict[str, list[dict[str, Any]]]

MAX_SHARED_NAME_WORD = 3  # a name word in more courses than this says nothing about which one
MIN_KEY_LENGTH = 2


def name_words(tables: Tables) -> list[dict[str, Any]]:
    """The ``name_words`` table rows for the validated ``tables``."""
    excluded = {row["key"] for row in tables.get("question_words", []) if row["grp"] in ("generic", "asks", "topics")}
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(kind: str, target: str, word: str, source: str) -> None:
        key = match_key(word)
        if (kind, target, key) not in rows:
            rows[(kind, target, key)] = {
                "kind": kind,
                "target": target,
                "word": word,
                "key": key,
                "reading": match_key(reading_of(word)),
                "source": source,
            }

    for row in tables.get("keywords", []):
        add(row["kind"], row["target"], row["word"], "keyword")
    aliases = defaultdict(list)
    for row in tables.get("aliases", []):
        if row["kind"] == "course":
            aliases[row["target"]].append(row["alias"])
    by_course = _words_by_course(aliases, excluded)
    for key, courses in _owners(by_course).items():
        if len(courses) <= MAX_SHARED_NAME_WORD:
            for course_id in sorted(courses):
                add("course", course_id, by_course[course_id][key], "name")
    descriptions = _descriptions(tables)
    described = {
        course_id: {key: word for key, word in words.items() if _is_term(word)}
        for course_id, words in _words_by_course(descriptions, excluded).items()
    }
    named = {key for words in by_course.values() for key in words}
    for key, courses in _owners(described).items():
        if len(courses) == 1 and key not in named:
            course_id = next(iter(courses))
            add("course", course_id, described[course_id][key], "description")
    # one order whatever the process's string hashing (sets of courses are iterated above)
    return sorted(rows.values(), key=lambda r: (r["kind"], r["target"], r["key"], r["source"]))


def _words_by_course(texts: dict[str, list[str]], excluded: set[str]) -> dict[str, dict[str, str]]:
    """course id → {match key: word as written} for the content words of its texts."""
    found: dict[str, dict[str, str]] = {}
    for course_id, course_texts in texts.items():
        words: dict[str, str] = {}
        for text in course_texts:
            for word in _content_words(text):
                key = match_key(word)
                if len(key) >= MIN_KEY_LENGTH and not key.isdigit() and key not in excluded:
                    words.setdefault(key, word)
        found[course_id] = words
    return found


def _content_words(text: str) -> Iterable[str]:
    """Nouns and Latin words, as short units and as long ones (議事 and 議事録)."""
    for mode in ("A", "C"):
        for token in tokens(text, mode):
            if _is_word(token):
                yield token.surface


def _is_word(token: Token) -> bool:
    return token.is_content_word and not token.pos.startswith(("名詞-数詞", "名詞-助動詞語幹"))


def _is_term(word: str) -> bool:
    """A technical term: Latin letters, or katakana of three characters or more."""
    if word.isascii():
        return any(char.isalpha() for char in word)
    return len(word) >= 3 and all("ァ" <= char <= "ヺ" or char == "ー" for char in word)


def _owners(words_by_course: dict[str, dict[str, str]]) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for course_id, words in words_by_course.items():
        for key in words:
            owners[key].add(course_id)
    return owners


def _descriptions(tables: Tables) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = defaultdict(list)
    for course in tables.get("courses", []):
        texts[course["id"]] += [course["summary"], course["target"]]
    for phase in tables.get("course_phases", []):
        texts[phase["course_id"]].append(phase["content"])
    return texts

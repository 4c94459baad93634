"""What a person says about themselves in a message: their name and 所属.

The message that starts a registration often carries them (「リーダー研修に応募したい。名前は山田太郎です」,
「市民課の田中一郎です。リーダー研修に申し込みたい」), and so does an answer to 「お名前は？」
(「氏名は佐藤花子、所属は市民課です」). Read by rules on the wording, clause by clause:

* a name follows 名前は / 氏名は / 名前: or comes before と申します / といいます: the wording says it is a
  name, so the words between the marker and the clause's end (or the person-name words next to the
  marker, when those words make a sentence) are taken;
* a name before a plain です (「田中一郎です」「私は阿部です」) is taken only when the dictionary reads
  every word of it as a person's name (SudachiPy's 固有名詞-人名): 「応募希望です」「新人です」 have
  the same shape and are not names;
* the person's 所属 may stand before the name with の (「市民課の田中一郎」), and 私は before either;
* the 所属 is a department of the catalogue, by its name or an alias (the one after 所属は, or before
  the name, when the message names several); a unit the catalogue does not have (環境保全課) is
  taken only where the wording says it is the person's: after 所属は or before の and the name.

These are proposals: the caller checks them with the form's own checkers, and asks for what fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.catalogue.queries import Catalogue
from bot.registrations.fields import DEPARTMENT_NAME, ends_like_sentence
from bot.text.normalize import is_kana, normalize
from bot.text.readings import Token, tokens

_CLAUSE_BREAK = re.compile(r"[。.!?\n、,]+")
_NAME_CHARS = r"\u4e00-\u9fff々〆ヵヶぁ-ゖァ-ヺーA-Za-z・"
_NAME_SHAPE = re.compile(rf"[{_NAME_CHARS}]{{1,20}}(?: [{_NAME_CHARS}]{{1,20}})?")
_NAME_FOLLOWS = re.compile(r"(?:お?名前|氏名)\s*(?:は|:)\s*")
_NAME_PRECEDES = re.compile(r"\s*(?:と申します|と申す者です|といいます|と言います)")
_COPULA_END = re.compile(r"\s*(?:です|でございます)$")
_ENDINGS = re.compile(
    r"\s*(?:でございます|と申します|といいます|と言います|です|で)$"
)  # after a name that follows its marker
_SELF = re.compile(r"^(?:わたくし|わたし|私|僕|ぼく|自分)\s*は\s*")
_DEPARTMENT_MARKER = re.compile(r"所属\s*(?:は|:|が)\s*$")
_LEADING_UNIT = re.compile(rf"\s*(?P<department>{DEPARTMENT_NAME.pattern})\s*の\s*(?P<rest>.+)")
_TYPED_DEPARTMENT = re.compile(rf"所属\s*(?:は|:)\s*(?P<department>{DEPARTMENT_NAME.pattern})")
_SENTENCE_POS = ("動詞", "助動詞", "助詞", "形容詞")


@dataclass(frozen=True)
class Introduction:
    name: str | None = None
    department: str | None = None  # the catalogue's name for a known department, else as typed


def read_introduction(text: str, catalogue: Catalogue) -> Introduction:
    """The name and 所属 a message gives as the writer's own (see the module docstring)."""
    plain = normalize(text or "")
    name = next((found for clause in _clauses(plain) if (found := _name_in(clause, catalogue))), None)
    return Introduction(name, _department(plain, name, catalogue))


def split_department(text: str, catalogue: Catalogue) -> tuple[str | None, str]:
    """「市民課の山田です」 → (市民課, 山田です); a text not opening with a department → (None, text)."""
    known = catalogue.matcher.best(text, "department")
    if known and known.start == 0:
        rest = text[known.end :].lstrip("の 、")
        return (catalogue.vocabulary_name("department", known.target), rest) if rest else (None, text)
    match = _LEADING_UNIT.match(text)
    return (match.group("department"), match.group("rest")) if match else (None, text)


def is_department_name(text: str, catalogue: Catalogue) -> bool:
    """True if the whole text is a department in the catalogue (「市民課」, not 「阿部」)."""
    known = catalogue.matcher.best(text, "department")
    return known is not None and known.start == 0 and known.end >= len(text.rstrip("。 "))


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_BREAK.split(text) if c.strip()]


def _name_in(clause: str, catalogue: Catalogue) -> str | None:
    follows = _NAME_FOLLOWS.search(clause)
    if follows:
        return _marked_name(_ENDINGS.sub("", clause[follows.end() :]), catalogue, at_start=True)
    precedes = _NAME_PRECEDES.search(clause)
    if precedes:
        return _marked_name(_SELF.sub("", clause[: precedes.start()]), catalogue, at_start=False)
    copula = _COPULA_END.search(clause)
    if copula:
        candidate = split_department(_SELF.sub("", clause[: copula.start()]), catalogue)[1].strip()
        words = tokens(candidate)
        if _NAME_SHAPE.fullmatch(candidate) and words and all(w.person_name for w in words):
            return candidate
    return None


def _marked_name(candidate: str, catalogue: Catalogue, at_start: bool) -> str | None:
    """The name next to a marker that says it is one: all of ``candidate`` when it has a name's shape
    and makes no sentence (for a name in kana, which the dictionary splits into anything, when it does
    not end like one), else the person-name words at its start (after 名前は) or its end (before と申します)."""
    candidate = split_department(candidate.strip(), catalogue)[1].strip()
    if not candidate:
        return None
    words = tokens(candidate)
    in_kana = all(is_kana(ch) or ch == " " for ch in candidate)
    if _NAME_SHAPE.fullmatch(candidate) and (
        (in_kana and not ends_like_sentence(candidate)) or not any(w.pos.startswith(_SENTENCE_POS) for w in words)
    ):
        return candidate
    run = _person_run(words if at_start else list(reversed(words)))
    if not run:
        return None
    first, last = (run[0], run[-1]) if at_start else (run[-1], run[0])
    return candidate[first.start : last.end]


def _person_run(words: list[Token]) -> list[Token]:
    run: list[Token] = []
    for word in words:
        if not word.person_name:
            break
        run.append(word)
    return run


def _department(text: str, name: str | None, catalogue: Catalogue) -> str | None:
    """The writer's 所属: the only department named, or the one the wording marks as theirs."""
    found = catalogue.matcher.find(text, kinds=["department"])
    targets = list(dict.fromkeys(m.target for m in found))
    chosen = targets[0] if len(targets) == 1 else None
    if chosen is None:
        marked = [
            m
            for m in found
            if _DEPARTMENT_MARKER.search(text[: m.start]) or (name and text[m.end :].lstrip().startswith(f"の{name}"))
        ]
        chosen = marked[0].target if marked else None
    if chosen:
        return catalogue.vocabulary_name("department", chosen)
    if targets:  # several, none marked as the writer's
        return None
    typed = _TYPED_DEPARTMENT.search(text)
    if typed:
        return typed.group("department")
    before_name = re.search(rf"({DEPARTMENT_NAME.pattern})\s*の\s*{re.escape(name)}", text) if name else None
    return before_name.group(1) if before_name else None

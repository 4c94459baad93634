"""Reading and checking the registration form's answers: text in, a value or "what is expected" out.

Every answer goes through :func:`bot.text.normalize.normalize` first, so full-width digits and
letters (２０４５１８, ＡＢ) read like half-width ones. The staff-number format is a setting
(``MANABI_STAFF_NUMBER_PATTERN`` / ``_DESCRIPTION`` / ``_EXAMPLE``, default 6 digits), and the length
limits are the constants below: change them here, nowhere else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.text.normalize import normalize

NAME_MAX_CHARS = 40
DEPARTMENT_MAX_CHARS = 40
MOTIVATION_MIN_CHARS = 10
MOTIVATION_MAX_CHARS = 400
RECOMMENDATIONS = ("self", "manager")

# How the name of an organisational unit ends (市民課, 広報室, 水道局, 中央図書館, 北保育園, 消防署, 教育委員会,
# 市民病院, 企画係, 子育て支援グループ…). A department typed freely must end with one of them, so that a
# name (「小林」) or a stray word given as the department is asked again instead of stored.
DEPARTMENT_UNIT_SUFFIXES = (
    "課",
    "室",
    "局",
    "部",
    "所",
    "係",
    "班",
    "センター",
    "委員会",
    "館",
    "園",
    "署",
    "院",
    "校",
    "グループ",
    "担当",
    "事務局",
    "本部",
    "支所",
    "出張所",
    "議会",
)
DEPARTMENT_UNIT = "(?:" + "|".join(sorted(DEPARTMENT_UNIT_SUFFIXES, key=len, reverse=True)) + ")"
# A department name typed as free text: a run of non-particle characters ending like a unit name.
DEPARTMENT_NAME = re.compile(rf"([^\s、。,はがのをにでと]{{1,20}}{DEPARTMENT_UNIT})")

_PREFIXES = (
    "私の名前は",
    "わたしの名前は",
    "僕の名前は",
    "私の氏名は",
    "氏名は",
    "名前は",
    "お名前は",
    "私は",
    "わたしは",
    "所属は",
    "所属長は",
    "上司は",
    "推薦者は",
    "推薦してくれるのは",
    "職員番号は",
    "職員番号:",
    "職員番号",
    "番号は",
    "志望動機は",
    "動機は",
)
_SUFFIXES = (
    "と申します",
    "といいます",
    "と言います",
    "に所属しています",
    "に所属",
    "で働いています",
    "に勤めています",
    "所属です",
    "の所属です",
    "の者です",
    "でございます",
    "になります",
    "です",
)
_TRAILING = "。.．!！ 、,"
_QUESTION_ENDINGS = (
    "?",
    "ですか",
    "ますか",
    "でしょうか",
    "ませんか",
    "のか",
    "かな",
    "教えて",
    "教えてください",
    "知りたい",
    "いつ",
    "どこ",
    "いくら",
)
# A name or department does not end like a sentence (「…したい」「…します」).
_SENTENCE_ENDINGS = ("たい", "ます", "ません", "ました", "する", "ない", "ください", "です")
_YES = {
    "はい",
    "ハイ",
    "はい、お願いします",
    "お願いします",
    "ok",
    "okです",
    "登録する",
    "登録します",
    "大丈夫です",
    "問題ありません",
    "それでお願いします",
    "yes",
    "うん",
}
_NO = {"いいえ", "いや", "違います", "ちがいます", "やめておきます", "登録しない", "登録しません", "no", "ううん"}


@dataclass(frozen=True)
class Checked:
    """A checked answer: the value to keep, or the problem to tell the person."""

    value: str | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and self.value is not None


@dataclass(frozen=True)
class StaffNumberFormat:
    """What a 職員番号 looks like, and how to describe it to a person who typed something else."""

    pattern: str = r"[0-9]{6}"
    description: str = "6桁の数字"
    example: str = "204518"

    @property
    def hint(self) -> str:
        """「6桁の数字、例：204518」"""
        return f"{self.description}、例：{self.example}" if self.example else self.description

    def fullmatch(self, value: str) -> bool:
        return re.fullmatch(self.pattern, value) is not None

    def search(self, text: str) -> str | None:
        match = re.search(rf"(?<![0-9A-Za-z])(?:{self.pattern})(?![0-9A-Za-z])", text)
        return match.group(0) if match else None


def staff_number_format(env: Mapping[str, str] | None = None) -> StaffNumberFormat:
    """The format from the environment, defaulting to 6 digits. A custom pattern should come with
    its own description and example (else: 「所定の形式」, no example)."""
    env = os.environ if env is None else env
    pattern = env.get("MANABI_STAFF_NUMBER_PATTERN")
    if not pattern:
        return StaffNumberFormat()
    return StaffNumberFormat(
        pattern,
        env.get("MANABI_STAFF_NUMBER_DESCRIPTION") or "所定の形式",
        env.get("MANABI_STAFF_NUMBER_EXAMPLE") or "",
    )


def clean_answer(text: str) -> str:
    """「名前は山田太郎です。」 → 「山田太郎」: normalised, without the polite frame around the answer."""
    value = normalize(text or "").strip(_TRAILING)
    for prefix in _PREFIXES:
        if value.startswith(prefix) and len(value) > len(prefix):
            value = value[len(prefix) :].lstrip(" :、")
            break
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if value.endswith(suffix) and len(value) > len(suffix):
            value = value[: -len(suffix)]
            break
    return value.strip(_TRAILING)


def looks_like_question(text: str) -> bool:
    """True for 「来月の研修は？」「いつですか」: a question, not an answer to ours."""
    value = normalize(text or "").rstrip("。. ")
    return value.endswith(_QUESTION_ENDINGS)


_NOT_IN_NAMES = ("推薦", "自薦", "研修", "講座", "試験")  # 「所属長推薦」 answers another question


def ends_like_sentence(value: str) -> bool:
    """「…したい」「…します」「…ありません」: a sentence, not a name or a department."""
    return value.endswith(_SENTENCE_ENDINGS)


def _not_a_name(value: str, text: str) -> bool:
    """Empty, a question, a yes/no, a sentence, or a term of ours rather than a name."""
    return (
        not value
        or looks_like_question(text)
        or read_confirmation(value) is not None
        or ends_like_sentence(value)
        or any(word in value for word in _NOT_IN_NAMES)
    )


def check_name(text: str, what: str = "お名前") -> Checked:
    """A person's name: some characters, no digits, not too long."""
    value = clean_answer(text)
    if _not_a_name(value, text):
        return Checked(None, f"{what}を教えてください（例：山田太郎）。")
    if any(ch.isdigit() for ch in value) or "@" in value:
        return Checked(None, f"{what}には数字や記号を含めずに入力してください（例：山田太郎）。")
    if len(value) > NAME_MAX_CHARS:
        return Checked(None, f"{what}は{NAME_MAX_CHARS}文字以内で入力してください。")
    return Checked(value)


def check_department(text: str) -> Checked:
    """A department name typed freely (known ones are matched against the catalogue beforehand)."""
    value = clean_answer(text)
    if _not_a_name(value, text) or value.isdigit():
        return Checked(None, "所属（課・室など）の名前を教えてください（例：市民課、環境保全課）。")
    if len(value) > DEPARTMENT_MAX_CHARS:
        return Checked(None, f"所属は{DEPARTMENT_MAX_CHARS}文字以内で入力してください（例：市民課）。")
    if not re.search(DEPARTMENT_UNIT + "$", value):
        return Checked(
            None,
            "所属は課・室・センターなど、組織の名前で教えてください"
            "（例：市民課、環境保全課、中央図書館。「人事」なら「人事課」のように）。",
        )
    return Checked(value)


def check_staff_number(text: str, fmt: StaffNumberFormat | None = None) -> Checked:
    """「職員番号は２０４５１８です」 → 204518; anything else says what the format is."""
    fmt = fmt or staff_number_format()
    value = clean_answer(text)
    compact = re.sub(r"(?<=[0-9A-Za-z])[\s\-－ー]+(?=[0-9A-Za-z])", "", value)
    if fmt.fullmatch(compact):
        return Checked(compact)
    found = fmt.search(normalize(text or ""))
    if found:
        return Checked(found)
    return Checked(None, f"職員番号は{fmt.description}で入力してください（{fmt.hint}）。")


def check_motivation(text: str) -> Checked:
    """志望動機: between the length limits, counted without surrounding spaces."""
    value = (text or "").strip()
    length = len(value)
    if length < MOTIVATION_MIN_CHARS:
        return Checked(None, f"志望動機は{MOTIVATION_MIN_CHARS}文字以上でお書きください（いまは{length}文字です）。")
    if length > MOTIVATION_MAX_CHARS:
        return Checked(
            None,
            f"志望動機は{MOTIVATION_MAX_CHARS}文字以内でお願いします（いまは{length}文字です）。"
            "要点を短くまとめて、もう一度送ってください。",
        )
    return Checked(value)


def check_recommendation(value: str | None) -> Checked:
    if value in RECOMMENDATIONS:
        return Checked(value)
    return Checked(None, "推薦区分は「自薦」か「所属長推薦」でお答えください。")


def check_yes_no(value: str | None, expected: str) -> Checked:
    """A confirmation read as 'yes' / 'no' (:func:`read_confirmation`); ``expected`` says how to answer."""
    return Checked(value) if value in ("yes", "no") else Checked(None, expected)


def read_confirmation(text: str) -> str | None:
    """'yes' / 'no' for a plain はい / いいえ the NLU may have missed; None otherwise."""
    value = normalize(text or "").strip(_TRAILING).lower()
    if value in _YES:
        return "yes"
    if value in _NO:
        return "no"
    return None

"""Short follow-ups that continue the previous answer instead of starting a topic of their own.

* Only a name (「G検は？」「AI-OCR研修なら？」「じゃあFEは？」): the same question as the previous
  answer, about that name — after study tips for iパス, 「G検は？」 gets G検定's study tips whatever
  intent the NLU chose for three characters.
* Every answering action records what it answered as (slot ``answered_as``); an answer delegated to
  another action is recorded as that action, so 「どこに出すの？」 after 「期限は？」 (answered by the
  procedure) is still about the subsidy.

This module decides; :class:`actions.base.ManabiAction` carries it out.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker

from actions.context import catalogue, latest_text, previous_answer

# The kinds of name each per-item answer can be asked about again with just the name.
ACCEPTS = {
    "action_study_tips": {"exam"},
    "action_subsidy_amount": {"exam"},
    "action_subsidy_procedure": {"exam"},
    "action_answer_schedule": {"exam", "course"},
    "action_course_details": {"course"},
}
_BEFORE = re.compile(r"(じゃあ|じゃ|では|それなら|なら|あと|次は)?[、,\s]*")
_BETWEEN = re.compile(r"[とや、,・\s]*")
_AFTER = re.compile(
    r"(は|も|なら|だと|だったら|って|の場合は?|では|の方は|のほうは)?"
    r"(どう(ですか|でしょうか?|なの|かな)?)?(ですか)?[？?。!！\s]*"
)


def named_kinds_alone(text: str) -> set[str] | None:
    """The kinds of the names in ``text`` if it says nothing but them (with particles), else None."""
    if not text or text.startswith("/"):
        return None
    matches = catalogue().matcher.find(text, kinds=["exam", "course"])
    if not matches:
        return None
    pieces = [text[: matches[0].start]] + [text[a.end : b.start] for a, b in zip(matches, matches[1:])]
    rest = text[matches[-1].end :]
    if not (_BEFORE.fullmatch(pieces[0]) and all(_BETWEEN.fullmatch(p) for p in pieces[1:]) and _AFTER.fullmatch(rest)):
        return None
    return {match.kind for match in matches}


def continued_answer(tracker: Tracker, current_action: str) -> str | None:
    """The previous answer's action if this message only names something for it to answer about."""
    previous = previous_answer(tracker)
    if previous is None or previous == current_action or previous not in ACCEPTS:
        return None
    kinds = named_kinds_alone(latest_text(tracker))
    return previous if kinds and kinds <= ACCEPTS[previous] else None

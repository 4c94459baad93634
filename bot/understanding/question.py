"""The structured question: what one message (read with the conversation so far) asks.

:func:`bot.understanding.reader.understand` makes it; :func:`bot.answers.route.answer` answers it.
It is kept in the tracker (slot ``question``, as plain JSON) so that the next message can continue
it: 「締め切りは？」 keeps the course, 「G検は？」 keeps the asks, 「いや、応用情報のほうで」 keeps
everything but the exam, and an answer to 「合格していますか？」 completes the check it belongs to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bot.dates import Period

# How a fact about a person was said.
STATED, HYPOTHETICAL, DENIED = "stated", "hypothetical", "denied"
# Whom it is about.
SELF, OTHER = "self", "other"


@dataclass(frozen=True)
class PersonFact:
    """Something said about the person asking, or about someone they ask for.

    ``name`` is a rule fact (employment_type, pass_status, department, months_since_pass,
    previous_subsidies) or ``age`` (a decade: 20 for 「20代」)."""

    name: str
    value: str | int | float
    mode: str = STATED
    about: str = SELF
    exam: str = ""  # for a fact about one exam (an earlier subsidy): that exam's id


@dataclass(frozen=True)
class Question:
    text: str
    intent: str | None = None
    confidence: float = 0.0
    topic: str | None = None  # course, exam, subsidy, study, registration, contact; None: not known
    asks: tuple[str, ...] = ()  # ids of bot.catalogue.contract.ASKS
    stated_asks: tuple[str, ...] = ()  # the asks the message's own words say (asks may add the intent's)
    courses: tuple[str, ...] = ()
    exams: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()  # "course_id:seq"
    cohort: str | None = None
    period: Period | None = None
    more_periods: tuple[Period, ...] = ()  # 「12月と1月の研修」: the second month (and any further)
    facts: tuple[PersonFact, ...] = ()
    not_offered: tuple[str, ...] = ()  # names of exams or courses we do not offer
    not_offered_kind: str = ""  # "exam" or "course"
    topic_words: tuple[str, ...] = ()  # topics the message names itself (「補助」「研修」)
    course_format: str = ""  # a kind of course asked about by its format (「オンライン」「集合」)
    venue: str = ""  # the venue parts a course question names (「5階でやる研修」): those held there
    corrects: bool = False  # says it corrects itself (「いや、」「じゃなくて」)
    smalltalk: str | None = None  # greet, goodbye, thank, help, bot_identity, affirm, deny, stop
    context: str | None = None  # how the previous question was used: "follow_up", "correction", "answer"
    awaiting: str | None = None  # set by an answer that asked the person for a fact
    offer: str | None = None  # set by an answer that offered something (「登録を始めますか？」): "register"
    vague: bool = False  # on topic, but what is asked is unclear: offer the closest topics
    button: bool = False  # a button's payload, not typed text
    suggestions: tuple[str, ...] = field(default=(), compare=False)  # intents the NLU found likely

    # --- facts ---------------------------------------------------------------------------------
    def fact(self, name: str, about: str | None = None) -> PersonFact | None:
        """The last fact of that name (about that person, if given)."""
        found = [f for f in self.facts if f.name == name and (about is None or f.about == about)]
        return found[-1] if found else None

    @property
    def about_other(self) -> bool:
        return any(f.about == OTHER for f in self.facts)

    @property
    def hypothetical(self) -> bool:
        return any(f.mode == HYPOTHETICAL for f in self.facts)

    def with_facts(self, facts: tuple[PersonFact, ...]) -> Question:
        return replace(self, facts=facts)

    # --- keeping it in the tracker ---------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["period"] = _period_json(self.period) if self.period else None
        data["more_periods"] = [_period_json(p) for p in self.more_periods]
        data.pop("suggestions", None)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Question | None:
        """The question kept in the tracker, or None for anything that is not one (old slot values)."""
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            return None
        try:
            period = data.get("period")
            values = {
                **data,
                "more_periods": tuple(_period(p) for p in data.get("more_periods") or ()),
                "asks": tuple(data.get("asks") or ()),
                "stated_asks": tuple(data.get("stated_asks") or ()),
                "courses": tuple(data.get("courses") or ()),
                "exams": tuple(data.get("exams") or ()),
                "phases": tuple(data.get("phases") or ()),
                "not_offered": tuple(data.get("not_offered") or ()),
                "topic_words": tuple(data.get("topic_words") or ()),
                "facts": tuple(PersonFact(**f) for f in data.get("facts") or ()),
                "period": _period(period) if period else None,
            }
            known = set(cls.__dataclass_fields__)
            return cls(**{k: v for k, v in values.items() if k in known and k != "suggestions"})
        except (TypeError, ValueError, IndexError):
            return None


def _period_json(period: Period) -> list[str]:
    return [period.start.isoformat(), period.end.isoformat(), period.label]


def _period(data: Any) -> Period:
    return Period(dt.date.fromisoformat(data[0]), dt.date.fromisoformat(data[1]), str(data[2]))

"""Each form declared once: its fields in the order asked, and how each is asked, checked, summarised
and stored. Everything else about a form's fields is derived from here:

* ``domain.yml``: the slots, ``forms.<name>.required_slots`` and ``utter_ask_<slot>`` /
  ``action_ask_<slot>``, checked by :func:`domain_problems` (tests/unit/test_registration_forms.py);
* the validation actions (actions/registration_form.py, actions/cancellation.py): the questions still
  to ask, conditions included, and the validators of the fields that need nothing but their checker;
* the submit (actions/registration.py): the answers read from the slots, what is missing, the
  application stored;
* the replies (bot/replies/registration.py): the summary's rows, the list of what will be asked;
* the store (bot/registrations/validation.py): the re-check of every field at submit, and the labels
  of its problems.

A field is asked either by a fixed question (``question``: Rasa's response ``utter_ask_<slot>``, whose
text in domain.yml must be this one) or, when the question needs buttons or wording from settings or
the catalogue, by the action ``action_ask_<slot>``. Rasa asks the form's fields in the order of
``required_slots`` in domain.yml, which therefore lists every field, also one asked only under a
condition (``only_if``); the validation action leaves out those whose condition does not hold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

from bot.registrations import fields as checks
from bot.registrations.fields import Checked
from bot.registrations.model import RECOMMENDATION_LABELS

Checker = Callable[[str], Checked]
Answers = Mapping[str, Any]  # a form's answers by field key

HALT = "reg_halt"  # not a field: set when a form must end without asking more (closed cohort, nothing to cancel …)
SLOT_PREFIX = "reg_"  # every slot of these forms (a slot of domain.yml with it belongs to a declared form)

# What the store checks beyond the field's checker (bot/registrations/validation.py).
TEXT = "text"  # free text: the checker alone
NAME = "name"  # a person's or unit's name: no formula start or markup characters either
CODE = "code"  # stored exactly in the form the checker gives (職員番号 204518, not 「２０４５１８です」)
CHOICE = "choice"  # one of a few values (self / manager)
YES_NO = "yes_no"  # the はい / いいえ that ends a form (buttons, the intents or plain words)


@dataclass(frozen=True)
class Field:
    slot: str
    key: str  # the answer's name: the Application attribute it is stored in, when stored
    label: str  # the field as the person knows it, in lists of what is missing or wrong: 「お名前」
    question: str | None = None  # a fixed question (utter_ask_<slot>); None: asked by action_ask_<slot>
    check: Checker | None = None  # the answer → the value to keep, or the problem to tell the person
    kind: str = TEXT
    summary: str | None = None  # the label of its row in the summary (None: no row of its own)
    shown: Callable[[Answers], str] | None = None  # the summary's value when it is not the answer as given
    only_if: tuple[str, str] | None = None  # (key, value): asked and stored only when that answer is that value
    stored: bool = True  # part of the application (a confirmation is not)

    @property
    def ask_response(self) -> str:
        """The domain response or action Rasa runs to ask for this field."""
        return f"utter_ask_{self.slot}" if self.question else f"action_ask_{self.slot}"

    def applies(self, answers: Answers) -> bool:
        """Is the field asked (and stored), given the other answers?"""
        return self.only_if is None or answers.get(self.only_if[0]) == self.only_if[1]

    def summary_value(self, answers: Answers) -> str:
        return self.shown(answers) if self.shown else str(answers.get(self.key) or "")


@dataclass(frozen=True)
class Form:
    name: str
    fields: tuple[Field, ...]

    @cached_property
    def by_slot(self) -> dict[str, Field]:
        return {f.slot: f for f in self.fields}

    @property
    def slots(self) -> tuple[str, ...]:
        """Every field's slot, in the order asked (domain.yml's required_slots)."""
        return tuple(f.slot for f in self.fields)

    @property
    def stored_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.stored)

    def field(self, slot: str) -> Field:
        return self.by_slot[slot]

    def check(self, slot: str, value: str | None) -> Checked:
        """The declared checker of ``slot`` applied to ``value``."""
        checker = self.by_slot[slot].check
        if checker is None:
            raise ValueError(f"{slot} has no checker of its own")
        return checker(value or "")

    def answers(self, slots: Mapping[str, Any]) -> dict[str, Any]:
        """The answers by field key, from slot values (a tracker's ``slots``)."""
        return {f.key: slots.get(f.slot) for f in self.fields}

    def required_slots(self, slots: Mapping[str, Any]) -> list[str]:
        """The slots to fill, in order, leaving out fields whose condition does not hold."""
        answers = self.answers(slots)
        return [f.slot for f in self.fields if f.applies(answers)]

    def missing(self, answers: Answers) -> list[str]:
        """Labels of the stored fields that apply but have no answer."""
        return [f.label for f in self.stored_fields if f.applies(answers) and not answers.get(f.key)]

    def stored(self, answers: Answers) -> dict[str, Any]:
        """The answers the application stores, by key (None for a field whose condition does not hold)."""
        return {f.key: answers.get(f.key) if f.applies(answers) else None for f in self.stored_fields}

    def summary_rows(self, answers: Answers, shown: Mapping[str, str] | None = None) -> list[list[str]]:
        """(label, value) rows in the order asked; ``shown``: values the caller words itself (the cohort's title)."""
        shown = shown or {}
        return [
            [f.summary, shown[f.key] if f.key in shown else f.summary_value(answers)] for f in self.fields if f.summary
        ]

    def personal_labels(self) -> list[str]:
        """What everyone is asked about themselves, in order (「お名前・所属・職員番号…」)."""
        return [f.label for f in self.stored_fields if f.check and f.only_if is None]


def confirmation_field(slot: str, expected: str) -> Field:
    """The summary's はい / いいえ question that ends a form; ``expected`` says what each answer does."""
    return Field(
        slot, "confirm", "確認", check=partial(checks.check_yes_no, expected=expected), kind=YES_NO, stored=False
    )


def _staff_number(text: str) -> Checked:
    return checks.check_staff_number(text, checks.staff_number_format())  # the format is a setting, read each time


def _recommendation_shown(answers: Answers) -> str:
    """「所属長推薦（推薦者：田中一郎）」: the manager's name goes with the 推薦区分."""
    shown = RECOMMENDATION_LABELS.get(answers.get("recommendation") or "", "")
    if answers.get("recommendation") == "manager" and answers.get("manager_name"):
        shown += f"（推薦者：{answers['manager_name']}）"
    return shown


REGISTRATION = Form(
    "registration_form",
    (
        # The open cohorts as buttons; checked against the catalogue and the state DB (closed? registered?).
        Field("reg_cohort", "cohort_id", "研修の期", summary="研修"),
        Field(
            "reg_name",
            "name",
            "お名前",
            question="お名前（氏名）を教えてください。",
            check=checks.check_name,
            kind=NAME,
            summary="氏名",
        ),
        Field(
            "reg_department",
            "department",
            "所属",
            question="所属（課・室など）を教えてください（例：市民課、環境保全課）。",
            check=checks.check_department,
            kind=NAME,
            summary="所属",
        ),
        # The question names the format, a setting.
        Field("reg_staff_number", "staff_number", "職員番号", check=_staff_number, kind=CODE, summary="職員番号"),
        # 自薦 / 所属長推薦 as buttons.
        Field(
            "reg_recommendation",
            "recommendation",
            "推薦区分",
            check=checks.check_recommendation,
            kind=CHOICE,
            summary="推薦区分",
            shown=_recommendation_shown,
        ),
        Field(
            "reg_manager_name",
            "manager_name",
            "所属長のお名前",
            question="推薦する所属長のお名前を教えてください（例：田中一郎）。",
            check=partial(checks.check_name, what="所属長のお名前"),
            kind=NAME,
            only_if=("recommendation", "manager"),
        ),
        # The question names the length limits.
        Field("reg_motivation", "motivation", "志望動機", check=checks.check_motivation, summary="志望動機"),
        # The summary of every answer, with はい / いいえ.
        confirmation_field("reg_confirm", "「はい」（登録する）か「いいえ」（登録しない）でお答えください。"),
    ),
)

CANCELLATION = Form(
    "cancel_registration_form",
    (
        # The person's active registrations as buttons; asked only when there are several.
        Field("reg_cancel_target", "cohort_id", "取り消す申込", stored=False),
        confirmation_field("reg_cancel_confirm", "「はい」（取り消す）か「いいえ」（取り消さない）でお答えください。"),
    ),
)

FORMS = (REGISTRATION, CANCELLATION)
ALL_SLOTS = tuple(slot for form in FORMS for slot in form.slots) + (HALT,)


# --- domain.yml against the declarations --------------------------------------------------------
def domain_problems(domain: Mapping[str, Any], forms: Sequence[Form] = FORMS) -> list[str]:
    """How domain.yml disagrees with the declarations, one sentence per problem (empty: it agrees)."""
    slots = domain.get("slots") or {}
    declared = {f.slot for form in forms for f in form.fields} | {HALT}
    problems = [
        f"slot {slot!r} is in domain.yml but in no form declared in bot/registrations/forms.py"
        for slot in slots
        if slot.startswith(SLOT_PREFIX) and slot not in declared
    ]
    for slot in sorted(declared):
        if slot not in slots:
            problems.append(f"slot {slot!r} is declared in bot/registrations/forms.py but missing from domain.yml")
        elif (slots[slot] or {}).get("mappings") != [{"type": "custom"}]:
            problems.append(
                f"slot {slot!r} must have one custom mapping in domain.yml (its form's validation fills it)"
            )
    for form in forms:
        problems += _form_problems(domain, form)
    asked_for = {f.ask_response for form in forms for f in form.fields}
    asks = [n for n in (domain.get("responses") or {}) if n.startswith(f"utter_ask_{SLOT_PREFIX}")]
    asks += [n for n in (domain.get("actions") or []) if n.startswith(f"action_ask_{SLOT_PREFIX}")]
    stray = [n for n in asks if n not in asked_for and n.split("_ask_", 1)[1] not in declared]
    return problems + [f"{name!r} is in domain.yml but asks for no declared field" for name in stray]


def _form_problems(domain: Mapping[str, Any], form: Form) -> list[str]:
    problems = []
    required = ((domain.get("forms") or {}).get(form.name) or {}).get("required_slots")
    if required is None:
        problems.append(f"form {form.name!r} is missing from domain.yml")
    elif list(required) != list(form.slots):
        lacking = [s for s in form.slots if s not in required]
        extra = [s for s in required if s not in form.slots]
        detail = "; ".join(
            part
            for part in (
                f"lacks {', '.join(lacking)}" if lacking else "",
                f"has {', '.join(extra)}, which the form does not declare" if extra else "",
            )
            if part
        )
        problems.append(
            f"forms.{form.name}.required_slots in domain.yml {detail or 'lists the fields in another order'}"
            f" (declared: {', '.join(form.slots)})"
        )
    actions = set(domain.get("actions") or [])
    responses = domain.get("responses") or {}
    if f"validate_{form.name}" not in actions:
        problems.append(f"action 'validate_{form.name}' is missing from domain.yml")
    for f in form.fields:
        response, action = f"utter_ask_{f.slot}", f"action_ask_{f.slot}"
        if f.question is None and action not in actions:
            problems.append(f"{f.slot!r} is asked by an action: {action!r} is missing from domain.yml's actions")
        if f.question is not None:
            texts = [r.get("text") for r in responses.get(response) or []]
            if texts != [f.question]:
                problems.append(
                    f"{f.slot!r} is asked with {f.question!r}: domain.yml's {response!r} must be exactly that"
                    f" (it has {texts})"
                )
        if (f.question is None and response in responses) or (f.question is not None and action in actions):
            problems.append(
                f"{f.slot!r} is asked twice in domain.yml ({response!r} and {action!r}): keep {f.ask_response!r}"
            )
    return problems

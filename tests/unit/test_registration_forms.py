"""The forms declared once (bot/registrations/forms.py): domain.yml agrees with them, the actions
implement what they declare, and what is derived from them (questions to ask, missing answers, the
stored application, the summary, the store's labels) follows the declaration."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from actions.cancellation import ValidateCancelRegistrationForm
from actions.registration_form import ValidateRegistrationForm
from bot.registrations import validation
from bot.registrations.forms import CANCELLATION, FORMS, HALT, REGISTRATION, domain_problems
from bot.registrations.model import Application
from bot.settings import PROJECT_ROOT

DOMAIN: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
VALIDATIONS = {REGISTRATION.name: ValidateRegistrationForm(), CANCELLATION.name: ValidateCancelRegistrationForm()}


def changed(change) -> list[str]:
    """domain_problems for a copy of domain.yml after ``change(copy)``."""
    domain = copy.deepcopy(DOMAIN)
    change(domain)
    return domain_problems(domain)


# --- domain.yml ----------------------------------------------------------------------------------
def test_domain_yml_agrees_with_the_declared_forms():
    assert domain_problems(DOMAIN) == []


def test_a_declared_slot_missing_from_the_domain_is_named():
    problems = changed(lambda d: d["slots"].pop("reg_manager_name"))
    assert problems == ["slot 'reg_manager_name' is declared in bot/registrations/forms.py but missing from domain.yml"]


def test_a_slot_no_form_declares_is_named():
    problems = changed(lambda d: d["slots"].update(reg_nickname={"type": "text", "mappings": [{"type": "custom"}]}))
    assert problems == ["slot 'reg_nickname' is in domain.yml but in no form declared in bot/registrations/forms.py"]


def test_required_slots_that_lack_or_add_a_field_name_it():
    def drop_manager(domain):
        domain["forms"]["registration_form"]["required_slots"].remove("reg_manager_name")

    def add_nickname(domain):
        domain["forms"]["cancel_registration_form"]["required_slots"].append("reg_nickname")

    [lacking] = changed(drop_manager)
    assert "forms.registration_form.required_slots" in lacking and "lacks reg_manager_name" in lacking
    [extra] = changed(add_nickname)
    assert "has reg_nickname, which the form does not declare" in extra


def test_required_slots_in_another_order_are_refused():
    def swap(domain):
        required = domain["forms"]["registration_form"]["required_slots"]
        required[1], required[2] = required[2], required[1]

    [problem] = changed(swap)
    assert "lists the fields in another order" in problem and "reg_cohort, reg_name, reg_department" in problem


def test_a_question_that_differs_from_the_declared_one_is_named():
    def reword(domain):
        domain["responses"]["utter_ask_reg_name"] = [{"text": "お名前は？"}]

    [problem] = changed(reword)
    assert "'reg_name'" in problem and "お名前（氏名）を教えてください。" in problem and "utter_ask_reg_name" in problem


def test_a_question_asked_by_an_action_needs_the_action_and_only_it():
    [missing] = changed(lambda d: d["actions"].remove("action_ask_reg_staff_number"))
    assert "'action_ask_reg_staff_number' is missing" in missing
    [twice] = changed(lambda d: d["responses"].update(utter_ask_reg_staff_number=[{"text": "職員番号は？"}]))
    assert "'reg_staff_number' is asked twice" in twice
    [stray] = changed(lambda d: d["responses"].update(utter_ask_reg_nickname=[{"text": "あだ名は？"}]))
    assert stray == "'utter_ask_reg_nickname' is in domain.yml but asks for no declared field"


def test_a_slot_filled_outside_its_form_is_refused():
    [problem] = changed(lambda d: d["slots"]["reg_name"].update(mappings=[{"type": "from_text"}]))
    assert "'reg_name' must have one custom mapping" in problem


# --- the actions implement what is declared ----------------------------------------------------------
def test_every_question_asked_by_an_action_has_one_and_every_form_its_validation():
    executor = ActionExecutor()
    executor.register_package("actions")
    for form in FORMS:
        assert f"validate_{form.name}" in executor.actions
        for field in form.fields:
            if field.question is None:
                assert field.ask_response in executor.actions, field.slot


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_every_field_is_read_and_checked(form):
    validation_action = VALIDATIONS[form.name]
    assert validation_action.name() == f"validate_{form.name}"
    for field in form.fields:
        assert callable(getattr(validation_action, f"extract_{field.slot}", None)), field.slot
        assert callable(getattr(validation_action, f"validate_{field.slot}", None)), field.slot
    with pytest.raises(AttributeError):
        validation_action.validate_reg_nickname  # noqa: B018 (a slot no form declares has no validator)


def test_the_stored_fields_are_the_applications_and_the_store_labels_them():
    stored = {f.key for f in REGISTRATION.stored_fields}
    assert stored <= {f.name for f in dataclasses.fields(Application)}
    assert set(validation.LABELS) == stored | {"person_id", "department_id", "channel"}
    assert validation.LABELS["manager_name"] == "所属長のお名前"
    assert HALT not in REGISTRATION.slots + CANCELLATION.slots


# --- what is derived ---------------------------------------------------------------------------------
def test_the_manager_is_asked_and_stored_only_for_a_manager_recommendation():
    assert "reg_manager_name" not in REGISTRATION.required_slots({"reg_recommendation": "self"})
    assert "reg_manager_name" not in REGISTRATION.required_slots({})
    manager = REGISTRATION.required_slots({"reg_recommendation": "manager"})
    assert manager.index("reg_manager_name") == manager.index("reg_recommendation") + 1
    given = {"recommendation": "self", "manager_name": "田中一郎"}
    assert REGISTRATION.stored(given)["manager_name"] is None
    assert REGISTRATION.stored({**given, "recommendation": "manager"})["manager_name"] == "田中一郎"


def test_missing_answers_are_named_in_the_order_asked():
    answers = {"cohort_id": "leader-7", "name": "山田太郎", "recommendation": "manager", "motivation": ""}
    assert REGISTRATION.missing(answers) == ["所属", "職員番号", "所属長のお名前", "志望動機"]


def test_the_summary_rows_follow_the_declaration():
    answers = {
        "name": "山田太郎",
        "department": "市民課",
        "staff_number": "204518",
        "recommendation": "manager",
        "manager_name": "田中一郎",
        "motivation": "窓口をオンライン化したい",
    }
    rows = REGISTRATION.summary_rows(answers, shown={"cohort_id": "リーダー研修 第7期"})
    assert rows == [
        ["研修", "リーダー研修 第7期"],
        ["氏名", "山田太郎"],
        ["所属", "市民課"],
        ["職員番号", "204518"],
        ["推薦区分", "所属長推薦（推薦者：田中一郎）"],
        ["志望動機", "窓口をオンライン化したい"],
    ]
    assert REGISTRATION.personal_labels() == ["お名前", "所属", "職員番号", "推薦区分", "志望動機"]

"""The mid-form rules in data/rules/registration.yml match what the form validations treat as a
digression or a way out (actions/registration_support.py): every intent the form rejects has a rule."""

from __future__ import annotations

import pytest
import yaml

from actions import registration_support as support
from bot.settings import PROJECT_ROOT

RULES = yaml.safe_load((PROJECT_ROOT / "data" / "rules" / "registration.yml").read_text(encoding="utf-8"))["rules"]


def mid_form_rules(form: str) -> dict[str, list]:
    """intent → the rule's actions, for rules conditioned on ``form`` being active."""
    found: dict[str, list] = {}
    for rule in RULES:
        conditions = rule.get("condition") or []
        steps = rule["steps"]
        if {"active_loop": form} in conditions and "intent" in steps[0]:
            found[steps[0]["intent"]] = [s["action"] for s in steps[1:] if "action" in s]
    return found


@pytest.mark.parametrize(
    "form, digressions, leave",
    [
        ("registration_form", support.REGISTRATION_DIGRESSIONS, support.REGISTRATION_LEAVE),
        ("cancel_registration_form", support.CANCELLATION_DIGRESSIONS, support.CANCELLATION_LEAVE),
    ],
)
def test_every_rejected_intent_has_a_rule(form: str, digressions: set[str], leave: set[str]):
    rules = mid_form_rules(form)
    assert set(rules) == set(digressions) | set(leave) | {"nlu_fallback"}
    for intent, actions in rules.items():
        if intent in leave:
            assert actions == ["action_deactivate_loop", "action_registration_stop"]
        else:
            assert actions[-1] == form and len(actions) == 2, intent

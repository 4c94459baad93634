"""The subsidy rules engine over the sample 要綱, against the rules as the issue states them.

The oracle below is written from the written policy (half the fee, rounded down; 正規・再任用 only;
must have passed; DBスペシャリスト only for デジタル行政戦略課), independently of the rule rows.
"""

import itertools

import pytest

from bot import rules as engine

FEES = {"itpass": 7500, "fe": 7500, "ap": 7500, "db": 7500, "g_kentei": 13200}
EMPLOYMENT = ["regular", "reappointed", "fiscal_year"]
PASS = ["passed", "not_passed"]
DEPARTMENTS = ["digital_strategy", "shimin", "環境保全課"]  # the last one is typed free text


def oracle(exam, employment, passed, department):
    """(eligible, id of the rule that refused)."""
    if employment not in ("regular", "reappointed"):
        return False, "employment"
    if passed != "passed":
        return False, "passed"
    if exam == "db" and department != "digital_strategy":
        return False, "db_department"
    return True, None


@pytest.mark.parametrize(
    "exam, employment, passed, department", list(itertools.product(FEES, EMPLOYMENT, PASS, DEPARTMENTS))
)
def test_every_combination(catalogue, exam, employment, passed, department):
    rules = catalogue.subsidy_rules(exam)
    facts = {"employment_type": employment, "pass_status": passed, "department": department}
    verdict = engine.evaluate(rules, facts)
    eligible, refused_by = oracle(exam, employment, passed, department)
    assert verdict.eligible is eligible
    assert (verdict.decided_by or {}).get("id") == refused_by
    assert engine.subsidy_amount(catalogue.exam(exam)["fee"], catalogue.subsidy_policy()) == FEES[exam] // 2


@pytest.mark.parametrize(
    "exam, facts",
    [(e, ["employment_type", "pass_status"]) for e in FEES if e != "db"]
    + [("db", ["employment_type", "pass_status", "department"])],
)
def test_only_the_facts_the_rules_need_are_asked(catalogue, exam, facts):
    assert engine.required_facts(catalogue.subsidy_rules(exam)) == facts


def test_missing_facts_are_listed_in_rule_order(catalogue):
    verdict = engine.evaluate(catalogue.subsidy_rules("db"), {"pass_status": "passed"})
    assert verdict.eligible is None
    assert verdict.missing == ["employment_type", "department"]


def test_a_refusal_needs_no_further_facts(catalogue):
    verdict = engine.evaluate(catalogue.subsidy_rules("db"), {"employment_type": "fiscal_year"})
    assert verdict.eligible is False and verdict.missing == []
    assert verdict.decided_by["title"] == "任用形態"


def test_notices_are_stated_not_checked(catalogue):
    verdict = engine.evaluate(
        catalogue.subsidy_rules("itpass"), {"employment_type": "regular", "pass_status": "passed"}
    )
    assert verdict.eligible is True
    assert [n["id"] for n in verdict.notices] == ["deadline", "once"]
    assert "3か月以内" in verdict.notices[0]["text"]


@pytest.mark.parametrize(
    "fee, numerator, denominator, expected",
    [(7500, 1, 2, 3750), (13200, 1, 2, 6600), (7501, 1, 2, 3750), (1000, 1, 3, 333)],
)
def test_amount_rounds_down_to_the_yen(fee, numerator, denominator, expected):
    policy = {"rate_numerator": numerator, "rate_denominator": denominator, "rounding": "floor"}
    assert engine.subsidy_amount(fee, policy) == expected


def test_unknown_rounding_is_refused():
    with pytest.raises(ValueError):
        engine.subsidy_amount(1000, {"rate_numerator": 1, "rate_denominator": 2, "rounding": "round"})

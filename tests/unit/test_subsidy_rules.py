"""The subsidy rules engine over the sample 要綱, against the rules as the issue states them.

The oracle below is written from the written policy (half the fee, rounded down; 正規・再任用 only;
must have passed; DBスペシャリスト only for デジタル行政戦略課; apply within 3 months; once per exam),
independently of the rule rows.
"""

import itertools
from dataclasses import replace

import pytest

from bot import subsidy_rules as engine
from bot.subsidy_rules import Denied

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
    rules = catalogue.rules(exam)
    facts = {"employment_type": employment, "pass_status": passed, "department": department}
    verdict = engine.evaluate(rules, facts)
    eligible, refused_by = oracle(exam, employment, passed, department)
    assert verdict.eligible is eligible
    assert (verdict.decided_by.id if verdict.decided_by else None) == refused_by
    assert engine.subsidy_amount(catalogue.exam(exam).fee, catalogue.policy()) == FEES[exam] // 2


@pytest.mark.parametrize(
    "exam, facts",
    [(e, ["employment_type", "pass_status"]) for e in FEES if e != "db"]
    + [("db", ["employment_type", "pass_status", "department"])],
)
def test_only_the_facts_the_rules_need_are_asked(catalogue, exam, facts):
    assert engine.required_facts(catalogue.rules(exam)) == facts


def test_missing_facts_are_listed_in_rule_order(catalogue):
    verdict = engine.evaluate(catalogue.rules("db"), {"pass_status": "passed"})
    assert verdict.eligible is None
    assert verdict.missing == ["employment_type", "department"]


def test_a_refusal_needs_no_further_facts(catalogue):
    verdict = engine.evaluate(catalogue.rules("db"), {"employment_type": "fiscal_year"})
    assert verdict.eligible is False and verdict.missing == []
    assert verdict.decided_by.title == "任用形態"


@pytest.mark.parametrize("months, eligible", [(1, True), (3, True), (3.25, False), (5, False)])
def test_the_deadline_is_a_limit_told_not_asked(catalogue, months, eligible):
    facts = {"employment_type": "regular", "pass_status": "passed", "months_since_pass": months}
    verdict = engine.evaluate(catalogue.rules("itpass"), facts)
    assert verdict.eligible is eligible
    if not eligible:
        assert verdict.decided_by.id == "deadline"
    assert "months_since_pass" not in engine.required_facts(catalogue.rules("itpass"))


def test_once_per_exam(catalogue):
    facts = {"employment_type": "regular", "pass_status": "passed", "previous_subsidies": 1}
    assert engine.evaluate(catalogue.rules("fe"), facts).decided_by.id == "once"
    assert engine.evaluate(catalogue.rules("fe"), {**facts, "previous_subsidies": 0}).eligible is True


def test_limits_nobody_told_are_unchecked_not_missing(catalogue):
    verdict = engine.evaluate(catalogue.rules("itpass"), {"employment_type": "regular", "pass_status": "passed"})
    assert verdict.eligible is True and verdict.missing == []
    assert [r.id for r in verdict.unchecked] == ["deadline", "once"]


def test_a_denied_fact(catalogue):
    db = catalogue.rules("db")
    # not in the only allowed department: refused by that rule
    assert engine.evaluate(db, {"department": Denied("digital_strategy")}).decided_by.id == "db_department"
    # not a regular employee: could still be reappointed, so undecided
    verdict = engine.evaluate(db, {"employment_type": Denied("regular")})
    assert verdict.eligible is None and "employment_type" in verdict.missing


@pytest.mark.parametrize(
    "fee, numerator, denominator, expected",
    [(7500, 1, 2, 3750), (13200, 1, 2, 6600), (7501, 1, 2, 3750), (1000, 1, 3, 333)],
)
def test_amount_rounds_down_to_the_yen(catalogue, fee, numerator, denominator, expected):
    policy = replace(catalogue.policy(), rate_numerator=numerator, rate_denominator=denominator)
    assert engine.subsidy_amount(fee, policy) == expected


def test_unknown_rounding_is_refused(catalogue):
    with pytest.raises(ValueError):
        engine.subsidy_amount(1000, replace(catalogue.policy(), rounding="round"))

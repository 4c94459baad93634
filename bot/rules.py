"""The subsidy rules engine: evaluates the 要綱's rule rows against what we know about a person.

Rules are data (``data/catalogue/subsidy.yml`` → ``subsidy_rules``); nothing here knows any exam or
employment type by name. A ``check`` rule compares one fact with its allowed values; a ``notice``
rule is a condition we state but cannot check (deadline, once per person).

>>> rules = [{"id": "employment", "kind": "check", "fact": "employment_type", "allowed": ["regular"]},
...          {"id": "passed", "kind": "check", "fact": "pass_status", "allowed": ["passed"]}]
>>> evaluate(rules, {"employment_type": "regular"}).missing
['pass_status']
>>> evaluate(rules, {"employment_type": "fiscal_year"}).decided_by["id"]
'employment'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Rule = dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """One check rule applied: ``passed`` is None while its fact is unknown."""

    rule: Rule
    value: str | None
    passed: bool | None


@dataclass(frozen=True)
class Verdict:
    """The answer to "is this person's exam subsidised?" and why."""

    eligible: bool | None  # None: not decided yet, ask for ``missing``
    outcomes: list[Outcome]
    missing: list[str] = field(default_factory=list)
    notices: list[Rule] = field(default_factory=list)

    @property
    def decided_by(self) -> Rule | None:
        """The rule that refused, or None when eligible or undecided."""
        failed = [o.rule for o in self.outcomes if o.passed is False]
        return failed[0] if failed else None

    @property
    def satisfied(self) -> list[Rule]:
        return [o.rule for o in self.outcomes if o.passed]


def subsidy_amount(fee: int, policy: Mapping[str, Any]) -> int:
    """Fee × rate, rounded down to the yen (the only rounding the 要綱 allows today)."""
    if policy["rounding"] != "floor":
        raise ValueError(f"unsupported rounding: {policy['rounding']}")
    return fee * policy["rate_numerator"] // policy["rate_denominator"]


def required_facts(rules: list[Rule]) -> list[str]:
    """The facts the check rules need, in rule order, each once."""
    facts: list[str] = []
    for rule in rules:
        if rule["kind"] == "check" and rule["fact"] not in facts:
            facts.append(rule["fact"])
    return facts


def evaluate(rules: list[Rule], facts: Mapping[str, str | None]) -> Verdict:
    """Apply every rule. A failed check decides "not eligible" at once: no need to ask more."""
    outcomes = []
    for rule in rules:
        if rule["kind"] != "check":
            continue
        value = facts.get(rule["fact"])
        passed = None if value is None else value in rule["allowed"]
        outcomes.append(Outcome(rule, value, passed))
    notices = [rule for rule in rules if rule["kind"] == "notice"]
    if any(o.passed is False for o in outcomes):
        return Verdict(False, outcomes, [], notices)
    missing = [fact for fact in required_facts(rules) if facts.get(fact) is None]
    return Verdict(None if missing else True, outcomes, missing, notices)

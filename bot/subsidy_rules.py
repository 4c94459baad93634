"""The subsidy rules engine: evaluates the 要綱's rule rows against what we know about a person.

Rules are data (``data/catalogue/subsidy.yml`` → :class:`bot.catalogue.rows.Rule`); nothing here
knows any exam, employment type or number by name:

* a ``check`` rule compares one fact with its allowed values (asked for when unknown);
* a ``limit`` rule compares a number the person told (months since the pass announcement, earlier
  subsidies for the same exam) with ``at_most``; it is never asked for, so unknown is not missing.

A fact may be *denied* (「デジタル行政戦略課ではありません」): :class:`Denied` passes a check only when
every other value would, and fails it when the denied value was the only one allowed.

>>> from bot.catalogue.rows import Rule
>>> employed = Rule("employment", 1, "任用形態", "check", "employment_type", "…", "…", "…", ("regular",))
>>> passed = Rule("passed", 2, "合格", "check", "pass_status", "…", "…", "…", ("passed",))
>>> evaluate([employed, passed], {"employment_type": "regular"}).missing
['pass_status']
>>> evaluate([employed, passed], {"employment_type": "fiscal_year"}).decided_by.id
'employment'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.catalogue.rows import Policy, Rule


@dataclass(frozen=True)
class Denied:
    """A fact given only as what it is not (「正規職員ではありません」)."""

    value: str


Fact = str | int | float | Denied


@dataclass(frozen=True)
class Outcome:
    """One rule applied: ``passed`` is None while its fact is unknown."""

    rule: Rule
    value: Fact | None
    passed: bool | None


@dataclass(frozen=True)
class Verdict:
    """The answer to "is this person's exam subsidised?" and why."""

    eligible: bool | None  # None: not decided yet, ask for ``missing``
    outcomes: list[Outcome]
    missing: list[str] = field(default_factory=list)

    @property
    def decided_by(self) -> Rule | None:
        """The rule that refused, or None when eligible or undecided."""
        failed = [o.rule for o in self.outcomes if o.passed is False]
        return failed[0] if failed else None

    @property
    def satisfied(self) -> list[Rule]:
        return [o.rule for o in self.outcomes if o.passed]

    @property
    def unchecked(self) -> list[Rule]:
        """Rules whose fact nobody told: for a conditional answer (「合格していれば」)."""
        return [o.rule for o in self.outcomes if o.passed is None]


def subsidy_amount(fee: int, policy: Policy) -> int:
    """Fee × rate, rounded down to the yen (the only rounding the 要綱 allows today)."""
    if policy.rounding != "floor":
        raise ValueError(f"unsupported rounding: {policy.rounding}")
    return fee * policy.rate_numerator // policy.rate_denominator


def required_facts(rules: Sequence[Rule]) -> list[str]:
    """The facts the check rules need (the ones to ask for), in rule order, each once."""
    facts: list[str] = []
    for rule in rules:
        if rule.kind == "check" and rule.fact not in facts:
            facts.append(rule.fact)
    return facts


def passes(rule: Rule, value: Fact | None) -> bool | None:
    """Whether ``value`` satisfies ``rule`` (None: cannot tell)."""
    if value is None:
        return None
    if rule.kind == "limit":
        if isinstance(value, (int, float)) and rule.at_most is not None:
            return value <= rule.at_most
        return None
    if isinstance(value, Denied):
        if set(rule.allowed) == {value.value}:
            return False
        return None
    return str(value) in rule.allowed


def evaluate(rules: Sequence[Rule], facts: Mapping[str, Fact | None]) -> Verdict:
    """Apply every rule. A failed rule decides "not eligible" at once: no need to ask more."""
    outcomes = [Outcome(rule, facts.get(rule.fact), passes(rule, facts.get(rule.fact))) for rule in rules]
    if any(o.passed is False for o in outcomes):
        return Verdict(False, outcomes, [])
    missing = [
        fact
        for fact in required_facts(rules)
        if any(o.passed is None for o in outcomes if o.rule.fact == fact and o.rule.kind == "check")
    ]
    return Verdict(None if missing else True, outcomes, missing)

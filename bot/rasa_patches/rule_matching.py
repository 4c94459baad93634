"""Rules are matched against the states that can still decide.

``RulePolicy._get_possible_keys`` tests every rule against every state of the conversation, newest
first, re-reading and reversing each rule's states on every test. A rule whose states are all behind
us always matches (Rasa's own ``turn_index >= len(rule)`` case), so we stop once every remaining rule
is that short, and keep each rule's reversed states; the rules that remain are the same.
"""

from __future__ import annotations

from typing import Any

from bot.rasa_patches.patch import Replacement


def replacements() -> list[Replacement]:
    """``RulePolicy._get_possible_keys`` with the same result (see the module's docstring)."""
    import functools
    import json

    from rasa.core.policies.rule_policy import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, RulePolicy
    from rasa.shared.nlu.constants import ACTION_NAME

    @functools.cache
    def reversed_rule(rule_key: str) -> tuple[dict[str, Any], ...]:
        return tuple(reversed(json.loads(rule_key)))

    indexes: dict[int, tuple[dict[str, Any], dict[str | None, set], set]] = {}

    def index_of(lookup: dict[str, str]) -> tuple[dict[str | None, set], set]:
        """Rules by the previous action their newest state requires (exact name), and the others."""
        entry = indexes.get(id(lookup))
        if entry is None or entry[0] is not lookup:
            by_action: dict[str | None, set] = {}
            others = set()
            for key in lookup:
                rule = reversed_rule(key)
                name = rule[0].get(PREVIOUS_ACTION, {}).get(ACTION_NAME) if rule else None
                if name and name != SHOULD_NOT_BE_SET:
                    by_action.setdefault(name, set()).add(key)
                else:
                    others.add(key)
            entry = indexes[id(lookup)] = (lookup, by_action, others)
        return entry[1], entry[2]

    def _get_possible_keys(self: Any, lookup: dict[str, str], states: list[dict[str, Any]]) -> set:
        if not states:
            return set(lookup.keys())
        by_action, others = index_of(lookup)
        # A rule naming the previous action of its newest state can only match a conversation whose
        # newest state has that previous action (Rasa's check at turn 0 would drop it otherwise).
        newest_action = (states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        possible = others | by_action.get(newest_action, set())
        matches = self._does_rule_match_state
        for index, state in enumerate(reversed(states)):
            if not possible or all(len(reversed_rule(key)) <= index for key in possible):
                break  # an empty set stays empty; rules already passed match at every older turn
            current_previous_action = state.get(PREVIOUS_ACTION)
            kept = set()
            for key in possible:
                rule = reversed_rule(key)
                if index >= len(rule):
                    kept.add(key)
                    continue
                rule_previous_action = rule[index].get(PREVIOUS_ACTION)
                if (
                    not rule_previous_action
                    and not current_previous_action
                    or rule_previous_action
                    and current_previous_action
                    and matches(rule[index], state)
                ):
                    kept.add(key)
            possible = kept
        return possible

    return [Replacement(RulePolicy, "_get_possible_keys", _get_possible_keys)]

"""Each event of an action server response is checked against its own type's schema first.

The response schema checks every event against a ``oneOf`` of 23 event schemas, one per value of
``event`` (a ``const``): jsonschema evaluates all 23 and builds an error object for each of the 22
that do not fit. An event whose ``event`` is X is valid exactly when it is valid against the common
part and X's schema, so a response whose events all pass that way is valid; anything else goes to
the full validation (``action_schema``'s, or Rasa's own when that patch is left out), which passes
it or raises Rasa's error as before.
"""

from __future__ import annotations

from typing import Any

from bot.rasa_patches.patch import Replacement


def replacements() -> list[Replacement]:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    event_validators = _event_validators(validators.validator_for(schema), schema)
    if not event_validators:
        return []  # the schema is not shaped as expected: only the full validation decides correctly
    full_validation = RemoteAction.__dict__["_validate_action_result"]

    def quickly_valid(result: Any) -> bool:
        if not isinstance(result, dict):
            return False
        events = result.get("events", [])
        responses = result.get("responses", [])
        if not isinstance(events, list) or not isinstance(responses, list):
            return False
        if not all(isinstance(response, dict) for response in responses):
            return False
        for event in events:
            if not isinstance(event, dict):
                return False
            name = event.get("event")
            check = event_validators.get(name) if isinstance(name, str) else None
            if check is None or not check.is_valid(event):
                return False
        return True

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        if quickly_valid(result):
            return True
        return bool(full_validation(self, result))

    return [Replacement(RemoteAction, "_validate_action_result", _validate_action_result)]


def _event_validators(validator_class: Any, response_schema: dict[str, Any]) -> dict[str, Any]:
    """One validator per event type: the event schema's common part together with that type's schema.

    Returns {} if the schema is not shaped as expected: a response object whose ``events`` are items
    with a ``oneOf`` of ``const``-keyed schemas, and ``responses`` a list of objects.
    """
    try:
        event_schema = response_schema["properties"]["events"]["items"]
        alternatives = event_schema["oneOf"]
        responses = response_schema["properties"]["responses"]
        if response_schema.get("type") != "object" or set(response_schema) != {"type", "properties"}:
            return {}
        if set(response_schema["properties"]) != {"events", "responses"}:
            return {}
        if responses != {"type": "array", "items": {"type": "object"}}:
            return {}
        common = {key: value for key, value in event_schema.items() if key != "oneOf"}
        table: dict[str, Any] = {}
        for alternative in alternatives:
            name = alternative["properties"]["event"]["const"]
            if name in table:
                return {}  # two schemas for one name: only the full check decides correctly
            table[name] = validator_class({"allOf": [common, alternative]})
        return table
    except (KeyError, TypeError):
        return {}

"""Fix 1: action server responses are validated with compiled schemas.

``RemoteAction._validate_action_result`` calls ``jsonschema.validate`` on every custom action, which
re-checks the schema itself against the draft 2020-12 meta-schema each time (~40 ms per action). We
validate with the same schema, compiled once, and first try each event against only the schema of its
own type (the full schema tries all 23 and builds an error object for each that does not fit); a
response that does not pass this way gets the full validation, so invalid responses are still rejected
with Rasa's message.
"""

from __future__ import annotations

from typing import Any


def compiled_action_result_validator(fast_path: bool = True):
    """A replacement for ``RemoteAction._validate_action_result`` using pre-compiled validators.

    The response schema checks each event against a ``oneOf`` of 23 event schemas, one per value of
    ``event`` (a ``const``): jsonschema evaluates all 23 and builds an error for each of the 22 that
    fail. An event whose ``event`` is X is valid exactly when it is valid against the common part and
    X's schema, so we check that first; anything that does not pass this way is validated with the
    full schema, which passes it or raises Rasa's error as before.
    """
    from jsonschema import ValidationError, validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of on every action
    validator = validator_class(schema)
    event_validators = _event_validators(validator_class, schema) if fast_path else {}

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
            check = event_validators.get(event.get("event")) if isinstance(event.get("event"), str) else None
            if check is None or not check.is_valid(event):
                return False
        return True

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        if event_validators and quickly_valid(result):
            return True
        try:
            validator.validate(result)
            return True
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response "
                f"from the Action endpoint is valid. For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise error

    return _validate_action_result


def _event_validators(validator_class: Any, response_schema: dict[str, Any]) -> dict[str, Any]:
    """One validator per event type: the event schema's common part together with that type's schema.

    Returns {} (every response then takes the full validation) if the schema is not shaped as
    expected: a response object whose ``events`` are items with a ``oneOf`` of ``const``-keyed schemas.
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

"""Action server responses are validated against a schema compiled once.

``RemoteAction._validate_action_result`` calls ``jsonschema.validate`` for every custom action, which
first checks the response schema itself against the draft 2020-12 meta-schema (~40 ms per action).
The schema does not change, so it is checked and compiled once; each response is then validated as
``jsonschema.validate`` does (the best-matching error raised, with Rasa's message appended).
"""

from __future__ import annotations

from typing import Any

from bot.rasa_patches.patch import Replacement


def replacements() -> list[Replacement]:
    from jsonschema import exceptions, validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of on every action
    validator = validator_class(schema)

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        error = exceptions.best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    return [Replacement(RemoteAction, "_validate_action_result", _validate_action_result)]

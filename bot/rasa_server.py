"""Entry point for the Rasa server: ``python -m bot.rasa_server run …`` = ``rasa run …`` plus one fix.

**Action responses are validated with a compiled schema.** Rasa 3.6's
``RemoteAction._validate_action_result`` calls ``jsonschema.validate`` on every custom action,
which re-checks the schema itself against the draft 2020-12 meta-schema each time: ~40 ms per
action on this machine (docs/performance.md), more than the rest of the turn. We validate with
the same schema, compiled once; invalid responses are still rejected with Rasa's message.
The fix is applied only to the Rasa version it was written against; any other version runs
unpatched with a warning.
"""
from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path
from typing import Any, Dict

logger = logging.getLogger(__name__)

PATCHED_RASA_VERSION = "3.6.21"


def compiled_action_result_validator():
    """A replacement for ``RemoteAction._validate_action_result`` using a pre-compiled validator."""
    from jsonschema import ValidationError, validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of on every action
    validator = validator_class(schema)

    def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response "
                f"from the Action endpoint is valid. For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions")
            raise error

    return _validate_action_result


def apply_patches() -> bool:
    """Install the validator fix; returns False (and warns) on an unexpected Rasa version."""
    import rasa
    from rasa.core.actions.action import RemoteAction

    if rasa.__version__ != PATCHED_RASA_VERSION:
        logger.warning("rasa %s is not %s: running without Manabi's action-validation fix",
                       rasa.__version__, PATCHED_RASA_VERSION)
        return False
    RemoteAction._validate_action_result = compiled_action_result_validator()
    return True


def prepare_tracker_db(path: Path) -> None:
    """Create the tracker database in WAL mode (the mode is stored in the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def main() -> None:
    apply_patches()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()

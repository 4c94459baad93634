"""Fix 4: no copies for debug lines nobody sees.

The processor, the forms and the memoization and rule policies deep-copy events, states and slot
values for every debug log call, even when debug logging is off (structlog drops the line only after
the copy was made), and the rule policy formats all tracker states into a string for one. With debug
logging off those copies are skipped (the value itself is passed); with ``--debug`` they are made as
before.
"""

from __future__ import annotations

import logging
from typing import Any


def _debug_enabled() -> bool:
    return logging.getLogger().isEnabledFor(logging.DEBUG) or logging.getLogger("rasa").isEnabledFor(logging.DEBUG)


class _DebugOnlyCopy:
    """Stands in for the ``copy`` module in Rasa modules that deep-copy only for debug log lines."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        import copy

        return copy.deepcopy(value, memo) if _debug_enabled() else value

    def __getattr__(self, name: str) -> Any:
        import copy

        return getattr(copy, name)


# Every ``copy.deepcopy`` in these modules only builds an argument of a structlog debug call
# (checked for Rasa 3.6.21; see docs/performance.md).
DEBUG_ONLY_COPY_MODULES = (
    "rasa.core.processor",
    "rasa.core.actions.forms",
    "rasa.core.policies.memoization",
    "rasa.core.policies.rule_policy",
)


def debug_only_format_tracker_states(original):
    def format_tracker_states(states: list[dict]) -> str:
        return original(states) if _debug_enabled() else ""

    return staticmethod(format_tracker_states)

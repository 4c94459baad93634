"""No copies for debug lines nobody sees.

The processor, the forms and the rule policy deep-copy events, states and slot values for every
debug log call, even when debug logging is off (structlog drops the line only after the copy was
made), and the rule policy formats all tracker states into a string for one. With debug logging off
those copies are skipped (the value itself is passed); with ``--debug`` they are made as before.
(The memoization policy has such copies too; our config has no MemoizationPolicy, so only the stock
baseline of the benchmark needs them skipped: benchmarks/baseline_patches/.)
"""

from __future__ import annotations

import copy
import importlib
import logging
from typing import Any

from bot.rasa_patches.patch import Replacement

# Every ``copy.deepcopy`` in these modules only builds an argument of a structlog debug call
# (read in Rasa 3.6.21).
DEBUG_ONLY_COPY_MODULES = (
    "rasa.core.processor",
    "rasa.core.actions.forms",
    "rasa.core.policies.rule_policy",
)


def _debug_enabled() -> bool:
    return logging.getLogger().isEnabledFor(logging.DEBUG) or logging.getLogger("rasa").isEnabledFor(logging.DEBUG)


class DebugOnlyCopy:
    """Stands in for the ``copy`` module in Rasa modules that deep-copy only for debug log lines."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return copy.deepcopy(value, memo) if _debug_enabled() else value

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def debug_only_copies(module_names: tuple[str, ...]) -> list[Replacement]:
    """The ``copy`` of each module replaced by a :class:`DebugOnlyCopy`."""
    return [Replacement(importlib.import_module(name), "copy", DebugOnlyCopy()) for name in module_names]


def replacements() -> list[Replacement]:
    from rasa.core.policies.rule_policy import RulePolicy

    rasas = RulePolicy.format_tracker_states

    def format_tracker_states(states: list[dict]) -> str:
        return str(rasas(states)) if _debug_enabled() else ""

    return [
        *debug_only_copies(DEBUG_ONLY_COPY_MODULES),
        Replacement(RulePolicy, "format_tracker_states", staticmethod(format_tracker_states)),
    ]

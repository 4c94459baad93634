"""Manabi's speed fixes for the Rasa server, one module each; ``apply_patches()`` installs them.

Each fix replaces one Rasa 3.6 function with one that gives the same result faster; what each does
is in its module's docstring, its measured effect in docs/performance.md ("Optimisations"). Each
module below is followed by the fix's name in ``FIXES``:

1. ``action_validation`` (``validation``): action responses are validated with compiled schemas.
2. ``event_types`` (``event_table``): event classes are looked up in a table.
3. ``graph_runner`` (``graph_runner``): the model's graph runs in a fixed order, without dask.
4. ``debug_copies`` (``debug_copies``): no copies for debug lines nobody sees.
5. ``rule_matching`` (``rule_matching``): rules are matched against the states that can still
   decide.
6. ``direct_predict`` (``direct_predict``): DIET's prediction function is called directly.
7. ``state_history`` (``history_memo``): a conversation's history is replayed once, not for every
   prediction.
8. ``slot_copy`` (``slot_copy``): slots are copied without the generic copy protocol.
9. ``empty_domain`` (``empty_domain``): "is the domain empty?" is answered without building an
   empty domain.
10. ``keep_alive`` (``keep_alive``): the connection to the action server is kept open.

The fixes are applied only to the Rasa version they were written against; any other version runs
unpatched with a warning. ``MANABI_SPEED_FIXES_OFF=name,…`` leaves single fixes out (names in
``FIXES``).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from typing import Any

from bot.speedups.action_validation import compiled_action_result_validator
from bot.speedups.debug_copies import DEBUG_ONLY_COPY_MODULES, _DebugOnlyCopy, debug_only_format_tracker_states
from bot.speedups.direct_predict import direct_rasa_predict
from bot.speedups.empty_domain import cached_is_empty
from bot.speedups.event_types import event_type_resolver
from bot.speedups.graph_runner import sequential_graph_run
from bot.speedups.keep_alive import _closing_resources, kept_alive_session
from bot.speedups.rule_matching import fast_possible_keys
from bot.speedups.slot_copy import _slot_copy
from bot.speedups.state_history import incremental_states_for_tracker_history, memoised_applied_events

logger = logging.getLogger(__name__)

PATCHED_RASA_VERSION = "3.6.21"
PATCHED_TENSORFLOW_VERSION = "2.12.0"  # the version ``direct_predict`` was written against

# Replaced attributes: (owner, attribute name) -> the original value, for tests and comparisons.
ORIGINALS: dict[tuple[Any, str], Any] = {}


def _replace(owner: Any, attribute: str, value: Any) -> None:
    ORIGINALS.setdefault((owner, attribute), owner.__dict__.get(attribute, getattr(owner, attribute, None)))
    setattr(owner, attribute, value)


def original(owner: Any, attribute: str) -> Any:
    """The attribute as Rasa defines it, whether or not the fixes are installed."""
    return ORIGINALS.get((owner, attribute), owner.__dict__.get(attribute, getattr(owner, attribute, None)))


# The fixes by name, in the order of the docstring's list. ``MANABI_SPEED_FIXES_OFF=name,name``
# (or ``apply_patches(skip=…)``) leaves some out: for measuring each one's effect
# (``python -m benchmarks.ablation``), or to rule one out when hunting a problem.
FIXES = (
    "validation",
    "event_table",
    "graph_runner",
    "debug_copies",
    "rule_matching",
    "direct_predict",
    "history_memo",
    "slot_copy",
    "empty_domain",
    "keep_alive",
)


def apply_patches(skip: Iterable[str] | None = None) -> bool:
    """Install the fixes (once); returns False (and warns) on an unexpected Rasa version."""
    import os

    import rasa
    import rasa.core.run
    import tensorflow
    from rasa.core.actions.action import RemoteAction
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.slots import Slot
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.utils.common import all_subclasses
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.tensorflow.models import RasaModel

    if rasa.__version__ != PATCHED_RASA_VERSION:
        logger.warning(
            "rasa %s is not %s: running without Manabi's speed fixes", rasa.__version__, PATCHED_RASA_VERSION
        )
        return False
    if ORIGINALS:
        return True
    off = set(skip if skip is not None else filter(None, os.environ.get("MANABI_SPEED_FIXES_OFF", "").split(",")))
    unknown = off - set(FIXES)
    if unknown:
        raise ValueError(f"unknown speed fix(es) {sorted(unknown)}; known: {', '.join(FIXES)}")
    if off:
        logger.warning("running without these speed fixes: %s", ", ".join(sorted(off)))
    # the compiled schema itself predates these fixes and always stays; "validation" is the fast path
    _replace(
        RemoteAction, "_validate_action_result", compiled_action_result_validator(fast_path="validation" not in off)
    )
    if "event_table" not in off:
        _replace(Event, "resolve_by_type", event_type_resolver())
    if "graph_runner" not in off:
        _replace(DaskGraphRunner, "run", sequential_graph_run())
    if "debug_copies" not in off:
        for module_name in DEBUG_ONLY_COPY_MODULES:
            _replace(importlib.import_module(module_name), "copy", _DebugOnlyCopy())
        _replace(
            RulePolicy, "format_tracker_states", debug_only_format_tracker_states(RulePolicy.format_tracker_states)
        )
    if "rule_matching" not in off:
        _replace(RulePolicy, "_get_possible_keys", fast_possible_keys())
    if "direct_predict" not in off:
        if tensorflow.__version__ == PATCHED_TENSORFLOW_VERSION:
            _replace(RasaModel, "_rasa_predict", direct_rasa_predict(RasaModel._rasa_predict))
        else:
            logger.warning(
                "tensorflow %s is not %s: DIET predictions take the tf.function path",
                tensorflow.__version__,
                PATCHED_TENSORFLOW_VERSION,
            )
    if "history_memo" not in off:
        _replace(DialogueStateTracker, "applied_events", memoised_applied_events(DialogueStateTracker.applied_events))
        _replace(
            Domain,
            "states_for_tracker_history",
            incremental_states_for_tracker_history(Domain.states_for_tracker_history),
        )
    if "slot_copy" not in off and not any(
        name in vars(cls)
        for cls in [Slot, *all_subclasses(Slot)]
        for name in ("__copy__", "__reduce__", "__reduce_ex__", "__setstate__", "__slots__")
    ):
        _replace(Slot, "__copy__", _slot_copy)
    if "empty_domain" not in off:
        _replace(Domain, "is_empty", cached_is_empty())
    if "keep_alive" not in off:
        _replace(EndpointConfig, "session", kept_alive_session())
        _replace(rasa.core.run, "close_resources", _closing_resources(rasa.core.run.close_resources))
    return True

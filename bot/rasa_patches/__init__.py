"""Everything of Manabi's that reaches into Rasa's internals, behind one version check.

Rasa 3.6 has no extension point for these, so each patch replaces a piece of Rasa 3.6 (a method of
one of its classes, a name in one of its modules) with one that gives the same result, faster (or,
for ``request_size``, safer). Each module is named after what it fixes and says why in its
docstring; its measured effect is in docs/performance.md ("Optimisations"), and a test compares it
with Rasa's own code (tests/unit/test_rasa_patches.py, tests/dialogue/). The patches, in the order
they are applied (``PATCHES``):

* ``action_schema``: action server responses are validated against a schema compiled once.
* ``event_validation``: each event of a response is first checked against its own type's schema.
* ``event_lookup``: event classes are looked up by name in a table.
* ``graph_runner``: the model's graph runs in a fixed order, without dask.
* ``debug_copies``: no copies for debug lines nobody sees.
* ``rule_matching``: rules are matched against the states that can still decide.
* ``state_history``: a conversation's history is replayed once, not for every prediction.
* ``slot_copy``: slots are copied without the generic copy protocol.
* ``empty_domain``: "is the domain empty?" is answered without building an empty domain.
* ``keep_alive``: the connection to the action server is kept open.
* ``request_size``: the server refuses requests over 512 KB before reading them (not skippable).

Also here, because they depend on Rasa's internals as much: ``tracker_store`` (Rasa's SQL tracker
store on SQLite, named in endpoints.yml) and ``server_profile`` (``MANABI_PROFILE``).

``apply()`` checks the Rasa version (3.6.x, else :class:`RasaVersionError` with what to do) and
installs the patches; ``unapply()`` puts Rasa's own code back; ``applied()`` does both around a block
(the tests' ``rasa_patches`` fixture). ``MANABI_PATCHES_OFF=name,…`` leaves single patches out, to
measure each one (``python -m benchmarks.ablation``) or to rule one out when hunting a problem.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from bot.rasa_patches import (
    action_schema,
    debug_copies,
    empty_domain,
    event_lookup,
    event_validation,
    graph_runner,
    keep_alive,
    request_size,
    rule_matching,
    slot_copy,
    state_history,
)
from bot.rasa_patches.patch import (
    SUPPORTED_RASA,
    Patch,
    RasaVersionError,
    Replacement,
    check_rasa_version,
)

__all__ = [
    "NAMES",
    "OFF_VARIABLE",
    "PATCHES",
    "SKIPPABLE",
    "SUPPORTED_RASA",
    "Patch",
    "RasaVersionError",
    "Replacement",
    "applied",
    "apply",
    "check_rasa_version",
    "original",
    "unapply",
]

logger = logging.getLogger(__name__)

PATCHES: tuple[Patch, ...] = (
    Patch("action_schema", action_schema.replacements),
    Patch("event_validation", event_validation.replacements),
    Patch("event_lookup", event_lookup.replacements),
    Patch("graph_runner", graph_runner.replacements),
    Patch("debug_copies", debug_copies.replacements),
    Patch("rule_matching", rule_matching.replacements),
    Patch("state_history", state_history.replacements),
    Patch("slot_copy", slot_copy.replacements),
    Patch("empty_domain", empty_domain.replacements),
    Patch("keep_alive", keep_alive.replacements),
    Patch("request_size", request_size.replacements, skippable=False),
)
NAMES = tuple(patch.name for patch in PATCHES)
SKIPPABLE = tuple(patch.name for patch in PATCHES if patch.skippable)
OFF_VARIABLE = "MANABI_PATCHES_OFF"

_ABSENT = object()  # the attribute was inherited or missing: unapply() deletes it again
# (owner, attribute) -> Rasa's own value, in the order the attributes were first replaced
_ORIGINALS: dict[tuple[Any, str], Any] = {}
_applied: list[Patch] = []


def apply(skip: Iterable[str] | None = None, extra: Sequence[Patch] = ()) -> tuple[str, ...]:
    """Installs ``PATCHES`` and then ``extra`` (the benchmark's baseline, the profiler), leaving out
    ``skip`` (default: ``MANABI_PATCHES_OFF``); returns the names installed. Raises
    :class:`RasaVersionError` on another Rasa than 3.6.x (nothing is installed) and ValueError for
    a name that is not a skippable patch. Applying the same set again does nothing; another set
    replaces the one installed."""
    check_rasa_version()
    if skip is None:
        skip = filter(None, (name.strip() for name in os.environ.get(OFF_VARIABLE, "").split(",")))
    off = set(skip)
    candidates = [*PATCHES, *extra]
    unknown = off - {patch.name for patch in candidates if patch.skippable}
    if unknown:
        known = ", ".join(patch.name for patch in candidates if patch.skippable)
        raise ValueError(f"unknown or not skippable patch(es) {sorted(unknown)}; these can be left out: {known}")
    wanted = [patch for patch in candidates if patch.name not in off]
    if wanted == _applied:
        return _names()
    unapply()
    if off:
        logger.warning("running without these Rasa patches: %s", ", ".join(sorted(off)))
    try:
        _install(wanted)
    except BaseException:
        unapply()  # all or nothing
        raise
    return _names()


def unapply() -> None:
    """Puts back Rasa's own code wherever a patch replaced it (kept-alive sessions stay open until
    ``keep_alive.close_shared_sessions()``)."""
    for (owner, attribute), value in reversed(list(_ORIGINALS.items())):
        if value is _ABSENT:
            delattr(owner, attribute)
        else:
            setattr(owner, attribute, value)
    _ORIGINALS.clear()
    _applied.clear()


@contextmanager
def applied(skip: Iterable[str] = (), extra: Sequence[Patch] = ()) -> Iterator[tuple[str, ...]]:
    """The patches installed inside the block (all of them unless ``skip``), and afterwards what was
    installed before it (nothing, usually)."""
    before = list(_applied)
    try:
        yield apply(skip, extra)
    finally:
        unapply()
        _install(before)


def original(owner: Any, attribute: str) -> Any:
    """``owner.attribute`` as it is without the patches (as ``getattr`` gives it: a static method's
    function, a class's inherited attribute), whether or not a patch replaced it."""
    key = (owner, attribute)
    if key not in _ORIGINALS:
        return getattr(owner, attribute)
    value = _ORIGINALS[key]
    if not isinstance(owner, type):
        if value is _ABSENT:
            raise AttributeError(f"{owner!r} has no attribute {attribute!r} without the patches")
        return value
    if value is _ABSENT:
        inherited = [vars(base)[attribute] for base in owner.__mro__[1:] if attribute in vars(base)]
        if not inherited:
            raise AttributeError(f"{owner.__name__} has no attribute {attribute!r} without the patches")
        value = inherited[0]
    return value.__get__(None, owner) if hasattr(value, "__get__") else value


def _install(patches: Iterable[Patch]) -> None:
    for patch in patches:
        for replacement in patch.replacements():
            _replace(replacement)
        _applied.append(patch)


def _names() -> tuple[str, ...]:
    return tuple(patch.name for patch in _applied)


def _replace(replacement: Replacement) -> None:
    owner, attribute = replacement.owner, replacement.attribute
    _ORIGINALS.setdefault((owner, attribute), vars(owner).get(attribute, _ABSENT))
    setattr(owner, attribute, replacement.value)

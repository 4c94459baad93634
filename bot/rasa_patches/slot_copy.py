"""Slots are copied without the generic copy protocol.

Every tracker (and every intermediate tracker of a replay) copies all slots with ``copy.copy``, which
goes through ``__reduce_ex__``; ``Slot.__copy__`` makes the same shallow copy (new object, same
attributes) directly. Installed only while no slot class has a copy protocol of its own.
"""

from __future__ import annotations

from typing import Any

from bot.rasa_patches.patch import Replacement

_COPY_PROTOCOL = ("__copy__", "__reduce__", "__reduce_ex__", "__setstate__", "__getstate__", "__slots__")


def _slot_copy(self: Any) -> Any:
    """What ``copy.copy`` makes of a Slot without a copy protocol of its own: same class, same attributes."""
    new = self.__class__.__new__(self.__class__)
    new.__dict__.update(self.__dict__)
    return new


def replacements() -> list[Replacement]:
    from rasa.shared.core.slots import Slot
    from rasa.shared.utils.common import all_subclasses

    own_classes = {base for cls in [Slot, *all_subclasses(Slot)] for base in cls.__mro__ if issubclass(base, Slot)}
    if any(name in vars(cls) for cls in own_classes for name in _COPY_PROTOCOL):
        return []  # copy.copy would do something else for some slot: leave it to copy.copy
    return [Replacement(Slot, "__copy__", _slot_copy)]

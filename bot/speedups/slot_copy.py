"""Fix 8: slots are copied without the generic copy protocol.

Every tracker (and every intermediate tracker of a replay) copies all slots with ``copy.copy``, which
goes through ``__reduce_ex__``; ``Slot.__copy__`` now makes the same shallow copy (new object, same
attributes) directly.
"""

from __future__ import annotations

from typing import Any


def _slot_copy(self: Any) -> Any:
    """What ``copy.copy`` makes of a Slot (no custom reduce/state protocol): same class, same attributes."""
    new = self.__class__.__new__(self.__class__)
    new.__dict__.update(self.__dict__)
    return new

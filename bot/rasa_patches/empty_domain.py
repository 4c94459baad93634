""" "Is the domain empty?" is answered without building an empty domain.

The processor asks it for every message (before checking the parsed intent against the domain), and
Rasa answers by constructing ``Domain.empty()`` and serialising it each time; we serialise it once.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.rasa_patches.patch import Replacement


def replacements() -> list[Replacement]:
    from rasa.shared.core.domain import Domain

    empty = copy.deepcopy(Domain.empty().as_dict())

    def is_empty(self: Any) -> bool:
        return bool(self.as_dict() == empty)

    return [Replacement(Domain, "is_empty", is_empty)]

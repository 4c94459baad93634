"""Fix 9: "is the domain empty?" is answered without building an empty domain.

The processor asks it for every message (before checking the parsed intent against the domain), and
Rasa answers by constructing ``Domain.empty()`` and serialising it each time; we serialise it once.
"""

from __future__ import annotations

from typing import Any


def cached_is_empty():
    """A replacement for ``Domain.is_empty`` comparing with a once-serialised empty domain."""
    import copy

    from rasa.shared.core.domain import Domain

    empty = copy.deepcopy(Domain.empty().as_dict())

    def is_empty(self: Any) -> bool:
        return self.as_dict() == empty

    return is_empty

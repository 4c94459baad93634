"""What a patch is, and the one check that the installed Rasa is the one the patches were written for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Every module of this package reads or replaces Rasa 3.6 code (written against 3.6.21; the tests
# compare each patch with Rasa's own code, so another 3.6.x release is checked by ``make test``).
SUPPORTED_RASA = "3.6"


class RasaVersionError(RuntimeError):
    """The installed Rasa is not the version the patches were written for."""


def check_rasa_version(version: str | None = None) -> None:
    """Raises :class:`RasaVersionError` unless Rasa (or ``version``) is 3.6.x."""
    if version is None:
        import rasa

        version = str(rasa.__version__)
    if version.split(".")[:2] != SUPPORTED_RASA.split("."):
        raise RasaVersionError(
            f"Rasa {version} is installed, but Manabi's Rasa patches (bot/rasa_patches) are written for "
            f"Rasa {SUPPORTED_RASA}.x and refuse to run on another version. Install the pinned versions: "
            ".venv/bin/pip install -r requirements.txt -c constraints.txt (or run scripts/setup.sh)."
        )


@dataclass(frozen=True)
class Replacement:
    """``owner.attribute = value``: one piece of Rasa (a class's method, a module's name) replaced."""

    owner: Any  # a class or a module
    attribute: str
    value: Any


@dataclass(frozen=True)
class Patch:
    """A named change to Rasa: ``replacements()`` builds its replacements when it is applied (after
    the patches before it, so a patch may wrap what an earlier one installed)."""

    name: str
    replacements: Callable[[], list[Replacement]]
    skippable: bool = True  # may be left out (MANABI_PATCHES_OFF), to measure it or to rule it out

"""pyproject.toml describes the same dependencies that requirements*.txt install, and the lock has them."""

from __future__ import annotations

import re
from pathlib import Path

import tomli as tomllib  # the standard tomllib from Python 3.11; tomli is in the lock (pytest needs it)

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)$")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def listed(requirements: list[str]) -> dict[str, str]:
    return {name.lower(): version for name, version in (r.split("==") for r in requirements)}


def test_pyproject_lists_what_the_requirements_install() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert listed(project["dependencies"]) == pins(ROOT / "requirements.txt")
    assert listed(project["optional-dependencies"]["test"]) == pins(ROOT / "requirements-test.txt")


def test_the_lock_pins_every_requirement_at_the_same_version() -> None:
    lock = pins(ROOT / "constraints.txt")
    for requirements in ("requirements.txt", "requirements-test.txt"):
        for name, version in pins(ROOT / requirements).items():
            assert lock.get(name) == version, f"{requirements}: {name}=={version} not in constraints.txt"

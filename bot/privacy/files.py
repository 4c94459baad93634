"""Files holding personal data are readable by their owner only.

The state database, the tracker database (with their ``-wal``/``-shm`` files, which SQLite creates
with the main file's permissions) and the server logs contain names, 職員番号 and 志望動機. Every
process that creates them sets the umask 077 first (:func:`restrict_new_files`), so they are created
0600 (directories 0700) whatever the operator's shell umask; :func:`tighten` also fixes files that
an older version left world-readable.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

OWNER_ONLY_UMASK = 0o077
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def restrict_new_files() -> int:
    """Sets the process umask to 077; returns the previous one."""
    return os.umask(OWNER_ONLY_UMASK)


def sqlite_files(database: Path) -> list[Path]:
    """The database and the companion files SQLite may have created beside it."""
    return [Path(f"{database}{suffix}") for suffix in SQLITE_COMPANIONS]


def tighten(paths: Iterable[Path]) -> list[Path]:
    """Removes group and other permissions from the existing ``paths``; returns those changed."""
    changed = []
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & OWNER_ONLY_UMASK:
            path.chmod(mode & ~OWNER_ONLY_UMASK)
            changed.append(path)
    return changed


def owner_only_directory(path: Path) -> Path:
    """Creates ``path`` (and parents) if needed and makes it 0700."""
    path.mkdir(parents=True, exist_ok=True)
    tighten([path])
    return path

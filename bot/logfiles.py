"""Server logs under ``var/log`` that rotate by size and are readable by their owner only.

The launcher reads each server's output (stdout and stderr: Python logging, Sanic, and whatever
TensorFlow writes at the C level) through a pipe and writes it here, line by line. When the file
would grow beyond ``max_bytes`` it is renamed ``NAME.1`` (``NAME.1`` becomes ``NAME.2`` …) and only
``backups`` old files are kept, so a flood of requests can fill at most ``(backups + 1) × max_bytes``.
Files are created 0600: logs name the people who talk to the bot.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import IO

from bot.privacy.files import owner_only_directory, tighten

FILE_MODE = 0o600


class RotatingLog:
    """An append-only log file rotated by size (thread-safe)."""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.backups = max(1, backups)
        self._lock = threading.Lock()
        owner_only_directory(self.path.parent)
        self._file = self._open()

    def _open(self) -> IO[bytes]:
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        tighten([self.path])  # a file an older version created 0644
        return os.fdopen(descriptor, "ab", buffering=0)

    def backup(self, number: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{number}")

    def write(self, data: bytes) -> None:
        with self._lock:
            if self._file.tell() + len(data) > self.max_bytes and self._file.tell() > 0:
                self._rotate()
            self._file.write(data)

    def _rotate(self) -> None:
        self._file.close()
        self.backup(self.backups).unlink(missing_ok=True)
        for number in range(self.backups - 1, 0, -1):
            if self.backup(number).exists():
                self.backup(number).rename(self.backup(number + 1))
        self.path.rename(self.backup(1))
        self._file = self._open()

    def close(self) -> None:
        with self._lock:
            self._file.close()


def pump(stream: IO[bytes], log: RotatingLog) -> threading.Thread:
    """Copies ``stream`` (a child's stdout) into ``log`` line by line in a daemon thread, until EOF."""

    def copy() -> None:
        try:
            for line in iter(stream.readline, b""):
                log.write(line)
        finally:
            stream.close()
            log.close()

    thread = threading.Thread(target=copy, name=f"log {log.path.name}", daemon=True)
    thread.start()
    return thread

"""Server logs rotate by size, keep a fixed number of old files and are readable by their owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.logfiles import RotatingLog, pump


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_flood_fills_at_most_backups_plus_one_files(tmp_path: Path) -> None:
    log = RotatingLog(tmp_path / "log" / "rasa.log", max_bytes=10_000, backups=3)
    line = b"WARNING Teams: rejected request from 127.0.0.1 with 401: missing bearer token\n"
    for _ in range(20_000):  # ~1.6 MB
        log.write(line)
    log.close()
    files = sorted(p.name for p in (tmp_path / "log").iterdir())
    assert files == ["rasa.log", "rasa.log.1", "rasa.log.2", "rasa.log.3"]
    assert all((tmp_path / "log" / name).stat().st_size <= 10_000 for name in files)
    assert all(mode(tmp_path / "log" / name) == 0o600 for name in files)
    assert mode(tmp_path / "log") == 0o700


def test_an_existing_world_readable_log_is_tightened_and_appended_to(tmp_path: Path) -> None:
    path = tmp_path / "actions.log"
    path.write_bytes(b"old line\n")
    path.chmod(0o644)
    log = RotatingLog(path, max_bytes=1_000_000, backups=2)
    log.write(b"new line\n")
    log.close()
    assert path.read_bytes() == b"old line\nnew line\n" and mode(path) == 0o600


def test_pump_copies_a_stream_line_by_line_until_it_ends(tmp_path: Path) -> None:
    read, write = os.pipe()
    log = RotatingLog(tmp_path / "x.log", max_bytes=100, backups=1)
    thread = pump(open(read, "rb", buffering=0), log)  # noqa: SIM115 (pump closes it)
    with open(write, "wb") as stream:
        for n in range(30):
            stream.write(f"line {n:02d}\n".encode())
    thread.join(5)
    assert not thread.is_alive()
    text = (tmp_path / "x.log.1").read_text() + (tmp_path / "x.log").read_text()
    assert text.splitlines()[-1] == "line 29" and len((tmp_path / "x.log").read_bytes()) <= 100

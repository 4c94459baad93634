"""Personal data: owner-only files, retention (purge), and deleting conversations from the tracker DB."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import JST
from bot.privacy import files, trackers
from bot.privacy.retention import BadAge, parse_age, purge
from bot.settings import PROJECT_ROOT
from bot.state import db as state
from bot.state.unanswered import log_question
from tests import tracker_rows

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=JST)
DAY = 86400


def tracker_db(location: Path | str, stamps: dict[str, list[float]]) -> Path | str:
    return tracker_rows.conversations(location, stamps)


senders = tracker_rows.senders


def test_parse_age() -> None:
    assert parse_age("180d") == parse_age("180") == dt.timedelta(days=180)
    assert parse_age("26w") == dt.timedelta(weeks=26) and parse_age("12h") == dt.timedelta(hours=12)
    for bad in ("", "half a year", "-3d", "180y"):
        with pytest.raises(BadAge):
            parse_age(bad)


def test_purge_counts_first_then_deletes_whole_inactive_conversations(state_location, tracker_location) -> None:
    now = NOW.timestamp()
    db = tracker_db(
        tracker_location,
        {
            "old": [now - 400 * DAY, now - 200 * DAY],
            "ongoing": [now - 300 * DAY, now - 1 * DAY],  # started long ago, still in use: kept whole
            "new": [now - 2 * DAY],
        },
    )
    conn = state.connect(state_location)
    for sender, text, days_ago in (("old", "給与明細は？", 200), ("new", "天気は？", 2)):
        asked_at = NOW - dt.timedelta(days=days_ago)
        log_question(conn, sender_id=sender, text=text, reason="out_of_scope", channel="teams", asked_at=asked_at)

    dry = purge(state_location, db, dt.timedelta(days=180), apply=False, now=NOW)
    assert (dry.conversations, dry.questions, dry.applied) == (trackers.Conversations(1, 2), 1, False)
    assert senders(db) == {"old": 2, "ongoing": 2, "new": 1}

    done = purge(state_location, db, dt.timedelta(days=180), apply=True, now=NOW)
    assert (done.conversations, done.questions) == (trackers.Conversations(1, 2), 1)
    assert senders(db) == {"ongoing": 2, "new": 1}
    assert [r[0] for r in conn.execute("SELECT sender_id FROM unanswered_questions")] == ["new"]
    conn.close()


def test_purge_without_databases_reports_nothing_to_do(tmp_path: Path) -> None:
    result = purge(tmp_path / "none.sqlite", tmp_path / "none-trackers.sqlite", dt.timedelta(days=1), apply=True)
    assert (result.conversations, result.questions) == (None, None)
    assert not (tmp_path / "none.sqlite").exists() and not (tmp_path / "none-trackers.sqlite").exists()


def test_deleting_conversations_is_one_statement_for_all_senders(tmp_path: Path, tracker_location) -> None:
    db = tracker_db(tracker_location, {"a": [1.0, 2.0], "b": [3.0], "c": [4.0]})
    assert trackers.count_conversations(db, ["a", "b", "x"]) == trackers.Conversations(2, 3)
    assert trackers.delete_conversations(db, ["a", "b", "x"]) == trackers.Conversations(2, 3)
    assert senders(db) == {"c": 1}
    assert trackers.delete_conversations(tmp_path / "missing.sqlite", ["c"]) is None


def test_the_purge_command_is_a_dry_run_unless_applied(state_env, tracker_location, capsys) -> None:
    now = time.time()
    db = tracker_db(tracker_location, {"old": [now - 200 * DAY], "new": [now]})
    assert main(["privacy", "purge", "--older-than", "180d"]) == 0
    out, err = capsys.readouterr()
    assert "削除対象" in out and "会話 1件" in out and "--apply" in err
    assert senders(db) == {"old": 1, "new": 1}
    assert main(["privacy", "purge", "--older-than", "180d", "--apply"]) == 0
    assert "削除しました" in capsys.readouterr().out and senders(db) == {"new": 1}
    assert main(["privacy", "purge", "--older-than", "soon"]) == 1
    assert "180d" in capsys.readouterr().err


def test_the_retention_setting_is_the_default_age(state_env, tracker_location, monkeypatch, capsys) -> None:
    now = time.time()
    db = tracker_db(tracker_location, {"a": [now - 40 * DAY], "b": [now - 20 * DAY]})
    monkeypatch.setenv("MANABI_RETENTION_DAYS", "30")
    assert main(["privacy", "purge", "--apply"]) == 0
    assert senders(db) == {"b": 1}


def test_files_a_server_creates_are_owner_only_whatever_the_shell_umask(tmp_path: Path) -> None:
    """In a child with the usual umask 022, as a server process starts: the database and its WAL
    and shared-memory files (looked at while the connection is open; SQLite removes them after)."""
    script = """
import os, stat, sys
from bot.privacy.files import restrict_new_files, sqlite_files
os.umask(0o022)
restrict_new_files()
from bot.state import db
conn = db.connect(sys.argv[1])
conn.execute("INSERT INTO unanswered_questions (asked_at, sender_id, text, reason) VALUES ('x', 'u', 'q', 'r')")
for path in sqlite_files(sys.argv[1]):
    if path.exists():
        print(path.name, oct(stat.S_IMODE(path.stat().st_mode)))
"""
    target = tmp_path / "manabi.sqlite"
    result = subprocess.run(
        [sys.executable, "-c", script, str(target)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    modes = dict(line.split() for line in result.stdout.splitlines())
    assert set(modes) >= {"manabi.sqlite", "manabi.sqlite-wal", "manabi.sqlite-shm"}
    assert set(modes.values()) == {"0o600"}


def test_tighten_fixes_files_an_older_version_left_readable(tmp_path: Path) -> None:
    loose = tmp_path / "manabi.sqlite"
    loose.write_bytes(b"")
    loose.chmod(0o644)
    assert files.tighten([loose, tmp_path / "absent"]) == [loose]
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600
    assert files.tighten([loose]) == []


def test_the_command_line_creates_exports_owner_only(tmp_path: Path, monkeypatch, catalogue_db) -> None:
    monkeypatch.setenv("MANABI_STATE_DB", str(tmp_path / "manabi.sqlite"))
    monkeypatch.setenv("MANABI_CATALOGUE_DB", str(catalogue_db))
    previous = os.umask(0o022)
    try:
        assert main(["unanswered", "export", "--out", str(tmp_path / "questions.csv")]) == 0
    finally:
        os.umask(previous)
    for path in (tmp_path / "manabi.sqlite", tmp_path / "questions.csv"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

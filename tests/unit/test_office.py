"""The office console's parts: accounts and sessions, grouping, the chart, weekly figures, settings."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.cli import main
from bot.clock import JST
from bot.feedback.answers import Answer
from bot.office import auth, chart, passwords, weekly
from bot.office.config import OfficeSettings
from bot.office.grouping import group_questions, text_key
from bot.state import db as state
from bot.state import office, unanswered
from tests import tracker_rows

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
PASSWORD = "correct-horse-battery-42"


@pytest.fixture(autouse=True)
def quick_hashes(request, monkeypatch):
    """Cheap Argon2 parameters for the login tests (the real ones: the first test, and the browser tests)."""
    if request.node.name != "test_passwords_are_salted_slow_hashes":
        from argon2 import PasswordHasher

        monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        passwords._dummy_hash.cache_clear()


@pytest.fixture
def conn(state_location):
    """SQLite, then PostgreSQL (tests/conftest.py)."""
    connection = state.connect(state_location)
    yield connection
    connection.close()


@pytest.fixture
def user(conn):
    office.set_user(conn, "tanaka", passwords.hash_password(PASSWORD), now=NOW)
    return "tanaka"


def test_passwords_are_salted_slow_hashes():
    first, second = passwords.hash_password(PASSWORD), passwords.hash_password(PASSWORD)
    assert first != second and first.startswith("$argon2id$") and PASSWORD not in first
    assert passwords.verify(first, PASSWORD) and not passwords.verify(first, PASSWORD + "x")
    assert not passwords.verify(None, PASSWORD) and not passwords.verify("garbage", PASSWORD)


@pytest.mark.parametrize("weak", ["short", "tanaka-password-1", "aaaaaaaaaaaaaaaa"])
def test_weak_passwords_are_refused(weak):
    assert passwords.weakness(weak, "tanaka")


def test_login_starts_a_session_that_expires(conn, user):
    settings = OfficeSettings(idle=dt.timedelta(minutes=30), lifetime=dt.timedelta(hours=8))
    token, session = auth.log_in(conn, settings, "tanaka", PASSWORD, "127.0.0.1", now=NOW)
    assert session.user_name == "tanaka" and len(session.csrf_token) > 30
    assert office.session_for(conn, token, settings.idle, now=NOW + dt.timedelta(minutes=29)) is not None
    assert office.session_for(conn, token, settings.idle, now=NOW + dt.timedelta(minutes=58)) is not None  # active
    assert office.session_for(conn, token, settings.idle, now=NOW + dt.timedelta(hours=2)) is None  # idle too long
    assert office.session_for(conn, token, settings.idle, now=NOW + dt.timedelta(minutes=1)) is None  # deleted
    stored = conn.execute("SELECT token_hash FROM office_sessions").fetchall()
    assert all(token not in row[0] for row in stored)


def test_sessions_end_at_their_lifetime_and_with_a_new_password(conn, user):
    settings = OfficeSettings(idle=dt.timedelta(hours=10), lifetime=dt.timedelta(hours=1))
    token, _ = auth.log_in(conn, settings, "tanaka", PASSWORD, None, now=NOW)
    assert office.session_for(conn, token, settings.idle, now=NOW + dt.timedelta(minutes=61)) is None
    token, _ = auth.log_in(conn, settings, "tanaka", PASSWORD, None, now=NOW)
    office.set_user(conn, "tanaka", passwords.hash_password(PASSWORD + "-new"))
    assert office.session_for(conn, token, settings.idle, now=NOW) is None


def test_wrong_passwords_are_audited_and_then_blocked(conn, user):
    settings = OfficeSettings()
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(auth.LoginRefused, match="違います"):
            auth.log_in(conn, settings, "tanaka", "wrong", "10.0.0.9", now=NOW)
    with pytest.raises(auth.LoginRefused, match="しばらく"):
        auth.log_in(conn, settings, "tanaka", PASSWORD, "10.0.0.9", now=NOW)
    auth.log_in(conn, settings, "tanaka", PASSWORD, None, now=NOW + auth.FAILURE_WINDOW + dt.timedelta(seconds=1))
    events = [row["event"] for row in office.audit_trail(conn)]
    assert events.count("login_failed") == auth.MAX_FAILURES and "login_blocked" in events and "login" in events


def test_a_disabled_user_cannot_log_in(conn, user):
    assert office.disable_user(conn, "tanaka")
    with pytest.raises(auth.LoginRefused):
        auth.log_in(conn, OfficeSettings(), "tanaka", PASSWORD, None)


def test_add_user_command(tmp_path, monkeypatch, capsys):
    db = tmp_path / "manabi.sqlite"
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    assert main(["office", "add-user", "sato", "--password-stdin", "--db", str(db)]) == 0
    assert "作成しました" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("short\n"))
    assert main(["office", "add-user", "sato", "--password-stdin", "--db", str(db)]) == 1
    assert "12文字以上" in capsys.readouterr().err
    assert main(["office", "add-user", "bad name!", "--password-stdin", "--db", str(db)]) == 1
    assert office.password_hash_of(state.connect(db), "sato")


def test_similar_questions_form_one_group_with_the_saved_review(conn):
    for text in ["今日の天気は？", "今日の天気は?", "今日の天気はどうですか", "給与明細はどこで見られる？"]:
        unanswered.log_question(conn, sender_id="s", text=text, reason="out_of_scope", channel="teams")
    assert text_key("今日の天気は？") == text_key("今日の天気は?")
    groups = group_questions(unanswered.list_questions(conn))
    assert [g.count for g in groups] == [3, 1]
    weather = groups[0]
    assert weather.status_label == "未対応" and weather.label.startswith("今日の天気")
    unanswered.set_review(conn, weather.keys, "out_of_scope", "業務外", updated_by="tanaka")
    unanswered.log_question(conn, sender_id="s", text="今日の天気を教えて", reason="low_confidence", channel="teams")
    regrouped = group_questions(unanswered.list_questions(conn), unanswered.reviews(conn))
    assert (regrouped[0].count, regrouped[0].status_label, regrouped[0].note) == (4, "対象外", "業務外")
    assert regrouped[1].status == "open"
    with pytest.raises(ValueError):
        unanswered.set_review(conn, weather.keys, "maybe", None, updated_by="tanaka")


def test_weekly_figures_and_their_chart(conn, tmp_path, tracker_location):
    monday = dt.datetime(2026, 11, 23, 9, 0, tzinfo=JST)
    trackers = tracker_rows.add_events(
        tracker_location,
        [
            ("s", "user", monday.timestamp()),
            ("s", "user", monday.timestamp() + 60),
            ("s", "bot", monday.timestamp()),
            ("s", "user", (monday - dt.timedelta(days=1)).timestamp()),
        ],
    )
    unanswered.log_question(conn, sender_id="s", text="天気", reason="out_of_scope", channel="teams", asked_at=monday)
    from bot.state import feedback

    for n, rating in enumerate(["up", "down", "down", "up"]):
        answer = Answer(f"a#{n}", "q", "a", action=None, intent=None, confidence=None, answered_at=None, data={})
        feedback.rate(conn, answer, sender_id="s", rating=rating, channel="web", now=monday)
    weeks = weekly.weeks(conn, trackers, dt.date(2026, 11, 25), count=3)
    assert [w.start.isoformat() for w in weeks] == ["2026-11-09", "2026-11-16", "2026-11-23"]
    last, before = weeks[-1], weeks[-2]
    assert (last.messages, last.fallbacks, last.thumbs_up, last.thumbs_down, last.down_rate) == (2, 1, 2, 2, 0.5)
    assert (before.messages, before.down_rate) == (1, None)
    svg = chart.weekly_svg(weeks)
    assert svg.startswith("<svg") and 'role="img"' in svg and "11/23週 👎の割合 50%" in svg
    assert svg.count("<polyline") == 0 and svg.count("<circle") == 1  # one week with ratings: a point, no line
    assert weekly.messages_by_day(tmp_path / "none.sqlite", dt.date(2026, 1, 1)) == {}


@pytest.mark.parametrize(("value", "ceiling"), [(0, 4), (3, 4), (5, 8), (9, 20), (41, 80), (81, 200), (1234, 2000)])
def test_chart_axis_ceilings(value, ceiling):
    assert chart.nice_ceiling(value) == ceiling


def test_office_settings_from_the_environment():
    assert OfficeSettings.from_env({}).on_rasa_server
    own = OfficeSettings.from_env({"MANABI_OFFICE_PORT": "5100", "MANABI_OFFICE_HOST": "10.0.0.5"})
    assert (own.own_port, own.own_host, own.on_rasa_server) == (5100, "10.0.0.5", False)
    assert not OfficeSettings.from_env({"MANABI_OFFICE_ENABLED": "0"}).enabled
    with pytest.raises(ValueError):
        OfficeSettings.from_env({"MANABI_OFFICE_PORT": "70000"})
    with pytest.raises(ValueError):
        OfficeSettings.from_env({"MANABI_OFFICE_IDLE_MINUTES": "soon"})

"""Office commands: python -m bot registrations … (errors: one line, exit 1; unanswered export:
test_unanswered_command.py)."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from bot.cli import main
from bot.registrations import store
from bot.registrations.model import Application
from bot.state import db as state
from bot.state.unanswered import log_question
from tests.registration_data import person_name


@pytest.fixture
def env(tmp_path, catalogue_db, monkeypatch, state_env):
    """Paths through the environment, as the office would have them (SQLite files, then a
    PostgreSQL URL); a pinned date."""
    monkeypatch.setenv("MANABI_CATALOGUE_DB", str(catalogue_db))
    monkeypatch.setenv("MANABI_TODAY", "2026-11-24")
    conn = state.connect(state_env)
    for n, department in enumerate(["市民課", "市民課", "税務課"], 1):
        store.register(
            conn,
            Application(
                "leader-7",
                f"aad-{n}",
                person_name(f"aad-{n}"),
                department,
                f"20451{n}",
                "self",
                "業務改善に取り組みたいです",
            ),
            seats=2,
        )
    yield conn
    conn.close()


def run(capsys, *argv: str):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, fragment: str) -> None:
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and fragment in err and "Traceback" not in err


def test_cohorts_list_and_summary(env, capsys):
    code, out, _ = run(capsys, "registrations", "cohorts")
    assert code == 0 and "leader-7" in out and "受付中" in out and "受付済 2" in out
    code, out, _ = run(capsys, "registrations", "list", "leader-7", "--status", "waitlisted")
    assert code == 0 and "キャンセル待ち 1番目" in out and "（1件）" in out
    code, out, _ = run(capsys, "registrations", "summary", "leader-7", "--json")
    summary = json.loads(out)
    assert (summary["seats"], summary["registered"], summary["waitlisted"]) == (20, 2, 1)


def test_export_csv_to_a_file_and_json_to_stdout(env, tmp_path, capsysbinary):
    target = tmp_path / "leader-7.csv"
    assert main(["registrations", "export", "leader-7", "--out", str(target)]) == 0
    assert "3 件" in capsysbinary.readouterr().err.decode("utf-8")
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 4 and rows[1][0] == "leader-7-001"
    assert main(["registrations", "export", "leader-7", "--format", "json"]) == 0
    document = json.loads(capsysbinary.readouterr().out.decode("utf-8"))
    assert len(document["registrations"]) == 3


def test_errors_are_one_line_and_exit_1(env, capsys, tmp_path):
    assert_one_line_error(*run(capsys, "registrations", "list", "leader-99")[::2], "leader-99")
    assert_one_line_error(
        *run(capsys, "registrations", "export", "leader-7", "--out", str(tmp_path / "missing" / "x.csv"))[::2],
        "書き出せません",
    )
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o500)
    if os.geteuid() != 0:  # root ignores directory permissions
        assert_one_line_error(
            *run(capsys, "registrations", "export", "leader-7", "--out", str(readonly / "x.csv"))[::2], "書き出せません"
        )
    assert_one_line_error(*run(capsys, "registrations", "close", "leader-99")[::2], "leader-99")
    assert_one_line_error(*run(capsys, "registrations", "reopen", "leader-6")[::2], "--until")


def test_a_missing_catalogue_is_one_line(env, capsys, tmp_path):
    code, _, err = run(capsys, "registrations", "list", "leader-7", "--catalogue", str(tmp_path / "none.sqlite"))
    assert_one_line_error(code, err, "catalogue")


def test_close_then_reopen(env, capsys):
    assert run(capsys, "registrations", "close", "leader-7", "--note", "定員充足")[0] == 0
    assert "受付停止" in run(capsys, "registrations", "cohorts")[1]
    code, out, _ = run(capsys, "registrations", "reopen", "leader-7", "--until", "2027-04-15")
    assert code == 0 and "2027/04/15" in out
    assert "cohort_reopened" in run(capsys, "registrations", "audit", "leader-7")[1]


def test_delete_person_needs_yes(env, capsys):
    code, out, err = run(capsys, "registrations", "delete-person", "aad-1")
    assert code == 1 and "--yes" in err and "leader-7-001" in out
    assert store.get(env, "aad-1", "leader-7") is not None
    log_question(env, sender_id="aad-1", text="給与明細は？", reason="out_of_scope", channel="teams")
    code, out, _ = run(capsys, "registrations", "delete-person", "aad-1", "--yes")
    assert code == 0 and "登録 1件" in out and "未回答ログ 1件" in out and "繰り上げ 1件" in out
    assert store.get(env, "aad-1", "leader-7") is None
    assert store.get(env, "aad-3", "leader-7").status == "confirmed"


def test_delete_person_by_staff_number(env, capsys):
    code, out, _ = run(capsys, "registrations", "delete-person", "--staff-number", "204512", "--yes")
    assert code == 0 and store.get(env, "aad-2", "leader-7") is None
    assert_one_line_error(
        *run(capsys, "registrations", "delete-person", "--staff-number", "999999", "--yes")[::2], "999999"
    )


def test_delete_cohort_only_when_closed(env, capsys):
    assert_one_line_error(*run(capsys, "registrations", "delete-cohort", "leader-7", "--yes")[::2], "受付中")
    run(capsys, "registrations", "close", "leader-7")
    code, out, _ = run(capsys, "registrations", "delete-cohort", "leader-7", "--yes")
    assert code == 0 and "3件" in out
    assert store.for_cohort(env, "leader-7") == []


def test_a_cohort_gone_from_the_catalogue_can_still_be_exported_and_deleted(env, capsys):
    store.register(
        env,
        Application("leader-5", "aad-9", "職員九", "市民課", "204519", "self", "業務改善に取り組みたいです"),
        seats=20,
    )
    code, out, _ = run(capsys, "registrations", "summary", "leader-5")
    assert code == 0 and "定員 -" in out and "受付済 1名" in out
    code, out, _ = run(capsys, "registrations", "delete-cohort", "leader-5", "--yes")
    assert code == 0 and store.for_cohort(env, "leader-5") == []

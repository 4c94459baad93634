"""``python -m bot unanswered export`` (bot/commands/unanswered.py): the log of unanswered questions
for the office, as CSV for Excel or JSON, to a file or standard output; errors are one line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from bot.cli import build_parser, main
from bot.commands import unanswered
from bot.state import db as state
from bot.state.unanswered import JST, log_question


@pytest.fixture
def state_db(tmp_path, monkeypatch):
    path = tmp_path / "manabi.sqlite"
    monkeypatch.setenv("MANABI_STATE_DB", str(path))
    conn = state.connect(path)
    log_question(
        conn,
        sender_id="aad-9",
        text="今日の天気は？",
        reason="out_of_scope",
        channel="teams",
        intent="out_of_scope",
        confidence=0.91,
        asked_at=dt.datetime(2026, 11, 20, 9, 5, tzinfo=JST),
    )
    log_question(
        conn,
        sender_id="aad-8",
        text="=HYPERLINK(1)",
        reason="fallback",
        channel=None,
        asked_at=dt.datetime(2026, 11, 24, 14, 30, tzinfo=JST),
    )
    conn.close()
    return path


def run(capsys, *argv: str) -> tuple[int, bytes, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.encode("utf-8"), err


def test_the_command_lives_in_bot_commands() -> None:
    args = build_parser().parse_args(["unanswered", "export"])
    assert args.handler.__wrapped__ is unanswered.run_export


def test_csv_for_excel_without_sender_ids(state_db, capsys, tmp_path) -> None:
    target = tmp_path / "unanswered.csv"
    code, _, err = run(capsys, "unanswered", "export", "--out", str(target))
    assert code == 0 and err.strip() == f"未回答の質問 2 件を書き出しました: {target}"
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode()) and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["日付", "時刻", "チャネル", "質問", "推定した意図", "確信度", "理由"],
        ["2026/11/20", "09:05", "teams", "今日の天気は？", "out_of_scope", "0.91", "out_of_scope"],
        ["2026/11/24", "14:30", "", "'=HYPERLINK(1)", "", "", "fallback"],
    ]
    assert b"aad-" not in data


def test_json_to_standard_output_since_a_date(state_db, capsys, tmp_path) -> None:
    # the registration commands' --catalogue/--trackers are still accepted (unused here), as before
    argv = ["unanswered", "export", "--format", "json", "--since", "2026-11-21", "--trackers", str(tmp_path / "t")]
    code, out, _ = run(capsys, *argv, "--catalogue", str(tmp_path / "c"))
    records = json.loads(out)
    assert code == 0 and [r["text"] for r in records] == ["=HYPERLINK(1)"]
    assert all("sender_id" not in r for r in records)
    assert json.loads(run(capsys, "unanswered", "export", "--format", "json", "--since", "2099-01-01")[1]) == []


@pytest.mark.parametrize(("option", "fragment"), [("--out", "書き出せません"), ("--db", "エラー: ")])
def test_errors_are_one_line(state_db, capsys, tmp_path, option: str, fragment: str) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("", encoding="utf-8")
    code, _, err = run(capsys, "unanswered", "export", option, str(not_a_folder / "x"))
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and fragment in err and "Traceback" not in err


def test_a_bad_date_is_refused_by_the_parser(state_db, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["unanswered", "export", "--since", "24/11/2026"])
    assert exit_.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err

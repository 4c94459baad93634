"""Office exports: CSV for Japanese Excel (BOM, 2027/03/31, round trip), JSON, the summary."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.registrations import export
from bot.registrations.model import CANCELLED, CONFIRMED, WAITLISTED, Registration

COHORT = {
    "id": "leader-7",
    "course_id": "leader",
    "name": "第7期",
    "fiscal_year": 2027,
    "seats": 2,
    "apply_until": "2027-03-31",
}


def registration(n: int, status: str, department: str = "市民課", **changes) -> Registration:
    values = {
        "id": n,
        "cohort_id": "leader-7",
        "person_id": f"aad-{n}",
        "queue_no": n,
        "status": status,
        "name": f"山田{n}",
        "department": department,
        "department_id": None,
        "staff_number": f"0{n:05d}",
        "recommendation": "manager",
        "manager_name": "田中課長",
        "motivation": "窓口の待ち時間を減らしたい。\n「紙」をなくしたい, です",
        "channel": "teams",
        "registered_at": "2027-03-31T09:05:00+09:00",
        "updated_at": "2027-03-31T09:05:00+09:00",
        "cancelled_at": None,
        "waitlist_position": 1 if status == WAITLISTED else None,
    }
    values.update(changes)
    return Registration(**values)


ROWS = [
    registration(1, CONFIRMED),
    registration(2, CONFIRMED, "税務課"),
    registration(3, WAITLISTED),
    registration(4, CANCELLED, cancelled_at="2027-04-02T12:00:00+09:00"),
]


def read_csv(data: bytes) -> list:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_starts_with_the_bom_and_round_trips():
    data = export.registrations_csv(ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = read_csv(data)
    assert rows[0] == [name for name, _ in export.REGISTRATION_COLUMNS]
    assert len(rows) == 1 + len(ROWS)
    first = dict(zip(rows[0], rows[1]))
    assert first["受付番号"] == "leader-7-001" and first["状態"] == "受付済"
    assert first["志望動機"] == ROWS[0].motivation  # newline, quotes and comma survive
    assert first["職員番号"] == "000001"
    assert first["登録日"] == "2027/03/31" and first["登録時刻"] == "09:05"
    assert first["推薦区分"] == "所属長推薦" and first["所属長名"] == "田中課長"
    assert dict(zip(rows[0], rows[3]))["状態"] == "キャンセル待ち 1番目"
    assert dict(zip(rows[0], rows[4]))["取消日"] == "2027/04/02"
    assert "aad-1" not in data.decode("utf-8-sig")  # the person id is not exported


def test_cells_excel_would_run_are_defused():
    rows = read_csv(export.registrations_csv([registration(1, CONFIRMED, name='=HYPERLINK("x")')]))
    assert rows[1][3] == '\'=HYPERLINK("x")'


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("\n=1+2", "'=1+2"),  # a line feed first: Excel still runs what follows (issue 11)
        ('＝HYPERLINK("x")', '\'＝HYPERLINK("x")'),  # full-width forms, which Japanese Excel accepts
        ("＋81-3", "'＋81-3"),
        ("－1", "'－1"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("\u202e=1+2", "'=1+2"),  # hidden in front of the formula
        ("山田\u202e郎太", "山田郎太"),  # bidi override removed
        ("田中 課長", "田中 課長"),
    ],
)
def test_more_cells_are_defused_and_hidden_characters_removed(cell, expected):
    assert export.safe_cell(cell) == expected
    rows = read_csv(export.registrations_csv([registration(1, CONFIRMED, name=cell)]))
    assert rows[1][3] == expected


def test_json_export():
    document = json.loads(export.registrations_json(COHORT, ROWS).decode("utf-8"))
    assert document["cohort"]["id"] == "leader-7"
    assert document["summary"]["registered"] == 2
    assert [r["status_label"] for r in document["registrations"]] == [
        "受付済",
        "受付済",
        "キャンセル待ち 1番目",
        "取消済",
    ]
    assert "person_id" not in document["registrations"][0]


def test_summary_by_department():
    data = export.summary(COHORT, ROWS)
    assert (data["seats"], data["registered"], data["waitlisted"], data["cancelled"], data["remaining"]) == (
        2,
        2,
        1,
        1,
        0,
    )
    assert data["by_department"] == [
        {"department": "市民課", "registered": 1, "waitlisted": 1},
        {"department": "税務課", "registered": 1, "waitlisted": 0},
    ]
    text = export.summary_text(data, "リーダー研修 第7期")
    assert "定員 2名 / 受付済 2名 / キャンセル待ち 1名" in text and "市民課: 1 / 1" in text


def test_unanswered_export_leaves_out_sender_ids():
    questions = [
        {
            "id": 1,
            "asked_at": "2026-12-01T10:30:00+09:00",
            "sender_id": "aad-9",
            "channel": "teams",
            "text": "給与明細は？",
            "intent": "out_of_scope",
            "confidence": 0.91,
            "reason": "out_of_scope",
        }
    ]
    rows = read_csv(export.unanswered_csv(questions))
    assert rows[1][:4] == ["2026/12/01", "10:30", "teams", "給与明細は？"]
    assert "aad-9" not in export.unanswered_json(questions).decode("utf-8")


def test_write_atomically(tmp_path):
    target = tmp_path / "out.csv"
    export.write_atomically(target, b"abc")
    assert target.read_bytes() == b"abc"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]

"""Building the catalogue from data/catalogue, and the errors a bad edit produces."""

import shutil
import sqlite3

import pytest

from bot.catalogue.build import build, is_current
from bot.catalogue.sources import SourceError
from bot.catalogue.validate import CatalogueInvalid
from bot.settings import PROJECT_ROOT

SOURCE = PROJECT_ROOT / "data" / "catalogue"


@pytest.fixture
def source(tmp_path):
    """An editable copy of the sample catalogue."""
    target = tmp_path / "catalogue"
    shutil.copytree(SOURCE, target)
    return target


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_build_creates_every_table_with_keys(tmp_path):
    db_path = tmp_path / "catalogue.sqlite"
    counts = build(SOURCE, db_path)
    assert counts["courses"] == 9 and counts["exams"] == 5 and counts["cohorts"] >= 1
    conn = sqlite3.connect(db_path)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"courses", "sessions", "cohorts", "exams", "subsidy_rules", "aliases", "study_tips", "contacts"} <= tables
    session_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'sessions'").fetchone()[0]
    assert 'REFERENCES "courses"("id")' in session_sql
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert any("sessions" in name and "starts_on" in name for name in indexes)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_is_current_tracks_source_edits(source, tmp_path):
    db_path = tmp_path / "catalogue.sqlite"
    assert not is_current(source, db_path)
    build(source, db_path)
    assert is_current(source, db_path)
    edit(source / "contacts.yml", '"2345"', '"2346"')
    assert not is_current(source, db_path)


def line_of(path, text):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text} not in {path}")


# (file, text to replace, replacement, the row's anchor text, expected problem)
BAD_EDITS = [
    (
        "sessions.yml",
        "{course: rpa, date: 2026-12-16,",
        "{course: rpa, date: 2026-13-16,",
        "course: rpa",
        "（course: rpa）: date: 「2026-13-16」は日付（YYYY-MM-DD）ではありません",
    ),
    (
        "sessions.yml",
        "{course: sns,",
        "{course: snss,",
        "course: snss",
        "（id: sns-1）: course「snss」は courses.yml にありません",  # a session with an id is named by it
    ),
    (
        "courses.yml",
        "  target: 管理職（課長級以上）\n",
        "",
        "id: manager",
        "（id: manager）: 必須の項目「target」がありません",
    ),
    (
        "exams.yml",
        "aliases: [DBスペシャリスト,",
        "aliases: [ITパス, DBスペシャリスト,",
        "id: db",
        "（id: db）: 別名「ITパス」は exam「itpass」の「ITパス」と重複しています",
    ),
    (
        "exams.yml",
        "  fee: 13200",
        "  fee: 13,200円",
        "id: g_kentei",
        "（id: g_kentei）: fee: 「13,200円」は正の整数ではありません",
    ),
    (
        "sessions.yml",
        'start: "13:30", end: "16:00", format: 集合, venue: 本庁舎 7階',
        'start: 13:30, end: "16:00", format: 集合, venue: 本庁舎 7階',
        "course: sns",
        '時刻は "14:00" のように引用符で囲んでください',
    ),
    (
        "cohorts.yml",
        "  seats: 20\n  apply_until: 2027-03-31",
        "  seats: 20\n  apply_untill: 2027-03-31",
        "id: leader-7",
        "知らない項目「apply_untill」があります",
    ),
    (
        "subsidy.yml",
        "allowed: [regular, reappointed]",
        "allowed: [regular, reappointed, contractor]",
        "id: employment",
        "allowed「contractor」は employment_type の選択肢にありません",
    ),
]


@pytest.mark.parametrize("file, old, new, anchor, expected", BAD_EDITS)
def test_validation_names_file_row_and_problem(source, tmp_path, file, old, new, anchor, expected):
    edit(source / file, old, new)
    where = f"{file} {line_of(source / file, anchor)}行目"
    db_path = tmp_path / "catalogue.sqlite"
    with pytest.raises(CatalogueInvalid) as raised:
        build(source, db_path)
    assert any(where in message and expected in message for message in raised.value.messages), (
        where,
        expected,
        raised.value.messages,
    )
    assert not db_path.exists(), "a broken catalogue must not be published"


def test_a_failed_build_leaves_the_previous_database(source, tmp_path):
    db_path = tmp_path / "catalogue.sqlite"
    build(source, db_path)
    before = db_path.read_bytes()
    edit(source / "exams.yml", "  fee: 7500\n", "  fee: -1\n")
    with pytest.raises(CatalogueInvalid):
        build(source, db_path)
    assert db_path.read_bytes() == before


def test_yaml_syntax_errors_name_the_line(source, tmp_path):
    (source / "contacts.yml").write_text("- id: x\n  name: [unclosed\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"contacts.yml \d+行目"):
        build(source, tmp_path / "c.sqlite")


def test_missing_file(source, tmp_path):
    (source / "study_tips.yml").unlink()
    with pytest.raises(SourceError, match="study_tips.yml: ファイルがありません"):
        build(source, tmp_path / "c.sqlite")


def test_every_exam_needs_study_tips(source, tmp_path):
    text = (source / "study_tips.yml").read_text(encoding="utf-8")
    (source / "study_tips.yml").write_text(text.split("- exam: g_kentei")[0], encoding="utf-8")
    with pytest.raises(CatalogueInvalid, match="g_kentei"):
        build(source, tmp_path / "c.sqlite")


def test_a_vocabulary_missing_from_vocabularies_yml_is_reported_not_a_crash(source, tmp_path):
    """subsidy.yml's rules name values of employment_type; without that heading the build explains what is wrong."""
    edit(source / "vocabularies.yml", "employment_type:\n", "employment_kind:\n")
    with pytest.raises(CatalogueInvalid) as failure:
        build(source, tmp_path / "c.sqlite")
    messages = "\n".join(failure.value.messages)
    assert "vocabularies.yml" in messages
    assert "employment_type" in messages

"""Answers about courses: what exists, when the next sessions are, what is on in a period, details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bot.catalogue.queries import Catalogue
from bot.dates import Period, format_date, format_year_month, reiwa_fiscal_year_label
from bot.registrations.cohorts import Override, open_cohorts, read_overrides
from bot.replies.base import Reply, bullet_list, button, contact_line, session_line, session_when
from bot.settings import load_settings

Row = dict[str, Any]


def course_list(catalogue: Catalogue, today: dt.date) -> Reply:
    """Every course grouped by category, with its next date."""
    next_sessions = catalogue.next_session_per_course(today)
    groups: dict[str, list[str]] = {}
    for course in catalogue.courses():
        session = next_sessions.get(course["id"])
        cohort = open_cohort(catalogue, course["id"], today)
        if session:
            when = f"次回 {session_when(session, short=True)}"
        elif cohort:
            when = f"{cohort['name']} 受付中（{format_date(_date(cohort['apply_until']))}まで）"
        else:
            when = "開催予定は未定"
        groups.setdefault(course["category"], []).append(f"{course['name']}（{when}）")
    lines = ["実施中・予定の研修です。"]
    for category, items in groups.items():
        lines.append(f"\n**{category}**\n{bullet_list(items)}")
    lines.append("\n研修名を添えて「〇〇の日程は？」「〇〇の内容は？」と聞いていただくと詳しくお答えします。")
    card = {"title": "研修一覧", "sections": [{"heading": c, "items": i} for c, i in groups.items()]}
    return Reply("\n".join(lines), card=card)


def next_sessions(catalogue: Catalogue, course: Row, today: dt.date) -> Reply:
    """A course's upcoming sessions (or its open cohort when it runs as a cohort)."""
    sessions = catalogue.upcoming_sessions(course["id"], today)
    name = course["name"]
    if sessions:
        lines = [f"**{name}**の今後の日程です。", bullet_list([session_line(s) for s in sessions])]
        if course.get("schedule_note"):
            lines.append(course["schedule_note"])
        card = {
            "title": name,
            "subtitle": "今後の日程",
            "sections": [{"heading": "日程", "items": [session_line(s) for s in sessions]}],
        }
        return Reply("\n".join(lines), [button("内容を見る", "ask_course_details", course=course["id"])], card)
    cohort = open_cohort(catalogue, course["id"], today)
    if cohort:
        return cohort_schedule(course, cohort)
    text = f"**{name}**の今後の開催予定は、まだ決まっていません。決まり次第お知らせします。"
    return Reply(text)


def cohort_schedule(course: Row, cohort: Row) -> Reply:
    period = f"{format_year_month(cohort['starts'])}〜{format_year_month(cohort['ends'])}"
    deadline = format_date(_date(cohort["apply_until"]))
    text = (
        f"**{course['name']}** {cohort['name']}（{reiwa_fiscal_year_label(cohort['fiscal_year'])}）は"
        f"{period}に実施します（{course['hours']}、定員{cohort['seats']}名）。\n"
        f"受講希望の登録は{deadline}まで受け付けています。"
    )
    buttons = [
        button("応募する", "register_interest", course=course["id"]),
        button("内容を見る", "ask_course_details", course=course["id"]),
    ]
    card = {
        "title": f"{course['name']} {cohort['name']}",
        "facts": [["実施期間", period], ["定員", f"{cohort['seats']}名"], ["登録締切", deadline]],
    }
    return Reply(text, buttons, card)


def sessions_in_period(catalogue: Catalogue, period: Period, today: dt.date) -> Reply:
    """Everything on during a month or week, dated sessions first."""
    sessions = catalogue.sessions_between(period.start, period.end)
    cohorts = catalogue.cohorts_between(period.start, period.end)
    dated = [s for s in sessions if s["starts_on"] == s["ends_on"]]
    anytime = [s for s in sessions if s["starts_on"] != s["ends_on"]]
    if not sessions and not cohorts:
        return Reply(
            f"{period.label}に予定されている研修はありません。"
            "「どんな研修がある？」と聞いていただくと、今後の予定をまとめてお伝えします。"
        )
    lines = [
        f"{period.label}の研修は{len(dated)}件です。" if dated else f"{period.label}に日程の決まった研修はありません。"
    ]
    if dated:
        lines.append(bullet_list([session_line(s, short=True, with_course=True) for s in dated]))
    if anytime:
        lines.append("このほか、期間中いつでも受講できる研修があります。")
        lines.append(bullet_list([f"{s['course_name']}（{session_when(s)}）" for s in anytime]))
    cohort_lines = [
        f"{k['course_name']} {k['name']}（{format_year_month(k['starts'])}〜{format_year_month(k['ends'])}、"
        "受講者のみ）"
        for k in cohorts
    ]
    if cohort_lines:
        lines.append("期間中に実施している育成研修があります。")
        lines.append(bullet_list(cohort_lines))
    if period.end < today:
        lines.append("（過去の期間です）")
    card = {
        "title": f"{period.label}の研修",
        "sections": [{"heading": "日程", "items": [session_line(s, short=True, with_course=True) for s in dated]}]
        + ([{"heading": "いつでも受講できる研修", "items": [s["course_name"] for s in anytime]}] if anytime else [])
        + ([{"heading": "実施中の育成研修", "items": cohort_lines}] if cohort_lines else []),
    }
    return Reply("\n".join(lines), card=card)


def deadline(catalogue: Catalogue, course: Row, today: dt.date) -> Reply:
    """「締め切りは？」: the open cohort's registration deadline, else how (and by when) to apply."""
    cohort = open_cohort(catalogue, course["id"], today)
    if cohort:
        return Reply(
            f"**{course['name']}** {cohort['name']}の受講希望の登録締切は"
            f"**{format_date(_date(cohort['apply_until']))}**です。",
            [
                button("応募する", "register_interest", course=course["id"]),
                button("内容を見る", "ask_course_details", course=course["id"]),
            ],
        )
    return Reply(
        f"**{course['name']}**の申込方法：{course['how_to_apply']}",
        [button("日程を見る", "ask_schedule", course=course["id"])],
    )


def target(catalogue: Catalogue, course: Row, today: dt.date) -> Reply:
    """「対象者は？」: who the course is for (and the cohort's guidance)."""
    cohort = open_cohort(catalogue, course["id"], today)
    text = f"**{course['name']}**の対象は「{course['target']}」です。"
    if cohort:
        text += f"\n{cohort['guidance']}"
    return Reply(text, [button("内容を見る", "ask_course_details", course=course["id"])])


def venues(catalogue: Catalogue, course: Row, today: dt.date) -> Reply:
    """「会場はどこ？」: where (or how) each upcoming session takes place."""
    sessions = catalogue.upcoming_sessions(course["id"], today)
    if not sessions:
        return Reply(f"**{course['name']}**の形式は「{course['format']}」です。会場は各回のご案内でお知らせします。")
    items = [f"{session_when(s)}：{'・'.join(d for d in (s.get('format'), s.get('venue')) if d)}" for s in sessions]
    return Reply(
        f"**{course['name']}**の会場です。\n{bullet_list(items)}",
        [button("内容を見る", "ask_course_details", course=course["id"])],
    )


def seats(catalogue: Catalogue, course: Row, today: dt.date, office: Row) -> Reply:
    """「定員は？」: the open cohort's seats; other courses have none in the catalogue."""
    cohort = open_cohort(catalogue, course["id"], today)
    if cohort:
        return Reply(
            f"**{course['name']}** {cohort['name']}の定員は{cohort['seats']}名です"
            f"（登録締切：{format_date(_date(cohort['apply_until']))}）。定員を超えた登録はキャンセル待ちになります。"
        )
    return Reply(
        f"**{course['name']}**の定員はこのアシスタントに登録されていません。{contact_line(office)}へお問い合わせください。",
        [button("内容を見る", "ask_course_details", course=course["id"])],
    )


def course_details(catalogue: Catalogue, course: Row, today: dt.date) -> Reply:
    """Summary, target, format, hours, how to apply, curriculum and the next date or cohort."""
    cohort = open_cohort(catalogue, course["id"], today)
    facts = [["対象", course["target"]], ["形式", course["format"]], ["時間", course["hours"]]]
    if cohort:
        facts.append(["定員", f"{cohort['seats']}名（{cohort['name']}）"])
        facts.append(["登録締切", format_date(_date(cohort["apply_until"]))])
    facts.append(["申込方法", course["how_to_apply"]])
    lines = [f"**{course['name']}**", course["summary"], ""]
    lines += [f"- {label}：{value}" for label, value in facts]
    sections = []
    phases = catalogue.phases(course["id"])
    if phases:
        items = [f"{p['months']}（{p['hours']}）{p['name']}：{p['content']}" for p in phases]
        lines += ["", "**カリキュラム**", bullet_list(items)]
        sections.append({"heading": "カリキュラム", "items": items})
    sessions = catalogue.upcoming_sessions(course["id"], today, limit=1)
    if sessions:
        lines.append(f"\n次回は{session_when(sessions[0])}です。")
    if cohort:
        lines.append(f"\n{cohort['guidance']}")
    buttons = [button("日程を見る", "ask_schedule", course=course["id"])]
    if cohort:
        buttons.insert(0, button("応募する", "register_interest", course=course["id"]))
    card = {"title": course["name"], "subtitle": course["summary"], "facts": facts, "sections": sections}
    return Reply("\n".join(lines), buttons, card)


def ask_which_course(catalogue: Catalogue, question: str) -> Reply:
    """Ask for the course, offering every course as a button."""
    intent = "ask_course_details" if question == "details" else "ask_schedule"
    buttons = [button(c["name"], intent, course=c["id"]) for c in catalogue.courses()]
    return Reply(
        "どの研修についてお調べしますか？研修名を教えてください（例：RPA研修、AI勉強会、リーダー研修）。", buttons
    )


def open_cohort(
    catalogue: Catalogue, course_id: str, today: dt.date, overrides: Mapping[str, Override] | None = None
) -> Row | None:
    """The course's cohort currently taking registrations, if any: the catalogue's status and
    deadline, and the programme office's close/reopen (read from the state DB unless given).
    The row carries the effective deadline (an office extension included)."""
    if overrides is None:
        overrides = read_overrides(load_settings().state_db)
    found = open_cohorts(catalogue, overrides, today, course_id)
    return found[0].effective_cohort if found else None


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)

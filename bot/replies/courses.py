"""Answers about courses: what exists, when, what is on in a period, the nearest or last session,
and each fact of a course (deadline, venue, format, seats, target, hours, how to apply, phases).

Pure functions: catalogue rows in (the caller picks them), :class:`Reply` out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from bot.catalogue.rows import Cohort, Contact, Course, Exam, Phase, Session
from bot.dates import Period, format_date, reiwa_fiscal_year_label
from bot.replies.base import Reply, bullet_list, button, card, contact_line, session_line, session_when


def _details_button(course: Course) -> dict[str, str]:
    return button("内容を見る", "ask_course_details", course=course.id)


def _schedule_button(course: Course) -> dict[str, str]:
    return button("日程を見る", "ask_schedule", course=course.id)


def year_month(day: dt.date) -> str:
    return f"{day.year}年{day.month}月"


def cohort_period(cohort: Cohort) -> str:
    return f"{year_month(cohort.starts)}〜{year_month(cohort.ends)}"


# --- what exists -------------------------------------------------------------------------------
def course_list(
    courses: Sequence[Course],
    next_by_course: Mapping[str, Session],
    cohorts: Mapping[str, Cohort],
    kind: str = "",
) -> Reply:
    """Every course (or those of one ``kind``: 「オンライン」) grouped by category, with its next date (or
    its open cohort) and, for a kind, its format."""
    groups: dict[str, list[str]] = {}
    for course in courses:
        session, cohort = next_by_course.get(course.id), cohorts.get(course.id)
        if session:
            when = f"次回 {session_when(session, short=True)}"
        elif cohort:
            when = f"{cohort.name} 受付中（{format_date(cohort.apply_until)}まで）"
        else:
            when = "開催予定は未定"
        shown = f"{when}、{course.format}" if kind else when
        groups.setdefault(course.category, []).append(f"{course.name}（{shown}）")
    lines = [f"{kind}の研修は{len(courses)}件です。" if kind else f"実施中・予定の研修は{len(courses)}件です。"]
    for category, items in groups.items():
        lines.append(f"\n**{category}**\n{bullet_list(items)}")
    lines.append("\n研修名を添えて「〇〇の日程は？」「〇〇の内容は？」と聞いていただくと詳しくお答えします。")
    sections = [{"heading": c, "items": i} for c, i in groups.items()]
    return Reply("\n".join(lines), card=card(f"{kind}の研修" if kind else "研修一覧", sections=sections))


FACT_HEADINGS = {"how_to_apply": "参加・申込の方法", "target": "対象", "hours": "所要時間", "format": "実施形式"}


def fact_per_course(fact: str, courses: Sequence[Course]) -> Reply:
    """One fact of every course (「申込のいらない研修はどれ？」: each course's way to join)."""
    heading = FACT_HEADINGS[fact]
    items = [f"{c.name}：{getattr(c, fact)}" for c in courses]
    text = f"各研修の{heading}です。\n" + bullet_list(items)
    return Reply(text, card=card(f"各研修の{heading}", sections=[{"heading": heading, "items": items}]))


# --- when ----------------------------------------------------------------------------------------
def next_sessions(course: Course, sessions: Sequence[Session], cohort: Cohort | None) -> Reply:
    """A course's upcoming sessions (or its open cohort when it runs as a cohort)."""
    if sessions:
        items = [session_line(s) for s in sessions]
        lines = [f"**{course.name}**の今後の日程です。", bullet_list(items)]
        if course.schedule_note:
            lines.append(course.schedule_note)
        return Reply(
            "\n".join(lines),
            [_details_button(course)],
            card(course.name, subtitle="今後の日程", sections=[{"heading": "日程", "items": items}]),
        )
    if cohort:
        return cohort_schedule(course, cohort)
    return Reply(f"**{course.name}**の今後の開催予定は、まだ決まっていません。決まり次第お知らせします。")


def cohort_schedule(course: Course, cohort: Cohort) -> Reply:
    deadline = format_date(cohort.apply_until)
    text = (
        f"**{course.name}** {cohort.name}（{reiwa_fiscal_year_label(cohort.fiscal_year)}）は"
        f"{cohort_period(cohort)}に実施します（{course.hours}、定員{cohort.seats}名）。\n"
        f"受講希望の登録は{deadline}まで受け付けています。"
    )
    facts = [["実施期間", cohort_period(cohort)], ["定員", f"{cohort.seats}名"], ["登録締切", deadline]]
    return Reply(
        text,
        [button("応募する", "register_interest", course=course.id), _details_button(course)],
        card(f"{course.name} {cohort.name}", facts=facts),
    )


def sessions_in_period(
    period: Period,
    sessions: Sequence[Session],
    cohorts: Sequence[Cohort],
    today: dt.date,
    after: Session | None = None,
) -> Reply:
    """Everything on during a period, dated sessions first; with none dated, the first one ``after`` it."""
    dated = [s for s in sessions if s.is_dated]
    anytime = [s for s in sessions if not s.is_dated]
    following = f"次の研修は**{session_when(after)}の{after.course_name}**です。" if after and not dated else ""
    if not sessions and not cohorts:
        return Reply(
            f"{period.label}に予定されている研修はありません。"
            + (following or "「どんな研修がある？」と聞いていただくと、今後の予定をまとめてお伝えします。")
        )
    dated_items = [session_line(s, short=True, with_course=True) for s in dated]
    lines = [
        f"{period.label}の研修は{len(dated)}件です。" if dated else f"{period.label}に日程の決まった研修はありません。"
    ]
    if dated:
        lines.append(bullet_list(dated_items))
    if following:
        lines.append(following)
    if anytime:
        lines.append("このほか、期間中いつでも受講できる研修があります。")
        lines.append(bullet_list([f"{s.course_name}（{session_when(s)}）" for s in anytime]))
    cohort_items = [f"{k.course_name} {k.name}（{cohort_period(k)}、受講者のみ）" for k in cohorts]
    if cohort_items:
        lines.append("期間中に実施している育成研修があります。")
        lines.append(bullet_list(cohort_items))
    if period.end < today:
        lines.append("（過去の期間です）")
    sections = [{"heading": "日程", "items": dated_items}]
    if anytime:
        sections.append({"heading": "いつでも受講できる研修", "items": [s.course_name for s in anytime]})
    if cohort_items:
        sections.append({"heading": "実施中の育成研修", "items": cohort_items})
    return Reply("\n".join(lines), card=card(f"{period.label}の研修", sections=sections))


def upcoming_overview(next_by_course: Mapping[str, Session], courses: Sequence[Course]) -> Reply:
    """「研修の日程は？」 with no course: the next date of every course, soonest first."""
    names = {c.id: c.name for c in courses}
    dated = sorted((s for s in next_by_course.values() if s.is_dated), key=lambda s: (s.starts_on, s.start_time or ""))
    items = [f"{session_when(s, short=True)} {names.get(s.course_id, s.course_name)}" for s in dated]
    anytime = [s for s in next_by_course.values() if not s.is_dated]
    lines = ["各研修の次回の日程です（近い順）。", bullet_list(items)]
    if anytime:
        lines.append("いつでも受講できる研修：" + "、".join(f"{s.course_name}（{session_when(s)}）" for s in anytime))
    buttons = [button(f"{names[s.course_id]}の日程", "ask_schedule", course=s.course_id) for s in dated[:3]]
    return Reply("\n".join(lines), buttons, card("今後の研修", sections=[{"heading": "次回の日程", "items": items}]))


def nearest(sessions: Sequence[Session], anytime: Sequence[Session], scope: str) -> Reply:
    """「一番近い研修は？」「1月でいちばん早い研修」: the first dated session (of ``scope``) and the next ones."""
    if not sessions:
        return Reply(f"{scope}、日程の決まった研修はありません。")
    first, rest = sessions[0], sessions[1:3]
    where = "" if scope == "今後" else f"{scope}で"
    text = f"{where}いちばん近い研修は、**{session_when(first)}の{first.course_name}**です。"
    if first.venue or first.format:
        text += f"（{'・'.join(d for d in (first.format, first.venue) if d)}）"
    if rest:
        text += "\nその次は " + "、".join(f"{session_when(s, short=True)} {s.course_name}" for s in rest) + " です。"
    if anytime:
        text += "\nなお、" + "、".join(f"{s.course_name}は{session_when(s)}" for s in anytime) + "受講できます。"
    return Reply(text, [button(f"{first.course_name}の内容", "ask_course_details", course=first.course_id)])


def last_session(sessions: Sequence[Session], subject: str, scope: str) -> Reply:
    """「最後はいつ？」: the last dated session of ``subject`` within ``scope``."""
    if not sessions:
        return Reply(f"{scope}の{subject}に、日程の決まった回はありません。")
    last = sessions[-1]
    name = "" if subject == last.course_name else f"（{last.course_name}）"
    return Reply(f"{scope}の{subject}の最後の回は、**{session_when(last)}**{name}です。")


def session_count(sessions: Sequence[Session], subject: str, scope: str) -> Reply:
    """「あと何回？」: how many dated sessions of ``subject`` remain within ``scope``, with their dates."""
    if not sessions:
        return Reply(f"{scope}の{subject}に、これから開催される回はありません。")
    items = [session_when(s, short=True) + ("" if s.course_name == subject else f" {s.course_name}") for s in sessions]
    return Reply(f"{scope}の{subject}は、あと**{len(sessions)}回**です。\n{bullet_list(items)}")


def exam_organizer(exam: Exam) -> Reply:
    """「G検定の主催は？」「公式サイトは？」: who runs the exam, and where it says how to apply."""
    text = f"**{exam.name}**の実施団体は{exam.organizer}です。"
    text += f"\n公式サイト：{exam.url}（試験日程や受験の申込はこちらで案内されています）" if exam.url else ""
    return Reply(text, [button("補助額を見る", "ask_subsidy_amount", exam=exam.id)])


def exam_schedule(exam: Exam, related: Reply | None) -> Reply:
    """Exam dates are the organiser's; point there, and to the course that prepares for it."""
    text = f"{exam.name}の試験日程は実施団体（{exam.organizer}）が公表しています。"
    text += f"最新の日程は公式サイト（{exam.url}）でご確認ください。" if exam.url else ""
    text += f"\n受験の方式：{exam.format}"
    if related:
        return Reply(f"{text}\n\n庁内の対策として、{related.text}", related.buttons, related.card)
    return Reply(text, [button("補助額を見る", "ask_subsidy_amount", exam=exam.id)])


# --- one fact of a course --------------------------------------------------------------------------
def deadline(course: Course, cohort: Cohort | None, upcoming: Sequence[Session] = ()) -> Reply:
    """「締め切りは？」「いつまで？」: the open cohort's registration deadline; for a course taken any
    time in a period, the end of it; else how (and by when) to apply."""
    anytime = next((s for s in upcoming if not s.is_dated), None)
    if anytime and not cohort:
        return Reply(
            f"**{course.name}**は**{format_date(anytime.ends_on)}まで**いつでも受講できます。{course.how_to_apply}",
            [_details_button(course)],
        )
    if cohort:
        return Reply(
            f"**{course.name}** {cohort.name}の受講希望の登録締切は**{format_date(cohort.apply_until)}**です。",
            [button("応募する", "register_interest", course=course.id), _details_button(course)],
        )
    return Reply(f"**{course.name}**の申込方法：{course.how_to_apply}", [_schedule_button(course)])


def target(course: Course, cohort: Cohort | None, age: int | None = None) -> Reply:
    """「対象者は？」「20代だとだめ？」: who the course is for; the cohort's guidance is a guideline."""
    text = f"**{course.name}**の対象は「{course.target}」です。"
    if cohort:
        text += f"\n{cohort.guidance}"
    if age is not None and cohort:
        text += (
            f"\n対象者の年代は応募の目安で、条件ではありません。{age}代の方も応募できます。"
            "業務改善への意欲があれば、ぜひご応募ください。"
        )
    else:
        text += f"\n参加方法：{course.how_to_apply}"
    buttons = [_details_button(course)]
    if cohort:
        buttons.insert(0, button("応募する", "register_interest", course=course.id))
    return Reply(text, buttons)


def venues(course: Course, sessions: Sequence[Session]) -> Reply:
    """「会場はどこ？」: where (or how) each upcoming session takes place."""
    if not sessions:
        return Reply(f"**{course.name}**の形式は「{course.format}」です。会場は各回のご案内でお知らせします。")
    items = [f"{session_when(s)}：{'・'.join(d for d in (s.format, s.venue) if d)}" for s in sessions]
    text = f"**{course.name}**の会場です。\n{bullet_list(items)}"
    if not any(s.venue for s in sessions):  # no room to go to (e-learning, online): how to take part instead
        text += f"\n{course.how_to_apply}"
    return Reply(text, [_details_button(course)])


def formats(course: Course, sessions: Sequence[Session]) -> Reply:
    """「オンライン？」: the course's format, and each upcoming session's."""
    text = f"**{course.name}**の実施形式は「{course.format}」です。"
    if sessions:
        text += "\n" + bullet_list([f"{session_when(s, short=True)}：{s.format}" for s in sessions])
    return Reply(text, [_details_button(course)])


def seats(course: Course, cohort: Cohort | None, office: Contact) -> Reply:
    """「定員は？」: the open cohort's seats; other courses have none in the catalogue."""
    if cohort:
        return Reply(
            f"**{course.name}** {cohort.name}の定員は{cohort.seats}名です"
            f"（登録締切：{format_date(cohort.apply_until)}）。定員を超えた登録はキャンセル待ちになります。"
        )
    return Reply(
        f"**{course.name}**の定員はこのアシスタントに登録されていません。{contact_line(office)}へお問い合わせください。",
        [_details_button(course)],
    )


def hours(course: Course, phases: Sequence[Phase]) -> Reply:
    """「何時間？」: the course's length, and each phase's."""
    text = f"**{course.name}**の所要時間は{course.hours}です。"
    if phases:
        text += "\n" + bullet_list([f"{p.name}（{p.months}）：{p.hours}" for p in phases])
    return Reply(text, [_details_button(course)])


def how_to_apply(course: Course, cohort: Cohort | None) -> Reply:
    """「参加するには？」「申込は必要？」"""
    text = f"**{course.name}**の参加方法：{course.how_to_apply}"
    buttons = [_schedule_button(course)]
    if cohort:
        text += f"\n{cohort.name}の登録締切は{format_date(cohort.apply_until)}です。"
        buttons.insert(0, button("応募する", "register_interest", course=course.id))
    return Reply(text, buttons)


def course_details(
    course: Course, phases: Sequence[Phase], next_session: Session | None, cohort: Cohort | None
) -> Reply:
    """Summary, target, format, hours, how to apply, curriculum and the next date or cohort."""
    facts = [["対象", course.target], ["形式", course.format], ["時間", course.hours]]
    if cohort:
        facts.append(["定員", f"{cohort.seats}名（{cohort.name}）"])
        facts.append(["登録締切", format_date(cohort.apply_until)])
    facts.append(["申込方法", course.how_to_apply])
    lines = [f"**{course.name}**", course.summary, ""]
    lines += [f"- {label}：{value}" for label, value in facts]
    sections = []
    if phases:
        items = [f"{p.months}（{p.hours}）{p.name}：{p.content}" for p in phases]
        lines += ["", "**カリキュラム**", bullet_list(items)]
        sections.append({"heading": "カリキュラム", "items": items})
    if next_session:
        lines.append(f"\n次回は{session_when(next_session)}です。")
    if course.schedule_note:
        lines.append(course.schedule_note)
    if cohort:
        lines.append(f"\n{cohort.name}（{cohort_period(cohort)}）。{cohort.guidance}")
    buttons = [_schedule_button(course)]
    if cohort:
        buttons.insert(0, button("応募する", "register_interest", course=course.id))
    # the card shows what the text says, the next date included (Teams renders the card, not the text)
    card_facts = facts + ([["次回", session_when(next_session)]] if next_session else [])
    if cohort:
        card_facts.append(["実施期間", cohort_period(cohort)])
    return Reply(
        "\n".join(lines), buttons, card(course.name, subtitle=course.summary, facts=card_facts, sections=sections)
    )


def phase(course: Course, part: Phase, asks: Sequence[str], cohort: Cohort | None) -> Reply:
    """「演習は何月？」「課題解決プロジェクトは何時間？」: one phase of a course's curriculum."""
    year = f"（{cohort.name}は{cohort.starts.year}年）" if cohort else ""
    text = f"**{course.name}**の「{part.name}」は**{part.months}**{year}、{part.hours}です。\n内容：{part.content}"
    return Reply(text, [_details_button(course)])


def which_course(courses: Sequence[Course], intent: str = "ask_course_details") -> Reply:
    """Ask for the course, offering every course as a button."""
    return Reply(
        "どの研修についてお調べしますか？研修名を教えてください（例：RPA研修、AI勉強会、リーダー研修）。",
        [button(c.name, intent, course=c.id) for c in courses],
    )


def by_length(ranked: Sequence[tuple[Course, float]], longest: bool) -> Reply:
    """「一番短い研修は？」: the course at the end asked for, and the next two after it."""
    word = "長い" if longest else "短い"
    first, hours = ranked[0]
    items = [f"{course.name}（{course.hours}）" for course, _ in ranked[:3]]
    text = f"所要時間がいちばん{word}のは**{first.name}**（{first.hours}）です。\n{word}順：\n{bullet_list(items)}"
    return Reply(
        text,
        [_details_button(first)],
        card(f"所要時間が{word}研修", sections=[{"heading": f"{word}順", "items": items}]),
    )

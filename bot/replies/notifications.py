"""Messages Manabi sends first: a waitlist promotion, an office announcement, a reminder, a reminder that
followed or left the catalogue. Pure functions: catalogue rows in, a :class:`Reply` (text and card) out.

Each text reads well alone (channels without cards); the card carries the same facts.
"""

from __future__ import annotations

import datetime as dt

from bot.catalogue.rows import Cohort, Contact, Course, Session
from bot.dates import format_date, format_year_month
from bot.registrations.model import Registration
from bot.replies.base import Reply, bullet_list, button, card, contact_line, session_when
from bot.replies.registration import CohortView, cohort_title

REMINDER_HINT = "設定中のリマインドは「リマインド一覧」で確認でき、「リマインドを取り消して」で取り消せます。"


def office_note(office: Contact) -> str:
    """「ご不明な点はデジタル行政戦略課（内線 2345、平日 8:30〜17:15）へお問い合わせください。」"""
    hours = f"、{office.hours}" if office.hours else ""
    return f"ご不明な点は{office.name}（内線 {office.extension}{hours}）へお問い合わせください。"


def lead_phrase(lead_days: int) -> str:
    """0 → 当日, 1 → 前日, 7 → 1週間前, 3 → 3日前."""
    if lead_days == 0:
        return "当日"
    if lead_days == 1:
        return "前日"
    if lead_days % 7 == 0:
        return f"{lead_days // 7}週間前"
    return f"{lead_days}日前"


def _period(cohort: Cohort) -> str:
    return f"{format_year_month(cohort.starts.strftime('%Y-%m'))}〜{format_year_month(cohort.ends.strftime('%Y-%m'))}"


# --- the waitlist ---------------------------------------------------------------------------------------
PROMOTION_NEXT = (
    "受講に向けた詳しいご案内（日程・事前の準備など）は、開始前に事務局からお送りします。",
    "参加できなくなったときは、このチャットで「申込を取り消したい」と送ってください。次の方に繰り上がります。",
    "登録内容は「申込状況を教えて」でいつでも確認できます。",
)


def promotion(view: CohortView, registration: Registration, office: Contact) -> Reply:
    """The first person on the waitlist got a seat: cohort, new status, what to do next, whom to ask."""
    _, cohort = view
    title = cohort_title(view)
    text = (
        f"**{title}**の受講希望について、キャンセル待ちから繰り上がり、**受付済**になりました"
        f"（受付番号 {registration.receipt_number}、実施期間 {_period(cohort)}）。\n"
        f"これからの流れ:\n{bullet_list(PROMOTION_NEXT)}\n{office_note(office)}"
    )
    return Reply(
        text,
        card=card(
            "キャンセル待ちから繰り上がりました",
            subtitle=title,
            facts=[["新しい状況", "受付済"], ["受付番号", registration.receipt_number], ["実施期間", _period(cohort)]],
            sections=[{"heading": "これからの流れ", "items": list(PROMOTION_NEXT)}],
            note=office_note(office),
        ),
    )


# --- announcements --------------------------------------------------------------------------------------
def announcement(view: CohortView | None, cohort_id: str, text: str, office: Contact) -> Reply:
    """The office's announcement to a cohort's applicants, as written (plain text)."""
    title = cohort_title(view) if view else cohort_id
    heading = f"{title}のお知らせ"
    return Reply(
        f"**{heading}**（{office.name}から）\n{text}\n{office_note(office)}",
        card=card(heading, subtitle=f"{office.name}から", sections=[{"text": text}], note=office_note(office)),
    )


# --- reminders ------------------------------------------------------------------------------------------
def session_reminder(session: Session, lead_days: int, today: dt.date) -> Reply:
    """「RPA研修は明日です」: the session as the catalogue has it now."""
    days = (session.starts_on - today).days
    when = "本日" if days == 0 else "明日" if days == 1 else f"{days}日後"
    details = [["日時", session_when(session)], ["形式", session.format]]
    if session.venue:
        details.append(["会場", session.venue])
    lines = [f"**{session.course_name}**は{when}です（{session_when(session)}）。"]
    lines += [f"{name}：{value}" for name, value in details[1:]]
    if session.note:
        lines.append(f"※{session.note}")
    lines.append(f"（{lead_phrase(lead_days)}にお知らせするよう承っていました。{REMINDER_HINT}）")
    return Reply(
        "\n".join(lines),
        card=card(
            f"リマインド：{session.course_name}",
            subtitle=f"{when}の開催です",
            facts=details,
            sections=[{"text": f"※{session.note}"}] if session.note else None,
            note=f"{lead_phrase(lead_days)}にお知らせするよう承っていました。{REMINDER_HINT}",
        ),
    )


def deadline_reminder(view: CohortView, deadline: dt.date, lead_days: int, today: dt.date) -> Reply:
    """The cohort's registration deadline is near; a button starts the registration."""
    course, cohort = view
    days = (deadline - today).days
    left = "本日" if days == 0 else "明日" if days == 1 else f"あと{days}日（{format_date(deadline)}）"
    title = cohort_title(view)
    text = (
        f"**{title}**の受講希望の締め切りは{left}です（{format_date(deadline)}まで受付）。"
        f"応募するときは、このチャットで「{course.name}に応募したい」と送ってください。\n"
        f"（{lead_phrase(lead_days)}にお知らせするよう承っていました。{REMINDER_HINT}）"
    )
    return Reply(
        text,
        [button("応募する", "register_interest", cohort=cohort.id)],
        card(
            "リマインド：受講希望の締め切り",
            subtitle=title,
            facts=[["締め切り", format_date(deadline)], ["残り", "本日まで" if days == 0 else f"{days}日"]],
            note=f"{lead_phrase(lead_days)}にお知らせするよう承っていました。{REMINDER_HINT}",
        ),
    )


def reminder_moved(what: str, old: dt.date, new: dt.date, due: dt.datetime) -> Reply:
    """The office moved the session (or the deadline): the reminder follows it."""
    return Reply(
        f"ご依頼のリマインドについてのお知らせです。{what}が{format_date(old)}から**{format_date(new)}**に変わりました。"
        f"リマインドは新しい日程に合わせて{format_date(due.date())} {due:%H:%M}ごろにお送りします。"
    )


def reminder_withdrawn(what: str, day: dt.date, why: str, office: Contact, course: Course | None = None) -> Reply:
    """The session left the catalogue (or the cohort closed): the reminder is withdrawn."""
    more = f"ほかの日程は「{course.name}はいつ？」でご確認いただけます。" if course else ""
    return Reply(
        f"ご依頼のリマインド（{what}、{format_date(day)}）は、{why}ため取り消しました。{more}"
        f"ご不明な点は{contact_line(office)}へお問い合わせください。"
    )

"""Answers about the reminders staff ask for: set, already set, the list, cancelled, and why not.

Pure functions: titles, moments and catalogue rows in, a :class:`Reply` out. A *title* names what a
reminder is for (:func:`session_title`, :func:`deadline_title`); the moment is when it will be sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.catalogue.rows import Cohort, Contact, Course, Session
from bot.dates import format_date, format_short_date
from bot.replies.base import Reply, bullet_list, contact_line, session_when
from bot.replies.notifications import lead_phrase
from bot.replies.registration import CohortView, cohort_title

CANCEL_HINT = "取り消すときは「リマインドを取り消して」、確認は「リマインド一覧」と送ってください。"
EXAMPLES = "例:「RPA研修の前日に教えて」「AI勉強会の3日前に通知して」「締め切りの1週間前にリマインドして」"


def session_title(session: Session) -> str:
    """「RPA活用研修（12月16日（水） 10:00〜）」"""
    start = f" {session.start_time}〜" if session.start_time else ""
    return f"{session.course_name}（{format_short_date(session.starts_on)}{start}）"


def deadline_title(view: CohortView, deadline: dt.date) -> str:
    """「デジタル行政推進リーダー育成研修 第7期（令和9年度）の受講希望の締め切り（3月31日（水））」"""
    return f"{cohort_title(view)}の受講希望の締め切り（{format_short_date(deadline)}）"


def when_sent(moment: dt.datetime) -> str:
    """「12月15日（火） 9:00ごろ」"""
    return f"{format_short_date(moment.date())} {moment.hour}:{moment.minute:02d}ごろ"


def _web_note(channel: str | None) -> str:
    return "\nWebチャットでは、お知らせの時刻のあとにこのページを開いたときに表示します。" if channel == "web" else ""


def reminder_set(items: Sequence[tuple[str, int, dt.datetime, bool]], channel: str | None = None) -> Reply:
    """Each (title, days before, when it will be sent, newly set); one asked for twice is set already."""
    lines = []
    for title, lead_days, moment, new in items:
        if new:
            lines.append(f"承知しました。**{title}**の{lead_phrase(lead_days)}、{when_sent(moment)}にお知らせします。")
        else:
            lines.append(f"**{title}**のリマインドはすでに承っています（{when_sent(moment)}にお知らせします）。")
    return Reply("\n".join(lines) + f"\n{CANCEL_HINT}" + _web_note(channel))


def reminder_list(items: Sequence[tuple[str, dt.datetime]]) -> Reply:
    if not items:
        return Reply(f"設定中のリマインドはありません。研修や締め切りの前にお知らせできます。\n{EXAMPLES}")
    lines = [f"{title}：{when_sent(moment)}にお知らせ" for title, moment in items]
    return Reply(f"設定中のリマインドです（{len(items)}件）。\n{bullet_list(lines)}\n{CANCEL_HINT}")


def cancelled(titles: Sequence[str]) -> Reply:
    return Reply(f"次のリマインドを取り消しました。\n{bullet_list(titles)}")


def nothing_to_cancel() -> Reply:
    return Reply(f"取り消すリマインドはありません（設定中のものはありません）。\n{EXAMPLES}")


def which_to_cancel(items: Sequence[tuple[str, dt.datetime]]) -> Reply:
    lines = [f"{title}：{when_sent(moment)}にお知らせ" for title, moment in items]
    return Reply(
        f"設定中のリマインドが{len(items)}件あります。どれを取り消しますか？\n{bullet_list(lines)}\n"
        "「RPA研修のリマインドを取り消して」のように研修名を添えるか、「リマインドを全部取り消して」と送ってください。"
    )


def none_matching(what: str, items: Sequence[tuple[str, dt.datetime]]) -> Reply:
    rest = reminder_list(items).text if items else "設定中のリマインドはありません。"
    return Reply(f"{what}のリマインドは設定されていません。\n{rest}")


def which_reminder() -> Reply:
    return Reply(f"何についてお知らせしましょうか？研修名や締め切りを添えて送ってください。\n{EXAMPLES}")


def no_upcoming_session(course: Course) -> Reply:
    return Reply(
        f"**{course.name}**は、今後の開催予定がカタログにありません。日程が決まりましたら改めてお試しください。"
    )


def not_dated(course: Course, session: Session | None) -> Reply:
    period = f"（{session_when(session)}）" if session else ""
    return Reply(f"**{course.name}**は期間中いつでも受講できる研修{period}のため、開催日の前のお知らせはできません。")


def none_in_period(course: Course, label: str, upcoming: Sequence[Session]) -> Reply:
    others = bullet_list([session_when(s) for s in upcoming[:3]])
    more = f"\n今後の開催日:\n{others}" if upcoming else ""
    return Reply(f"{label}に**{course.name}**の開催はありません。{more}")


def too_late(title: str, lead_days: int, moment: dt.datetime) -> Reply:
    return Reply(
        f"**{title}**の{lead_phrase(lead_days)}のお知らせの時刻（{when_sent(moment)}）はすでに過ぎているため、"
        "リマインドは設定しませんでした。"
    )


def no_deadline(course: Course) -> Reply:
    return Reply(
        f"**{course.name}**には受講希望の締め切りがありません（参加方法: {course.how_to_apply}）。"
        f"開催日の前にお知らせすることはできます（「{course.name}の前日に教えて」）。"
    )


def sessionless_programme(course: Course, cohort: Cohort | None) -> Reply:
    """The leader programme runs for months: no single day to remind of, but its deadline."""
    deadline = (
        f"{cohort.name}の受講希望の締め切り（{format_date(cohort.apply_until)}）の前にお知らせすることはできます"
        "（「締め切りの1週間前に教えて」）。"
        if cohort
        else ""
    )
    return Reply(f"**{course.name}**は日ごとの開催ではないため、開催日の前のお知らせはできません。{deadline}")


def which_cohort(views: Sequence[CohortView]) -> Reply:
    items = [f"{cohort_title(v)}：{format_date(v[1].apply_until)}締め切り" for v in views]
    return Reply(
        "どの期の締め切りについてお知らせしましょうか？\n" + bullet_list(items) + "\n期の名前を添えて送ってください。"
    )


def cohort_closed(cohort: Cohort) -> Reply:
    return Reply(
        f"{cohort.course_name} {cohort.name}は受講希望の受付を終了しているため、締め切りのお知らせはできません。"
    )


def subsidy_deadline() -> Reply:
    return Reply(
        "受験料補助の申請期限は合格した日から数えるため、こちらからお知らせすることはできません。"
        "期限は「補助の申請期限は？」でご確認いただけます。"
    )


def no_open_cohort(office: Contact) -> Reply:
    return Reply(
        "いま受講希望を受け付けている期はないため、締め切りのお知らせはできません。"
        f"次の募集については{contact_line(office)}へお問い合わせください。"
    )


def not_reachable() -> Reply:
    return Reply(
        "このチャットからはお知らせをお送りできません。"
        "リマインドは Teams か Web チャット（/chat）でお申し付けください。"
    )

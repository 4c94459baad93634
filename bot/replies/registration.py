"""Answers about registering interest in a cohort: questions, summary, results, status lists.

Pure functions: rows and :class:`bot.registrations.model.Registration` in, :class:`Reply` out.
A "cohort view" is the pair (course, cohort); the cohort carries the effective deadline (an
office extension included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from bot.catalogue.rows import Cohort, Contact, Course
from bot.dates import format_date, reiwa_fiscal_year_label
from bot.registrations.fields import MOTIVATION_MAX_CHARS, MOTIVATION_MIN_CHARS, StaffNumberFormat
from bot.registrations.model import CONFIRMED, RECOMMENDATION_LABELS, Registration
from bot.replies.base import Reply, bullet_list, button, contact_line

Answers = dict[str, Any]  # the form's answers by field name
CohortView = tuple[Course, Cohort]

YES_NO = [button("はい", "affirm"), button("いいえ", "deny")]
STOP_HINT = "途中でやめるときは「やめる」と送ってください。"


def cohort_title(view: CohortView) -> str:
    """デジタル行政推進リーダー育成研修 第7期（令和9年度）"""
    course, cohort = view
    return f"{course.name} {cohort.name}（{reiwa_fiscal_year_label(cohort.fiscal_year)}）"


def _deadline(cohort: Cohort) -> str:
    return format_date(cohort.apply_until)


def _stamp_date(value: str) -> str:
    return format_date(dt.datetime.fromisoformat(value).date())


# --- choosing the cohort --------------------------------------------------------------------
def ask_cohort(options: Sequence[CohortView]) -> Reply:
    """Which open cohort? One button per cohort."""
    items = [f"{cohort_title(v)}：{_deadline(v[1])}まで受付（定員{v[1].seats}名）" for v in options]
    return Reply(
        "どの期に応募しますか？現在受付中の期です。\n" + bullet_list(items),
        [button(cohort_title(v), "inform", cohort=v[1].id) for v in options],
    )


def not_a_cohort() -> str:
    return "受付中の期の中からお選びください。"


def no_open_cohort(office: Contact) -> Reply:
    return Reply(
        "現在、受講希望を受け付けている期はありません。次の募集が決まり次第、ご案内します。"
        f"ご不明な点は{contact_line(office)}へお問い合わせください。"
    )


def not_taken_here(course: Course) -> Reply:
    """A course without cohorts (sessions anyone can join, or applied for elsewhere)."""
    return Reply(
        f"{course.name}は、このアシスタントで受講希望を登録する研修ではありません。\n参加方法：{course.how_to_apply}",
        [button("日程を見る", "ask_schedule", course=course.id)],
    )


def cohort_intro(view: CohortView, confirmed: int) -> Reply:
    """The cohort chosen: deadline, seats, the programme's guidance (never a condition)."""
    course, cohort = view
    seats = cohort.seats
    lines = [f"**{cohort_title(view)}**の受講希望を登録します（締切：{_deadline(cohort)}、定員{seats}名）。"]
    if confirmed >= seats:
        lines.append("現在定員に達しているため、キャンセル待ちでの登録になります。")
    if cohort.guidance:
        lines.append(f"応募の目安：{cohort.guidance}")
    lines.append(f"いくつか質問します。{STOP_HINT}")
    return Reply("\n".join(lines))


def closed(view: CohortView, reason: str, office: Contact, alternatives: Sequence[CohortView] = ()) -> Reply:
    """The cohort takes no registrations: say why, name the office, offer the open ones."""
    _, cohort = view
    if reason == "deadline_passed":
        opening = f"{cohort_title(view)}の受講希望の受付は{_deadline(cohort)}で締め切りました。"
    else:
        opening = f"{cohort_title(view)}は現在、受講希望の登録を受け付けていません。"
    lines = [opening, f"登録は行っていません。ご事情がある場合は{contact_line(office)}へお問い合わせください。"]
    if alternatives:
        lines.append("受付中の期：" + "、".join(cohort_title(v) for v in alternatives))
    buttons = [button(f"{cohort_title(v)}に応募", "register_interest", cohort=v[1].id) for v in alternatives]
    return Reply("\n".join(lines), buttons)


def already_registered(view: CohortView, registration: Registration) -> Reply:
    return Reply(
        f"{cohort_title(view)}には、すでに登録されています（状態：**{registration.status_label}**、"
        f"受付番号 {registration.receipt_number}、{_stamp_date(registration.registered_at)}登録）。\n"
        "取り消す場合は「申込を取り消したい」と送ってください。"
    )


# --- the questions --------------------------------------------------------------------------
def ask_staff_number(fmt: StaffNumberFormat) -> Reply:
    return Reply(f"職員番号を教えてください（{fmt.hint}）。")


def ask_recommendation() -> Reply:
    return Reply(
        "推薦区分を教えてください。ご自身での応募（自薦）ですか、所属長の推薦ですか？",
        [button(label, "inform", recommendation=value) for value, label in RECOMMENDATION_LABELS.items()],
    )


def ask_motivation() -> Reply:
    return Reply(
        f"志望動機を{MOTIVATION_MIN_CHARS}〜{MOTIVATION_MAX_CHARS}文字で教えてください"
        "（例：窓口の手続きをオンライン化して、待ち時間を減らしたい）。"
    )


def staff_number_taken(office: Contact) -> Reply:
    """The 職員番号 cannot be used for this registration; says nothing about whose it is or why."""
    return Reply(
        "申し訳ありません、この内容では登録を完了できませんでした（何も保存していません）。"
        "職員番号をもう一度ご確認のうえ、「応募したい」と送ってお申し込みください。"
        f"番号に誤りがない場合は、お手数ですが{contact_line(office)}へご連絡ください。"
    )


def invalid(problem: str) -> Reply:
    return Reply(f"すみません、{problem}")


# --- summary and result ---------------------------------------------------------------------
def answer_facts(view: CohortView, answers: Answers) -> list[list[str]]:
    """The answers as (label, value) rows, in the order they were asked."""
    recommendation = RECOMMENDATION_LABELS.get(answers.get("recommendation") or "", "")
    if answers.get("recommendation") == "manager" and answers.get("manager_name"):
        recommendation += f"（推薦者：{answers['manager_name']}）"
    return [
        ["研修", cohort_title(view)],
        ["氏名", answers.get("name") or ""],
        ["所属", answers.get("department") or ""],
        ["職員番号", answers.get("staff_number") or ""],
        ["推薦区分", recommendation],
        ["志望動機", answers.get("motivation") or ""],
    ]


def summary(view: CohortView, answers: Answers) -> Reply:
    """Everything that will be stored, and an explicit yes/no."""
    facts = answer_facts(view, answers)
    text = (
        "次の内容で登録します。よろしいですか？\n"
        + "\n".join(f"- {label}：{value}" for label, value in facts)
        + "\n（「はい」で登録、「いいえ」で登録せずに終了します）"
    )
    card = {
        "title": "受講希望の登録内容",
        "subtitle": cohort_title(view),
        "facts": facts[1:],
        "note": "この内容で登録してよろしいですか？",
    }
    return Reply(text, list(YES_NO), card)


def confirm_expected() -> str:
    return "「はい」（登録する）か「いいえ」（登録しない）でお答えください。"


def registered(view: CohortView, registration: Registration, office: Contact) -> Reply:
    number = f"受付番号 {registration.receipt_number}"
    if registration.status == CONFIRMED:
        text = (
            f"{cohort_title(view)}の受講希望を登録しました。**受付済**です（{number}）。\n"
            f"今後のご案内は{contact_line(office)}からお送りします。"
        )
    else:
        text = (
            f"定員に達しているため、{cohort_title(view)}に**{registration.status_label}**で登録しました（{number}）。\n"
            "取り消しが出た場合は、順番に繰り上がります。"
        )
    text += "\n申込状況は「申込状況を教えて」でいつでも確認できます。"
    card = {
        "title": "受講希望を登録しました",
        "facts": [
            ["研修", cohort_title(view)],
            ["状態", registration.status_label],
            ["受付番号", registration.receipt_number],
        ],
    }
    return Reply(text, card=card)


def not_registered() -> Reply:
    return Reply(
        "登録は取りやめました（何も保存していません）。内容を変えて申し込む場合は、もう一度「応募したい」と送ってください。"
    )


def stopped(what: str = "登録") -> Reply:
    return Reply(f"承知しました。{what}を取りやめました（何も保存していません）。ほかにご質問があればどうぞ。")


# --- my registrations and cancelling --------------------------------------------------------
def registration_line(view: CohortView, registration: Registration) -> str:
    when = _stamp_date(registration.cancelled_at or registration.registered_at)
    action = "取消" if registration.cancelled_at and not registration.is_active else "登録"
    return (
        f"{cohort_title(view)}：**{registration.status_label}**"
        f"（受付番号 {registration.receipt_number}、{when}{action}）"
    )


def registration_list(items: Sequence[tuple[CohortView, Registration]]) -> Reply:
    if not items:
        return Reply("現在、登録されている申込はありません。「リーダー研修に応募したい」のように送ると登録できます。")
    lines = [registration_line(view, r) for view, r in items]
    buttons = [button("申込を取り消す", "cancel_registration")] if any(r.is_active for _, r in items) else []
    card = {
        "title": "申込状況",
        "facts": [[cohort_title(v), f"{r.status_label}（{r.receipt_number}）"] for v, r in items],
    }
    return Reply("申込状況です。\n" + bullet_list(lines), buttons, card)


def nothing_to_cancel() -> Reply:
    return Reply(
        "登録されている申込がないため、取り消せるものはありません。申込状況は「申込状況を教えて」で確認できます。"
    )


def ask_cancel_target(items: Sequence[tuple[CohortView, Registration]]) -> Reply:
    return Reply(
        "どの申込を取り消しますか？\n" + bullet_list([registration_line(v, r) for v, r in items]),
        [button(cohort_title(v), "inform", cohort=r.cohort_id) for v, r in items],
    )


def not_a_cancel_target() -> str:
    return "取り消す申込を、次の中からお選びください。"


def confirm_cancel(view: CohortView, registration: Registration) -> Reply:
    text = (
        f"{cohort_title(view)}（{registration.status_label}、受付番号 {registration.receipt_number}）の"
        "申込を取り消します。よろしいですか？\n取り消したあとで改めて登録すると、その時点での受付順になります。"
    )
    return Reply(text, list(YES_NO))


def cancel_confirm_expected() -> str:
    return "「はい」（取り消す）か「いいえ」（取り消さない）でお答えください。"


def cancelled(view: CohortView) -> Reply:
    return Reply(f"{cohort_title(view)}の申込を取り消しました。ご連絡ありがとうございました。")


def cancel_kept() -> Reply:
    return Reply("取り消しは行いませんでした。申込はそのままです。")


def already_cancelled(view: CohortView) -> Reply:
    return Reply(f"{cohort_title(view)}の申込は、すでに取り消されています。")


def missing_answers(office: Contact, missing: list[str] | None = None) -> Reply:
    detail = f"（{'、'.join(missing)}）" if missing else ""
    return Reply(
        f"申し訳ありません、登録に必要な情報がそろっていませんでした{detail}。"
        f"もう一度「応募したい」と送るか、{contact_line(office)}へお問い合わせください。"
    )


def apply_here(view: CohortView | None, how: str) -> Reply:
    """「このチャットから応募できる？」: yes, and the form is one button away."""
    if view is None:
        return Reply(f"このチャットから受講希望を登録できますが、現在受付中の期はありません。{how}")
    course, cohort = view
    return Reply(
        f"はい、このチャットから**{cohort_title(view)}**の受講希望を登録できます（締切：{_deadline(cohort)}）。"
        "お名前・所属・職員番号・推薦区分・志望動機を順にお聞きします。登録を始めますか？",
        [button("応募する", "register_interest", course=course.id), button("やめておく", "deny")],
    )

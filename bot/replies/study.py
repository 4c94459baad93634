"""Study tips: per exam, advice for any exam, and where to study together.

Pure functions: catalogue rows in, :class:`Reply` out.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalogue.rows import Course, Exam, Session, StudyAdvice, StudyTips
from bot.replies.base import Reply, bullet_list, button, card, session_when


def study_tips(exam: Exam, tips: StudyTips | None, course: Course | None, next_session: Session | None) -> Reply:
    if tips is None:
        return Reply(f"{exam.name}の勉強法はまだ登録されていません。デジタル行政戦略課へお問い合わせください。")
    lines = [
        f"**{exam.name}**の勉強法です。",
        f"**学習時間の目安**：{tips.hours}",
        f"**おすすめの教材**\n{bullet_list(tips.materials)}",
        f"**アドバイス**\n{bullet_list(tips.advice)}",
    ]
    sections = [
        {"heading": "おすすめの教材", "items": list(tips.materials)},
        {"heading": "アドバイス", "items": list(tips.advice)},
    ]
    buttons = [button("補助額を見る", "ask_subsidy_amount", exam=exam.id)]
    if course:
        when = f"次回は{session_when(next_session)}です。" if next_session else ""
        lines.append(f"庁内の**{course.name}**もおすすめです。{when}")
        buttons.insert(0, button(f"{course.name}の日程", "ask_schedule", course=course.id))
    facts = [["学習時間の目安", tips.hours]]
    return Reply("\n".join(lines), buttons, card(f"{exam.name}の勉強法", facts=facts, sections=sections))


def study_hours(exam: Exam, tips: StudyTips | None) -> Reply:
    """「何時間くらい勉強すればいい？」"""
    if tips is None:
        return Reply(f"{exam.name}の学習時間の目安はまだ登録されていません。")
    return Reply(
        f"**{exam.name}**の学習時間の目安は、{tips.hours}です。",
        [button("勉強法を見る", "ask_study_tips", exam=exam.id)],
    )


def general_advice(advice: Sequence[StudyAdvice], exams: Sequence[Exam]) -> Reply:
    """Advice for any exam (the most fitting first), and the exams we have tips for."""
    lines = []
    for item in advice:
        lines.append(f"**{item.title}**\n{bullet_list(item.advice)}")
    lines.append("試験名を教えていただければ、試験ごとの学習時間の目安や教材もご案内します。")
    sections = [{"heading": a.title, "items": list(a.advice)} for a in advice]
    return Reply(
        "\n".join(lines),
        [button(f"{e.name}の勉強法", "ask_study_tips", exam=e.id) for e in exams],
        card("勉強のコツ", sections=sections),
    )


def study_group(course: Course, sessions: Sequence[Session], exam: Exam | None) -> Reply:
    """「みんなで勉強する場はある？」: the in-house course that studies together."""
    reason = f"{exam.name}の学習には、" if exam else "一緒に学ぶ場としては、"
    text = f"{reason}庁内の**{course.name}**があります。{course.summary}"
    if sessions:
        text += "\n今後の日程：" + "、".join(session_when(s, short=True) for s in sessions)
    text += f"\n参加方法：{course.how_to_apply}"
    return Reply(text, [button(f"{course.name}の日程", "ask_schedule", course=course.id)])

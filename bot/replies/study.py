"""Study tips per exam, pointing to the in-house course that prepares for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.catalogue.queries import Catalogue
from bot.replies.base import Reply, bullet_list, button, session_when

Row = dict[str, Any]


def study_tips(catalogue: Catalogue, exam: Row, today: dt.date) -> Reply:
    tips = catalogue.study_tips(exam["id"])
    if tips is None:
        return Reply(f"{exam['name']}の勉強法はまだ登録されていません。デジタル行政戦略課へお問い合わせください。")
    lines = [
        f"**{exam['name']}**の勉強法です。",
        f"**学習時間の目安**：{tips['hours']}",
        f"**おすすめの教材**\n{bullet_list(tips['materials'])}",
        f"**アドバイス**\n{bullet_list(tips['advice'])}",
    ]
    sections = [
        {"heading": "おすすめの教材", "items": tips["materials"]},
        {"heading": "アドバイス", "items": tips["advice"]},
    ]
    buttons = [button("補助額を見る", "ask_subsidy_amount", exam=exam["id"])]
    if tips.get("course_id"):
        course = catalogue.course(tips["course_id"])
        upcoming = catalogue.upcoming_sessions(course["id"], today, limit=1)
        when = f"次回は{session_when(upcoming[0])}です。" if upcoming else ""
        lines.append(f"庁内の**{course['name']}**もおすすめです。{when}")
        buttons.insert(0, button(f"{course['name']}の日程", "ask_schedule", course=course["id"]))
    card = {"title": f"{exam['name']}の勉強法", "facts": [["学習時間の目安", tips["hours"]]], "sections": sections}
    return Reply("\n".join(lines), buttons, card)

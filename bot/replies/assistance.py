"""Contact details and the polite "I cannot answer that" reply, both naming the office."""

from __future__ import annotations

from typing import Any

from bot.replies.base import Reply, button, contact_line

Row = dict[str, Any]

EXAMPLES = [
    "RPA研修はいつ？",
    "来月の研修は？",
    "ITパスポートの補助はいくら？",
    "G検定の勉強法は？",
    "リーダー研修に応募したい",
]


def contact(office: Row) -> Reply:
    lines = [f"研修や受験料補助についてのお問い合わせは、**{contact_line(office)}**までお願いします。"]
    if office.get("hours"):
        lines.append(f"受付時間：{office['hours']}")
    if office.get("topics"):
        lines.append(f"担当：{office['topics']}")
    return Reply("\n".join(lines))


def cannot_answer(office: Row, low_confidence: bool, asked_in_english: bool = False) -> Reply:
    opening = (
        "すみません、ご質問の意味をうまく読み取れませんでした。"
        if low_confidence
        else "申し訳ありません、そのご質問はこのアシスタントではお答えできません。"
    )
    if asked_in_english:
        opening = "このアシスタントは日本語でのご質問にお答えします（Please ask in Japanese.）。" + opening
    examples = "、".join(f"「{e}」" for e in EXAMPLES[:3])
    text = (
        f"{opening}\nDX研修の日程、受験料補助、試験の勉強法、リーダー研修の応募についてお答えできます"
        f"（例：{examples}）。\n"
        f"それ以外のことは{contact_line(office)}へお問い合わせください。"
        "いただいたご質問は、今後の改善のため担当課で確認します。"
    )
    return Reply(text)


def is_english(text: str) -> bool:
    """Latin words and no Japanese: 「When is the next RPA training?」."""
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 6 and all(char.isascii() for char in letters)


def answer_not_understood() -> Reply:
    """In a form, an answer that could not be used; the form's question is still open."""
    return Reply(
        "すみません、そのお答えはうまく読み取れませんでした。直前の質問に、ボタンを使うか別の言い方で"
        "お答えください。手続きを中断するときは「やめる」と送ってください。"
    )


def blank_message() -> Reply:
    return Reply("メッセージが空のようです。ご質問をどうぞ（例：「来月の研修は？」）。")


def exam_topics(exam: Row) -> Reply:
    return Reply(
        f"{exam['name']}ですね。どちらをお調べしますか？",
        [
            button("補助額", "ask_subsidy_amount", exam=exam["id"]),
            button("補助の対象か確認", "check_subsidy_eligibility", exam=exam["id"]),
            button("勉強法", "ask_study_tips", exam=exam["id"]),
        ],
    )


def course_topics(course: Row) -> Reply:
    return Reply(
        f"{course['name']}ですね。どちらをお調べしますか？",
        [
            button("日程", "ask_schedule", course=course["id"]),
            button("内容", "ask_course_details", course=course["id"]),
        ],
    )

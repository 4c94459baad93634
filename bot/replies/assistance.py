"""Contact details, small talk that needs data, "did you mean…" suggestions, and the polite
"I cannot answer that" reply, all naming the office."""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalogue.rows import Contact, Course, Exam
from bot.replies.base import Reply, button, contact_line

EXAMPLES = [
    "RPA研修はいつ？",
    "来月の研修は？",
    "受験料の補助はいくら？",
    "G検定の勉強法は？",
    "リーダー研修に応募したい",
]


# The greeting answered in kind (「お疲れさまです」 to 「お疲れさまです」), first match wins; else こんにちは.
GREETINGS = (
    (("お疲れ", "おつかれ", "お疲れ様", "おつ"), "お疲れさまです。"),
    (("おはよう",), "おはようございます。"),
    (("こんばんは", "こんばんわ"), "こんばんは。"),
    (("はじめまして", "初めまして"), "はじめまして。"),
    (("よろしく",), "よろしくお願いします。"),
)


def greeting(text: str) -> Reply:
    """Who Manabi is and what it answers, opened with the greeting the person used."""
    opening = next((reply for words, reply in GREETINGS if any(w in text for w in words)), "こんにちは。")
    return Reply(
        f"{opening}デジタル行政戦略課の「まなびアシスタント」です。\n"
        "DX研修の日程や内容、資格試験の受験料補助、試験の勉強法、リーダー研修への応募についてお答えします。\n"
        "「来月の研修は？」「ITパスポートの補助はいくら？」のように、お気軽に話しかけてください。"
    )


def contact(office: Contact) -> Reply:
    lines = [f"研修や受験料補助についてのお問い合わせは、**{contact_line(office)}**までお願いします。"]
    if office.hours:
        lines.append(f"受付時間：{office.hours}")
    if office.topics:
        lines.append(f"担当：{office.topics}")
    return Reply("\n".join(lines))


def cannot_answer(office: Contact, low_confidence: bool, asked_in_english: bool = False) -> Reply:
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


def suggestions(
    options: Sequence[dict[str, str]],
    office: Contact,
    subject: str = "",
    which: tuple[str, Sequence[str]] | None = None,
) -> Reply:
    """Unsure what is asked: the closest topics as buttons (「もしかして：…」), and the office. ``which``
    (「試験」, its names) when the topic is clear but not the item: which one is asked first."""
    about = f"{subject}について、" if subject else ""
    opening = f"{about}ご質問の内容を絞り込めませんでした。"
    if which:
        kind, names = which
        opening = (
            f"どの{kind}についてのご質問でしょうか？（{'、'.join(names)}）{kind}名を送っていただければお答えします。\n"
        )
    text = (
        f"{opening}もしかして、次のどれかをお調べですか？\n"
        + "\n".join(f"- {o['title']}" for o in options)
        + "\nどれにも当てはまらない場合は、言い方を変えてお聞きいただくか、"
        + f"{contact_line(office)}へお問い合わせください。"
    )
    return Reply(text, list(options))


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


def exam_options(exam: Exam) -> list[dict[str, str]]:
    return [
        button(f"{exam.name}の補助額", "ask_subsidy_amount", exam=exam.id),
        button(f"{exam.name}の補助の対象か確認", "check_subsidy_eligibility", exam=exam.id),
        button(f"{exam.name}の勉強法", "ask_study_tips", exam=exam.id),
    ]


def course_options(course: Course) -> list[dict[str, str]]:
    return [
        button(f"{course.name}の日程", "ask_schedule", course=course.id),
        button(f"{course.name}の内容", "ask_course_details", course=course.id),
    ]


def not_offered_course(name: str, courses: Sequence[Course]) -> Reply:
    """「Python研修はある？」: no such course; say which there are."""
    return Reply(
        f"「{name}」という研修は、現在の研修カタログにはありません。実施している研修は"
        + "、".join(c.name for c in courses)
        + "です。",
        [button("研修の一覧を見る", "list_courses")],
    )


def nothing_to_stop() -> Reply:
    return Reply("いま途中の手続きはありません。ほかにご質問があればどうぞ。")


def stopped() -> Reply:
    return Reply("承知しました。確認を中断しました。ほかにご質問があればどうぞ。")

"""What a channel answers by itself, without Rasa: a message that is too long, and a turn with no answer.

A 9,000-character message (well within Teams' limit) kept the event loop busy in alias matching for
6 s, and a colleague's question sent just after waited as long. No real question is that long, so
the channels (REST and Teams alike) answer a message over ``MANABI_MAX_MESSAGE_CHARS`` (default
2,000) themselves, politely and at once, and never hand it to the NLU. And whatever happens in Rasa,
a person never gets an empty answer: a turn that produced no message gets :func:`no_answer_reply`.
"""

from __future__ import annotations

from bot.settings import load_settings


def max_message_chars() -> int:
    return load_settings().max_message_chars


def is_too_long(text: str, limit: int) -> bool:
    return len(text.strip()) > limit


def too_long_reply(length: int, limit: int) -> str:
    return (
        f"申し訳ありません、メッセージが長すぎるため読み取れませんでした（{length:,}文字）。"
        f"{limit:,}文字以内になるよう、短くするか、いくつかに分けて送ってください。"
    )


def no_answer_reply() -> str:
    return (
        "申し訳ありません、いまはお答えを用意できませんでした。"
        "少し時間をおいて、もう一度送ってください。続く場合は研修の担当課へお問い合わせください。"
    )

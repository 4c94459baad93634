"""``python -m bot privacy purge [--older-than 180d] [--apply]``: delete old conversations and questions.

Without ``--apply`` (or ``--yes``) it only reports what would be deleted. The default age is the
retention setting ``MANABI_RETENTION_DAYS`` (180 days).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.commands.groups import action_group
from bot.privacy.retention import BadAge, Purge, parse_age, purge
from bot.settings import load_settings
from bot.state import db as state
from bot.state.db import Error as DbError


def register(subparsers: Any) -> None:
    settings = load_settings()
    actions = action_group(subparsers, "privacy", "personal data: purge old conversations and questions")
    parser = actions.add_parser("purge", help="delete conversations and unanswered questions older than the retention")
    parser.add_argument(
        "--older-than",
        default=f"{settings.retention_days}d",
        help=f"age, e.g. 180d, 26w (default: MANABI_RETENTION_DAYS = {settings.retention_days}d)",
    )
    parser.add_argument("--apply", "--yes", dest="apply", action="store_true", help="really delete")
    parser.add_argument("--db", type=state.location, default=settings.state_location, help="state database")
    parser.add_argument("--trackers", type=state.location, default=settings.tracker_location, help="Rasa tracker store")
    parser.set_defaults(handler=run_purge)


def run_purge(args: argparse.Namespace) -> int:
    try:
        result = purge(args.db, args.trackers, parse_age(args.older_than), apply=args.apply)
    except BadAge as error:
        print(f"エラー: {error}", file=sys.stderr)
        return 1
    except DbError as error:
        print(f"エラー: データベースを開けません: {error}", file=sys.stderr)
        return 1
    print(report(result))
    if not result.applied:
        print("削除するには --apply を付けて再実行してください。", file=sys.stderr)
    return 0


def report(result: Purge) -> str:
    conversations = (
        "会話ログなし"
        if result.conversations is None
        else f"会話 {result.conversations.senders}件（{result.conversations.events}イベント）"
    )
    questions = "未回答ログなし" if result.questions is None else f"未回答の質問 {result.questions}件"
    if result.notifications is not None:
        questions += f"、送信を終えた通知 {result.notifications}件"
    verb = "削除しました" if result.applied else "削除対象（まだ削除していません）"
    return f"{verb}: {result.cutoff:%Y/%m/%d %H:%M} より前の{conversations}、{questions}"

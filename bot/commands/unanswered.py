"""``python -m bot unanswered export [--format csv|json] [--out PATH] [--since DATE]``: the log of
questions Manabi could not answer (state DB), for the office to review in Excel (sender ids left out).

An error (unwritable path, unreadable database) is one line on stderr and exit status 1, as for the
other office commands.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.commands.common import add_output_options, guarded, iso_date, write_output
from bot.commands.groups import action_group
from bot.registrations import export
from bot.settings import load_settings
from bot.state import db as state
from bot.state.unanswered import list_questions


def register(subparsers: argparse._SubParsersAction) -> None:
    settings = load_settings()
    actions = action_group(subparsers, "unanswered", "the log of questions Manabi could not answer")
    export_parser = actions.add_parser("export", help="export the log")
    export_parser.add_argument("--db", type=Path, default=settings.state_db, help="state database")
    for unused in ("--catalogue", "--trackers"):  # accepted as when it shared the registration options
        export_parser.add_argument(unused, type=Path, help=argparse.SUPPRESS)
    add_output_options(export_parser)
    export_parser.add_argument("--since", type=iso_date, help="only questions asked on or after YYYY-MM-DD")
    export_parser.set_defaults(handler=guarded(run_export))


def run_export(args: argparse.Namespace) -> int:
    conn = state.connect(args.db)
    questions = list_questions(conn, since=args.since)
    data = export.unanswered_csv(questions) if args.format == "csv" else export.unanswered_json(questions)
    write_output(data, args.out, f"未回答の質問 {len(questions)} 件")
    return 0

"""``python -m bot feedback export [--format csv|json] [--rating up|down] [--since DATE] [--out PATH]``."""

from __future__ import annotations

import argparse
from typing import Any

from bot.commands.common import add_output_options, guarded, iso_date, write_output
from bot.commands.groups import action_group
from bot.feedback.export import feedback_csv, feedback_json
from bot.settings import load_settings
from bot.state import db as state
from bot.state.feedback import RATINGS, list_feedback


def register(subparsers: Any) -> None:
    settings = load_settings()
    actions = action_group(subparsers, "feedback", "ratings of answers (👍/👎) given in Teams and the web chat")
    export = actions.add_parser("export", help="export the ratings (CSV for Excel, or JSON)")
    export.add_argument("--db", type=state.location, default=settings.state_location, help="state database")
    add_output_options(export)
    export.add_argument("--rating", choices=RATINGS, help="only 👍 (up) or 👎 (down)")
    export.add_argument("--since", type=iso_date, help="only ratings given on or after YYYY-MM-DD")
    export.set_defaults(handler=guarded(run_export))


def run_export(args: argparse.Namespace) -> int:
    conn = state.connect(args.db)
    rows = list_feedback(conn, rating=args.rating, since=args.since)
    data = feedback_csv(rows) if args.format == "csv" else feedback_json(rows)
    write_output(data, args.out, f"評価 {len(rows)} 件")
    return 0

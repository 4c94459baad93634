"""``python -m bot teams-package``: zip the Teams app package with our app id."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("teams-package", help="build the Microsoft Teams app package (zip)")
    parser.add_argument(
        "--app-id",
        default=os.environ.get("MANABI_TEAMS_APP_ID"),
        help="the bot's Microsoft App ID (default: $MANABI_TEAMS_APP_ID)",
    )
    parser.add_argument("--out", type=Path, default=None, help="output zip (default: teams/build/manabi-teams.zip)")
    parser.add_argument("--bot-domain", default=None, help="the bot's public host name, for validDomains")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.channels.teams.package import build_package

    if not args.app_id:
        print("--app-id (or MANABI_TEAMS_APP_ID) is required", file=sys.stderr)
        return 2
    try:
        path = build_package(args.app_id, args.out, args.bot_domain)
    except (ValueError, OSError) as error:
        print(f"could not build the Teams package: {error}", file=sys.stderr)
        return 1
    print(f"Teams app package: {path}")
    return 0

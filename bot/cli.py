"""``python -m bot …``: the project's command line.

Each capability registers its own subcommands (``register(subparsers)``); this module only wires
them together, so the CLI stays small as the project grows.
"""

from __future__ import annotations

import argparse
import sys

from bot.commands import benchmark as benchmark_commands
from bot.commands import catalogue as catalogue_commands
from bot.commands import chat as chat_commands
from bot.commands import cluster as cluster_commands
from bot.commands import evaluate as evaluate_commands
from bot.commands import servers as server_commands
from bot.commands import teams as teams_commands
from bot.commands import unanswered as unanswered_commands
from bot.feedback import cli as feedback_commands
from bot.notifications import cli as notification_commands
from bot.office import cli as office_commands
from bot.privacy import cli as privacy_commands
from bot.privacy.files import restrict_new_files
from bot.registrations import cli as registration_commands

# Groups in bot/commands/, then those that live with their capability (registrations, feedback,
# the office console, privacy).
COMMAND_MODULES = [
    catalogue_commands,
    server_commands,
    cluster_commands,
    chat_commands,
    teams_commands,
    benchmark_commands,
    evaluate_commands,
    privacy_commands,
    registration_commands,
    unanswered_commands,
    feedback_commands,
    office_commands,
    notification_commands,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Manabi (まなびアシスタント) tools")
    subparsers = parser.add_subparsers(dest="command", metavar="command")
    subparsers.required = True
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    restrict_new_files()  # databases and exports hold personal data: owner only
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args) or 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

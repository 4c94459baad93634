"""``python -m bot catalogue build|check``: build the catalogue database from data/catalogue/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.catalogue.build import build, is_current
from bot.catalogue.sources import SourceError, load_sources
from bot.catalogue.validate import CatalogueInvalid, validate
from bot.commands.groups import action_group
from bot.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    settings = load_settings()
    actions = action_group(subparsers, "catalogue", "build or check the training catalogue")

    build_parser = actions.add_parser("build", help="validate data/catalogue/*.yml and build the SQLite database")
    build_parser.add_argument("--source", type=Path, default=settings.catalogue_dir)
    build_parser.add_argument("--db", type=Path, default=settings.catalogue_db)
    build_parser.add_argument(
        "--if-changed", action="store_true", help="do nothing when the database is already built from these files"
    )
    build_parser.set_defaults(handler=run_build)

    check_parser = actions.add_parser("check", help="only validate the source files")
    check_parser.add_argument("--source", type=Path, default=settings.catalogue_dir)
    check_parser.set_defaults(handler=run_check)


def run_build(args: argparse.Namespace) -> int:
    if args.if_changed and is_current(args.source, args.db):
        print(f"catalogue up to date: {args.db}")
        return 0
    try:
        counts = build(args.source, args.db)
    except (SourceError, CatalogueInvalid) as error:
        return _report(error)
    summary = ", ".join(f"{name} {count}" for name, count in counts.items() if name != "meta")
    print(f"catalogue built: {args.db} ({summary})")
    return 0


def run_check(args: argparse.Namespace) -> int:
    try:
        validate(load_sources(args.source))
    except (SourceError, CatalogueInvalid) as error:
        return _report(error)
    print(f"catalogue OK: {args.source}")
    return 0


def _report(error: Exception) -> int:
    messages = getattr(error, "messages", None) or [str(error)]
    print(f"カタログに {len(messages)} 件の問題があります。修正してから再実行してください:", file=sys.stderr)
    for message in messages:
        print(f"  - {message}", file=sys.stderr)
    return 1

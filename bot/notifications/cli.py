"""Office commands for the messages Manabi sends first, and the delivery worker.

    announce COHORT --text "…" [--status confirmed|waitlisted|all] [--send]
                                  who would get the announcement and how (a dry run); --send queues it
    notifications status          the queue, the worker, people Teams refused, messages given up on
    notifications worker          the delivery worker (make run / make serve start it)

An error is one line on stderr and exit status 1 (bot.commands.common.guarded).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from bot.catalogue.queries import Catalogue
from bot.clock import clock_from_env
from bot.commands.common import CommandError, guarded
from bot.commands.groups import action_group
from bot.notifications import announce, report
from bot.notifications.compose import view_of
from bot.notifications.settings import NotifySettings
from bot.registrations import store
from bot.replies.registration import cohort_title
from bot.safe_text import clean_line
from bot.settings import load_settings
from bot.state import db as state


def register(subparsers: Any) -> None:
    settings = load_settings()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=settings.state_db, help="state database")
    common.add_argument("--catalogue", type=Path, default=settings.catalogue_db, help="built catalogue database")

    parser = subparsers.add_parser(
        "announce", parents=[common], help="a message from the office to a cohort's applicants (dry run unless --send)"
    )
    parser.add_argument("cohort", help="cohort id, e.g. leader-7")
    parser.add_argument("--text", required=True, help="the message, as it will be shown")
    parser.add_argument("--status", choices=sorted(announce.STATUSES), default="all", help="whom (default: all)")
    parser.add_argument("--send", action="store_true", help="really send (without it: who would get it)")
    parser.set_defaults(handler=guarded(run_announce))

    actions = action_group(subparsers, "notifications", "messages Manabi sends first: status, the delivery worker")
    status = actions.add_parser("status", parents=[common], help="the queue, the worker, who cannot be reached")
    status.set_defaults(handler=guarded(run_status))
    worker = actions.add_parser("worker", parents=[common], help="run the delivery worker (Ctrl-C stops)")
    worker.add_argument("--credentials", type=Path, help="credentials file with the Teams block (credentials.yml)")
    worker.set_defaults(handler=run_worker)


def run_announce(args: argparse.Namespace) -> int:
    catalogue, conn = Catalogue(args.catalogue), state.connect(args.db)
    view = view_of(catalogue, args.cohort)
    if view is None and args.cohort not in store.cohort_ids(conn):
        raise CommandError(f"期 '{args.cohort}' はありません（カタログにも登録データにもありません）")
    try:
        text = announce.cleaned(args.text)
        found = announce.recipients(conn, args.cohort, args.status)
        print(f"{cohort_title(view) if view else args.cohort}: 対象 {len(found)}人（{args.status}）")
        for route, count in announce.route_counts(found).items():
            print(f"  {announce.ROUTE_LABELS[route]}: {count}人")
        if not args.send:
            print(f"本文（{len(text)}文字）: {clean_line(text)[:80]}")
            print("送信するには --send を付けて再実行してください。", file=sys.stderr)
            return 0
        actor = f"office:{getpass.getuser()}"
        number, queued = announce.queue(conn, args.cohort, args.status, text, actor, clock_from_env().now())
    except announce.AnnouncementRefused as refused:
        raise CommandError(str(refused)) from None
    print(f"お知らせ #{number} を {queued}人に送信待ちにしました（配信状況: python -m bot notifications status）。")
    return 0


def run_status(args: argparse.Namespace) -> int:
    conn = state.connect(args.db)
    print(report.text_report(report.overview(conn, clock_from_env().now())))
    return 0


def run_worker(args: argparse.Namespace) -> int:
    """The delivery worker in the foreground until SIGTERM/SIGINT (then it finishes what is in flight)."""
    from bot.channels.teams.config import TeamsConfigError
    from bot.channels.teams.proactive import ProactiveSender
    from bot.notifications.worker import DeliveryWorker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = NotifySettings.from_env()
        sender = ProactiveSender.from_credentials_file(args.credentials)
    except (ValueError, TeamsConfigError, OSError) as error:
        print(f"エラー: {error}", file=sys.stderr)
        return 1
    worker = DeliveryWorker(
        args.db,
        args.catalogue,
        sender,
        settings,
        clock_from_env(),
        tenant_id=sender.settings.tenant_id if sender else None,
        service_url=os.environ.get("MANABI_TEAMS_SERVICE_URL") or None,
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await worker.run(stop)

    asyncio.run(main())
    return 0

"""Office commands: ``python -m bot registrations …`` (``unanswered export``: bot/commands/unanswered.py).

    registrations cohorts                          every cohort: status, seats, counts
    registrations list COHORT [--status S]         a cohort's registrations
    registrations export COHORT [--format csv|json] [--out PATH]   (stdout without --out)
    registrations summary COHORT [--json]          seats, registered, waitlisted, by department
    registrations close COHORT [--note TEXT]       stop registrations now
    registrations reopen COHORT [--until DATE]     take registrations again
    registrations audit [COHORT]                   the audit trail
    registrations delete-person (PERSON_ID | --staff-number N) --yes
    registrations delete-cohort COHORT [--keep-conversations] --yes    only a closed cohort

An error (unknown cohort, unwritable path, …) is one line on stderr and exit status 1. Without
``--yes`` the delete commands only say what they would delete. Deleting is one transaction per
database, conversations (tracker DB) first, then the state DB: the registrations are how a person
is found, so a failure in between leaves nothing that cannot be found and deleted by running the
command again. Names are printed without control or bidi characters (bot.safe_text).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.catalogue.queries import Catalogue
from bot.catalogue.rows import Cohort
from bot.clock import clock_from_env
from bot.commands.common import CommandError, add_output_options, guarded, iso_date, write_output
from bot.commands.groups import action_group
from bot.privacy.trackers import Conversations, count_conversations, delete_conversations
from bot.registrations import cohorts, export, store
from bot.registrations.model import ACTIVE_STATUSES, CANCELLED, CONFIRMED, WAITLISTED
from bot.safe_text import clean_line
from bot.settings import load_settings
from bot.state import db as state
from bot.state.db import Connection

STATUS_CHOICES = {
    "all": (CONFIRMED, WAITLISTED, CANCELLED),
    "active": ACTIVE_STATUSES,
    CONFIRMED: (CONFIRMED,),
    WAITLISTED: (WAITLISTED,),
    CANCELLED: (CANCELLED,),
}
REASON_LABELS = {
    cohorts.OPEN: "受付中",
    cohorts.CATALOGUE_CLOSED: "募集停止",
    cohorts.DEADLINE_PASSED: "締切済",
    cohorts.OFFICE_CLOSED: "受付停止（事務局）",
}


# --- wiring ---------------------------------------------------------------------------------
def register(subparsers: Any) -> None:
    settings = load_settings()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", type=state.location, default=settings.state_location, help="state database (registrations)"
    )
    common.add_argument("--catalogue", type=Path, default=settings.catalogue_db, help="built catalogue database")
    common.add_argument(
        "--trackers", type=state.location, default=settings.tracker_location, help="Rasa tracker store (conversations)"
    )

    actions = action_group(subparsers, "registrations", "cohort registrations: list, export, close, delete")

    def add(name: str, handler: Callable, help_text: str, cohort: bool = True) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(name, parents=[common], help=help_text)
        if cohort:
            parser.add_argument("cohort", help="cohort id, e.g. leader-7")
        parser.set_defaults(handler=guarded(handler))
        return parser

    add("cohorts", run_cohorts, "every cohort with its status and counts", cohort=False)
    add("list", run_list, "a cohort's registrations").add_argument(
        "--status", choices=sorted(STATUS_CHOICES), default="all"
    )
    export_parser = add("export", run_export, "export a cohort's registrations (CSV for Excel, or JSON)")
    add_output_options(export_parser)
    add("summary", run_summary, "seats, registered, waitlisted, by department").add_argument(
        "--json", action="store_true"
    )
    add("close", run_close, "stop registrations for a cohort now").add_argument("--note")
    reopen_parser = add("reopen", run_reopen, "take registrations for a cohort again")
    reopen_parser.add_argument("--until", type=iso_date, help="new deadline YYYY-MM-DD (needed after the deadline)")
    reopen_parser.add_argument("--note")
    audit_parser = add("audit", run_audit, "the audit trail of changes", cohort=False)
    audit_parser.add_argument("cohort", nargs="?")
    person = add("delete-person", run_delete_person, "delete everything stored about a person", cohort=False)
    who = person.add_mutually_exclusive_group(required=True)
    who.add_argument("person_id", nargs="?", help="the person id (Teams aadObjectId)")
    who.add_argument("--staff-number", help="find the person by 職員番号")
    person.add_argument("--yes", action="store_true", help="really delete")
    cohort_deletion = add("delete-cohort", run_delete_cohort, "delete a closed cohort's registrations")
    cohort_deletion.add_argument(
        "--keep-conversations", action="store_true", help="keep the applicants' conversations (tracker DB)"
    )
    cohort_deletion.add_argument("--yes", action="store_true", help="really delete")


# --- shared steps ---------------------------------------------------------------------------
def _open(args: argparse.Namespace) -> tuple[Catalogue, Connection]:
    return Catalogue(args.catalogue), state.connect(args.db)


def _open_cohort(args: argparse.Namespace) -> tuple[Catalogue, Connection, dict[str, Any]]:
    """The databases and the cohort ``args.cohort`` names."""
    catalogue, conn = _open(args)
    return catalogue, conn, _cohort(catalogue, conn, args.cohort)


def _cohort(catalogue: Catalogue, conn: Connection, cohort_id: str) -> dict[str, Any]:
    """The catalogue row; a cohort removed from the catalogue but with stored data still works."""
    row = catalogue.cohort(cohort_id)
    if row:
        return _as_dict(row)
    if cohort_id in store.cohort_ids(conn):
        return {"id": cohort_id, "course_id": None, "name": cohort_id, "seats": None, "apply_until": None}
    raise CommandError(f"期 '{cohort_id}' はありません（カタログにも登録データにもありません）")


def _as_dict(cohort: Cohort) -> dict[str, Any]:
    """A catalogue cohort as the plain mapping the exports write (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in dataclasses.asdict(cohort).items()}


def _actor() -> str:
    return f"office:{getpass.getuser()}"


def _today() -> dt.date:
    return clock_from_env().today()


def _title(catalogue: Catalogue, cohort: dict[str, Any]) -> str:
    course = catalogue.course(cohort["course_id"]) if cohort.get("course_id") else None
    return f"{course.name} {cohort['name']}（{cohort['id']}）" if course else cohort["id"]


# --- handlers -------------------------------------------------------------------------------
def run_cohorts(args: argparse.Namespace) -> int:
    catalogue, conn = _open(args)
    for status in cohorts.statuses(catalogue, cohorts.overrides(conn), _today()):
        c, n = _as_dict(status.cohort), store.counts(conn, status.cohort.id)
        print(
            f"{c['id']}\t{_title(catalogue, c)}\t{REASON_LABELS[status.reason]}（締切 {status.deadline:%Y/%m/%d}）"
            f"\t定員 {c['seats']}\t受付済 {n[CONFIRMED]}\tキャンセル待ち {n[WAITLISTED]}"
        )
    return 0


def run_list(args: argparse.Namespace) -> int:
    catalogue, conn, cohort = _open_cohort(args)
    rows = store.for_cohort(conn, cohort["id"], STATUS_CHOICES[args.status])
    print(_title(catalogue, cohort))
    for r in rows:
        print(
            f"{r.receipt_number}\t{r.status_label}\t{clean_line(r.name)}\t{clean_line(r.department)}"
            f"\t{clean_line(r.staff_number)}"
            f"\t{r.recommendation_label}\t{export.excel_date(r.registered_at)}"
        )
    print(f"（{len(rows)}件）")
    return 0


def run_export(args: argparse.Namespace) -> int:
    catalogue, conn, cohort = _open_cohort(args)
    rows = store.for_cohort(conn, cohort["id"])
    data = export.registrations_csv(rows) if args.format == "csv" else export.registrations_json(cohort, rows)
    write_output(data, args.out, f"{cohort['id']} の登録 {len(rows)} 件")
    return 0


def run_summary(args: argparse.Namespace) -> int:
    catalogue, conn, cohort = _open_cohort(args)
    data = export.summary(cohort, store.for_cohort(conn, cohort["id"]))
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(export.summary_text(data, _title(catalogue, cohort)))
    return 0


def run_close(args: argparse.Namespace) -> int:
    catalogue, conn = _open(args)
    cohorts.close(catalogue, conn, args.cohort, actor=_actor(), note=args.note)
    print(f"{args.cohort} の受付を停止しました。")
    return 0


def run_reopen(args: argparse.Namespace) -> int:
    catalogue, conn = _open(args)
    status = cohorts.reopen(catalogue, conn, args.cohort, _today(), actor=_actor(), until=args.until, note=args.note)
    print(f"{args.cohort} の受付を再開しました（締切 {status.deadline:%Y/%m/%d}）。")
    return 0


def run_audit(args: argparse.Namespace) -> int:
    _, conn = _open(args)
    for row in store.audit_trail(conn, cohort_id=args.cohort):
        change = f"{row['old_status'] or '-'} → {row['new_status'] or '-'}"
        print(
            f"{row['at']}\t{row['cohort_id']}\t{row['event']}\t{change}\t#{row['registration_id'] or '-'}"
            f"\t{clean_line(row['actor'])}\t{clean_line(row['detail'])}"
        )
    return 0


def run_delete_person(args: argparse.Namespace) -> int:
    catalogue, conn = _open(args)
    people = _people(conn, args)
    found = [r for person in people for r in store.for_person(conn, person)]
    if not args.yes:
        conversations = count_conversations(args.trackers, people)
        print(
            f"削除対象: {len(people)}人、登録 {len(found)}件、{_conversations(conversations)}"
            + "".join(f"\n  {r.receipt_number} {r.status_label} {clean_line(r.name)}" for r in found)
        )
        print("削除するには --yes を付けて再実行してください。", file=sys.stderr)
        return 1
    conversations = delete_conversations(args.trackers, people)  # first: see the module docstring
    result = store.delete_people(conn, people, _seats_of(catalogue), actor=_actor())
    print(
        f"削除しました: {len(people)}人、登録 {result.registrations}件、未回答ログ {result.unanswered_questions}件、"
        f"評価 {result.feedback}件、通知の記録 {result.notifications}件、{_conversations(conversations)}、"
        f"監査記録の匿名化 {result.audit_rows_anonymised}件、繰り上げ {len(result.promoted)}件"
    )
    return 0


def _conversations(found: Conversations | None) -> str:
    return "会話ログなし" if found is None else f"会話ログ {found.senders}件（{found.events}イベント）"


def _people(conn: Connection, args: argparse.Namespace) -> list[str]:
    if args.person_id:
        return [args.person_id]
    people = store.people_with_staff_number(conn, args.staff_number)
    if not people:
        raise CommandError(f"職員番号 {args.staff_number} の登録はありません")
    return people


def _seats_of(catalogue: Catalogue) -> Callable[[str], int | None]:
    def seats(cohort_id: str) -> int | None:
        row = catalogue.cohort(cohort_id)
        return row.seats if row else None

    return seats


def run_delete_cohort(args: argparse.Namespace) -> int:
    catalogue, conn, cohort = _open_cohort(args)
    gate = _must_be_closed(catalogue, cohort["id"])
    people = [] if args.keep_conversations else store.people_in_cohort(conn, cohort["id"])
    if not args.yes:
        registrations = sum(store.counts(conn, cohort["id"]).values())
        targets = [f"登録 {registrations}件"]
        if not args.keep_conversations:
            targets.append(f"応募者の{_conversations(count_conversations(args.trackers, people))}")
        print(f"{cohort['id']} の{'、'.join(targets)}を削除します。", file=sys.stderr)
        print("削除するには --yes を付けて再実行してください。", file=sys.stderr)
        return 1
    refusal = gate(conn)  # checked again inside the deleting transaction
    if refusal:
        raise store.RegistrationRefused(refusal)
    conversations = None if args.keep_conversations else delete_conversations(args.trackers, people)
    result = store.delete_cohort(conn, cohort["id"], actor=_actor(), gate=gate)
    removed = [f"登録 {result.registrations}件", f"監査記録 {result.audit_rows}件"]
    if result.override:
        removed.append("受付停止・再開の設定")
    if not args.keep_conversations:
        removed.append(f"応募者の{_conversations(conversations)}")
    kept = "（会話ログは残しました）" if args.keep_conversations else ""
    print(f"{cohort['id']} の{'、'.join(removed)}を削除しました{kept}。")
    return 0


def _must_be_closed(catalogue: Catalogue, cohort_id: str) -> store.Gate:
    today = _today()

    def gate(conn: Connection) -> str | None:
        status = cohorts.status_of(catalogue, conn, cohort_id, today)
        if status and status.is_open:
            return f"{cohort_id} はまだ受付中です。先に `registrations close {cohort_id}` で受付を停止してください"
        return None

    return gate

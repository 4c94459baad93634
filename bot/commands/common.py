"""What the office's commands share (registrations, feedback, unanswered, notifications, office).

An expected failure (unknown cohort, unwritable path, unreadable database, …) is one line on stderr
and exit status 1 (:func:`guarded`); an export goes to standard output or, with ``--out``, to a file
written atomically (:func:`add_output_options`, :func:`write_output`); dates are ``YYYY-MM-DD``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path

from bot.catalogue.queries import CatalogueMissing
from bot.registrations import cohorts, export, store
from bot.state.db import Error as DbError


class CommandError(RuntimeError):
    """A problem to report to the office in one line."""


def guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn expected failures into one line on stderr and exit status 1."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except (CommandError, cohorts.CohortError, store.RegistrationRefused, CatalogueMissing) as error:
            message = str(error)
        except OSError as error:
            message = f"書き込み・読み込みができません: {error.filename or ''}（{error.strerror or error}）"
        except DbError as error:
            message = f"状態データベースを開けません: {error}"
        print(f"エラー: {message}", file=sys.stderr)
        return 1

    return run


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--format csv|json`` and ``--out PATH`` of an export."""
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--out", "-o", type=Path, help="output file (default: standard output)")


def iso_date(value: str) -> dt.date:
    """An argument's ``YYYY-MM-DD`` (argparse ``type=``)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日付は YYYY-MM-DD で指定してください: {value}") from None


def write_output(data: bytes, out: Path | None, what: str) -> None:
    """An export to standard output (no ``--out``, or ``-``) or atomically to the file ``out``."""
    if out is None or str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        export.write_atomically(out, data)
    except OSError as error:
        raise CommandError(f"書き出せません: {out}（{error.strerror or error}）") from None
    print(f"{what}を書き出しました: {out}", file=sys.stderr)

"""Office console commands: ``python -m bot office add-user|disable-user|users|serve``.

office add-user NAME [--password-stdin]   create a user, or set a new password (asked twice)
office disable-user NAME                  stop a user from logging in (ends their sessions)
office users                              the users and their last login
office serve                              the console alone on MANABI_OFFICE_HOST:MANABI_OFFICE_PORT
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from typing import Any

from bot.commands.common import CommandError, guarded
from bot.commands.groups import action_group
from bot.office import passwords
from bot.office.config import OfficeSettings
from bot.settings import load_settings
from bot.state import db as state
from bot.state import office as store

_NAME = re.compile(r"^[\w.@-]{1,64}$")


def register(subparsers: Any) -> None:
    settings = load_settings()
    actions = action_group(subparsers, "office", "the office console: users, serving it on its own port")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=state.location, default=settings.state_location, help="state database")

    add = actions.add_parser("add-user", parents=[common], help="create an office user or set a new password")
    add.add_argument("name", help="user name (letters, digits, . _ - @; shown in the audit trail)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=guarded(run_add_user))
    disable = actions.add_parser("disable-user", parents=[common], help="stop a user from logging in")
    disable.add_argument("name")
    disable.set_defaults(handler=guarded(run_disable_user))
    actions.add_parser("users", parents=[common], help="list the users").set_defaults(handler=guarded(run_users))
    actions.add_parser("serve", help="serve the console alone on MANABI_OFFICE_PORT").set_defaults(handler=run_serve)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("パスワード: ")
    if getpass.getpass("もう一度: ") != first:
        raise CommandError("パスワードが一致しません")
    return first


def run_add_user(args: argparse.Namespace) -> int:
    name = args.name.strip()
    if not _NAME.match(name):
        raise CommandError("ユーザー名は英数字と . _ - @ の64文字以内にしてください")
    password = _read_password(args.password_stdin)
    problem = passwords.weakness(password, name)
    if problem:
        raise CommandError(problem)
    created = store.set_user(state.connect(args.db), name, passwords.hash_password(password))
    print(f"ユーザー {name} を{'作成しました' if created else '更新しました（新しいパスワード）'}。")
    return 0


def run_disable_user(args: argparse.Namespace) -> int:
    if not store.disable_user(state.connect(args.db), args.name):
        raise CommandError(f"ユーザー {args.name} はいません")
    print(f"ユーザー {args.name} を無効にしました。")
    return 0


def run_users(args: argparse.Namespace) -> int:
    for user in store.users(state.connect(args.db)):
        state_label = "無効" if user["disabled"] else "有効"
        print(f"{user['name']}\t{state_label}\t作成 {user['created_at']}\t最終ログイン {user['last_login_at'] or '-'}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    settings = OfficeSettings.from_env()
    if not settings.enabled or settings.own_port is None:
        print(
            "MANABI_OFFICE_PORT が設定されていません（コンソールは Rasa サーバーの /office にあります）。",
            file=sys.stderr,
        )
        return 1
    from bot.office.server import serve

    serve(settings.own_host, settings.own_port)
    return 0

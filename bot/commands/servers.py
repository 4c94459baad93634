"""``python -m bot train|serve|run``: train when needed, start the servers, chat in the terminal."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from typing import Any

from bot import launcher, training
from bot.catalogue.build import build, is_current
from bot.catalogue.sources import SourceError
from bot.catalogue.validate import CatalogueInvalid
from bot.channels import REST_WEBHOOK, TEAMS_WEBHOOK
from bot.office.config import OfficeSettings
from bot.privacy.files import sqlite_files, tighten
from bot.settings import PROJECT_ROOT, Settings, http_url, load_settings

MODELS_DIR = PROJECT_ROOT / "models"


def register(subparsers: Any) -> None:
    train_parser = subparsers.add_parser("train", help="train the model if its inputs changed")
    train_parser.add_argument("--force", action="store_true", help="train even if nothing changed")
    train_parser.set_defaults(handler=run_train)

    serve_parser = subparsers.add_parser(
        "serve", help="start the action and Rasa servers with the production channels (Ctrl-C stops)"
    )
    serve_parser.add_argument(
        "--local",
        action="store_true",
        help="also the local REST channel (credentials.local.yml), for `python -m bot chat` on this machine",
    )
    serve_parser.set_defaults(handler=run_serve, chat=False)

    run_parser = subparsers.add_parser("run", help="start both servers and chat in this terminal")
    run_parser.set_defaults(handler=run_serve, chat=True, local=True)


def prepare(settings: Settings, force_training: bool = False) -> Path:
    """Build the catalogue and train the model if needed; returns the model path."""
    if not is_current(settings.catalogue_dir, settings.catalogue_db):
        print("研修カタログを作成しています…", flush=True)
        build(settings.catalogue_dir, settings.catalogue_db)
    env = launcher.server_environment(settings)
    if force_training or not training.is_current(MODELS_DIR):
        print("モデルを学習しています（初回は1〜3分かかります）…", flush=True)
        seconds = training.train(MODELS_DIR, env, settings.log_dir / "train.log", force=force_training)
        if seconds is not None:
            print(f"学習しました（{seconds:.0f}秒）。", flush=True)
    return training.model_path(MODELS_DIR)


def run_train(args: argparse.Namespace) -> int:
    try:
        model = prepare(load_settings(), force_training=args.force)
    except (SourceError, CatalogueInvalid, RuntimeError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"model: {model}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        launcher.check_ports(settings)
        model = prepare(settings)
    except (launcher.LaunchError, SourceError, CatalogueInvalid, RuntimeError) as error:
        print(error, file=sys.stderr)
        return 1
    env = launcher.server_environment(settings, {"MANABI_LOG_DIR": str(settings.log_dir)})
    tighten(sqlite_files(settings.state_db) + sqlite_files(Path(env["MANABI_TRACKER_DB"])))  # older versions: 0644
    local = bool(args.chat or args.local)
    servers = [
        launcher.action_server(settings, env),
        launcher.rasa_server(settings, env, model, local_channel=local),
    ]
    office = launcher.office_server(env)
    if office is not None:
        servers.append(office)
    worker = launcher.delivery_worker(settings, env)
    servers.append(worker)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print("サーバーを起動しています…", flush=True)
        servers[0].start(timeout=60)
        servers[1].start(timeout=180)
        if office is not None:
            office.start(timeout=60)
        worker.start(timeout=30)
        _banner(settings, OfficeSettings.from_env(env), local)
        if args.chat:
            from bot.commands.chat import chat_loop

            return chat_loop(settings.rasa_url, sender="local-user")
        while all(server.running() for server in servers):
            time.sleep(1)
        print("a server stopped unexpectedly; see the logs in " + str(settings.log_dir), file=sys.stderr)
        return 1
    except launcher.LaunchError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        for server in reversed(servers):
            server.stop()


def _office_url(settings: Settings, office: OfficeSettings) -> str:
    if not office.enabled:
        return "off (MANABI_OFFICE_ENABLED=0)"
    if office.own_port is not None:
        return http_url(office.own_host, office.own_port, "/office")
    return f"{settings.rasa_url}/office  (users: python -m bot office add-user NAME)"


def _banner(settings: Settings, office: OfficeSettings, local: bool) -> None:
    channels = f"REST (this machine only): {REST_WEBHOOK}, " if local else ""
    print(
        f"""
  まなびアシスタント is running
    web chat       {settings.rasa_url}/chat
    office console {_office_url(settings, office)}
    Rasa server    {settings.rasa_url}  ({channels}Teams: {TEAMS_WEBHOOK})
    action server  {http_url(settings.action_host, settings.action_port)}  (shared secret required)
    notifications  delivery worker (python -m bot notifications status)
    logs           {settings.log_dir}/
    today          {settings.today or "system date"}
  Stop with Ctrl-C (in the chat: /quit).
""",
        flush=True,
    )

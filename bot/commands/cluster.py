"""``python -m bot cluster`` (``make cluster``): the multi-server shape on this machine (Ctrl-C stops).

PostgreSQL and Redis (Debian's packages; ``make setup`` installs them), two action servers, two
Rasa servers and HAProxy in front, all on 127.0.0.1, data under ``var/cluster/``
(bot/deploy/cluster.py). The embedded default stays ``make run``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from typing import Any

from bot import launcher
from bot.catalogue.sources import SourceError
from bot.catalogue.validate import CatalogueInvalid
from bot.commands.servers import prepare
from bot.deploy.cluster import CLUSTER_DIR, LocalCluster
from bot.deploy.services import ServiceError
from bot.settings import load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "cluster", help="PostgreSQL, Redis, two Rasa and two action servers behind HAProxy, on this machine"
    )
    parser.add_argument("--replicas", type=int, default=2, help="Rasa servers and action servers (default 2)")
    parser.set_defaults(handler=run_cluster)


def run_cluster(args: argparse.Namespace) -> int:
    settings = load_settings()
    if launcher.port_in_use(settings.host, settings.rasa_port):
        print(
            f"port {settings.rasa_port} is in use: stop `make run`, or MANABI_RASA_PORT=<port> make cluster",
            file=sys.stderr,
        )
        return 1
    try:
        model = prepare(settings)
        cluster = LocalCluster(settings, model, replicas=max(1, args.replicas))
    except (SourceError, CatalogueInvalid, RuntimeError) as error:
        print(error, file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print("クラスターを起動しています…", flush=True)
        cluster.start(progress=lambda name: print(f"  {name}", flush=True))
        _banner(cluster)
        while not (stopped := cluster.running()):
            time.sleep(1)
        print(f"stopped unexpectedly: {', '.join(stopped)}; logs in {CLUSTER_DIR / 'log'}", file=sys.stderr)
        return 1
    except (launcher.LaunchError, ServiceError) as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        print("停止しています…", flush=True)
        cluster.stop()


def _banner(cluster: LocalCluster) -> None:
    replicas = ", ".join(str(port) for port in cluster.ports.rasa)
    actions = ", ".join(str(port) for port in cluster.ports.actions)
    print(
        f"""
  まなびアシスタント cluster is running (all on 127.0.0.1)
    load balancer  {cluster.url}  (web chat /chat, office /office, Teams /webhooks/teams/webhook)
    Rasa servers   {replicas}  (health-checked by HAProxy; statistics http://127.0.0.1:{cluster.ports.stats}/stats)
    action servers {actions}  (behind 127.0.0.1:{cluster.ports.actions_balancer})
    PostgreSQL     127.0.0.1:{cluster.ports.postgres}   Redis 127.0.0.1:{cluster.ports.redis}
    data, logs     {CLUSTER_DIR}/  (passwords: secrets.json, owner only)
  Chat: .venv/bin/python -m bot chat   Stop with Ctrl-C.
""",
        flush=True,
    )

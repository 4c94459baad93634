"""A whole cluster on this machine: PostgreSQL, Redis, N action servers, N Rasa servers, HAProxy.

``make cluster`` (``python -m bot cluster``) and the cluster tests start exactly this. Everything
listens on 127.0.0.1; the load balancer on ``MANABI_RASA_PORT`` (5005), where ``make run`` would
be. Data under ``var/cluster/`` (PostgreSQL's files, Redis' folder, logs, the generated HAProxy
configuration and the passwords, owner-only), kept between runs: conversations and registrations
survive a restart of the cluster as they would on real servers. The shape is the one
docs/deploy.md describes for a real site (compose.yaml, the Helm values), at a smaller size.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot import launcher
from bot.deploy import haproxy
from bot.deploy.services import HAProxyService, PostgresService, RedisService, new_secret, owner_only_file
from bot.settings import PROJECT_ROOT, Settings
from bot.state import db as state

CLUSTER_DIR = PROJECT_ROOT / "var" / "cluster"

# Per Rasa process (Rasa's own variables): 2 replicas × (5 + 5) + 2 action servers + the office
# commands stay far below PostgreSQL's max_connections (docs/deploy.md has the sum for a site).
POOL_ENV = {"SQL_POOL_SIZE": "5", "SQL_MAX_OVERFLOW": "5"}
# A replica that dies holding a conversation's ticket blocks that conversation until the ticket
# expires (Rasa's default 60 s). Longer than the slowest turn, shorter than a user's patience.
TICKET_LOCK_LIFETIME = "20"


@dataclass
class Ports:
    balancer: int
    rasa: list[int]
    actions: list[int]
    actions_balancer: int
    postgres: int
    redis: int
    stats: int

    @classmethod
    def free(cls, balancer: int, replicas: int) -> Ports:
        def many(n: int) -> list[int]:
            return [launcher.free_port() for _ in range(n)]

        return cls(balancer, many(replicas), many(replicas), *many(4))


def load_secrets(path: Path) -> dict[str, str]:
    """The cluster's passwords, made on first start and kept (owner-only) next to its data."""
    wanted = ("postgres", "app", "redis", "action", "web")
    found: dict[str, str] = {}
    if path.exists():
        found = {k: str(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    if not all(found.get(name) for name in wanted):
        found = {name: found.get(name) or new_secret() for name in wanted}
        owner_only_file(path, json.dumps(found, indent=2) + "\n")
    return found


@dataclass
class LocalCluster:
    settings: Settings
    model: Path
    base_dir: Path = CLUSTER_DIR
    replicas: int = 2
    durable: bool = True  # tests: False (no fsync in PostgreSQL)
    local_channel: bool = True  # the REST channel (loopback only) for `python -m bot chat` and tests
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.base_dir = self.base_dir.resolve()
        self.ports = Ports.free(self.settings.rasa_port, self.replicas)
        secrets = load_secrets(self.base_dir / "secrets.json")
        logs = self.base_dir / "log"
        self.postgres = PostgresService(
            name="PostgreSQL",
            log_path=logs / "postgres.log",
            data_dir=self.base_dir / "postgres",
            port=self.ports.postgres,
            superuser_password=secrets["postgres"],
            app_password=secrets["app"],
            durable=self.durable,
        )
        self.redis = RedisService(
            name="Redis", log_path=logs / "redis.log", data_dir=self.base_dir / "redis", port=self.ports.redis,
            password=secrets["redis"],
        )  # fmt: skip
        self.balancer = HAProxyService(
            name="HAProxy",
            log_path=logs / "haproxy.log",
            config_path=self.base_dir / "haproxy.cfg",
            ports=(self.ports.balancer, self.ports.actions_balancer),
        )
        self.env = launcher.server_environment(
            self.settings,
            {
                "MANABI_DATABASE_URL": self.postgres.url(),
                "MANABI_REDIS_URL": self.redis.url,
                launcher.ACTION_SECRET_VARIABLE: secrets["action"],
                "MANABI_WEB_SECRET": os.environ.get("MANABI_WEB_SECRET") or secrets["web"] * 2,
                "TICKET_LOCK_LIFETIME": TICKET_LOCK_LIFETIME,
                **POOL_ENV,
                **self.extra_env,
            },
        )
        self.action_servers = [self._action_server(n) for n in range(self.replicas)]
        self.rasa_servers = [self._rasa_server(n) for n in range(self.replicas)]

    # --- the processes ------------------------------------------------------------------------
    def _replica_settings(self, n: int, *, rasa_port: int, action_port: int) -> Settings:
        return replace(
            self.settings,
            rasa_port=rasa_port,
            action_port=action_port,
            log_dir=self.base_dir / "log" / f"replica-{n + 1}",
            database_url=self.postgres.url(),
            redis_url=self.redis.url,
        )

    def _action_server(self, n: int) -> launcher.ServerProcess:
        settings = self._replica_settings(n, rasa_port=self.ports.rasa[n], action_port=self.ports.actions[n])
        server = launcher.action_server(settings, {**self.env, "MANABI_ACTION_PORT": str(self.ports.actions[n])})
        server.name = f"action server {n + 1}"
        return server

    def _rasa_server(self, n: int) -> launcher.ServerProcess:
        # Each Rasa server calls the action servers through the balancer (endpoints.yml's URL).
        settings = self._replica_settings(n, rasa_port=self.ports.rasa[n], action_port=self.ports.actions_balancer)
        env = {
            **self.env,
            "MANABI_RASA_PORT": str(self.ports.rasa[n]),
            "MANABI_ACTION_PORT": str(self.ports.actions_balancer),
        }
        server = launcher.rasa_server(settings, env, self.model, local_channel=self.local_channel)
        server.name = f"Rasa server {n + 1}"
        return server

    def haproxy_config(self) -> str:
        rasa = [haproxy.Upstream(f"rasa{n + 1}", "127.0.0.1", port) for n, port in enumerate(self.ports.rasa)]
        actions = [haproxy.Upstream(f"actions{n + 1}", "127.0.0.1", port) for n, port in enumerate(self.ports.actions)]
        return haproxy.config(
            listen_host=self.settings.host,
            listen_port=self.ports.balancer,
            rasa=rasa,
            actions_port=self.ports.actions_balancer,
            actions=actions,
            stats_port=self.ports.stats,
            trusted_user_header=self.env.get("MANABI_WEB_TRUSTED_HEADER"),
        )

    # --- start and stop -----------------------------------------------------------------------
    def start(self, progress: Callable[[str], None] = lambda _: None) -> LocalCluster:
        """Everything, in dependency order; Rasa servers load their models side by side."""
        try:
            progress("PostgreSQL")
            self.postgres.start()
            progress("Redis")
            self.redis.start()
            state.connect(self.postgres.url()).close()  # migrated once, before any server
            owner_only_file(self.balancer.config_path, self.haproxy_config())
            progress("action servers")
            _together([lambda s=s: s.start(timeout=90) for s in self.action_servers])  # type: ignore[misc]
            progress("load balancer")
            self.balancer.start()
            progress("Rasa servers")
            _together([lambda s=s: s.start(timeout=300) for s in self.rasa_servers])  # type: ignore[misc]
            self.wait_balanced()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Everything, the other way round (each waits for its own shutdown)."""
        _together([lambda s=s: s.stop(timeout=20) for s in self.rasa_servers])  # type: ignore[misc]
        self.balancer.stop()
        _together([lambda s=s: s.stop(timeout=10) for s in self.action_servers])  # type: ignore[misc]
        self.redis.stop()
        self.postgres.stop()

    def running(self) -> list[str]:
        """Names of the processes that stopped (empty: all running)."""
        children: list[Any] = [self.postgres, self.redis, self.balancer, *self.action_servers, *self.rasa_servers]
        return [child.name for child in children if not child.running()]

    # --- looking at it ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.ports.balancer}"

    def replica_url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.ports.rasa[n]}"

    def server_states(self) -> dict[str, dict[str, str]]:
        """HAProxy's view: {server: {status, sessions}} for every Rasa and action server."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.ports.stats}/stats;csv", timeout=5) as answer:
            rows = answer.read().decode("utf-8").splitlines()
        header = rows[0].lstrip("# ").split(",")
        found = {}
        for line in rows[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("svname") not in ("FRONTEND", "BACKEND", None):
                found[row["svname"]] = {"status": row.get("status", ""), "sessions": row.get("stot", "0")}
        return found

    def wait_balanced(self, timeout: float = 30.0, up: int | None = None) -> None:
        """Until HAProxy's health checks see ``up`` Rasa servers (default: all) as UP."""
        wanted = self.replicas if up is None else up
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = self.server_states()
            if sum(1 for name, s in states.items() if name.startswith("rasa") and s["status"] == "UP") >= wanted:
                return
            time.sleep(0.2)
        raise launcher.LaunchError(f"the load balancer did not see {wanted} Rasa servers up: {self.server_states()}")


def _together(jobs: list[Callable[[], None]]) -> None:
    """Runs the jobs in threads and raises the first error once all have finished."""
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:  # re-raised below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]

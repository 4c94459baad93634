"""PostgreSQL, Redis and HAProxy from Debian's packages, as child processes on 127.0.0.1.

Used by ``make cluster`` (bot/deploy/cluster.py) and by the tests, never in production (a real
site runs them as its own services, docs/deploy.md). Each listens on loopback only, on the port it
is given, keeps its data in the folder it is given and needs a password: a second user of the
machine cannot read conversations by connecting. PostgreSQL refuses to run as root: when we are
root it runs as the ``postgres`` user that Debian's package creates, and its folder belongs to it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typing_extensions import Self

POSTGRES_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
APP_ROLE = "manabi"


class ServiceError(RuntimeError):
    """A service is missing or did not start; the message says what to do."""


def wait_for_port(port: int, timeout: float, process: subprocess.Popen | None = None, name: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServiceError(f"{name} stopped while starting (exit {process.returncode})")
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise ServiceError(f"{name} did not listen on 127.0.0.1:{port} within {timeout:.0f}s")


def owner_only_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


@dataclass
class ChildService:
    """A server process in its own process group, its output in a log file."""

    name: str
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)
    stop_signal: int = signal.SIGTERM

    def _spawn(self, command: list[str], **kwargs: Any) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 (the child keeps it open)
        try:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                **kwargs,
            )
        finally:
            log.close()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 20.0) -> None:
        raise NotImplementedError  # each service starts its own way

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def stop(self, timeout: float = 20.0) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, self.stop_signal)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def kill(self) -> None:
        """SIGKILL, as a crash would (tests)."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


# --- PostgreSQL -------------------------------------------------------------------------------
def postgres_bin(program: str) -> str:
    for folder in POSTGRES_BIN_DIRS:
        if (folder / program).exists():
            return str(folder / program)
    raise ServiceError("PostgreSQL is not installed: run `make setup` (Debian package postgresql)")


def _run_as_postgres() -> dict[str, Any]:
    """Popen arguments that drop root to the ``postgres`` user (nothing when we are not root)."""
    if os.geteuid() != 0:
        return {}
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        raise ServiceError("PostgreSQL refuses root and there is no postgres user: install postgresql") from None
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": [], "env": {**os.environ, "HOME": user.pw_dir}}


def _give_to_postgres(path: Path) -> None:
    """The data folder belongs to the postgres user; its parents let it through (x, not read)."""
    if os.geteuid() != 0:
        return
    user = pwd.getpwnam("postgres")
    os.chown(path, user.pw_uid, user.pw_gid)
    for parent in path.parents:  # ours, e.g. var/ (0700): traversable, still not listable
        mode = parent.stat().st_mode
        if parent != Path("/") and not mode & 0o001 and parent.stat().st_uid == os.geteuid():
            parent.chmod(mode | 0o111)


@dataclass
class PostgresService(ChildService):
    """A PostgreSQL cluster in ``data_dir`` with the database ``manabi`` owned by the role ``manabi``."""

    data_dir: Path = Path("var/cluster/postgres")
    port: int = 5432
    superuser_password: str = ""
    app_password: str = ""
    max_connections: int = 100
    durable: bool = True  # False in tests: no fsync (the data is thrown away)
    stop_signal: int = signal.SIGINT  # PostgreSQL's "fast" shutdown: roll back, checkpoint, exit

    def url(self, database: str = "manabi", user: str = APP_ROLE, password: str | None = None) -> str:
        secret = self.app_password if password is None else password
        return f"postgresql://{user}:{secret}@127.0.0.1:{self.port}/{database}"

    @property
    def superuser_url(self) -> str:
        return self.url("postgres", "postgres", self.superuser_password)

    def start(self, timeout: float = 60.0) -> None:
        self.data_dir = self.data_dir.resolve()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        command = [
            postgres_bin("postgres"),
            "-D",
            str(self.data_dir),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"port={self.port}",
            "-c",
            f"unix_socket_directories={self.data_dir}",
            "-c",
            f"max_connections={self.max_connections}",
            "-c",
            "password_encryption=scram-sha-256",
        ]
        if not self.durable:
            command += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        self._spawn(command, **_run_as_postgres())
        self._wait_ready(timeout)
        self._ensure_database()

    def _initdb(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        _give_to_postgres(self.data_dir)
        pwfile = self.data_dir.parent / f".initdb-{secrets.token_hex(4)}.pw"  # initdb wants an empty folder
        owner_only_file(pwfile, self.superuser_password + "\n")
        if os.geteuid() == 0:
            os.chown(pwfile, pwd.getpwnam("postgres").pw_uid, -1)
        command = [
            postgres_bin("initdb"),
            "-D",
            str(self.data_dir),
            "--username=postgres",
            f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256",
            "--auth-local=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale",  # byte order, as SQLite compares text
        ]
        if not self.durable:
            command.append("--no-sync")
        try:
            result = subprocess.run(command, capture_output=True, text=True, check=False, **_run_as_postgres())
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise ServiceError(f"initdb failed: {result.stderr.strip()[-500:]}")

    def _wait_ready(self, timeout: float) -> None:
        import psycopg2

        deadline = time.monotonic() + timeout
        wait_for_port(self.port, timeout, self.process, "PostgreSQL")
        while True:
            try:
                psycopg2.connect(self.superuser_url, connect_timeout=2).close()
                return
            except psycopg2.OperationalError as error:
                if self.process is not None and self.process.poll() is not None:
                    raise ServiceError(f"PostgreSQL stopped while starting; see {self.log_path}") from error
                if time.monotonic() > deadline:
                    raise ServiceError(f"PostgreSQL did not accept connections; see {self.log_path}") from error
                time.sleep(0.1)

    def _ensure_database(self) -> None:
        self.create_database("manabi")

    def create_database(self, name: str) -> str:
        """Creates the role ``manabi`` (if new; its password set) and database ``name``; returns its URL."""
        import psycopg2
        from psycopg2 import sql

        conn = psycopg2.connect(self.superuser_url)
        conn.autocommit = True
        try:
            cursor = conn.cursor()
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,))
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            cursor.execute(
                sql.SQL(verb + " ROLE {} LOGIN PASSWORD %s").format(sql.Identifier(APP_ROLE)), (self.app_password,)
            )
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if not cursor.fetchone():
                cursor.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(APP_ROLE))
                )
        finally:
            conn.close()
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg2
        from psycopg2 import sql

        conn = psycopg2.connect(self.superuser_url)
        conn.autocommit = True
        try:
            conn.cursor().execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        finally:
            conn.close()


# --- Redis ------------------------------------------------------------------------------------
@dataclass
class RedisService(ChildService):
    """redis-server on 127.0.0.1 with a password; nothing on disk (locks and caches only)."""

    data_dir: Path = Path("var/cluster/redis")
    port: int = 6379
    password: str = ""

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 20.0) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            raise ServiceError("Redis is not installed: run `make setup` (Debian package redis-server)")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "redis.conf"
        owner_only_file(
            config,
            "\n".join(
                [
                    "bind 127.0.0.1",
                    f"port {self.port}",
                    f"requirepass {self.password}",
                    "protected-mode yes",
                    'save ""',
                    "appendonly no",
                    f"dir {self.data_dir.resolve()}",
                    "daemonize no",
                    "loglevel warning",
                    "",
                ]
            ),
        )
        self._spawn([binary, str(config)])
        wait_for_port(self.port, timeout, self.process, "Redis")


# --- HAProxy ----------------------------------------------------------------------------------
@dataclass
class HAProxyService(ChildService):
    """haproxy in the foreground with the configuration file it is given."""

    config_path: Path = Path("var/cluster/haproxy.cfg")
    ports: tuple[int, ...] = ()
    stop_signal: int = signal.SIGUSR1  # soft stop: finish the requests in flight

    def start(self, timeout: float = 20.0) -> None:
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(binary).exists():
            raise ServiceError("HAProxy is not installed: run `make setup` (Debian package haproxy)")
        check = subprocess.run([binary, "-c", "-q", "-f", str(self.config_path)], capture_output=True, text=True)
        if check.returncode != 0:
            raise ServiceError(f"HAProxy configuration invalid: {(check.stderr or check.stdout).strip()[-500:]}")
        self._spawn([binary, "-db", "-f", str(self.config_path)])
        for port in self.ports:
            wait_for_port(port, timeout, self.process, "HAProxy")


def new_secret() -> str:
    return secrets.token_urlsafe(24)

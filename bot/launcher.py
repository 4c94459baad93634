"""Start, watch and stop the two servers (action server, Rasa server) as child processes.

Used by ``python -m bot run|serve`` and by the end-to-end tests, so the way the assistant is
started is the same everywhere. Server output goes to log files, not to the terminal: a user
starting the bot sees a short banner, not pages of TensorFlow warnings. The logs rotate by size and,
like every file the servers create, are readable by their owner only (bot.logfiles,
bot.privacy.files).

Two credentials files: ``credentials.yml`` is the production one (Teams only: nothing on the Rasa
port lets a caller choose whom they speak as), ``credentials.local.yml`` adds the local REST channel
(loopback only) for ``make run``, ``python -m bot chat`` and the tests.

The action server gets a shared secret (``MANABI_ACTION_SECRET``; a random one per start unless the
environment sets it), which the Rasa server sends with every action call (endpoints.yml).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.logfiles import RotatingLog, pump
from bot.privacy.files import OWNER_ONLY_UMASK
from bot.settings import PROJECT_ROOT, Settings, http_url

PRODUCTION_CREDENTIALS = "credentials.yml"
LOCAL_CREDENTIALS = "credentials.local.yml"
ACTION_SECRET_VARIABLE = "MANABI_ACTION_SECRET"

QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # TensorFlow's C++ start-up chatter
    "PYTHONWARNINGS": "ignore",  # deprecation warnings of rasa's dependencies
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "RASA_TELEMETRY_ENABLED": "false",  # never phone home; no prompt on first run
    "LOG_LEVEL_LIBRARIES": "ERROR",
    "PYTHONIOENCODING": "utf-8",
}


class LaunchError(RuntimeError):
    """A server could not be started; the message says why in plain words."""


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (for tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def server_environment(settings: Settings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment both servers run with: settings made explicit, output quietened."""
    env = dict(os.environ)
    env.update(QUIET_ENV)
    env.update(
        {
            "MANABI_HOST": settings.host,
            "MANABI_RASA_PORT": str(settings.rasa_port),
            "MANABI_ACTION_PORT": str(settings.action_port),
            "MANABI_ACTION_HOST": settings.action_host,
            ACTION_SECRET_VARIABLE: env.get(ACTION_SECRET_VARIABLE) or secrets.token_urlsafe(32),
            "MANABI_CATALOGUE_DB": str(settings.catalogue_db),
            "MANABI_STATE_DB": str(settings.state_db),
            "MANABI_TRACKER_DB": env.get("MANABI_TRACKER_DB") or str(settings.state_db.with_name("trackers.sqlite")),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        }
    )
    if settings.today:
        env["MANABI_TODAY"] = settings.today
    if not env.get("MANABI_WEB_SECRET"):
        # Signs the web chat's cookie. Made per run when unset: chats then start afresh after a restart.
        env["MANABI_WEB_SECRET"] = secrets.token_urlsafe(48)
    env.update(extra or {})
    return env


@dataclass
class ServerProcess:
    """One child server: how to start it, how to tell it is ready, where it logs."""

    name: str
    command: list[str]
    health_url: str | None  # None: ready once it runs (a worker with no HTTP port)
    log_path: Path
    env: dict[str, str] = field(repr=False)
    log_max_bytes: int = 10 * 1024 * 1024
    log_backups: int = 5
    stop_timeout: float = 15.0
    process: subprocess.Popen | None = field(default=None, repr=False)
    _log_thread: threading.Thread | None = field(default=None, repr=False)

    def start(self, timeout: float) -> None:
        log = RotatingLog(self.log_path, self.log_max_bytes, self.log_backups)
        try:
            self.process = subprocess.Popen(
                self.command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=str(PROJECT_ROOT),
                start_new_session=True,
                umask=OWNER_ONLY_UMASK,  # databases, WAL files and exports it creates: owner only
            )
        except BaseException:
            log.close()
            raise
        assert self.process.stdout is not None
        self._log_thread = pump(self.process.stdout, log)
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        process = self.process
        assert process is not None
        deadline = time.monotonic() + timeout
        started = time.monotonic()
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise LaunchError(
                    f"{self.name} stopped while starting (exit {process.returncode}); see {self.log_path}"
                )
            if self.health_url is None and time.monotonic() - started >= 1.0:
                return  # no HTTP port to ask: still running after a second is as ready as it gets
            if self.health_url is not None and _answers(self.health_url):
                return
            time.sleep(0.25)
        self.stop()
        raise LaunchError(f"{self.name} did not become ready within {timeout:.0f}s; see {self.log_path}")

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float | None = None) -> None:
        """SIGTERM the server's process group, then SIGKILL if it does not go within ``timeout``
        (default ``stop_timeout``: the Rasa server first finishes the Teams turns it acknowledged)."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        assert self.process is not None
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(self.stop_timeout if timeout is None else timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        except ProcessLookupError:
            pass
        if self._log_thread is not None:
            self._log_thread.join(5)  # the last lines are in the file before anyone reads it


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def action_server(settings: Settings, env: dict[str, str]) -> ServerProcess:
    """bot.action_server: rasa_sdk on ``settings.action_host`` (loopback unless explicitly set
    otherwise), refusing every call without the shared secret of ``env``."""
    return ServerProcess(
        "action server",
        [sys.executable, "-m", "bot.action_server", "--actions", "actions", "--port", str(settings.action_port)],
        http_url(settings.action_host, settings.action_port, "/health"),
        settings.log_dir / "actions.log",
        {**env, "MANABI_ACTION_HOST": settings.action_host},
        settings.log_max_bytes,
        settings.log_backups,
    )


def rasa_server(
    settings: Settings,
    env: dict[str, str],
    model: Path,
    enable_api: bool = False,
    local_channel: bool = True,
    entry_point: str = "bot.rasa_server",
) -> ServerProcess:
    """The Rasa server; ``local_channel``: with the loopback-only REST channel (credentials.local.yml),
    else the production channels only (credentials.yml). ``entry_point``: the module that starts it
    (the benchmark's stock baseline has its own, benchmarks.baseline_server)."""
    command = [
        sys.executable,
        "-m",
        entry_point,
        "run",
        "--model",
        str(model),
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        LOCAL_CREDENTIALS if local_channel else PRODUCTION_CREDENTIALS,
        "--interface",
        settings.host,
        "--port",
        str(settings.rasa_port),
        "--quiet",
    ]
    if enable_api:
        command.append("--enable-api")
    return ServerProcess(
        "Rasa server",
        command,
        f"{settings.rasa_url}/",
        settings.log_dir / "rasa.log",
        env,
        settings.log_max_bytes,
        settings.log_backups,
        stop_timeout=75.0,  # the Teams channel's drain_seconds (60) and some margin
    )


def office_server(env: dict[str, str]) -> ServerProcess | None:
    """The office console on a port of its own (MANABI_OFFICE_PORT), else None (the Rasa server has it)."""
    from bot.office.config import OfficeSettings

    office = OfficeSettings.from_env(env)
    if not office.enabled or office.own_port is None:
        return None
    return ServerProcess(
        "office console",
        [sys.executable, "-m", "bot", "office", "serve"],
        http_url(office.own_host, office.own_port, "/office/login"),
        Path(env.get("MANABI_LOG_DIR") or PROJECT_ROOT / "var" / "log") / "office.log",
        env,
    )


def delivery_worker(settings: Settings, env: dict[str, str]) -> ServerProcess:
    """The delivery worker (bot/notifications/worker.py): sends what the outbox holds. Only one sends
    at a time (a lease in the state database), however many are started."""
    return ServerProcess(
        "delivery worker",
        [sys.executable, "-m", "bot", "notifications", "worker"],
        None,
        settings.log_dir / "notifications.log",
        env,
        settings.log_max_bytes,
        settings.log_backups,
        stop_timeout=40.0,  # it finishes the messages in flight (HTTP timeout 10 s) first
    )


def check_ports(settings: Settings) -> None:
    """Refuse to start with a clear message when a port is taken (instead of a bind traceback)."""
    for label, host, port, variable in (
        ("Rasa server", settings.host, settings.rasa_port, "MANABI_RASA_PORT"),
        ("action server", settings.action_host, settings.action_port, "MANABI_ACTION_PORT"),
    ):
        if port_in_use(host, port):
            raise LaunchError(
                f"port {port} for the {label} is already in use on {host}. "
                f"Stop whatever uses it, or choose another port: {variable}=<port> make run"
            )

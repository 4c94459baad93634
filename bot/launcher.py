"""Start, watch and stop the two servers (action server, Rasa server) as child processes.

Used by ``python -m bot run|serve`` and by the end-to-end tests, so the way the assistant is
started is the same everywhere. Server output goes to log files, not to the terminal: a user
starting the bot sees a short banner, not pages of TensorFlow warnings.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings

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
        port: int = sock.getsockname()[1]
        return port


def server_environment(settings: Settings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment both servers run with: settings made explicit, output quietened."""
    env = dict(os.environ)
    env.update(QUIET_ENV)
    env.update(
        {
            "MANABI_HOST": settings.host,
            "MANABI_RASA_PORT": str(settings.rasa_port),
            "MANABI_ACTION_PORT": str(settings.action_port),
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
    health_url: str
    log_path: Path
    env: dict[str, str]
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, timeout: float) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=str(PROJECT_ROOT),
                start_new_session=True,
            )
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LaunchError(
                    f"{self.name} stopped while starting (exit {self.process.returncode}); see {self.log_path}"
                )
            if _answers(self.health_url):
                return
            time.sleep(0.25)
        self.stop()
        raise LaunchError(f"{self.name} did not become ready within {timeout:.0f}s; see {self.log_path}")

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the server's process group, then SIGKILL if it does not go."""
        if not self.running():
            return
        assert self.process is not None
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        except ProcessLookupError:
            pass


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def action_server(settings: Settings, env: dict[str, str]) -> ServerProcess:
    # rasa_sdk binds to SANIC_HOST (default 0.0.0.0): keep it on our interface only, since anyone
    # reaching the action server could act in any user's name.
    return ServerProcess(
        "action server",
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
        f"http://{settings.host}:{settings.action_port}/health",
        settings.log_dir / "actions.log",
        {**env, "SANIC_HOST": settings.host},
    )


def rasa_server(settings: Settings, env: dict[str, str], model: Path, enable_api: bool = False) -> ServerProcess:
    command = [
        sys.executable,
        "-m",
        "bot.rasa_server",
        "run",
        "--model",
        str(model),
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        "credentials.yml",
        "--interface",
        settings.host,
        "--port",
        str(settings.rasa_port),
        "--quiet",
    ]
    if enable_api:
        command.append("--enable-api")
    return ServerProcess(
        "Rasa server", command, f"http://{settings.host}:{settings.rasa_port}/", settings.log_dir / "rasa.log", env
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
        f"http://{office.own_host}:{office.own_port}/office/login",
        Path(env.get("MANABI_LOG_DIR") or PROJECT_ROOT / "var" / "log") / "office.log",
        env,
    )


def check_ports(settings: Settings) -> None:
    """Refuse to start with a clear message when a port is taken (instead of a bind traceback)."""
    for label, port, variable in (
        ("Rasa server", settings.rasa_port, "MANABI_RASA_PORT"),
        ("action server", settings.action_port, "MANABI_ACTION_PORT"),
    ):
        if port_in_use(settings.host, port):
            raise LaunchError(
                f"port {port} for the {label} is already in use on {settings.host}. "
                f"Stop whatever uses it, or choose another port: {variable}=<port> make run"
            )

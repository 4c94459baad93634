"""Run the real action server and Rasa server for end-to-end tests, on free ports.

Each instance gets its own state DB, tracker DB, catalogue DB and log folder under a temporary
directory, and a pinned "today", so tests never touch a developer's ``var/``. Servers are started
exactly as ``python -m bot serve`` starts them (bot.launcher): with the local REST channel
(credentials.local.yml) by default, or ``local_channel=False`` for the production channels only.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot import launcher, training
from bot.catalogue.build import build
from bot.channels import REST_WEBHOOK, TEAMS_WEBHOOK
from bot.settings import PROJECT_ROOT, Settings, load_settings

PINNED_TODAY = "2026-11-24"
MODEL = training.model_path(PROJECT_ROOT / "models")


def settings_in(
    workdir: Path, today: str = PINNED_TODAY, catalogue_dir: Path | None = None, **overrides: Any
) -> Settings:
    """Settings whose files all live in ``workdir`` (catalogue, state and tracker DBs, logs), with the
    catalogue built there and ``today`` pinned; ``overrides`` are further settings (free ports). A
    developer's own settings never leak in; the catalogue folder may (tests freeze theirs)."""
    base = load_settings({k: v for k, v in os.environ.items() if k == "MANABI_CATALOGUE_DIR"})
    settings = replace(
        base,
        catalogue_db=workdir / "catalogue.sqlite",
        state_db=workdir / "manabi.sqlite",
        tracker_db=workdir / "trackers.sqlite",
        log_dir=workdir / "log",
        today=today,
        **overrides,
    )
    build(catalogue_dir or base.catalogue_dir, settings.catalogue_db)
    return settings


class ManabiServers:
    """Both servers for one test module or session."""

    def __init__(
        self,
        workdir: Path,
        model: Path = MODEL,
        today: str = PINNED_TODAY,
        extra_env: dict[str, str] | None = None,
        catalogue_dir: Path | None = None,
        local_channel: bool = True,
        worker: bool = False,
        rasa_entry_point: str = "bot.rasa_server",
    ):
        if not model.exists():
            raise FileNotFoundError(f"no trained model at {model}: run `make test` (it trains first)")
        workdir.mkdir(parents=True, exist_ok=True)
        self.settings = settings_in(
            workdir, today, catalogue_dir, rasa_port=launcher.free_port(), action_port=launcher.free_port()
        )
        self.model = model
        self.env = launcher.server_environment(
            self.settings,
            {
                "MANABI_TRACKER_DB": str(workdir / "trackers.sqlite"),
                "MANABI_LOG_DIR": str(self.settings.log_dir),
                **(extra_env or {}),
            },
        )
        self.actions = launcher.action_server(self.settings, self.env)
        self.rasa = launcher.rasa_server(
            self.settings, self.env, model, local_channel=local_channel, entry_point=rasa_entry_point
        )
        self.office = launcher.office_server(self.env)  # only with MANABI_OFFICE_PORT in extra_env
        # The delivery worker sends what the outbox holds to the Bot Framework of extra_env (tests that
        # count what reaches a fake Bot Framework start it only when they mean to).
        self.worker = launcher.delivery_worker(self.settings, self.env) if worker else None

    @property
    def rasa_url(self) -> str:
        return self.settings.rasa_url

    @property
    def action_url(self) -> str:
        return self.settings.action_url

    @property
    def action_headers(self) -> dict[str, str]:
        """What the Rasa server sends the action server with every call (endpoints.yml)."""
        from bot.action_server import SECRET_HEADER

        return {SECRET_HEADER: self.env[launcher.ACTION_SECRET_VARIABLE]}

    @property
    def teams_url(self) -> str:
        return self.rasa_url + TEAMS_WEBHOOK

    @property
    def rest_url(self) -> str:
        return self.rasa_url + REST_WEBHOOK

    def start(self) -> ManabiServers:
        self.actions.start(timeout=60)
        self.rasa.start(timeout=180)
        if self.office is not None:
            self.office.start(timeout=60)
        if self.worker is not None:
            self.worker.start(timeout=30)
        return self

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        if self.office is not None:
            self.office.stop()
        self.rasa.stop()
        self.actions.stop()

    def restart_rasa(self) -> None:
        self.rasa.stop()
        self.rasa.start(timeout=180)

    def restart_actions(self) -> None:
        self.actions.stop()
        self.actions.start(timeout=60)

    def chat(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None, timeout: float = 30.0
    ) -> list[dict[str, Any]]:
        """Send one message over the REST channel; returns the bot's messages."""
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        request = urllib.request.Request(
            self.rest_url,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            messages: list[dict[str, Any]] = json.loads(response.read().decode("utf-8"))
            return messages

    def say(self, sender: str, text: str, **kwargs: Any) -> str:
        """Like :meth:`chat`, returning all the bot's texts joined (what a user reads)."""
        return "\n".join(m.get("text", "") for m in self.chat(sender, text, **kwargs) if m.get("text"))

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server logs, for assertion messages."""
        parts = []
        for server in (self.actions, self.rasa, self.worker):
            if server is not None and server.log_path.exists():
                text = server.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
                parts.append(f"--- {server.name} ---\n" + "\n".join(text[-lines:]))
        return "\n".join(parts)

    def __enter__(self) -> ManabiServers:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

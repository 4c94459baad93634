"""The console on its own interface/port (``MANABI_OFFICE_PORT``), apart from the staff chat.

``python -m bot office serve`` (the launcher starts it when the port is set): a small Sanic server
with only the /office routes, reading the same databases as the Rasa server. Without the port the
Rasa server serves the console itself (bot/channels/web/).
"""

from __future__ import annotations

import logging

from sanic import Blueprint, Sanic

from bot.office.web import console_from_env

logger = logging.getLogger(__name__)


def app() -> Sanic:
    console = console_from_env()
    server = Sanic("manabi_office", configure_logging=False)
    blueprint = Blueprint("manabi_office")
    if console.settings.enabled:
        console.add_routes(blueprint)
    server.blueprint(blueprint)
    return server


def serve(host: str, port: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    app().run(host=host, port=port, access_log=False, workers=1, motd=False)

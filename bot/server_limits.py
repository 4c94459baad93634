"""The Rasa server's request size limit: the Teams channel's 512 KB, not Sanic's 100 MB default.

Sanic buffers a whole request body before any handler runs, up to ``REQUEST_MAX_SIZE``; the Teams
channel's own 512 KB check came too late (four anonymous 90 MB posts grew the server by ~540 MB).
With the limit set on the app, Sanic compares the declared ``Content-Length`` with it before reading
a byte of the body and answers 413 (a chunked body is cut off as soon as it passes the limit).
No route of the server needs more: Teams activities are small, the REST channel is local, and
Rasa's HTTP API (model uploads) is not enabled.
"""

from __future__ import annotations

from typing import Any

from bot.channels.teams.channel import MAX_BODY_BYTES


def limit_request_size(max_bytes: int = MAX_BODY_BYTES) -> None:
    """Makes ``rasa run`` create its Sanic app with ``REQUEST_MAX_SIZE = max_bytes``."""
    from rasa.core import run

    original = getattr(run.configure_app, "__wrapped__", run.configure_app)

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.config.REQUEST_MAX_SIZE = max_bytes
        return app

    configure_app.__wrapped__ = original  # type: ignore[attr-defined]
    run.configure_app = configure_app

"""The Rasa server's request size limit: the Teams channel's 512 KB, not Sanic's 100 MB default.

Sanic buffers a whole request body before any handler runs, up to ``REQUEST_MAX_SIZE``; the Teams
channel's own 512 KB check came too late (four anonymous 90 MB posts grew the server by ~540 MB).
With the limit set on the app, Sanic compares the declared ``Content-Length`` with it before reading
a byte of the body and answers 413 (a chunked body is cut off as soon as it passes the limit).
No route of the server needs more: Teams activities are small, the REST channel is local, and
Rasa's HTTP API (model uploads) is not enabled. ``rasa run`` builds its app in
``rasa.core.run.configure_app``, which takes no such setting, so the app it returns gets the limit.
Not skippable: it is a safeguard, not a patch for speed.
"""

from __future__ import annotations

from typing import Any

from bot.rasa_patches.patch import Replacement


def replacements() -> list[Replacement]:
    from rasa.core import run

    from bot.channels.teams.channel import MAX_BODY_BYTES

    rasas = run.configure_app

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = rasas(*args, **kwargs)
        app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
        return app

    return [Replacement(run, "configure_app", configure_app)]

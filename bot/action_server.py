"""Entry point of the action server: ``python -m bot.action_server --actions actions --port N``.

rasa_sdk's own server (``python -m rasa_sdk``) runs any action for anyone who reaches it, in any
sender's name, with whatever tracker the caller posts: it listens on ``0.0.0.0`` by default, has no
authentication, allows every CORS origin and echoes the request body in its error answers. Here
the same actions are served with:

* the interface ``MANABI_ACTION_HOST`` (default 127.0.0.1, *not* ``MANABI_HOST``): the Rasa server
  is its only client and runs on the same machine;
* a shared secret (``MANABI_ACTION_SECRET``) required on every request but ``GET /health``: Rasa
  sends it as the ``X-Manabi-Action-Secret`` header configured in endpoints.yml; anything else gets
  401 (and a rate-limited warning). The server refuses to start without a secret;
* no CORS, and errors answered with a generic body (the details go to the log);
* files created owner-only (umask 077): the state database it writes holds personal data.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.log_limits import RateLimitedLog
from bot.privacy.files import restrict_new_files

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Manabi-Action-Secret"
SECRET_VARIABLE = "MANABI_ACTION_SECRET"
HOST_VARIABLE = "MANABI_ACTION_HOST"
OPEN_PATHS = frozenset({"/health"})
MIN_SECRET_CHARS = 16
# Rasa posts the whole tracker with every action call; long conversations reach a few MB.
MAX_REQUEST_BYTES = 32 * 1024 * 1024

_rejections = RateLimitedLog(logger)


class MissingSecret(RuntimeError):
    """The action server has no (or too short a) shared secret to check callers against."""


def read_secret(env: dict[str, str] | None = None) -> str:
    env = dict(os.environ) if env is None else env
    secret = env.get(SECRET_VARIABLE, "")
    if len(secret) < MIN_SECRET_CHARS:
        raise MissingSecret(
            f"{SECRET_VARIABLE} must be set to a random value of at least {MIN_SECRET_CHARS} characters "
            "(the same value the Rasa server sends; `python -m bot serve` generates one)."
        )
    return secret


def is_authorised(request: Request, secret: str) -> bool:
    """True for /health and for requests carrying the secret (compared in constant time)."""
    if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
        return True
    given = request.headers.get(SECRET_HEADER, "")
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), secret.encode("utf-8"))


def protect(app: Sanic, secret: str) -> Sanic:
    """Installs the secret check and the generic error answer on rasa_sdk's app."""
    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES

    @app.middleware("request")
    async def require_secret(request: Request) -> HTTPResponse | None:
        if is_authorised(request, secret):
            return None
        _rejections.warning_for(
            "unauthorised",  # one kind, whatever path or address the caller chose
            "action server: refused %s %s from %s without the shared secret",
            request.method,
            request.path[:80],
            request.ip,
        )
        return response.json({"error": "unauthorized"}, status=401)

    # rasa_sdk's handler answers 500 with str(exception) and the request body: keep both in the log.
    async def internal_error(request: Request, exception: Exception) -> HTTPResponse:
        logger.error("action server: %s %s failed", request.method, request.path[:80], exc_info=exception)
        return response.json({"error": "internal error"}, status=500)

    app.error_handler.add(Exception, internal_error)
    return app


def create_app(actions: str, secret: str) -> Sanic:
    from rasa_sdk.endpoint import create_app as create_sdk_app

    return protect(create_sdk_app(actions, cors_origins=None), secret)


def main(argv: list[str] | None = None) -> int:
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME, DEFAULT_SERVER_PORT

    parser = argparse.ArgumentParser(description="Manabi's action server (rasa_sdk, loopback, shared secret)")
    parser.add_argument("--actions", default="actions", help="package with the actions")
    parser.add_argument("--port", type=int, default=DEFAULT_SERVER_PORT)
    utils.add_logging_level_option_arguments(parser)
    args = parser.parse_args(argv)

    restrict_new_files()
    try:
        secret = read_secret()
    except MissingSecret as error:
        print(f"action server: {error}", file=sys.stderr)
        return 2
    utils.configure_colored_logging(args.loglevel)
    logging.getLogger(APPLICATION_ROOT_LOGGER_NAME).setLevel(args.loglevel or logging.INFO)
    utils.update_sanic_log_level()
    host = os.environ.get(HOST_VARIABLE) or "127.0.0.1"
    app = create_app(args.actions, secret)
    logger.info("Action server listening on http://%s:%d (shared secret required)", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

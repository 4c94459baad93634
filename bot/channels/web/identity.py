"""Who is chatting: a signed browser cookie, or a header set by a trusted reverse proxy.

The cookie (``manabi_chat``, HttpOnly, SameSite=Lax) holds a random browser id and an HMAC-SHA256
of it under the server's secret, so a browser cannot pick another browser's id. Its sender id is
``web:<browser id>``. When the request comes from a configured proxy address and carries the
configured header, the person is ``web-user:<header value>`` instead (the same conversation from
any browser). Registration still asks for the 職員番号: neither identifies a person to the office.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.web.config import WebSettings

COOKIE = "manabi_chat"
COOKIE_DAYS = 180
_BROWSER_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_HEADER_VALUE = re.compile(r"^[\w.@\\-]{1,128}$")


@dataclass(frozen=True)
class Identity:
    sender_id: str
    source: str  # "cookie" or "header"
    new_cookie: str | None = None  # a signed value to set (first visit, or a bad cookie)


def _signature(secret: bytes, value: str) -> str:
    digest = hmac.new(secret, value.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def sign(secret: bytes, browser_id: str) -> str:
    return f"{browser_id}.{_signature(secret, browser_id)}"


def unsign(secret: bytes, value: str | None) -> str | None:
    """The browser id of a correctly signed cookie value, else None."""
    if not value or value.count(".") != 1:
        return None
    browser_id, signature = value.split(".")
    if not _BROWSER_ID.match(browser_id):
        return None
    return browser_id if hmac.compare_digest(signature, _signature(secret, browser_id)) else None


def identify(request: Request, settings: WebSettings) -> Identity:
    """The sender of this request (a new browser id, with its cookie to set, if it has none)."""
    if settings.trusted_header and settings.is_trusted_proxy(request.ip):
        value = (request.headers.get(settings.trusted_header) or "").strip()
        if _HEADER_VALUE.match(value):
            return Identity(f"web-user:{value.lower()}", "header")
    browser_id = unsign(settings.secret, request.cookies.get(COOKIE))
    if browser_id:
        return Identity(f"web:{browser_id}", "cookie")
    browser_id = secrets.token_urlsafe(18)
    return Identity(f"web:{browser_id}", "cookie", new_cookie=sign(settings.secret, browser_id))


def set_cookie(response: HTTPResponse, identity: Identity, settings: WebSettings) -> HTTPResponse:
    if identity.new_cookie:
        response.cookies[COOKIE] = identity.new_cookie
        cookie = response.cookies[COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Lax"
        cookie["path"] = "/chat"
        cookie["max-age"] = COOKIE_DAYS * 86400
        if settings.cookie_secure:
            cookie["secure"] = True
    return response

"""The console's routes (``/office/…``) on a Sanic blueprint, and how its pages are rendered.

Mounted by the web channel on the Rasa server (bot/channels/web/), or served alone on another
interface/port (bot/office/server.py). Every page but the login needs a live login session;
without one a page redirects to the login and anything else (downloads, changes) answers 403.
Every POST needs the session's CSRF token and, when the browser sends an Origin, our own origin.
Changes and downloads of personal data go to the office audit trail with the user's name.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.catalogue.queries import Catalogue, CatalogueMissing
from bot.clock import Clock, clock_from_env
from bot.feedback.export import RATING_LABELS, feedback_csv
from bot.notifications import report as notification_report
from bot.office import auth, pages
from bot.office.config import PREFIX, OfficeSettings
from bot.office.grouping import STATUS_LABELS
from bot.registrations import cohorts, export, store
from bot.state import db as state
from bot.state import office as office_store
from bot.state import unanswered
from bot.state.db import Connection
from bot.state.db import Error as DbError

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make Chrome send "Origin: null" with forms
    "Cache-Control": "no-store",
}
NOTICES = {
    "closed": "受付を停止しました。",
    "reopened": "受付を再開しました。",
    "review_saved": "対応状況を保存しました。",
    "logged_out": "ログアウトしました。",
}
Handler = Callable[..., Awaitable[HTTPResponse]]


class Route(NamedTuple):
    """``handler`` answers ``method`` requests for PREFIX + ``path``."""

    handler: Handler
    path: str
    method: str = "GET"


@dataclass(frozen=True)
class Paths:
    state_db: Path | str  # a SQLite file or a PostgreSQL URL
    catalogue_db: Path
    tracker_db: Path | str


def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(prefix=PREFIX, status_labels=STATUS_LABELS, rating_labels=RATING_LABELS)
    env.filters["date"] = export.excel_date
    env.filters["time"] = export.excel_time
    env.filters["percent"] = lambda value: "—" if value is None else f"{round(100 * value)}%"
    return env


def page(body: str, status: int = 200) -> HTTPResponse:
    return response.html(body, status=status, headers=SECURITY_HEADERS)


def _cookie(resp: HTTPResponse, name: str, value: str, secure: bool, max_age: int | None = None) -> None:
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = PREFIX
    if secure:
        cookie["secure"] = True
    if max_age is not None:
        cookie["max-age"] = max_age


class OfficeConsole:
    """The console's state (settings, databases, templates) and its request handlers."""

    def __init__(self, settings: OfficeSettings, paths: Paths, clock: Clock | None = None) -> None:
        self.settings = settings
        self.paths = paths
        self.clock = clock or clock_from_env()
        self.env = templates()
        self._conn: Connection | None = None

    # ---- resources -------------------------------------------------------------------------
    @property
    def conn(self) -> Connection:
        """One state DB connection per process (the event loop is single-threaded)."""
        if self._conn is None:
            self._conn = state.connect(self.paths.state_db)
        return self._conn

    def catalogue(self) -> Catalogue:
        return Catalogue(self.paths.catalogue_db)

    def today(self) -> dt.date:
        return self.clock.today()

    def render(self, template: str, request: Request, status: int = 200, **context: Any) -> HTTPResponse:
        session = getattr(request.ctx, "office_session", None)
        notice = NOTICES.get(request.args.get("done", ""))
        body = self.env.get_template(template).render(
            user=session.user_name if session else None,
            csrf=session.csrf_token if session else "",
            notice=notice,
            **context,
        )
        return page(body, status)

    def refuse(self, request: Request, status: int, message: str) -> HTTPResponse:
        return self.render("refused.html", request, status=status, title="エラー", message=message)

    # ---- routes ----------------------------------------------------------------------------
    def add_routes(self, bp: Blueprint) -> None:
        """Adds every /office route to ``bp`` (mounted at the server's root). Only the stylesheet and the
        login are public; every other route needs a live session (:meth:`logged_in`)."""
        public = [
            Route(self.stylesheet, "/static/office.css"),
            Route(self.login_form, "/login"),
            Route(self.login, "/login", "POST"),
        ]
        members_only = [
            Route(self.logout, "/logout", "POST"),
            Route(self.overview, ""),
            Route(self.cohort_list, "/cohorts"),
            Route(self.cohort_page, "/cohorts/<cohort_id>"),
            Route(self.cohort_csv, "/cohorts/<cohort_id>/registrations.csv"),
            Route(self.cohort_change, "/cohorts/<cohort_id>/<change:close|reopen>", "POST"),
            Route(self.unanswered_page, "/unanswered"),
            Route(self.review, "/unanswered/review", "POST"),
            Route(self.feedback_page, "/feedback"),
            Route(self.feedback_download, "/feedback.csv"),
            Route(self.notifications_page, "/notifications"),
            Route(self.audit_page, "/audit"),
        ]
        routes = public + [route._replace(handler=self.logged_in(route.handler)) for route in members_only]
        for index, (handler, path, method) in enumerate(routes):
            bp.add_route(_plain(handler), PREFIX + path, methods=[method], name=f"office_{index}_{handler.__name__}")

    def logged_in(self, handler: Handler) -> Handler:
        """Runs ``handler`` for a live session only; a POST also needs its CSRF token and our origin."""

        @functools.wraps(handler)
        async def guarded(request: Request, **kwargs: Any) -> HTTPResponse:
            token = request.cookies.get(auth.SESSION_COOKIE)
            session = office_store.session_for(self.conn, token, self.settings.idle) if token else None
            if session is None:
                if request.method == "GET" and not request.path.endswith(".csv"):
                    target = urllib.parse.quote(request.path)
                    return response.redirect(f"{PREFIX}/login?next={target}", status=303, headers=SECURITY_HEADERS)
                return self.refuse(request, 403, "ログインしてください。")
            request.ctx.office_session = session
            if request.method == "POST":
                if not self._same_origin(request):
                    return self.refuse(request, 403, "別のサイトからの送信は受け付けません。")
                if not auth.same_token(session.csrf_token, request.form.get("csrf")):
                    return self.refuse(request, 403, "フォームの有効期限が切れました。ページを開き直してください。")
            try:
                return await handler(request, **kwargs)
            except CatalogueMissing:
                return self.refuse(request, 503, "研修カタログがありません（python -m bot catalogue build）。")
            except DbError:
                logger.exception("office console: database error")
                return self.refuse(request, 503, "データベースを読み書きできませんでした。時間をおいてお試しください。")

        return guarded

    @staticmethod
    def _same_origin(request: Request) -> bool:
        origin = request.headers.get("Origin")
        if not origin or origin == "null":
            return origin is None
        return bool(urllib.parse.urlsplit(origin).netloc == request.host)

    def user(self, request: Request) -> str:
        return str(request.ctx.office_session.user_name)

    def audit(self, request: Request, event: str, target: str | None = None, detail: str | None = None) -> None:
        entry = office_store.AuditEntry(self.user(request), event, target=target, detail=detail, remote_addr=request.ip)
        office_store.record(self.conn, entry)

    # ---- handlers --------------------------------------------------------------------------
    async def stylesheet(self, request: Request) -> HTTPResponse:
        css = (HERE / "static" / "office.css").read_text(encoding="utf-8")
        return response.text(css, content_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=300"})

    async def login_form(self, request: Request, error: str | None = None, status: int = 200) -> HTTPResponse:
        nonce = auth.new_token()
        resp = self.render(
            "login.html",
            request,
            status=status,
            title="ログイン",
            nonce=nonce,
            error=error,
            next=self._next(request),
            no_users=office_store.user_count(self.conn) == 0,
        )
        _cookie(resp, auth.LOGIN_COOKIE, nonce, self.settings.cookie_secure, max_age=3600)
        return resp

    @staticmethod
    def _next(request: Request) -> str:
        posted = request.form.get("next") if request.method == "POST" else None
        target = posted or request.args.get("next") or ""
        return target if target.startswith(PREFIX) and "//" not in target and "\\" not in target else PREFIX

    async def login(self, request: Request) -> HTTPResponse:
        if not self._same_origin(request) or not auth.same_token(
            request.cookies.get(auth.LOGIN_COOKIE), request.form.get("csrf")
        ):
            return await self.login_form(request, "フォームの有効期限が切れました。もう一度ログインしてください。", 403)
        try:
            token, _ = auth.log_in(
                self.conn,
                self.settings,
                request.form.get("name") or "",
                request.form.get("password") or "",
                request.ip,
            )
        except auth.LoginRefused as refused:
            return await self.login_form(request, str(refused), 401)
        resp = response.redirect(self._next(request), status=303, headers=SECURITY_HEADERS)
        _cookie(resp, auth.SESSION_COOKIE, token, self.settings.cookie_secure)
        del resp.cookies[auth.LOGIN_COOKIE]
        return resp

    async def logout(self, request: Request) -> HTTPResponse:
        token = request.cookies.get(auth.SESSION_COOKIE) or ""
        self.audit(request, "logout")
        office_store.end_session(self.conn, token)
        resp = response.redirect(f"{PREFIX}/login?done=logged_out", status=303, headers=SECURITY_HEADERS)
        del resp.cookies[auth.SESSION_COOKIE]
        return resp

    async def overview(self, request: Request) -> HTTPResponse:
        # The figures are stamped with the real time, so the weeks end at the real date (not MANABI_TODAY).
        data = pages.overview(self.conn, self.paths.tracker_db, office_store.now_jst().date())
        return self.render("overview.html", request, title="概要", nav="overview", overview=data)

    async def cohort_list(self, request: Request) -> HTTPResponse:
        rows = pages.cohort_rows(self.catalogue(), self.conn, self.today())
        return self.render("cohorts.html", request, title="募集期", nav="cohorts", rows=rows)

    async def cohort_page(
        self, request: Request, cohort_id: str, error: str | None = None, status: int = 200
    ) -> HTTPResponse:
        detail = pages.cohort_detail(self.catalogue(), self.conn, cohort_id, self.today())
        if detail is None:
            return self.refuse(request, 404, f"募集期「{cohort_id}」はありません。")
        return self.render(
            "cohort.html",
            request,
            status=status,
            title=detail.row.title,
            nav="cohorts",
            detail=detail,
            error=error,
            today=self.today().isoformat(),
        )

    async def cohort_csv(self, request: Request, cohort_id: str) -> HTTPResponse:
        cohort = self.catalogue().cohort(cohort_id)
        if cohort is None:
            return self.refuse(request, 404, f"募集期「{cohort_id}」はありません。")
        rows = store.for_cohort(self.conn, cohort_id)
        self.audit(request, "registrations_downloaded", target=cohort_id, detail=f"{len(rows)} rows")
        name = f"registrations-{cohort_id}-{self.today():%Y%m%d}.csv"
        return response.raw(
            export.registrations_csv(rows),
            content_type="text/csv; charset=utf-8",
            headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def cohort_change(self, request: Request, cohort_id: str, change: str) -> HTTPResponse:
        actor = f"office:{self.user(request)}"
        note = (request.form.get("note") or "").strip()[:500] or None
        try:
            if change == "close":
                cohorts.close(self.catalogue(), self.conn, cohort_id, actor=actor, note=note)
            else:
                until = request.form.get("until") or ""
                deadline = dt.date.fromisoformat(until) if until else None
                cohorts.reopen(
                    self.catalogue(), self.conn, cohort_id, self.today(), actor=actor, until=deadline, note=note
                )
        except ValueError as error:  # CohortError, or a malformed date
            message = str(error) if isinstance(error, cohorts.CohortError) else "締切は YYYY-MM-DD で入力してください。"
            return await self.cohort_page(request, cohort_id, error=message, status=400)
        self.audit(
            request, f"cohort_{change}d" if change == "close" else "cohort_reopened", target=cohort_id, detail=note
        )
        done = "closed" if change == "close" else "reopened"
        return response.redirect(f"{PREFIX}/cohorts/{cohort_id}?done={done}", status=303, headers=SECURITY_HEADERS)

    async def unanswered_page(self, request: Request) -> HTTPResponse:
        wanted = request.args.get("status")
        status = wanted if wanted in STATUS_LABELS else None
        groups = pages.unanswered_groups(self.conn, status)
        return self.render(
            "unanswered.html", request, title="未回答の質問", nav="unanswered", groups=groups, shown=status
        )

    async def review(self, request: Request) -> HTTPResponse:
        key = request.form.get("group") or ""
        status = request.form.get("status") or ""
        if status not in STATUS_LABELS:
            return self.refuse(request, 400, "対応状況を選んでください。")
        group = pages.find_group(self.conn, key)
        if group is None:
            return self.refuse(request, 404, "その質問のまとまりは見つかりません。ページを開き直してください。")
        note = request.form.get("note")
        unanswered.set_review(self.conn, group.keys, status, note, updated_by=self.user(request))
        self.audit(request, "unanswered_reviewed", target=group.label[:200], detail=f"{status}: {(note or '')[:200]}")
        return response.redirect(f"{PREFIX}/unanswered?done=review_saved", status=303, headers=SECURITY_HEADERS)

    async def feedback_page(self, request: Request) -> HTTPResponse:
        data = pages.feedback_page(self.conn)
        return self.render("feedback.html", request, title="回答への評価", nav="feedback", data=data)

    async def feedback_download(self, request: Request) -> HTTPResponse:
        rows = pages.feedback_page(self.conn).down
        self.audit(request, "feedback_downloaded", detail=f"{len(rows)} rows")
        return response.raw(
            feedback_csv(rows),
            content_type="text/csv; charset=utf-8",
            headers={**SECURITY_HEADERS, "Content-Disposition": 'attachment; filename="feedback-down.csv"'},
        )

    async def notifications_page(self, request: Request) -> HTTPResponse:
        data = notification_report.overview(self.conn, self.clock.now())
        return self.render(
            "notifications.html",
            request,
            title="通知",
            nav="notifications",
            data=data,
            kinds=notification_report.KIND_LABELS,
            statuses=notification_report.STATUS_LABELS,
        )

    async def audit_page(self, request: Request) -> HTTPResponse:
        rows = office_store.audit_trail(self.conn)
        return self.render("audit.html", request, title="操作記録", nav="audit", rows=rows)


def _plain(handler: Handler) -> Handler:
    """A function wrapping ``handler``: Sanic marks route handlers with attributes, bound methods take none."""

    async def route(request: Request, **kwargs: Any) -> HTTPResponse:
        return await handler(request, **kwargs)

    route.__name__ = handler.__name__
    return route


def console_from_env(env: dict[str, str] | None = None) -> OfficeConsole:
    """The console with the settings and database paths of this process's environment."""
    from bot.settings import load_settings

    settings = load_settings(env)
    paths = Paths(settings.state_location, settings.catalogue_db, settings.tracker_location)
    return OfficeConsole(OfficeSettings.from_env(env), paths)

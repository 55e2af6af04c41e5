"""The back office as a mounted Starlette app (`/backoffice/…`) plus `GET /admin/audit`.

`routes(ctx)` is the one thing delivery/app.py adds to its route list.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from delivery.backoffice import guard, pages, posts
from delivery.backoffice.audit import audit_json
from delivery.backoffice.i18n import lang_of, t
from delivery.backoffice.render import page
from delivery.backoffice.session import COOKIE, MAX_AGE_S, secret_for
from delivery.ctx import Ctx, log

PREFIX = "/backoffice"

PAGES = [
    Route("/", pages.home, methods=["GET"]),
    Route("/login", guard.login_form, methods=["GET"]),
    Route("/login", guard.login, methods=["POST"]),
    Route("/logout", guard.logout, methods=["POST"]),
    Route("/orders", pages.order_list, methods=["GET"]),
    Route("/orders/{order_no}", pages.order_detail, methods=["GET"]),
    Route("/orders/{order_no}/{action}", posts.order_action, methods=["POST"]),
    Route("/query-pending", posts.query_pending, methods=["POST"]),
    Route("/stock", pages.stock_page, methods=["GET"]),
    Route("/stock/import", posts.import_stock, methods=["POST"]),
    Route("/api-log", pages.api_log_page, methods=["GET"]),
    Route("/review", pages.review_page, methods=["GET"]),
    Route("/notices", pages.notices_page, methods=["GET"]),
    Route("/notices", posts.send_notice, methods=["POST"]),
    Route("/audit", pages.audit_page, methods=["GET"]),
]


async def http_error(request: Request, exc: Exception) -> Response:
    """Unknown page / wrong method: the error page, in the operator's language."""
    assert isinstance(exc, HTTPException)
    lang = lang_of(request)
    if exc.status_code == 405:
        text = t(lang, "err.method", method=request.method)
    elif exc.status_code == 404:
        text = t(lang, "err.not_found", path=request.url.path)
    else:
        text = t(lang, "err.bad_request", reason=str(exc.detail))
    return page(request, "error.html", exc.status_code, error=text)


async def crash(request: Request, exc: Exception) -> Response:
    log.exception("back office error on %s %s", request.method, request.url.path)
    return page(request, "error.html", 500, error=t(lang_of(request), "err.internal"))


def backoffice_app(ctx: Ctx) -> Starlette:
    """The pages, behind a signed session cookie scoped to the mount."""
    session = Middleware(SessionMiddleware, secret_key=secret_for(ctx.cfg), session_cookie=COOKIE,
                         max_age=MAX_AGE_S, path=PREFIX, same_site="strict")
    app = Starlette(routes=PAGES, middleware=[session],
                    exception_handlers={HTTPException: http_error, Exception: crash})
    app.state.ctx = ctx
    return app


def audit_app(ctx: Ctx) -> Starlette:
    app = Starlette(routes=[Route("/admin/audit", audit_json, methods=["GET"])])
    app.state.ctx = ctx
    return app


def routes(ctx: Ctx) -> list[BaseRoute]:
    """Mount the pages under /backoffice and serve the audit JSON at /admin/audit."""
    return [Mount(PREFIX, app=backoffice_app(ctx)),
            Route("/admin/audit", audit_app(ctx), methods=["GET"])]

"""Pages need a logged-in operator; the login page and its form live here too."""

from __future__ import annotations

import contextlib
import functools
import hmac
import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from delivery.backoffice import audit, forms
from delivery.backoffice.i18n import lang_of, t
from delivery.backoffice.outcome import DONE, REFUSED, Outcome, Refused
from delivery.backoffice.render import page, redirect
from delivery.backoffice.session import operator_of
from delivery.ctx import Ctx

Handler = Callable[[Request, str], Awaitable[Response]]


def operator_page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Call handler(request, operator) for a logged-in operator; else go to the login page."""
    @functools.wraps(handler)
    async def checked(request: Request) -> Response:
        operator = operator_of(request)
        if operator is None:
            return redirect(request, "/login")
        return await handler(request, operator)
    return checked


async def login_form(request: Request) -> Response:
    return page(request, "login.html")


async def login(request: Request) -> Response:
    """POST operator + admin token → a session for that operator name (audited)."""
    ctx: Ctx = request.app.state.ctx
    lang = lang_of(request)
    try:
        form = await forms.read(request)
        name = forms.text(form, "operator", "login.operator", 64)
    except forms.FormError as exc:
        return page(request, "login.html", 422, error=exc.message(lang))
    except Refused as exc:
        return page(request, "login.html", exc.status, error=t(lang, exc.key, **exc.params))
    token = form.get("token", "")
    good = bool(token) and hmac.compare_digest(token.encode(), ctx.cfg.admin_token.encode())
    out = Outcome("login", None, DONE if good else REFUSED, "login.submit", {},
                  {} if good else {"error": "wrong admin token"})
    await ctx.db.tx(audit.record, name, out, time.time())
    if not good:
        return page(request, "login.html", 401, error=t(lang, "err.login"))
    request.session["operator"] = name
    return redirect(request, "/orders?group=stuck")


async def logout(request: Request) -> Response:
    with contextlib.suppress(Refused):  # logging out is always allowed
        await forms.read(request)
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    return redirect(request, "/login")

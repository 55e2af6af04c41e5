"""Pages from the package's Jinja2 templates (autoescaped), in the operator's language."""

from __future__ import annotations

from functools import partial
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from delivery.backoffice.fmt import clock
from delivery.backoffice.i18n import lang_of, t
from delivery.backoffice.outcome import Outcome
from delivery.backoffice.session import csrf_token, operator_of

_ENV = Environment(loader=PackageLoader("delivery.backoffice", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
_ENV.filters["clock"] = clock
_ENV.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}


def base(request: Request) -> str:
    """The mount prefix (``/backoffice``) that every link starts with."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def page(request: Request, name: str, status: int = 200, *, outcome: Outcome | None = None,
         error: str | None = None, **values: Any) -> HTMLResponse:
    lang = lang_of(request)
    say = partial(t, lang)
    banner = None
    if outcome is not None:
        banner = {"kind": outcome.result, "text": say(outcome.key, **outcome.params)}
        status = outcome.status if status == 200 else status
    if error is not None:
        banner = {"kind": "refused", "text": error}
    html = _ENV.get_template(name).render(
        t=say, lang=lang, base=base(request), path=request.url.path, banner=banner,
        operator=operator_of(request), csrf=csrf_token(request), **values)
    return HTMLResponse(html, status_code=status)


def redirect(request: Request, to: str) -> RedirectResponse:
    return RedirectResponse(base(request) + to, status_code=303)

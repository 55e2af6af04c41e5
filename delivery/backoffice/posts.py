"""The action forms (POST, CSRF-checked): each shows on the page exactly what it did."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from delivery.backoffice import actions, care, forms, repair
from delivery.backoffice.guard import operator_page
from delivery.backoffice.i18n import lang_of, t
from delivery.backoffice.outcome import Outcome, Refused
from delivery.backoffice.pages import detail_page, notice_defaults, order_list_page
from delivery.backoffice.queries import stock_rows
from delivery.backoffice.render import page
from delivery.ctx import Ctx

MAX_LISTED = 500  # order numbers one 批量通知 may name
OrderAction = Callable[[Ctx, str, str, dict[str, str]], Awaitable[Outcome]]


async def _coupon(ctx: Ctx, operator: str, order_no: str, form: dict[str, str]) -> Outcome:
    code = forms.coupon_code(form, "code", "coupon.code", required=True)
    lang = form.get("lang", "zh")

    def step(conn: Connection, now: float) -> Outcome:
        return care.issue_coupon(conn, ctx, order_no, code, lang, now)
    return await actions.run(ctx, operator, "coupon", order_no, step)


async def _review(ctx: Ctx, operator: str, order_no: str, form: dict[str, str]) -> Outcome:
    verdict = forms.choice(form, "approve", "col.action", ("1", "0"), "")
    return await actions.review(ctx, operator, order_no, verdict == "1")


def _simple(fn: Callable[[Ctx, str, str], Awaitable[Outcome]]) -> OrderAction:
    async def call(ctx: Ctx, operator: str, order_no: str, form: dict[str, str]) -> Outcome:
        return await fn(ctx, operator, order_no)
    return call


ORDER_ACTIONS: dict[str, OrderAction] = {
    "deliver": _simple(actions.deliver),
    "resend": _simple(actions.resend),
    "retry": _simple(actions.retry),
    "refund": _simple(actions.refund),
    "review": _review,
    "coupon": _coupon,
    "query": _simple(repair.query_one),
}


@operator_page
async def order_action(request: Request, operator: str) -> Response:
    """POST /orders/{order_no}/{action}: run it, then show the order with the outcome."""
    ctx: Ctx = request.app.state.ctx
    order_no, name = request.path_params["order_no"], request.path_params["action"]
    lang = lang_of(request)
    act = ORDER_ACTIONS.get(name)
    if act is None:
        return page(request, "error.html", 404, error=t(lang, "err.not_found",
                                                        path=request.url.path))
    try:
        form = await forms.read(request)
        form["lang"] = lang
        out = await act(ctx, operator, order_no, form)
    except forms.FormError as exc:
        return await detail_page(request, order_no, error=exc.message(lang), status=422)
    except Refused as exc:
        return await detail_page(request, order_no, error=t(lang, exc.key, **exc.params),
                                 status=exc.status)
    return await detail_page(request, order_no, outcome=out)


def _template(form: dict[str, str]) -> care.Template:
    subject = forms.text(form, "subject", "notice.subject", 200)
    body = forms.text(form, "body", "notice.body", 2000)
    for label, value in (("notice.subject", subject), ("notice.body", body)):
        bad = care.bad_placeholder(value)
        if bad == "{":
            raise forms.FormError(label, "braces")
        if bad is not None:
            raise forms.FormError(label, "placeholder", name=bad)
    minutes = forms.integer(form, "minutes", "notice.minutes", 1, 24 * 60) or 10
    coupon = forms.coupon_code(form, "coupon", "notice.coupon", required=False)
    return care.Template(subject, body, minutes, coupon)


async def _targets(ctx: Ctx, form: dict[str, str]) -> list[str]:
    target = forms.choice(form, "target", "notice.target", ("one", "list", "delayed"), "one")
    if target == "one":
        return [forms.text(form, "order_no", "col.order_no", 40)]
    if target == "list":        # 批量通知: the orders a 补单 just found, in one go
        return forms.order_list(form, "order_nos", "notice.list", MAX_LISTED)
    older = forms.integer(form, "older", "orders.older", 0, 10 * 24 * 60, 0) or 0
    cutoff = time.time() - ctx.cfg.wall(older * 60.0)
    return await ctx.db.tx(care.delayed, cutoff)


@operator_page
async def send_notice(request: Request, operator: str) -> Response:
    """POST /notices: the edited template to one order or to every delayed one."""
    ctx: Ctx = request.app.state.ctx
    lang = lang_of(request)
    values = notice_defaults(ctx, lang)
    try:
        form = await forms.read(request)
        values.update({k: form[k] for k in values if k in form})
        tpl = _template(form)
        targets = await _targets(ctx, form)
    except forms.FormError as exc:
        return page(request, "notices.html", 422, error=exc.message(lang), form=values)
    except Refused as exc:
        return page(request, "notices.html", exc.status, error=t(lang, exc.key, **exc.params),
                    form=values)
    if not targets:
        out = Outcome("notice", None, "noop", "out.noticed",
                      {"n": 0, "orders": "-", "skipped": 0}, {"sent": [], "skipped": []})
        return page(request, "notices.html", outcome=out, form=values)

    def step(conn: Connection, now: float) -> Outcome:
        return care.notify(conn, ctx, tpl, targets, now)
    out = await actions.run(ctx, operator, "notice", targets[0] if len(targets) == 1 else None,
                            step)
    return page(request, "notices.html", outcome=out, form=values)


@operator_page
async def query_pending(request: Request, operator: str) -> Response:
    """POST /query-pending: 补单 for every unpaid order (older than `older` scenario min)."""
    ctx: Ctx = request.app.state.ctx
    lang = lang_of(request)
    try:
        form = await forms.read(request)
        older = forms.integer(form, "older", "orders.older", 0, 10 * 24 * 60, 0) or 0
    except forms.FormError as exc:
        return await order_list_page(request, "pending", None, error=exc.message(lang),
                                     status=422)
    out = await repair.query_pending(ctx, operator, older)
    return await order_list_page(request, "pending", older or None, outcome=out)


@operator_page
async def import_stock(request: Request, operator: str) -> Response:
    """POST /stock/import: keys, one a line, into a local product (for the hand delivery)."""
    ctx: Ctx = request.app.state.ctx
    lang = lang_of(request)
    out: Outcome | None = None
    err: str | None = None
    status = 200
    try:
        form = await forms.read(request, forms.MAX_IMPORT_BYTES)
        product = forms.text(form, "product_id", "col.product", 64)
        codes = [c.strip() for c in form.get("codes", "").splitlines() if c.strip()]
        if not codes:
            raise forms.FormError("stock.import", "required")
        if any(len(c) > 200 for c in codes):
            raise forms.FormError("stock.import", "too_long", max=200)
        out = await actions.import_keys(ctx, operator, product, codes)
    except forms.FormError as exc:
        err, status = exc.message(lang), 422
    except Refused as exc:
        err, status = t(lang, exc.key, **exc.params), exc.status
    rows = await ctx.db.tx(stock_rows, ctx.cfg)
    return page(request, "stock.html", status, outcome=out, error=err, products=rows)

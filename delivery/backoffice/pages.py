"""The read pages: orders (by status group and scenario age), one order, stock, API log,
review queue, notices form, audit log. Looking is audited too (the scoring's "first look")."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from delivery.backoffice import audit, care, queries
from delivery.backoffice.fmt import age_minutes
from delivery.backoffice.forms import FormError, choice, integer
from delivery.backoffice.guard import operator_page
from delivery.backoffice.i18n import lang_of, t
from delivery.backoffice.outcome import DONE, Outcome
from delivery.backoffice.render import page, redirect
from delivery.ctx import Ctx

MAX_MINUTES = 10 * 24 * 60


async def _looked(ctx: Ctx, operator: str, order_no: str | None, **what: Any) -> None:
    out = Outcome("view", order_no, DONE, "", {}, what)
    await ctx.db.tx(audit.record, operator, out, time.time())


async def home(request: Request) -> Response:
    return redirect(request, "/orders?group=stuck")


def _with_ages(ctx: Ctx, rows: list[dict[str, Any]], now: float) -> list[dict[str, Any]]:
    for o in rows:
        o["age_min"] = age_minutes(ctx.cfg, o["created_at"], now)
        o["wait_min"] = age_minutes(ctx.cfg, o["paid_at"], now) if o["paid_at"] else None
    return rows


@operator_page
async def order_list(request: Request, operator: str) -> Response:
    """?group=stuck&older=10: the group's orders created over `older` scenario minutes ago."""
    q = request.query_params
    try:
        group = choice(q, "group", "col.status", tuple(queries.GROUPS), "all")
        older = integer(q, "older", "orders.older", 0, MAX_MINUTES)
    except FormError as exc:
        return page(request, "orders.html", 400, error=exc.message(lang_of(request)),
                    groups=queries.GROUPS, group="all", older="", orders=[], oldest=0.0)
    return await order_list_page(request, group, older, operator=operator)


async def order_list_page(request: Request, group: str, older: int | None, *,
                          operator: str | None = None, outcome: Outcome | None = None,
                          error: str | None = None, status: int = 200) -> Response:
    """The order list (audited as a look when `operator` is given; used by the POSTs too)."""
    ctx: Ctx = request.app.state.ctx
    now = time.time()
    older_wall = ctx.cfg.wall(older * 60.0) if older is not None else None
    rows = _with_ages(ctx, await ctx.db.tx(queries.order_list, group, older_wall, now), now)
    if operator is not None:
        await _looked(ctx, operator, None, page="orders", group=group, older_min=older,
                      count=len(rows))
    oldest = max((o["wait_min"] or 0.0 for o in rows), default=0.0)
    return page(request, "orders.html", status, outcome=outcome, error=error,
                groups=queries.GROUPS, group=group, older="" if older is None else older,
                orders=rows, oldest=oldest)


@operator_page
async def order_detail(request: Request, operator: str) -> Response:
    ctx: Ctx = request.app.state.ctx
    order_no = request.path_params["order_no"]
    await _looked(ctx, operator, order_no, page="order")
    return await detail_page(request, order_no)


async def detail_page(request: Request, order_no: str, outcome: Outcome | None = None,
                      error: str | None = None, status: int = 200) -> Response:
    """The order page, optionally with what the last action did (used by the POSTs too)."""
    ctx: Ctx = request.app.state.ctx
    found = await ctx.db.tx(queries.order_detail, order_no)
    if found is None:
        return page(request, "error.html", 404, outcome=outcome,
                    error=error or _no_order(request, order_no))
    now = time.time()
    _with_ages(ctx, [found["order"]], now)
    history = await ctx.db.tx(audit.rows, 0, 200, order_no)
    return page(request, "order.html", status, outcome=outcome, error=error, history=history,
                coupon=ctx.cfg.buyer_notice.coupon or "", **found)


def _no_order(request: Request, order_no: str) -> str:
    return t(lang_of(request), "err.no_order", order_no=order_no)


@operator_page
async def stock_page(request: Request, operator: str) -> Response:
    ctx: Ctx = request.app.state.ctx
    rows = await ctx.db.tx(queries.stock_rows, ctx.cfg)
    await _looked(ctx, operator, None, page="stock",
                  low=[r["id"] for r in rows if r["low"]])
    return page(request, "stock.html", products=rows)


@operator_page
async def api_log_page(request: Request, operator: str) -> Response:
    ctx: Ctx = request.app.state.ctx
    log = await ctx.db.tx(queries.api_log, 100)
    await _looked(ctx, operator, None, page="api_log")
    last = log["payments"][0]["received_at"] if log["payments"] else None
    return page(request, "apilog.html", log=log,
                last_payment_min=age_minutes(ctx.cfg, last, time.time()))


@operator_page
async def review_page(request: Request, operator: str) -> Response:
    ctx: Ctx = request.app.state.ctx
    now = time.time()
    rows = _with_ages(ctx, await ctx.db.tx(queries.order_list, "review", None, now), now)
    await _looked(ctx, operator, None, page="review", count=len(rows))
    return page(request, "review.html", orders=rows)


def notice_defaults(ctx: Ctx, lang: str) -> dict[str, Any]:
    bn = ctx.cfg.buyer_notice
    minutes = max(1, int(bn.delay_after_s // 60) or 10)
    tpl = care.default_template(lang, minutes, bn.coupon or "")
    return {"subject": tpl.subject, "body": tpl.body, "minutes": minutes,
            "coupon": tpl.coupon, "target": "delayed", "order_no": "", "order_nos": "",
            "older": minutes}


@operator_page
async def notices_page(request: Request, operator: str) -> Response:
    ctx: Ctx = request.app.state.ctx
    values = dict(notice_defaults(ctx, lang_of(request)))
    values["order_no"] = request.query_params.get("order_no", "")[:40]
    if values["order_no"]:
        values["target"] = "one"
    return page(request, "notices.html", form=values)


@operator_page
async def audit_page(request: Request, operator: str) -> Response:
    ctx: Ctx = request.app.state.ctx
    rows = await ctx.db.tx(audit.rows, 0, 100_000)
    return page(request, "audit.html", rows=list(reversed(rows))[:300])

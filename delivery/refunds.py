"""Give back a second payment: a `refund` outbox job asks the gateway to refund the trade
(epay's ``api.php?act=refund`` with pid, key, trade_no, money), retried with backoff.

The job is enqueued in the transaction that recorded the payment (store/payments.py:
a second, different payment for an order already paid). The gateway's yes ends it;
its no (code != 1: the merchant balance too low, the trade unknown …) or giving up
after the outbox's retry budget (store/jobs.py) raises the `refund_needed` alert, so a human refunds
by hand. A refusal that says the trade is already refunded (a retry after a reply we
never read) is checked with an order query: status 2 means done.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import httpx
from sqlalchemy import Connection

from delivery import defects as D
from delivery import defects_round7 as D7
from delivery.ctx import Ctx, log
from delivery.store import jobs
from delivery.store.alerts import raise_alert

REFUNDED = "2"  # epay order status: 0 unpaid, 1 paid, 2 refunded

Outcome = Literal["done", "refused", "retry"]


def enqueue(conn: Connection, order_no: str, trade_no: str, money: str, now: float) -> None:
    """Queue the refund of `trade_no` (once per trade: the dedupe key is the trade)."""
    jobs.enqueue(conn, "refund", f"refund:{trade_no}", now, order_no=order_no,
                 payload={"trade_no": trade_no, "money": money})


async def _api(ctx: Ctx, params: dict[str, str]) -> dict[str, Any] | None:
    g = ctx.cfg.gateway
    r = await ctx.client().post(g.url.rstrip("/") + "/api.php",
                                data={"pid": g.pid, "key": g.key, **params}, timeout=5.0)
    doc = r.json()
    return doc if isinstance(doc, dict) else None


async def request(ctx: Ctx, trade_no: str, money: str) -> tuple[Outcome, str]:
    """(outcome, why) of one refund request."""
    try:
        doc = await _api(ctx, {"act": "refund", "trade_no": trade_no, "money": money})
        if doc is None:
            return "retry", "the gateway's refund reply is not a JSON object"
        if str(doc.get("code")) == "1" or ctx.defects.on(D.REFUND_ANY_REPLY_DONE):  # bug zoo
            return "done", str(doc.get("msg") or "")
        why = str(doc.get("msg") or doc)[:200]
        seen = await _api(ctx, {"act": "order", "trade_no": trade_no})
    except (httpx.HTTPError, ValueError) as exc:
        return "retry", type(exc).__name__
    if seen is not None and str(seen.get("status")) == REFUNDED:
        return "done", f"already refunded ({why})"
    return "refused", why


def _escalate(conn: Connection, ctx: Ctx, job: dict[str, Any], p: dict[str, Any], why: str,
              now: float) -> None:
    if jobs.finish(conn, job, now, "failed"):
        raise_alert(conn, ctx, "refund_needed", "warning",
                    f"order {job['order_no']} paid again (trade_no={p['trade_no']}, "
                    f"money={p['money']}); the gateway did not refund it ({why}); "
                    "refund it by hand", now)


async def run(ctx: Ctx, job: dict[str, Any]) -> None:
    """One attempt of a claimed refund job: finish, escalate, or retry later."""
    p = json.loads(job["payload"])
    outcome, why = await request(ctx, str(p["trade_no"]), str(p["money"]))
    now = ctx.now()
    if outcome == "done":
        log.info("refunded trade %s of order %s: %s", p["trade_no"], job["order_no"], why)
        await ctx.db.tx(jobs.finish, job, now)
    elif (outcome == "refused" and not ctx.defects.on(D7.REFUND_REFUSAL_RETRIED)) or jobs.exhausted(
            job, now, ctx.cfg.wall(jobs.GIVE_UP_AFTER_S)):  # bug zoo: a refusal retried, no alert
        log.warning("refund of trade %s (order %s) not done: %s", p["trade_no"],
                    job["order_no"], why)
        await ctx.db.tx(_escalate, ctx, job, p, why, now)
        ctx.wake_outbox.set()
    else:
        delay = ctx.cfg.wall(jobs.backoff_s(job["attempts"]))
        await ctx.db.tx(jobs.retry_later, job, now, now + delay)

"""Monitor: alert rules evaluated continuously, plus the periodic chores
(order expiry, delay notices, reconcile, metric snapshots).

Rules (thresholds in config `monitor`, durations in scenario seconds):
- stuck_paid_orders: more than `stuck_threshold` orders paid within the last
  `window_s`, still undelivered `stuck_after_s` after payment.
- supplier_health: a supplier's error rate over the window above
  `supplier_error_rate` (at least `supplier_min_calls` calls), or its breaker open.
- low_stock: a local product with fewer than `low_stock_below` available keys.
- review_backlog: more than `review_backlog_above` orders in review.
- payment_anomaly: any bad signature / amount mismatch / unknown order in the window.
- manual_escalation, refund_needed: any order in that state (also raised at once
  by the worker / payment path).
Each alert is de-duplicated per (rule, window) in the alerts table.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Connection, func, select

from delivery import defects as D
from delivery import defects_round7 as D7
from delivery.ctx import Ctx, log
from delivery.db.engine import alerting_lane
from delivery.db.schema import anomalies, jobs, orders, supplier_calls
from delivery.notices import send_delivered, send_due
from delivery.reconcile import reconcile_once
from delivery.store import orders as order_store
from delivery.store.alerts import raise_alert
from delivery.store.stock import stock_table

# supplier answers that are no error: an asynchronous supplier accepting, partly or later
# fulfilling, or cancelling an order is working as designed (procure_wait.py)
HEALTHY_OUTCOMES = frozenset({"ok", "not_found", "out_of_stock", "processing", "partial",
                              "cancelled", "not_cancellable"})


def _count(conn: Connection, table: Any, *cond: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(*cond)).scalar_one())


def evaluate(conn: Connection, ctx: Ctx, now: float, breakers_open: list[str]) -> list[str]:
    m, w = ctx.cfg.monitor, ctx.cfg.wall
    since = now - w(m.window_s)
    fired: list[str] = []

    def fire(rule: str, severity: str, msg: str) -> None:
        if raise_alert(conn, ctx, rule, severity, msg, now):
            fired.append(rule)

    stuck = _count(conn, orders, orders.c.status.in_(("paid", "delivered") if ctx.defects.on(
                       D.STUCK_RULE_COUNTS_DELIVERED) else ("paid",)), orders.c.paid_at >= since,
                   orders.c.paid_at <= now - w(m.stuck_after_s))
    if stuck > m.stuck_threshold:
        fire("stuck_paid_orders", "critical",
             f"{stuck} paid orders undelivered after {m.stuck_after_s:g}s (threshold "
             f"{m.stuck_threshold} within {m.window_s:g}s)")
    calls = conn.execute(
        select(supplier_calls.c.supplier, supplier_calls.c.outcome, func.count())
        .where(supplier_calls.c.at >= since)
        .group_by(supplier_calls.c.supplier, supplier_calls.c.outcome)).all()
    per: dict[str, list[int]] = {}
    healthy = HEALTHY_OUTCOMES - D.ASYNC_OUTCOMES if ctx.defects.on(  # bug zoo: async = error
        D.HEALTH_COUNTS_ASYNC) else HEALTHY_OUTCOMES
    if ctx.defects.on(D7.HEALTH_IGNORES_TIMEOUTS):  # bug zoo: a timeout has no error status,
        healthy = healthy | {"timeout"}  # the error rate never sees it (linkerd2 #8915)
    for sup, outcome, n in calls:
        tot = per.setdefault(sup, [0, 0])
        tot[0] += n
        if outcome not in healthy:
            tot[1] += n
    for sup, (total, bad) in sorted(per.items()):
        if total >= m.supplier_min_calls and bad / total > m.supplier_error_rate:
            fire("supplier_health", "critical",
                 f"supplier {sup}: {bad}/{total} calls failed in the window")
    for sup in breakers_open:
        fire("supplier_health", "critical", f"supplier {sup}: circuit breaker open")
    for pid, counts in stock_table(conn).items():
        p = ctx.cfg.product(pid)
        if ctx.defects.on(D.LOW_STOCK_COUNTS_RESERVED):  # bug zoo: reserved keys count as stock
            counts = {**counts, "available": counts["available"] + counts["reserved"]}
        if p is not None and p.kind == "local" and counts["available"] < m.low_stock_below:
            fire("low_stock", "warning", f"product {pid}: {counts['available']} keys left")
    review = _count(conn, orders, orders.c.status == "review")
    if review > m.review_backlog_above:
        fire("review_backlog", "warning", f"{review} orders waiting for review")
    seen = conn.execute(select(anomalies.c.kind, func.count()).where(anomalies.c.at >= since)
                        .group_by(anomalies.c.kind)).all()
    if seen:
        fire("payment_anomaly", "critical",
             "payment anomalies: " + ", ".join(f"{k}={n}" for k, n in seen))
    for status, rule in (("manual", "manual_escalation"), ("refund_needed", "refund_needed")):
        n = _count(conn, orders, orders.c.status == status)
        if n:
            fire(rule, "critical", f"{n} orders in {status}")
    return fired


def snapshot(conn: Connection) -> dict[str, dict[str, int]]:
    o = conn.execute(select(orders.c.status, func.count()).group_by(orders.c.status)).all()
    j = conn.execute(select(jobs.c.kind, func.count())
                     .where(jobs.c.state.in_(("pending", "leased")))
                     .group_by(jobs.c.kind)).all()
    return {"orders": {s: int(n) for s, n in o}, "jobs": {k: int(n) for k, n in j}}


class Monitor:
    def __init__(self, ctx: Ctx, breakers: Any = None) -> None:
        self.ctx = ctx
        self.breakers = breakers  # the in-process worker's breakers, when there is one
        self.mailed_up_to = 0  # deliveries.id: delivery mails are queued past this one

    def _open_breakers(self) -> list[str]:
        if not self.breakers:
            return []
        return [n for n, b in self.breakers.items() if b.state == "open"]

    async def _every(self, period: float, fn: Any, name: str) -> None:
        while True:
            await asyncio.sleep(period)
            try:
                await fn()
            except Exception:
                log.exception("%s pass failed", name)
                if self.ctx.defects.on(D.MONITOR_DIES_ON_ERROR):  # bug zoo: no boundary per
                    return  # pass, the first error ends the loop for good

    async def _rules(self) -> None:
        with alerting_lane():  # never queued behind the buyers on a slow database
            await self._rules_pass()

    async def _rules_pass(self) -> None:
        ctx = self.ctx
        now = ctx.now()
        fired = await ctx.db.tx(evaluate, ctx, now, self._open_breakers())
        n = await ctx.db.tx(send_due, ctx, now)
        last = await ctx.db.tx(send_delivered, ctx, now, self.mailed_up_to)
        if last != self.mailed_up_to:
            n, self.mailed_up_to = n + 1, last
        if fired or n:
            ctx.wake_outbox.set()
            if fired:
                log.warning("alerts fired: %s", ", ".join(fired))

    async def _chores(self) -> None:
        ctx = self.ctx
        now = ctx.now()
        keep = ctx.defects.on(D.EXPIRED_KEYS_KEPT)  # bug zoo: expired-keys-kept
        swept = now - D.UTC8_S if ctx.defects.on(D.EXPIRY_SWEEP_UTC8) else now  # bug zoo: UTC+8
        one = ctx.defects.on(D.RELEASE_ONE_KEY)  # bug zoo: release-one-key
        paid = ctx.defects.on(D.EXPIRY_SWEEPS_PAID)  # bug zoo: the sweep cancels paid ones too
        await ctx.db.tx(lambda conn: order_store.expire_due(conn, swept, keep_keys=keep,
                                                            one_key=one, paid_too=paid))
        ctx.metrics.snapshot = await ctx.db.tx(snapshot)

    async def _reconcile(self) -> None:
        await reconcile_once(self.ctx)

    def tasks(self) -> list[asyncio.Task[None]]:
        c, w = self.ctx.cfg, self.ctx.cfg.wall
        out = [
            asyncio.create_task(
                self._every(max(0.02, w(c.monitor.every_s)), self._rules, "monitor")),
            asyncio.create_task(self._every(
                max(0.02, min(1.0, w(c.order_expiry_s) / 20)), self._chores, "chores")),
        ]
        if not self.ctx.defects.on(D.NO_RECONCILE):
            out.append(asyncio.create_task(
                self._every(max(0.05, w(c.reconcile.every_s)), self._reconcile, "reconcile")))
        return out

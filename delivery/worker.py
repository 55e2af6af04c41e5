"""Delivery worker: claims due delivery jobs with a lease, delivers each once.

Lease semantics: a claim holds the job for `worker.lease_s` (scenario s); a
heartbeat renews it while a slow supplier call is in flight. A worker that
dies stops renewing, so after the lease another worker re-claims the job;
the re-claim knows it is a retry (attempts > 1) and asks the supplier by
downstream_order_no before buying. Every write is fenced by
(claimed_by, attempts), and deliveries are unique per order, so a stale
worker can never deliver a second time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from delivery import defects as D
from delivery import defects_round6 as D6
from delivery import defects_round7 as D7
from delivery.ctx import Ctx, log
from delivery.procure import Procurer
from delivery.store import batch, deliveries, jobs, orders, stock
from delivery.store.deliveries import NotDeliverable

IDLE_POLL_S = 0.02  # wall: the longest idle poll (a job a payment in another process enqueued
# waits at most this long; a payment in this process wakes the worker at once)


class Worker:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.procurer = Procurer(ctx)
        self.running: set[asyncio.Task[None]] = set()
        self.lease_wall = ctx.cfg.wall(ctx.cfg.worker.lease_s)
        self.batch = not ctx.defects.names  # the bug zoo keeps the per-job paths it breaks
        self._found = True  # the last claim found work

    async def run(self) -> None:
        """Claim due jobs; idle, wait for a wake-up (a payment in this process) or poll. The
        poll doubles from `poll_s` while claims find nothing, up to IDLE_POLL_S wall: at
        time_scale 60 `poll_s` is 2 ms wall, 500 claims a second with nothing to do (the
        PostgreSQL bench at 100 polls/s burnt 7.5 % of a core idle)."""
        ctx, conc = self.ctx, self.ctx.cfg.worker.concurrency
        if ctx.defects.on(D.WORKER_CONCURRENCY_ONE):  # bug zoo: one job at a time (numprocs=1)
            conc = 1
        poll = max(0.002, ctx.cfg.wall(ctx.cfg.worker.poll_s))
        cap, wait = max(poll, IDLE_POLL_S), poll
        while True:
            free = conc - len(self.running)
            claimed: list[dict[str, Any]] = []
            if free > 0:
                try:
                    claimed = await self._claim(min(free, 64))
                except Exception:
                    log.exception("claim failed")
            for job in claimed:
                t = asyncio.create_task(self._guarded(job))
                self.running.add(t)
                t.add_done_callback(self.running.discard)
            if len(claimed) < max(free, 1) or free <= 0:
                ctx.wake.clear()
                wait = poll if self._found else min(cap, wait * 2)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(ctx.wake.wait(), wait)
                if ctx.wake.is_set():
                    wait = poll

    async def _claim(self, n: int) -> list[dict[str, Any]]:
        """Due jobs, leased for the per-job path; the common local ones are delivered right
        here, claim and delivery in one transaction (store/batch.py)."""
        ctx = self.ctx
        self._found = True
        if self.batch:
            try:
                shipped, leased = await ctx.db.tx(batch.claim_and_deliver, ctx.worker_id,
                                                  ctx.now(), self.lease_wall, n, self._local_pid)
            except (batch.Conflict, IntegrityError) as exc:
                log.warning("batch delivery rolled back (%s); per-job path this round", exc)
            else:
                if shipped:
                    now = self.ctx.now()
                    hist, count = ctx.metrics.delivery_latency, ctx.metrics.deliveries
                    for _no, paid_at in shipped:
                        if paid_at:
                            hist.observe(max(0.0, now - paid_at))
                    count.labels(source="local").inc(len(shipped))
                self._found = bool(shipped or leased)
                return leased
        claim = D6.claim_pending if ctx.defects.on(  # bug zoo: a dead worker's leases stay
            D.CRASHED_LEASES_NEVER_RECLAIMED) else jobs.claim
        leased = await ctx.db.tx(claim, ("deliver",), ctx.worker_id, self.ctx.now(),
                                 self.lease_wall, n)
        self._found = bool(leased)
        return leased

    def _local_pid(self, product_id: str) -> bool:
        p = self.ctx.cfg.product(product_id)
        return p is not None and p.kind == "local"

    async def _guarded(self, job: dict[str, Any]) -> None:
        try:
            await self.handle(job)
        except Exception:
            log.exception("delivery job %s (order %s) failed; retrying later", job["id"],
                          job["order_no"])
            with contextlib.suppress(Exception):
                now = self.ctx.now()
                await self.ctx.db.tx(jobs.retry_later, job, now, now + self.lease_wall / 4)

    async def handle(self, job: dict[str, Any]) -> None:
        ctx = self.ctx
        force = bool(json.loads(job["payload"] or "{}").get("force"))
        if not force and not ctx.defects.on(D.ACK_BEFORE_DELIVER) and self._is_local(job):
            await self._local(job, None, False)  # the common case: one transaction
            return
        order = await ctx.db.tx(orders.get, job["order_no"])
        if order is None or (order["status"] != "paid" and not force):
            await ctx.db.tx(jobs.finish, job, self.ctx.now())  # delivered another way, or not ours
            return
        product = ctx.cfg.product(order["product_id"])
        if ctx.defects.on(D.ACK_BEFORE_DELIVER):  # bug zoo: ack first, a crash loses it
            await ctx.db.tx(jobs.finish, job, self.ctx.now())
            await asyncio.sleep(0)
        if product is not None and product.kind == "supplier":
            await self._supplier(job, order, product.supplier_sku or product.id, force)
        elif ctx.defects.on(D.NO_KEY_CAS):
            await self._local_no_cas(job, order)
        else:
            await self._local(job, order, force)

    def _observe(self, order: dict[str, Any], source: str) -> None:
        now = self.ctx.now()
        if order.get("paid_at"):
            self.ctx.metrics.delivery_latency.observe(max(0.0, now - order["paid_at"]))
        self.ctx.metrics.deliveries.labels(source=source).inc()

    def _is_local(self, job: dict[str, Any]) -> bool:
        return not self.ctx.defects.on(D.NO_KEY_CAS) and all(
            p.kind == "local" for p in self.ctx.cfg.products)

    async def _local(self, job: dict[str, Any], order: dict[str, Any] | None,
                     force: bool) -> None:
        seen: dict[str, Any] = {}

        def tx(conn: Connection) -> str:
            now = self.ctx.now()
            o = order if order is not None else orders.get(conn, job["order_no"])
            if o is None or (o["status"] != "paid" and not force):
                jobs.finish(conn, job, now)
                return "skip"
            seen["order"] = o
            try:
                codes = deliveries.local_codes(conn, o, now, fresh=force or self.ctx.defects.on(
                    D.DELIVERY_IGNORES_RESERVATION))  # bug zoo: picks unsold keys, not its own
            except stock.OutOfStock:
                deliveries.escalate(conn, self.ctx, o, "no local stock left", now)
                jobs.finish(conn, job, now, "failed")
                return "manual"
            if self.ctx.defects.on(D.SOLD_KEYS_STAY_RESERVED):  # bug zoo: the lock never lifted
                D.keys_back_to_reserved(conn, o["order_no"], now)
            if self.ctx.defects.on(D.LOCAL_QTY_ONE):  # bug zoo (zfaka #128): one key shown
                codes = codes[:1]
            deliveries.write(conn, o, codes, "local", now, from_status=("paid",), force=force)
            jobs.finish(conn, job, now)
            return "delivered"
        try:
            if await self.ctx.db.tx(tx) == "delivered":
                self._observe(seen["order"], "local")
        except (NotDeliverable, IntegrityError):
            await self.ctx.db.tx(jobs.finish, job, self.ctx.now())

    async def _local_no_cas(self, job: dict[str, Any], order: dict[str, Any]) -> None:
        """Bug zoo (no-key-cas): read free keys, yield, write them without a status check."""
        picked = await self.ctx.db.tx(stock.peek_available, order["product_id"], order["quantity"])
        await asyncio.sleep(0.002)

        def tx(conn: Connection) -> None:
            now = self.ctx.now()
            if len(picked) < order["quantity"]:
                deliveries.escalate(conn, self.ctx, order, "no local stock left", now)
            else:
                stock.mark_delivered_blind(conn, [i for i, _ in picked], order["order_no"], now)
                deliveries.write(conn, order, [c for _, c in picked], "local", now, force=True)
            jobs.finish(conn, job, now)
        await self.ctx.db.tx(tx)
        self._observe(order, "local")

    async def _supplier(self, job: dict[str, Any], order: dict[str, Any], sku: str,
                        force: bool) -> None:
        ctx = self.ctx
        # a re-claimed (crashed/deferred) or ops-retried job may have bought already: ask first
        resumed = bool(json.loads(job["payload"] or "{}").get("resume"))
        beat = asyncio.create_task(asyncio.sleep(0) if ctx.defects.on(  # bug zoo: no heartbeat,
            D.LEASE_NO_HEARTBEAT) else self._heartbeat(job))  # the lease runs out mid-call
        try:
            got = await self.procurer.procure(order, sku, job["attempts"] > 1, resumed)
        finally:
            beat.cancel()
        pol = ctx.cfg.supplier_policy
        if got.unresolved and job["attempts"] < pol.max_attempts:
            # a supplier may hold a committed purchase and could not be asked: buy nowhere
            # else, look again later (bounded by max_attempts claims, then manual)
            now = self.ctx.now()
            await ctx.db.tx(jobs.retry_later, job, now, now + ctx.cfg.wall(pol.backoff_max_s))
            return

        def tx(conn: Connection) -> str:
            now = self.ctx.now()
            if got.supplier is None and not ctx.defects.on(D.SUPPLIER_FAIL_SHOWN_DELIVERED):
                why = ("a supplier may have committed the purchase but could not be asked; "
                       "check it before buying again" if got.unresolved
                       else f"suppliers delivered only {len(got.codes)} of "
                       f"{order['quantity']} keys (partial fulfilments, cancels): "
                       f"{got.short} still missing" if got.short
                       else "primary and backup suppliers failed")
                if not ctx.defects.on(D7.SUPPLIER_FAILURE_LEFT_PAID):  # bug zoo: the job fails,
                    deliveries.escalate(conn, ctx, order, why, now)  # the order stays paid
                jobs.finish(conn, job, now, "failed")
                return "manual"
            deliveries.write(conn, order, got.codes, got.supplier or "none", now,
                             from_status=("paid",),
                             force=force)
            jobs.finish(conn, job, now)
            return "delivered"
        try:
            if await ctx.db.tx(tx) == "delivered" and got.supplier:
                self._observe(order, got.supplier)
        except (NotDeliverable, IntegrityError):
            await ctx.db.tx(jobs.finish, job, self.ctx.now())

    async def _heartbeat(self, job: dict[str, Any]) -> None:
        while True:
            await asyncio.sleep(self.lease_wall / 3)
            if not await self.ctx.db.tx(jobs.renew, job, self.ctx.now(), self.lease_wall):
                log.warning("lost the lease on job %s (order %s)", job["id"], job["order_no"])
                return

    async def stop(self) -> None:
        for t in list(self.running):
            t.cancel()
        await asyncio.gather(*self.running, return_exceptions=True)

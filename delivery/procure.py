"""Buy supplier stock for one order: primary then backup, bounded retries with
exponential backoff + jitter, a breaker per supplier, and a query by
downstream_order_no before any re-buy after an uncertain outcome (timeout,
5xx, duplicate rejection) so a purchase that committed upstream is found, not
bought twice.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert

from delivery import defects as D
from delivery.ctx import log
from delivery.db.schema import supplier_calls
from delivery.suppliers import Breaker, CallResult, SupplierClient

if TYPE_CHECKING:
    from delivery.ctx import Ctx


class Procurer:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        pol = ctx.cfg.supplier_policy
        self.clients = {n: SupplierClient(n, s, ctx.client(), ctx.cfg.wall(pol.timeout_s))
                        for n, s in ctx.cfg.suppliers.items()}
        self.breakers = {n: Breaker(pol, ctx.cfg.wall(pol.breaker_reset_s)) for n in self.clients}
        self.rng = random.Random()

    def order_of_suppliers(self) -> list[str]:
        names = [n for n in ("primary", "backup") if n in self.clients]
        return names[:1] if self.ctx.defects.on(D.NO_FAILOVER) else names

    async def procure(self, order: dict[str, Any], sku: str, reclaimed: bool
                      ) -> tuple[str, list[str]] | None:
        """Return (supplier, codes) or None when every supplier failed."""
        for name in self.order_of_suppliers():
            codes = await self._one(name, order, sku, reclaimed)
            if codes:
                return name, codes
        return None

    def _backoff(self, attempt: int) -> float:
        if self.ctx.defects.on(D.RETRY_STORM):
            return 0.0
        pol = self.ctx.cfg.supplier_policy
        cap = min(pol.backoff_max_s, pol.backoff_base_s * 2 ** (attempt - 1))
        return self.ctx.cfg.wall(cap * (0.5 + self.rng.random() / 2))  # equal jitter

    async def _one(self, name: str, order: dict[str, Any], sku: str, reclaimed: bool
                   ) -> list[str] | None:
        client, breaker, d = self.clients[name], self.breakers[name], self.ctx.defects
        order_no = order["order_no"]
        max_attempts = (D.RETRY_STORM_HARD_CAP if d.on(D.RETRY_STORM)
                        else self.ctx.cfg.supplier_policy.max_attempts)
        key = order_no
        uncertain = reclaimed  # a crashed worker may already have bought this order
        for attempt in range(1, max_attempts + 1):
            if not breaker.allow():
                await self._log(name, order_no, key, attempt,
                                CallResult("breaker", "breaker_open", error="circuit open"))
                return None
            if d.on(D.SUPPLIER_NO_IDEMPOTENCY):
                key = f"{order_no}-{uuid.uuid4().hex[:6]}"  # bug zoo: fresh key per attempt
            if uncertain and not d.on(D.REJECT_AFTER_COMMIT_FAILS):
                q = await client.query(key)
                await self._log(name, order_no, key, attempt, q)
                if q.ok:
                    breaker.success()
                    return q.codes
                if q.outcome != "not_found":
                    breaker.failure()
                    await asyncio.sleep(self._backoff(attempt))
                    continue
            r = await client.buy(sku, order["quantity"], key)
            await self._log(name, order_no, key, attempt, r)
            if r.ok:
                breaker.success()
                return r.codes
            if r.outcome == "out_of_stock":
                breaker.success()  # the supplier answered; it just has nothing
                return None
            if r.outcome == "rejected":
                if d.on(D.REJECT_AFTER_COMMIT_FAILS):
                    return None  # bug zoo: duplicate rejection taken as a plain failure
                uncertain = True
                continue  # ask right away, no backoff: the answer is probably there
            breaker.failure()
            uncertain = True
            if attempt < max_attempts:
                await asyncio.sleep(self._backoff(attempt))
        return None

    async def _log(self, name: str, order_no: str, key: str, attempt: int, r: CallResult) -> None:
        self.ctx.metrics.supplier_calls.labels(supplier=name, outcome=r.outcome).inc()
        if not r.ok and r.outcome != "not_found":
            log.warning("supplier %s %s order=%s attempt=%d outcome=%s status=%s error=%s",
                        name, r.endpoint, order_no, attempt, r.outcome, r.status, r.error)
        row = {"order_no": order_no, "supplier": name, "endpoint": r.endpoint,
               "idempotency_key": key, "attempt": attempt, "status": r.status,
               "outcome": r.outcome, "latency_ms": round(r.latency_ms, 3), "error": r.error,
               "at": time.time()}
        await self.ctx.db.tx(lambda conn: conn.execute(insert(supplier_calls).values(**row)))

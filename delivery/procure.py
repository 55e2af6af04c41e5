"""Buy supplier stock for one order without ever buying it twice.

Primary then backup, bounded retries with exponential backoff + jitter, a
breaker per supplier. The rule that keeps purchases single: a supplier whose
purchase *may* have committed (timeout, 5xx, connection dropped after the
request went out, truncated reply, duplicate rejection) is *uncertain* until
its order is looked up by downstream_order_no (the idempotency key) and found
(→ use those codes) or answered "not found" (→ clear). Re-buying from the same
supplier with the same key is always safe (replay or reject semantics); buying
from *another* supplier is allowed only while every supplier that was asked is
clear. A supplier that never got the request (connection refused, connect or
pool timeout) or refused it outright (4xx, 429, ok:false) stays clear.

If the lookup itself cannot answer within the attempt budget (the primary is
down or too slow), nothing is bought anywhere: the result is `unresolved` and
the worker re-queues the job (bounded), then escalates to manual. A re-claimed
or re-queued job starts with every supplier uncertain, so it asks first.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, insert, select

from delivery import defects as D
from delivery import defects_round6 as D6
from delivery import defects_round7 as D7
from delivery import procure_wait
from delivery.ctx import log
from delivery.db.schema import supplier_calls
from delivery.procure_wait import CLEAR, DONE, SPENT, UNCERTAIN
from delivery.suppliers import Breaker, CallResult, SupplierClient

if TYPE_CHECKING:
    from delivery.ctx import Ctx

_INSERT_CALL = insert(supplier_calls)
_BOUGHT_FROM = (select(supplier_calls.c.supplier).distinct()
                .where(supplier_calls.c.order_no == bindparam("no"),
                       supplier_calls.c.endpoint.like("POST %")))


SPARE_PARTS = 2  # purchases an order may spend on cancels: every other part brings >= 1 code


def max_parts(quantity: int) -> int:
    """Purchases an order may make: a partial fulfilment brings at least one code, so
    `quantity` parts always complete it unless suppliers cancel; a fixed cap (3) left 3-key
    orders short after partial, partial, cancelled and escalated them on a healthy world."""
    return quantity + SPARE_PARTS


def part_key(order_no: str, part: int) -> str:
    """The downstream order number of the part-th purchase (the idempotency key)."""
    return order_no if part == 1 else f"{order_no}-p{part}"


@dataclass
class Procured:
    supplier: str | None = None
    codes: list[str] = field(default_factory=list)
    unresolved: bool = False  # a supplier may hold a committed purchase: buy nowhere else
    spent: bool = False  # this key's order was cancelled: buy the units again under a new key
    short: int = 0  # units still missing after max_parts purchases (partial fulfilments)


class Procurer:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        pol = ctx.cfg.supplier_policy
        # timeout_s is a network answer timeout: wall seconds, never divided by time_scale
        scale = D6.MS_PER_S if ctx.defects.on(D.SUPPLIER_TIMEOUT_IN_MS) else 1  # bug zoo: 2 s
        self.clients = {n: SupplierClient(n, s, ctx.client(), pol.timeout_s * scale)  # → 2000 s
                        for n, s in ctx.cfg.suppliers.items()}
        sticky = ctx.defects.on(D.NO_FAILBACK)  # bug zoo: a breaker that never half-opens
        herd = ctx.defects.on(D.HALF_OPEN_LETS_ALL)  # bug zoo: half-open lets every call through
        self.breakers = {n: Breaker(pol, ctx.cfg.wall(pol.breaker_reset_s), sticky=sticky,
                                    herd=herd) for n in self.clients}
        if ctx.defects.on(D.BREAKER_SHARED) and self.breakers:  # bug zoo: one breaker object
            self.breakers = dict.fromkeys(self.breakers, next(iter(self.breakers.values())))
        self.rng = random.Random()
        d = ctx.defects
        # bug zoo: the naive retriers of these two defects never look an order up
        self.asks = not (d.on(D.REJECT_AFTER_COMMIT_FAILS) or d.on(D.RETRY_STORM))

    def order_of_suppliers(self) -> list[str]:
        names: list[str] = [n for n in ("primary", "backup") if n in self.clients]
        if self.ctx.defects.on(D.SUPPLIERS_SORTED):  # bug zoo: priority lost, "backup" < "primary"
            names = sorted(self.clients)
        return names[:1] if self.ctx.defects.on(D.NO_FAILOVER) else names

    async def suspects(self, order_no: str, names: list[str], reclaimed: bool) -> set[str]:
        """Suppliers that may hold a purchase from an earlier run of this order: those sent
        a purchase (logged), plus, after a lease expiry (a crash mid-call is not logged),
        the one the dead worker could have been calling next."""
        def q(conn: Connection) -> set[str]:
            return {r[0] for r in conn.execute(_BOUGHT_FROM, {"no": order_no})}
        bought = await self.ctx.db.tx(q)
        out = {n for n in names if n in bought}
        if reclaimed:
            later = [n for n in names if not out or names.index(n) > max(map(names.index, out))]
            out.update(later[:1])
        return out

    async def procure(self, order: dict[str, Any], sku: str, reclaimed: bool,
                      resumed: bool = False) -> Procured:
        """`quantity` codes, bought in up to max_parts(quantity) purchases (a partial fulfilment is
        topped up under the next part's key, a cancelled one bought again); `unresolved`
        when a supplier may have committed and could not be asked; `short` when the parts
        ran out. reclaimed: the job ran before; resumed: ops re-queued it."""
        want = 1 if self.ctx.defects.on(D.SUPPLIER_QTY_ONE) else order["quantity"]  # bug zoo
        codes: list[str] = []
        last: str | None = None
        prev: list[str] = []  # bug zoo (topup-counts-last-part): the last part's codes
        names = self.order_of_suppliers()
        for part in range(1, max_parts(want) + 1):
            reused = self.ctx.defects.on(D.TOPUP_REUSES_KEY)  # bug zoo: one key for every part
            got = await self._part(order, sku, part_key(order["order_no"], 1 if reused else part),
                                   want if self.ctx.defects.on(D.TOPUP_BUYS_FULL_QTY)  # bug zoo
                                   else want - len(prev if self.ctx.defects.on(
                                       D.TOPUP_COUNTS_LAST_PART) else codes),
                                   reclaimed, resumed, names)
            if got.unresolved:
                return Procured(unresolved=True)
            if got.supplier is None:  # every supplier clear and failed
                return Procured(short=want - len(codes), codes=codes) if codes else Procured()
            codes = got.codes if self.ctx.defects.on(D.TOPUP_OVERWRITES_CODES) else [  # bug zoo:
                *codes, *got.codes]  # the top-up's keys replace the first part's
            prev = got.codes
            last = got.supplier or last
            if got.spent and got.supplier in names:  # it cancelled: the next part asks the
                names = [n for n in names if n != got.supplier] + [got.supplier]  # other first
            if len(codes) >= want or (codes and self.ctx.defects.on(D.PARTIAL_AS_DELIVERED)):
                return Procured(last, codes)  # bug zoo (partial-as-delivered): no top-up
        return Procured(short=want - len(codes), codes=codes)

    async def _part(self, order: dict[str, Any], sku: str, key: str, qty: int,
                    reclaimed: bool, resumed: bool, names: list[str]) -> Procured:
        """One purchase of `qty` under `key`: the first supplier in `names`, then the next
        while every supplier asked is clear."""
        unknown: set[str] = set()
        if (reclaimed or resumed) and self.asks:
            unknown = await self.suspects(order["order_no"], names, reclaimed)
        for name in names:
            for other in [n for n in names if n != name and n in unknown]:
                state, codes = await self._ask(other, order, key)
                if state in (DONE, SPENT):
                    return Procured(other, codes, spent=state == SPENT)
                if state == UNCERTAIN:
                    return Procured(unresolved=True)
                unknown.discard(other)
            state, codes = await self._one(name, order, sku, key, qty, name in unknown)
            unknown.discard(name)
            if state in (DONE, SPENT):
                return Procured(name, codes, spent=state == SPENT)
            if state == UNCERTAIN:
                return Procured(unresolved=True)
        return Procured()

    def _backoff(self, attempt: int) -> float:
        if self.ctx.defects.on(D.RETRY_STORM):
            return 0.0
        pol = self.ctx.cfg.supplier_policy
        cap = min(pol.backoff_max_s, pol.backoff_base_s * 2 ** (attempt - 1))
        return self.ctx.cfg.wall(cap * (0.5 + self.rng.random() / 2))  # equal jitter

    async def _ask(self, name: str, order: dict[str, Any], key: str | None = None,
                   attempt: int = 0) -> tuple[str, list[str]]:
        """One lookup by downstream_order_no: DONE (found), CLEAR (not found) or UNCERTAIN."""
        breaker = self.breakers[name]
        if not breaker.allow():
            return UNCERTAIN, []
        q = await self.clients[name].query(key or order["order_no"])
        await self.log_call(name, order["order_no"], key or order["order_no"], attempt, q)
        if q.outcome in ("ok", "partial", "processing", "cancelled"):
            breaker.success()
            return await self._settled(name, order, key or order["order_no"], q)
        if q.outcome == "not_found":
            breaker.success()
            return CLEAR, []
        breaker.failure()
        return UNCERTAIN, []

    async def _settled(self, name: str, order: dict[str, Any], key: str, r: CallResult
                       ) -> tuple[str, list[str]]:
        """A purchase the supplier took: its codes (all or part), SPENT when cancelled, or
        whatever waiting for a processing one ends in (procure_wait)."""
        if r.outcome == "cancelled":
            return SPENT, []
        if r.outcome == "processing":
            return await procure_wait.await_accepted(self, name, order, key, r)
        return DONE, r.codes

    async def _one(self, name: str, order: dict[str, Any], sku: str, base: str, qty: int,
                   uncertain: bool) -> tuple[str, list[str]]:
        """Buy from one supplier: DONE, SPENT, CLEAR (surely nothing committed) or UNCERTAIN."""
        client, breaker, d = self.clients[name], self.breakers[name], self.ctx.defects
        order_no = order["order_no"]
        max_attempts = (D.RETRY_STORM_HARD_CAP if d.on(D.RETRY_STORM)
                        else self.ctx.cfg.supplier_policy.max_attempts)
        key = base
        for attempt in range(1, max_attempts + 1):
            if d.on(D.SUPPLIER_NO_IDEMPOTENCY):
                key = f"{base}-{uuid.uuid4().hex[:6]}"  # bug zoo: fresh key per attempt
            if uncertain and self.asks:
                state, codes = await self._ask(name, order, key, attempt)
                if state in (DONE, SPENT):
                    return state, codes
                if state == UNCERTAIN:
                    if attempt < max_attempts:
                        await asyncio.sleep(self._backoff(attempt))
                    continue
                uncertain = False  # the supplier says it has nothing: buying is safe
            if not breaker.allow():
                await self.log_call(name, order_no, key, attempt,
                                CallResult("breaker", "breaker_open", error="circuit open"))
                waits = d.on(D.BREAKER_OPEN_WAITS)  # bug zoo: "circuit open" handled as a timeout
                return (UNCERTAIN if uncertain or waits else CLEAR), []
            r = await client.buy(sku, 1 if attempt > 1 and d.on(D.RETRY_DROPS_QUANTITY)  # bug zoo:
                                 else qty, key)  # the retry rebuilt with the default quantity
            await self.log_call(name, order_no, key, attempt, r)
            if r.outcome in ("ok", "partial", "processing", "cancelled"):
                breaker.success()
                return await self._settled(name, order, key, r)
            if r.outcome == "out_of_stock":
                breaker.success()  # the supplier answered; it just has nothing
                return (UNCERTAIN if uncertain or d.on(  # bug zoo: "库存不足" taken for "maybe
                    D.OUT_OF_STOCK_NO_FAILOVER) else CLEAR), []  # bought": no backup purchase
            if r.outcome == "rejected":
                if d.on(D.REJECT_AFTER_COMMIT_FAILS):
                    return CLEAR, []  # bug zoo: duplicate rejection taken as "nothing bought"
                uncertain = True
                continue  # ask right away, no backoff: the answer is probably there
            if r.outcome == "http_5xx" and d.on(D7.BREAKER_5XX_SUCCESS):  # bug zoo: an answer
                breaker.success()  # is an answer, the breaker trips on exceptions only
            elif not (r.outcome in D.TRANSPORT_OUTCOMES and d.on(D.BREAKER_HTTP_ONLY)):  # zoo
                breaker.failure()
            uncertain = uncertain or (r.uncertain and not (  # bug zoo: a timeout taken as "no"
                r.outcome == "timeout" and d.on(D.TIMEOUT_AS_FAILURE)))
            if attempt < max_attempts:
                await asyncio.sleep(self._backoff(attempt))
        if uncertain and self.asks:  # the budget is spent: one last look before giving up
            return await self._ask(name, order, key, max_attempts)
        return (UNCERTAIN if uncertain else CLEAR), []

    async def log_call(self, name: str, order_no: str, key: str, attempt: int,
                       r: CallResult) -> None:
        if r.outcome == "partial" and self.ctx.defects.on(D.PARTIAL_STATUS_UNKNOWN):  # bug zoo:
            r.outcome, r.codes, r.error = "bad_reply", [], "status='partially_delivered' unknown"
        self.ctx.metrics.supplier_calls.labels(supplier=name, outcome=r.outcome).inc()
        if r.outcome not in ("ok", "not_found", "processing", "partial", "cancelled"):
            log.warning("supplier %s %s order=%s attempt=%d outcome=%s status=%s error=%s",
                        name, r.endpoint, order_no, attempt, r.outcome, r.status, r.error)
        row = {"order_no": order_no, "supplier": name, "endpoint": r.endpoint,
               "idempotency_key": key, "attempt": attempt, "status": r.status,
               "outcome": r.outcome, "latency_ms": round(r.latency_ms, 3), "error": r.error,
               "at": self.ctx.now()}
        await self.ctx.db.tx(lambda conn: conn.execute(_INSERT_CALL, row))

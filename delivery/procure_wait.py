"""Waiting for a purchase the supplier accepted but has not fulfilled yet (processing).

An accepted purchase is committed: the supplier will deliver it, so nothing may be bought
elsewhere for those units while it runs. The shop polls the supplier's order (by the
supplier's own number when it has one) every `processing_poll_s`; "not found" during that
time is a vendor still working ("9 未查到订单" must not be taken for failure), like a
timeout or a 5xx. After `processing_wait_s` it asks the supplier to cancel: a cancelled
order frees the units to be bought again (SPENT: under a new key); a refused cancel means
it was just fulfilled, so one more look takes the codes; anything else stays UNCERTAIN
(the worker re-queues the job, then escalates).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from delivery import defects as D
from delivery import defects_round7 as D7
from delivery.suppliers import CallResult

if TYPE_CHECKING:
    from delivery.procure import Procurer

DONE, CLEAR, UNCERTAIN, SPENT = "done", "clear", "uncertain", "spent"
MAX_POLLS = 500  # a bound even if processing_wait_s / processing_poll_s is huge


async def await_accepted(p: Procurer, name: str, order: dict[str, Any], key: str,
                         accepted: CallResult) -> tuple[str, list[str]]:
    """DONE with the codes (all or part), SPENT (cancelled), CLEAR (only under the
    not-found-rebuys defect) or UNCERTAIN."""
    pol, cfg, client = p.ctx.cfg.supplier_policy, p.ctx.cfg, p.clients[name]
    deadline = time.monotonic() + cfg.wall(pol.processing_wait_s)
    supplier_no = accepted.order_no

    seen: list[str] = []

    async def look(attempt: int) -> CallResult:
        """One poll, logged when its outcome differs from the last (a poll every second of a
        long processing would flood supplier_calls)."""
        q = await (client.lookup(supplier_no) if supplier_no else client.query(key))
        if not seen or seen[-1] != q.outcome:
            await p.log_call(name, order["order_no"], key, attempt, q)
        seen.append(q.outcome)
        return q

    for attempt in range(1, MAX_POLLS + 1):
        await asyncio.sleep(cfg.wall(pol.processing_poll_s))
        q = await look(attempt)
        if q.outcome in ("ok", "partial"):
            return DONE, q.codes
        if q.outcome == "cancelled":
            return SPENT, []
        if q.outcome == "not_found" and p.ctx.defects.on(D.NOT_FOUND_REBUYS):
            return CLEAR, []  # bug zoo: "not found" taken for failure, bought elsewhere
        if time.monotonic() >= deadline:
            break
    if p.ctx.defects.on(D7.PROCESSING_DEADLINE_CLEAR):  # bug zoo: still processing at the
        return CLEAR, []  # deadline taken for failed, bought elsewhere (pagarme-magento #299)
    if supplier_no is None:
        return UNCERTAIN, []
    c = await client.cancel(supplier_no)
    await p.log_call(name, order["order_no"], key, 0, c)
    if c.outcome == "cancelled":
        return SPENT, []
    q = await look(0)
    if q.outcome in ("ok", "partial"):
        return DONE, q.codes
    return (SPENT, []) if q.outcome == "cancelled" else (UNCERTAIN, [])

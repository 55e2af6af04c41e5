"""buyer-notice: every buyer whose order took longer than notice_after_s got a delay notice mail.

Slow means paid→delivered > notice_after_s, or still undelivered that long
after payment at the end of the run. A missing notice counts once the order was late by
both clocks: the gateway's payment and the moment the shop had certainly learned of it (a
notify the gateway held, or a box too busy to answer it, starts the shop's clock later).
The proof is a `delay_notice` mail for the order in the sink (outside truth), not the
service's notices table.
"""

from __future__ import annotations

from drill.checks.gateway_evidence import shop_knew_at
from drill.checks.orders import example, sorted_orders
from drill.checks.said import Said, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "buyer-notice"


def grace(limit: float) -> float:
    """Slack before a missing notice counts: the shop sees the order paid a little after the
    gateway does and checks for due notices on a timer, so an order delivered just past the
    limit may fairly go without one."""
    return max(0.5, 0.25 * limit)


def owed_notice(paid_at: float, shop_knew: float | None, done: float, limit: float) -> bool:
    """Late past the limit and its grace by both clocks: the gateway's payment and the moment
    the shop had certainly learned of it (buyer-notice and messages judge alike)."""
    knew = max(paid_at, shop_knew or paid_at)
    return min(done - paid_at, done - knew) > limit + grace(limit)


def _end_time(src: Sources) -> float:
    for key in ("ended_at",):
        if src.meta.get(key):
            return float(src.meta[key])
    times = [float(op.get("time") or 0) for op in src.history or []]
    times += [float(m.get("at") or 0) for m in src.mails or []]
    return max(times, default=0.0)


def check(src: Sources, spec: CheckSpec) -> Verdict:
    limit = spec.notice_after_s
    if limit is None:
        return Verdict(ID, True, said("buyer-notice.none"))
    if src.mails is None or src.payments is None:
        return missing(ID, *[n for n, v in (("the sink mail ledger", src.mails),
                                            ("the gateway ledger", src.payments)) if v is None])
    noticed = {str(m.get("order_no")) for m in src.mails
               if m.get("kind") in ("delay_notice", "delay")}
    end, knew = _end_time(src), shop_knew_at(src)
    slow: list[str] = []
    bad: list[tuple[str, Said]] = []
    for o in sorted_orders(src):
        if not o.gateway_paid_at:
            continue
        took = (o.delivered_at or end) - o.gateway_paid_at
        if took > limit:
            slow.append(o.order_no)
            if o.order_no not in noticed and owed_notice(
                    o.gateway_paid_at, knew.get(o.order_no), o.delivered_at or end, limit):
                why = said("buyer-notice.missing", took=took, limit=limit, grace=grace(limit))
                bad.append((o.order_no, why))
    counts = {"slow_orders": len(slow), "noticed": len(noticed), "missing_notice": len(bad)}
    if bad:
        return Verdict(ID, False, said("buyer-notice.fail", bad=len(bad), slow=len(slow)),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    return Verdict(ID, True, said("buyer-notice.ok", slow=len(slow)), [], counts)

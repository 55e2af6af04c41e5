"""The expiry as the buyer is shown it: an unpaid order past it is not payable, and an
order paid in time is never `expired`.

Why: the shop promises (the scenario's `order_expiry_s`) that an unpaid order lapses; a
page that still says 待支付 (pending) sends the buyer to pay for keys already released
(SSRPanel #767, open-event-frontend #3234). Judged on the buyer's own reads (`look_order`
ops, drill/load/buyer.py) after the deadline: created (the create reply, so never early)
+ order_expiry_s + the sweep's lag (GRACE); an order the gateway saw paid by then may be
revived and is not judged. The other way round, an order whose payment the shop had
acknowledged (its reply to the gateway's notify) before the deadline was paid in time: a
buyer shown `expired` for it was told a lie, and usually lost the goods (woocommerce
#20928: "Unpaid order cancelled – time limit reached" on a paid order). Part of
buyer-truth, one concern in its own module.
"""

from __future__ import annotations

from drill.checks.evidence import as_float, buyer_orders, is_snooper
from drill.checks.gateway_evidence import shop_knew_at
from drill.checks.said import Said, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec

PAYABLE = frozenset({"pending_payment", "pending", "unpaid", "wait_pay", "待支付"})
EXPIRED = frozenset({"expired", "closed", "cancelled", "已过期", "已关闭"})
GRACE_MIN_S = 0.5  # wall seconds; the expiry sweep's lag allowed is 2 × the monitor's period
CREATE_SLACK_S = 1.0  # wall s: the create reply may come this long after the shop's created_at


def grace_s(spec: CheckSpec) -> float:
    return max(GRACE_MIN_S, 2.0 * (spec.monitor_every_s or 0.0))


def first_paid(src: Sources) -> dict[str, float]:
    """out_trade_no -> when the gateway first took money for it (its ledger's paid_at)."""
    out: dict[str, float] = {}
    for p in src.payments or []:
        at, no = as_float(p.get("paid_at")), p.get("out_trade_no")
        if at is not None and no and (str(no) not in out or at < out[str(no)]):
            out[str(no)] = at
    return out


def looks(src: Sources, *, polls: bool = False) -> list[tuple[str, float, str]]:
    """(order_no, time, status shown) of every buyer's answered `look_order`; with `polls`,
    also the status an `await_delivery` ended on (fail or info: not delivered)."""
    out = []
    for op in src.history or []:
        f, kind = op.get("f"), op.get("type")
        if not ((f == "look_order" and kind == "ok") or (polls and f == "await_delivery"
                and kind in ("fail", "info"))) or is_snooper(op):
            continue
        value = op.get("value") or {}
        t = as_float(op.get("time"))
        if value.get("order_no") and t is not None:
            out.append((str(value["order_no"]), t, str(value.get("status"))))
    return out


def shown_payable(src: Sources, spec: CheckSpec) -> tuple[list[tuple[str, Said]], int]:
    """(order_no, why) for each order shown payable after its expiry, unpaid at the gateway;
    and how many reads were judged (made after the deadline)."""
    if spec.order_expiry_s is None:
        return [], 0
    reads = looks(src)
    if not reads:
        return [], 0
    created = {no: b.created_at for no, b in buyer_orders(src).items()}
    paid, grace = first_paid(src), grace_s(spec)
    bad: list[tuple[str, Said]] = []
    judged = 0
    for no, t, status in sorted(reads, key=lambda r: r[1]):
        made = created.get(no)
        if made is None or t < made + spec.order_expiry_s + grace:
            continue
        if no in paid and paid[no] <= t:
            continue  # the money had arrived: the shop may revive the order
        judged += 1
        if status in PAYABLE and not any(n == no for n, _w in bad):
            bad.append((no, said("buyer-truth.expired_shown", status=status,
                                 s=t - made - spec.order_expiry_s)))
    return bad, judged


def shown_expired_though_paid(src: Sources, spec: CheckSpec) -> list[tuple[str, Said]]:
    """(order_no, why) for each order shown expired whose payment the shop had acknowledged
    before its deadline (minus CREATE_SLACK_S: never judged on a late create reply)."""
    if spec.order_expiry_s is None:
        return []
    knew = shop_knew_at(src)
    if not knew:
        return []
    created = {no: b.created_at for no, b in buyer_orders(src).items()}
    bad: list[tuple[str, Said]] = []
    for no, t, status in sorted(looks(src, polls=True), key=lambda r: r[1]):
        made, k = created.get(no), knew.get(no)
        if status not in EXPIRED or made is None or k is None or k > t:
            continue
        early = made + spec.order_expiry_s - CREATE_SLACK_S - k
        if early > 0 and not any(n == no for n, _w in bad):
            bad.append((no, said("buyer-truth.paid_shown_expired", s=early, status=status)))
    return bad

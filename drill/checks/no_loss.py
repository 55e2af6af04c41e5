"""no-loss: every gateway-paid order ends delivered, refunded, or in manual with an alert.

Paid is the gateway's word (its ledger), not the service's. An order still
`paid`/`review`/... after the drain is a finding unless the scenario accepts
that status (spec.expected_unresolved). `manual` counts only when a
manual_escalation alert reached the IM sink (or, if the sink is gone, the
export's alert list). An order the export says was delivered counts as lost when its
buyer looked afterwards and was shown no goods: the shop's word does not overrule what
the buyer saw.
"""

from __future__ import annotations

from drill.checks.alerts import fired_rules
from drill.checks.evidence import as_float, real_buyer_ops
from drill.checks.orders import OrderFacts, example, sorted_orders
from drill.checks.said import Said, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "no-loss"
UNSEEN_SLACK_S = 2.0  # a poll in flight when the order moved may still have shown the old state


def last_looks(src: Sources) -> dict[str, float]:
    """order_no -> when its buyer last looked and was shown no goods (a poll that timed out
    or ended on a status other than delivered)."""
    out: dict[str, float] = {}
    for op in real_buyer_ops(src):
        if op.get("f") != "await_delivery" or op.get("type") not in ("info", "fail"):
            continue
        no, t = str((op.get("value") or {}).get("order_no") or ""), as_float(op.get("time"))
        if no and t is not None and t > out.get(no, 0.0):
            out[no] = t
    return out


def unseen_delivery(o: OrderFacts, last_look: dict[str, float]) -> float | None:
    """When the shop's own records say `o` was delivered, if its buyer looked later than
    that (by UNSEEN_SLACK_S) and saw nothing: goods the buyer never got are not delivered,
    whatever the export says (the export enriches, it does not overrule the buyer)."""
    if o.buyer_cards or o.buyer_seen_at or o.order_no not in last_look:
        return None
    stamps = [o.export_delivered_at, *(as_float(d.get("created_at")) for d in o.deliveries)]
    shop_says = min((t for t in stamps if t), default=None)
    if shop_says is None or last_look[o.order_no] < shop_says + UNSEEN_SLACK_S:
        return None
    return shop_says


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.payments is None:
        return missing(ID, "the gateway payments ledger")
    fired = fired_rules(src)
    manual_alerted = "manual_escalation" in fired or any(
        a.get("rule") == "manual_escalation" for a in src.export_list("alerts") or [])
    last_look = last_looks(src)
    counts = dict.fromkeys(("paid", "delivered", "refunded", "manual", "accepted", "lost",
                            "unknown"), 0)
    bad: list[tuple[str, Said]] = []
    for o in sorted_orders(src):
        if not o.paid:
            continue
        counts["paid"] += 1
        unseen = unseen_delivery(o, last_look)
        if unseen is not None:
            counts["lost"] += 1
            bad.append((o.order_no, said("no-loss.unseen", at=unseen, s=last_look[o.order_no]
                                         - unseen)))
        elif o.delivered:
            counts["delivered"] += 1
        elif o.status == "refunded":
            counts["refunded"] += 1
        elif o.status == "manual" and manual_alerted:
            counts["manual"] += 1
        elif o.status is not None and o.status in spec.expected_unresolved:
            counts["accepted"] += 1
        elif o.status is None and src.export is None:
            counts["unknown"] += 1
        elif o.status == "manual":
            counts["lost"] += 1
            bad.append((o.order_no, said("no-loss.manual_no_alert")))
        else:
            counts["lost"] += 1
            ended = said("raw", text=o.status) if o.status else said("no-loss.status_unknown")
            bad.append((o.order_no, said("no-loss.ended", ended=ended)))
    if bad:
        return Verdict(ID, False, said("no-loss.fail", bad=len(bad), paid=counts["paid"]),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    if counts["unknown"]:
        return Verdict(ID, None, said("no-loss.unknown", unknown=counts["unknown"],
                                             source=src.export_missing()), [], counts)
    return Verdict(ID, True, said("no-loss.ok", **counts), [], counts)

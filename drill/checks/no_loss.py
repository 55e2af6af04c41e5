"""no-loss: every gateway-paid order ends delivered, refunded, or in manual with an alert.

Paid is the gateway's word (its ledger), not the service's. An order still
`paid`/`review`/... after the drain is a finding unless the scenario accepts
that status (spec.expected_unresolved). `manual` counts only when a
manual_escalation alert reached the IM sink (or, if the sink is gone, the
export's alert list).
"""

from __future__ import annotations

from drill.checks.alerts import fired_rules
from drill.checks.orders import example, order_index
from drill.checks.said import Said, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "no-loss"


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.payments is None:
        return missing(ID, "the gateway payments ledger")
    idx = order_index(src)
    fired = fired_rules(src)
    manual_alerted = "manual_escalation" in fired or any(
        a.get("rule") == "manual_escalation" for a in src.export_list("alerts") or [])
    counts = dict.fromkeys(("paid", "delivered", "refunded", "manual", "accepted", "lost",
                            "unknown"), 0)
    bad: list[tuple[str, Said]] = []
    for o in sorted(idx.values(), key=lambda o: o.order_no):
        if not o.paid:
            continue
        counts["paid"] += 1
        if o.delivered:
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

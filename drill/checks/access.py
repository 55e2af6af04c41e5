"""access: no snooper sees a card or admin data.

A small share of the load's buyers are snoopers (process `snooper-*`): they
ask for orders and cards with no token, a wrong token or another order's
token, try neighbouring or guessed order numbers, and call admin routes
without the admin token, recording what the shop answered like any op:

    {"process": "snooper-3", "f": "snoop_order" | "snoop_cards" | "snoop_admin",
     "type": "ok" (2xx) | "fail" (refused, 4xx) | "info" (5xx, timeout),
     "value": {"order_no"?, "how": "no_token" | "wrong_token" | "other_token"
               | "neighbour" | "guessed" | "admin_no_token", "route", "status",
               "cards"?: [...], "admin_items"?: N}}

Any card in a snooper's answer, any 2xx on a cards route, any 2xx admin
answer is a finding; the evidence names the real order a leaked card belongs
to. An order's status shown without its token is counted, not judged. The
`snoop_*` names keep snooper answers out of the buyer views (`orders.order_index`
would take a `fetch_card` op as the victim's own fetch).
"""

from __future__ import annotations

from typing import Any

from drill.checks.evidence import as_int, buyer_orders, snooper_ops
from drill.checks.orders import example
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "access"


def leak(op: Record, owner_of: dict[str, str]) -> str | None:
    """What this snooper op saw that it must not have, or None."""
    value, f = op.get("value") or {}, str(op.get("f"))
    how = f"{value.get('how', 'unknown means')} on {value.get('route', f)}"
    cards = [str(c) for c in value.get("cards") or []]
    if cards:
        owners = sorted({owner_of[c] for c in cards if c in owner_of})
        whose = f" (cards of order {', '.join(owners)})" if owners else ""
        return f"a snooper saw {len(cards)} cards by {how}{whose}"
    if op.get("type") != "ok":
        return None
    if "admin" in f:
        items = as_int(value.get("admin_items"))
        return f"an admin route answered {value.get('status', '2xx')} to a snooper by {how}" + (
            f" with {items} items" if items is not None else "")
    if f in ("snoop_cards", "fetch_card"):
        return f"a cards route answered {value.get('status', '2xx')} to a snooper by {how}"
    return None


def evidence(src: Sources, op: Record, why: str, owner: str | None) -> dict[str, Any]:
    target = owner or str((op.get("value") or {}).get("order_no") or "")
    base = example(src, target, why) if target else {"order_no": None, "reason": why}
    return dict(base, snooper_op=op)


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.history is None:
        return missing(ID, "the buyer history")
    ops = [op for op in snooper_ops(src) if op.get("type") in ("ok", "fail", "info")]
    if not ops:
        return Verdict(ID, None, "no snooper ops in the history: the load sent no snoopers, so "
                       "nobody tried to see what they must not")
    owner_of = {c: no for no, b in buyer_orders(src).items() for c in b.codes()}
    counts = dict.fromkeys(("attempts", "refused", "unanswered", "order_status_disclosed",
                            "leaks"), 0)
    bad: list[dict[str, Any]] = []
    for op in sorted(ops, key=lambda o: float(o.get("time") or 0.0)):
        counts["attempts"] += 1
        counts["refused"] += op.get("type") == "fail"
        counts["unanswered"] += op.get("type") == "info"
        why = leak(op, owner_of)
        if why is None:
            counts["order_status_disclosed"] += (op.get("type") == "ok"
                                                 and op.get("f") == "snoop_order")
            continue
        counts["leaks"] += 1
        if len(bad) < MAX_EXAMPLES:
            cards = [str(c) for c in (op.get("value") or {}).get("cards") or []]
            bad.append(evidence(src, op, why, next((owner_of[c] for c in cards
                                                    if c in owner_of), None)))
    if bad:
        return Verdict(ID, False, f"{counts['leaks']} of {counts['attempts']} snooper attempts "
                       "saw cards or admin data", bad, counts)
    return Verdict(ID, True, f"{counts['attempts']} snooper attempts, none saw a card or admin "
                   f"data ({counts['refused']} refused, {counts['unanswered']} unanswered)",
                   [], counts)

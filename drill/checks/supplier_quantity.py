"""supplier-quantity: each supplier purchase asks for the quantity the buyer ordered.

Besides at-most-once (no-double-purchase), a purchase must ask for what was
sold: the order's quantity (what the buyer asked for, in the history or the
load's plan), or after a partial fulfilment exactly the units still missing.
Asking for one unit of a three-key order, or for three of a one-key order,
is what a shop that drops or hard-codes `quantity` sends.
"""

from __future__ import annotations

from drill.checks.evidence import as_float, as_int, buyer_orders, plan_quantity
from drill.checks.no_double_purchase import effective
from drill.checks.orders import example, group_purchases
from drill.checks.said import Said, joined, said
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "supplier-quantity"
UNTOLD = ("commit_", "malformed")  # committed, but the reply never reached the shop


def told(items: list[tuple[str, Record]]) -> list[tuple[float, int]]:
    """(when, units) of every purchase whose units the shop was told it got: its reply, or
    for an accepted (asynchronous) one the fulfilment; not a reply that never came."""
    out = []
    for _name, p in items:
        if effective(p) and not str(p.get("outcome", "")).startswith(UNTOLD):
            at = as_float(p.get("delivered_at")) or as_float(p.get("at")) or 0.0
            out.append((at, len(p.get("codes") or [])))
    return out


def ask_problems(ordered: int, items: list[tuple[str, Record]]) -> tuple[list[Said], int]:
    """Requests that asked for neither the order's quantity (before any unit came) nor what
    was still missing (after a partial fulfilment), a retry of a request number repeating
    its first ask; and how many requests carried no quantity at all."""
    out: list[Said] = []
    unjudged = 0
    units = told(items)
    first_ask: dict[str, int] = {}  # request number -> what its first request asked
    for name, p in sorted(items, key=lambda item: as_float(item[1].get("at")) or 0.0):
        asked, at = as_int(p.get("quantity")), as_float(p.get("at")) or 0.0
        received = sum(n for t, n in units if t < at)
        key = f"{name}/{p.get('downstream_order_no')}"
        allowed = ((first_ask[key],) if key in first_ask
                   else (ordered - received,) if received else (ordered,))
        if asked is not None:
            first_ask.setdefault(key, asked)
        if asked is None:
            unjudged += 1
        elif asked not in allowed:
            key_ = "supplier-quantity.asked_after" if received else "supplier-quantity.asked"
            out.append(said(key_, name=name, asked=asked, sku=p.get("sku"), at=p.get("at"),
                            ordered=ordered, received=received))
    return out, unjudged


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.purchases is None:
        return missing(ID, "supplier purchase ledgers")
    buyers, default = buyer_orders(src), plan_quantity(src)
    counts = dict.fromkeys(("orders_purchased", "requests", "orders_wrong_quantity",
                            "unjudged"), 0)
    bad: list[tuple[str, Said]] = []
    for order_no, items in sorted(group_purchases(src).items()):
        counts["orders_purchased"] += 1
        counts["requests"] += len(items)
        b = buyers.get(order_no)
        ordered = b.quantity if b is not None and b.quantity is not None else default
        if ordered is None:
            counts["unjudged"] += 1
            continue
        problems, unjudged = ask_problems(ordered, items)
        counts["unjudged"] += unjudged
        if problems:
            counts["orders_wrong_quantity"] += 1
            bad.append((order_no, joined(problems[:3])))
    if bad:
        return Verdict(ID, False, said("supplier-quantity.fail", bad=len(bad), **counts),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    if counts["unjudged"]:
        return Verdict(ID, None, said("supplier-quantity.unknown", **counts), [], counts)
    if not counts["requests"]:
        return Verdict(ID, True, said("supplier-quantity.none"), [], counts)
    return Verdict(ID, True, said("supplier-quantity.ok", **counts), [], counts)

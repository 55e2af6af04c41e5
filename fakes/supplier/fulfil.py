"""Asynchronous fulfilment: accepted -> processing -> delivered | partially_delivered | cancelled.

Real wholesalers (dujiao-next procurement, gift-card APIs) accept an order, work on it and
hand out the keys later; the buyer's shop polls (or is called back). While an order is
processing a lookup may answer "not found" (knob `not_found_while_processing`): a shop that
takes that for failure buys twice. Stock is reserved at acceptance; what is not delivered
(a partial fulfilment, a cancel) goes back. Every state change is a `transitions` ledger
entry, every cancel request a `cancels` entry, and the purchase's own entry is completed
with what was finally given (`given`, `codes`, `status`, `delivered_at`/`cancelled_at`).
"""

from __future__ import annotations

from typing import Any

from fakes.supplier.cards import Product
from fakes.supplier.state import SupplierState, amount_of

PROCESSING = "processing"
FINAL = ("delivered", "partially_delivered", "cancelled")


def accept(state: SupplierState, product: Product, quantity: int, dno: str) -> dict[str, Any]:
    """A processing order holding `quantity` units of stock, no keys yet."""
    order_no = state.next_order_no()
    now = state.clock.now()
    product.available -= quantity
    order = {"order_no": order_no, "downstream_order_no": dno, "sku_id": product.sku,
             "quantity": quantity, "status": PROCESSING, "amount": amount_of(product, quantity),
             "created_at": now,
             "fulfillment": {"type": "auto", "status": PROCESSING, "payload": [],
                             "delivered_at": None}}
    state.orders[dno] = order
    state.by_order_no[order_no] = order
    _transition(state, order, "accepted", PROCESSING)
    return order


def schedule(state: SupplierState, order: dict[str, Any], entry: dict[str, Any]) -> None:
    """Fulfil the order after processing_s (+ jitter), scenario seconds."""
    b = state.behaviour
    delay = b["processing_s"] + state.rng("async").uniform(0, b["processing_jitter_s"])
    entry["status"] = PROCESSING
    timer = state.clock.call_later(delay / state.time_scale,
                                   lambda: fulfil(state, order["order_no"]))
    state.pending[order["order_no"]] = (entry, timer)


def fulfil(state: SupplierState, order_no: str) -> None:
    """The supplier finishes its work: cancel, part or all of the keys."""
    pending = state.pending.pop(order_no, None)
    if pending is None:
        return
    entry, _timer = pending
    order = state.by_order_no[order_no]
    b, chance = state.behaviour, state.rng.chance
    if chance("async", b["cancel_rate"]):
        _cancel(state, order, entry, "supplier")
        return
    qty: int = order["quantity"]
    given = qty
    if qty >= 2 and chance("async", b["partial_rate"]):
        given = state.rng("async").randint(1, qty - 1)
    product = state.products[order["sku_id"]]
    product.available += qty - given
    codes = state.issue(product, given, order["downstream_order_no"], order_no)
    status = "delivered" if given == qty else "partially_delivered"
    now = state.clock.now()
    order["status"] = status
    order["fulfillment"] = {"type": "auto", "status": status, "payload": codes,
                            "delivered_at": now}
    entry.update(status=status, codes=codes, given=given, delivered_at=now)
    _transition(state, order, PROCESSING, status, given)


def cancel(state: SupplierState, order_no: str) -> tuple[int, dict[str, Any]]:
    """The shop asks to cancel: (HTTP status, body). Only a processing order can be."""
    order = state.by_order_no.get(order_no)
    record = {"order_no": order_no, "at": state.clock.now(),
              "downstream_order_no": order and order["downstream_order_no"]}
    if order is None:
        state.ledger.add("cancels", dict(record, outcome="not_found"))
        return 404, {"ok": False, "error_code": "order_not_found",
                     "error_message": "no such order"}
    pending = state.pending.pop(order_no, None)
    if pending is None:
        state.ledger.add("cancels", dict(record, outcome="cancel_not_allowed",
                                         status=order["status"]))
        return 409, {"ok": False, "error_code": "cancel_not_allowed",
                     "error_message": f"order is {order['status']}, not processing"}
    entry, timer = pending
    timer.cancel()
    _cancel(state, order, entry, "shop")
    state.ledger.add("cancels", dict(record, outcome="cancelled"))
    return 200, {"ok": True, "data": order}


def hidden(state: SupplierState, order: dict[str, Any]) -> bool:
    """Does this lookup of a processing order answer "not found"?"""
    return order["status"] == PROCESSING and state.rng.chance(
        "lookup", state.behaviour["not_found_while_processing"])


def _cancel(state: SupplierState, order: dict[str, Any], entry: dict[str, Any],
            by: str) -> None:
    state.products[order["sku_id"]].available += order["quantity"]
    now = state.clock.now()
    order["status"] = "cancelled"
    order["fulfillment"] = {"type": "auto", "status": "cancelled", "payload": [],
                            "delivered_at": None}
    entry.update(status="cancelled", cancelled_at=now, cancelled_by=by, given=0)
    _transition(state, order, PROCESSING, "cancelled", 0, by)


def _transition(state: SupplierState, order: dict[str, Any], before: str, after: str,
                given: int | None = None, by: str = "supplier") -> None:
    state.ledger.add("transitions", {
        "order_no": order["order_no"], "downstream_order_no": order["downstream_order_no"],
        "sku": order["sku_id"], "from": before, "to": after, "quantity": order["quantity"],
        "given": given, "by": by, "at": state.clock.now()})

"""One buyer's purchase through an adapter, recorded as Jepsen ops: create → pay → await → fetch.

The adapter-driven twin of drill/load/buyer.py's flow, with the same op names
and value keys (`create_order`, `pay`, `await_delivery`, `fetch_card`), so the
oracle reads the history of any target as it reads the reference shop's.
Each step records `invoke`, then `ok` when it returned, `fail` for
`StepFailed`, `info` for `StepUnknown` or anything unexpected. `sleep` is the
caller's (gevent.sleep inside Locust, time.sleep in the conductor).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from drill.targets._adapter import TargetAdapter
from drill.targets._gateway import pay_at_gateway
from drill.targets._http import HttpClient
from drill.targets._steps import Order, OrderState, op_type_of
from drill.targets._world import Gateway


class Record(Protocol):
    """Append one op to the history (`at`: wall time it happened, default now)."""

    def __call__(self, type_: str, f: str, value: dict[str, Any],
                 at: float | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class Buy:
    product_id: str
    quantity: int
    contact: str
    buyer_ip: str | None = None
    pay: bool = True
    poll_timeout_s: float = 30.0
    poll_interval_s: float = 0.1
    intended_at: float | None = None  # open model: when the arrival was due


@dataclass
class FlowOutcome:
    order_no: str | None = None
    secret: str | None = None  # the order's read secret, when the shop has one
    paid_seen_at: float | None = None  # wall time the gateway accepted the payment
    delivered_at: float | None = None  # wall time the buyer first saw `delivered`


def _failed(record: Record, f: str, exc: BaseException, **value: Any) -> None:
    record(op_type_of(exc), f, {**value, "error": str(exc)[:300],
                                "status": getattr(exc, "status", None)})


def buyer_flow(adapter: TargetAdapter, http: HttpClient, gateway: Gateway, buy: Buy,
               record: Record, sleep: Callable[[float], None] = time.sleep) -> FlowOutcome:
    """Run one purchase; every step is bounded by the client's timeout or poll_timeout_s."""
    out = FlowOutcome()
    first: dict[str, Any] = {"product_id": buy.product_id}
    if buy.intended_at is not None:
        first["intended_at"] = buy.intended_at
    record("invoke", "create_order", first)
    try:
        order = adapter.create_order(http, buy.product_id, buy.quantity, buy.contact,
                                     buyer_ip=buy.buyer_ip)
    except Exception as exc:
        _failed(record, "create_order", exc, product_id=buy.product_id)
        return out
    out.order_no, out.secret = order.order_no, order.secret
    amount = str(order.amount) if order.amount is not None else None
    done = {"order_no": order.order_no, "product_id": buy.product_id, "amount": amount}
    record("ok", "create_order", {**done, "token": order.secret} if order.secret else done)
    if not buy.pay:
        return out
    record("invoke", "pay", {"order_no": order.order_no})
    try:
        trade_no = pay_at_gateway(http, gateway, adapter.start_payment(http, order))
    except Exception as exc:
        _failed(record, "pay", exc, order_no=order.order_no)
        return out
    out.paid_seen_at = time.time()
    record("ok", "pay", {"order_no": order.order_no, "trade_no": trade_no})
    shown = _await(adapter, http, order, buy, record, sleep, out)
    if out.delivered_at is not None:
        _fetch(adapter, http, order, shown, record)
    return out


def _await(adapter: TargetAdapter, http: HttpClient, order: Order, buy: Buy, record: Record,
           sleep: Callable[[float], None], out: FlowOutcome) -> tuple[str, ...] | None:
    """Poll with backoff (x1.5, capped) until delivered, closed or poll_timeout_s."""
    record("invoke", "await_delivery", {"order_no": order.order_no})
    deadline = time.time() + buy.poll_timeout_s
    interval = max(0.01, buy.poll_interval_s)
    cap, polls, raw, error = max(interval, min(1.0, 10 * interval)), 0, "unknown", ""
    while True:
        polls += 1
        try:
            st = adapter.poll_status(http, order)
            raw, error = st.raw, ""
        except Exception as exc:
            st, error = None, str(exc)[:300]
        if st is not None and st.state is OrderState.DELIVERED:
            out.delivered_at = time.time()
            record("ok", "await_delivery", {
                "order_no": order.order_no, "status": "delivered", "polls": polls,
                "delivered_at": st.delivered_at, "paid_at": st.paid_at}, at=out.delivered_at)
            return st.cards
        if st is not None and st.state is OrderState.CLOSED:
            record("fail", "await_delivery", {"order_no": order.order_no, "status": raw,
                                              "polls": polls})
            return None
        if time.time() + interval > deadline:
            record("info", "await_delivery", {"order_no": order.order_no, "status": raw,
                                              "polls": polls, "error": error or "timeout"})
            return None
        sleep(interval)
        interval = min(cap, interval * 1.5)


def _fetch(adapter: TargetAdapter, http: HttpClient, order: Order,
           shown: tuple[str, ...] | None, record: Record) -> None:
    record("invoke", "fetch_card", {"order_no": order.order_no})
    if shown:  # the status reply carried the cards: that was the fetch
        record("ok", "fetch_card", {"order_no": order.order_no, "cards": list(shown)})
        return
    try:
        cards = adapter.read_cards(http, order)
    except Exception as exc:
        _failed(record, "fetch_card", exc, order_no=order.order_no)
        return
    record("ok", "fetch_card", {"order_no": order.order_no, "cards": list(cards)})

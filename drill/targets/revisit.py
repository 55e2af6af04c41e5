"""After the drain, buyers whose polling gave up look at their paid orders once more.

Why: a blind oracle (no export) cannot tell what became of a paid order whose buyer
stopped polling (a slow notify, a lost one found by reconciliation): no-loss would have
to answer *unknown*. A buyer coming back later is an outside record like any other, so
the harness revisits each such order through the adapter's buyer steps and records the
same `await_delivery` / `fetch_card` ops (process `revisit`), before the final catalogue
read so the books see what the buyer saw. Bounded: `MAX_ORDERS` orders, one poll each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from drill.history import Op, OpType
from drill.jsonl import read_jsonl
from drill.targets._adapter import TargetAdapter
from drill.targets._http import HttpClient
from drill.targets._steps import Order, OrderState, op_type_of

PROCESS = "revisit"
MAX_ORDERS = 2000


def unfinished(parts: Iterable[Path]) -> list[Order]:
    """Paid orders whose buyer never saw them delivered nor closed, from the Locust files."""
    created: dict[str, Order] = {}
    paid: set[str] = set()
    ended: set[str] = set()
    for part in parts:
        for op in read_jsonl(part) or []:
            v, kind, f = op.get("value") or {}, op.get("type"), op.get("f")
            no = str(v.get("order_no") or "")
            if not no or kind == "invoke":
                continue
            if f == "create_order" and kind == "ok":
                created[no] = Order(no, str(v.get("product_id")), int(v.get("quantity") or 1),
                                    None, secret=v.get("token"))
            elif f == "pay" and kind == "ok":
                paid.add(no)
            elif f == "await_delivery" and kind in ("ok", "fail"):
                ended.add(no)
    return [created[no] for no in sorted(paid - ended) if no in created][:MAX_ORDERS]


def revisit(adapter: TargetAdapter, http: HttpClient, orders: list[Order],
            record: Callable[[Op], None], now: Callable[[], float]) -> dict[str, int]:
    """One look at each order; how many were delivered, closed or still open."""
    counts = {"revisited": len(orders), "delivered": 0, "closed": 0, "open": 0}

    def op(type_: OpType, f: str, value: dict[str, Any]) -> None:
        record(Op(PROCESS, type_, f, value, now()))

    for order in orders:
        no = order.order_no
        op("invoke", "await_delivery", {"order_no": no, "revisit": True})
        try:
            st = adapter.poll_status(http, order)
        except Exception as exc:
            op(op_type_of(exc), "await_delivery", {"order_no": no, "error": str(exc)[:300]})
            counts["open"] += 1
            continue
        if st.state is OrderState.CLOSED:
            op("fail", "await_delivery", {"order_no": no, "status": st.raw})
            counts["closed"] += 1
            continue
        if st.state is not OrderState.DELIVERED:
            op("info", "await_delivery", {"order_no": no, "status": st.raw, "error": "open"})
            counts["open"] += 1
            continue
        counts["delivered"] += 1
        op("ok", "await_delivery", {"order_no": no, "status": "delivered",
                                    "delivered_at": st.delivered_at, "paid_at": st.paid_at})
        op("invoke", "fetch_card", {"order_no": no})
        try:
            cards = st.cards or adapter.read_cards(http, order)
        except Exception as exc:
            op(op_type_of(exc), "fetch_card", {"order_no": no, "error": str(exc)[:300]})
            continue
        op("ok", "fetch_card", {"order_no": no, "cards": list(cards)})
    return counts

"""Tiny literal-history builders for checker tests (Jepsen's invoke-op/ok-op helpers)."""

from __future__ import annotations

from typing import Any

from drill.checks.sources import Sources


def op(proc: str, type_: str, f: str, t: float, **value: Any) -> dict[str, Any]:
    return {"process": proc, "type": type_, "f": f, "value": value, "time": t}


def bought(no: str, t: float, cards: list[str] | None = None, *, delivered: bool = True,
           product: str = "steam-50") -> list[dict[str, Any]]:
    """A buyer flow: create, pay, await (ok or info), fetch (when delivered)."""
    p = f"buyer-{no}"
    ops = [op(p, "invoke", "create_order", t, product_id=product),
           op(p, "ok", "create_order", t + 0.01, order_no=no, product_id=product),
           op(p, "invoke", "pay", t + 0.02, order_no=no),
           op(p, "ok", "pay", t + 0.03, order_no=no, trade_no=f"G{no}"),
           op(p, "invoke", "await_delivery", t + 0.04, order_no=no)]
    if delivered:
        ops += [op(p, "ok", "await_delivery", t + 0.5, order_no=no, status="delivered"),
                op(p, "invoke", "fetch_card", t + 0.51, order_no=no),
                op(p, "ok", "fetch_card", t + 0.52, order_no=no, cards=cards or [f"C-{no}"])]
    else:
        ops.append(op(p, "info", "await_delivery", t + 30, order_no=no, error="timeout"))
    return ops


def paid(no: str, at: float) -> dict[str, Any]:
    return {"trade_no": f"G{no}", "out_trade_no": no, "money": "50.00", "status": "paid",
            "created_at": at - 0.01, "paid_at": at, "notify_url": "http://127.0.0.1:1/notify/epay"}


def export(orders: list[dict[str, Any]], deliveries: list[dict[str, Any]] | None = None,
           **more: Any) -> dict[str, Any]:
    return {"orders": orders, "payments": [], "deliveries": deliveries or [], "jobs": [],
            "supplier_calls": [], "alerts": [], "notices": [], "stock": [], **more}


def order(no: str, status: str, delivered_at: float | None = None,
          product: str = "steam-50") -> dict[str, Any]:
    return {"order_no": no, "product_id": product, "status": status, "delivered_at": delivered_at}


def delivery(no: str, codes: list[str], source: str = "local", at: float = 0.0) -> dict[str, Any]:
    return {"order_no": no, "codes": codes, "source": source, "created_at": at}


def sources(**kw: Any) -> Sources:
    return Sources(**kw)

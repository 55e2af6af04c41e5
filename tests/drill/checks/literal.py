"""More literal builders for the issue-11 checker tests (gateway notifies, catalogue reads,
supplier purchases, snooper ops); the buyer flows come from tests.drill.checks.ops."""

from __future__ import annotations

from typing import Any

from tests.drill.checks.ops import op

ONE_EACH = {"plan": {"quantity": 1}}  # load.json: every order asks for one unit
PRICES = {"prices": {"steam-50": "50.00", "apple-100": "100.00"}}  # meta.json catalogue


def notify(no: str, at: float, outcome: str = "success", *, attempt: int = 1,
           variant: str = "normal", latency_ms: float = 3.0, **more: Any) -> dict[str, Any]:
    """One notify attempt as the gateway ledger records it (CONTRACTS §2)."""
    return {"trade_no": f"G{no}", "out_trade_no": no, "attempt": attempt, "at": at,
            "outcome": outcome, "http_status": 200, "reply": outcome, "latency_ms": latency_ms,
            "variant": variant, "money": "50.00", "signed": True, "url": "http://x/notify/epay",
            **more}


def unpaid(no: str, money: str = "50.00") -> dict[str, Any]:
    """A payment the buyer opened and never paid."""
    return {"trade_no": f"G{no}", "out_trade_no": no, "money": money, "status": "created",
            "created_at": 1.0, "paid_at": None}


def catalogue(t: float, final: bool = False, **stock: int) -> dict[str, Any]:
    """A buyer's catalogue read: product id -> stock_available (price 50.00)."""
    products = [{"id": pid.replace("_", "-"), "price": "50.00", "stock_available": n}
                for pid, n in stock.items()]
    return op("catalogue-1", "ok", "list_products", t, products=products, final=final)


def purchase(dno: str, at: float, codes: list[str], quantity: int = 1,
             outcome: str = "delivered", sku: str = "apple-100") -> dict[str, Any]:
    """One purchase request as a supplier ledger records it (CONTRACTS §3)."""
    return {"downstream_order_no": dno, "sku": sku, "quantity": quantity, "at": at,
            "outcome": outcome, "codes": codes, "http_status": 200, "replayed": False,
            "order_no": f"S{dno}"}


def snoop(n: int, type_: str, f: str, t: float, **value: Any) -> dict[str, Any]:
    return op(f"snooper-{n}", type_, f, t, **value)


def fault(at: float, action: str, target: str, fault_id: str = "f1") -> dict[str, Any]:
    return {"at": at, "fault_id": fault_id, "kind": "down", "target": target,
            "action": action, "params": {}, "ok": True}

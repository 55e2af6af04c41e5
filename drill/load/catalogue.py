"""Catalogue reads as Jepsen ops: what the shop's public product list showed, and when.

Why its own module: the stock-conservation, money-goods and buyer-truth checks
read the catalogue as buyers see it (drill/checks/evidence.py). Buyers read it
during the load (`read_catalogue`, inside Locust); the conductor takes ONE
`final` read after the settle (`record_final_catalogue`, plain httpx) so the
books are balanced against a quiet shop. Both record the same op shape:

    invoke  {"final": bool}
    ok      {"products": [{"id", "price", "stock_available"}], "final": bool}
    fail    {"final": bool, "status": 4xx, "error": "..."}
    info    {"final": bool, "status": 0 | 5xx, "error": "..."}   (outcome unknown)

No Locust or gevent import: the conductor imports this module.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from drill.history import Op, OpType
from drill.load.op_recorder import OpRecorder

ROUTE = "/api/products"
FINAL_PROCESS = "catalogue"


def catalogue_value(body: Any, *, final: bool) -> dict[str, Any] | None:
    """The ok op's value from a `GET /api/products` body (a list, or {"products": [...]});
    None when the body is no product list."""
    items = body.get("products") if isinstance(body, dict) else body
    if not isinstance(items, list):
        return None
    products = [{"id": p.get("id"), "price": p.get("price"),
                 "stock_available": p.get("stock_available")}
                for p in items if isinstance(p, dict) and "id" in p]
    return {"products": products, "final": final}


def outcome(status: int, content: bytes, *, final: bool) -> tuple[OpType, dict[str, Any]]:
    """(type, value) of the completing op for one catalogue answer."""
    body: Any = None
    if 200 <= status < 300:
        try:
            body = json.loads(content)
        except ValueError:
            body = None
        value = catalogue_value(body, final=final)
        if value is not None:
            return "ok", value
        return "info", {"final": final, "status": status, "error": "not a product list"}
    error = content[:200].decode("utf-8", "replace") or "no answer"
    return ("info" if status == 0 or status >= 500 else "fail"), {
        "final": final, "status": status, "error": f"HTTP {status}: {error}"}


def read_catalogue(client: Any, service_url: str, history: OpRecorder, proc: str) -> None:
    """A buyer looks at the catalogue before ordering (inside Locust: `client` is the buyer's
    lean client or FastHttpSession)."""
    history.op(proc, "invoke", "list_products", {"final": False})
    r = client.get(f"{service_url.rstrip('/')}{ROUTE}", name=ROUTE)
    content = getattr(r, "content", None) or b""
    type_, value = outcome(int(r.status_code or 0), content, final=False)
    history.op(proc, type_, "list_products", value)


def record_final_catalogue(service_url: str, record: Callable[[Op], None], *,
                           timeout_s: float = 5.0,
                           transport: httpx.BaseTransport | None = None) -> Op:
    """The one catalogue read after the settle: publish invoke + completion through `record`
    (the run's `lambda op: events.op_recorded.fire(op=op)`); returns the completing op."""
    record(Op(FINAL_PROCESS, "invoke", "list_products", {"final": True}, time.time()))
    status, content = 0, b""
    try:
        with httpx.Client(timeout=timeout_s, transport=transport) as client:
            r = client.get(f"{service_url.rstrip('/')}{ROUTE}")
            status, content = r.status_code, r.content
    except httpx.HTTPError as exc:
        content = f"{type(exc).__name__}: {exc}".encode()
    type_, value = outcome(status, content, final=True)
    done = Op(FINAL_PROCESS, type_, "list_products", value, time.time())
    record(done)
    return done

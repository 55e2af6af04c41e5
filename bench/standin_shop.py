"""A trivial stand-in shop for bench/harness_cost.py: the buyer flow's routes, answered at once.

    python -m bench.standin_shop --config service.json --port 0 [--time-scale X]

Why: to measure what the *harness* costs an order (Locust, fakes, proxy,
conductor), the shop must cost next to nothing. This is a raw ASGI app (no
framework, no database: a dict of orders, a deque of imported keys per product)
under the same uvicorn/uvloop/httptools server every fake uses. It speaks just
what a drill sends a shop: the stock import, the catalogue, order creation with
signed epay pay_params, the gateway's notify (verified like a shop would, then
the order is delivered on the spot), order status with its cards, the cards
route, and empty admin answers for the drain and the operator bot. Started in
place of `python -m delivery` when the harness runs with
FAKA_DRILL_SERVICE_MODULE=bench.standin_shop (drill/stack/processes.py).
Not a shop: no expiry, no risk, no suppliers, no persistence.
"""

from __future__ import annotations

import argparse
import itertools
import json
import secrets
import time
from collections import deque
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from delivery import epay
from runtime.serve import add_server_args, bind_socket, serve

JSON_HDR = [(b"content-type", b"application/json")]
TEXT_HDR = [(b"content-type", b"text/plain")]


class Shop:
    """All state of the stand-in: config, keys, orders."""

    def __init__(self, cfg: dict[str, Any], time_scale: float) -> None:
        self.pid, self.key = cfg["gateway"]["pid"], cfg["gateway"]["key"]
        self.admin_token = str(cfg.get("admin_token", ""))
        self.base = cfg["public_base_url"].rstrip("/")
        self.pay_url = cfg.get("gateway_public_url", "").rstrip("/") + "/submit.php"
        self.prices = {p["id"]: Decimal(p["price"]) for p in cfg["products"]}
        self.names = {p["id"]: p.get("name") or p["id"] for p in cfg["products"]}
        self.expiry_wall_s = float(cfg.get("order_expiry_s", 900)) / max(1e-9, time_scale)
        self.keys: dict[str, deque[str]] = {pid: deque() for pid in self.prices}
        self.orders: dict[str, dict[str, Any]] = {}
        self.seq = itertools.count(1)

    def create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        product, qty = str(body.get("product_id", "")), body.get("quantity")
        if product not in self.prices or not isinstance(qty, int) or not 1 <= qty <= 100:
            return 400, {"error": "product_id must be listed and quantity 1..100"}
        keys = self.keys[product]
        if len(keys) < qty:
            return 409, {"error": f"out of stock: {product}"}
        order_no = f"S{next(self.seq):09d}"
        amount = f"{self.prices[product] * qty:.2f}"
        o = {"order_no": order_no, "token": secrets.token_hex(8), "amount": amount,
             "status": "pending", "codes": [keys.popleft() for _ in range(qty)],
             "paid_at": None, "delivered_at": None}
        self.orders[order_no] = o
        params = {"pid": self.pid, "type": "alipay", "out_trade_no": order_no,
                  "notify_url": self.base + "/notify/epay",
                  "return_url": self.base + f"/api/orders/{order_no}",
                  "name": self.names[product], "money": amount}
        params["sign"] = epay.sign(params, self.key)
        params["sign_type"] = "MD5"
        return 201, {"order_no": order_no, "token": o["token"], "amount": amount,
                     "status": "pending", "expires_at": time.time() + self.expiry_wall_s,
                     "pay_url": self.pay_url, "pay_params": params}

    def notify(self, params: dict[str, str]) -> tuple[int, str]:
        o = self.orders.get(params.get("out_trade_no", ""))
        if o is None or not epay.verify(params, self.key) or params.get("pid") != self.pid:
            return 400, "fail: unknown order or bad sign"
        if params.get("money") != o["amount"]:
            return 400, "fail: amount mismatch"
        if o["status"] == "pending":
            now = time.time()
            o["status"], o["paid_at"], o["delivered_at"] = "delivered", now, now
        return 200, "success"

    def status(self, order_no: str, token: str, *, with_cards: bool) -> tuple[int, Any]:
        o = self.orders.get(order_no)
        if o is None or token != o["token"]:
            return 404, {"error": "no such order for this token"}
        delivered = o["status"] == "delivered"
        if not with_cards:
            if not delivered:
                return 409, {"error": "not delivered yet"}
            return 200, {"order_no": order_no, "cards": o["codes"]}
        body = {"order_no": order_no, "status": o["status"], "amount": o["amount"],
                "paid_at": o["paid_at"], "delivered_at": o["delivered_at"],
                "delivered": delivered}
        if delivered:
            body["cards"] = o["codes"]
        return 200, body

    def products(self) -> list[dict[str, Any]]:
        return [{"id": p, "name": self.names[p], "price": f"{price:.2f}", "kind": "local",
                 "stock_available": len(self.keys[p])} for p, price in self.prices.items()]


async def _body(receive: Any) -> bytes:
    chunks, more = [], True
    while more:
        msg = await receive()
        chunks.append(msg.get("body", b""))
        more = msg.get("more_body", False)
    return b"".join(chunks)


async def _send(send: Any, status: int, payload: Any) -> None:
    if isinstance(payload, str):
        body, headers = payload.encode(), TEXT_HDR
    else:
        body, headers = json.dumps(payload, separators=(",", ":")).encode(), JSON_HDR
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _route(shop: Shop, method: str, path: str, query: dict[str, str],
           raw: bytes, admin: bool) -> tuple[int, Any]:
    """(status, JSON value or text) for one request; the drill's routes only."""
    if path.startswith("/admin/") and not admin:
        return 401, {"error": "admin routes need Authorization: Bearer <admin_token>"}
    if path.startswith("/api/orders/"):
        rest = path[len("/api/orders/"):]
        if rest.endswith("/cards"):
            return shop.status(rest[:-6], query.get("token", ""), with_cards=False)
        return shop.status(rest, query.get("token", ""), with_cards=True)
    if path == "/api/orders" and method == "POST":
        return shop.create(json.loads(raw or b"{}"))
    if path == "/notify/epay":
        params = {**query, **dict(parse_qsl(raw.decode("utf-8", "replace")))}
        return shop.notify(params)
    if path == "/api/products":
        return 200, shop.products()
    if path == "/admin/stock/import" and method == "POST":
        body = json.loads(raw or b"{}")
        shop.keys.setdefault(body["product_id"], deque()).extend(body["codes"])
        return 200, {"imported": len(body["codes"])}
    if path in ("/admin/orders", "/healthz"):
        return 200, {"orders": [], "ok": True}
    if path == "/metrics":
        return 200, ""
    return 404, {"error": f"the stand-in shop has no {method} {path} (bench/standin_shop.py)"}


class App:
    """The ASGI callable (lifespan accepted, every HTTP request routed by `_route`)."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.admin = f"Bearer {shop.admin_token}".encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (msg := await receive())["type"] != "lifespan.shutdown":
                await send({"type": msg["type"] + ".complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        qs = scope.get("query_string", b"")
        query = dict(parse_qsl(qs.decode())) if qs else {}
        raw = await _body(receive) if scope["method"] == "POST" else b""
        try:
            admin = any(k == b"authorization" and v == self.admin for k, v in scope["headers"])
            status, payload = _route(self.shop, scope["method"], scope["path"], query, raw,
                                     admin)
        except (ValueError, KeyError, TypeError) as exc:
            status, payload = 400, {"error": f"bad request: {exc!r}"}
        await _send(send, status, payload)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.standin_shop", description=__doc__)
    p.add_argument("--config", required=True, help="the service.json the stack wrote")
    p.add_argument("--time-scale", type=float, default=None)
    p.add_argument("--role", default="all", help="accepted for the stack; only 'all' is served")
    p.add_argument("--worker-id", default=None)
    add_server_args(p)
    args = p.parse_args(argv)
    with open(args.config, encoding="utf-8") as fh:
        cfg = json.load(fh)
    scale = args.time_scale or float(cfg.get("time_scale", 1.0))
    sock = bind_socket(args.host, args.port, allow_non_loopback=args.allow_non_loopback)
    if not cfg.get("public_base_url"):  # the bench's direct pairing: notifies come straight here
        cfg["public_base_url"] = f"http://127.0.0.1:{sock.getsockname()[1]}"
    serve(App(Shop(cfg, scale)), sock, role="standin")


if __name__ == "__main__":
    main()

"""A toy shop + gateway in one process, speaking just enough of CONTRACTS §1/§2 for buyers.

Why: the locustfile's flow and LoadRun's bookkeeping are testable against a
real HTTP server on loopback before (and independently of) delivery/ and
fakes/. Orders are delivered `--deliver-after` seconds after payment; product
`never` is never delivered (so poll timeouts become `info` ops); orders of `quick`
expire 0.3 s after creation (for late payers); card routes check the token.

    python tests/drill/load/toyshop.py --port 0 [--deliver-after 0.05]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from runtime.serve import add_server_args, bind_socket, serve


def make_app(deliver_after: float) -> Starlette:
    orders: dict[str, dict] = {}
    trades: dict[str, str] = {}
    seq = itertools.count(1)
    base = {"url": ""}

    def status_of(o: dict) -> str:
        due = o["paid_at"] and time.time() >= o["paid_at"] + deliver_after
        if due and o["product_id"] != "never":
            o["delivered_at"] = o["delivered_at"] or o["paid_at"] + deliver_after
            return "delivered"
        return "paid" if o["paid_at"] else "pending_payment"

    async def create(request: Request) -> JSONResponse:
        body = await request.json()
        if body.get("product_id") == "soldout":
            return JSONResponse({"error": "out of stock", "status": 409}, 409)
        no = f"T{next(seq):08d}"
        orders[no] = {"product_id": body["product_id"], "paid_at": None, "delivered_at": None}
        if not base["url"]:
            base["url"] = str(request.base_url).rstrip("/")
        return JSONResponse({"order_no": no, "token": "tok" + no, "amount": "1.00",
                             "status": "pending_payment",
                             "expires_at": time.time() + (0.3 if body["product_id"] == "quick"
                                                          else 300),
                             "pay_url": base["url"] + "/submit.php",
                             "pay_params": {"out_trade_no": no, "money": "1.00", "pid": "1001"}},
                            201)

    async def submit(request: Request) -> JSONResponse:
        form = parse_qs((await request.body()).decode())  # no python-multipart needed
        out_trade_no = form["out_trade_no"][0]
        trade = f"G{out_trade_no}"
        trades[trade] = out_trade_no
        return JSONResponse({"code": 1, "msg": "ok", "trade_no": trade, "payurl": ""})

    async def pay(request: Request) -> JSONResponse:
        trade = request.path_params["trade_no"]
        if trade not in trades:
            return JSONResponse({"error": "no such trade"}, 404)
        orders[trades[trade]]["paid_at"] = time.time()
        return JSONResponse({"trade_no": trade, "out_trade_no": trades[trade], "status": "paid"})

    async def get_order(request: Request) -> JSONResponse:
        no = request.path_params["no"]
        if request.query_params.get("token") != "tok" + no or no not in orders:
            return JSONResponse({"error": "not found"}, 404)
        o = orders[no]
        st = status_of(o)
        return JSONResponse({"order_no": no, "status": st, "amount": "1.00",
                             "paid_at": o["paid_at"],
                             "delivered_at": o["delivered_at"], "delivered": st == "delivered"})

    async def products(request: Request) -> JSONResponse:
        return JSONResponse([{"id": "p1", "price": "1.00", "stock_available": 1000 - len(orders)}])

    async def cards(request: Request) -> JSONResponse:
        no = request.path_params["no"]
        if request.query_params.get("token") != "tok" + no or no not in orders:
            return JSONResponse({"error": "not found"}, 404)
        if status_of(orders[no]) != "delivered":
            return JSONResponse({"error": "not delivered"}, 409)
        return JSONResponse({"order_no": no, "cards": [f"CARD-{no}"]})

    return Starlette(routes=[
        Route("/api/products", products),
        Route("/api/orders", create, methods=["POST"]),
        Route("/submit.php", submit, methods=["POST"]),
        Route("/pay/{trade_no}", pay, methods=["POST"]),
        Route("/api/orders/{no}", get_order),
        Route("/api/orders/{no}/cards", cards),
    ])


def main() -> None:
    parser = argparse.ArgumentParser()
    add_server_args(parser)
    parser.add_argument("--deliver-after", type=float, default=0.05)
    args = parser.parse_args()
    sock = bind_socket(args.host, args.port, allow_non_loopback=args.allow_non_loopback)
    serve(make_app(args.deliver_after), sock, component="toyshop")


if __name__ == "__main__":
    main()

"""How fast the oracle judges a big run: a synthetic run folder of N orders, judged by the
real `drill.analyze.analyze`.

    .venv/bin/python bench/oracle.py [-n 1000000] [--seed 1] [--planted] [--dir DIR]

The folder has the collectors' own file formats (history.jsonl, ledgers/*.jsonl,
export.json, stock.json, load.json, meta.json, spec.json, faults.jsonl): buyers ordering 1-3
keys of a local and a supplier product, some never paying, duplicate notifies,
adversarial (must-refuse) notifies that were refused, supplier retries (a 503 first, or a
committed-then-timed-out purchase answered by a replay), snoopers refused. `--planted`
adds three findings (a double supplier purchase, a key shown to two buyers, a
must-refuse notify accepted); the expected verdicts are printed next to the real ones.
The judging runs in a child process so its peak memory (ru_maxrss) is its own; printed
with the CPU and wall time and the box's conditions (load average, cores). Goal on a
quiet 2-core box: <= 30 s and <= 4 GB for 1,000,000 orders.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drill.checks.spec import CheckSpec  # noqa: E402

T0 = 1_800_000_000.0
PRICES = {"steam-50": 50, "apple-100": 100}
PLANTED = {"no-double-purchase": False, "no-duplicate": False, "buyer-truth": False,
           "gateway-protocol": False, "money-goods": False}


class Out:
    """The run folder's append-only files, written line by line (a million orders never sit
    in memory as records)."""

    def __init__(self, run: Path) -> None:
        (run / "ledgers").mkdir(parents=True, exist_ok=True)
        self.run = run
        names = {"history": "history.jsonl", "payments": "ledgers/gateway-payments.jsonl",
                 "notifies": "ledgers/gateway-notifies.jsonl",
                 "purchases": "ledgers/supplier-primary-purchases.jsonl",
                 "codes": "ledgers/supplier-primary-codes.jsonl"}
        self.files: dict[str, IO[str]] = {k: open(run / v, "w", encoding="utf-8")  # noqa: SIM115
                                          for k, v in names.items()}
        self.index = 0
        self.orders: list[dict[str, Any]] = []
        self.deliveries: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.local_codes: list[str] = []

    def put(self, kind: str, item: dict[str, Any]) -> None:
        self.files[kind].write(json.dumps(item, separators=(",", ":")) + "\n")

    def op(self, proc: str, kind: str, f: str, t: float, **value: Any) -> None:
        self.index += 1
        self.put("history", {"process": proc, "type": kind, "f": f, "value": value, "time": t,
                             "index": self.index})

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()


def buyer(out: Out, i: int, rng: random.Random) -> None:
    """One buyer's whole story, in every source that sees it."""
    no, proc, t = f"B{i:010d}", f"buyer-1-{i}", T0 + i * 0.001
    pid = "steam-50" if rng.random() < 0.7 else "apple-100"
    qty = rng.choices((1, 2, 3), (0.6, 0.25, 0.15))[0]
    amount = f"{PRICES[pid] * qty}.00"
    out.op(proc, "invoke", "create_order", t, product_id=pid, quantity=qty)
    out.op(proc, "ok", "create_order", t + 0.01, order_no=no, product_id=pid, quantity=qty,
           amount=amount, expires_at=t + 10)
    order = {"order_no": no, "product_id": pid, "quantity": qty, "amount": amount,
             "created_at": t + 0.01, "status": "pending_payment", "trade_no": None,
             "delivered_at": None, "paid_at": None}
    out.orders.append(order)
    if rng.random() < 0.05:  # never pays: expires, keys back
        order["status"] = "expired"
        return
    trade = f"T{i:012d}"
    out.op(proc, "invoke", "pay", t + 0.02, order_no=no)
    out.op(proc, "ok", "pay", t + 0.05, order_no=no, trade_no=trade)
    out.put("payments", {"trade_no": trade, "out_trade_no": no, "type": "alipay", "name": pid,
                         "money": amount, "param": "", "status": "paid", "created_at": t + 0.03,
                         "paid_at": t + 0.04})
    notifies(out, no, trade, amount, t + 0.04, rng)
    codes = supply(out, no, pid, qty, t + 0.06, rng)
    done = t + 0.3
    order.update(status="delivered", trade_no=trade, paid_at=t + 0.04, delivered_at=done)
    out.deliveries.append({"order_no": no, "codes": codes, "source": "local"
                           if pid == "steam-50" else "primary", "created_at": done})
    out.op(proc, "invoke", "await_delivery", t + 0.05, order_no=no)
    out.op(proc, "ok", "await_delivery", done + 0.01, order_no=no, status="delivered",
           delivered_at=done)
    out.op(proc, "invoke", "fetch_card", done + 0.02, order_no=no)
    out.op(proc, "ok", "fetch_card", done + 0.03, order_no=no, cards=codes)
    if rng.random() < 0.01:
        snooper(out, i, no, done + 0.05)


def notifies(out: Out, no: str, trade: str, amount: str, at: float, rng: random.Random) -> None:
    base = {"trade_no": trade, "out_trade_no": no, "money": amount, "signed": True,
            "url": "http://127.0.0.1:1/notify/epay", "http_status": 200, "latency_ms": 4.0}
    out.put("notifies", {**base, "attempt": 1, "at": at, "outcome": "success",
                         "reply": "success", "variant": "normal"})
    if rng.random() < 0.1:
        out.put("notifies", {**base, "attempt": 1, "at": at + 0.5, "outcome": "success",
                             "reply": "success", "variant": "duplicate"})
    if rng.random() < 0.02:
        out.put("notifies", {**base, "attempt": 1, "at": at + 0.7, "outcome": "fail",
                             "reply": "fail", "variant": "underpaid", "adversarial": "underpaid",
                             "money": "0.01"})


def supply(out: Out, no: str, pid: str, qty: int, at: float, rng: random.Random) -> list[str]:
    """The order's keys: imported local ones, or a supplier purchase (maybe retried)."""
    if pid == "steam-50":
        codes = [f"L{no}-{k}" for k in range(qty)]
        out.local_codes += codes
        return codes
    codes = [f"S{no}-{k}" for k in range(qty)]
    base = {"downstream_order_no": no, "sku": pid, "quantity": qty, "replayed": False,
            "order_no": f"UP{no}", "given": qty}
    draw = rng.random()
    if draw < 0.1:  # a 503 first, then bought
        out.put("purchases", {**base, "at": at, "outcome": "error_503", "codes": [],
                              "http_status": 503, "given": 0})
        at += 0.05
    out.put("purchases", {**base, "at": at, "outcome": "commit_hold" if draw > 0.97
                          else "delivered", "codes": codes, "http_status": 200})
    if draw > 0.97:  # the reply was too late: looked up / replayed
        out.put("purchases", {**base, "at": at + 1.0, "outcome": "replayed", "codes": codes,
                              "http_status": 200, "replayed": True})
    for c in codes:
        out.put("codes", {"code": c, "sku": pid, "downstream_order_no": no, "order_no": f"UP{no}",
                          "at": at, "duplicate": False})
    out.calls.append({"order_no": no, "supplier": "primary", "endpoint": "POST /api/v1/upstream/"
                      "orders", "idempotency_key": no, "attempt": 1, "status": 200,
                      "outcome": "ok", "latency_ms": 5.0, "error": None, "at": at})
    return codes


def snooper(out: Out, i: int, no: str, t: float) -> None:
    proc = f"snooper-1-{i}"
    out.op(proc, "invoke", "snoop_cards", t, order_no=no, how="no_token")
    out.op(proc, "fail", "snoop_cards", t + 0.01, order_no=no, how="no_token",
           route="/api/orders/{order_no}/cards", status=404)

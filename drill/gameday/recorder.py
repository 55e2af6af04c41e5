"""The live outside view of the exercise, polled by one bounded thread: the shop's orders
and audit log, the sink's alerts and mails. It also plays the buyers who "contact
support": a buyer still waiting past `complain_after_min` complains (seeded share) by a
mail to support that the sink records (kind `complaint`)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from drill.gameday.clock import ScenarioClock
from drill.gameday.records import AUDIT_FILE, gateway_paid, paid_at
from drill.gameday.setup import Plan
from drill.stack.credentials import admin_headers

__all__ = ["OrderSource", "Recorder", "Snapshot", "UNPAID", "WAITING", "waiting"]

WAITING = ("paid", "review", "manual")
UNPAID = ("pending_payment", "expired")   # ... yet paid at the gateway: the notify was lost
GATEWAY_EVERY = 4          # polls between two reads of the gateway's payments
SUPPORT = "support@shop.example"
POLL_S = 0.5
MAX_POLLS = 2_000_000


class Snapshot:
    """The latest records (replaced whole under the recorder's lock; read by the board)."""

    def __init__(self) -> None:
        self.orders: list[dict[str, Any]] = []
        self.alerts: list[dict[str, Any]] = []
        self.mails: list[dict[str, Any]] = []
        self.audit: list[dict[str, Any]] = []
        self.paid_at_gateway: dict[str, float] = {}


def waiting(orders: list[dict[str, Any]], at_gateway: dict[str, float]
            ) -> list[tuple[dict[str, Any], float]]:
    """(order, paid at) of every buyer who paid and has no keys: paid-but-undelivered in the
    shop, or still unpaid there although the gateway took the money."""
    out = []
    for o in orders:
        paid = paid_at(o, at_gateway)
        if paid is not None and (o.get("status") in WAITING or o.get("status") in UNPAID):
            out.append((o, paid))
    return out


def complains(seed: int, order_no: str, share: float) -> bool:
    """Whether this buyer contacts support once past the promise (seeded, stable)."""
    digest = hashlib.sha256(f"{seed}:{order_no}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


OrderSource = Callable[[httpx.Client], list[dict[str, Any]] | None]   # None: not this time


class Recorder:
    """`orders` reads the shop's order list (default: the reference admin API; a target
    shop's through its adapter)."""

    def __init__(self, plan: Plan, shop_url: str, sink_url: str, run_dir: Path,
                 audit: bool = True, gateway_url: str | None = None,
                 orders: OrderSource | None = None) -> None:
        self.plan, self.shop_url, self.sink_url, self.run_dir = plan, shop_url, sink_url, run_dir
        self.gateway_url = gateway_url
        self._orders = orders or self._admin_orders
        self._polls = 0
        self.audit_enabled = audit
        self.snap = Snapshot()
        self.lock = threading.Lock()
        self.clock: ScenarioClock | None = None
        self._complained: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, t0: float) -> None:
        self.clock = ScenarioClock(t0, self.plan.speed)
        self._thread = threading.Thread(target=self._loop, daemon=True, name="gameday-recorder")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _loop(self) -> None:
        with httpx.Client(timeout=5, trust_env=False) as client:
            for _ in range(MAX_POLLS):
                with contextlib.suppress(httpx.HTTPError, ValueError, KeyError):
                    self.poll(client)
                if self._stop.wait(POLL_S):
                    return

    def poll(self, client: httpx.Client) -> None:
        """One round: orders, new audit rows, new sink items, then the complaints due."""
        orders = self._orders(client)
        if orders is None:
            orders = self.snap.orders
        audit = self._new_audit(client)
        alerts = self._ledger(client, "messages", len(self.snap.alerts))
        mails = self._ledger(client, "mails", len(self.snap.mails))
        at_gateway = self._gateway(client)
        with self.lock:
            self.snap.paid_at_gateway = at_gateway
            self.snap.orders = orders
            self.snap.audit = self.snap.audit + audit
            self.snap.alerts = self.snap.alerts + alerts
            self.snap.mails = self.snap.mails + mails
        self._complaints(client, orders, time.time())

    def _admin_orders(self, client: httpx.Client) -> list[dict[str, Any]] | None:
        r = client.get(f"{self.shop_url}/admin/orders", params={"limit": 100_000},
                       headers=admin_headers())
        return list(r.json()["orders"]) if r.status_code == 200 else None

    def _gateway(self, client: httpx.Client) -> dict[str, float]:
        """Who paid at the gateway (every few polls; its payments change in place)."""
        self._polls += 1
        if not self.gateway_url or self._polls % GATEWAY_EVERY != 1:
            return self.snap.paid_at_gateway
        r = client.get(f"{self.gateway_url}/_fake/ledger", params={"kind": "payments",
                                                                   "limit": 100_000})
        if r.status_code != 200:
            return self.snap.paid_at_gateway
        return gateway_paid(list(r.json()["items"]))

    def _new_audit(self, client: httpx.Client) -> list[dict[str, Any]]:
        if not self.audit_enabled:
            return []
        since = self.snap.audit[-1]["id"] if self.snap.audit else 0
        r = client.get(f"{self.shop_url}/admin/audit", params={"since_id": since,
                                                               "limit": 10_000},
                       headers=admin_headers())
        return list(r.json()["audit"]) if r.status_code == 200 else []

    def _ledger(self, client: httpx.Client, kind: str, offset: int) -> list[dict[str, Any]]:
        r = client.get(f"{self.sink_url}/_fake/ledger", params={"kind": kind, "offset": offset,
                                                                "limit": 10_000})
        return list(r.json()["items"]) if r.status_code == 200 else []

    def _complaints(self, client: httpx.Client, orders: list[dict[str, Any]], now: float) -> None:
        rules = self.plan.rules
        after = self.plan.wall(rules.complain_after_min * 60.0)
        for o, paid in waiting(orders, self.snap.paid_at_gateway):
            no = str(o.get("order_no"))
            if now - paid <= after or no in self._complained:
                continue
            self._complained.add(no)
            if complains(self.plan.seed, no, rules.complain_share):
                client.post(f"{self.sink_url}/mail/send", json={
                    "to": SUPPORT, "order_no": no, "kind": "complaint",
                    "subject": f"订单 {no} 付款了还没收到卡密 / paid, no keys yet",
                    "body": "我已经付款很久了,是不是被骗了?/ I paid long ago. Is this a scam?"})

    def write(self) -> None:
        """The audit log and the last order list into the run folder (the scoring reads them;
        the order list stands in when the export could not be taken, e.g. after Ctrl-C)."""
        folder = self.run_dir / "gameday"
        folder.mkdir(exist_ok=True)
        with self.lock:
            audit, orders = list(self.snap.audit), list(self.snap.orders)
        if self.audit_enabled:
            (self.run_dir / AUDIT_FILE).write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in audit),
                encoding="utf-8")
        (folder / "orders.json").write_text(json.dumps({"orders": orders}, ensure_ascii=False),
                                            encoding="utf-8")

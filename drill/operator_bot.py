"""The runbook bot: an operator who lists stuck paid orders and delivers them by hand.

It follows the emergency plan through the admin API while the system itself
recovers, so manual and automatic delivery race: the oracle then checks that
no order got two deliveries. Each action is an op of process "operator" in
history.jsonl (invoke, then ok/fail/info), published on `events.op_recorded`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

import httpx

from drill.events import Events
from drill.history import Op, OpType
from drill.scenario import Operator
from drill.stack.credentials import admin_headers

PROCESS = "operator"


class OperatorBot:
    def __init__(self, spec: Operator, service_url: str, events: Events) -> None:
        self.spec, self.service_url, self.events = spec, service_url, events
        self.actions = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._done: set[str] = set()

    def start(self, t0: float) -> None:
        self._thread = threading.Thread(target=self._run, args=(t0,), daemon=True,
                                        name="operator")
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _run(self, t0: float) -> None:
        if self._stop.wait(max(0.0, t0 + self.spec.start - time.time())):
            return
        with httpx.Client(base_url=self.service_url, headers=admin_headers(), timeout=5) as client:
            while not self._stop.is_set() and self.actions < self.spec.max_actions:
                self._round(client)
                if self._stop.wait(self.spec.every):
                    return

    def _round(self, client: httpx.Client) -> None:
        try:
            r = client.get("/admin/orders", params={
                "status": "paid", "older_than_s": self.spec.older_than_s, "limit": 100})
            orders = r.json().get("orders", []) if r.status_code == 200 else []
        except (httpx.HTTPError, ValueError):
            return
        for order in orders:
            no = str(order.get("order_no", ""))
            if not no or no in self._done or self._stop.is_set():
                continue
            if self.actions >= self.spec.max_actions:
                return
            self.actions += 1
            for _ in range(self.spec.repeat):  # a double click / a retry after a slow answer
                self._deliver(client, no)

    def _deliver(self, client: httpx.Client, order_no: str) -> None:
        self._op("invoke", {"order_no": order_no})
        try:
            r = client.post(f"/admin/orders/{order_no}/deliver")
        except httpx.HTTPError as exc:
            self._op("info", {"order_no": order_no, "error": f"{type(exc).__name__}: {exc}"})
            return
        body: dict[str, Any] = {}
        with contextlib.suppress(ValueError):
            body = r.json()
        ok = r.status_code == 200
        if ok:
            self._done.add(order_no)
        value = {"order_no": order_no, "cards": body.get("cards", []),
                 "created": body.get("created"), "source": body.get("source")}
        if not ok:
            value = {"order_no": order_no, "error": f"HTTP {r.status_code}: {r.text[:200]}"}
        self._op("ok" if ok else "fail", value)
        self.events.operator_action.fire(f="manual_deliver", order_no=order_no, ok=ok,
                                         at=time.time())

    def _op(self, type_: OpType, value: dict[str, Any]) -> None:
        self.events.op_recorded.fire(op=Op(PROCESS, type_, "manual_deliver", value, time.time()))

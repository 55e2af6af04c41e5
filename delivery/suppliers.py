"""Supplier client (dujiao-next open API, HMAC-signed) and a circuit breaker per supplier."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from delivery.config import Supplier, SupplierPolicy

PREFIX = "/api/v1/upstream"


@dataclass
class CallResult:
    endpoint: str
    # ok | partial (fewer keys than asked) | processing (accepted, keys later) | cancelled
    # | not_cancellable | not_found | rejected | out_of_stock | timeout | error | http_5xx
    # | bad_reply | unreachable (never got the request) | refused (answered: nothing done)
    outcome: str
    status: int | None = None
    codes: list[str] = field(default_factory=list)
    error: str | None = None
    latency_ms: float = 0.0
    order_no: str | None = None  # the supplier's own order number (to poll or cancel it)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def uncertain(self) -> bool:
        """The supplier may have committed: ask before buying anywhere else."""
        return self.outcome in ("timeout", "error", "http_5xx", "bad_reply", "rejected",
                                "processing")


def signed_headers(sup: Supplier, method: str, path: str, body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    msg = f"{method}\n{path}\n{ts}\n{hashlib.md5(body).hexdigest()}"
    sig = hmac.new(sup.api_secret.encode(), msg.encode(), hashlib.sha256).hexdigest()
    return {"Dujiao-Next-Api-Key": sup.api_key, "Dujiao-Next-Timestamp": ts,
            "Dujiao-Next-Signature": sig, "Content-Type": "application/json"}


class SupplierClient:
    def __init__(self, name: str, sup: Supplier, http: httpx.AsyncClient, timeout_s: float) -> None:
        self.name, self.sup, self.http, self.timeout = name, sup, http, timeout_s

    async def _call(self, method: str, path: str, payload: dict[str, Any] | None) -> CallResult:
        body = json.dumps(payload).encode() if payload is not None else b""
        t0 = time.perf_counter()
        res = CallResult(endpoint=f"{method} {path}", outcome="error")
        try:
            r = await self.http.request(
                method, self.sup.url.rstrip("/") + path, content=body or None,
                headers=signed_headers(self.sup, method, path, body), timeout=self.timeout)
            res.status = r.status_code
            _interpret(res, r)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # the request never left this process: the supplier cannot have committed
            res.outcome, res.error = "unreachable", f"{type(exc).__name__}: {exc}"[:300]
        except httpx.TimeoutException as exc:
            res.outcome, res.error = "timeout", f"{type(exc).__name__} after {self.timeout:.3f}s"
        except httpx.HTTPError as exc:
            res.outcome, res.error = "error", f"{type(exc).__name__}: {exc}"[:300]
        res.latency_ms = (time.perf_counter() - t0) * 1000
        return res

    async def buy(self, sku: str, quantity: int, downstream_order_no: str) -> CallResult:
        return await self._call("POST", PREFIX + "/orders", {
            "sku_id": sku, "quantity": quantity, "downstream_order_no": downstream_order_no})

    async def query(self, downstream_order_no: str) -> CallResult:
        return await self._call("GET", f"{PREFIX}/orders/by-downstream/{downstream_order_no}", None)

    async def lookup(self, order_no: str) -> CallResult:
        """The supplier's order by its own number (an accepted purchase's)."""
        return await self._call("GET", f"{PREFIX}/orders/{order_no}", None)

    async def cancel(self, order_no: str) -> CallResult:
        return await self._call("POST", f"{PREFIX}/orders/{order_no}/cancel", {})


def body_summary(r: httpx.Response) -> str:
    """What an unreadable reply looked like, without its text: a truncated purchase
    reply carries card codes, and this string goes to the log and `supplier_calls`."""
    body = r.content
    ctype = r.headers.get("content-type", "-").split(";")[0].strip()[:60] or "-"
    return f"{len(body)} bytes, {ctype}, sha256 {hashlib.sha256(body).hexdigest()[:12]}"


def _interpret(res: CallResult, r: httpx.Response) -> None:
    try:
        doc = r.json()
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        res.outcome = "http_5xx" if r.status_code >= 500 else "bad_reply"
        res.error = f"HTTP {r.status_code}, body not JSON: {body_summary(r)}"
        return
    if r.status_code >= 500:
        res.outcome, res.error = "http_5xx", f"{doc.get('error_code')}: {doc.get('error_message')}"
        return
    if doc.get("ok") is True:
        _interpret_order(res, doc.get("data"))
        return
    code = str(doc.get("error_code") or "")
    res.error = f"{code}: {doc.get('error_message')}"
    if code == "order_not_found" or r.status_code == 404:
        res.outcome = "not_found"
    elif code == "cancel_not_allowed":
        res.outcome = "not_cancellable"  # already delivered (or never processing): look again
    elif code in ("insufficient_stock", "sku_unavailable", "product_unavailable",
                  "product_not_found", "insufficient_balance"):
        res.outcome = "out_of_stock"
    elif r.status_code == 409 or "exist" in code or "duplicate" in code:
        res.outcome = "rejected"  # the request id was already used (reject semantics)
    else:
        # an explicit refusal (ok:false payment_failed, 429, 400/401/403...): nothing committed
        res.outcome = "refused" if r.status_code < 500 else "bad_reply"


ACCEPTED = frozenset({"processing", "accepted", "pending", "fulfilling"})


def _interpret_order(res: CallResult, data: Any) -> None:
    """An order document: delivered (ok), partially delivered, processing, cancelled."""
    data = data if isinstance(data, dict) else {}
    status = str(data.get("status"))
    payload = (data.get("fulfillment") or {}).get("payload")
    codes = [str(c) for c in payload] if isinstance(payload, list) else []
    no = data.get("order_no")
    res.order_no = str(no) if no else None
    if status == "delivered" and codes:
        res.outcome, res.codes = "ok", codes
    elif status == "partially_delivered" and codes:
        res.outcome, res.codes = "partial", codes
    elif status in ACCEPTED:
        res.outcome = "processing"
    elif status in ("cancelled", "canceled"):
        res.outcome = "cancelled"
    else:
        res.outcome, res.error = "bad_reply", f"status={data.get('status')!r}, no payload"


class Breaker:
    """Consecutive-failure breaker: closed → open (reset_s) → half-open (one trial)."""

    def __init__(self, policy: SupplierPolicy, wall: float, *, sticky: bool = False,
                 herd: bool = False) -> None:
        self.failures_to_open = policy.breaker_failures
        self.reset_wall = wall
        self.failures = 0
        self.opened_at: float | None = None
        self.trial_at: float | None = None  # when the half-open trial call was let through
        self.sticky = sticky  # bug zoo (no-failback): once open, never half-opens
        self.herd = herd  # bug zoo (half-open-lets-all): no single trial, every call goes

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.sticky:
            return "open"
        return "half_open" if time.time() - self.opened_at >= self.reset_wall else "open"

    def allow(self) -> bool:
        """Closed: yes. Half-open: one trial at a time; a trial whose outcome never came back
        (its task was cancelled, or it ended in neither success nor failure) expires after
        reset_wall, so the breaker cannot stay half-open with no trial for good."""
        s = self.state
        if s == "closed":
            return True
        now = time.time()
        if s == "half_open" and (self.herd or self.trial_at is None
                                 or now - self.trial_at >= self.reset_wall):
            self.trial_at = now
            return True
        return False

    def success(self) -> None:
        self.failures, self.opened_at, self.trial_at = 0, None, None

    def failure(self) -> None:
        self.failures += 1
        self.trial_at = None
        if self.opened_at is not None or self.failures >= self.failures_to_open:
            self.opened_at = time.time()

"""Payments the gateway knows, and the ledger the oracle reads.

A payment's ledger entry *is* its live record (status and paid_at change in
place), so the payments ledger always has exactly one item per payment.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fakes._common import Behaviour, Clock, Ledger, LoopClock, Streams
from fakes.payment.epay import money_str
from fakes.payment.knobs import KNOBS

ACKED_KEEP = 256


@dataclass(frozen=True, slots=True)
class Merchant:
    pid: str
    key: str


class GatewayState:
    """Everything the gateway remembers; reset() forgets it all."""

    def __init__(self, merchant: Merchant, seed: int, time_scale: float,
                 startup: dict[str, Any], allow_non_loopback: bool = False,
                 clock: Clock | None = None) -> None:
        self.merchant = merchant
        self.clock: Clock = clock if clock is not None else LoopClock()
        self.seed = seed
        self.time_scale = time_scale
        self.allow_non_loopback = allow_non_loopback
        self.behaviour = Behaviour(KNOBS, startup)
        self.ledger = Ledger("payments", "notifies")
        self.rng = Streams(seed)
        self.by_trade: dict[str, dict[str, Any]] = {}
        self.by_out: dict[str, dict[str, Any]] = {}
        self.last_notify: dict[str, str] | None = None  # last valid signed params (for replay)
        self.counter = 0
        # (trade_no, out_trade_no) of genuine notifies the shop answered success, newest last:
        # the trade numbers an `other_trade_no` forgery borrows (the shop has recorded them)
        self.acked: deque[tuple[str, str]] = deque(maxlen=ACKED_KEEP)
        self.on_reset: list[Callable[[], None]] = []
        self.url_checks: dict[str, str | None] = {}  # notify_url -> why refused (routes.py)

    def reset(self) -> None:
        for hook in self.on_reset:
            hook()
        self.behaviour.reset()
        self.ledger.clear()
        self.rng.reset()
        self.by_trade.clear()
        self.by_out.clear()
        self.last_notify = None
        self.counter = 0
        self.acked.clear()
        self.url_checks.clear()

    def stats(self) -> dict[str, Any]:
        paid = sum(1 for p in self.by_trade.values() if p["status"] == "paid")
        outcomes: dict[str, int] = {}
        for item in self.ledger.items("notifies"):
            outcomes[item["outcome"]] = outcomes.get(item["outcome"], 0) + 1
        return {"payments": len(self.by_trade), "paid": paid, "notify_outcomes": outcomes}

    def wall(self, scenario_s: float) -> float:
        return scenario_s / self.time_scale

    def new_trade_no(self) -> str:
        self.counter += 1
        return f"2024{self.counter:08d}{self.rng('trade').randrange(10**6):06d}"

    def create(self, fields: dict[str, str], money: Decimal) -> dict[str, Any]:
        trade_no = self.new_trade_no()
        payment: dict[str, Any] = {
            "trade_no": trade_no,
            "out_trade_no": fields["out_trade_no"],
            "type": fields["type"],
            "name": fields["name"],
            "money": money_str(money),
            "param": fields.get("param", ""),
            "status": "created",
            "created_at": self.clock.now(),
            "paid_at": None,
            "notify_url": fields["notify_url"],
            "return_url": fields.get("return_url", ""),
        }
        self.by_trade[trade_no] = payment
        self.by_out[payment["out_trade_no"]] = payment
        self.ledger.add("payments", payment)
        return payment

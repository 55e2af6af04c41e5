"""What the game day recorded, as plain values in scenario seconds: the scorers' only input.

`records.read_record` builds a `Record` from a run folder once; every checker in
`scoring` is a pure function of it (Jepsen style: record once, judge by pure checkers).
`actions is None` means the shop keeps no audit log: items that need it are unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Action", "Alert", "Delivery", "Mail", "Order", "Record"]


@dataclass(frozen=True, slots=True)
class Order:
    order_no: str
    product_id: str
    paid_s: float | None
    delivered_s: float | None
    status: str = ""


@dataclass(frozen=True, slots=True)
class Delivery:
    order_no: str
    source: str
    at_s: float


@dataclass(frozen=True, slots=True)
class Alert:
    at_s: float
    text: str


@dataclass(frozen=True, slots=True)
class Mail:
    at_s: float
    kind: str            # delay_notice | coupon | complaint | delivery ...
    order_no: str


@dataclass(frozen=True, slots=True)
class Action:
    """One audit row: `action` (view, notice, deliver, resend, retry, coupon, ...)."""

    at_s: float
    operator: str
    action: str
    order_no: str | None
    outcome: str          # done | noop | refused
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def page(self) -> str | None:
        page = self.detail.get("page") if self.action == "view" else None
        return page if isinstance(page, str) else None


@dataclass(frozen=True, slots=True)
class Record:
    incident_s: float                     # the incident's start
    heal_s: float | None                  # its heal (None: it lasted to the end)
    end_s: float                          # the exercise ended (planned or the end button)
    collected_s: float                    # when the final records were taken
    evidence: tuple[str, ...]             # back-office pages where the cause shows
    hand_after_heal: bool
    orders: tuple[Order, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    alerts: tuple[Alert, ...] = ()
    mails: tuple[Mail, ...] = ()
    actions: tuple[Action, ...] | None = ()
    faults: tuple[tuple[float, str, str], ...] = ()   # (at_s, inject|heal, target)

    def wait_s(self, o: Order) -> float:
        """How long the buyer waited for the keys (so far, when still undelivered)."""
        assert o.paid_s is not None
        return (o.delivered_s if o.delivered_s is not None else self.collected_s) - o.paid_s

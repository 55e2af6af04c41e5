"""What buyer and admin steps return, and the errors they raise (mapped to Jepsen op types).

A step that returns did happen (`ok`). `StepFailed` means it definitely did
not (`fail`: a 4xx, a refusal). `StepUnknown` means nobody can tell (`info`:
a timeout, a reset connection, a 5xx, a reply that cannot be read).
`NotSupported` says the adapter lacks the ability; checks turn it into
*unknown* with its reason.

    StepError ─┬─ StepFailed    -> op "fail"
               ├─ StepUnknown   -> op "info"
               └─ NotSupported  (never an op: the step was not attempted)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from drill.targets._abilities import Ability, PayShape
from drill.targets._http import HttpReply

OpType = Literal["ok", "fail", "info"]


class StepError(Exception):
    """A buyer or admin step did not complete; `op_type` says what the history records."""

    op_type: OpType = "fail"

    def __init__(self, step: str, message: str, *, status: int | None = None) -> None:
        super().__init__(f"{step}: {message}")
        self.step, self.message, self.status = step, message, status


class StepFailed(StepError):
    """The shop answered and refused: the step definitely did not take effect."""


class StepUnknown(StepError):
    """No usable answer (timeout, reset, 5xx): the step may or may not have taken effect."""

    op_type: OpType = "info"


class NotSupported(StepError):
    """The adapter lacks the ability this step needs."""

    def __init__(self, ability: Ability, reason: str) -> None:
        super().__init__(ability.value, reason)
        self.ability = ability


def refuse(step: str, reply: HttpReply, what: str = "") -> StepError:
    """The error for a reply that is not the expected success: unknown for 0/5xx."""
    text = f"{what}: {reply.describe()}" if what else reply.describe()
    cls = StepUnknown if reply.unknown else StepFailed
    return cls(step, text, status=reply.status)


def op_type_of(exc: BaseException) -> OpType:
    """Jepsen op type for anything a step raised (unexpected exceptions are unknown)."""
    return exc.op_type if isinstance(exc, StepError) else "info"


class OrderState(StrEnum):
    """The shop's order status, normalised so the load knows when to stop polling."""

    PENDING = "pending"  # waiting for payment
    PAID = "paid"  # paid, delivery under way
    HELD = "held"  # paid, waiting for a human (review, manual)
    DELIVERED = "delivered"
    CLOSED = "closed"  # will not deliver on its own (expired, refunded, rejected, no key left)
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    name: str
    price: Decimal
    stock: int | None = None  # unsold keys when the list shows an exact count


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    """A product the drill wants to exist, and card keys to import into it."""

    id: str
    name: str
    price: Decimal
    codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Order:
    """A created order. `secret` is what proves ownership on reads (None: the shop has none)."""

    order_no: str
    product_id: str
    quantity: int
    amount: Decimal | None  # None: the shop prices it later (kamiFaka)
    secret: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def with_secret(self, secret: str | None) -> Order:
        return replace(self, secret=secret)


@dataclass(frozen=True, slots=True)
class PaymentStart:
    """Where the buyer goes to pay.

    `SERVER_SUBMIT`: the shop already created the payment; `url` is the cashier
    page (`trade_no` when the URL names it). `BROWSER_FORM`: `url` is the
    gateway's submit.php and `fields` the signed form the buyer posts there.
    """

    order_no: str
    shape: PayShape
    url: str
    fields: Mapping[str, str] = field(default_factory=dict)
    trade_no: str | None = None


@dataclass(frozen=True, slots=True)
class OrderStatus:
    order_no: str
    state: OrderState
    raw: str  # the shop's own word for it
    cards: tuple[str, ...] | None = None  # when the status reply carries them
    paid_at: float | None = None
    delivered_at: float | None = None


@dataclass(frozen=True, slots=True)
class AdminOrder:
    order_no: str
    status: str
    raw: Mapping[str, Any] = field(default_factory=dict)

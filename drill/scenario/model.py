"""The scenario model: a validated, frozen `Scenario` and its sections (read by files.py).

Time, once and for all:
- **wall seconds**: everything the conductor schedules or judges: `[load]`
  (duration, spike, steps, poll_timeout), the `[[faults]]` timeline (at, for,
  until, from the start of the load phase), `[expect]` thresholds,
  `failover_within`, `settle`.  Strings like "500ms", "20s", "2m" or numbers.
- **scenario seconds**: every timer inside the service (`[service]` and its
  sub-tables, keys ending in `_s`, e.g. `order_expiry_s`, `monitor.window_s`)
  and the fakes' own schedules; they run `time_scale` times faster on the wall
  clock (CONTRACTS: `d` scenario seconds last `d / time_scale` wall seconds).

Unknown keys are refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)

from drill.scenario.service import Service, Strict
from drill.scenario.units import parse_duration, parse_threshold

Wall = Annotated[float, BeforeValidator(parse_duration)]
CHECK_IDS = (
    "no-loss", "no-duplicate", "no-oversell", "no-double-purchase", "latency", "retries",
    "failover", "alerts", "buyer-notice", "thresholds",
)
ALERT_RULES = (
    "stuck_paid_orders", "supplier_health", "low_stock", "review_backlog", "payment_anomaly",
    "manual_escalation", "refund_needed",
)
STATUSES = (
    "pending_payment", "expired", "review", "paid", "delivered", "manual", "refund_needed",
    "refunded", "rejected",
)




class Product(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = ""
    price: Decimal = Field(Decimal("10.00"), gt=0, decimal_places=2)
    kind: Literal["local", "supplier"] = "local"
    stock: int = Field(0, ge=0, le=1_000_000)   # local: codes generated and imported
    sku: str | None = None                       # supplier: the supplier's sku (default: id)

    @model_validator(mode="after")
    def _kind_fields(self) -> Product:
        if self.kind == "supplier" and self.stock:
            raise ValueError("stock is for local products; supplier stock goes in [suppliers.*]")
        return self


class SupplierSpec(Strict):
    # sku -> units; default 100000 for every supplier product
    stock: dict[str, int] = Field(default_factory=dict)
    semantics: Literal["replay", "reject"] = "replay"
    behaviour: dict[str, Any] = Field(default_factory=dict)   # fakes.supplier knobs at start


class FakeSpec(Strict):
    behaviour: dict[str, Any] = Field(default_factory=dict)
    schedule: Literal["epay", "alipay", "wechat"] | None = None


class Spike(Strict):
    multiplier: float = Field(10.0, gt=0)
    at: Wall = 0.0
    for_: Wall = Field(0.0, alias="for")


class Load(Strict):
    shape: Literal["constant", "flash_sale", "steps", "arrival_rate"] = "constant"
    users: int = Field(10, ge=1, le=5000)
    spawn_rate: float = Field(10.0, gt=0)
    rate: float = Field(0.0, ge=0)
    duration: Wall = 20.0
    spike: Spike = Spike()
    steps: tuple[tuple[Wall, float], ...] = ()
    max_orders: int = Field(100_000, ge=1)
    quantity: int = Field(1, ge=1, le=100)
    pay_probability: float = Field(1.0, ge=0, le=1)
    contacts: int = Field(0, ge=0)
    poll_timeout: Wall = 30.0
    poll_interval: Wall = 0.2
    processes: int = Field(1, ge=1, le=16)
    products: tuple[str, ...] = ()               # default: every catalogue product

    @model_validator(mode="after")
    def _shape_fields(self) -> Load:
        if self.shape == "arrival_rate" and self.rate <= 0:
            raise ValueError("shape 'arrival_rate' needs rate > 0 (orders per second)")
        if self.shape == "steps" and not self.steps:
            raise ValueError('shape \'steps\' needs steps = [["0s", 5], ["10s", 20], ...]')
        return self


class Fault(Strict):
    at: Wall
    for_: Wall | None = Field(None, alias="for")
    until: Wall | None = None
    target: str
    kind: str
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _window(self) -> Fault:
        if self.for_ is not None and self.until is not None:
            raise ValueError("give either 'for' or 'until', not both")
        if self.until is not None and self.until <= self.at:
            raise ValueError(f"until ({self.until}s) must be after at ({self.at}s)")
        return self

    @property
    def end(self) -> float | None:
        """Wall seconds after load start when this fault heals (None: at the end of the load)."""
        if self.until is not None:
            return self.until
        return None if self.for_ is None else self.at + self.for_


class Operator(Strict):
    """The runbook bot: lists stuck paid orders and delivers them by hand."""

    enabled: bool = False
    start: Wall = 0.0
    every: Wall = 1.0
    older_than_s: float = Field(30.0, ge=0)     # scenario seconds, as the admin API takes it
    max_actions: int = Field(200, ge=1)
    repeat: int = Field(1, ge=1, le=5)          # POSTs per order: a double click is 2


class Expect(Strict):
    thresholds: tuple[str, ...] = ()
    checks: tuple[str, ...] = CHECK_IDS
    alerts: tuple[str, ...] = ()
    quiet: bool = True
    max_attempts_per_order: int = Field(6, ge=1)
    max_supplier_calls_per_s: float | None = Field(None, gt=0)
    failover_within: Wall | None = None
    alert_within: Wall | None = None
    buyer_notice: bool = False
    unresolved: tuple[str, ...] = ()
    settle: Wall = 30.0

    @field_validator("thresholds")
    @classmethod
    def _thresholds(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for text in v:
            parse_threshold(text)
        return v

    @field_validator("checks")
    @classmethod
    def _checks(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _known(v, CHECK_IDS, "check")

    @field_validator("alerts")
    @classmethod
    def _alerts(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _known(v, ALERT_RULES, "alert rule")

    @field_validator("unresolved")
    @classmethod
    def _unresolved(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _known(v, STATUSES, "order status")


def _known(values: tuple[str, ...], known: tuple[str, ...], what: str) -> tuple[str, ...]:
    bad = [x for x in values if x not in known]
    if bad:
        raise ValueError(f"unknown {what} {bad[0]!r}; known: {', '.join(known)}")
    return values


class Scenario(Strict):
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    time_scale: float = Field(1.0, gt=0, le=100_000)
    seed: int = 0
    catalogue: tuple[Product, ...] = Field(min_length=1)
    suppliers: dict[Literal["primary", "backup"], SupplierSpec] = Field(default_factory=dict)
    gateway: FakeSpec = FakeSpec()
    sink: FakeSpec = FakeSpec()
    service: Service = Service()
    load: Load = Load()
    faults: tuple[Fault, ...] = ()
    operator: Operator = Operator()
    expect: Expect = Expect()
    name: str = ""                               # set from the file name
    path: str = ""

    @model_validator(mode="after")
    def _products(self) -> Scenario:
        ids = [p.id for p in self.catalogue]
        if len(set(ids)) != len(ids):
            raise ValueError(f"catalogue has duplicate product ids: {ids}")
        for pid in self.load.products:
            if pid not in ids:
                raise ValueError(f"load.products names {pid!r}, not in the catalogue ({ids})")
        return self

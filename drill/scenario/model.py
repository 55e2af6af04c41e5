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
    Field,
    field_validator,
    model_validator,
)

from drill.scenario.abort_rules import parse_abort_rule
from drill.scenario.gameday import GameDay
from drill.scenario.load import Load
from drill.scenario.service import (
    Count,
    Money,
    Service,
    Strict,
    field_problem,
)
from drill.scenario.units import PositiveWall, Probability, Wall, parse_threshold

DAY_S = 24 * 3600.0
CHECK_IDS = (
    "no-loss", "no-duplicate", "no-oversell", "no-double-purchase", "latency", "retries",
    "failover", "alerts", "buyer-notice", "thresholds", "completion", "money-goods",
    "buyer-truth", "gateway-protocol", "supplier-quantity", "failback", "stock-conservation",
    "messages", "access", "mail-recipient", "double-payment", "review-hold", "breaker",
)
# Run unless a scenario lists its own: the checks every drill gives evidence for (the load
# sends snoopers and the run takes a final catalogue read after the settle; `messages` reads
# the shop's configured notice delay, which every scenario has).
# `review-hold` needs the scenario's risk rule and no operator approving held orders (a game
# day's bot does): a scenario names it.
OPT_IN_CHECKS: tuple[str, ...] = ("review-hold",)
DEFAULT_CHECKS = tuple(c for c in CHECK_IDS if c not in OPT_IN_CHECKS)
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
    price: Money = Decimal("10.00")
    kind: Literal["local", "supplier"] = "local"
    stock: int = Field(0, ge=0, le=1_000_000)   # local: codes generated and imported
    sku: str | None = None                       # supplier: the supplier's sku (default: id)

    @model_validator(mode="after")
    def _kind_fields(self) -> Product:
        if self.kind == "supplier" and self.stock:
            raise ValueError("stock is for local products; supplier stock goes in "
                             "[suppliers.*] stock = { sku = units }")
        return self


class SupplierSpec(Strict):
    # sku -> units; default 100000 for every supplier product
    stock: dict[str, Count] = Field(default_factory=dict)
    semantics: Literal["replay", "reject"] = "replay"
    behaviour: dict[str, Any] = Field(default_factory=dict)   # fakes.supplier knobs at start


class FakeSpec(Strict):
    behaviour: dict[str, Any] = Field(default_factory=dict)
    schedule: Literal["epay", "alipay", "wechat"] | None = None


class SinkSpec(Strict):
    behaviour: dict[str, Any] = Field(default_factory=dict)
    smtp: bool = False      # the shop mails (delivery, delay notices, alerts) over SMTP


class Fault(Strict):
    """One `[[faults]]` entry. Container and command faults name what they break in their
    own keys (drill/faults/rules.py checks which keys go with which kind)."""

    at: Wall
    for_: PositiveWall | None = Field(None, alias="for")
    until: Wall | None = None
    target: str = ""                             # a link, fake or process (not container/command)
    kind: str
    params: dict[str, Any] = Field(default_factory=dict)
    action: str | None = None                    # container: kill | stop | restart | pause
    container: str | None = None                 # container: by name ...
    label: str | None = None                     # ... or every container with this label
    signal: str | int | None = None              # container kill: default SIGKILL
    command: str | None = None                   # command: breaks (via /bin/sh -c) ...
    heal: str | None = None                      # ... and undoes it
    timeout: PositiveWall | None = None          # command: bound on each run (default 30 s)
    heal_timeout: PositiveWall | None = None

    @model_validator(mode="after")
    def _window(self) -> Fault:
        if self.for_ is not None and self.until is not None:
            raise ValueError("give either 'for' or 'until', not both")
        if self.until is not None and self.until <= self.at:
            raise field_problem("until", f"= {self.until:g}s is not after at ({self.at:g}s); "
                                "a fault heals after it is injected")
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
    every: PositiveWall = 1.0
    older_than_s: Annotated[float, Field(ge=0)] = 30.0  # scenario seconds, as the admin API
    max_actions: int = Field(200, ge=1)
    repeat: int = Field(1, ge=1, le=5)          # POSTs per order: a double click is 2


class Expect(Strict):
    thresholds: tuple[str, ...] = ()
    checks: tuple[str, ...] = DEFAULT_CHECKS
    alerts: tuple[str, ...] = ()
    quiet: bool = True
    max_attempts_per_order: int = Field(6, ge=1)
    max_supplier_calls_per_s: float | None = Field(None, gt=0)
    failover_within: Wall | None = None
    alert_within: Wall | None = None
    buyer_notice: bool = False
    unresolved: tuple[str, ...] = ()
    settle: Wall = 30.0
    min_completion: Probability = 0.9            # orders created / planned arrivals
    abort: tuple[str, ...] = ()                  # stop conditions (abort_rules.py)

    @field_validator("abort")
    @classmethod
    def _abort(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for text in v:
            parse_abort_rule(text)
        return v

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


class Docker(Strict):
    """The daemon container faults talk to (default: DOCKER_HOST / the local socket)."""

    base_url: str | None = Field(None, pattern=r"^(unix|tcp|http|https|ssh)://.+$")


class Scenario(Strict):
    title: str = Field(min_length=1)
    description: str = ""
    tags: tuple[str, ...] = ()
    time_scale: float = Field(1.0, gt=0, le=100_000)
    seed: int = 0
    allow_long: bool = False                     # opt in to durations over 24 h (soaks)
    # a drill of the shop's own database: the --db kinds it runs on ("postgresql", "mysql")
    requires_db: tuple[Literal["postgresql", "mysql"], ...] = ()
    catalogue: tuple[Product, ...] = Field(min_length=1)
    suppliers: dict[Literal["primary", "backup"], SupplierSpec] = Field(default_factory=dict)
    gateway: FakeSpec = FakeSpec()
    sink: SinkSpec = SinkSpec()
    service: Service = Service()
    load: Load = Load()
    faults: tuple[Fault, ...] = ()
    docker: Docker = Docker()
    operator: Operator = Operator()
    expect: Expect = Expect()
    gameday: GameDay | None = None               # harness.py gameday: plan and incident pool
    name: str = ""                               # set from the file name
    path: str = ""

    @field_validator("requires_db", mode="before")
    @classmethod
    def _one_db(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value      # "postgresql" = ["postgresql"]

    @model_validator(mode="after")
    def _products(self) -> Scenario:
        ids = [p.id for p in self.catalogue]
        if len(set(ids)) != len(ids):
            raise field_problem("catalogue", f"has duplicate product ids: {ids}; give each "
                                "product its own id")
        for pid in self.load.products:
            if pid not in ids:
                raise field_problem("load.products", f"names {pid!r}, not in the catalogue "
                                    f"({', '.join(ids)})")
        self._bounded()
        return self

    def _bounded(self) -> None:
        """Every drill stops by itself within a day unless the file opts in (allow_long)."""
        if self.allow_long:
            return
        for path, seconds in (("load.duration", self.load.duration),
                              ("load.poll_timeout", self.load.poll_timeout),
                              ("expect.settle", self.expect.settle)):
            if seconds > DAY_S:
                raise field_problem(path, f"= {seconds:g}s is over 24 h; a drill must end by "
                                    "itself: shorten it, or set allow_long = true for a soak")

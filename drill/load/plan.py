"""What load to offer, as data: the LoadPlan and its pure shape arithmetic.

No Locust import here (Locust monkey-patches gevent on import); the conductor
builds a plan, the locustfile running in its own process reads it back from
JSON. The shape functions are pure functions of elapsed wall seconds so they
can be tested without a clock.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

SHAPES = ("constant", "flash_sale", "steps", "arrival_rate")


@dataclass(frozen=True)
class LoadPlan:
    """The offered load, in wall seconds (CONTRACTS §8)."""

    service_url: str
    gateway_url: str
    products: tuple[str, ...]
    shape: str = "constant"  # constant | flash_sale | steps | arrival_rate
    duration_s: float = 20.0
    users: int = 10
    spawn_rate: float = 10.0  # closed model (constant, steps, flash_sale)
    rate: float = 0.0  # open model orders/s (arrival_rate; flash_sale if > 0)
    peak_multiplier: float = 10.0
    spike_at_s: float = 0.0
    spike_for_s: float = 0.0
    steps: tuple[tuple[float, float], ...] = ()  # (at_s, users-or-rate)
    max_orders: int = 100_000  # hard bound on orders started
    quantity: int = 1
    pay_probability: float = 1.0
    contacts: int = 0
    poll_timeout_s: float = 30.0
    poll_interval_s: float = 0.2
    seed: int = 0
    processes: int = 1
    # Who the buyers are (drill/load/mix.py draws one BuyerChoice per buyer from these):
    quantity_mix: tuple[tuple[int, float], ...] = ()  # (quantity, weight); () = `quantity`
    browse: float = 0.0  # share of buyers who read the catalogue before ordering
    snoopers: float = 0.0  # share of buyers followed by a snooper (drill/load/snooper.py)
    late_payers: float = 0.0  # share of paying buyers who pay only after the order expired
    late_wait_max_s: float = 30.0  # a late payer waits at most this long for the expiry
    returning: float = 0.0  # share of buyers who are a recent buyer again (same contact)
    # Locust master/worker: > 0 runs a master expecting this many workers; `local_workers`
    # of them (default all) the runner starts here, the rest join from other machines.
    workers: int = 0
    local_workers: int | None = None
    # A target adapter (drill/targets) drives the buyers instead of the reference flow:
    # its name, options and the world it sees (drill/load/target_flow.py). "" = reference.
    target: str = ""
    target_options: tuple[tuple[str, str], ...] = ()
    target_world: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if self.shape not in SHAPES:
            problems.append(f"shape={self.shape!r} is unknown (known: {', '.join(SHAPES)})")
        if not self.products:
            problems.append("products is empty; name at least one product id to buy")
        if self.duration_s <= 0:
            problems.append(f"duration_s={self.duration_s} must be > 0")
        if self.shape == "arrival_rate" and self.rate <= 0:
            problems.append("shape='arrival_rate' needs rate > 0 (orders/s)")
        if self.processes < 1:
            problems.append(f"processes={self.processes} must be >= 1")
        if self.max_orders < 0 or self.quantity < 1:
            problems.append("max_orders must be >= 0 and quantity >= 1")
        for name in ("pay_probability", "browse", "snoopers", "late_payers"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name}={getattr(self, name)} must be within [0, 1]")
        problems += _distribution_problems(self)
        if any(q < 1 or w < 0 for q, w in self.quantity_mix) or (
                self.quantity_mix and sum(w for _q, w in self.quantity_mix) <= 0):
            problems.append(f"quantity_mix={list(self.quantity_mix)} needs [quantity >= 1, "
                            "weight >= 0] pairs with a positive total weight")
        if problems:
            raise ValueError("LoadPlan: " + "; ".join(problems))

    # -- model --------------------------------------------------------------
    @property
    def open_model(self) -> bool:
        """Orders arrive on a schedule regardless of how many are in flight."""
        return self.shape == "arrival_rate" or (self.shape == "flash_sale" and self.rate > 0)

    @property
    def shares(self) -> int:
        """How many Locust worker processes split the load (each takes one share)."""
        return self.workers if self.workers > 0 else self.processes

    @property
    def drain_s(self) -> float:
        """How long in-flight flows may run past the end of arrivals (a late payer first
        waits out its order's expiry)."""
        late = self.late_wait_max_s if self.late_payers > 0 else 0.0
        return self.poll_timeout_s + 10.0 + late

    @property
    def remote_workers(self) -> int:
        """Master/worker workers that join from other machines (not started by LoadRun)."""
        local = self.workers if self.local_workers is None else self.local_workers
        return self.workers - local

    @property
    def join_wait_s(self) -> float:
        """How long the master waits for its workers to connect before the load starts."""
        if not self.workers:
            return 0.0
        return 120.0 if self.remote_workers else 30.0

    @property
    def hard_deadline_s(self) -> float:
        """After this many wall seconds the runner kills Locust outright."""
        return self.duration_s + self.drain_s + 15.0 + self.join_wait_s

    # -- JSON ---------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LoadPlan:
        raw: dict[str, Any] = json.loads(text)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"LoadPlan JSON has unknown keys {unknown} (known: {sorted(known)})")
        raw["products"] = tuple(raw.get("products", ()))
        raw["steps"] = tuple((float(a), float(b)) for a, b in raw.get("steps", ()))
        raw["quantity_mix"] = tuple((int(q), float(w)) for q, w in raw.get("quantity_mix", ()))
        raw["target_options"] = tuple((str(k), str(v)) for k, v in raw.get("target_options", ()))
        return cls(**raw)

    @classmethod
    def load(cls, path: str | Path) -> LoadPlan:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def _distribution_problems(plan: LoadPlan) -> list[str]:
    out = []
    if plan.workers < 0 or (plan.workers and plan.processes > 1):
        out.append(f"workers={plan.workers} with processes={plan.processes}: give workers >= 0, "
                   "and either processes (one box, Locust --processes) or workers "
                   "(master/worker), not both")
    local = plan.local_workers
    if local is not None and not 0 <= local <= plan.workers:
        out.append(f"local_workers={local} must be within [0, workers={plan.workers}]")
    return out


# -- pure shape arithmetic ------------------------------------------------------
def _in_spike(plan: LoadPlan, t: float) -> bool:
    return plan.spike_for_s > 0 and plan.spike_at_s <= t < plan.spike_at_s + plan.spike_for_s


def _step_value(plan: LoadPlan, t: float, base: float) -> float:
    value = base
    for at_s, v in sorted(plan.steps):
        if t >= at_s:
            value = v
    return value


def users_at(plan: LoadPlan, t: float) -> int | None:
    """Closed model: how many users should run at elapsed `t`; None once the plan ends."""
    if t >= plan.duration_s:
        return None
    if plan.shape == "flash_sale" and _in_spike(plan, t):
        return max(1, round(plan.users * plan.peak_multiplier))
    if plan.shape == "steps":
        return max(0, round(_step_value(plan, t, plan.users)))
    return plan.users


def rate_at(plan: LoadPlan, t: float) -> float:
    """Open model: the arrival rate (orders/s) at elapsed `t`; 0 outside the plan."""
    if t < 0 or t >= plan.duration_s:
        return 0.0
    if plan.shape == "flash_sale" and _in_spike(plan, t):
        return plan.rate * plan.peak_multiplier
    if plan.shape == "steps":
        return _step_value(plan, t, plan.rate)
    return plan.rate


def arrival_offsets(plan: LoadPlan, share: int = 0, shares: int = 1) -> list[float]:
    """Intended start times (elapsed seconds) of this process's arrivals.

    The arrival stream is deterministic (evenly spaced at the current rate, like
    k6's arrival-rate executors): the cumulative count N(t) = ∫ rate dt and an
    arrival happens at every t where N crosses an integer. Process `share` of
    `shares` takes every shares-th arrival, so N processes together offer
    exactly the planned stream. Bounded by duration_s and max_orders.
    """
    out: list[float] = []
    t, acc, index = 0.0, 0.0, 0
    limit = plan.max_orders
    while t < plan.duration_s and index < limit:
        r = rate_at(plan, t)
        if r <= 0:
            t = _next_change(plan, t)
            continue
        need = 1.0 - acc  # arrivals still needed before the next integer crossing
        # Jump straight to the crossing if the rate stays constant until then.
        nxt = _next_change(plan, t)
        reach = t + need / r
        if reach <= nxt:
            t, acc = reach, 0.0
            if t >= plan.duration_s:
                break
            if index % shares == share:
                out.append(t)
            index += 1
        else:
            acc += (nxt - t) * r
            t = nxt
    return out


def planned_arrivals(plan: LoadPlan) -> int:
    """How many orders the open-model schedule offers in total (all processes)."""
    if not plan.open_model:
        return 0
    return len(arrival_offsets(plan))


def _next_change(plan: LoadPlan, t: float) -> float:
    """The next elapsed time at which rate_at may change (or the end)."""
    points = [plan.duration_s]
    if plan.shape == "flash_sale" and plan.spike_for_s > 0:
        points += [plan.spike_at_s, plan.spike_at_s + plan.spike_for_s]
    if plan.shape == "steps":
        points += [at for at, _ in plan.steps]
    later = [p for p in points if p > t]
    return min(later) if later else math.inf

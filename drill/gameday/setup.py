"""The exercise set up: an incident drawn (seeded) from the pool, and the scenario at a speed.

`--speed N` is the scenario's `time_scale`: the shop already divides every timer
of its config (alert window, stuck-after, expiry, backoff) by it, and the fakes do
too, so only the conductor's wall-second tables are converted here: the load
(duration, rate, poll timing), the incident's faults and the settle.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from drill.errors import ScenarioError
from drill.faults.plan import TOXIC_ATTRIBUTES
from drill.scenario.gameday import GameDay, Incident
from drill.scenario.model import Fault, Operator, Scenario
from drill.scenario.service import Service

__all__ = ["Plan", "at_speed", "choose", "eligible", "not_applied", "on_target",
           "pool_problems", "toxic_at_speed"]

TOXIC_TIMES = ("latency", "jitter", "timeout", "delay")  # toxic attributes in milliseconds
BUYER_WATCH_MIN = 3.0     # a buyer's page polls for the keys this long, then they wait by mail


@dataclass(frozen=True, slots=True)
class Plan:
    """What the exercise is: the incident (secret until the end), speed, seed, the rules."""

    incident: Incident
    speed: float
    seed: int
    rules: GameDay

    def wall(self, scenario_s: float) -> float:
        return scenario_s / self.speed

    @property
    def at_s(self) -> float:
        """Incident start, scenario seconds from the start of the load."""
        return self.incident.at_min * 60.0

    @property
    def heal_s(self) -> float | None:
        inc = self.incident
        return None if inc.for_min is None else (inc.at_min + inc.for_min) * 60.0

    @property
    def end_s(self) -> float:
        return self.rules.minutes * 60.0

    def to_dict(self) -> dict[str, Any]:
        return {"incident": self.incident.model_dump(mode="json"), "speed": self.speed,
                "seed": self.seed, "rules": self.rules.model_dump(mode="json",
                                                                  exclude={"incidents"})}


SHOP_PROCESSES = ("service", "api", "worker")


def on_target(inc: Incident) -> bool:
    """Whether the incident can break a shop the user started: its cause is a fault on a
    link or a fake (not on the shop's processes, not a change to the shop's config)."""
    return bool(inc.faults) and not any(
        f.target in SHOP_PROCESSES or f.target.startswith("worker-") for f in inc.faults)


def not_applied(inc: Incident) -> list[str]:
    """The incident's setup changes a shop the user started does not get (said in the plan)."""
    return [f"service.{k}" for k in inc.service] + [f"stock.{k}" for k in inc.stock]


def eligible(rules: GameDay, db_url: str | None, target: bool = False) -> list[Incident]:
    """The incidents this run can draw: a database incident only with that database; against
    --target-url only those `on_target`."""
    return [i for i in rules.incidents if (not i.requires_db
            or (db_url or "").startswith(i.requires_db)) and (not target or on_target(i))]


def choose(scenario: Scenario, seed: int, db_url: str | None, name: str | None = None,
           *, target: bool = False) -> Incident:
    """The seeded draw (or the named incident); refused with the choices when impossible."""
    rules = _rules(scenario)
    pool = eligible(rules, db_url, target)
    names = ", ".join(i.name for i in pool) or "(none)"
    if name is not None:
        found = [i for i in rules.incidents if i.name == name]
        if not found:
            known = ", ".join(i.name for i in rules.incidents)
            raise ScenarioError(scenario.path, [f"--incident {name!r} is not in the pool; "
                                                f"known: {known}"])
        if target and not on_target(found[0]):
            raise ScenarioError(scenario.path, [f"--incident {name!r} breaks the shop's own "
                                                f"processes or config, which a shop under "
                                                f"--target-url keeps to itself; choose one of "
                                                f"{names}"])
        if found[0] not in pool:
            raise ScenarioError(scenario.path, [f"--incident {name!r} needs the shop on "
                                                f"{found[0].requires_db}; give --db, or one of "
                                                f"{names}"])
        return found[0]
    if not pool:
        raise ScenarioError(scenario.path, ["gameday.incidents: no incident can run without "
                                            "--db postgresql+psycopg://…; add one"])
    return random.Random(seed).choice(pool)


def _rules(scenario: Scenario) -> GameDay:
    if scenario.gameday is None:
        raise ScenarioError(scenario.path, ["has no [gameday] table; use scenarios/gameday.toml "
                                            "or add [gameday] with incidents = [...]"])
    return scenario.gameday


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def _tuples(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _service(scenario: Scenario, inc: Incident) -> Service:
    base = scenario.service.model_dump(mode="json", exclude_none=True)
    return Service.model_validate(_tuples(_merged(base, inc.service)))


def at_speed(scenario: Scenario, inc: Incident, speed: float, seed: int) -> Scenario:
    """The scenario this exercise runs: incident applied, every wall table at `speed`."""
    rules = _rules(scenario)

    def wall(minutes: float) -> float:
        return minutes * 60.0 / speed
    faults = tuple(Fault.model_validate({
        "at": wall(inc.at_min), "target": f.target, "kind": f.kind,
        "params": toxic_at_speed(f.kind, f.params, speed),
        **({"for": wall(inc.for_min)} if inc.for_min is not None else {})}) for f in inc.faults)
    catalogue = tuple(p.model_copy(update={"stock": inc.stock[p.id]}) if p.id in inc.stock
                      else p for p in scenario.catalogue)
    load = scenario.load.model_copy(update={
        "shape": "arrival_rate", "rate": rules.buyers_per_min * speed / 60.0,
        "duration": wall(rules.minutes),
        "max_orders": math.ceil(rules.buyers_per_min * rules.minutes * 2) + 10,
        "poll_timeout": max(1.0, wall(BUYER_WATCH_MIN)),
        "poll_interval": max(0.2, wall(5 / 60))})
    expect = scenario.expect.model_copy(update={"settle": max(3.0, wall(2.0))})
    return scenario.model_copy(update={
        "time_scale": speed, "seed": seed, "faults": faults, "catalogue": catalogue,
        "service": _service(scenario, inc), "load": load, "expect": expect,
        "operator": Operator()})


def toxic_at_speed(kind: str, params: dict[str, Any], speed: float) -> dict[str, Any]:
    """A link fault's times (latency, jitter, timeout, delay: scenario ms in the pool) in
    wall ms at `speed`: "1.5 s on every query" stays 1.5 scenario s, as every clock does.
    A fake's knobs need nothing: the fakes scale their own timers."""
    if kind not in TOXIC_ATTRIBUTES:
        return dict(params)
    return {k: (max(1, round(v / speed)) if k in TOXIC_TIMES and isinstance(v, int | float)
                and not isinstance(v, bool) and v > 0 else v) for k, v in params.items()}


def _stock_problems(scenario: Scenario, n: int, inc: Incident) -> list[str]:
    local = {p.id for p in scenario.catalogue if p.kind == "local"}
    return [f"gameday.incidents[{n}].stock.{pid}: not a local product of the catalogue "
            f"(local: {', '.join(sorted(local)) or 'none'})"
            for pid in inc.stock if pid not in local]


def _shop_refuses(derived: Scenario) -> list[str]:
    """What the shop's own config check would refuse (its limits are not all in [service])."""
    from delivery.config import Config
    from drill.stack.service_config import ServiceUrls, service_config

    urls = ServiceUrls("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3",
                       {"primary": "http://127.0.0.1:4", "backup": "http://127.0.0.1:5"},
                       "http://127.0.0.1:6", "sqlite:///x.sqlite3")
    try:
        Config.model_validate(service_config(derived, urls))
    except ValidationError as exc:
        return [f"service.{'.'.join(str(p) for p in e['loc'])}: {e['msg']} (the shop refuses "
                "it)" for e in exc.errors()]
    return []


def pool_problems(scenario: Scenario, *, db_url: str | None = None) -> list[str]:
    """Every incident checked as the run would apply it (faults, knobs, service, stock)."""
    from drill.faults.plan import fault_problems

    out: list[str] = []
    for n, inc in enumerate(_rules(scenario).incidents):
        where = f"gameday.incidents[{n}]"
        out += _stock_problems(scenario, n, inc)
        try:
            derived = at_speed(scenario, inc, 60.0, 0)
        except ValidationError as exc:
            out += [f"{where}.service.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                    for e in exc.errors()]
            continue
        out += [f"{where}: {p}" for p in _shop_refuses(derived)]
        db = db_url or (f"{inc.requires_db}://(as the incident requires)"
                        if inc.requires_db else None)
        out += [p.replace("faults[", f"{where}.faults[", 1)
                for p in fault_problems(derived, db_url=db)]
    return out

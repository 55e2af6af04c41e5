"""The fault timeline as data: scenario faults -> inject/heal steps. Pure, no I/O.

Targets come in three families, each with its kinds:
- links (Toxiproxy proxies): toxics latency, bandwidth, timeout, reset_peer,
  slicer, limit_data, slow_close, and `down` (proxy disabled);
- fakes: `behaviour` (PUT /_fake/behaviour with `params` as the knobs);
- processes: `kill` (SIGKILL; restarted at heal), `pause` (SIGSTOP/SIGCONT),
  `restart` (graceful restart; its heal is a no-op);
- outside the stack (drill/faults/rules.py): `container` (a shop's containers
  through the docker SDK: kill, stop, restart, pause) and `command` (a user's
  shell command and its heal).
A fault without `for`/`until` heals when the load ends. Times are wall seconds
from the start of the load phase.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from drill.components import DB, FAKES, LINKS, SMTP, WORKER, service_components
from drill.faults.rules import (
    OUTSIDE_KINDS,
    kind_key_problems,
    outside_params,
    outside_target,
)

if TYPE_CHECKING:
    from drill.scenario import Fault, Scenario

TOXIC_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "latency": ("latency", "jitter"),
    "bandwidth": ("rate",),
    "timeout": ("timeout",),
    "reset_peer": ("timeout",),
    "slicer": ("average_size", "size_variation", "delay"),
    "limit_data": ("bytes",),
    "slow_close": ("delay",),
}
TOXIC_OPTIONS = ("stream", "toxicity")
LINK_KINDS = (*TOXIC_ATTRIBUTES, "down")
PROCESS_KINDS = ("kill", "pause", "restart")


@dataclass(frozen=True, slots=True)
class FaultStep:
    at: float                      # wall seconds after the load starts
    action: str                    # inject | heal
    index: int                     # position in the scenario's [[faults]]
    kind: str
    target: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    open_end: bool = field(default=False, compare=False)   # heal: "when the load ends"

    @property
    def fault_id(self) -> str:
        return f"f{self.index}-{self.kind}-{self.target}"


def process_targets(workers: int) -> tuple[str, ...]:
    return (*service_components(workers), *FAKES)


def family(target: str, workers: int) -> str | None:
    if target in LINKS:
        return "link"
    if target in process_targets(workers):
        return "process"
    return None


MAX_TOXIC_MS = 24 * 3600 * 1000
# attribute -> (minimum, maximum); all are integers, as in Toxiproxy (int64)
TOXIC_RANGES: dict[str, tuple[int, int]] = {
    "latency": (0, MAX_TOXIC_MS), "jitter": (0, MAX_TOXIC_MS), "rate": (0, 10**9),
    "timeout": (0, MAX_TOXIC_MS), "average_size": (1, 10**9), "size_variation": (0, 10**9),
    "delay": (0, MAX_TOXIC_MS), "bytes": (0, 10**12),
}


DB_NAMES = {"postgresql": "PostgreSQL", "mysql": "MariaDB/MySQL"}
DB_EXAMPLES = {"postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/test",
               "mysql": "mysql+pymysql://root@127.0.0.1:3306/test"}


def db_kind(db_url: str | None) -> str:
    """"postgresql", "mysql" (MariaDB too) or "sqlite" (the default) for a --db URL."""
    scheme = (db_url or "").split(":", 1)[0].split("+", 1)[0].lower()
    if scheme in ("postgresql", "postgres"):
        return "postgresql"
    return "mysql" if scheme in ("mysql", "mariadb") else "sqlite"


def _target_problem(where: str, f: Fault, workers: int, db_url: str | None,
                    smtp: bool) -> str | None:
    fam = family(f.target, workers)
    if fam is None:
        known = ", ".join((*LINKS, *process_targets(workers)))
        hint = " (kill a worker only with [service] workers >= 1)" if WORKER in f.target else ""
        return f"{where}.target = {f.target!r} is unknown; known: {known}{hint}"
    if f.target == DB and db_kind(db_url) == "sqlite":
        return (f"{where}.target = 'db': the db link exists only when the shop runs on "
                f"PostgreSQL or MariaDB/MySQL; run with --db {DB_EXAMPLES['postgresql']} "
                f"or --db {DB_EXAMPLES['mysql']}, or drop this fault")
    if f.target == SMTP and not smtp:
        return (f"{where}.target = 'smtp': the smtp link exists only when the shop mails over "
                "SMTP; set [sink] smtp = true or drop this fault")
    kinds: tuple[str, ...] = LINK_KINDS if fam == "link" else PROCESS_KINDS
    if fam == "process" and f.target in FAKES:
        kinds = (*kinds, "behaviour")
    if f.kind not in kinds:
        return (f"{where}.kind = {f.kind!r} does not apply to {f.target}; "
                f"use one of {', '.join(kinds)}")
    return None


def _toxic_value(where: str, name: str, value: Any) -> str | None:
    if name == "stream":
        ok = value in ("upstream", "downstream")
        return None if ok else f"{where}.stream = {value!r}; use 'upstream' or 'downstream'"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return f"{where}.{name} = {value!r} is not a finite number"
    if name == "toxicity":
        return None if 0 <= value <= 1 else f"{where}.toxicity = {value!r} is not within 0..1"
    low, high = TOXIC_RANGES[name]
    if not float(value).is_integer():
        return f"{where}.{name} = {value!r} is not a whole number (Toxiproxy takes integers)"
    if not low <= value <= high:
        return f"{where}.{name} = {value!r} is outside {low}..{high}"
    return None


def _params_problems(where: str, f: Fault) -> list[str]:
    if f.kind == "behaviour":
        from drill.scenario.knobs import knob_problems  # here: drill.scenario imports this module

        if not f.params:
            return [f"{where} is empty; give the fake's knobs, e.g. {{latency_ms = 200}}"]
        return knob_problems(f.target, f.params, where)
    allowed = (*TOXIC_ATTRIBUTES.get(f.kind, ()), *TOXIC_OPTIONS) if f.kind in TOXIC_ATTRIBUTES \
        else ()
    extra = sorted(set(f.params) - set(allowed))
    if extra:
        return [f"{where} has unknown key {extra[0]!r} for {f.kind}; "
                f"allowed: {', '.join(allowed) or 'none'}"]
    return [p for name, value in f.params.items() if (p := _toxic_value(where, name, value))]


def _window_problem(where: str, f: Fault, duration: float) -> str | None:
    if f.at >= duration:
        return (f"{where}.at = {f.at:g}s is not before the load ends ({duration:g}s); "
                "move it earlier or lengthen [load] duration")
    end = f.end
    if end is not None and end > duration:
        field = "until" if f.until is not None else "for"
        return (f"{where}.{field}: the fault would heal at {end:g}s, after the load ends "
                f"({duration:g}s); shorten it, or leave out for/until to heal at the end")
    return None


def fault_problems(scenario: Scenario, *, db_url: str | None = None) -> list[str]:
    """Every problem of the `[[faults]]` timeline, each naming its field; [] when it is sound."""
    out: list[str] = []
    workers, duration = scenario.service.workers, scenario.load.duration
    for i, f in enumerate(scenario.faults):
        where = f"faults[{i}]"
        keys = kind_key_problems(where, f)
        if keys is not None:
            out += keys
            if keys or f.kind not in OUTSIDE_KINDS:
                continue
            if window := _window_problem(where, f, duration):
                out.append(window)
            continue
        target = _target_problem(where, f, workers, db_url, scenario.sink.smtp)
        if target:
            out.append(target)
            continue
        out += _params_problems(f"{where}.params", f)
        if window := _window_problem(where, f, duration):
            out.append(window)
    return out


def plan(faults: tuple[Fault, ...] | list[Fault], load_duration: float) -> list[FaultStep]:
    """Every fault as an inject step and a heal step, ordered by time.

    On a tie, heals of earlier faults go first (a link is clean before the next
    fault hits it); a zero-length fault still injects before it heals.
    """
    keyed: list[tuple[tuple[float, int, int], FaultStep]] = []
    for i, f in enumerate(faults):
        end = max(f.end if f.end is not None else load_duration, f.at)
        outside = f.kind in OUTSIDE_KINDS
        target = outside_target(f) if outside else f.target
        params = outside_params(f) if outside else dict(f.params)
        keyed.append(((f.at, 1, i), FaultStep(f.at, "inject", i, f.kind, target, params)))
        keyed.append(((end, 2 if end == f.at else 0, i),
                      FaultStep(end, "heal", i, f.kind, target, dict(params),
                                open_end=f.end is None)))
    return [step for _, step in sorted(keyed, key=lambda pair: pair[0])]

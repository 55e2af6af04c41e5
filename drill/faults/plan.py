"""The fault timeline as data: scenario faults -> inject/heal steps. Pure, no I/O.

Targets come in three families, each with its kinds:
- links (Toxiproxy proxies): toxics latency, bandwidth, timeout, reset_peer,
  slicer, limit_data, slow_close, and `down` (proxy disabled);
- fakes: `behaviour` (PUT /_fake/behaviour with `params` as the knobs);
- processes: `kill` (SIGKILL; restarted at heal), `pause` (SIGSTOP/SIGCONT),
  `restart` (graceful restart; its heal is a no-op).
A fault without `for`/`until` heals when the load ends. Times are wall seconds
from the start of the load phase.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from drill.components import FAKES, LINKS, WORKER, service_components
from drill.errors import ScenarioError

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


def _check(i: int, f: Fault, workers: int, duration: float) -> str | None:
    where = f"faults[{i}]"
    fam = family(f.target, workers)
    if fam is None:
        known = ", ".join((*LINKS, *process_targets(workers)))
        hint = " (kill a worker only with [service] workers >= 1)" if WORKER in f.target else ""
        return f"{where}.target = {f.target!r} is unknown; known: {known}{hint}"
    kinds: tuple[str, ...] = LINK_KINDS if fam == "link" else PROCESS_KINDS
    if fam == "process" and f.target in FAKES:
        kinds = (*kinds, "behaviour")
    if f.kind not in kinds:
        return (f"{where}.kind = {f.kind!r} does not apply to {f.target}; "
                f"use one of {', '.join(kinds)}")
    allowed: tuple[str, ...] = ()
    if f.kind in TOXIC_ATTRIBUTES:
        allowed = TOXIC_ATTRIBUTES[f.kind] + TOXIC_OPTIONS
    if f.kind != "behaviour":
        extra = sorted(set(f.params) - set(allowed))
        if extra:
            return (f"{where}.params has unknown key {extra[0]!r} for {f.kind}; "
                    f"allowed: {', '.join(allowed) or 'none'}")
    if f.kind == "behaviour" and not f.params:
        return f"{where}.params is empty; give the fake's knobs, e.g. {{latency_ms = 200}}"
    stream = f.params.get("stream", "downstream")
    if stream not in ("upstream", "downstream"):
        return f"{where}.params.stream = {stream!r}; use 'upstream' or 'downstream'"
    if f.at >= duration:
        return (f"{where}.at = {f.at:g}s is not before the load ends ({duration:g}s); "
                "move it earlier or lengthen [load] duration")
    return None


def validate_faults(scenario: Scenario) -> None:
    problems = [
        p for i, f in enumerate(scenario.faults)
        if (p := _check(i, f, scenario.service.workers, scenario.load.duration)) is not None
    ]
    if problems:
        raise ScenarioError(scenario.path or scenario.name, problems)


def plan(faults: tuple[Fault, ...] | list[Fault], load_duration: float) -> list[FaultStep]:
    """Every fault as an inject step and a heal step, ordered by time.

    On a tie, heals of earlier faults go first (a link is clean before the next
    fault hits it); a zero-length fault still injects before it heals.
    """
    keyed: list[tuple[tuple[float, int, int], FaultStep]] = []
    for i, f in enumerate(faults):
        end = max(f.end if f.end is not None else load_duration, f.at)
        keyed.append(((f.at, 1, i), FaultStep(f.at, "inject", i, f.kind, f.target,
                                              dict(f.params))))
        keyed.append(((end, 2 if end == f.at else 0, i),
                      FaultStep(end, "heal", i, f.kind, f.target, dict(f.params))))
    return [step for _, step in sorted(keyed, key=lambda pair: pair[0])]

"""The harness judges itself: was the load generator, the conductor or a fake the bottleneck?

A drill blames the shop only when the harness had room to spare. During the
load a `SaturationSampler` thread reads the CPU time of the harness's own
processes (Locust and its workers, the conductor, the fakes, the proxy) with
psutil at a low rate, so measuring costs next to nothing; `summarise` turns
the samples into `harness.json`, and `saturation_reasons` (pure) says when a
verdict must be inconclusive instead of a shop failure. The shop's own
processes are sampled too, for the report, but never count as the harness.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import psutil

__all__ = ["BOX_SATURATED", "CPU_SATURATED", "HARNESS_JSON", "LAG_SATURATED_MS", "PROMPT_MS",
           "SHOP_HUNGRY",
           "ComponentLoad", "HarnessLoad",
           "SaturationSampler",
           "read_harness", "saturation_reasons", "summarise", "write_harness"]

HARNESS_JSON = "harness.json"

CPU_SATURATED = 0.90        # share of one core, sustained (p90 of the samples)
LAG_SATURATED_MS = 250.0    # a fake's /healthz round trip (p90): its event loop was busy
PROBE_TIMEOUT_S = 1.0
BOX_SATURATED = 0.95        # share of all the box's cores, sustained (p90)
SHOP_HUNGRY = 0.5           # share of a core a shop process wanted (p90): a full box starves it
PROMPT_MS = 50.0            # a fake's /healthz p90 below this: light processes were served
SAMPLE_EVERY_S = 0.5


@dataclass(frozen=True, slots=True)
class ComponentLoad:
    name: str
    samples: int
    cpu_mean: float          # share of one core: 1.0 = a whole core
    cpu_p90: float
    cpu_max: float
    processes: int           # the component's process and its descendants, at most


@dataclass(frozen=True, slots=True)
class HarnessLoad:
    components: tuple[ComponentLoad, ...]
    interval_s: float
    wall_s: float
    cores: int
    box_cpu_p90: float       # the whole box, share of all cores (0..1)
    sampler_cpu_s: float     # what measuring itself cost
    extra: dict[str, Any] = field(default_factory=dict)
    shop: tuple[ComponentLoad, ...] = ()     # the system under test: information only

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> HarnessLoad:
        def comps(key: str) -> tuple[ComponentLoad, ...]:
            return tuple(ComponentLoad(**c) for c in raw.get(key) or ())

        return cls(comps("components"), float(raw.get("interval_s", SAMPLE_EVERY_S)),
                   float(raw.get("wall_s", 0.0)), int(raw.get("cores", 1)),
                   float(raw.get("box_cpu_p90", 0.0)), float(raw.get("sampler_cpu_s", 0.0)),
                   dict(raw.get("extra") or {}), comps("shop"))


def write_harness(run_dir: Path, load: HarnessLoad) -> Path:
    path = run_dir / HARNESS_JSON
    path.write_text(json.dumps(load.to_dict(), indent=1), encoding="utf-8")
    return path


def read_harness(run_dir: Path) -> HarnessLoad | None:
    """harness.json of a run folder; None when absent or unreadable (an older run)."""
    try:
        return HarnessLoad.from_dict(json.loads((run_dir / HARNESS_JSON).read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _tree(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return []


def _cpu_seconds(procs: Sequence[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


class SaturationSampler:
    """Samples named process trees every `interval_s` until `stop()`; bounded by `max_s`.

    Names in `alone` are sampled without their descendants (the conductor, whose
    children are the whole stack); names in `shop` are reported apart. `probes`
    (name -> URL) are fetched once a sample: the round trip of a fake's /healthz
    is its event loop's responsiveness (a timeout counts as the timeout)."""

    def __init__(self, pids: Callable[[], Mapping[str, int]], *,
                 interval_s: float = SAMPLE_EVERY_S, max_s: float = 24 * 3600,
                 alone: Collection[str] = (), shop: Collection[str] = (),
                 probes: Mapping[str, str] | None = None) -> None:
        self._pids = pids
        self._probes = dict(probes or {})
        self.lags_ms: dict[str, list[float]] = {}
        self._alone, self._shop = frozenset(alone), frozenset(shop)
        self._handles: dict[int, psutil.Process] = {}
        self._interval = interval_s
        self._max_s = max_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="saturation", daemon=True)
        self.samples: dict[str, list[float]] = {}
        self.sizes: dict[str, int] = {}
        self.box: list[float] = []
        self._started = 0.0
        self._ended = 0.0
        self._own_cpu = 0.0

    def start(self) -> None:
        self._started = time.monotonic()
        self._thread.start()

    def stop(self) -> HarnessLoad:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self._ended = self._ended or time.monotonic()
        load = summarise(self.samples, self.sizes, self.box, interval_s=self._interval,
                         wall_s=self._ended - self._started, sampler_cpu_s=self._own_cpu,
                         shop=self._shop)
        lags = {name: {"samples": len(v), "p50": round(sorted(v)[len(v) // 2], 1),
                       "p90": round(_p90(v), 1), "max": round(max(v), 1)}
                for name, v in sorted(self.lags_ms.items()) if v}
        return replace(load, extra={**load.extra, "healthz_ms": lags}) if lags else load

    def _probe(self, client: httpx.Client) -> None:
        for name, url in self._probes.items():
            t0 = time.perf_counter()
            try:
                client.get(url)
                ms = (time.perf_counter() - t0) * 1000
            except httpx.HTTPError:
                ms = PROBE_TIMEOUT_S * 1000
            self.lags_ms.setdefault(name, []).append(ms)

    def _process(self, pid: int) -> psutil.Process | None:
        """One psutil handle a pid, kept: building it each sample costs more than reading it."""
        if pid not in self._handles:
            try:
                self._handles[pid] = psutil.Process(pid)
            except psutil.Error:
                return None
        return self._handles[pid]

    def _loop(self) -> None:
        own = time.thread_time()
        last: dict[str, tuple[float, float]] = {}
        psutil.cpu_percent(interval=None)
        with httpx.Client(timeout=PROBE_TIMEOUT_S) as client:
            while not self._stop.wait(self._interval):
                if time.monotonic() - self._started > self._max_s:
                    break
                self._sample(last)
                self._probe(client)
        self._ended = time.monotonic()
        self._own_cpu = time.thread_time() - own

    def _sample(self, last: dict[str, tuple[float, float]]) -> None:
        """One CPU reading of every named process tree, and of the box."""
        now = time.monotonic()
        for name, pid in self._pids().items():
            proc = self._process(pid)
            if proc is None:
                continue
            procs = [proc] if name in self._alone else _tree(proc)
            cpu = _cpu_seconds(procs)
            self.sizes[name] = max(self.sizes.get(name, 0), len(procs))
            if name in last:
                t0, c0 = last[name]
                if now > t0:
                    self.samples.setdefault(name, []).append(max(0.0, cpu - c0) / (now - t0))
            last[name] = (now, cpu)
        self.box.append(psutil.cpu_percent(interval=None) / 100.0)


def _p90(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)] if ordered else 0.0


def summarise(samples: Mapping[str, Sequence[float]], sizes: Mapping[str, int],
              box: Sequence[float], *, interval_s: float, wall_s: float,
              sampler_cpu_s: float, shop: Collection[str] = ()) -> HarnessLoad:
    comps = [
        ComponentLoad(name, len(vals), round(sum(vals) / len(vals), 3), round(_p90(vals), 3),
                      round(max(vals), 3), sizes.get(name, 1))
        for name, vals in sorted(samples.items()) if vals]
    return HarnessLoad(tuple(c for c in comps if c.name not in shop), interval_s,
                       round(wall_s, 3), psutil.cpu_count() or 1, round(_p90(box), 3),
                       round(sampler_cpu_s, 4), shop=tuple(c for c in comps if c.name in shop))


def _box_could_starve_the_shop(load: HarnessLoad) -> bool:
    """A full box explains a slow shop only if the shop wanted CPU (a process near half a core)
    or light processes waited for it too (a fake's /healthz slow). A shop idling at a third of
    a core while the gateway answers probes in milliseconds was slow on its own: waiting on a
    supplier inside the notify, say (docs/zoo-holdout.md, notify-waits-delivery)."""
    if not load.shop:
        return True                               # the shop is not sampled (a target drill)
    hungry = any(c.cpu_p90 / max(1, c.processes) >= SHOP_HUNGRY for c in load.shop)
    lags = [lag.get("p90", 0) for lag in (load.extra.get("healthz_ms") or {}).values()]
    return hungry or not lags or max(lags) >= PROMPT_MS


def saturation_reasons(load: HarnessLoad, *, dropped_arrivals: int = 0,
                       limit: float = CPU_SATURATED, box_limit: float = BOX_SATURATED
                       ) -> list[str]:
    """Why the harness, not the shop, may have been the bottleneck ([] when it had room).

    A component counts as saturated when its p90 CPU reaches `limit` of a core
    per process it ran (Locust with 2 worker processes may use 2 cores). The
    box counts when every core was busy (p90 >= `box_limit`) and the shop could have
    been starved by it (`_box_could_starve_the_shop`): then the drill's processes
    fought for CPU and no speed figure is the shop's.
    Dropped arrivals count only beside a saturated harness: with the generator
    idle they mean the shop held every buyer slot, which is the shop's slowness.
    """
    out = [f"harness saturated: {name} answered /healthz in {lag['p90']:.0f} ms (p90 over "
           f"{lag['samples']} probes): its event loop was busy"
           for name, lag in (load.extra.get("healthz_ms") or {}).items()
           if lag.get("p90", 0) >= LAG_SATURATED_MS]
    if load.box_cpu_p90 >= box_limit and _box_could_starve_the_shop(load):
        drill = sum(c.cpu_mean for c in (*load.components, *load.shop))
        out.append(f"box saturated: its {load.cores} cores {load.box_cpu_p90:.0%} busy (p90); "
                   f"the drill's processes used {drill:.2f} cores on average, other work "
                   "the rest")
    for c in load.components:
        per_core = c.cpu_p90 / max(1, c.processes if c.name == "locust" else 1)
        if per_core >= limit:
            out.append(f"harness saturated: {c.name} at {c.cpu_p90:.0%} of a core "
                       f"(p90 over {c.samples} samples)")
    if dropped_arrivals and out:
        out.append(f"{dropped_arrivals} arrivals dropped while the harness was saturated")
    return out

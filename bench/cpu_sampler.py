"""CPU time of a process tree, per named component, cheap enough not to disturb what it measures.

Why: wall-clock figures on a shared 2-core box move with the neighbours; CPU
time (utime+stime from /proc/<pid>/stat) of each of our pids barely does. The
sampler reads only the pids it knows (a few small files, `every_s` apart) and
walks the process tree with psutil only now and then (`discover_s`), because a
walk reads all of /proc. Every pid gets a name from its command line; one it
cannot name keeps its command line, so nothing hides in an "other" bucket. Its
own CPU (this process) and the rest of the box (/proc/stat minus our pids) are
reported with the rest. Used by bench/harness_cost.py and bench/flash_sale.py.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

TICK = os.sysconf("SC_CLK_TCK")
# (substring of the command line, component); first match wins
LABELS = (("fakes.payment", "gateway"), ("fakes.supplier", "suppliers"), ("fakes.sink", "sink"),
          ("fakes.toxiproxy", "toxiproxy"), ("toxiproxy_shim", "toxiproxy"),
          ("bare_locustfile", "bare-locust"), ("locust", "locust"),
          ("bench.standin_shop", "stand-in"), ("-m delivery", "service"),
          ("harness.py", "conductor"))


def label_of(cmdline: list[str]) -> str:
    cmd = " ".join(cmdline)
    for needle, name in LABELS:
        if needle in cmd:
            return name
    return "unnamed: " + cmd[:80]


def ticks(pid: int) -> int | None:
    """utime + stime of `pid` in clock ticks (fields 14, 15 of /proc/<pid>/stat)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def _same_as_parent(p: psutil.Process, cmd: list[str]) -> bool:
    """A forked child that has not exec'd (yet, or ever) still shows its parent's command
    line; its name is final only once it differs (an age rule misnamed slow execs on a busy box)."""
    try:
        parent = p.parent()
        return parent is not None and parent.cmdline() == cmd
    except psutil.Error:
        return False


def box_busy() -> int:
    """Ticks the whole box spent busy (all but idle and iowait), all cores."""
    vals = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(vals) - vals[3] - vals[4]


@dataclass
class Series:
    label: str
    points: list[tuple[float, int]] = field(default_factory=list)  # (time, ticks)

    def at(self, t: float, *, after: bool) -> int:
        """Ticks at the last sample <= t (or the first >= t when `after`); 0 before birth."""
        if after:
            later = [v for s, v in self.points if s >= t]
            return later[0] if later else (self.points[-1][1] if self.points else 0)
        earlier = [v for s, v in self.points if s <= t]
        return earlier[-1] if earlier else 0


class TreeSampler:
    """Samples every pid under `roots` (plus `extra` named pids) in a background thread."""

    def __init__(self, every_s: float = 0.5, discover_s: float = 2.0) -> None:
        self.every_s, self.discover_s = every_s, discover_s
        self.roots: dict[int, str] = {}            # pid -> label forced for that root
        self.series: dict[int, Series] = {}
        self.box: list[tuple[float, int]] = []
        self.me: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._known: set[int] = set()
        self._final: set[int] = set()              # pids whose name can no longer change

    def watch(self, pid: int, label: str | None = None) -> None:
        """Add a tree root (its children are found at the next discovery)."""
        self.roots[pid] = label or ""
        self._discover()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True, name="cpu-sampler")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _discover(self) -> None:
        """Find new pids under the roots and (re)name them from their command lines: a child
        seen between fork and exec has its parent's (or an empty) command line, so a name is
        taken as final only once the pid is a root, a zombie, or has exec'd."""
        for root, forced in list(self.roots.items()):
            try:
                proc = psutil.Process(root)
                found = [proc, *proc.children(recursive=True)]
            except psutil.Error:
                continue
            for p in found:
                if p.pid in self._final:
                    continue
                try:
                    name, final = self._name(p, forced if p.pid == root else "")
                except psutil.Error:
                    continue
                if name is None:
                    continue       # mid-exec: no command line yet; named at the next look
                if final:
                    self._final.add(p.pid)
                series = self.series.get(p.pid)
                if series is None:
                    self._known.add(p.pid)
                    self.series[p.pid] = Series(name)
                else:
                    series.label = name

    @staticmethod
    def _name(p: psutil.Process, forced: str) -> tuple[str | None, bool]:
        """(component name or None, whether that name is final)."""
        if forced:
            return forced, True
        cmd = p.cmdline()
        if not cmd:
            if p.status() == psutil.STATUS_ZOMBIE:
                return f"exited child ({p.name()}, not yet reaped)", True
            return None, False
        return label_of(cmd), not _same_as_parent(p, cmd)


    def _loop(self) -> None:
        next_discovery = 0.0
        while not self._stop.is_set():
            now = time.time()
            if now >= next_discovery:
                self._discover()
                next_discovery = now + self.discover_s
            for pid, s in self.series.items():
                t = ticks(pid)
                if t is not None:
                    s.points.append((now, t))
            self.box.append((now, box_busy()))
            self.me.append((now, ticks(os.getpid()) or 0))
            self._stop.wait(self.every_s)

    def window(self, a: float, b: float) -> dict[str, float]:
        """CPU seconds per component in [a, b]; 'sampler' is this process, 'others' the rest
        of the box. A pid born inside the window counts from 0."""
        out: dict[str, float] = {}
        for s in self.series.values():
            if not s.points or s.points[-1][0] < a or s.points[0][0] > b:
                continue
            used = (s.at(b, after=False) - s.at(a, after=False)) / TICK
            out[s.label] = out.get(s.label, 0.0) + max(0.0, used)
        me = Series("sampler", self.me)
        out["sampler"] = (me.at(b, after=False) - me.at(a, after=False)) / TICK
        box = Series("box", self.box)
        busy = (box.at(b, after=False) - box.at(a, after=False)) / TICK
        out["others"] = max(0.0, busy - sum(out.values()))
        return out


def conditions() -> str:
    """One line: load average and how many cores the box has."""
    la = os.getloadavg()
    return f"load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}, {os.cpu_count()} cores"

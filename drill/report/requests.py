"""The per-request table of a run (Locust's statistics table), computed once from history.jsonl.

One row per request name (the op's `f`: create_order, pay, await_delivery,
fetch_card, list_products, snoop_*…), then a total. Read from the history,
the contract every runner writes (Locust, the lean runner, a target adapter),
not from Locust's own stats, so every run gets the same table. Pure.

How ops count (Jepsen ops, one invoke then its completion per process):
- a request is an `invoke`; its latency is the time to its completion
  (`ok`, `fail` or `info`), so timeouts count with the time the buyer waited;
- a failure is a `fail` or an `info` (outcome unknown: the buyer got no
  answer it could use) or an invoke that never completed before the run ended;
  for a snooper's probe (`snoop_*`) the refusal (`fail`) is the right answer,
  so there a failure is anything else: let through (`ok`), `info`, unanswered
  (whether a let-through leaked data is the `access` check's call);
- req/s is requests over the run's request window (first invoke to last
  completion), the same window for every row so the rows add up to the total.
Nemesis ops (faults) are no requests.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from drill.percentile import percentile

__all__ = ["TOTAL", "RequestRow", "request_table"]

TOTAL = "total"
_EXPECTED = {"snoop": "fail"}         # request kind -> the answer that is no failure


@dataclass(frozen=True, slots=True)
class RequestRow:
    name: str
    requests: int
    failures: int
    failure_pct: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    rps: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000.0, 1)


def _row(name: str, invokes: int, failures: int, latencies: list[float],
         window_s: float) -> RequestRow:
    return RequestRow(
        name=name, requests=invokes, failures=failures,
        failure_pct=round(100.0 * failures / invokes, 2) if invokes else 0.0,
        p50_ms=_ms(percentile(latencies, 50)), p95_ms=_ms(percentile(latencies, 95)),
        p99_ms=_ms(percentile(latencies, 99)), max_ms=_ms(max(latencies, default=None)),
        rps=round(invokes / window_s, 2) if window_s > 0 else None)


_DONE = frozenset({"ok", "fail", "info"})


Pending = dict[tuple[str, str], float | deque[float]]  # one start, or several in order


@cache
def _expected(f: str) -> str:
    """The outcome a request of `f` should have (a snooper's `fail` is expected)."""
    return _EXPECTED.get(f.split("_")[0], "ok")


def request_table(history: Iterable[Mapping[str, Any]] | None) -> list[RequestRow]:
    """Rows sorted by request name, then the total row; [] for no (or no buyer) history."""
    invokes: dict[str, int] = defaultdict(int)
    failures: dict[str, int] = defaultdict(int)
    latencies: dict[str, list[float]] = defaultdict(list)
    open_ops: Pending = {}
    first = last = None
    expected: dict[str, str] = {}
    for op in history or ():
        proc, f, kind, at = op.get("process", ""), op.get("f", ""), op.get("type"), op.get("time")
        if type(proc) is not str or type(f) is not str:
            proc, f = str(proc), str(f)
        if proc == "nemesis" or not f or (type(at) is not float
                                          and not isinstance(at, (int, float))):
            continue
        at = float(at)
        if kind == "invoke":
            invokes[f] += 1
            key = (proc, f)
            if key in open_ops:  # overlapping calls of one process (rare)
                _open(open_ops, key, at)
            else:  # the common op: one float, no call
                open_ops[key] = at
            first = at if first is None or at < first else first
        elif kind in _DONE:
            start = open_ops.pop((proc, f), None)
            if start is None:
                continue
            if type(start) is not float:  # a deque: put it back, take its oldest
                open_ops[proc, f] = start
                start = _close(open_ops, (proc, f))
                if start is None:
                    continue
            latencies[f].append(max(0.0, at - start))
            want = expected.get(f)
            if want is None:
                want = expected[f] = _expected(f)
            failures[f] += kind != want
            last = at if last is None or at > last else last
    for (_, f), pending in open_ops.items():  # never answered before the run ended
        failures[f] += 1 if isinstance(pending, float) else len(pending)
    if not invokes:
        return []
    window = (last - first) if first is not None and last is not None else 0.0
    for values in latencies.values():
        values.sort()  # once: each percentile's sort of a sorted list is then linear
    rows = [_row(f, invokes[f], failures[f], latencies[f], window) for f in sorted(invokes)]
    every = sorted(x for f in sorted(latencies) for x in latencies[f])  # merges sorted runs
    rows.append(_row(TOTAL, sum(invokes.values()), sum(failures.values()), every, window))
    return rows


def _open(open_ops: Pending, key: tuple[str, str], at: float) -> None:
    """A process's pending invokes of one request, oldest first: a bare float for the one
    pending (a million buyers: no deque each), a deque for a process's overlapping calls."""
    pending = open_ops.get(key)
    if pending is None:
        open_ops[key] = at
    elif isinstance(pending, float):
        open_ops[key] = deque((pending, at))
    else:
        pending.append(at)


def _close(open_ops: Pending, key: tuple[str, str]) -> float | None:
    """The oldest pending invoke's time (FIFO, as `_open` keeps them), or None."""
    pending = open_ops.get(key)
    if pending is None or isinstance(pending, float):
        if pending is not None:
            del open_ops[key]
        return pending
    start = pending.popleft()
    if not pending:
        del open_ops[key]
    return start

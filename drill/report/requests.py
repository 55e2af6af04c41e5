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


def request_table(history: Iterable[Mapping[str, Any]] | None) -> list[RequestRow]:
    """Rows sorted by request name, then the total row; [] for no (or no buyer) history."""
    invokes: dict[str, int] = defaultdict(int)
    failures: dict[str, int] = defaultdict(int)
    latencies: dict[str, list[float]] = defaultdict(list)
    open_ops: dict[tuple[str, str], deque[float]] = defaultdict(deque)
    first: float | None = None
    last: float | None = None
    for op in history or ():
        proc, f, kind = str(op.get("process", "")), str(op.get("f", "")), op.get("type")
        at = op.get("time")
        if proc == "nemesis" or not f or not isinstance(at, int | float):
            continue
        if kind == "invoke":
            invokes[f] += 1
            open_ops[(proc, f)].append(float(at))
            first = float(at) if first is None else min(first, float(at))
        elif kind in ("ok", "fail", "info") and (pending := open_ops.get((proc, f))):
            latencies[f].append(max(0.0, float(at) - pending.popleft()))
            if not pending:                   # a million buyers: no empty deque kept each
                del open_ops[(proc, f)]
            failures[f] += int(kind != _EXPECTED.get(f.split("_")[0], "ok"))
            last = float(at) if last is None else max(last, float(at))
    for (_, f), pending in open_ops.items():
        failures[f] += len(pending)               # never answered before the run ended
    if not invokes:
        return []
    window = (last - first) if first is not None and last is not None else 0.0
    rows = [_row(f, invokes[f], failures[f], latencies[f], window) for f in sorted(invokes)]
    every = [x for f in sorted(latencies) for x in latencies[f]]
    rows.append(_row(TOTAL, sum(invokes.values()), sum(failures.values()), every, window))
    return rows

"""When each alert rule's condition held, from outside records only, and which windows owe it.

The shop raises an alert at most once per (rule, window), windows aligned to the clock
(`floor(now / window) * window`, delivery/store/alerts.py), and evaluates its rules every
`every_s`: while a condition holds it must raise the rule again in each new window
(re-notification, Alertmanager's repeat_interval). A window owes the rule an alert when the
condition held, inside it, through a whole monitor pass plus slack (`hold_s`): from the
window's start, or from a mid-window onset early enough that the pass ends in the window
(later ones owe nothing that window). A timeline is a list of spans (start, end, id):
one item (an order, a product) known to make the condition true throughout; a rule with a
threshold needs more than that many items at once, each through the whole pass.

Evidence, per rule (the export is not read):
- manual_escalation: an order is in `manual` from the first moment its buyer saw that status
  (the last poll of `await_delivery`) or a manual_escalation post named it, until the
  operator touched it or its buyer saw it delivered (only the admin API takes an order out
  of manual), else until the observation ends;
- low_stock: a local product (numeric `stock_available`) read below `low_stock_below` by
  consecutive catalogue reads at most MAX_READ_GAP_S apart (a product never read above 0
  has no keys the monitor could count);
- stuck_paid_orders: an order counts from `stuck_after` after the shop had certainly
  learned of its payment (its answer to the first genuine notify it accepted) until its
  buyer saw it delivered (or a last poll still saw `paid`), and no longer than one monitor
  window after the gateway's payment; the operator's first touch ends it, and with a review
  risk mode nothing is judged (a paid order may wait in `review`, which the rule ignores).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from drill.checks.alert_posts import named_orders
from drill.checks.evidence import (
    as_float,
    as_int,
    buyer_orders,
    catalogue_reads,
    end_time,
    real_buyer_ops,
)
from drill.checks.gateway_evidence import payments_by_order, shop_knew_at
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec

MAX_READ_GAP_S = 1.0  # catalogue reads further apart say nothing about the stock between
OPERATOR = "operator"  # drill.operator_bot's process
REVIEW_MODES = frozenset({"review", "pass_then_review"})
Span = tuple[float, float, str]  # (from, to, the order or product that made it hold)


@dataclass
class Seen:
    """What the outside saw of each order's status besides delivery (one history pass)."""

    manual: dict[str, float] = field(default_factory=dict)  # first sighting of `manual`
    still_paid: dict[str, float] = field(default_factory=dict)  # last poll that saw `paid`
    operator: dict[str, float] = field(default_factory=dict)  # the operator's first touch


def seen(src: Sources) -> Seen:
    cached = src.cache.get("alert_conditions.seen")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    out = Seen()
    manual, still_paid, operator = out.manual, out.still_paid, out.operator
    for op in real_buyer_ops(src):  # ten million ops at 1M orders: the cheap tests first
        f = op.get("f")
        if f == "await_delivery":
            if op.get("type") == "ok" or op.get("type") == "invoke":
                continue
            value = op.get("value") or {}
            status = value.get("status")
            if (status != "manual" and status != "paid") or not value.get("order_no"):
                continue
            no, t = str(value["order_no"]), as_float(op.get("time")) or 0.0
            if status == "manual":
                manual[no] = min(manual.get(no, t), t)
            else:
                still_paid[no] = max(still_paid.get(no, t), t)
        elif op.get("process") == OPERATOR:
            touched = (op.get("value") or {}).get("order_no")
            if touched:
                no, t = str(touched), as_float(op.get("time")) or 0.0
                operator[no] = min(operator.get(no, t), t)
    src.cache["alert_conditions.seen"] = out
    return out


def observed_until(src: Sources) -> float:
    """The last moment the sink's ledger can show: the collection's start (meta phases)."""
    for phase in src.meta.get("phases") or []:
        if isinstance(phase, dict) and phase.get("name") == "collect":
            start = as_float(phase.get("start"))
            if start:
                return start
    return end_time(src)


def manual_spans(src: Sources, until: float) -> list[Span]:
    s, named, buyers = seen(src), named_orders(src, "manual_escalation"), buyer_orders(src)
    out: list[Span] = []
    for no in set(s.manual) | set(named):
        onset = min(s.manual.get(no, math.inf), named.get(no, math.inf))
        end = until
        for left in (s.operator.get(no), buyers[no].delivered_at() if no in buyers else None):
            if left is not None:
                end = min(end, max(onset, left))
        out.append((onset, end, no))
    return out


def low_stock_spans(src: Sources, below: int) -> list[Span]:
    out: list[Span] = []
    runs: dict[str, list[float]] = {}  # product -> [first, last] low read of its current run
    stocked: set[str] = set()
    for t, _final, products in catalogue_reads(src):
        for pid, p in products.items():
            n = as_int(p.get("stock_available"))
            if n is None:
                continue
            if n > 0:
                stocked.add(pid)
            run = runs.get(pid)
            if n < below and run is not None and t - run[1] <= MAX_READ_GAP_S:
                run[1] = t
                continue
            if run is not None:
                out.append((run[0], run[1], pid))
                del runs[pid]
            if n < below:
                runs[pid] = [t, t]
    out += [(a, b, pid) for pid, (a, b) in runs.items()]
    return [span for span in out if span[2] in stocked]


def stuck_spans(src: Sources, spec: CheckSpec) -> list[Span]:
    if spec.risk_mode in REVIEW_MODES or spec.stuck_after_s is None or not spec.alert_window_s:
        return []
    s, buyers, knew_at = seen(src), buyer_orders(src), shop_knew_at(src)
    out: list[Span] = []
    for no, pay in payments_by_order(src).items():
        gateway_paid, knew = as_float(pay.get("paid_at")), knew_at.get(no)
        if gateway_paid is None or knew is None:
            continue
        left = buyers[no].delivered_at() if no in buyers else None
        left = s.still_paid.get(no) if left is None else left
        if left is None:
            continue
        if no in s.operator:
            left = min(left, s.operator[no])
        start, end = knew + spec.stuck_after_s, min(left, gateway_paid + spec.alert_window_s)
        if end > start:
            out.append((start, end, no))
    return out


def owed_windows(spans: list[Span], above: int, window_s: float, hold_s: float
                 ) -> dict[int, float]:
    """window index -> the first moment in that window from which more than `above` items
    held the condition through a monitor pass (`hold_s`) ending inside the window: the shop's
    monitor saw it then, so the window owes the rule an alert by that moment + `hold_s`.
    A span shortened by `hold_s` covers exactly the moments it holds a pass through; the
    sweep over their sorted ends is O(n log n) in C, the rest linear."""
    starts = sorted(a for a, b, _i in spans if a > 0 and b - hold_s >= a)
    ends = sorted(b - hold_s for a, b, _i in spans if a > 0 and b - hold_s >= a)
    held: list[tuple[float, float]] = []  # (from, to): more than `above` spans cover it
    i = count = 0
    opened = 0.0
    for end in ends:
        while i < len(starts) and starts[i] <= end:
            count, i = count + 1, i + 1
            if count == above + 1:
                opened = starts[i - 1]
        if count == above + 1:
            held.append((opened, end))
        count -= 1
    out: dict[int, float] = {}
    for x, y in held:
        for k in range(math.floor(x / window_s), math.floor(y / window_s) + 1):
            t = max(x, k * window_s)
            if t <= min(y, (k + 1) * window_s - hold_s) and t < out.get(k, math.inf):
                out[k] = t
    return out


def holding(spans: list[Span], at: float, hold_s: float) -> list[str]:
    """The items whose spans cover [at, at + hold_s] (an example's evidence)."""
    return sorted(i for start, end, i in spans if start <= at and end >= at + hold_s)

"""alerts: the expected rules fire (as seen in the IM sink), again in every window their
condition holds; in a quiet run nothing else does.

The sink is the outside truth: a rule fired only if a message carrying
`[faka-alert] rule=<id>` reached some robot. Detection delay is measured from
the first fault injection (or the load start) to the rule's first message and,
when the scenario sets `alert_within`, must not exceed it. An expected rule whose
condition (drill.checks.alert_conditions, from buyers, gateway and catalogue reads) held
through a monitor pass inside an alert window must have an alert of its own for that window
landed on some robot (by the next window's end: a full box's outbox is seconds late; one
alert serves one window): the shop keeps one alert per (rule, window), so a missing one is
an alert swallowed (a de-dup key without the rule) or never repeated. And it is owed *then*:
when the condition begins (not a window boundary it held across: a renewal may land late)
the window's first alert must land within a monitor pass plus slack (`hold_s`), the outbox's
grace and LATE_SLACK_S of that moment (or earlier in the window); one that comes later is a
rule that sees the condition late (a low-stock rule counting keys held by unpaid orders as
stock, grandnode2 #18), even when it lands before the next window ends.
"""

from __future__ import annotations

from bisect import bisect_left

from drill.checks import alert_conditions as cond
from drill.checks.alert_posts import RULE_RE, delivered_alerts
from drill.checks.said import Said, joined, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "alerts"
PASS_SLACK_S = 3.0  # a monitor pass runs this late on a busy box, at most
POST_GRACE_S = 2.0  # a healthy outbox posts within this: a window is judged once the sink
#                     was read this long after its pass
LATE_SLACK_S = 2.0  # beyond a pass's slack and the outbox's grace, before an onset's alert is late
JUDGED = ("manual_escalation", "low_stock", "stuck_paid_orders")
__all__ = ["ID", "RULE_RE", "check", "fired_rules", "repeats", "unrenewed"]


def fired_rules(src: Sources) -> dict[str, list[float]]:
    """rule id -> sorted wall times of its messages in the sink."""
    out: dict[str, list[float]] = {}
    for m in src.messages or []:
        found = RULE_RE.search(str(m.get("text", "")))
        if found:
            out.setdefault(found.group(1), []).append(float(m.get("at") or 0.0))
    return {k: sorted(v) for k, v in out.items()}


def repeats(src: Sources, window_s: float) -> dict[str, int]:
    """rule -> the most messages one robot got for it within one window's span.

    The service keeps one alert per (rule, window) with windows aligned to the
    clock, so a robot may see a rule twice across a window boundary but never
    three times within `window_s`. Throttled posts (retried later) don't count.
    """
    times: dict[tuple[str, str, str], list[float]] = {}
    for m in src.messages or []:
        found = RULE_RE.search(str(m.get("text", "")))
        if found and not m.get("throttled"):
            key = (found.group(1), str(m.get("channel")), str(m.get("robot")))
            times.setdefault(key, []).append(float(m.get("at") or 0.0))
    worst: dict[str, int] = {}
    for (rule, _ch, _robot), ts in times.items():
        ts.sort()
        lo, most = 0, 0
        for hi, t in enumerate(ts):
            while t - ts[lo] >= 0.9 * window_s:
                lo += 1
            most = max(most, hi - lo + 1)
        if most > 2:
            worst[rule] = max(worst.get(rule, 0), most)
    return worst


def _timeline(src: Sources, spec: CheckSpec, rule: str, until: float
              ) -> tuple[list[cond.Span], int] | None:
    """The rule's spans and how many must hold at once beyond one, or None (not judged)."""
    if rule == "manual_escalation":
        return cond.manual_spans(src, until), 0
    if rule == "low_stock" and spec.low_stock_below is not None:
        return cond.low_stock_spans(src, spec.low_stock_below), 0
    if rule == "stuck_paid_orders" and spec.stuck_threshold is not None:
        return cond.stuck_spans(src, spec), spec.stuck_threshold
    return None


def unrenewed(src: Sources, spec: CheckSpec) -> tuple[list[Said], list[dict[str, object]],
                                                      dict[str, dict[str, int]]]:
    """Windows an expected rule was owed (its condition held through a monitor pass inside
    them) with no alert of their own landed (`unserved`): the findings, an example each
    (the window, the items holding, the rule's posts) and per rule the windows owed and
    missed."""
    w, every = spec.alert_window_s, spec.monitor_every_s
    if not w or every is None or every + PASS_SLACK_S + POST_GRACE_S >= w:
        return [], [], {}  # no knobs, or windows too short to tell one pass from the next
    hold, until = every + PASS_SLACK_S, cond.observed_until(src)
    delivered = delivered_alerts(src)
    problems: list[Said] = []
    examples: list[dict[str, object]] = []
    counts: dict[str, dict[str, int]] = {"owed_windows": {}, "unrenewed_windows": {}}
    for rule in (r for r in spec.expect_alerts if r in JUDGED):
        timeline = _timeline(src, spec, rule, until)
        if timeline is None:
            continue
        spans, above = timeline
        owed = {k: t for k, t in cond.owed_windows(spans, above, w, hold).items()
                if t + hold + POST_GRACE_S <= until}  # the sink was still read by then
        lost = unserved(owed, delivered.get(rule, {}), w)
        counts["owed_windows"][rule], counts["unrenewed_windows"][rule] = len(owed), len(lost)
        tardy = late(owed, delivered.get(rule, {}), w, hold + POST_GRACE_S + LATE_SLACK_S,
                     set(lost))
        counts.setdefault("late_windows", {})[rule] = len(tardy)
        if tardy:
            k, t, first = tardy[0]
            items = cond.holding(spans, t, hold)
            problems.append(said("alerts.late_due", rule=repr(rule), t=t, s=first - t,
                                 limit=hold + POST_GRACE_S + LATE_SLACK_S, n=len(items),
                                 what=said(f"alerts.holding.{rule}"), late=len(tardy)))
            examples.append({"rule": rule, "window": [k * w, k * w + w], "holding_from": t,
                             "first_alert_at": first, "holding": items[:10],
                             "late_windows": [[x * w, x * w + w] for x, _t, _f in tardy][:10]})
        if not lost:
            continue
        a, t = lost[0] * w, owed[lost[0]]
        items = cond.holding(spans, t, hold)
        problems.append(said("alerts.unrenewed", rule=repr(rule), a=a, b=a + w, t=t,
                             n=len(items), what=said(f"alerts.holding.{rule}"),
                             missed=len(lost), owed=len(owed)))
        examples.append({"rule": rule, "window": [a, a + w], "holding_from": t,
                         "holding_through": t + hold, "holding": items[:10],
                         "missed_windows": [[k * w, k * w + w] for k in lost][:10],
                         "posts": [m for m in src.messages or []
                                   if f"rule={rule}" in str(m.get("text", ""))][:10]})
    return problems, examples, counts


def unserved(owed: dict[int, float], robots: dict[tuple[str, str], list[float]],
             window_s: float) -> list[int]:
    """The owed windows no robot got an alert of their own for: one that reached it between
    the window's start and the next window's end (an outbox on a full box posts seconds
    late), each alert serving one window only (the shop keeps one per window), matched in
    time order."""
    served: set[int] = set()
    for times in robots.values():
        i = 0
        for k in sorted(owed):
            while i < len(times) and times[i] < k * window_s:
                i += 1
            if i < len(times) and times[i] < (k + 2) * window_s:
                served.add(k)
                i += 1
    return [k for k in sorted(owed) if k not in served]


def late(owed: dict[int, float], robots: dict[tuple[str, str], list[float]], window_s: float,
         due_s: float, lost: set[int]) -> list[tuple[int, float, float]]:
    """(window, onset, first alert) of the served owed windows where the condition began
    (after the window's start: not held across its boundary) whose first alert from the
    window's start landed more than `due_s` after the onset: seen late, not lost."""
    times = sorted(t for ts in robots.values() for t in ts)
    out: list[tuple[int, float, float]] = []
    for k, t in sorted(owed.items()):
        i = bisect_left(times, k * window_s)
        if k in lost or t <= k * window_s or i >= len(times) or times[i] <= t + due_s:
            continue
        out.append((k, t, times[i]))
    return out


def _reference_time(src: Sources) -> float | None:
    injects = [float(f["at"]) for f in src.faults or []
               if f.get("action") == "inject" and f.get("at")]
    if injects:
        return min(injects)
    load = src.load or {}
    return float(load["started_at"]) if load.get("started_at") else None


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.messages is None:
        if not spec.expect_alerts and not spec.quiet_alerts:
            return Verdict(ID, True, said("alerts.none"))
        return missing(ID, "the IM sink ledger (messages)")
    fired = fired_rules(src)
    ref = _reference_time(src)
    delays = {rule: round(times[0] - ref, 3) for rule, times in fired.items() if ref is not None}
    counts = {"fired": {r: len(t) for r, t in fired.items()}, "first_after_s": delays}
    problems = [said("alerts.never", rule=repr(r)) for r in spec.expect_alerts if r not in fired]
    if spec.alert_within_s is not None:
        problems += [said("alerts.late", rule=repr(r), s=delays[r], limit=spec.alert_within_s)
                     for r in spec.expect_alerts if delays.get(r, 0.0) > spec.alert_within_s]
    storm: dict[str, int] = {}
    if spec.alert_window_s:
        storm = repeats(src, spec.alert_window_s)
        counts["repeated_within_window"] = storm
        problems += [said("alerts.repeated", rule=repr(r), n=n, window=spec.alert_window_s)
                     for r, n in sorted(storm.items())]
    due, due_examples, due_counts = unrenewed(src, spec)
    problems += due
    counts.update(due_counts)
    if spec.quiet_alerts:
        problems += [said("alerts.unexpected", rule=repr(r), n=len(fired[r]), s=delays.get(r))
                     for r in sorted(fired) if r not in spec.expect_alerts]
    examples = due_examples + [
        {"rule": r, "messages": [m for m in src.messages if f"rule={r}" in str(m.get("text", ""))
                                 ][:3]}
        for r in sorted(fired) if r not in spec.expect_alerts or r in storm]
    if problems:
        return Verdict(ID, False, joined(problems), examples[:MAX_EXAMPLES], counts)
    what = joined([said("alerts.after", rule=r, s=delays.get(r)) for r in spec.expect_alerts],
                  ", ") if spec.expect_alerts else said("alerts.none_expected")
    return Verdict(ID, True, said("alerts.ok", what=what), [], counts)

"""alerts: the expected rules fire (as seen in the IM sink); in a quiet run nothing else does.

The sink is the outside truth: a rule fired only if a message carrying
`[faka-alert] rule=<id>` reached some robot. Detection delay is measured from
the first fault injection (or the load start) to the rule's first message and,
when the scenario sets `alert_within`, must not exceed it.
"""

from __future__ import annotations

import re

from drill.checks.said import joined, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "alerts"
RULE_RE = re.compile(r"\[faka-alert\]\s*rule=([\w.-]+)")


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
    if spec.quiet_alerts:
        problems += [said("alerts.unexpected", rule=repr(r), n=len(fired[r]), s=delays.get(r))
                     for r in sorted(fired) if r not in spec.expect_alerts]
    examples = [{"rule": r, "messages": [m for m in src.messages
                                          if f"rule={r}" in str(m.get("text", ""))][:3]}
                for r in sorted(fired) if r not in spec.expect_alerts
                or r in storm][:MAX_EXAMPLES]
    if problems:
        return Verdict(ID, False, joined(problems), examples, counts)
    what = joined([said("alerts.after", rule=r, s=delays.get(r)) for r in spec.expect_alerts],
                  ", ") if spec.expect_alerts else said("alerts.none_expected")
    return Verdict(ID, True, said("alerts.ok", what=what), [], counts)

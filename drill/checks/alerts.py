"""alerts: the expected rules fire (as seen in the IM sink); in a quiet run nothing else does.

The sink is the outside truth: a rule fired only if a message carrying
`[faka-alert] rule=<id>` reached some robot. Detection delay is reported from
the first fault injection (or the load start) to the rule's first message.
"""

from __future__ import annotations

import re

from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import Verdict, missing

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
            return Verdict(ID, True, "no alert expectations")
        return missing(ID, "the IM sink ledger (messages)")
    fired = fired_rules(src)
    ref = _reference_time(src)
    delays = {rule: round(times[0] - ref, 3) for rule, times in fired.items() if ref is not None}
    counts = {"fired": {r: len(t) for r, t in fired.items()}, "first_after_s": delays}
    problems = [f"expected alert {r!r} never fired" for r in spec.expect_alerts if r not in fired]
    if spec.quiet_alerts:
        problems += [f"unexpected alert {r!r} fired {len(fired[r])}x (first {delays.get(r)} s in)"
                     for r in sorted(fired) if r not in spec.expect_alerts]
    examples = [{"rule": r, "messages": [m for m in src.messages
                                          if f"rule={r}" in str(m.get("text", ""))][:3]}
                for r in sorted(fired) if r not in spec.expect_alerts][:20]
    if problems:
        return Verdict(ID, False, "; ".join(problems), examples, counts)
    what = ", ".join(f"{r} after {delays.get(r)} s" for r in spec.expect_alerts) or "none expected"
    return Verdict(ID, True, f"alerts as expected ({what})", [], counts)

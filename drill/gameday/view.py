"""What the board shows, from the recorder's snapshot (pure: snapshot, clock, now in).

Every time is scenario time. The cause stays hidden until the exercise has ended.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from drill.gameday.clock import ScenarioClock, mmss
from drill.gameday.recorder import Snapshot, waiting
from drill.gameday.setup import Plan

__all__ = ["board_state"]

SHOWN = 30


def _action_text(row: dict[str, Any]) -> str:
    detail = row.get("detail") or {}
    what = f"view {detail.get('page', '')}" if row.get("action") == "view" else row.get("action")
    return f"{what} {row.get('order_no') or ''}".strip()


def board_state(plan: Plan, snap: Snapshot, clock: ScenarioClock | None, now: float,
                ended: str | None, scorecard: str | None = None) -> dict[str, Any]:
    """The board's JSON: timer, stuck orders, alerts, mails, complaints, actions, cause."""
    at = clock.at(now) if clock else 0.0
    stuck = waiting(snap.orders, snap.paid_at_gateway)
    oldest = max((now - paid for _, paid in stuck), default=0.0) * plan.speed

    def when(wall: Any) -> str:
        return mmss(clock.at(float(wall))) if clock and isinstance(wall, int | float) else "—"
    kinds = Counter(str(m.get("kind")) for m in snap.mails if m.get("kind") != "complaint")
    complaints = [m for m in snap.mails if m.get("kind") == "complaint"]
    inc = plan.incident
    return {
        "timer": mmss(max(0.0, at)), "planned_end": mmss(plan.end_s), "speed": plan.speed,
        "ended": ended, "scorecard": scorecard,
        "cause": {"name": inc.name, "zh": inc.cause_zh, "en": inc.cause_en} if ended else None,
        "stuck": len(stuck), "oldest": mmss(oldest) if stuck else "—",
        "alerts": [{"at": when(m.get("at")),
                    "text": f"[{m.get('channel', '?')}] {str(m.get('text', ''))[:300]}"}
                   for m in snap.alerts[-SHOWN:]][::-1],
        "mails": dict(sorted(kinds.items())), "mails_total": sum(kinds.values()),
        "complaints": [{"at": when(m.get("at")), "order_no": m.get("order_no")}
                       for m in complaints[-SHOWN:]][::-1],
        "complaints_total": len(complaints),
        "actions": [{"at": when(r.get("at")), "operator": r.get("operator"),
                     "what": _action_text(r), "outcome": r.get("outcome")}
                    for r in snap.audit[-SHOWN:]][::-1],
        "actions_total": len(snap.audit),
    }

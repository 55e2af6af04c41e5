"""A game-day run folder read once into a `Record` (scenario seconds from the load start).

Outside records: the shop's export (orders, deliveries), the gateway's payments (when the
buyer really paid), the sink's ledgers (alerts as
the IM robots received them, buyer mails, complaints), faults.jsonl; and the shop's
audit log when it keeps one (`gameday/audit.jsonl`; absent: actions unknown).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drill.gameday.clock import ScenarioClock
from drill.gameday.facts import Action, Alert, Delivery, Mail, Order, Record
from drill.jsonl import read_jsonl

__all__ = ["PLAN_FILE", "AUDIT_FILE", "gateway_paid", "paid_at", "read_record", "record_from"]

PLAN_FILE = "gameday/plan.json"
AUDIT_FILE = "gameday/audit.jsonl"


def _f(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def gateway_paid(payments: list[dict[str, Any]]) -> dict[str, float]:
    """order_no -> when the buyer paid at the gateway (wall seconds), from its ledger."""
    out: dict[str, float] = {}
    for p in payments:
        at = _f(p.get("paid_at"))
        if p.get("status") == "paid" and at is not None and p.get("out_trade_no"):
            no = str(p["out_trade_no"])
            out[no] = min(out.get(no, at), at)
    return out


def paid_at(o: dict[str, Any], at_gateway: dict[str, float]) -> float | None:
    """The buyer's payment: the earlier of the shop's record and the gateway's (a notify
    that never arrived leaves the shop's empty, or as late as the 补单 that found it)."""
    times = [t for t in (_f(o.get("paid_at")), at_gateway.get(str(o.get("order_no"))))
             if t is not None]
    return min(times) if times else None


def _orders(export: dict[str, Any], clock: ScenarioClock, at_gateway: dict[str, float]
            ) -> tuple[Order, ...]:
    out = []
    for o in export.get("orders", []):
        paid, done = paid_at(o, at_gateway), _f(o.get("delivered_at"))
        out.append(Order(str(o["order_no"]), str(o.get("product_id", "")),
                         None if paid is None else clock.at(paid),
                         None if done is None else clock.at(done), str(o.get("status", ""))))
    return tuple(out)


def _actions(rows: list[dict[str, Any]] | None, clock: ScenarioClock
             ) -> tuple[Action, ...] | None:
    if rows is None:
        return None
    return tuple(Action(clock.at(float(r["at"])), str(r.get("operator", "")), str(r["action"]),
                        r.get("order_no"), str(r.get("outcome", "")), r.get("detail") or {})
                 for r in rows if _f(r.get("at")) is not None)


def record_from(plan: dict[str, Any], export: dict[str, Any],
                messages: list[dict[str, Any]], mails: list[dict[str, Any]],
                audit: list[dict[str, Any]] | None, faults: list[dict[str, Any]],
                payments: list[dict[str, Any]] | None = None) -> Record:
    """The Record of already-read files (pure; the tests build records this way too)."""
    clock = ScenarioClock(float(plan["t0"]), float(plan["speed"]))
    inc = plan["incident"]
    heal = [clock.at(float(f["at"])) for f in faults if f.get("action") == "heal"
            and _f(f.get("at")) is not None]
    planned_heal = (None if inc.get("for_min") is None
                    else (inc["at_min"] + inc["for_min"]) * 60.0)
    return Record(
        incident_s=float(inc["at_min"]) * 60.0,
        heal_s=min(heal) if heal and planned_heal is not None else planned_heal,
        end_s=clock.at(float(plan["end"])), collected_s=clock.at(float(plan["collected"])),
        evidence=tuple(inc["evidence"]), hand_after_heal=bool(inc.get("hand_after_heal")),
        orders=_orders(export, clock, gateway_paid(payments or [])),
        deliveries=tuple(Delivery(str(d["order_no"]), str(d.get("source", "")),
                                  clock.at(float(d["created_at"])))
                         for d in export.get("deliveries", [])),
        alerts=tuple(Alert(clock.at(float(m["at"])), str(m.get("text", "")))
                     for m in messages if _f(m.get("at")) is not None),
        mails=tuple(Mail(clock.at(float(m["at"])), str(m.get("kind", "")),
                         str(m.get("order_no") or "")) for m in mails
                    if _f(m.get("at")) is not None),
        actions=_actions(audit, clock),
        faults=tuple((clock.at(float(f["at"])), str(f.get("action", "")),
                      str(f.get("target", ""))) for f in faults if _f(f.get("at")) is not None))


def read_record(run_dir: Path) -> tuple[dict[str, Any], Record]:
    """(plan.json, Record) of a finished game-day run folder."""
    plan = json.loads((run_dir / PLAN_FILE).read_text(encoding="utf-8"))
    export_path = run_dir / "export.json"
    if not export_path.exists():               # no export (interrupted): the live order list
        export_path = run_dir / "gameday" / "orders.json"
    export = json.loads(export_path.read_text(encoding="utf-8")) if export_path.exists() else {}
    led = run_dir / "ledgers"
    rec = record_from(plan, export, read_jsonl(led / "sink-messages.jsonl") or [],
                      read_jsonl(led / "sink-mails.jsonl") or [],
                      read_jsonl(run_dir / AUDIT_FILE) if plan.get("audit", True) else None,
                      read_jsonl(run_dir / "faults.jsonl") or [],
                      read_jsonl(led / "gateway-payments.jsonl") or [])
    return plan, rec

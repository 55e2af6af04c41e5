"""Literal game-day records for the scorer's tests: a good team's run, then one change each."""

from __future__ import annotations

import dataclasses
from typing import Any

from drill.gameday.facts import Action, Alert, Delivery, Mail, Order, Record
from drill.scenario.gameday import GameDay, Incident

M = 60.0
def incident(**over: Any) -> Incident:
    base: dict[str, Any] = {"name": "worker-stalled", "at_min": 3, "for_min": 20,
                            "cause_zh": "卡死", "cause_en": "hung",
                            "evidence": ("stock", "api_log"),
                            "faults": ({"target": "worker-1", "kind": "pause"},)}
    return Incident.model_validate({**base, **over})


RULES = GameDay(incidents=(incident(),))


def view(at_min: float, page: str) -> Action:
    return Action(at_min * M, "小王", "view", None, "done", {"page": page})


def act(at_min: float, action: str, order_no: str | None, outcome: str = "done",
        **detail: Any) -> Action:
    return Action(at_min * M, "小王", action, order_no, outcome, detail)


def good() -> Record:
    """Two buyers stuck from minute 4 and 5; alert at 6; the team does everything in time."""
    return Record(
        incident_s=3 * M, heal_s=23 * M, end_s=30 * M, collected_s=31 * M,
        evidence=("stock", "api_log"), hand_after_heal=False,
        orders=(Order("A", "steam-50", 4 * M, 15 * M, "delivered"),
                Order("B", "steam-50", 5 * M, 16 * M, "delivered"),
                Order("C", "steam-50", 1 * M, 1.2 * M, "delivered")),   # before: on time
        deliveries=(Delivery("A", "manual", 15 * M), Delivery("B", "manual", 16 * M),
                    Delivery("C", "local", 1.2 * M)),
        alerts=(Alert(6 * M, "rule=stuck_paid_orders 2 paid orders undelivered"),),
        mails=(Mail(8.5 * M, "delay_notice", "A"), Mail(8.5 * M, "delay_notice", "B"),
               Mail(14 * M, "coupon", "A"), Mail(15 * M, "coupon", "B")),
        actions=(view(7, "orders"), view(7.5, "stock"), view(8, "api_log"),
                 act(8.2, "notice", None, sent=["A", "B"]),
                 act(14, "coupon", "A"), act(15, "deliver", "A"), act(15.5, "coupon", "B"),
                 act(16, "deliver", "B"), act(16.2, "deliver", "B", "noop")),
        faults=((3 * M, "inject", "worker-1"), (23 * M, "heal", "worker-1")))


def change(rec: Record, **over: Any) -> Record:
    return dataclasses.replace(rec, **over)

"""The settle's wait for the alert backlog, on literal sink ledgers."""

from __future__ import annotations

from typing import Any

from drill.alert_backlog import QUIET_S, settled

ALERT = "[faka-alert] rule=payment_anomaly severity=critical\\n3 anomalies"


def post(at: float, throttled: bool, robot: str = "drill") -> dict[str, Any]:
    return {"channel": "dingtalk", "robot": robot, "text": ALERT, "at": at,
            "throttled": throttled}


def test_nothing_refused_is_settled_at_once() -> None:
    assert settled([post(10.0, False)], now=10.0)
    assert settled([], now=0.0)


def test_a_throttled_post_is_owed_until_one_lands_after_it_and_the_sink_is_quiet() -> None:
    owed = [post(10.0, False), post(10.5, True)]
    assert not settled(owed, now=100.0), "refused, never followed by an accepted post"
    landed = [*owed, post(11.0, False)]
    assert not settled(landed, now=11.0 + QUIET_S / 2), "posts still coming"
    assert settled(landed, now=11.0 + QUIET_S)
    other_robot = [*landed, post(11.2, True, robot="other")]
    assert not settled(other_robot, now=100.0), "each robot must accept after its refusal"

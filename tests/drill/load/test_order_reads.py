"""What a buyer records of its order's reads: codes shown are kept whatever the state."""

from __future__ import annotations

import json
import random
from typing import Any

from drill.load import LoadPlan
from drill.load.buyer import _await_delivery
from drill.load.mix import choose
from drill.load.op_recorder import OpRecorder
from drill.load.order_reads import look_order

PLAN = LoadPlan(service_url="http://127.0.0.1:1", gateway_url="http://127.0.0.1:2",
                products=("steam-50",), poll_interval_s=0.01, poll_timeout_s=2.0)


class Reply:
    def __init__(self, status_code: int, body: dict[str, Any]) -> None:
        self.status_code, self.body, self.text = status_code, body, json.dumps(body)

    def json(self) -> dict[str, Any]:
        return self.body


class Shop:
    """Answers GETs from a script: path suffix -> the replies, in turn (the last repeats)."""

    def __init__(self, **script: list[Reply]) -> None:
        self.script, self.asked = script, []

    def get(self, url: str, name: str = "") -> Reply:
        key = "cards" if "/cards?" in url else "page"
        self.asked.append(key)
        replies = self.script[key]
        return replies.pop(0) if len(replies) > 1 else replies[0]


def recorded(run: Any) -> list[dict[str, Any]]:
    lines: list[str] = []
    rec = OpRecorder("/nonexistent", sink=lines.extend)
    run(rec)
    rec.flush(final=True)
    return [json.loads(line) for line in lines]


PENDING = Reply(200, {"status": "pending_payment"})
LEAKY = Reply(200, {"status": "pending_payment", "cards": ["K1"]})
NOT_YET = Reply(409, {"error": "not delivered yet"})


def test_a_look_keeps_the_codes_a_page_or_the_cards_route_showed() -> None:
    shop = Shop(page=[LEAKY], cards=[Reply(200, {"cards": ["K1"]})])
    ops = recorded(lambda r: look_order(shop, PLAN, r, "buyer-1", "A", "t", cards_route=True))
    assert ops[-1]["value"] == {"order_no": "A", "status": "pending_payment", "cards": ["K1"],
                                "cards_route": ["K1"]}
    clean = Shop(page=[PENDING], cards=[NOT_YET])
    ops = recorded(lambda r: look_order(clean, PLAN, r, "buyer-1", "A", "t", cards_route=True))
    assert ops[-1]["value"] == {"order_no": "A", "status": "pending_payment"}
    assert clean.asked == ["page", "cards"]
    only = Shop(page=[PENDING], cards=[NOT_YET])
    recorded(lambda r: look_order(only, PLAN, r, "buyer-1", "A", "t"))
    assert only.asked == ["page"], "the cards route only when asked"


def test_a_wait_keeps_the_first_poll_that_showed_codes_before_delivered() -> None:
    delivered = Reply(200, {"status": "delivered", "delivered": True, "cards": ["K1"]})
    shop = Shop(page=[PENDING, LEAKY, Reply(200, {"status": "paid", "cards": ["K1"]}),
                      delivered])
    ops = recorded(lambda r: _await_delivery(shop, PLAN, r, "buyer-1", "A", "t"))
    done = ops[-1]
    assert done["type"] == "ok" and done["value"]["polls"] == 4
    early = done["value"]["early_cards"]
    assert early["status"] == "pending_payment" and early["cards"] == ["K1"]
    assert ops[0]["time"] < early["at"] < done["time"]
    fine = Shop(page=[PENDING, delivered])
    ops = recorded(lambda r: _await_delivery(fine, PLAN, r, "buyer-1", "A", "t"))
    assert "early_cards" not in ops[-1]["value"]


def test_half_the_buyers_who_never_pay_peek_and_only_they() -> None:
    plan = LoadPlan(service_url="x", gateway_url="y", products=("p",), pay_probability=0.6)
    rng = random.Random(3)
    crowd = [choose(plan, rng) for _ in range(20_000)]
    never = [c for c in crowd if c.pays == "never"]
    peek = [c for c in crowd if c.peeks]
    assert all(c.pays == "never" for c in peek)
    assert 0.45 < len(peek) / len(never) < 0.55

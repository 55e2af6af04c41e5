"""completion: a drill where most buyers were refused does not pass."""

from __future__ import annotations

from typing import Any

from drill.checks import completion
from drill.checks.spec import CheckSpec
from tests.drill.checks.ops import bought, op, sources


def refused(no: str, t: float) -> list[dict[str, Any]]:
    p = f"buyer-{no}"
    return [op(p, "invoke", "create_order", t, product_id="steam-50"),
            op(p, "fail", "create_order", t + 0.01, error="HTTP 503")]


def test_most_buyers_served_passes() -> None:
    history = [o for i in range(9) for o in bought(f"O{i}", i)] + refused("X", 9)
    v = completion.check(sources(history=history, load={"planned_arrivals": 10}), CheckSpec())
    assert v.ok is True
    assert v.counts["completion"] == 0.9


def test_a_shop_refusing_most_buyers_fails() -> None:
    history = [o for i in range(25) for o in bought(f"O{i}", i)]
    history += [o for i in range(154) for o in refused(f"X{i}", i)]
    v = completion.check(sources(history=history, load={"planned_arrivals": 179}), CheckSpec())
    assert v.ok is False
    assert "25 of 179 planned arrivals" in v.detail


def test_arrivals_that_never_started_count_against_it() -> None:
    history = [o for i in range(50) for o in bought(f"O{i}", i)]
    v = completion.check(sources(history=history, load={"planned_arrivals": 100}), CheckSpec())
    assert v.ok is False and v.counts["attempted"] == 50


def test_closed_model_uses_order_attempts_and_the_scenario_may_lower_the_bar() -> None:
    history = [o for i in range(6) for o in bought(f"O{i}", i)]
    history += [o for i in range(4) for o in refused(f"X{i}", i)]
    src = sources(history=history, load={"planned_arrivals": None})
    assert completion.check(src, CheckSpec()).ok is False
    assert completion.check(src, CheckSpec(min_completion=0.5)).ok is True


def test_no_load_record_is_unknown_and_no_buyer_is_a_failure() -> None:
    assert completion.check(sources(history=[], load=None), CheckSpec()).ok is None
    assert completion.check(sources(history=[], load={"planned_arrivals": 0}),
                            CheckSpec()).ok is False

from drill.checks import CheckSpec, no_duplicate
from tests.drill.checks.ops import bought, delivery, export, order, sources

SPEC = CheckSpec()


def test_distinct_codes_pass() -> None:
    src = sources(history=bought("A", 1.0, ["a1"]) + bought("B", 1.0, ["b1"]),
                  export=export([order("A", "delivered"), order("B", "delivered")],
                                [delivery("A", ["a1"]), delivery("B", ["b1"])]))
    assert no_duplicate.check(src, SPEC).ok is True


def test_one_code_to_two_buyers_fails_even_if_export_disagrees() -> None:
    src = sources(history=bought("A", 1.0, ["same"]) + bought("B", 1.0, ["same"]),
                  export=export([order("A", "delivered"), order("B", "delivered")],
                                [delivery("A", ["same"]), delivery("B", ["b1"])]))
    v = no_duplicate.check(src, SPEC)
    assert v.ok is False
    assert v.counts["shared_codes"] == 1
    assert {e["order_no"] for e in v.examples} == {"A", "B"}


def test_two_different_deliveries_for_one_order_fail() -> None:
    src = sources(history=bought("A", 1.0, ["a1"]),
                  export=export([order("A", "delivered")],
                                [delivery("A", ["a1"]), delivery("A", ["a2"], source="backup")]))
    v = no_duplicate.check(src, SPEC)
    assert v.ok is False
    assert "2 different deliveries" in v.examples[0]["reason"]


def test_nothing_to_judge_is_unknown() -> None:
    assert no_duplicate.check(sources(), SPEC).ok is None

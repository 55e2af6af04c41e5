from drill.checks import CheckSpec, buyer_notice
from tests.drill.checks.literal import notify
from tests.drill.checks.ops import bought, export, order, paid, sources

SPEC = CheckSpec(notice_after_s=2.0)


def slow_run(mails: list[dict]) -> object:
    return sources(history=bought("FAST", 1.0) + bought("SLOW", 1.0),
                   payments=[paid("FAST", 1.0), paid("SLOW", 1.0)], mails=mails,
                   export=export([order("FAST", "delivered", 1.5),
                                  order("SLOW", "delivered", 9.0)]))


def test_slow_order_with_notice_passes() -> None:
    mail = {"to": "b@x", "order_no": "SLOW", "kind": "delay_notice", "at": 4.0}
    v = buyer_notice.check(slow_run([mail]), SPEC)  # type: ignore[arg-type]
    assert v.ok is True and v.counts["slow_orders"] == 1


def test_slow_order_without_notice_fails() -> None:
    v = buyer_notice.check(slow_run([]), SPEC)  # type: ignore[arg-type]
    assert v.ok is False and v.examples[0]["order_no"] == "SLOW"


def test_missing_mail_ledger_unknown() -> None:
    assert buyer_notice.check(sources(payments=[]), SPEC).ok is None


def test_order_just_past_the_limit_gets_grace() -> None:
    # paid at 1.0, delivered at 3.01: 2.01 s > 2 s, but the shop's notice timer may not have
    # ticked yet; only past the grace (0.5 s here) is a missing notice a finding
    src = sources(history=bought("EDGE", 1.0) + bought("LATE", 1.0),
                  payments=[paid("EDGE", 1.0), paid("LATE", 1.0)], mails=[],
                  export=export([order("EDGE", "delivered", 3.01),
                                 order("LATE", "delivered", 3.6)]))
    v = buyer_notice.check(src, SPEC)
    assert v.ok is False and [e["order_no"] for e in v.examples] == ["LATE"]
    assert v.counts["slow_orders"] == 2 and v.counts["missing_notice"] == 1


def test_a_held_notify_starts_the_shops_clock_late() -> None:
    """Paid at 1.0, the gateway held the notify until 6.0 (answered at 6.1), goods at 7.0: 6 s
    by the gateway's clock, 0.9 s by the shop's, so no notice was owed; the same order
    delivered at 9.0 was late by both clocks and is a finding."""
    def run(delivered_at: float) -> object:
        return sources(history=bought("HELD", 1.0), payments=[paid("HELD", 1.0)], mails=[],
                       notifies=[notify("HELD", 6.0, latency_ms=100.0)],
                       export=export([order("HELD", "delivered", delivered_at)]))
    on_time = buyer_notice.check(run(7.0), SPEC)  # type: ignore[arg-type]
    assert on_time.ok is True and on_time.counts["slow_orders"] == 1
    late = buyer_notice.check(run(9.0), SPEC)  # type: ignore[arg-type]
    assert late.ok is False and late.examples[0]["order_no"] == "HELD"

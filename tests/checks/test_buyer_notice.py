from drill.checks import CheckSpec, buyer_notice
from tests.checks.ops import bought, export, order, paid, sources

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

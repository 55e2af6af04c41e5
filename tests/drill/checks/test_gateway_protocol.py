from dataclasses import dataclass

from drill.checks import CheckSpec, gateway_protocol
from fakes.payment.forge import KINDS
from tests.drill.checks.literal import fault, notify
from tests.drill.checks.ops import bought, sources

SPEC = CheckSpec()


def test_genuine_notifies_answered_success_and_forgeries_refused_pass() -> None:
    src = sources(faults=[], notifies=[
        notify("A", 1.0), notify("A", 1.0, variant="duplicate"),
        notify("A", 31.0, variant="duplicate_delayed"),
        notify("A", 1.1, "fail", adversarial="underpaid"),
        notify("X", 1.2, "fail", adversarial="unknown_order"),
        notify("B", 2.0, "fail", variant="bad_sign", signed=False)])  # an older ledger's mark
    v = gateway_protocol.check(src, SPEC)
    assert v.ok is True, v.detail
    assert v.counts["genuine"] == 3 and v.counts["adversarial_refused"] == 3


def test_accepting_a_must_refuse_notify_fails() -> None:
    src = sources(faults=[], notifies=[notify("A", 1.0), notify("A", 1.1, adversarial="bad_sign")])
    v = gateway_protocol.check(src, SPEC)
    assert v.ok is False
    assert "must be refused (bad_sign" in v.examples[0]["reason"]
    assert v.examples[0]["gateway_notifies"][1]["adversarial"] == "bad_sign"


def test_fail_to_a_duplicate_and_to_retries_after_delivery_fail() -> None:
    dup = notify("A", 100.1, "fail", variant="duplicate")
    v = gateway_protocol.check(sources(faults=[], notifies=[notify("A", 100.1), dup]), SPEC)
    assert v.ok is False and "to a genuine duplicate notify" in v.examples[0]["reason"]
    # first answer timed out (the shop delivered anyway); every retry then says `fail`
    chain = [notify("A", 100.05, "timeout", latency_ms=5000.0),
             notify("A", 160.0, "fail", attempt=2), notify("A", 280.0, "fail", attempt=3)]
    v = gateway_protocol.check(sources(history=bought("A", 100.0), faults=[], notifies=chain),
                               SPEC)
    assert v.ok is False and len(v.examples) == 3
    assert "retry chain runs on" in v.examples[1]["reason"]
    assert v.counts["chains"] == 1 and v.counts["chains_acknowledged"] == 0
    assert v.counts["longest_chain"] == 3


def test_a_late_success_breaks_the_reply_deadline() -> None:
    slow = [notify("A", 1.0, latency_ms=4000.0)]
    assert gateway_protocol.check(sources(faults=[], notifies=slow), SPEC).ok is True

    @dataclass(frozen=True)
    class Strict(CheckSpec):  # the field the lead adds to CheckSpec
        notify_reply_within_s: float = 3.0

    v = gateway_protocol.check(sources(faults=[], notifies=slow), Strict())
    assert v.ok is False and "past the 3 s reply deadline" in v.examples[0]["reason"]


def test_attempts_during_a_notify_link_fault_are_excused_others_are_not() -> None:
    faults = [fault(5.0, "inject", "gateway_notify"), fault(13.0, "heal", "gateway_notify")]
    reset = [notify("A", 6.0, "error", latency_ms=1.0), notify("A", 66.0, attempt=2)]
    v = gateway_protocol.check(sources(faults=faults, notifies=reset), SPEC)
    assert v.ok is True and v.counts["excused_during_fault"] == 1
    supplier = [fault(5.0, "inject", "supplier_primary"), fault(13.0, "heal", "supplier_primary")]
    v = gateway_protocol.check(sources(faults=supplier, notifies=reset), SPEC)
    assert v.ok is False  # a supplier outage is no excuse to time out the gateway


def test_missing_ledgers_are_unknown() -> None:
    assert gateway_protocol.check(sources(), SPEC).ok is None
    v = gateway_protocol.check(sources(notifies=[notify("A", 1.0, "timeout")]), SPEC)
    assert v.ok is None and v.counts["unjudged"] == 1


FORGED_KINDS = ("underpaid", "overpaid", "bad_sign", "missing_sign", "missing_sign_type",
                "other_trade_no", "unknown_order", "not_success", "wrong_pid")


def _forged(kind: str, outcome: str) -> dict[str, object]:
    """A forgery exactly as fakes.payment writes it (variant forged:<kind>, not retried)."""
    no = "NOSUCH000000000001" if kind == "unknown_order" else "A"
    return notify(no, 1.5, outcome, variant=f"forged:{kind}", adversarial=kind,
                  signed=kind not in ("bad_sign", "missing_sign"))


def test_every_forged_kind_the_gateway_writes_is_judged_must_refuse() -> None:
    assert set(FORGED_KINDS) == set(KINDS)  # the literal list is the fake's list
    for kind in FORGED_KINDS:
        refused = sources(faults=[], notifies=[notify("A", 1.0), _forged(kind, "fail")])
        v = gateway_protocol.check(refused, SPEC)
        assert v.ok is True and v.counts["adversarial_refused"] == 1, (kind, v.detail)
        taken = sources(faults=[], notifies=[notify("A", 1.0), _forged(kind, "success")])
        v = gateway_protocol.check(taken, SPEC)
        assert v.ok is False and f"must be refused ({kind}, variant forged:{kind})" in \
            v.examples[0]["reason"], kind


def test_a_tampered_retry_chain_is_must_refuse_and_not_a_genuine_chain() -> None:
    chain = [notify("A", 1.0 + 2 * i, "fail", attempt=i + 1, variant="amount_off",
                    adversarial="underpaid") for i in range(4)]
    v = gateway_protocol.check(sources(faults=[], notifies=chain), SPEC)
    assert v.ok is True and v.counts["adversarial_refused"] == 4
    assert v.counts["genuine"] == 0 and v.counts["chains"] == 0
    replay = notify("B", 3.0, variant="replay", replay_of="GB")  # B's own notify, resent
    v = gateway_protocol.check(sources(faults=[], notifies=[replay]), SPEC)
    assert v.ok is True and v.counts["genuine"] == v.counts["adversarial"] == 0


def test_wrong_answers_count_what_no_saturation_explains() -> None:
    src = sources(faults=[], notifies=[
        notify("A", 1.0, latency_ms=9000.0),                       # late: a busy box can
        notify("B", 1.0, "timeout", http_status=None),             # a timeout: likewise
        dict(notify("C", 1.0, "fail"), http_status=503),           # overloaded: likewise
        notify("D", 1.0, "fail", variant="duplicate", http_status=409),  # refused outright
        notify("E", 1.0, adversarial="wrong_pid")])                # a forgery accepted
    v = gateway_protocol.check(src, SPEC)
    assert v.ok is False and len(v.examples) == 5
    assert v.counts["wrong_answers"] == 2

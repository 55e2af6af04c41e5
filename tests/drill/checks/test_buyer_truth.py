from drill.checks import CheckSpec, Verdict, buyer_truth
from tests.drill.checks.literal import ONE_EACH, notify
from tests.drill.checks.ops import bought, op, paid, sources

SPEC = CheckSpec()
STOCK = {"local": {"steam-50": ["K1", "K2", "K3", "K4"]}, "supplier": {}}


def _judge(history: list, load: dict | None = None, **kw: object) -> Verdict:
    base = dict(stock=STOCK, codes={}, purchases={})
    base.update(kw)
    return buyer_truth.check(sources(history=history, load=load or ONE_EACH, **base), SPEC)


def test_each_buyer_sees_exactly_its_own_imported_codes() -> None:
    v = _judge(bought("A", 1.0, ["K1"]) + bought("B", 1.0, ["K2"]))
    assert v.ok is True, v.detail
    assert v.counts["told_delivered"] == 2 and v.counts["true"] == 2


def test_supplier_issued_codes_are_real() -> None:
    codes = {"primary": [{"code": "X9", "sku": "apple-100", "downstream_order_no": "S"}]}
    v = _judge(bought("S", 1.0, ["X9"], product="apple-100"), codes=codes)
    assert v.ok is True, v.detail


def test_one_key_shown_to_two_buyers_fails_for_both() -> None:
    v = _judge(bought("A", 1.0, ["K1"]) + bought("B", 1.0, ["K1"]))
    assert v.ok is False and v.counts["shared_codes"] == 1
    assert [e["order_no"] for e in v.examples] == ["A", "B"]
    assert "also shown to ['B']" in v.examples[0]["reason"]


def test_wrong_number_of_codes_and_invented_codes_fail() -> None:
    two_each = {"plan": {"quantity": 2}}
    v = _judge(bought("A", 1.0, ["K1"]), load=two_each)
    assert v.ok is False and "shown 1 codes (1 distinct) for quantity 2" in v.examples[0]["reason"]
    v = _judge(bought("A", 1.0, ["K1", "K1"]), load=two_each)
    assert v.ok is False and "(1 distinct)" in v.examples[0]["reason"]
    v = _judge(bought("A", 1.0, ["FAKE-1"]))
    assert v.ok is False and "FAKE-1 was neither imported" in v.examples[0]["reason"]


def test_delivered_then_a_failed_card_fetch_is_a_finding() -> None:
    flow = bought("A", 1.0, ["K1"])[:-1]  # told delivered, fetch invoked ...
    flow.append(op("buyer-A", "fail", "fetch_card", 1.6, order_no="A", error="HTTP 409"))
    v = _judge(flow)
    assert v.ok is False and v.counts["fetch_failed_after_delivered"] == 1
    assert "told delivered, then the card fetch failed" in v.examples[0]["reason"]
    no_fetch = bought("A", 1.0, ["K1"])[:-2]  # delivered, nothing ever shown
    assert "shown no card at all" in _judge(no_fetch).examples[0]["reason"]


def test_undelivered_orders_are_not_judged_and_missing_sources_are_unknown() -> None:
    assert _judge(bought("A", 1.0, delivered=False)).counts["told_delivered"] == 0
    assert buyer_truth.check(sources(stock=STOCK), SPEC).ok is None
    untraced = buyer_truth.check(sources(history=bought("S", 1.0, ["X9"], product="apple-100"),
                                         load=ONE_EACH, stock=STOCK), SPEC)
    assert untraced.ok is None and untraced.counts["codes_untraced"] == 1
    v = buyer_truth.check(sources(history=bought("A", 1.0, ["K1"]), stock=STOCK, codes={}), SPEC)
    assert v.ok is None and v.counts["quantity_unknown"] == 1


EXPIRY = CheckSpec(order_expiry_s=6.0, monitor_every_s=0.5)  # deadline: created + 6 s + 1 s


def _came_back(no: str, created: float, looked: float, status: str) -> list:
    """An abandoned checkout whose buyer looks at the order again at `looked`."""
    p = f"buyer-{no}"
    return [op(p, "invoke", "create_order", created - 0.01, product_id="steam-50"),
            op(p, "ok", "create_order", created, order_no=no, product_id="steam-50"),
            op(p, "ok", "open_payment", created + 0.1, order_no=no, trade_no=f"G{no}"),
            op(p, "invoke", "look_order", looked - 0.01, order_no=no),
            op(p, "ok", "look_order", looked, order_no=no, status=status)]


def _expiry(history: list, payments: list | None = None) -> Verdict:
    return buyer_truth.check(sources(history=history, load=ONE_EACH, stock=STOCK, codes={},
                                     purchases={}, payments=payments or []), EXPIRY)


def test_an_unpaid_order_shown_pending_after_its_expiry_fails() -> None:
    v = _expiry(_came_back("E", 1.0, 9.0, "pending_payment"))
    assert v.ok is False and v.counts["shown_payable_after_expiry"] == 1
    assert v.examples[0]["order_no"] == "E"
    assert "2.0 s past its expiry, unpaid at the gateway" in v.examples[0]["reason"]
    assert "shown pending_payment" in v.examples[0]["reason"]


def test_expired_shown_or_a_look_within_the_sweeps_lag_or_a_paid_order_passes() -> None:
    v = _expiry(_came_back("E", 1.0, 9.0, "expired"))
    assert v.ok is True and v.counts["looked_after_expiry"] == 1, v.detail
    early = _expiry(_came_back("E", 1.0, 7.5, "pending_payment"))  # 0.5 s: the sweep's lag
    assert early.ok is True and early.counts["looked_after_expiry"] == 0
    paid_first = _expiry(_came_back("E", 1.0, 9.0, "pending_payment"), [paid("E", 8.5)])
    assert paid_first.ok is True, "the gateway had the money: the shop may revive it"
    paid_later = _expiry(_came_back("E", 1.0, 9.0, "pending_payment"), [paid("E", 9.5)])
    assert paid_later.ok is False, "paid after the look: the look was still a lie"


def test_without_an_expiry_setting_looks_are_not_judged() -> None:
    hist = _came_back("E", 1.0, 9.0, "pending_payment")
    v = buyer_truth.check(sources(history=hist, load=ONE_EACH, stock=STOCK, codes={},
                                  purchases={}), SPEC)
    assert v.counts["looked_after_expiry"] == 0 and v.ok is not False


def _paid_then_told(no: str, created: float, told: float, status: str) -> list:
    """A buyer who paid at once and whose await ended at `told` on `status`."""
    p = f"buyer-{no}"
    return [op(p, "ok", "create_order", created, order_no=no, product_id="steam-50"),
            op(p, "ok", "pay", created + 0.1, order_no=no, trade_no=f"G{no}"),
            op(p, "invoke", "await_delivery", created + 0.2, order_no=no),
            op(p, "fail", "await_delivery", told, order_no=no, status=status, polls=9)]


def _told(history: list, notifies: list) -> Verdict:
    """Judged with the gateway's ledger holding each `pay` the history shows (goods shown for
    an order the gateway never saw paid are a finding of their own: unpaid_codes)."""
    payments = [paid(o["value"]["order_no"], o["time"]) for o in history
                if o["f"] == "pay" and o["type"] == "ok"]
    return buyer_truth.check(sources(history=history, load=ONE_EACH, stock=STOCK, codes={},
                                     purchases={}, payments=payments, notifies=notifies), EXPIRY)


def test_an_order_paid_in_time_shown_expired_fails() -> None:
    v = _told(_paid_then_told("P", 1.0, 9.0, "expired"), [notify("P", 1.2)])
    assert v.ok is False and v.counts["paid_shown_expired"] == 1
    reason = v.examples[0]["reason"]
    assert "acknowledged the payment 4.8 s before the order's expiry" in reason
    assert "shown expired" in reason


def test_a_late_payment_a_refused_notify_or_another_end_shown_expired_passes() -> None:
    late = _told(_paid_then_told("P", 1.0, 9.5, "expired"), [notify("P", 8.2)])
    assert late.ok is True and late.counts["paid_shown_expired"] == 0, late.detail
    refused = _told(_paid_then_told("P", 1.0, 9.0, "expired"), [notify("P", 1.2, "fail")])
    assert refused.ok is True, "the shop never acknowledged it: it may expire the order"
    refund = _told(_paid_then_told("P", 1.0, 9.0, "refund_needed"), [notify("P", 1.2)])
    assert refund.ok is True
    near = _told(_paid_then_told("P", 1.0, 9.0, "expired"), [notify("P", 6.5)])
    assert near.ok is True, "within CREATE_SLACK_S of the deadline: not judged"


def _polled(no: str, unpaid_asked: float | None) -> list:
    """A buyer who paid at 1.1 and was delivered at 3.0; its last unpaid poll went at
    `unpaid_asked` (None: never shown unpaid)."""
    p = f"buyer-{no}"
    extra = {} if unpaid_asked is None else {"unpaid_asked": unpaid_asked}
    return [op(p, "ok", "create_order", 1.0, order_no=no, product_id="steam-50"),
            op(p, "ok", "pay", 1.1, order_no=no, trade_no=f"G{no}"),
            op(p, "invoke", "await_delivery", 1.2, order_no=no),
            op(p, "ok", "await_delivery", 3.0, order_no=no, status="delivered", **extra),
            op(p, "ok", "fetch_card", 3.0, order_no=no, cards=["K1"])]


def test_a_poll_answered_unpaid_after_the_shop_acknowledged_the_payment_fails() -> None:
    v = _told(_polled("Q", 2.4), [notify("Q", 1.2)])
    assert v.ok is False and v.counts["paid_shown_unpaid"] == 1
    assert "shown pending_payment 1.2 s after the shop acknowledged" in v.examples[0]["reason"]


def test_unpaid_before_the_notify_was_answered_or_never_passes() -> None:
    before = _told(_polled("Q", 1.25), [notify("Q", 1.2, latency_ms=100.0)])
    assert before.ok is True and before.counts["polls_shown_unpaid"] == 1, before.detail
    assert _told(_polled("Q", None), [notify("Q", 1.2)]).ok is True
    refused = _told(_polled("Q", 2.4), [notify("Q", 1.2, "fail"), notify("Q", 2.3, attempt=2)])
    assert refused.ok is True, "the shop knew only from the retry at 2.3"


def _waited(no: str, delivered_at: float, undelivered_asked: float) -> list:
    """Paid at 1.1; the shop's `delivered` reply (seen at 12.0) carried `delivered_at`; the
    last poll that answered anything else was sent at `undelivered_asked`."""
    p = f"buyer-{no}"
    return [op(p, "ok", "create_order", 1.0, order_no=no, product_id="steam-50"),
            op(p, "ok", "pay", 1.1, order_no=no, trade_no=f"G{no}"),
            op(p, "invoke", "await_delivery", 1.2, order_no=no),
            op(p, "ok", "await_delivery", 12.0, order_no=no, status="delivered",
               delivered_at=delivered_at, undelivered_asked=undelivered_asked),
            op(p, "ok", "fetch_card", 12.0, order_no=no, cards=["K1"])]


def test_told_not_delivered_long_after_the_shops_own_stamp_fails() -> None:
    v = _told(_waited("S", 1.5, 11.0), [notify("S", 1.2)])  # a cached reply, 9.5 s stale
    assert v.ok is False and v.counts["delivered_shown_late"] == 1, v.detail
    assert "9.5 s after the shop's own delivered_at" in v.examples[0]["reason"]


def test_a_poll_that_crossed_the_delivery_commit_passes() -> None:
    v = _told(_waited("S", 10.0, 11.5), [notify("S", 1.2)])  # within GRACE_S of the stamp
    assert v.ok is True and v.counts["waits_judged_stale"] == 1, v.detail
    assert v.counts["delivered_shown_late"] == 0

"""stock-conservation, the reservation's promise: an order accepted for local stock and paid
in time is not left without goods while a later order of the product gets them."""

from drill.checks import CheckSpec, Verdict, stock_conservation
from drill.checks.held_lost import last_shown, lost_holds
from tests.drill.checks.literal import ONE_EACH, catalogue
from tests.drill.checks.ops import bought, export, op, order, paid, sources

SPEC = CheckSpec(order_expiry_s=10.0)
STOCK = {"local": {"steam-50": ["K1", "K2"]}, "supplier": {}}
FINAL = catalogue(40.0, final=True, steam_50=0)


def stranded(no: str, t: float, status: str = "manual", product: str = "steam-50") -> list:
    """A paid buyer whose wait ended on a no-goods status."""
    ops = bought(no, t, delivered=False, product=product)
    ops[-1]["value"]["status"] = status
    ops[-1]["type"] = "fail" if status != "manual" else "info"
    return ops


def judge(history: list, payments: list, spec: CheckSpec = SPEC, **kw: object) -> Verdict:
    return stock_conservation.check(sources(history=history, stock=STOCK, load=ONE_EACH,
                                            payments=payments, **kw), spec)


def test_a_paid_order_left_in_manual_while_a_later_one_got_its_key_fails() -> None:
    history = stranded("A", 1.0) + bought("B", 2.0, ["K1"]) + bought("C", 3.0, ["K2"]) + [FINAL]
    v = judge(history, [paid("A", 1.05), paid("B", 2.05), paid("C", 3.05)])
    assert v.ok is False and v.counts["paid_in_time_lost_hold"] == 1
    assert "an order of steam-50 accepted and paid in time ended manual without goods while 2 " \
        "orders placed after it got keys" in v.detail
    assert v.examples[-1]["order_no"] == "A" and v.examples[-1]["later_served"] == ["B", "C"]
    refunded = stranded("A", 1.0, "refund_needed") + bought("B", 2.0, ["K1"])
    assert lost_holds(sources(history=refunded, payments=[paid("A", 1.05), paid("B", 2.05)]),
                      SPEC, {"steam-50"})[0] == 1


def test_the_last_orders_sold_out_or_paid_late_or_delivered_later_pass() -> None:
    keys = bought("B", 1.0, ["K1"]) + bought("C", 2.0, ["K2"])
    pays = [paid("B", 1.05), paid("C", 2.05)]
    last = stranded("A", 3.0)  # ordered after every served one: no later order got a key
    assert judge(keys + last + [FINAL], [*pays, paid("A", 3.05)]).ok is True
    early = stranded("A", 0.5)
    assert judge(keys + early + [FINAL], [*pays, paid("A", 11.0)]).ok is True  # paid too late
    handed = export([order("A", "delivered", 20.0)])  # a human delivered it after the buyer left
    assert lost_holds(sources(history=keys + early, payments=[*pays, paid("A", 0.55)],
                              export=handed), SPEC, {"steam-50"})[0] == 0


def test_supplier_products_and_a_wait_still_pending_are_not_judged() -> None:
    pays = [paid("A", 1.05), paid("B", 2.05)]
    other = stranded("A", 1.0, product="apple-100") + bought("B", 2.0, ["X"], product="apple-100")
    assert lost_holds(sources(history=other, payments=pays), SPEC, {"steam-50"})[0] == 0
    waiting = stranded("A", 1.0, "paid") + bought("B", 2.0, ["K1"])  # gave up polling, `paid`
    assert lost_holds(sources(history=waiting, payments=pays), SPEC, {"steam-50"})[0] == 0
    assert lost_holds(sources(history=stranded("A", 1.0) + bought("B", 2.0, ["K1"])), SPEC,
                      {"steam-50"}) == (0, [])  # no gateway ledger: not judged


def test_last_shown_keeps_the_last_answer_of_each_wait() -> None:
    ops = [op("buyer-A", "info", "await_delivery", 5.0, order_no="A", status="paid"),
           op("buyer-A", "info", "await_delivery", 9.0, order_no="A", status="manual"),
           op("snooper-1", "fail", "await_delivery", 9.5, order_no="A", status="refunded")]
    assert last_shown(sources(history=ops)) == {"A": "manual"}

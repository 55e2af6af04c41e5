from dataclasses import dataclass

from drill.checks import CheckSpec, Verdict, stock_conservation
from tests.drill.checks.literal import ONE_EACH, catalogue
from tests.drill.checks.ops import bought, delivery, export, op, order, sources

SPEC = CheckSpec()
STOCK = {"local": {"steam-50": ["K1", "K2", "K3", "K4"]}, "supplier": {}}
SOLD_TWO = bought("A", 1.0, ["K1"]) + bought("B", 1.0, ["K2"])


def expired(no: str, t: float) -> list[dict]:
    """A buyer who opened an order, never paid, and saw it expire."""
    p = f"buyer-{no}"
    return [op(p, "ok", "create_order", t, order_no=no, product_id="steam-50"),
            op(p, "fail", "await_delivery", t + 5, order_no=no, status="expired")]


def _judge(history: list, spec: CheckSpec = SPEC) -> Verdict:
    return stock_conservation.check(sources(history=history, stock=STOCK, load=ONE_EACH), spec)


def test_books_balance_with_a_live_order_holding_its_key() -> None:
    stuck = bought("C", 2.0, delivered=False)  # paid, still waiting: its key is reserved
    v = _judge(SOLD_TWO + stuck + [catalogue(40.0, final=True, steam_50=1)])
    assert v.ok is True, v.detail
    assert v.counts["books"]["steam-50"] == {"imported": 4, "delivered": 2, "available": 1,
                                             "reserved": 1, "live_units": 1,
                                             "shop_reserved": None}


def test_a_key_never_released_after_expiry_is_leaked() -> None:
    v = _judge(SOLD_TWO + expired("C", 2.0) + [catalogue(40.0, final=True, steam_50=1)])
    assert v.ok is False and "1 keys leaked" in v.detail
    ex = v.examples[0]
    assert ex["product_id"] == "steam-50" and ex["undelivered_orders"][0]["order_no"] == "C"


def test_unpaid_orders_past_the_expiry_promise_hold_no_keys() -> None:
    unpaid = [op("buyer-U", "ok", "create_order", 2.0, order_no="U", product_id="steam-50")]
    history = SOLD_TWO + unpaid + [catalogue(40.0, final=True, steam_50=1)]
    assert _judge(history).ok is True  # no expiry promise known: U may still hold a key

    @dataclass(frozen=True)
    class ExpirySpec(CheckSpec):  # the field the lead adds to CheckSpec
        order_expiry_s: float = 10.0

    assert _judge(history, ExpirySpec()).ok is False


def test_more_keys_on_sale_than_exist_fails() -> None:
    v = _judge([*SOLD_TWO, catalogue(40.0, final=True, steam_50=3)])
    assert v.ok is False and "1 keys more on sale than exist" in v.detail


def test_only_the_final_read_counts() -> None:
    reads = [catalogue(0.5, steam_50=4), catalogue(40.0, final=True, steam_50=2),
             catalogue(41.0, steam_50=9)]
    assert _judge(SOLD_TWO + reads).ok is True


def test_sold_out_while_keys_were_free_fails() -> None:
    refused = [op("buyer-R", "invoke", "create_order", 5.0, product_id="steam-50", quantity=1),
               op("buyer-R", "fail", "create_order", 5.01, product_id="steam-50", status=409,
                  error="HTTP 409: out of stock")]
    v = _judge(SOLD_TWO + refused + [catalogue(40.0, final=True, steam_50=2)])
    assert v.ok is False and v.counts["refused_sold_out_while_free"] == 1
    assert "while at least 2 of 4 keys were free" in v.examples[0]["reason"]
    assert v.examples[0]["history"][-1]["value"]["status"] == 409


def test_without_a_catalogue_read_or_stock_the_verdict_is_unknown() -> None:
    v = _judge(SOLD_TWO)
    assert v.ok is None and "no catalogue read" in v.detail
    assert stock_conservation.check(sources(history=SOLD_TWO), SPEC).ok is None


def test_a_key_burned_by_a_second_delivery_leaks_and_the_export_shows_where() -> None:
    # the buyer of A saw K1; the shop delivered again on a duplicate notify and burned K3
    burned = export([order("A", "delivered"), order("B", "delivered")],
                    [delivery("A", ["K1"]), delivery("A", ["K3"]), delivery("B", ["K2"])])
    src = sources(history=[*SOLD_TWO, catalogue(40.0, final=True, steam_50=1)], stock=STOCK,
                  load=ONE_EACH, export=burned)
    v = stock_conservation.check(src, SPEC)
    assert v.ok is False and "1 keys leaked" in v.detail
    (story,) = v.examples[0]["orders_with_unseen_codes"]
    assert story["order_no"] == "A" and len(story["deliveries"]) == 2


def timed_out_create(proc: str, t: float) -> list[dict]:
    """An order attempt whose answer never came (a timeout: `info`): the shop may hold a key."""
    return [op(proc, "invoke", "create_order", t, product_id="steam-50", quantity=1),
            op(proc, "info", "create_order", t + 10, error="timeout")]


def test_an_order_whose_creation_timed_out_may_hold_a_key() -> None:
    history = SOLD_TWO + timed_out_create("buyer-X", 2.0)
    assert _judge([*history, catalogue(40.0, final=True, steam_50=1)]).ok is True
    # ...but one uncertain attempt cannot excuse two missing keys
    v = _judge([*history, catalogue(40.0, final=True, steam_50=0)])
    assert v.ok is False and "1 keys leaked" in v.detail


def test_an_uncertain_attempt_past_the_expiry_promise_excuses_nothing() -> None:
    history = SOLD_TWO + timed_out_create("buyer-X", 2.0)
    spec = CheckSpec(order_expiry_s=5.0)
    v = _judge([*history, catalogue(400.0, final=True, steam_50=1)], spec)
    assert v.ok is False and "1 keys leaked" in v.detail


def _with_shop_books(history: list, reserved: int) -> Verdict:
    books = export([order("A", "delivered"), order("B", "delivered")],
                   stock=[{"product_id": "steam-50", "available": 2, "reserved": reserved,
                           "delivered": 2 - reserved}])
    src = sources(history=history, stock=STOCK, load=ONE_EACH, export=books)
    return stock_conservation.check(src, SPEC)


def test_delivered_keys_the_shop_still_holds_reserved_are_a_finding() -> None:
    # from the catalogue the books balance (2 shown, 2 on sale), but the shop's own key table
    # keeps both delivered keys locked to their orders with no live order left
    history = [*SOLD_TWO, catalogue(40.0, final=True, steam_50=2)]
    assert _judge(history).ok is True  # no export: the outside books alone balance
    v = _with_shop_books(history, reserved=2)
    assert v.ok is False and "still holds 2 keys reserved" in v.detail
    assert v.counts["books"]["steam-50"]["shop_reserved"] == 2


def test_the_shop_may_hold_keys_reserved_for_live_orders() -> None:
    stuck = bought("C", 2.0, delivered=False)  # paid, still waiting: its key is reserved
    v = _with_shop_books([*SOLD_TWO, *stuck, catalogue(40.0, final=True, steam_50=1)], 1)
    assert v.ok is True, v.detail
    assert v.counts["books"]["steam-50"]["shop_reserved"] == 1

from drill.checks import CheckSpec, no_oversell
from tests.drill.checks.ops import bought, delivery, export, order, paid, sources

SPEC = CheckSpec()
STOCK = {"local": {"steam-50": ["s1", "s2"]}, "supplier": {"primary": {"apple-100": 5}}}
CODES = {"primary": [{"code": "p1", "sku": "apple-100", "downstream_order_no": "B", "at": 1.0}]}


def test_codes_from_stock_and_supplier_pass() -> None:
    src = sources(history=bought("A", 1.0, ["s1"]) + bought("B", 1.0, ["p1"], product="apple-100"),
                  stock=STOCK, codes=CODES, purchases={"primary": []},
                  export=export([order("A", "delivered"),
                                 order("B", "delivered", product="apple-100")],
                                [delivery("A", ["s1"]), delivery("B", ["p1"], source="primary")]))
    assert no_oversell.check(src, SPEC).ok is True


def test_code_never_imported_is_oversell() -> None:
    src = sources(history=bought("A", 1.0, ["s1"]) + bought("C", 1.0, ["ghost"]),
                  stock=STOCK, codes=CODES, purchases={"primary": []},
                  export=export([order("A", "delivered"), order("C", "delivered")],
                                [delivery("A", ["s1"]), delivery("C", ["ghost"])]))
    v = no_oversell.check(src, SPEC)
    assert v.ok is False
    assert v.examples[0]["order_no"] == "C"


def test_supplier_code_not_in_supplier_ledger_fails() -> None:
    src = sources(history=bought("B", 1.0, ["forged"], product="apple-100"),
                  stock=STOCK, codes=CODES, purchases={"primary": []},
                  export=export([order("B", "delivered", product="apple-100")],
                                [delivery("B", ["forged"], source="primary")]))
    assert no_oversell.check(src, SPEC).ok is False


def test_without_stock_json_unknown() -> None:
    assert no_oversell.check(sources(history=bought("A", 1.0)), SPEC).ok is None


def test_paid_beyond_local_stock_is_oversell() -> None:
    # dujiaoka's missing stock lock: three buyers paid for two keys; the third waits forever
    src = sources(history=bought("A", 1.0, ["s1"]) + bought("B", 1.1, ["s2"])
                  + bought("C", 1.2, delivered=False),
                  payments=[paid("A", 1.03), paid("B", 1.13), paid("C", 1.23)],
                  stock=STOCK, codes=CODES, purchases={"primary": []},
                  export=export([order("A", "delivered"), order("B", "delivered"),
                                 order("C", "manual")],
                                [delivery("A", ["s1"]), delivery("B", ["s2"])]))
    v = no_oversell.check(src, SPEC)
    assert v.ok is False
    assert v.counts["sold_beyond_stock"] == {"steam-50": 3}
    assert [e["order_no"] for e in v.examples] == ["C"]


def test_paid_then_refunded_beyond_stock_is_not_oversell() -> None:
    # a late payment after expiry finds no key and is refunded: the shop kept its word
    src = sources(history=bought("A", 1.0, ["s1"]) + bought("B", 1.1, ["s2"])
                  + bought("C", 1.2, delivered=False),
                  payments=[paid("A", 1.03), paid("B", 1.13), paid("C", 1.23)],
                  stock=STOCK, codes=CODES, purchases={"primary": []},
                  export=export([order("A", "delivered"), order("B", "delivered"),
                                 order("C", "refund_needed")],
                                [delivery("A", ["s1"]), delivery("B", ["s2"])]))
    assert no_oversell.check(src, SPEC).ok is True

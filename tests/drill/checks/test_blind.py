"""The blind oracle: every check that reads the export decides the same from outside records
alone, or answers *unknown* naming the missing evidence — never a vacuous pass.

One literal pair per export-reading check: the same outside records judged with and
without the export (`meta.export = False`, as `--no-export` writes it).
"""

from __future__ import annotations

from typing import Any

from drill.checks import (
    CheckSpec,
    failover,
    messages,
    money_goods,
    no_double_purchase,
    no_duplicate,
    no_loss,
    no_oversell,
    retries,
)
from drill.checks.sources import Sources
from tests.drill.checks.ops import bought, delivery, export, op, order, paid, sources

SPEC = CheckSpec()
BLIND = {"export": False}


def both(**kw: Any) -> tuple[Sources, Sources]:
    """(with the export, blind) over the same outside records."""
    exp = kw.pop("export")
    return sources(**kw, export=exp), sources(**kw, meta=BLIND)


def test_no_loss_decides_delivered_orders_blind_and_names_the_export_when_it_cannot() -> None:
    seen, blind = both(history=bought("A", 100.0), payments=[paid("A", 100.03)],
                       export=export([order("A", "delivered", 100.4)]))
    assert no_loss.check(seen, SPEC).ok is True
    assert no_loss.check(blind, SPEC).ok is True          # the buyer saw it delivered
    _, stuck = both(history=bought("B", 100.0, delivered=False), payments=[paid("B", 100.03)],
                    export=export([order("B", "refunded")]))
    v = no_loss.check(stuck, SPEC)
    assert v.ok is None and "blind" in v.detail and "export" in v.detail


def test_no_oversell_counts_units_from_the_buyers_quantity_without_the_export() -> None:
    hist = bought("Q", 1.0, cards=["K1"])
    hist[0]["value"]["quantity"] = 2                      # one order of two units, one key
    kw = dict(history=hist, payments=[paid("Q", 1.03)], stock={"local": {"steam-50": ["K1"]}})
    with_export = sources(**kw, export=export([{**order("Q", "delivered"), "quantity": 2}]))
    blind = sources(**kw, meta=BLIND)
    assert no_oversell.check(with_export, SPEC).ok is False
    v = no_oversell.check(blind, SPEC)
    assert v.ok is False and v.counts["paid_local"] == {"steam-50": 2}


def test_no_duplicate_finds_two_buyers_holding_one_code_blind() -> None:
    kw = dict(history=bought("A", 1.0, cards=["SAME"]) + bought("B", 2.0, cards=["SAME"]))
    seen = sources(**kw, export=export([], [delivery("A", ["SAME"]), delivery("B", ["SAME"])]))
    assert no_duplicate.check(seen, SPEC).ok is False
    assert no_duplicate.check(sources(**kw, meta=BLIND), SPEC).ok is False
    assert no_duplicate.check(sources(meta=BLIND), SPEC).ok is None   # nothing to judge from


def test_retries_counts_supplier_ledger_attempts_blind() -> None:
    calls = [{"order_no": "A", "at": 1.0 + i, "idempotency_key": "A"} for i in range(9)]
    seen, blind = both(purchases={"primary": calls},
                       export=export([], jobs=[{"order_no": "A", "attempts": 9}]))
    assert retries.check(seen, SPEC).ok is retries.check(blind, SPEC).ok
    assert retries.check(blind, SPEC).counts["max_attempts"] == 9
    assert retries.check(sources(meta=BLIND), SPEC).ok is None


def test_no_double_purchase_needs_the_ledgers_when_blind() -> None:
    seen, blind = both(export=export([]))
    assert no_double_purchase.check(seen, SPEC).ok is True    # the export: no supplier calls
    assert no_double_purchase.check(blind, SPEC).ok is None   # blind: the ledger is the word


def test_failover_reads_backup_purchases_from_the_ledger_blind() -> None:
    spec = CheckSpec(failover_within_s=5.0)
    faults = [{"target": "supplier_primary", "kind": "down", "action": "inject", "at": 10.0,
               "ok": True}]
    backup = {"backup": [{"downstream_order_no": "A", "at": 11.0, "codes": ["X"],
                          "outcome": "ok"}], "primary": []}
    seen, blind = both(faults=faults, purchases=backup,
                       export=export([], [delivery("A", ["X"], "backup", 11.0)]))
    assert failover.check(seen, spec).ok is True
    assert failover.check(blind, spec).ok is True
    v = failover.check(sources(faults=faults, meta=BLIND), spec)   # no ledger, no export
    assert v.ok is None and "blind" in v.detail


def test_money_goods_judges_goods_from_buyers_and_gateway_blind() -> None:
    kw = dict(history=bought("A", 1.0), payments=[paid("A", 1.03)],
              meta=BLIND, load={"plan": {"quantity": 1}})
    assert money_goods.check(sources(**kw), SPEC).ok is not False
    unpaid = dict(kw, payments=[])
    assert money_goods.check(sources(**unpaid), SPEC).ok is False  # goods, no payment


def test_messages_judges_delay_notices_from_buyers_and_sink_blind() -> None:
    spec = CheckSpec(notice_after_s=5.0)
    kw = dict(history=bought("A", 1.0), payments=[paid("A", 1.03)], mails=[], messages=[])
    seen = sources(**kw, export=export([order("A", "delivered", 1.4)]))
    assert messages.check(seen, spec).ok is True
    assert messages.check(sources(**kw, meta=BLIND), spec).ok is True   # the buyer saw it
    v = messages.check(sources(history=kw["history"], meta=BLIND), spec)  # no sink, no gateway
    assert v.ok is None and "missing" in v.detail


def test_a_reused_shop_balances_with_the_stock_it_had_before() -> None:
    """A shop configured once keeps its earlier keys: an old key sold in this drill is
    counted against `before`, not flagged; more old keys than there were is a finding."""
    from drill.checks import stock_conservation

    hist = bought("A", 1.0, cards=["OLD-1"]) + bought("B", 2.0, cards=["NEW-1"])
    hist += [op("catalogue", "ok", "list_products", 50.0, final=True,
                products=[{"id": "steam-50", "price": "50.00", "stock_available": 2}])]
    kw = dict(history=hist, payments=[paid("A", 1.03), paid("B", 2.03)], meta=BLIND,
              load={"plan": {"quantity": 1}})
    reused = {"local": {"steam-50": ["NEW-1", "NEW-2"]}, "before": {"steam-50": 2}}
    assert no_oversell.check(sources(**kw, stock=reused), SPEC).ok is True
    v = stock_conservation.check(sources(**kw, stock=reused), SPEC)
    assert v.ok is True, v.detail
    assert v.counts["books"]["steam-50"]["imported"] == 4
    from drill.checks import buyer_truth

    assert buyer_truth.check(sources(**kw, stock=reused), SPEC).ok is True
    no_before = sources(**kw, stock={**reused, "before": {}}, purchases={"primary": []})
    assert buyer_truth.check(no_before, SPEC).ok is False       # OLD-1: from nowhere
    fresh = {"local": {"steam-50": ["NEW-1", "NEW-2"]}}       # no earlier stock declared
    assert no_oversell.check(sources(**kw, stock=fresh), SPEC).ok is False
    none_before = {**reused, "before": {"steam-50": 0}}
    assert no_oversell.check(sources(**kw, stock=none_before), SPEC).ok is False

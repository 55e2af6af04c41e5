"""no-duplicate: no order receives two different deliveries; no card code reaches two orders.

Evidence comes from the service's deliveries *and* what buyers actually
fetched: a buyer who fetched other codes than the service recorded, or two
buyers holding the same code, is a duplicate whatever the export says.
"""

from __future__ import annotations

from drill.checks.orders import OrderFacts, example, sorted_orders
from drill.checks.said import Said, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "no-duplicate"


def _compare(o: OrderFacts, bad: list[tuple[str, Said]]) -> set[str]:
    """The order's codes; a finding when its deliveries (or its buyer's fetches) disagree
    among themselves, or the two disagree."""
    export_sets = {frozenset(d.get("codes") or []) for d in o.deliveries}
    buyer_sets = {frozenset(c) for c in o.buyer_cards}
    if len(export_sets) > 1:
        bad.append((o.order_no, said("no-duplicate.deliveries", n=len(export_sets))))
    elif len(buyer_sets) > 1:
        bad.append((o.order_no, said("no-duplicate.fetches_differ")))
    elif export_sets and buyer_sets and export_sets != buyer_sets:
        bad.append((o.order_no, said("no-duplicate.not_listed")))
    return o.delivered_codes()


def _one_each(o: OrderFacts, bad: list[tuple[str, Said]]) -> set[str]:
    """`_compare` for the common order: at most one delivery and one fetch (nothing can
    disagree but the two with each other), each set built once."""
    shop = set(o.deliveries[0].get("codes") or ()) if o.deliveries else set()
    shown = set(o.buyer_cards[0]) if o.buyer_cards else set()
    if o.deliveries and o.buyer_cards and shop != shown:
        bad.append((o.order_no, said("no-duplicate.not_listed")))
    return shop | shown


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.history is None and src.export is None:
        return missing(ID, "buyer history and the service export")
    bad: list[tuple[str, Said]] = []
    holder: dict[str, str] = {}  # code -> the first order holding it (no set a code)
    shared: dict[str, set[str]] = {}  # code -> every order holding it, when more than one
    with_codes = 0
    for o in sorted_orders(src):
        if not o.deliveries and not o.buyer_cards:
            continue  # no codes, nothing to compare
        codes = _one_each(o, bad) if len(o.deliveries) <= 1 and len(o.buyer_cards) <= 1 \
            else _compare(o, bad)
        with_codes += bool(codes)
        no = o.order_no
        for code in codes:
            first = holder.setdefault(code, no)
            if first != no:
                shared.setdefault(code, {first}).add(no)
    for code, nos in sorted(shared.items()):
        for no in sorted(nos):
            bad.append((no, said("no-duplicate.shared", code=code, others=sorted(nos - {no}))))
    counts = {"orders_with_codes": with_codes,
              "codes": len(holder), "shared_codes": len(shared),
              "orders_flagged": len({no for no, _ in bad})}
    if bad:
        return Verdict(ID, False, said("no-duplicate.fail", flagged=counts["orders_flagged"],
                                             shared=len(shared)),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    return Verdict(ID, True, said("no-duplicate.ok", codes=counts["codes"]), [], counts)

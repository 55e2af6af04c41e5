"""no-duplicate: no order receives two different deliveries; no card code reaches two orders.

Evidence comes from the service's deliveries *and* what buyers actually
fetched: a buyer who fetched other codes than the service recorded, or two
buyers holding the same code, is a duplicate whatever the export says.
"""

from __future__ import annotations

from collections import defaultdict

from drill.checks.orders import example, sorted_orders
from drill.checks.said import Said, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "no-duplicate"


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.history is None and src.export is None:
        return missing(ID, "buyer history and the service export")
    bad: list[tuple[str, Said]] = []
    holders: dict[str, set[str]] = defaultdict(set)
    with_codes = 0
    for o in sorted_orders(src):
        export_sets = {frozenset(d.get("codes") or []) for d in o.deliveries}
        buyer_sets = {frozenset(c) for c in o.buyer_cards}
        if len(export_sets) > 1:
            bad.append((o.order_no, said("no-duplicate.deliveries", n=len(export_sets))))
        elif len(buyer_sets) > 1:
            bad.append((o.order_no, said("no-duplicate.fetches_differ")))
        elif export_sets and buyer_sets and export_sets != buyer_sets:
            bad.append((o.order_no, said("no-duplicate.not_listed")))
        codes = o.delivered_codes()
        with_codes += bool(codes)
        for code in codes:
            holders[code].add(o.order_no)
    shared = {code: nos for code, nos in holders.items() if len(nos) > 1}
    for code, nos in sorted(shared.items()):
        for no in sorted(nos):
            bad.append((no, said("no-duplicate.shared", code=code, others=sorted(nos - {no}))))
    counts = {"orders_with_codes": with_codes,
              "codes": len(holders), "shared_codes": len(shared),
              "orders_flagged": len({no for no, _ in bad})}
    if bad:
        return Verdict(ID, False, said("no-duplicate.fail", flagged=counts["orders_flagged"],
                                             shared=len(shared)),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    return Verdict(ID, True, said("no-duplicate.ok", codes=counts["codes"]), [], counts)

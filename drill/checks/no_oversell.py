"""no-oversell: nothing delivered beyond the stock that existed.

Local codes must be among those imported for the product (stock.json), so the
count per product can never exceed its stock; supplier codes must be among
codes a supplier's ledger says it handed out. A code found in neither is stock
that never existed.
"""

from __future__ import annotations

from collections import defaultdict

from drill.checks.evidence import buyer_orders
from drill.checks.orders import example, sorted_orders
from drill.checks.said import Said, joined, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "no-oversell"
UNSOLD = frozenset({"refunded", "refund_needed", "rejected"})  # the money goes back


def paid_units(src: Sources, local: dict[str, set[str]]
               ) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Local product -> units the gateway says were paid for and not refunded (sold), and
    the paid orders of that product that never got their codes."""
    buyers = buyer_orders(src)
    exported = {str(r.get("order_no")): int(r.get("quantity") or 1)
                for r in src.export_list("orders") or []}  # the shop's word first
    units: dict[str, int] = defaultdict(int)
    undelivered: dict[str, list[str]] = defaultdict(list)
    for o in sorted_orders(src):
        pid = o.product_id or ""
        if o.paid and pid in local and o.status not in UNSOLD:
            no = o.order_no
            n = exported.get(no)
            if n is None:
                b = buyers.get(no)
                n = b.quantity if b is not None and b.quantity else 1
            units[pid] += n
            if not o.delivered:
                undelivered[pid].append(o.order_no)
    return dict(units), dict(undelivered)


def _supplier_issued(src: Sources) -> set[str] | None:
    if src.codes is None and src.purchases is None:
        return None
    issued = {str(c.get("code")) for items in (src.codes or {}).values() for c in items}
    issued |= {str(code) for _n, p in src.all_purchases() for code in p.get("codes") or []}
    return issued


def stock_before(src: Sources) -> dict[str, int]:
    """Keys a reused shop already had per product before this drill imported its own
    (stock.json `before`, written for a target the user started; the reference shop the
    harness starts begins empty)."""
    raw = (src.stock or {}).get("before") or {}
    return {str(k): int(v) for k, v in raw.items() if isinstance(v, int) and v > 0}


def _trace(src: Sources, local: dict[str, set[str]], imported: set[str], before: dict[str, int]
           ) -> tuple[list[tuple[str, Said]], int, dict[str, set[str]]]:
    """Where every delivered code came from: (findings, untraceable supplier codes, local
    product -> its delivered codes). A reused shop's earlier keys count up to `before`."""
    issued = _supplier_issued(src)
    bad: list[tuple[str, Said]] = []
    unknown = 0
    per_product: dict[str, set[str]] = defaultdict(set)
    prior: dict[str, set[str]] = defaultdict(set)   # delivered keys from the earlier stock
    for o in sorted_orders(src):
        if not o.deliveries and not o.buyer_cards:
            continue  # no code reached it
        if len(o.deliveries) == 1:  # the common order: one delivery, one source
            d = o.deliveries[0]
            sources = dict.fromkeys(d.get("codes") or [], str(d.get("source") or ""))
        else:
            sources = {c: str(d.get("source") or "")
                       for d in o.deliveries for c in d.get("codes") or []}
        pid, own_local = o.product_id or "", o.product_id in local
        stock = local.get(pid, imported)
        for code in sorted(o.delivered_codes()):
            origin = sources.get(code, "")
            if origin == "local" or (not origin and own_local):
                if code in stock:
                    pass
                elif before.get(pid):
                    prior[pid].add(code)
                else:
                    bad.append((o.order_no, said("no-oversell.not_imported", code=code, pid=pid)))
                per_product[pid].add(code)
            elif code in imported:
                per_product[o.product_id or ""].add(code)
            elif issued is None:
                unknown += 1
            elif code not in issued:
                origin_said = (said("raw", text=origin) if origin
                               else said("no-oversell.unknown_source"))
                bad.append((o.order_no, said("no-oversell.never_issued", code=code,
                                             origin=origin_said)))
    bad += [("", said("no-oversell.beyond_prior", n=len(codes), pid=pid, before=before[pid]))
            for pid, codes in prior.items()
            if len(codes) > before[pid]]
    return bad, unknown, per_product


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.stock is None:
        return missing(ID, "stock.json")
    local: dict[str, set[str]] = {pid: set(codes) for pid, codes in
                                  (src.stock.get("local") or {}).items()}
    before = stock_before(src)
    imported = set().union(*local.values()) if local else set()
    bad, unknown, per_product = _trace(src, local, imported, before)
    over = {pid: len(codes) for pid, codes in per_product.items()
            if pid in local and len(codes) > len(local[pid]) + before.get(pid, 0)}
    sold, undelivered = paid_units(src, local)
    oversold = {pid: n for pid, n in sold.items() if n > len(local[pid]) + before.get(pid, 0)}
    not_in_stock = len(bad)
    bad += [(no, said("no-oversell.paid_after_sold", pid=pid, keys=len(local[pid]),
                      paid=sold[pid])) for pid in oversold
            for no in undelivered.get(pid, [])]
    counts = {"delivered_local": {p: len(c) for p, c in per_product.items()},
              "stock_before": before,
              "stock_local": {p: len(c) for p, c in local.items()}, "paid_local": sold,
              "oversold_products": over, "sold_beyond_stock": oversold,
              "codes_of_unknown_origin": unknown}
    if bad or over or oversold:
        parts = [said("no-oversell.not_in_stock", n=not_in_stock)]
        if over:
            parts.append(said("no-oversell.over", over=over))
        if oversold:
            sold_of = {p: f"{n}/{len(local[p])}" for p, n in oversold.items()}
            parts.insert(0, said("no-oversell.oversold", sold=sold_of))
        return Verdict(ID, False, joined(parts),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    if unknown:
        return Verdict(ID, None, said("no-oversell.untraced", n=unknown), [], counts)
    return Verdict(ID, True, said("no-oversell.ok"),
                   [], counts)

"""buyer-truth: "delivered" means the cards are there: exactly `quantity`, real, the buyer's own.

Judged on what the shop answered each buyer (the history), never on what it
meant to answer: an order shown `delivered` must let its buyer see exactly
`quantity` distinct codes, the same on every fetch; each code was imported for
the product (stock.json) or issued by a supplier (its ledger); no code is shown
to two orders' buyers. A card fetch that fails after `delivered` is a finding,
not an error-rate blip; so is `delivered` with nothing to show. And a buyer back
after its order's expiry, unpaid at the gateway, is not shown it payable
(drill/checks/expired_shown.py), nor a buyer who paid shown it unpaid after the
shop acknowledged the payment (drill/checks/paid_shown.py); no buyer is shown codes before
the gateway took the money (drill/checks/unpaid_codes.py), nor told "not yet" after the
shop's own delivery stamp (drill/checks/stale_status.py).
"""

from __future__ import annotations

from collections import defaultdict

from drill.checks.evidence import BuyerOrder, sorted_buyers
from drill.checks.expired_shown import shown_expired_though_paid, shown_payable
from drill.checks.no_oversell import stock_before
from drill.checks.orders import example
from drill.checks.paid_shown import shown_unpaid_after_paid
from drill.checks.said import Said, joined, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.stale_status import shown_undelivered_after_delivery
from drill.checks.unpaid_codes import codes_before_payment
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "buyer-truth"


def supplier_codes(src: Sources) -> set[str] | None:
    """Every code a supplier's ledger says it handed out; None when no ledger was collected."""
    if src.codes is None and src.purchases is None:
        return None
    issued = {str(c.get("code")) for items in (src.codes or {}).values() for c in items}
    return issued | {str(code) for _n, p in src.all_purchases() for code in p.get("codes") or []}


def local_codes(src: Sources) -> dict[str, set[str]] | None:
    if src.stock is None:
        return None
    return {str(pid): {str(c) for c in codes} for pid, codes in
            (src.stock.get("local") or {}).items()}


def told_delivered(b: BuyerOrder) -> bool:
    return b.delivered_seen_at is not None or bool(b.cards_seen)


def fetch_problems(b: BuyerOrder) -> list[Said]:
    """What is wrong with the cards the buyer could see after being told `delivered`."""
    after = b.delivered_seen_at if b.delivered_seen_at is not None else float("-inf")
    failed = [kind for t, kind, _c in b.fetches if kind != "ok" and t >= after]
    shown = [cards for cards in b.cards_seen if cards]
    out: list[Said] = []
    if not shown:
        out.append(said("buyer-truth.fetch_failed" if failed else "buyer-truth.no_card"))
    elif "fail" in failed:
        out.append(said("buyer-truth.fetch_refused"))
    if len({frozenset(c) for c in shown}) > 1:
        out.append(said("buyer-truth.cards_differ"))
    for cards in shown[:1]:
        if b.quantity is not None and (len(cards) != b.quantity or len(set(cards)) != len(cards)):
            out.append(said("buyer-truth.quantity", n=len(cards), distinct=len(set(cards)),
                            quantity=b.quantity))
    return out


def origin_problems(b: BuyerOrder, local: dict[str, set[str]] | None,
                    issued: set[str] | None, earlier: dict[str, int] | None = None,
                    every_local: set[str] | None = None) -> tuple[list[Said], int]:
    """Codes neither imported for the product nor issued by a supplier; and how many codes
    could not be traced because a needed source is missing. `earlier`: keys a reused shop
    had per product before this drill (stock.json `before`), spent as codes are taken.
    `every_local`: the union of `local`, computed once by the caller (per order it made the
    check quadratic)."""
    earlier = earlier if earlier is not None else {}
    imported = (local or {}).get(b.product_id or "")
    if imported is None and local:
        imported = every_local if every_local is not None else set().union(*local.values())
    out: list[Said] = []
    untraced = 0
    for code in sorted(b.codes()):
        if (imported and code in imported) or (issued is not None and code in issued):
            continue
        if earlier.get(b.product_id or "", 0) > 0:   # one of the shop's earlier keys
            earlier[b.product_id or ""] -= 1
            continue
        if local is None or issued is None:
            untraced += 1
        else:
            out.append(said("buyer-truth.untraceable_code", code=code))
    return out, untraced


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.history is None:
        return missing(ID, "the buyer history")
    local, issued = local_codes(src), supplier_codes(src)
    earlier = stock_before(src)
    every_local = set().union(*local.values()) if local else None
    holders: dict[str, set[str]] = defaultdict(set)
    bad: list[tuple[str, Said]] = []
    counts = dict.fromkeys(("told_delivered", "true", "quantity_unknown", "codes_untraced",
                            "shared_codes", "fetch_failed_after_delivered"), 0)
    for b in sorted_buyers(src):
        if not told_delivered(b):
            continue
        counts["told_delivered"] += 1
        counts["quantity_unknown"] += b.quantity is None
        for code in b.codes():
            holders[code].add(b.order_no)
        problems = fetch_problems(b)
        counts["fetch_failed_after_delivered"] += any("fetch" in p for p in problems[:1])
        wrong_origin, untraced = origin_problems(b, local, issued, earlier, every_local)
        counts["codes_untraced"] += untraced
        problems += wrong_origin[:3]
        if problems:
            bad.append((b.order_no, joined(problems)))
        else:
            counts["true"] += 1
    shared = {code: nos for code, nos in holders.items() if len(nos) > 1}
    counts["shared_codes"] = len(shared)
    bad += [(no, said("buyer-truth.shared", code=code, others=sorted(nos - {no})))
            for code, nos in sorted(shared.items()) for no in sorted(nos)]
    payable, counts["looked_after_expiry"] = shown_payable(src, spec)
    counts["shown_payable_after_expiry"] = len(payable)
    lapsed = shown_expired_though_paid(src, spec)
    counts["paid_shown_expired"] = len(lapsed)
    unpaid, counts["polls_shown_unpaid"] = shown_unpaid_after_paid(src)
    counts["paid_shown_unpaid"] = len(unpaid)
    peeked, counts["reads_with_codes"] = codes_before_payment(src)
    counts["codes_before_payment"] = len(peeked)
    stale, counts["waits_judged_stale"] = shown_undelivered_after_delivery(src)
    counts["delivered_shown_late"] = len(stale)
    bad += payable + lapsed + unpaid + peeked + stale
    if bad:
        flagged = len({no for no, _ in bad})
        return Verdict(ID, False, said("buyer-truth.fail", flagged=flagged, **counts),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    if counts["quantity_unknown"] or counts["codes_untraced"]:
        return Verdict(ID, None, said("buyer-truth.unknown", **counts), [], counts)
    return Verdict(ID, True, said("buyer-truth.ok", **counts), [], counts)

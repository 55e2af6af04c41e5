"""gateway-protocol: the shop answers the gateway as the epay protocol demands.

Every genuine notify attempt (first, retry or duplicate; see gateway_evidence)
is answered `success` within the gateway's reply deadline (spec
`notify_reply_within_s`, default 5 s), and every notify the gateway sent to be
refused is not answered `success`. A shop that answers `fail` to a duplicate,
or to a retry after it already delivered, shows up here as the gateway's
retry chain running on. Attempts made while a fault on the notify path (the
gateway→shop link, the shop's processes, its database) was in effect are
excused: the shop could not have answered.
"""

from __future__ import annotations

from collections import defaultdict

from drill.checks.evidence import as_float, as_int, buyer_orders
from drill.checks.gateway_evidence import (
    accepted,
    adversarial_kind,
    answered_in_time,
    fault_at,
    fault_windows,
    is_genuine,
    reply_deadline_s,
)
from drill.checks.orders import example
from drill.checks.said import Said, said
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "gateway-protocol"
NOTIFY_PATH = ("gateway_notify", "worker", "service", "api", "db", "shop")
# findings a saturated box cannot explain (a forgery accepted, a genuine notify refused with
# a 2xx-4xx answer): drill.analyze keeps them failures even when the harness was saturated
WRONG = "wrong_answers"


def genuine_problem(n: Record, deadline_s: float, goods_at: float | None) -> Said:
    """Why this genuine attempt was not a timely `success`."""
    at, attempt = as_float(n.get("at")) or 0.0, n.get("attempt")
    outcome, variant = n.get("outcome"), str(n.get("variant") or "normal")
    if accepted(n):
        return said("gateway-protocol.slow", ms=n.get("latency_ms"), limit=deadline_s,
                    attempt=attempt)
    answer = said("gateway-protocol.answered", outcome=repr(outcome),
                  http=n.get("http_status"), reply=repr(n.get("reply")))
    if variant.startswith("duplicate"):
        return said("gateway-protocol.to_duplicate", answer=answer)
    if goods_at is not None and goods_at <= at:
        return said("gateway-protocol.after_goods", answer=answer, attempt=attempt)
    return said("gateway-protocol.to_genuine", answer=answer, attempt=attempt)


def refused_outright(n: Record) -> bool:
    """A genuine notify the shop answered, in time, with a 2xx-4xx reply that is not `success`:
    a protocol answer, not an overloaded shop (no timeout, no connection error, no 5xx)."""
    status = as_int(n.get("http_status"))
    return n.get("outcome") == "fail" and status is not None and status < 500


def chain_counts(notifies: list[Record]) -> dict[str, int]:
    """Per payment retry chain (variant normal): how many, acknowledged, longest."""
    chains: dict[str, list[Record]] = defaultdict(list)
    for n in notifies:
        if is_genuine(n) and str(n.get("variant") or "normal") == "normal":
            chains[str(n.get("trade_no"))].append(n)
    return {"chains": len(chains),
            "chains_acknowledged": sum(any(accepted(n) for n in c) for c in chains.values()),
            "longest_chain": max((len(c) for c in chains.values()), default=0)}


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.notifies is None:
        return missing(ID, "the gateway notify ledger")
    deadline = reply_deadline_s(spec)
    windows = fault_windows(src)
    buyers = buyer_orders(src)  # asked only of a finding's order, not of every order
    counts = dict.fromkeys(("genuine", "genuine_answered", "excused_during_fault", "unjudged",
                            "adversarial", "adversarial_refused", WRONG), 0)
    bad: list[tuple[str, Said]] = []
    for n in sorted(src.notifies, key=lambda n: as_float(n.get("at")) or 0.0):
        no, kind = str(n.get("out_trade_no")), adversarial_kind(n)
        if kind is not None:
            counts["adversarial"] += 1
            if accepted(n):
                counts[WRONG] += 1
                bad.append((no, said("gateway-protocol.took_forged", kind=kind,
                                     variant=n.get("variant"))))
            else:
                counts["adversarial_refused"] += 1
            continue
        if not is_genuine(n):
            continue
        counts["genuine"] += 1
        if answered_in_time(n, deadline):
            counts["genuine_answered"] += 1
        elif fault_at(as_float(n.get("at")) or 0.0, windows, deadline, NOTIFY_PATH):
            counts["excused_during_fault"] += 1
        elif src.faults is None:
            counts["unjudged"] += 1
        else:
            counts[WRONG] += refused_outright(n)
            b = buyers.get(no)
            bad.append((no, genuine_problem(n, deadline, b.goods_seen_at() if b else None)))
    counts.update(chain_counts(src.notifies))
    if bad:
        orders = len({no for no, _ in bad})
        return Verdict(ID, False, said("gateway-protocol.fail", n=len(bad), orders=orders),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    if counts["unjudged"]:
        return Verdict(ID, None, said("gateway-protocol.unknown", **counts), [], counts)
    return Verdict(ID, True, said("gateway-protocol.ok", **counts), [], counts)

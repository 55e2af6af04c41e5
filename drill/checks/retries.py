"""retries: supplier attempts per order within bounds, and no retry storm.

Attempts are counted where they land — the supplier ledgers (every purchase
call, replays included) — and the service's job attempts as a second opinion;
the larger wins. A storm is more supplier calls in one wall second than
spec.max_supplier_calls_per_s.
"""

from __future__ import annotations

from collections import Counter

from drill.checks.orders import example, group_purchases
from drill.checks.said import Said, joined, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "retries"


def check(src: Sources, spec: CheckSpec) -> Verdict:
    jobs = src.export_list("jobs")
    if src.purchases is None and jobs is None:
        return missing(ID, "supplier purchase ledgers and the service export")
    attempts: Counter[str] = Counter()
    for order_no, items in group_purchases(src).items():
        attempts[order_no] = len(items)
    for job in jobs or []:
        no = str(job.get("order_no"))
        attempts[no] = max(attempts[no], int(job.get("attempts") or 0))
    limit = spec.max_attempts_per_order
    over = sorted((no for no, n in attempts.items() if n > limit), key=lambda no: -attempts[no])
    per_second = Counter(int(float(p.get("at") or 0)) for _n, p in src.all_purchases())
    peak = max(per_second.values(), default=0)
    counts = {"max_attempts": max(attempts.values(), default=0), "orders_over_limit": len(over),
              "peak_supplier_calls_per_s": peak, "supplier_calls": sum(per_second.values())}
    problems: list[Said] = []
    if over:
        problems.append(said("retries.over", n=len(over), limit=limit, worst=attempts[over[0]]))
    storm = spec.max_supplier_calls_per_s
    if storm is not None and peak > storm:
        problems.append(said("retries.storm", peak=peak, limit=storm))
    if problems:
        return Verdict(ID, False, joined(problems),
                       [example(src, no, said("retries.attempts", n=attempts[no]))
                        for no in over[:MAX_EXAMPLES]], counts)
    return Verdict(ID, True, said("retries.ok", max=counts["max_attempts"], limit=limit, peak=peak),
                   [], counts)

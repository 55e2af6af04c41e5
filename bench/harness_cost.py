"""What the harness itself costs an order: the drill against a stand-in shop that costs ~nothing.

    .venv/bin/python bench/harness_cost.py [-n 3] [--rate 300] [--seconds 8] [--users 128]

Each repeat has three parts, all against bench/standin_shop.py (a raw ASGI app
answering the buyer flow at once and delivering on the gateway's notify):

1. drill: `harness.py run` of a generated open-model scenario (--rate orders/s for
   --seconds, the default buyer mix: 25 % browse, 2 % snoopers, 1–3 keys) with
   the stand-in started in place of the reference service
   (FAKA_DRILL_SERVICE_MODULE). CPU of every pid of the drill (Locust, gateway,
   suppliers, sink, embedded Toxiproxy, conductor, stand-in) in the steady
   window of the load, per delivered order (deliveries counted from the run's
   history in the same window).
2. ours: drill/load/locustfile.py, closed model (--users buyers back to back)
   against a stand-in + gateway pair started by this bench (no proxy).
3. bare: bench/bare_locustfile.py, a plain FastHttpUser sending the same
   requests, against the same pair, same users.

It prints per-component µs of CPU per order and % of a core, the harness-side
total (goal ≤ 1.0 ms: everything but the stand-in, the sampler and the rest of
the box), and ours/bare requests per Locust CPU-second (goal ≥ 0.7; wall
requests/s beside it). The sampler (this process) is in the table. Each figure
is the median of the repeats with its min–max; a repeat is flagged `DISTURBED`
when the rest of the box used more than --disturbed % of a core meanwhile.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cost_parts import (
    HARNESS_SIDE,
    Pair,
    Part,
    run_drill,
    run_locust,
)
from bench.cpu_sampler import conditions

ORDER = ("locust", "gateway", "toxiproxy", "suppliers", "sink", "conductor", "stand-in",
         "sampler", "others")


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    med = statistics.median(values)
    return f"{med:8.0f} ({min(values):.0f}–{max(values):.0f})"


def print_drill(parts: list[Part], threshold: float) -> None:
    print("\n1. drill against the stand-in: CPU per delivered order in the steady window")
    for i, p in enumerate(parts, 1):
        flag = "DISTURBED " if p.others_pct() > threshold else ""
        print(f"   repeat {i}: {flag}{p.orders} orders in {p.span:.1f} s "
              f"({p.orders / p.span:.0f}/s), others {p.others_pct():.0f} % of a core  {p.where}")
    labels = [lb for lb in ORDER if any(lb in p.cpu for p in parts)]
    labels += sorted({lb for p in parts for lb in p.cpu} - set(labels))
    print(f"   {'component':<22}{'µs/order median (min–max)':>30}{'% core':>10}")
    for lb in labels:
        per = [p.cpu.get(lb, 0.0) / p.orders * 1e6 for p in parts if p.orders]
        pct = [p.cpu.get(lb, 0.0) / p.span * 100 for p in parts]
        print(f"   {lb:<22}{_spread(per):>30}{statistics.median(pct):>10.1f}")
    side = [sum(v for k, v in p.cpu.items() if k in HARNESS_SIDE) / p.orders * 1e6
            for p in parts if p.orders]
    print(f"   {'harness side':<22}{_spread(side):>30}   (goal ≤ 1000 µs; "
          f"{' + '.join(sorted(HARNESS_SIDE))})")


def print_ratio(ours: list[Part], bare: list[Part], threshold: float) -> None:
    print("\n2./3. our buyer flow vs a bare FastHttpUser, same requests, same stand-in + gateway")
    print(f"   {'':<8}{'req/s wall':>12}{'req per Locust CPU-s':>22}{'Locust µs/req':>15}"
          f"{'Locust µs/order':>17}")
    for name, parts in (("ours", ours), ("bare", bare)):
        for i, p in enumerate(parts, 1):
            flag = " DISTURBED" if p.others_pct() > threshold else ""
            cpu = p.cpu.get("locust", 0.0) or p.cpu.get("bare-locust", 0.0)
            print(f"   {name} {i:<3}{p.requests / p.span:>12.0f}"
                  f"{p.requests / max(cpu, 1e-9):>22.0f}{cpu / max(p.requests, 1) * 1e6:>15.1f}"
                  f"{cpu / max(p.orders, 1) * 1e6:>17.0f}{flag}")
    r_cpu = [o.per_cpu() / b.per_cpu() for o, b in zip(ours, bare, strict=True) if b.per_cpu()]
    r_wall = [o.requests / o.span / (b.requests / b.span)
              for o, b in zip(ours, bare, strict=True) if b.requests]
    if r_cpu:
        print(f"   ratio ours/bare, requests per Locust CPU-second: median "
              f"{statistics.median(r_cpu):.2f} ({min(r_cpu):.2f}–{max(r_cpu):.2f}); "
              f"wall requests/s: {statistics.median(r_wall):.2f}   (goal ≥ 0.7)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=3, help="repeats (default 3)")
    ap.add_argument("--rate", type=float, default=300.0, help="drill arrivals/s (default 300)")
    ap.add_argument("--seconds", type=float, default=8.0, help="load seconds a part (default 8)")
    ap.add_argument("--users", type=int, default=128, help="closed-model buyers (default 128)")
    ap.add_argument("--disturbed", type=float, default=25.0,
                    help="flag a repeat when the rest of the box used more %% of a core")
    ap.add_argument("--skip-drill", action="store_true", help="only the ours/bare comparison")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="harness-cost-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"conditions at start: {conditions()}; output in {out}", flush=True)
    drills: list[Part] = []
    ours: list[Part] = []
    bare: list[Part] = []
    t_start = time.time()
    with Pair(out) as pair:
        for i in range(max(1, min(args.n, 10))):
            if not args.skip_drill:
                drills.append(run_drill(out, args.rate, args.seconds, i))
            ours.append(run_locust(pair, "ours", args.users, args.seconds, out, i))
            bare.append(run_locust(pair, "bare", args.users, args.seconds, out, i))
            print(f"repeat {i + 1} done ({time.time() - t_start:.0f} s)", flush=True)
    if drills:
        print_drill(drills, args.disturbed)
    print_ratio(ours, bare, args.disturbed)
    print(f"\nconditions at end: {conditions()}; took {time.time() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

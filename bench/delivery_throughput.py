"""Sustained orders/s through order → notify → local delivery, service alone, and its CPU an order.

    .venv/bin/python bench/delivery_throughput.py [--seconds 10] [--conns 32] [--no-poll]
        [--db postgresql+psycopg://postgres@127.0.0.1:5432/test] [--api-processes 1,2]

    PostgreSQL, 1 vs 2 API processes (+1 worker), PG=postgresql+psycopg://postgres@127.0.0.1:5432/test:
    .venv/bin/python bench/delivery_throughput.py --db $PG --api-processes 1,2 --workers 1

Starts `python -m delivery` (role all) on a fresh database, imports keys, then
`--conns` keep-alive lanes each loop like a drill's buyer: every 4th reads the
catalogue, POST /api/orders → GET /notify/epay (the bench signs like the
gateway) → polls GET /api/orders/{no} until delivered (the reply carries the
cards); --no-poll leaves out the catalogue and the polls (the older shape).
Delivery happens in the service's worker; the figures come from the service's
own export: orders/s = delivered orders / (last delivered_at − first
created_at); latency = delivered_at − paid_at. `service_cpu_us_per_order` is
the service process's utime+stime from the first order to the last delivery
over the delivered orders (CPU time: little disturbed by other work on the box;
`load1` says how busy the box was); `service_cpu_us_per_order_by_process` splits it
(api, api-2 ..., worker-1); on PostgreSQL `postgres_cpu_us_per_order` is the server's
own CPU for the run (its backends, found by the pool's application_name).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psutil  # noqa: E402

from delivery.epay import sign  # noqa: E402
from runtime import ManagedProcess  # noqa: E402
from tests.delivery._rawhttp import RawConn  # noqa: E402

ADMIN = {"Authorization": "Bearer drill-admin"}
TICK = os.sysconf("SC_CLK_TCK")
IDLE_S = 2.0
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


async def lane(url: str, stop_at: float, counts: dict[str, int], poll: bool) -> None:
    c = RawConn(url)
    body = {"product_id": "bench", "quantity": 1, "contact": "bench@x.cn"}
    n = 0
    try:
        while time.time() < stop_at:
            n += 1
            if poll and n % 4 == 0:
                await c.request("GET", "/api/products")
            st, raw = await c.request("POST", "/api/orders", json_body=body)
            if st != 201:
                counts["order_fail"] += 1
                continue
            o = json.loads(raw)
            p = {"pid": "1001", "trade_no": "T" + o["order_no"], "out_trade_no": o["order_no"],
                 "type": "alipay", "name": "Bench", "money": o["amount"],
                 "trade_status": "TRADE_SUCCESS"}
            p["sign"], p["sign_type"] = sign(p, "merchantkey"), "MD5"
            st, raw = await c.request("GET", "/notify/epay", params=p)
            counts["paid" if raw == b"success" else "pay_fail"] += 1
            if poll:
                await _await_delivered(c, o, counts)
    finally:
        c.close()


async def _await_delivered(c: RawConn, o: dict[str, str], counts: dict[str, int]) -> None:
    """Poll the order's status like a buyer (10 ms apart, at most 2 s)."""
    for _ in range(200):
        st, raw = await c.request("GET", f"/api/orders/{o['order_no']}",
                                  params={"token": o["token"]})
        counts["polls"] += 1
        if st == 200 and json.loads(raw).get("delivered"):
            return
        await asyncio.sleep(0.01)


def _profile(pids: list[int], seconds: float) -> list[subprocess.Popen[bytes]]:
    """BENCH_PROFILE=out.txt: py-spy records each service process during the load (raw
    stacks, one line a stack; out.txt, then out.txt.1, ... for the next processes;
    `pip install py-spy` into the venv first). BENCH_PROFILE_GIL=1: only the thread holding
    the GIL (Python's own CPU; leaves out waits on the database socket)."""
    out = os.environ.get("BENCH_PROFILE")
    if not out:
        return []
    spy = Path(sys.executable).with_name("py-spy")
    return [subprocess.Popen([str(spy), "record", "-p", str(pid), "-d",
                              str(max(1, int(seconds))), "-r", "100", "-f", "raw", "-o",
                              out + (f".{i}" if i else ""),
                              *(["--gil"] if os.environ.get("BENCH_PROFILE_GIL") else [])],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for i, pid in enumerate(pids)]


def _ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat", "rb") as fh:
        f = fh.read().rsplit(b")", 1)[1].split()
    return int(f[11]) + int(f[12])


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def _tree_ticks(pids: list[int]) -> int:
    """utime+stime of `pids` and their children (api siblings are forked children)."""
    return sum(_each_ticks(pids).values())


def _each_ticks(pids: list[int]) -> dict[int, int]:
    """utime+stime of each of `pids` and of each of their children."""
    out: dict[int, int] = {}
    for pid in pids:
        try:
            procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
        except psutil.Error:
            continue
        for p in procs:
            with contextlib.suppress(OSError, psutil.Error):
                out[p.pid] = _ticks(p.pid)
    return out


def _split(names: dict[int, str], before: dict[int, int], after: dict[int, int], orders: int
           ) -> dict[str, int]:
    """µs of CPU an order per service process (api, api-2..., worker-1...)."""
    return {names.get(pid, str(pid)): round((after[pid] - before.get(pid, 0)) / TICK
                                            / max(1, orders) * 1e6) for pid in sorted(after)}


def _processes(a: argparse.Namespace, cfg: Path, api: int) -> list[ManagedProcess]:
    """The service: one `all` process, or `--role api --processes api` + `--workers` workers."""
    base = [sys.executable, "-m", "delivery", "--config", str(cfg), "--port", "0",
            "--log-level", "warning"]
    if api <= 1 and not a.workers:
        return [ManagedProcess("delivery", base, cwd=ROOT)]
    procs = [ManagedProcess("api", [*base, "--role", "api", "--processes", str(api)], cwd=ROOT)]
    procs += [ManagedProcess(f"worker-{i}", [*base, "--role", "worker", "--worker-id",
                                             f"worker-{i}"], cwd=ROOT)
              for i in range(1, max(1, a.workers) + 1)]
    return procs


def run_shape(a: argparse.Namespace, api: int) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="faka-bench-"))
    db = a.db or f"sqlite:///{tmp}/bench.sqlite3"
    schema = ""
    if a.db and a.db.startswith("postgresql"):
        import psycopg
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            c.execute(f"CREATE SCHEMA {schema}")
        # application_name: the server's backends serving this run are found by it
        db = f"{a.db}?options=-csearch_path%3D{schema}&application_name={schema}"
    cfg = {"db_url": db, "products": [{"id": "bench", "name": "Bench", "price": "1.00"}],
           "worker": {"lease_s": 30, "concurrency": 64, "poll_s": 0.01},
           "monitor": {"every_s": 5, "low_stock_below": 0}}
    (tmp / "cfg.json").write_text(json.dumps(cfg))
    procs = _processes(a, tmp / "cfg.json", api)
    with contextlib.ExitStack() as stack:
        for proc in procs:
            stack.enter_context(proc)
        svc = procs[0]
        pids = [p.pid for p in procs if p.pid is not None]
        http = stack.enter_context(httpx.Client(base_url=svc.url, headers=ADMIN, timeout=120))
        for i in range(0, a.keys, 5000):
            codes = [f"B-{j:08d}-{uuid.uuid4().hex[:6]}" for j in range(i, min(a.keys, i + 5000))]
            http.post("/admin/stock/import", json={"product_id": "bench", "codes": codes}
                      ).raise_for_status()
        counts = {"paid": 0, "pay_fail": 0, "order_fail": 0, "polls": 0}
        idle0 = _tree_ticks(pids)
        time.sleep(IDLE_S)   # what the service burns with no orders (worker polls, monitor)
        t0, cpu0, each0 = time.time(), _tree_ticks(pids), _each_ticks(pids)
        pg0 = _backend_ticks(schema)
        idle = (cpu0 - idle0) / IDLE_S
        spies = _profile(sorted(_each_ticks(pids)), a.seconds)

        async def run() -> None:
            await asyncio.gather(*(lane(svc.url, t0 + a.seconds, counts, not a.no_poll)
                                   for _ in range(a.conns)))
        asyncio.run(run())
        deadline = time.time() + 60
        while time.time() < deadline:
            cpu1, t1 = _tree_ticks(pids), time.time()   # before the export: no order's cost
            each1, pg1 = _each_ticks(pids), _backend_ticks(schema)
            ex = http.get("/admin/export").json()
            if sum(1 for o in ex["orders"] if o["status"] == "delivered") >= counts["paid"]:
                break
            time.sleep(0.2)
        for spy in spies:
            spy.wait(30)
    if schema:
        import psycopg
        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")
    out = _figures(a, db, api, counts, ex, cpu1 - cpu0, idle, t1 - t0)
    siblings = sorted(set(each1) - {p.pid for p in procs})
    names = {p.pid: p.name for p in procs if p.pid is not None}
    names.update({pid: f"api-{i}" for i, pid in enumerate(siblings, 2)})
    delivered = int(str(out["delivered"]))
    out["service_cpu_us_per_order_by_process"] = _split(names, each0, each1, delivered)
    if schema:  # the database server's own CPU for these orders (its backends for our pool)
        out["postgres_cpu_us_per_order"] = round(sum(
            n - pg0.get(pid, 0) for pid, n in pg1.items()) / TICK / max(1, delivered) * 1e6)
    return out


def _backend_ticks(schema: str) -> dict[int, int]:
    """utime+stime of each PostgreSQL backend serving this run (same box: /proc)."""
    if not schema:
        return {}
    import psycopg
    with psycopg.connect(PG_ADMIN, autocommit=True) as c:
        pids = [r[0] for r in c.execute("SELECT pid FROM pg_stat_activity WHERE "
                                        "application_name = %s", (schema,)).fetchall()]
    out = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            out[pid] = _ticks(pid)
    return out


def _figures(a: argparse.Namespace, db: str, api: int, counts: dict[str, int],
             ex: dict[str, Any], cpu_ticks: int, idle_rate: float, busy_s: float
             ) -> dict[str, object]:
    idle_ticks = idle_rate * busy_s
    done = [o for o in ex["orders"] if o["status"] == "delivered"]
    lat = [(o["delivered_at"] - o["paid_at"]) * 1000 for o in done]
    span = max(o["delivered_at"] for o in done) - min(o["created_at"] for o in done)
    codes = [c for d in ex["deliveries"] for c in d["codes"]]
    return {
        "db": "postgresql" if db.startswith("postgresql") else "sqlite",
        "api_processes": api, "workers": a.workers,
        "conns": a.conns, "seconds": a.seconds, "orders_paid": counts["paid"],
        "delivered": len(done), "errors": counts["pay_fail"] + counts["order_fail"],
        "orders_per_s": round(len(done) / span, 1),
        "paid_to_delivered_ms": {"p50": round(statistics.median(lat), 2),
                                 "p99": round(pct(lat, 0.99), 2), "max": round(max(lat), 2)},
        "duplicate_codes": len(codes) - len(set(codes)),
        "polls_per_order": round(counts["polls"] / max(1, counts["paid"]), 2),
        "service_cpu_us_per_order": round(cpu_ticks / TICK / max(1, len(done)) * 1e6),
        # the same less the idle burn (worker polls, monitor) over the load: at low rates (a
        # busy box) the fixed cost would otherwise be spread over few orders
        "service_cpu_us_per_order_less_idle": round(max(0.0, cpu_ticks - idle_ticks) / TICK
                                                    / max(1, len(done)) * 1e6),
        "service_idle_cpu_pct": round(idle_rate / TICK * 100, 1),
        "load1": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--conns", type=int, default=32)
    ap.add_argument("--keys", type=int, default=40_000)
    ap.add_argument("--no-poll", action="store_true", help="no catalogue reads, no status polls")
    ap.add_argument("--db", default=None, help="database URL (default: fresh SQLite file)")
    ap.add_argument("--api-processes", default="1", metavar="1,2",
                    help="API processes (--role api --processes N); a list compares shapes")
    ap.add_argument("--workers", type=int, default=0,
                    help="separate --role worker processes (default 0: one `all` process "
                         "when --api-processes is 1; 1 otherwise)")
    a = ap.parse_args()
    results = [run_shape(a, int(n)) for n in a.api_processes.split(",")]
    for r in results:
        print(json.dumps(r, indent=1), flush=True)
    if len(results) > 1:
        cells = [f"{r['api_processes']}: {r['orders_per_s']}, {r['service_cpu_us_per_order']}, "
                 f"{r['paid_to_delivered_ms']['p99']}" for r in results]  # type: ignore[index]
        print("api processes -> orders/s, service µs CPU/order, p99 paid->delivered ms: "
              + "; ".join(cells))


if __name__ == "__main__":
    main()

"""The three measured parts of bench/harness_cost.py: a drill, our Locust flow, a bare Locust.

Each part returns a `Part`: CPU seconds per component in its steady window
(from bench/cpu_sampler.py), the window's length, and the orders and HTTP
requests done inside it. Windows skip the first WARM_S of the load (process
start-up and imports are not per-order costs) and end before the load stops.
"""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from bench.cpu_sampler import TreeSampler
from drill.load.plan import LoadPlan
from drill.scenario.load import DEFAULT_QUANTITY_MIX
from drill.stack.credentials import ADMIN_TOKEN, GATEWAY_KEY, GATEWAY_PID, admin_headers
from runtime import ManagedProcess

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
WARM_S, TAIL_S = 2.0, 0.5
PRODUCT = "steam-50"
HARNESS_SIDE = frozenset({"locust", "gateway", "toxiproxy", "suppliers", "sink", "conductor"})

SCENARIO = """title = "harness cost: the drill against a stand-in shop"
description = "bench/harness_cost.py: open model at {rate:g}/s, default buyer mix."
tags = ["bench"]
time_scale = 60.0
seed = 11

[[catalogue]]
id = "{product}"
name = "Steam Wallet 50"
price = "50.00"
stock = {stock}

[load]
shape = "arrival_rate"
rate = {rate:g}
users = {users}
duration = "{seconds:g}s"
max_orders = {max_orders}
poll_timeout = "10s"
poll_interval = "100ms"

[expect]
quiet = true
settle = "3s"
"""


@dataclass
class Part:
    cpu: dict[str, float] = field(default_factory=dict)
    span: float = 1e-9
    orders: int = 0
    requests: int = 0
    where: str = ""

    def others_pct(self) -> float:
        return self.cpu.get("others", 0.0) / self.span * 100

    def per_cpu(self) -> float:
        """HTTP requests per CPU-second of the Locust process."""
        cpu = self.cpu.get("locust", 0.0) or self.cpu.get("bare-locust", 0.0)
        return self.requests / cpu if cpu else 0.0


def run_drill(out: Path, rate: float, seconds: float, i: int) -> Part:
    """`harness.py run` against the stand-in; the steady window's CPU and deliveries."""
    total = math.ceil(rate * seconds)
    path = out / f"harness-cost-{i}.toml"
    path.write_text(SCENARIO.format(rate=rate, product=PRODUCT, stock=int(total * 1.6) + 100,
                                    users=max(300, int(rate * 2)), seconds=seconds,
                                    max_orders=total + 10), encoding="utf-8")
    env = {**os.environ, "FAKA_DRILL_SERVICE_MODULE": "bench.standin_shop"}
    log = open(out / f"drill-{i}.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([PY, str(ROOT / "harness.py"), "run", str(path), "--out",
                             str(out / "runs"), "--plain"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    sampler = TreeSampler()
    sampler.watch(proc.pid, "conductor")
    sampler.start()
    try:
        proc.wait(seconds + 150)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    sampler.stop()
    log.close()
    lines = (out / f"drill-{i}.log").read_text(encoding="utf-8", errors="replace").splitlines()
    run_dir = next((Path(ln.strip()) for ln in reversed(lines)
                    if (Path(ln.strip()) / "history.jsonl").exists()), None)
    if run_dir is None:
        raise SystemExit(f"drill {i} left no run folder; see {out}/drill-{i}.log")
    first, delivered = _deliveries(run_dir)
    if first is None:
        raise SystemExit(f"drill {i} created no order; see {run_dir}")
    a, b = first + 1.0, first + seconds - TAIL_S   # arrivals run for `seconds` from the first
    return Part(cpu=sampler.window(a, b), span=b - a,
                orders=sum(a <= t <= b for t in delivered), where=str(run_dir))


def _deliveries(run_dir: Path) -> tuple[float | None, list[float]]:
    """(time of the first create_order invoke, times of every await_delivery ok)."""
    first: float | None = None
    times: list[float] = []
    with open(run_dir / "history.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if '"create_order"' in line and '"invoke"' in line:
                op = json.loads(line)
                if op["type"] == "invoke" and op["f"] == "create_order":
                    first = op["time"] if first is None else min(first, op["time"])
            elif '"await_delivery"' in line and '"ok"' in line:
                op = json.loads(line)
                if op["type"] == "ok":
                    times.append(float(op["time"]))
    return first, times


class Pair:
    """A gateway fake and a stand-in shop wired straight to each other (no proxy)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.gateway = ManagedProcess("gateway", [
            PY, "-m", "fakes.payment", "--port", "0", "--time-scale", "60", "--seed", "1",
            "--pid", GATEWAY_PID, "--key", GATEWAY_KEY], cwd=ROOT, log_path=out / "gateway.log")
        self.shop: ManagedProcess | None = None

    def __enter__(self) -> Pair:
        self.gateway.start()
        cfg = {"gateway": {"pid": GATEWAY_PID, "key": GATEWAY_KEY}, "public_base_url": "",
               "admin_token": ADMIN_TOKEN,
               "gateway_public_url": self.gateway.url, "time_scale": 60,
               "products": [{"id": PRODUCT, "name": "Steam Wallet 50", "price": "50.00"}]}
        (self.out / "standin.json").write_text(json.dumps(cfg), encoding="utf-8")
        self.shop = ManagedProcess("stand-in", [
            PY, "-m", "bench.standin_shop", "--config", str(self.out / "standin.json"),
            "--port", "0"], cwd=ROOT, log_path=self.out / "standin.log")
        self.shop.start()
        with httpx.Client(base_url=self.shop.url, timeout=30, headers=admin_headers()) as c:
            for n in range(0, 400_000, 20_000):
                c.post("/admin/stock/import", json={
                    "product_id": PRODUCT, "codes": [f"K{k}" for k in range(n, n + 20_000)]})
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self.shop is not None:
            self.shop.stop()
        self.gateway.stop()


def _plan(pair: Pair, users: int, seconds: float) -> LoadPlan:
    assert pair.shop is not None
    return LoadPlan(service_url=pair.shop.url, gateway_url=pair.gateway.url,
                    products=(PRODUCT,), shape="constant", duration_s=seconds, users=users,
                    spawn_rate=float(users), poll_interval_s=0.1, poll_timeout_s=10.0,
                    quantity_mix=DEFAULT_QUANTITY_MIX, browse=0.25, snoopers=0.02, seed=11)


def run_locust(pair: Pair, kind: str, users: int, seconds: float, out: Path, i: int) -> Part:
    """Our locustfile ("ours") or the bare one ("bare"), closed model, against `pair`."""
    assert pair.shop is not None
    work = out / f"{kind}-{i}"
    work.mkdir(parents=True, exist_ok=True)
    (work / "plan.json").write_text(_plan(pair, users, seconds).to_json(), encoding="utf-8")
    lf = ROOT / ("drill/load/locustfile.py" if kind == "ours" else "bench/bare_locustfile.py")
    env = {**os.environ, "FAKA_DRILL_LOAD_PLAN": str(work / "plan.json"),
           "FAKA_DRILL_LOAD_DIR": str(work), "GEVENT_RESOLVER": "block", "PYTHONPATH": str(ROOT)}
    argv = [PY, "-m", "locust", "-f", str(lf), "--headless", "-H", pair.shop.url, "-u",
            str(users), "-r", str(users), "-t", f"{math.ceil(seconds)}s", "--only-summary",
            "--loglevel", "WARNING", "--csv", str(work / "stats"), "--csv-full-history",
            "--exit-code-on-error", "0", "--stop-timeout", "2"]
    sampler = TreeSampler()
    sampler.watch(pair.gateway.pid or 0, "gateway")
    sampler.watch(pair.shop.pid or 0, "stand-in")
    with open(work / "locust.log", "wb") as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        sampler.watch(proc.pid, "locust" if kind == "ours" else "bare-locust")
        sampler.start()
        try:
            proc.wait(seconds + 60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        sampler.stop()
    snaps = _snapshots(work / "stats_stats_history.csv")
    busy = [t for t, counts in snaps if sum(counts.values()) > 0]
    if not busy:
        raise SystemExit(f"{kind} {i}: Locust made no requests; see {work / 'locust.log'}")
    a = min(t for t, _ in snaps if t >= busy[0] + 1.0)
    b = max(t for t, _ in snaps if t <= busy[0] + seconds - 1.0)
    first, last = dict(next(c for t, c in snaps if t == a)), dict(next(c for t, c in snaps
                                                                         if t == b))
    requests = sum(last[k] - first.get(k, 0) for k in last)
    orders = sum(last[k] - first.get(k, 0) for k in last if k.endswith("gateway_pay"))
    return Part(cpu=sampler.window(a, b), span=b - a, orders=orders, requests=requests,
                where=str(work))


def _snapshots(path: Path) -> list[tuple[float, dict[str, int]]]:
    """Locust's per-second full history: (timestamp, cumulative requests per request name),
    without the Aggregated row and our flow's FLOW pseudo-requests."""
    snaps: dict[float, dict[str, int]] = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Name"] == "Aggregated" or row["Type"] in ("FLOW", ""):
                continue
            counts = snaps.setdefault(float(row["Timestamp"]), {})
            counts[f"{row['Type']} {row['Name']}"] = int(float(row["Total Request Count"]))
    return sorted(snaps.items())

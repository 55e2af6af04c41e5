"""End-to-end flash-sale figure: delivered orders/s, everything on this box, and where CPU went.

    .venv/bin/python bench/flash_sale.py [-n 3] [--scenario flash-sale] [--peak 800]
        [--processes 1] [--poll-interval 100ms] [--out /tmp/flash-bench]

Runs `harness.py run <scenario>` N times (each a full drill: stack, Locust,
fakes, embedded Toxiproxy, oracle) and prints per run the oracle's
orders_per_s (best 5-s window of deliveries), paid→delivered p99, dropped
arrivals and the verdict, then a CPU-by-process table: CPU seconds each
component used while the load ran, its share of one core during the spike, and
µs of CPU per delivered order. CPU comes from /proc/<pid>/stat (utime+stime)
of the harness's process tree, sampled every 0.25 s; `other` is what the rest
of the machine (other users) burnt in the same window, from /proc/stat.

`--peak R` writes a copy of the scenario with the spike at R orders/s (base
R/10, stock and max_orders scaled) to find the ceiling past the nightly 500/s.
Every run is bounded (hard kill of its process group after --timeout seconds).

Figures (2026-11-24, this 2-vCPU box, shared: the `other` column was 17–42 % of a
core from colleagues' drills; load1 1.4–1.7): nightly flash-sale (50 → 500 orders/s
for 10 s), 3 of 3 passed, orders_per_s 504 / 543 / 504, p99 paid→delivered
0.019 / 0.60 / 0.013 s, dropped 0. CPU during the spike (% of one core): service 64,
Locust 43, gateway 25, Toxiproxy 4, suppliers+sink 0 — the drill ≈ 136 % of the
box's 200 %, ≈ 2.7 ms of CPU an order (service 1.3, Locust 0.9, gateway 0.5,
proxy 0.08). `--peak 800`: 551 orders/s sustained with the box saturated (drill
145 % + others 44 %); with the box to itself the same per-order costs give
≈ 700 orders/s, where the single service process nears one full core. Under
heavy contention (others ≥ 50 % of a core) the 500/s drill backs up (p99 > 1 s,
dropped arrivals): it needs ~140 % of the box to itself.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")
SAMPLE_S = 0.25
LABELS = (("fakes.payment", "gateway"), ("fakes.supplier", "suppliers"), ("fakes.sink", "sink"),
          ("fakes.toxiproxy", "toxiproxy"), ("toxiproxy_shim", "toxiproxy"), ("locust", "locust"),
          ("-m delivery", "service"), ("harness.py", "conductor"))


def _label(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        cmd = raw.replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"
    for needle, name in LABELS:
        if needle in cmd:
            return name
    return "other-child"


def _children() -> dict[int, int]:
    """pid -> ppid for every process on the box."""
    out: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            out[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return out


def _ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15)


def _box_busy() -> int:
    cpu = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    vals = [int(v) for v in cpu]
    return sum(vals) - vals[3] - vals[4]  # all but idle and iowait


def _tree(root: int) -> list[int]:
    parents = _children()
    tree, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        tree.append(pid)
        frontier.extend(p for p, pp in parents.items() if pp == pid)
    return tree


def _scenario_copy(name: str, peak: float | None, processes: int | None,
                   poll_interval: str | None, tmp: Path) -> Path:
    path = ROOT / "scenarios" / f"{name}.toml" if not name.endswith(".toml") else Path(name)
    if peak is None and processes is None and poll_interval is None:
        return path
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    load = data["load"]
    if peak is not None:
        mult = float(load.get("spike", {}).get("multiplier", 10))
        rate = peak / mult
        spike_s = _secs(load["spike"]["for"])
        total = math.ceil(rate * (_secs(load["duration"]) - spike_s) + peak * spike_s)
        text = re.sub(r"(?m)^rate = [0-9.]+", f"rate = {rate:g}", text)
        text = re.sub(r"(?m)^max_orders = \d+", f"max_orders = {total + 10}", text)
        text = re.sub(r"(?m)^stock = \d+", f"stock = {int(total * 1.3)}", text)
        text = re.sub(r"(?m)^users = \d+", f"users = {max(600, int(peak * 1.2))}", text)
    if processes is not None:
        text = re.sub(r"(?m)^(\[load\].*)$", rf"\1\nprocesses = {processes}", text)
    if poll_interval is not None:
        text = re.sub(r'(?m)^poll_interval = "[^"]*"', f'poll_interval = "{poll_interval}"', text)
    out = tmp / path.name
    out.write_text(text, encoding="utf-8")
    return out


def _secs(v: object) -> float:
    s = str(v)
    if s.endswith("ms"):
        return float(s[:-2]) / 1000
    if s.endswith("s"):
        return float(s[:-1])
    return float(s)


def run_once(scenario: Path, out_dir: Path, timeout_s: float, spike: tuple[float, float]) -> dict:
    load1 = os.getloadavg()
    argv = [sys.executable, str(ROOT / "harness.py"), "run", str(scenario), "--out", str(out_dir),
            "--plain"]
    log_path = out_dir / f"harness-{time.time():.0f}.log"
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    last: dict[int, tuple[str, int]] = {}     # pid -> (label, ticks) last seen
    samples: list[tuple[float, dict[str, int], int]] = []  # (t, label->ticks, box busy)
    load_start: float | None = None
    deadline = time.time() + timeout_s
    while proc.poll() is None and time.time() < deadline:
        for pid in _tree(proc.pid):
            t = _ticks(pid)
            if t is None:
                continue
            label = last[pid][0] if pid in last else _label(pid)
            last[pid] = (label, t)
            if label == "locust" and load_start is None:
                load_start = time.time()
        per: dict[str, int] = {}
        for label, t in last.values():
            per[label] = per.get(label, 0) + t
        samples.append((time.time(), per, _box_busy()))
        time.sleep(SAMPLE_S)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
    log.close()
    lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    run_dir = next((ROOT / ln.strip() for ln in reversed(lines)
                    if (ROOT / ln.strip() / "summary.json").exists()), None)
    if run_dir is None:
        run_dir = next((Path(ln.strip()) for ln in reversed(lines)
                        if (Path(ln.strip()) / "summary.json").exists()), None)
    summary = json.loads((run_dir / "summary.json").read_text()) if run_dir else {}
    metrics = summary.get("metrics", {})
    verdicts = summary.get("verdicts") or summary.get("checks") or []
    cpu = _windows(samples, load_start, spike)
    return {"run_dir": str(run_dir), "exit": proc.returncode, "load1": load1[0],
            "metrics": metrics, "cpu": cpu, "verdicts": verdicts, "tail": lines[-3:]}


def _at(samples: list, t: float) -> tuple[dict[str, int], int]:
    best = min(samples, key=lambda s: abs(s[0] - t))
    return best[1], best[2]


def _windows(samples: list, load_start: float | None, spike: tuple[float, float]) -> dict:
    """CPU seconds per label during the load phase and % of a core during the spike."""
    if not samples or load_start is None:
        return {}
    load_end = samples[-1][0]
    out: dict[str, dict[str, float]] = {}
    spike_a = load_start + spike[0]
    for name, (a, b) in {"load": (load_start, load_end),
                         "spike": (spike_a, spike_a + spike[1])}.items():
        (pa, ba), (pb, bb) = _at(samples, a), _at(samples, b)
        span = max(1e-3, b - a)
        labels = set(pa) | set(pb)
        row = {lb: (pb.get(lb, 0) - pa.get(lb, 0)) / TICK for lb in labels}
        row["other"] = max(0.0, (bb - ba) / TICK - sum(row.values()))
        out[name] = {"span_s": span, **{lb: round(v, 2) for lb, v in row.items()}}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=3)
    ap.add_argument("--scenario", default="flash-sale")
    ap.add_argument("--peak", type=float, default=None, help="spike orders/s (default: scenario's)")
    ap.add_argument("--processes", type=int, default=None, help="Locust processes")
    ap.add_argument("--poll-interval", default=None, help='e.g. "100ms"')
    ap.add_argument("--timeout", type=float, default=180.0)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="flash-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    scenario = _scenario_copy(args.scenario, args.peak, args.processes, args.poll_interval, out)
    load = tomllib.loads(scenario.read_text(encoding="utf-8"))["load"]
    spike = (_secs(load["spike"]["at"]), _secs(load["spike"]["for"]))
    runs = []
    for i in range(max(1, min(args.n, 20))):
        r = run_once(scenario, out, args.timeout, spike)
        runs.append(r)
        m = r["metrics"]
        print(f"run {i + 1}: exit={r['exit']} orders_per_s={m.get('orders_per_s')} "
              f"p99={m.get('delivery_p99_s')}s delivered={m.get('orders_delivered')}/"
              f"{m.get('planned_arrivals')} dropped={m.get('dropped_arrivals')} "
              f"errors={m.get('error_rate')} load1={r['load1']:.2f} "
              f"spike CPU drill/other={_spike_pct(r, False):.0f}%/{_spike_pct(r, True):.0f}%  "
              f"{r['run_dir']}", flush=True)
    _cpu_table(runs)
    return 0 if all(r["exit"] == 0 for r in runs) else 1


def _spike_pct(r: dict, other: bool) -> float:
    """% of one core during the spike: the drill's processes, or the rest of the box."""
    spike = r["cpu"].get("spike")
    if not spike:
        return float("nan")
    secs = sum(v for k, v in spike.items() if k != "span_s" and (k == "other") == other)
    return secs / spike["span_s"] * 100


def _cpu_table(runs: list[dict]) -> None:
    order = ["locust", "service", "gateway", "toxiproxy", "suppliers", "sink", "conductor",
             "other-child", "other"]
    print("\nCPU by process (mean over runs)")
    print(f"{'process':<12}{'load CPU s':>11}{'spike %core':>12}{'µs/order':>10}")
    n = len(runs)
    tot_load = tot_spike = 0.0
    for lb in order:
        load = sum(r["cpu"].get("load", {}).get(lb, 0.0) for r in runs) / n
        spike = sum(r["cpu"].get("spike", {}).get(lb, 0.0) / r["cpu"]["spike"]["span_s"] * 100
                    for r in runs if r["cpu"].get("spike")) / n
        orders = sum(r["metrics"].get("orders_delivered") or 0 for r in runs) / n
        per = load / orders * 1e6 if orders and lb != "other" else float("nan")
        if lb != "other":
            tot_load += load
            tot_spike += spike
        print(f"{lb:<12}{load:>11.2f}{spike:>12.0f}{per:>10.0f}")
    orders = sum(r["metrics"].get("orders_delivered") or 0 for r in runs) / n
    print(f"{'drill total':<12}{tot_load:>11.2f}{tot_spike:>12.0f}"
          f"{(tot_load / orders * 1e6 if orders else float('nan')):>10.0f}")
    print("(spike %core: share of one core during the spike window; the box has 200 %;"
          " 'other' = the rest of the machine)")


if __name__ == "__main__":
    sys.exit(main())

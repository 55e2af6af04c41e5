"""`run --target reference --target-url URL`: the reference shop started by the test, as a
user starts their shop, configured once with the fixed world's addresses; drilled blind.

The shop's config comes from drill/stack/service_config.py with the addresses of
`--world-ports BASE` (what `world --print` shows); the harness then starts the world
only, sets the catalogue up through the adapter, and judges without the shop's export.
"""

from __future__ import annotations

import json
import random
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from drill.components import SUPPLIER_LINKS
from drill.scenario import load_scenario
from drill.stack.service_config import ServiceUrls, service_config
from drill.stack.world import HOST, LAYOUT, WorldSpec
from drill.stack.world_table import addresses
from runtime import ManagedProcess

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent / "scenarios"


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_base(tries: int = 50) -> int:
    """A base port whose whole layout, and one more port for the shop, is free now, below
    the kernel's ephemeral range: there no outgoing connection of another process (the box
    is shared) can take a port of the world between this test and the drill's start."""
    low = _ephemeral_range()[0]
    span = len(LAYOUT) + 1
    rng = random.Random()
    for _ in range(tries):
        base = rng.randrange(10000, max(10001, low - span))
        try:
            for k in range(span):
                with socket.socket() as s:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind((HOST, base + k))
            return base
        except OSError:
            continue
    raise RuntimeError("no free port range for the world")


def shop_config(spec: WorldSpec, db: Path, scenario: str) -> dict[str, object]:
    """The reference shop's config pointing at the fixed world, as a user would write it
    from `world --print`, with the drill's [service] settings (its reconcile, expiry)."""
    a = addresses(spec)
    urls = ServiceUrls(public_base_url=a.notify_base, gateway_query_url=a.gateway_api,
                       gateway_public_url=a.gateway_cashier,
                       suppliers={n: a.suppliers[n].url for n in SUPPLIER_LINKS},
                       im_url=a.mail_url.removesuffix("/mail/send"), db_url=f"sqlite:///{db}")
    return service_config(load_scenario(str(HERE / f"{scenario}.toml")), urls)


@contextmanager
def user_shop(tmp_path: Path, scenario: str) -> Iterator[tuple[int, ManagedProcess]]:
    """A fixed world's base port, and the reference shop started on it as a user would."""
    base = free_base()
    cfg = tmp_path / "shop.json"
    cfg.write_text(json.dumps(shop_config(WorldSpec(base), tmp_path / "shop.sqlite3",
                                          scenario)), encoding="utf-8")
    shop_port = str(base + len(LAYOUT))     # outside the world's range: no race with it
    with ManagedProcess("shop", [sys.executable, "-m", "delivery", "--config", str(cfg),
                                 "--port", shop_port, "--time-scale", "60"], cwd=ROOT,
                        log_path=tmp_path / "shop.log") as shop:
        yield base, shop


def harness(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "harness.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, check=False)


def drill_blind(scenario: str, base: int, shop: ManagedProcess, out: Path) -> Path:
    r = harness("run", str(HERE / f"{scenario}.toml"), "--target", "reference",
                "--target-url", shop.url, "--world-ports", str(base), "--no-export",
                "--out", str(out), "--plain")
    assert r.stdout.strip(), f"{scenario}: exit {r.returncode}, no run folder\n{r.stderr[-3000:]}"
    run_dir = Path(r.stdout.strip().splitlines()[-1])
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    verdicts = {c["id"]: (c["ok"], c.get("message", "")) for c in summary.get("checks", [])}
    assert r.returncode == 0, f"{scenario}: exit {r.returncode}\n{r.stderr[-3000:]}\n{verdicts}"
    assert not (run_dir / "export.json").exists()        # blind: the export never read
    assert not list(run_dir.glob("*.sqlite3"))          # the shop's DB is the shop's
    meta = json.loads((run_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["target"]["name"] == "reference" and meta["target"]["export"] is False
    assert "service" not in meta["pids"]                 # the harness started no shop
    return run_dir


@pytest.mark.slow   # the fast suite runs the three drills in process: test_target_drills_fast.py
def test_smoke_blind_against_a_shop_the_user_started(tmp_path: Path) -> None:
    with user_shop(tmp_path, "target-smoke") as (base, shop):
        run_dir = drill_blind("target-smoke", base, shop, tmp_path / "reports")
    ops = [json.loads(line) for line in (run_dir / "history.jsonl").read_text().splitlines()]
    paid = [o for o in ops if o["f"] == "pay" and o["type"] == "ok"]
    assert len(paid) > 20                               # real buyers went through the adapter
    setup = json.loads((run_dir / "target-setup.json").read_text(encoding="utf-8"))
    assert setup["channels"][0].startswith("payment channel: gateway ")  # via /admin/channels


@pytest.mark.slow
def test_one_shop_configured_once_takes_three_drills(tmp_path: Path) -> None:
    """smoke, callback-flaky and a flash sale in a row against ONE shop, configured once
    with the fixed world (callback-flaky's [service]: reconcile finds lost notifies)."""
    with user_shop(tmp_path, "target-callback-flaky") as (base, shop):
        for scenario in ("target-smoke", "target-callback-flaky", "target-flash-sale"):
            run_dir = drill_blind(scenario, base, shop, tmp_path / "reports")
            stock = json.loads((run_dir / "stock.json").read_text(encoding="utf-8"))
            assert set(stock["before"]) <= {"steam-50"}

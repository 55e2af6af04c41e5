"""`--role api --processes 2`: two processes answer on one port, a worker delivers, all stop."""

from __future__ import annotations

import json
import socket
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psutil

from tests.delivery.conftest import ADMIN, base_config, notify_params, start_service
from tests.waiting import wait_until


def _ids(url: str) -> set[str]:
    """worker_ids seen over fresh connections (each may land in either process)."""
    seen: set[str] = set()
    for _ in range(40):
        with httpx.Client(base_url=url, timeout=5) as c:   # a new connection each time
            seen.add(c.get("/healthz").json()["worker_id"])
        if len(seen) > 1:
            break
    return seen


def test_two_api_processes_share_the_port_and_orders_are_delivered(
        db_url: str, tmp_path: Path) -> None:
    cfg: dict[str, Any] = base_config(db_url)
    api = start_service(tmp_path, cfg, "--role", "api", "--processes", "2", name="api")
    worker = start_service(tmp_path, cfg, "--role", "worker", "--worker-id", "w1", name="worker")
    try:
        assert api.proc.pid is not None
        siblings = psutil.Process(api.proc.pid).children()
        assert len(siblings) == 1, f"expected 1 forked api sibling, found {siblings}"
        assert len(_ids(api.url)) == 2, "both api processes should answer on the one port"
        api.import_keys(6)
        orders = [api.order() for _ in range(6)]
        for o in orders:
            r = api.http.get("/notify/epay", params=notify_params(o["order_no"], o["amount"]))
            assert r.text == "success"

        def delivered() -> bool:
            ex = api.http.get("/admin/export", headers=ADMIN).json()
            return bool(sum(x["status"] == "delivered" for x in ex["orders"]) == 6)

        wait_until(delivered, timeout=20, what="6 orders delivered through 2 api processes")
    finally:
        worker.close()
        api.close()
    wait_until(lambda: not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE
                               for p in siblings), timeout=10,
               what="the api sibling to stop with the first process")


def _burst_ids(url: str, n: int) -> list[str]:
    """Open n connections at once (all queued before any is served, like a load generator's
    keep-alive pool), then ask each which process serves it."""
    where = urlsplit(url)
    conns = [socket.create_connection((str(where.hostname), int(where.port or 80)), timeout=10)
             for _ in range(n)]
    ids = []
    try:
        for c in conns:
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n")
        for c in conns:
            raw = b""
            while chunk := c.recv(4096):
                raw += chunk
            ids.append(json.loads(raw.split(b"\r\n\r\n", 1)[1])["worker_id"])
    finally:
        for c in conns:
            c.close()
    return ids


def test_a_burst_of_connections_is_spread_over_both_processes(tmp_path: Path) -> None:
    """Each api process listens on its own SO_REUSEPORT socket: on one shared socket the
    process that woke first took most of a burst (one of two served 96 % of a bench)."""
    api = start_service(tmp_path, base_config(f"sqlite:///{tmp_path}/s.sqlite3"), "--role",
                        "api", "--processes", "2", name="api")
    try:
        counts = Counter(_burst_ids(api.url, 16))
        assert len(counts) == 2 and min(counts.values()) >= 2, counts  # binomial: ≥ 2 of 16
    finally:
        api.close()


def test_processes_needs_role_api(tmp_path: Path) -> None:
    import subprocess
    import sys

    cfg_path = tmp_path / "c.json"
    cfg_path.write_text('{"products": []}')
    r = subprocess.run([sys.executable, "-m", "delivery", "--config", str(cfg_path),
                        "--processes", "2"], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "--role api" in r.stderr

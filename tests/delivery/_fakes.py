"""Helpers shared by the delivery tests: IM robot URLs on the sink, knobs and ledgers of
the real fakes, a service whose stderr goes to a file.

The `sink`, `gateway` (real fakes at time_scale 600), `supplier` and `supplier2` (real
`fakes.supplier`, time_scale 1) fixtures live in conftest.py.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx

from runtime import ManagedProcess
from tests.delivery.conftest import ROOT, Service

SCALE = 600.0  # 10 scenario minutes = 1 wall second (the fixtures' fakes use it too)


def alert_urls(base: str) -> dict[str, str]:
    return {"dingtalk": f"{base}/robot/send?access_token=ding",
            "telegram": f"{base}/botTOKEN/sendMessage?chat_id=42",
            "wecom": f"{base}/cgi-bin/webhook/send?key=wk"}


DOWN = {"error_rate": 1.0, "error_codes": [503]}  # every upstream call answers 503
UP = {"error_rate": 0.0}


def hold_after_commit(seconds: float) -> dict[str, Any]:
    """Supplier knobs: commit the purchase, then hold the reply `seconds` (scenario s)."""
    if seconds <= 0:
        return {"commit_then_timeout": 0.0}
    return {"commit_then_timeout": 1.0, "commit_timeout_mode": "hold", "hold_s": seconds}


def behave(fake: ManagedProcess, **knobs: Any) -> None:
    httpx.put(fake.url + "/_fake/behaviour", json=knobs, timeout=10).raise_for_status()


def ledger(fake: ManagedProcess, kind: str) -> list[dict[str, Any]]:
    r = httpx.get(fake.url + "/_fake/ledger", params={"kind": kind, "limit": 10000}, timeout=10)
    r.raise_for_status()
    return list(r.json()["items"])


def purchases(supplier: ManagedProcess) -> list[dict[str, Any]]:
    return ledger(supplier, "purchases")


def messages(sink: ManagedProcess, rule: str | None = None, *,
             accepted_only: bool = True) -> list[dict[str, Any]]:
    out = []
    for m in ledger(sink, "messages"):
        if accepted_only and m["throttled"]:
            continue
        if rule is None or f"[faka-alert] rule={rule} " in m["text"]:
            out.append(m)
    return out


def start_logged(tmp_path: Path, cfg: dict[str, Any], *extra: str,
                 name: str = "delivery") -> tuple[Service, Path]:
    """The service with its stderr in a file (for log assertions); caller closes it."""
    tag = uuid.uuid4().hex[:6]
    path = tmp_path / f"{name}-{tag}.json"
    path.write_text(json.dumps(cfg))
    log = tmp_path / f"{name}-{tag}.log"
    proc = ManagedProcess(name, [sys.executable, "-m", "delivery", "--config", str(path),
                                 "--port", "0", *extra], cwd=ROOT, log_path=log)
    proc.start()
    return Service(proc, cfg), log

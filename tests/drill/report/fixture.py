"""Write a small but complete run folder (CONTRACTS §8) for report tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.drill.checks.literal import catalogue, notify, snoop
from tests.drill.checks.ops import bought, delivery, export, order, paid

T0 = 1_700_000_000.0


def _jsonl(path: Path, items: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")


def write_run(run: Path, *, partial: bool = False, lose_one: bool = False) -> Path:
    """Ten orders over ~5 s with a primary-supplier fault; `partial` keeps only meta+history."""
    run.mkdir(parents=True, exist_ok=True)
    nos = [f"O{i:03d}" for i in range(10)]
    history: list[dict[str, Any]] = []
    for i, no in enumerate(nos):
        history += bought(no, T0 + i * 0.5, [f"S{i}"], delivered=not (lose_one and i == 9))
    history.append({"process": "nemesis", "type": "info", "f": "down", "time": T0 + 1.0,
                    "value": {"target": "supplier_primary"}})
    history.append(snoop(1, "fail", "snoop_cards", T0 + 2.0, order_no="O000", how="no_token",
                         route="/api/orders/{order_no}/cards", status=404))
    history.append(catalogue(T0 + 9.0, final=True, steam_50=0))   # the read after the settle
    _jsonl(run / "history.jsonl", history)
    meta = {"run_id": run.name, "scenario": "smoke", "title": "Smoke drill", "seed": 7,
            "time_scale": 60.0, "db": "sqlite", "toxiproxy": {"kind": "embedded", "version": "2.9"},
            "defects": [], "started_at": T0 - 1, "ended_at": T0 + 10, "wall_s": 11.0,
            "interrupted": partial, "errors": []}
    (run / "meta.json").write_text(json.dumps(meta))
    if partial:
        return run
    _jsonl(run / "faults.jsonl", [
        {"at": T0 + 1.0, "fault_id": "f1", "kind": "down", "target": "supplier_primary",
         "action": "inject", "params": {}, "ok": True},
        {"at": T0 + 3.0, "fault_id": "f1", "kind": "down", "target": "supplier_primary",
         "action": "heal", "params": {}, "ok": True}])
    led = run / "ledgers"
    payments = [paid(no, T0 + i * 0.5 + 0.03) for i, no in enumerate(nos)]
    _jsonl(led / "gateway-payments.jsonl", payments)
    _jsonl(led / "gateway-notifies.jsonl",
           [notify(no, T0 + i * 0.5 + 0.04) for i, no in enumerate(nos)])
    _jsonl(led / "supplier-primary-purchases.jsonl", [
        {"downstream_order_no": "O000", "sku": "s", "quantity": 1, "at": T0 + 0.1, "outcome": "ok",
         "codes": ["S0"], "http_status": 200, "replayed": False}])
    _jsonl(led / "supplier-primary-codes.jsonl", [{"code": "S0", "sku": "s",
                                                   "downstream_order_no": "O000", "at": T0}])
    _jsonl(led / "supplier-backup-purchases.jsonl", [
        {"downstream_order_no": "O003", "sku": "s", "quantity": 1, "at": T0 + 1.6, "outcome": "ok",
         "codes": ["S3"], "http_status": 200, "replayed": False}])
    _jsonl(led / "supplier-backup-codes.jsonl", [{"code": "S3", "sku": "s",
                                                  "downstream_order_no": "O003", "at": T0 + 1.6}])
    alert = "[faka-alert] rule=supplier_health primary down"
    _jsonl(led / "sink-messages.jsonl", [{"channel": "dingtalk", "at": T0 + 2.0,
                                          "throttled": False, "text": alert}])
    _jsonl(led / "sink-mails.jsonl", [])
    delivered = [no for i, no in enumerate(nos) if not (lose_one and i == 9)]
    exp = export([order(no, "delivered" if no in delivered else "paid",
                        T0 + i * 0.5 + 0.4 if no in delivered else None)
                  for i, no in enumerate(nos)],
                 [delivery(no, [f"S{i}"], "backup" if i == 3 else "local", T0 + i * 0.5 + 0.4)
                  for i, no in enumerate(nos) if no in delivered])
    (run / "export.json").write_text(json.dumps(exp))
    (run / "stock.json").write_text(json.dumps({"local": {"steam-50": [f"S{i}" for i in range(10)]},
                                                "supplier": {"primary": {"s": 10}}}))
    (run / "load.json").write_text(json.dumps({"planned_arrivals": 10, "started": 10, "dropped": 0,
                                               "processes": 1, "shape": "constant",
                                               "started_at": T0, "locust_stats": {},
                                               "plan": {"quantity": 1}}))
    return run

"""Seeding: generate the local card codes from the seed and import them through the admin API."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path
from typing import Any

import httpx

from drill.components import SUPPLIERS
from drill.errors import StackError
from drill.scenario import Scenario
from drill.stack.credentials import admin_headers
from drill.stack.service_config import supplier_stock

_FORMATS = ("#####-#####-#####", "################", "####-####-####-####")
_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"
BATCH = 1000


def generate_codes(product_id: str, count: int, seed: int) -> list[str]:
    """`count` distinct codes in a gift-card-like format, the same for the same seed."""
    rng = random.Random(f"{seed}:{product_id}")
    fmt = _FORMATS[sum(map(ord, product_id)) % len(_FORMATS)]
    seen: set[str] = set()
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(rng.choice(_ALPHABET) if c == "#" else c for c in fmt)
        if code not in seen:
            seen.add(code)
            codes.append(code)
    return codes


def seed_stock(scenario: Scenario, service_url: str, run_dir: Path) -> dict[str, Any]:
    """Import every local product's codes; write and return stock.json."""
    local: dict[str, list[str]] = {}
    with httpx.Client(base_url=service_url, headers=admin_headers(), timeout=30) as client:
        for p in scenario.catalogue:
            if p.kind != "local" or p.stock == 0:
                continue
            codes = generate_codes(p.id, p.stock, scenario.seed)
            local[p.id] = codes
            for i in range(0, len(codes), BATCH):
                body = {"product_id": p.id, "codes": codes[i:i + BATCH]}
                try:
                    r = client.post("/admin/stock/import", json=body)
                except httpx.HTTPError as exc:
                    raise StackError(f"stock import for {p.id} failed: {exc}") from exc
                if r.status_code != 200:
                    raise StackError(f"stock import for {p.id} answered {r.status_code}: "
                                     f"{r.text[:300]}")
    stock = {"local": local, "supplier": {n: supplier_stock(scenario, n) for n in SUPPLIERS}}
    (run_dir / "stock.json").write_text(json.dumps(stock), encoding="utf-8")
    return stock

"""The scale path: a real drill with the shop on PostgreSQL, twice, isolated per run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.drill.test_cli import harness
from tests.postgres import PG_URL as PG
from tests.postgres import require_postgres


@pytest.mark.postgres
def test_smoke_then_a_db_fault_drill_on_postgres(tmp_path: Path) -> None:
    """Each run gets its own schema, so the second run does not see the first one's rows; the
    second drill slows and resets the shop's own database link and must still hold."""
    require_postgres()
    schemas = []
    for name in ("smoke", "db-flaky"):
        r = harness("run", name, "--db", PG, "--out", str(tmp_path), timeout=150)
        assert r.returncode == 0, r.stdout + r.stderr[-3000:]
        run_dir = Path(r.stdout.strip().splitlines()[-1])
        meta = json.loads((run_dir / "meta.json").read_text())
        assert meta["db"] == "postgresql"
        config = json.loads((run_dir / "config" / "service.json").read_text())
        assert "search_path" in config["db_url"]
        summary = json.loads((run_dir / "summary.json").read_text())
        assert summary["metrics"]["orders_delivered"] == summary["metrics"]["orders_paid"] > 0
        schemas.append(config["db_url"])
    assert schemas[0] != schemas[1]
    faults = [json.loads(line) for line in (run_dir / "faults.jsonl").read_text().splitlines()]
    assert {(f["target"], f["action"]) for f in faults} >= {("db", "inject"), ("db", "heal")}
    assert all(f["ok"] for f in faults), faults


def test_non_loopback_db_is_refused(tmp_path: Path) -> None:
    r = harness("run", "smoke", "--db", "postgresql+psycopg://postgres@10.1.2.3:5432/test",
                "--out", str(tmp_path), timeout=60)
    assert r.returncode == 2
    assert "allow-non-loopback" in r.stderr

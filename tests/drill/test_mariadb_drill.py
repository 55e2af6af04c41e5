"""The reference shop on MariaDB/MySQL: a real drill, twice, each run on a database of its own;
the second one slows and resets the shop's `db` link (the same db-flaky drill as on
PostgreSQL) and must still hold."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from drill.stack.postgres_schema import schema_name
from tests.drill.test_cli import harness
from tests.mariadb import MYSQL_URL, drop_databases, require_mariadb


@pytest.mark.mariadb
def test_smoke_then_a_db_fault_drill_on_mariadb(tmp_path: Path) -> None:
    require_mariadb()
    databases: list[str] = []
    try:
        for name in ("smoke", "db-flaky"):
            r = harness("run", name, "--db", MYSQL_URL, "--out", str(tmp_path), timeout=150)
            assert r.returncode == 0, r.stdout + r.stderr[-3000:]
            run_dir = Path(r.stdout.strip().splitlines()[-1])
            config = json.loads((run_dir / "config" / "service.json").read_text())
            databases.append(urlsplit(config["db_url"]).path.lstrip("/"))
            assert json.loads((run_dir / "meta.json").read_text())["db"] == "mysql"
            summary = json.loads((run_dir / "summary.json").read_text())
            assert summary["metrics"]["orders_delivered"] == summary["metrics"]["orders_paid"] > 0
            # the shop reaches MariaDB through the proxy's db link, not directly
            assert config["db_url"].startswith("mysql+pymysql://root@127.0.0.1:")
            assert urlsplit(config["db_url"]).port != 3306
        assert databases[0] != databases[1] and all(d.startswith("faka_") for d in databases)
        faults = [json.loads(line) for line in (run_dir / "faults.jsonl").read_text().splitlines()]
        assert {(f["target"], f["kind"], f["action"]) for f in faults} == {
            ("db", "latency", "inject"), ("db", "latency", "heal"),
            ("db", "reset_peer", "inject"), ("db", "reset_peer", "heal")}
        assert all(f["proven"] for f in faults), faults
    finally:   # every database a run of this test made, also when a run failed
        for run_dir in tmp_path.iterdir():
            if run_dir.is_dir():
                drop_databases(schema_name(run_dir.name))

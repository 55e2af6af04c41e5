"""A drill of the shop's own database: `requires_db` and the `db` link on PostgreSQL or MariaDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from drill.errors import ScenarioError
from drill.scenario import load_scenario

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MY = "mysql+pymysql://root@127.0.0.1:3306/test"
DB_FAULT = """
title = "db drill"
{requires}
[[catalogue]]
id = "p"
price = "1.00"
stock = 10
[load]
duration = "10s"
[[faults]]
at = "1s"
for = "2s"
target = "db"
kind = "latency"
params = {{ latency = 50 }}
"""


def _file(tmp_path: Path, requires: str = "") -> str:
    path = tmp_path / "db-drill.toml"
    path.write_text(DB_FAULT.format(requires=requires), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("db", [PG, MY, "mariadb+pymysql://root@127.0.0.1/test"])
def test_a_db_fault_is_valid_on_a_networked_database(tmp_path: Path, db: str) -> None:
    assert load_scenario(_file(tmp_path), db_url=db, for_run=True).faults[0].target == "db"


def test_a_db_fault_on_sqlite_is_refused_naming_both_databases(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(_file(tmp_path), db_url="sqlite:///x.sqlite3", for_run=True)
    text = str(err.value)
    assert "faults[0].target = 'db'" in text and PG in text and MY in text


def test_db_flaky_runs_on_postgresql_or_mariadb_and_refuses_sqlite() -> None:
    assert load_scenario("db-flaky").requires_db == ("postgresql", "mysql")
    for db in (PG, MY):
        load_scenario("db-flaky", db_url=db, for_run=True)
    with pytest.raises(ScenarioError, match="PostgreSQL or MariaDB/MySQL"):
        load_scenario("db-flaky", for_run=True)


def test_a_single_requires_db_refuses_the_other_database(tmp_path: Path) -> None:
    path = _file(tmp_path, 'requires_db = "mysql"')
    assert load_scenario(path).requires_db == ("mysql",)
    with pytest.raises(ScenarioError, match=r"needs the shop on MariaDB/MySQL; run it with --db "
                                            r"mysql\+pymysql://"):
        load_scenario(path, db_url=PG, for_run=True)


def test_an_unknown_requires_db_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="requires_db"):
        load_scenario(_file(tmp_path, 'requires_db = "oracle"'))

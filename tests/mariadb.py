"""The one rule for MariaDB/MySQL tests, as for PostgreSQL (tests/postgres.py): run when
127.0.0.1:3306 answers; with CI=true an unreachable server FAILS them (skipping would
hide the shop on MariaDB and its `db` link); elsewhere they skip with the reason."""

from __future__ import annotations

from tests.postgres import require_server

MYSQL_URL = "mysql+pymysql://root@127.0.0.1:3306/test"


def require_mariadb() -> None:
    require_server("MariaDB/MySQL", 3306)


def drop_databases(prefix: str) -> None:
    """Drop every database whose name starts with `prefix` (what a test's runs made)."""
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True,
                           connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW DATABASES")
            for (name,) in cur.fetchall():
                if str(name).startswith(prefix):
                    cur.execute(f"DROP DATABASE `{name}`")
    finally:
        conn.close()

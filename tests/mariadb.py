"""The one rule for MariaDB/MySQL tests, as for PostgreSQL (tests/postgres.py): run when
127.0.0.1:3306 answers; with CI=true an unreachable server FAILS them (skipping would
hide the shop on MariaDB and its `db` link); elsewhere they skip with the reason."""

from __future__ import annotations

import os
import socket

import pytest

MYSQL_URL = "mysql+pymysql://root@127.0.0.1:3306/test"


def require_mariadb() -> None:
    try:
        socket.create_connection(("127.0.0.1", 3306), timeout=2).close()
    except OSError:
        msg = "MariaDB/MySQL at 127.0.0.1:3306 is not reachable"
        if os.environ.get("CI") == "true":
            pytest.fail(msg + " (CI=true requires it)")
        pytest.skip(msg)


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

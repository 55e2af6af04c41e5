"""The one rule for PostgreSQL tests: run when 127.0.0.1:5432 answers; with
CI=true an unreachable server FAILS them (skipping would hide the scale path);
elsewhere they skip with the reason."""

from __future__ import annotations

import os
import socket

import pytest

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def require_postgres() -> None:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        msg = "PostgreSQL at 127.0.0.1:5432 is not reachable"
        if os.environ.get("CI") == "true":
            pytest.fail(msg + " (CI=true requires it)")
        pytest.skip(msg)

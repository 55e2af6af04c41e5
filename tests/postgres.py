"""The one rule for PostgreSQL tests: run when 127.0.0.1:5432 answers; with
CI=true an unreachable server FAILS them (skipping would hide the scale path);
elsewhere they skip with the reason."""

from __future__ import annotations

import os
import socket

import pytest

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def require_server(what: str, port: int) -> None:
    """Skip (fail under CI=true) unless `what` answers on 127.0.0.1:`port`."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        msg = f"{what} at 127.0.0.1:{port} is not reachable"
        if os.environ.get("CI") == "true":
            pytest.fail(msg + " (CI=true requires it)")
        pytest.skip(msg)


def require_postgres() -> None:
    require_server("PostgreSQL", 5432)

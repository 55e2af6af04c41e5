"""The `db` link to MariaDB/MySQL, broken through the fault executor and proven from outside.

The embedded Toxiproxy (as a drill starts it) gets the one `db` link declared by
drill/stack/links.py towards the MariaDB on this machine; faults are carried out
by the real `FaultExecutor` (inject, read back, heal, read back), and a plain
MySQL client (pymysql) through the proxy must see each of them: 400 ms more per
query under `latency`, a refused session under `reset_peer`, and neither once
healed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pymysql
import pytest

from drill.components import DB
from drill.events import Events
from drill.faults.executor import FaultExecutor
from drill.faults.plan import FaultStep
from drill.stack import Stack, ToxiproxyClient
from drill.stack.links import Link, Upstreams, create_links, db_upstream, declare_links
from drill.stack.toxiproxy_choice import choose_toxiproxy, toxiproxy_process
from tests.mariadb import MYSQL_URL, require_mariadb
from tests.waiting import wait_until

LATENCY_MS = 400
pytestmark = pytest.mark.mariadb


class ProxyOnly:
    """What the executor reads of a stack for link faults: its Toxiproxy (no scenario)."""

    def __init__(self, toxiproxy: ToxiproxyClient) -> None:
        self.toxiproxy = toxiproxy


@pytest.fixture(scope="module")
def db_link(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ToxiproxyClient, Link]]:
    require_mariadb()
    proc = toxiproxy_process(choose_toxiproxy("embedded"), tmp_path_factory.mktemp("toxi"))
    assert proc is not None
    proc.start()
    toxi = ToxiproxyClient(proc.url, "embedded")
    try:
        kind, upstream = db_upstream(MYSQL_URL)
        declared = [link for link in declare_links_for_db(kind, upstream or "")
                    if link.name == DB]
        (link,) = create_links(toxi, declared)
        yield toxi, link
    finally:
        toxi.close()
        proc.stop()


def declare_links_for_db(kind: str, upstream: str) -> list[Link]:
    return declare_links(Upstreams(gateway="127.0.0.1:1", sink="127.0.0.1:1", db=upstream,
                                   db_kind=kind))


def connect(link: Link) -> pymysql.connections.Connection[Any]:
    host, port = link.listen.rsplit(":", 1)
    return pymysql.connect(host=host, port=int(port), user="root", database="test",
                           connect_timeout=5, read_timeout=10)


def query_s(conn: pymysql.connections.Connection[Any]) -> float:
    began = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("SELECT 1")
        assert cur.fetchone() == (1,)
    return time.perf_counter() - began


def executor(toxi: ToxiproxyClient, run_dir: Path, steps: list[FaultStep]) -> FaultExecutor:
    ex = FaultExecutor(steps, cast(Stack, ProxyOnly(toxi)), run_dir, Events(), tolerance=3.0)
    ex.start(time.time())
    return ex


def records(run_dir: Path, n: int) -> list[dict[str, Any]]:
    path = run_dir / "faults.jsonl"

    def lines() -> list[dict[str, Any]]:
        text = path.read_text() if path.exists() else ""
        return [json.loads(line) for line in text.splitlines()]

    def enough() -> list[dict[str, Any]]:
        got = lines()
        return got if len(got) >= n else []

    return wait_until(enough, timeout=20, what=f"{n} fault records")


def test_the_db_link_is_declared_towards_mariadb(db_link: tuple[ToxiproxyClient, Link]) -> None:
    toxi, link = db_link
    assert (link.name, link.protocol, link.upstream) == ("db", "mysql", "127.0.0.1:3306")
    assert toxi.links["db"] == link.listen
    with connect(link) as conn:
        assert query_s(conn) < LATENCY_MS / 1000


def test_latency_on_the_db_link_is_seen_by_a_mysql_client_and_heals(
        db_link: tuple[ToxiproxyClient, Link], tmp_path: Path) -> None:
    toxi, link = db_link
    params = {"latency": LATENCY_MS}
    with connect(link) as conn:             # opened before the fault: toxics hit it too
        ex = executor(toxi, tmp_path, [FaultStep(0, "inject", 0, "latency", DB, params),
                                       FaultStep(3, "heal", 0, "latency", DB, params)])
        (inject,) = records(tmp_path, 1)
        assert inject["proven"], inject
        assert "toxic f0-latency-db listed on db" in inject["reason"]
        slow = query_s(conn)
        heal = records(tmp_path, 2)[1]
        assert (heal["action"], heal["proven"]) == ("heal", True), heal
        fast = query_s(conn)
    assert slow >= LATENCY_MS / 1000, f"a query under {LATENCY_MS} ms latency took {slow:.3f} s"
    assert fast < LATENCY_MS / 1000, f"after the heal a query still took {fast:.3f} s"
    assert ex.unproven() == []


def test_reset_peer_on_the_db_link_refuses_mysql_sessions_until_healed(
        db_link: tuple[ToxiproxyClient, Link], tmp_path: Path) -> None:
    toxi, link = db_link
    params = {"timeout": 0}
    ex = executor(toxi, tmp_path, [FaultStep(0, "inject", 0, "reset_peer", DB, params),
                                   FaultStep(2, "heal", 0, "reset_peer", DB, params)])
    (inject,) = records(tmp_path, 1)
    assert inject["proven"], inject
    with pytest.raises(pymysql.err.OperationalError):
        connect(link).close()
    heal = records(tmp_path, 2)[1]
    assert (heal["action"], heal["proven"]) == ("heal", True), heal
    with connect(link) as conn:
        assert query_s(conn) < LATENCY_MS / 1000
    assert ex.unproven() == []

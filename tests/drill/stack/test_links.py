"""drill/stack/links.py: the links declared once, the database a --db/db= names, the table."""

from __future__ import annotations

import unicodedata

import pytest

from drill.components import LINKS
from drill.errors import StackError, TargetError
from drill.faults.plan import LINK_KINDS
from drill.stack.links import (
    Link,
    Upstreams,
    create_links,
    db_upstream,
    declare_links,
    hostport,
    link_table,
    repointed,
)

FULL = Upstreams(gateway="127.0.0.1:7001", sink="127.0.0.1:7002",
                 suppliers={"primary": "127.0.0.1:7003", "backup": "127.0.0.1:7004"},
                 smtp="127.0.0.1:7005", db="127.0.0.1:3306", db_kind="mysql",
                 shop="127.0.0.1:8080")


class Recorder:
    """A stand-in proxy API: hands out listen ports in order and remembers the calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def create(self, name: str, upstream: str) -> str:
        self.calls.append((name, upstream))
        return f"127.0.0.1:{40000 + len(self.calls)}"


def test_every_link_name_of_components_is_declared_with_its_upstream() -> None:
    links = declare_links(FULL)
    assert sorted(link.name for link in links) == sorted(LINKS)
    by_name = {link.name: link for link in links}
    assert by_name["gateway_query"].upstream == "127.0.0.1:7001"
    assert by_name["supplier_backup"].upstream == "127.0.0.1:7004"
    assert (by_name["smtp"].protocol, by_name["db"].protocol) == ("smtp", "mysql")
    assert by_name["gateway_notify"].upstream == "127.0.0.1:8080"
    assert by_name["gateway_notify"].caller == "gateway"
    assert {link.caller for link in links if link.name != "gateway_notify"} == {"shop"}


def test_no_smtp_no_db_no_shop_yet_leaves_those_links_out_and_notify_on_the_gateway() -> None:
    links = declare_links(Upstreams(gateway="127.0.0.1:7001", sink="127.0.0.1:7002"))
    assert [link.name for link in links] == ["gateway_query", "im", "gateway_notify"]
    assert links[-1].upstream == "127.0.0.1:7001"      # until the shop runs: repointed


def test_create_links_fills_listen_from_the_proxy_and_repointed_changes_one() -> None:
    proxy = Recorder()
    links = create_links(proxy, declare_links(FULL))
    assert proxy.calls == [(link.name, link.upstream) for link in links]
    assert all(link.listen.startswith("127.0.0.1:4000") for link in links)
    moved = repointed(links, "gateway_notify", "127.0.0.1:9999")
    assert [link.upstream for link in moved if link.name == "gateway_notify"] == ["127.0.0.1:9999"]
    assert [m for m in moved if m.name != "gateway_notify"] == links[:-1]


@pytest.mark.parametrize(("url", "expected"), [
    (None, ("sqlite", None)),
    ("sqlite:////tmp/shop.sqlite3", ("sqlite", None)),
    ("postgresql+psycopg://postgres@127.0.0.1:5432/test", ("postgresql", "127.0.0.1:5432")),
    ("postgresql://u:pw@localhost/shop", ("postgresql", "localhost:5432")),
    ("mysql+pymysql://root@127.0.0.1:3306/test", ("mysql", "127.0.0.1:3306")),
    ("mysql://127.0.0.1", ("mysql", "127.0.0.1:3306")),
    ("mariadb+pymysql://shop:pw@127.0.0.1:3307/faka", ("mysql", "127.0.0.1:3307")),
])
def test_db_upstream_names_the_kind_and_the_server(url: str | None,
                                                   expected: tuple[str, str | None]) -> None:
    assert db_upstream(url) == expected


def test_db_upstream_refuses_what_it_cannot_proxy_saying_what_to_write() -> None:
    with pytest.raises(StackError, match=r"unknown database.*mysql\+pymysql://"):
        db_upstream("oracle://127.0.0.1/x")
    with pytest.raises(StackError, match="port is not a number"):
        db_upstream("mysql://127.0.0.1:port/x")
    with pytest.raises(TargetError, match="allow-non-loopback"):
        db_upstream("mysql+pymysql://root@10.0.0.5:3306/shop", what="db=")
    assert db_upstream("mysql://10.0.0.5/x", allow_non_loopback=True) == ("mysql", "10.0.0.5:3306")


def test_hostport() -> None:
    assert hostport("http://127.0.0.1:8080/shop/") == "127.0.0.1:8080"
    assert hostport("https://localhost/") == "localhost:443"
    assert hostport("127.0.0.1:25") == "127.0.0.1:25"


def _created() -> list[Link]:
    return create_links(Recorder(), declare_links(FULL))


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["epay API URL (order query)", "supplier primary API URL", "SMTP server",
            "database host:port (MariaDB/MySQL)", "site URL"]),
    ("zh", ["易支付接口地址（查单）", "供货商 primary 接口地址", "SMTP 服务器",
            "数据库地址 host:port（MariaDB/MySQL）", "网站地址"]),
])
def test_link_table_says_per_link_what_to_set_to_which_address(lang: str,
                                                              words: list[str]) -> None:
    links = _created()
    table = link_table(links, lang)
    for word in words:
        assert word in table
    rows = {link.name: next(line for line in table.splitlines() if f"`{link.name}`" in line)
            for link in links}
    assert f"http://{links[0].listen}/" in rows["gateway_query"]
    for link in links:
        assert link.listen in rows[link.name] and link.upstream in rows[link.name]
    primary = rows["supplier_primary"]
    assert "behaviour" in primary and "supplier-primary" in primary
    assert "behaviour" not in rows["db"]
    assert all(kind in table for kind in LINK_KINDS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_link_table_columns_line_up_in_a_terminal(lang: str) -> None:
    """Chinese characters take two cells: every table line has the same display width."""
    lines = [line for line in link_table(_created(), lang).splitlines() if line.startswith("|")]

    def cells(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    assert len(lines) == 2 + len(_created())
    assert len({cells(line) for line in lines}) == 1


def test_a_link_not_created_yet_says_so() -> None:
    assert "(not created)" in link_table(declare_links(FULL), "en")

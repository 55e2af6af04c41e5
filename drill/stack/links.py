"""Every link of the shop that runs through the proxy, declared once: name, upstream, listen.

A shop talks to the gateway (order query), each supplier, the IM robots, an
SMTP relay and its database; the gateway talks back to the shop (notify).
Each of those goes through a Toxiproxy proxy named as in `drill/components.py`,
so a scenario breaks it with `target = "<name>"`. The same list serves the
reference shop (the stack creates the proxies) and a target shop (the user
puts each listen address into the shop's config: `link_table` says where).
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol
from urllib.parse import urlsplit

from drill.components import DB, GATEWAY_NOTIFY, GATEWAY_QUERY, IM, SMTP, SUPPLIER_LINKS
from drill.errors import StackError, TargetError
from runtime import NonLoopbackError, ensure_loopback

__all__ = ["DB_PORTS", "Link", "Upstreams", "create_links", "db_upstream", "declare_links",
           "hostport", "link_table", "print_link_table", "repointed"]

# database kind -> default port; the URL schemes that name it
DB_PORTS = {"postgresql": 5432, "mysql": 3306}
_DB_SCHEMES = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql",
               "mariadb": "mysql"}
DB_HINT = ("use postgresql+psycopg://USER@HOST:5432/DB, mysql+pymysql://USER@HOST:3306/DB "
           "(MariaDB too) or sqlite:///FILE")


def db_upstream(url: str | None, *, allow_non_loopback: bool = False,
                what: str = "--db") -> tuple[str, str | None]:
    """("sqlite" | "postgresql" | "mysql", the server's host:port the `db` link forwards to).

    A bad scheme, or a host off loopback without the opt-in, is refused here,
    before anything starts (for `--db` and for a target's `db=` world entry)."""
    if not url:
        return "sqlite", None
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme == "sqlite":
        return "sqlite", None
    kind = _DB_SCHEMES.get(scheme)
    if kind is None or "://" not in url:
        raise StackError(f"{what} {url!r}: unknown database; {DB_HINT}")
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    try:
        ensure_loopback(host, allow=allow_non_loopback, what=f"{what} host")
    except NonLoopbackError as exc:
        raise TargetError(str(exc)) from None
    try:
        port = parts.port or DB_PORTS[kind]
    except ValueError:
        raise StackError(f"{what} {url!r}: the port is not a number; {DB_HINT}") from None
    return kind, f"{host}:{port}"


def hostport(url: str) -> str:
    """`http://127.0.0.1:8080/x` -> `127.0.0.1:8080` (a bare host:port is returned as is)."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.hostname}:{parts.port or default}"


@dataclass(frozen=True, slots=True)
class Link:
    """One proxy: `name` (a scenario's fault target) forwards `listen` to `upstream`."""

    name: str
    upstream: str                  # host:port the proxy forwards to
    protocol: str = "http"         # http | smtp | postgresql | mysql
    listen: str = ""               # host:port the proxy listens on, once created

    @property
    def caller(self) -> str:
        return "gateway" if self.name == GATEWAY_NOTIFY else "shop"


@dataclass(frozen=True, slots=True)
class Upstreams:
    """Where each link really goes (host:port). Empty `smtp`/`db`: that link is not made.
    Empty `shop`: not known yet (the reference shop starts after its links); the notify
    link then points at the gateway until `repointed`."""

    gateway: str
    sink: str                                  # the IM robots (and the HTTP mail endpoint)
    suppliers: Mapping[str, str] = field(default_factory=dict)
    smtp: str = ""
    db: str = ""
    db_kind: str = ""                          # postgresql | mysql, with `db`
    shop: str = ""


def declare_links(up: Upstreams) -> list[Link]:
    """The shop's links in the order a person reads them: its calls out, then the notify in."""
    links = [Link(GATEWAY_QUERY, up.gateway)]
    links += [Link(SUPPLIER_LINKS[name], addr) for name, addr in up.suppliers.items()]
    links.append(Link(IM, up.sink))
    if up.smtp:
        links.append(Link(SMTP, up.smtp, "smtp"))
    if up.db:
        links.append(Link(DB, up.db, up.db_kind or "postgresql"))
    links.append(Link(GATEWAY_NOTIFY, up.shop or up.gateway))
    return links


class _Proxy(Protocol):
    def create(self, name: str, upstream: str, listen: str = ...) -> str: ...


def create_links(toxi: _Proxy, links: Sequence[Link],
                 listen: Callable[[str], str] | None = None) -> list[Link]:
    """Create every proxy (afresh, at `listen(name)` when the world's ports are fixed);
    the links with their listen addresses."""
    return [replace(link, listen=toxi.create(link.name, link.upstream,
                                             listen(link.name) if listen else "127.0.0.1:0"))
            for link in links]


def repointed(links: Sequence[Link], name: str, upstream: str) -> list[Link]:
    return [replace(link, upstream=upstream) if link.name == name else link for link in links]


# -- the table a person reads ------------------------------------------------------------
_WORDS = {
    "en": {"head": ("link (target)", "who calls", "set in the shop's config", "to",
                    "proxy forwards to", "faults"),
           "shop": "shop", "gateway": "gateway",
           GATEWAY_QUERY: "epay API URL (order query)",
           "supplier": "supplier {name} API URL",
           IM: "robot webhook base (DingTalk /robot/send, Telegram /bot…/sendMessage, "
               "WeCom /cgi-bin/webhook/send)",
           SMTP: "SMTP server (plain, no auth)",
           "postgresql": "database host:port (PostgreSQL)",
           "mysql": "database host:port (MariaDB/MySQL)",
           GATEWAY_NOTIFY: "site URL (the gateway's notify comes in here)",
           "toxics": "link kinds (below)", "behaviour": "; behaviour on {fake}",
           "foot": 'In a scenario: [[faults]] target = "<link>", kind = one of {kinds} '
                   "(scenarios/README.md). The shop's own addresses stay as they are; only "
                   "these settings change."},
    "zh": {"head": ("链路（target）", "发起方", "在店铺配置里填", "填入地址", "代理转发到",
                    "可注入的故障"),
           "shop": "店铺", "gateway": "网关",
           GATEWAY_QUERY: "易支付接口地址（查单）",
           "supplier": "供货商 {name} 接口地址",
           IM: "机器人 Webhook 地址前缀（钉钉 /robot/send、Telegram /bot…/sendMessage、"
               "企业微信 /cgi-bin/webhook/send）",
           SMTP: "SMTP 服务器（明文，无需认证）",
           "postgresql": "数据库地址 host:port（PostgreSQL）",
           "mysql": "数据库地址 host:port（MariaDB/MySQL）",
           GATEWAY_NOTIFY: "网站地址（网关的支付回调打到这里）",
           "toxics": "链路故障（见下）", "behaviour": "；另可对 {fake} 用 behaviour",
           "foot": '场景里写：[[faults]] target = "<链路名>"，kind 取 {kinds} 之一'
                   "（见 scenarios/README.md）。店铺其余配置不变，只改上面这些。"},
}
_FAKE_BEHIND = {GATEWAY_QUERY: "gateway", IM: "sink", SMTP: "sink", GATEWAY_NOTIFY: ""}


def _setting(link: Link, words: Mapping[str, object]) -> tuple[str, str]:
    """(what to set, the value) for one link."""
    listen = link.listen or "(not created)"
    supplier = next((n for n, ln in SUPPLIER_LINKS.items() if ln == link.name), None)
    if supplier is not None:
        return str(words["supplier"]).format(name=supplier), f"http://{listen}"
    if link.name == DB:
        return str(words[link.protocol]), listen
    if link.name == SMTP:
        return str(words[SMTP]), listen
    suffix = "/" if link.name == GATEWAY_QUERY else ""
    return str(words[link.name]), f"http://{listen}{suffix}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def link_table(links: Sequence[Link], lang: str = "en") -> str:
    """The links as a Markdown table (aligned for a terminal): where the shop's config must
    point for each, and what a scenario may do to it. `lang`: en | zh."""
    from drill.faults.plan import LINK_KINDS  # here: drill.faults imports drill.stack

    words = _WORDS["zh" if lang == "zh" else "en"]
    rows = [list(words["head"])]
    for link in links:
        what, value = _setting(link, words)
        fake = _FAKE_BEHIND.get(link.name, link.name.replace("_", "-"))
        faults = str(words["toxics"]) + (str(words["behaviour"]).format(fake=fake)
                                         if fake and link.name != DB else "")
        rows.append([f"`{link.name}`", str(words[link.caller]), what, value, link.upstream,
                     faults])
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)) + " |"
             for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    kinds = ", ".join(LINK_KINDS)
    return "\n".join(lines) + "\n\n" + str(words["foot"]).format(kinds=kinds)


def print_link_table(links: Sequence[Link], lang: str = "en") -> None:
    """The table on stderr (stdout carries `serve`'s URLs as JSON)."""
    print(link_table(links, lang), file=sys.stderr, flush=True)

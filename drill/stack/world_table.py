"""The world's addresses and credentials as one value, printed for a shop operator to paste
into the back office (Chinese or English), and handed to adapters as a `targets.World`.

`addresses(spec)` needs a fixed world (`--world-ports`/`--world`); `stack_addresses` reads
a running stack (ephemeral ports too). Every address is the one the *shop* must use: through
a Toxiproxy link where one exists, so faults can break it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from drill.components import (
    GATEWAY,
    GATEWAY_NOTIFY,
    GATEWAY_QUERY,
    IM,
    SINK,
    SMTP,
    SUPPLIER_LINKS,
    supplier_component,
)
from drill.stack.links import Link, Upstreams, declare_links
from drill.stack.world import HOST, SINK_SMTP, WorldSpec
from drill.targets import Gateway, Supplier, World

if TYPE_CHECKING:
    from drill.stack.processes import Stack


@dataclass(frozen=True)
class Addresses:
    gateway_api: str  # the shop's server -> gateway (submit.php, mapi.php, api.php), via proxy
    gateway_cashier: str  # buyers -> gateway, direct
    pid: str
    key: str
    suppliers: dict[str, Supplier] = field(default_factory=dict)
    alerts: dict[str, str] = field(default_factory=dict)
    mail_url: str = ""
    smtp: tuple[str, int] | None = None
    notify_base: str = ""  # the shop's base URL as the gateway calls it (its notify lands here)


def _alerts(im: str) -> dict[str, str]:
    return {"dingtalk": f"{im}/robot/send?access_token=drill",
            "telegram": f"{im}/botdrill/sendMessage?chat_id=1",
            "wecom": f"{im}/cgi-bin/webhook/send?key=drill"}


def _build(spec: WorldSpec, url: dict[str, str], smtp: str) -> Addresses:
    suppliers = {name: Supplier(url[link], *spec.supplier_keys(name))
                 for name, link in SUPPLIER_LINKS.items()}
    host, _, port = smtp.rpartition(":")
    return Addresses(url[GATEWAY_QUERY], url[GATEWAY], spec.pid, spec.key, suppliers,
                     _alerts(url[IM]), f"{url[IM]}/mail/send",
                     (host, int(port)) if smtp else None, url[GATEWAY_NOTIFY])


def addresses(spec: WorldSpec) -> Addresses:
    """The addresses of a fixed world, known before anything starts."""
    names = (GATEWAY, GATEWAY_QUERY, IM, GATEWAY_NOTIFY, *SUPPLIER_LINKS.values())
    return _build(spec, {n: spec.url(n) for n in names}, spec.listen(SMTP))


def stack_addresses(stack: Stack) -> Addresses:
    """The addresses of a running stack (its links exist)."""
    toxi = stack.toxiproxy
    assert toxi is not None
    url = {n: toxi.url_of(n) for n in toxi.links}
    url[GATEWAY] = stack.url(GATEWAY)
    return _build(stack.opts.world, url, toxi.links.get(SMTP, ""))


def target_world(a: Addresses) -> World:
    """What an adapter's `setup_channels` and buyer steps need."""
    return World(Gateway(a.gateway_api.rstrip("/") + "/", a.pid, a.key, a.gateway_cashier),
                 a.notify_base, dict(a.suppliers), dict(a.alerts), a.mail_url, a.smtp)


_WORDS = {
    "title": ("faka-drill world: paste into your shop's back office",
              "faka-drill 演练环境：请填入店铺后台"),
    "gw": ("Payment channel 易支付 (epay)", "支付通道 易支付 (epay)"),
    "api": ("API URL (shop server -> gateway)", "接口地址（店铺服务器 → 网关）"),
    "cashier": ("cashier (buyers, direct)", "收银台（买家直连）"),
    "pid": ("merchant id (pid)", "商户号 (pid)"), "key": ("merchant key", "商户密钥"),
    "sup": ("Supplier / docking", "供货商 / 对接"), "keys": ("api key / secret", "密钥"),
    "robots": ("Alert robots", "告警机器人"), "mail": ("Mail", "邮件"),
    "http": ("HTTP mail endpoint", "HTTP 邮件接口"), "smtp": ("SMTP host:port", "SMTP 主机:端口"),
    "notify": ("Shop address the gateway calls (site URL / web_url; notify base)",
               "网关回调的店铺地址（网站地址 / web_url，异步通知前缀）"),
}


def render(a: Addresses, lang: str = "en") -> str:
    """The table, one `label: value` line each, grouped like a back office."""
    i = 1 if lang == "zh" else 0

    def w(k: str) -> str:
        return _WORDS[k][i]

    lines = [w("title"), "", w("gw"), f"  {w('api')}: {a.gateway_api}",
             f"  {w('cashier')}: {a.gateway_cashier}", f"  {w('pid')}: {a.pid}",
             f"  {w('key')}: {a.key}", "", w("sup")]
    for name, s in a.suppliers.items():
        lines += [f"  {name}: {s.url}", f"    {w('keys')}: {s.api_key} / {s.api_secret}"]
    lines += ["", w("robots"), *(f"  {k}: {v}" for k, v in a.alerts.items()), "", w("mail"),
              f"  {w('http')}: {a.mail_url}"]
    if a.smtp:
        lines.append(f"  {w('smtp')}: {a.smtp[0]}:{a.smtp[1]}")
    lines += ["", w("notify"), f"  {a.notify_base}"]
    return "\n".join(lines) + "\n"


def fixed_links(spec: WorldSpec, shop: str = "") -> list[Link]:
    """The proxied links of a fixed world with their listen addresses, known before anything
    starts (`shop`: where the notify link forwards; empty until a target URL is known)."""
    up = Upstreams(gateway=spec.listen(GATEWAY), sink=spec.listen(SINK),
                   suppliers={n: spec.listen(supplier_component(n)) for n in SUPPLIER_LINKS},
                   smtp=spec.listen(SINK_SMTP), shop=shop or "(your shop)")
    return [replace(link, listen=spec.listen(link.name)) for link in declare_links(up)]


def to_toml(spec: WorldSpec) -> str:
    """A `--world` file for this world."""
    base = spec.base_port if spec.base_port is not None else 47000
    return (f"# faka-drill world file: every fake and link at base_port + k (drill/stack/world.py)"
            f"\nbase_port = {base}\n\n[gateway]\npid = \"{spec.pid}\"\nkey = \"{spec.key}\"\n"
            f"# host: {HOST}\n")

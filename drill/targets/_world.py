"""The outside world a target shop must be pointed at: gateway, suppliers, alert and mail sinks.

Plain data an adapter's `setup_channels` writes into the shop's back office
(and a user pastes by hand when the adapter cannot). The conductor builds it
from the stack it started (or a fixed world file).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Gateway:
    """The fake epay gateway. `url` is how the shop's server reaches it (maybe via the proxy);
    `public_url` is how buyers and the harness reach it directly."""

    url: str
    pid: str
    key: str
    public_url: str = ""

    @property
    def buyer_url(self) -> str:
        return (self.public_url or self.url).rstrip("/")


@dataclass(frozen=True, slots=True)
class Supplier:
    url: str
    api_key: str
    api_secret: str


@dataclass(frozen=True, slots=True)
class World:
    """Addresses and credentials of everything around the shop.

    `shop_url_for_gateway` is the shop's base URL as the gateway should call it
    (the notify goes there; kamiFaka calls it web_url); empty: the shop's own URL.
    """

    gateway: Gateway
    shop_url_for_gateway: str = ""
    suppliers: Mapping[str, Supplier] = field(default_factory=dict)
    alerts: Mapping[str, str] = field(default_factory=dict)  # dingtalk/telegram/wecom -> URL
    mail_url: str = ""  # HTTP mail endpoint of the sink
    smtp: tuple[str, int] | None = None  # (host, port) of the sink's SMTP side


def world_to_dict(world: World) -> dict[str, Any]:
    """Plain JSON data (the load plan carries the world into the Locust processes)."""
    return asdict(world)


def world_from_dict(raw: Mapping[str, Any]) -> World:
    smtp = raw.get("smtp")
    return World(Gateway(**raw["gateway"]), str(raw.get("shop_url_for_gateway", "")),
                 {str(k): Supplier(**v) for k, v in (raw.get("suppliers") or {}).items()},
                 dict(raw.get("alerts") or {}), str(raw.get("mail_url", "")),
                 (str(smtp[0]), int(smtp[1])) if smtp else None)

"""The adapter protocol: a small class per shop, declaring what it can do (like a Locust user).

Subclass `TargetAdapter`, set the class attributes, implement the steps your
shop has. A step you do not implement raises `NotSupported` (from here), and
leaving its ability out of `abilities` lets every check answer *unknown* with
`reasons[ability]` instead of guessing. Steps take the `HttpClient` to use as
their first argument, so one adapter instance serves every Locust user and
the conductor alike; keep per-buyer state in the returned `Order`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from drill.targets._abilities import Ability, NotifyShape, PayShape, Snoop, missing
from drill.targets._http import HttpClient
from drill.targets._steps import (
    AdminOrder,
    CatalogueItem,
    NotSupported,
    Order,
    OrderStatus,
    PaymentStart,
    Product,
)
from drill.targets._world import World


class TargetAdapter:
    """Base class of every target adapter; see docs/targets/README.md."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    abilities: ClassVar[frozenset[Ability]] = frozenset()
    reasons: ClassVar[Mapping[Ability, str]] = {}  # why an ability is missing, in words
    pay_shape: ClassVar[PayShape] = PayShape.BROWSER_FORM
    notify_path: ClassVar[str] = "/notify/epay"  # may contain {order_no}
    notify_methods: ClassVar[frozenset[str]] = frozenset({"GET", "POST"})
    options: ClassVar[Mapping[str, str]] = {}  # --target-option KEY -> what it means
    # snooper probes a target drill runs through the steps below (drill/targets/_snoop.py);
    # empty: no snoopers, and the access check says it could not judge
    snoops: ClassVar[frozenset[Snoop]] = frozenset()
    admin_probe_routes: ClassVar[tuple[str, ...]] = ()  # admin GETs a stranger must not read

    def __init__(self, base_url: str, world: World,
                 options: Mapping[str, str] | None = None) -> None:
        given = dict(options or {})
        unknown = sorted(set(given) - set(self.options))
        if unknown:
            known = ", ".join(sorted(self.options)) or "none"
            raise ValueError(f"target {self.name!r}: unknown option(s) {unknown}; known: {known}")
        self.base_url = base_url.rstrip("/")
        self.world = world
        self.opts = given

    # -- declared shape ------------------------------------------------------------------
    @property
    def notify_shape(self) -> NotifyShape:
        embeds = "{order_no}" in self.notify_path
        return NotifyShape.EMBEDS_ORDER if embeds else NotifyShape.FIXED_PATH

    def notify_url(self, order_no: str, base: str | None = None) -> str:
        """Where the gateway notifies for this order (`base`: the shop as the gateway sees it)."""
        root = (base or self.world.shop_url_for_gateway or self.base_url).rstrip("/")
        return root + self.notify_path.format(order_no=order_no)

    def url(self, path: str) -> str:
        return self.base_url + path

    def has(self, *needed: Ability) -> bool:
        return all(a in self.abilities for a in needed)

    def why_not(self, *needed: Ability) -> str | None:
        """None when every needed ability is declared; else the reason, for an *unknown*."""
        return missing(self.abilities, needed, self.reasons)

    def _lacks(self, ability: Ability) -> NotSupported:
        why = self.reasons.get(ability, f"{self.name} does not implement it")
        return NotSupported(ability, why)

    # -- setup ---------------------------------------------------------------------------
    def setup_catalogue(self, http: HttpClient, items: Sequence[CatalogueItem]) -> list[Product]:
        """Make every item exist at its price and import its codes; the products as listed."""
        raise self._lacks(Ability.SETUP_CATALOGUE)

    def import_cards(self, http: HttpClient, product_id: str, codes: Sequence[str]) -> int:
        """Import card keys into a product; how many were new."""
        raise self._lacks(Ability.IMPORT_CARDS)

    def setup_channels(self, http: HttpClient) -> list[str]:
        """Point the shop's channels at `self.world`; one line per thing configured."""
        raise self._lacks(Ability.SETUP_CHANNELS)

    # -- buyer steps ---------------------------------------------------------------------
    def list_products(self, http: HttpClient) -> list[Product]:
        raise self._lacks(Ability.LIST_PRODUCTS)

    def stock(self, http: HttpClient, product_id: str) -> int:
        """Unsold keys of one product, exactly."""
        raise self._lacks(Ability.STOCK_COUNT)

    def create_order(self, http: HttpClient, product_id: str, quantity: int, contact: str,
                     *, buyer_ip: str | None = None) -> Order:
        raise self._lacks(Ability.CREATE_ORDER)

    def start_payment(self, http: HttpClient, order: Order) -> PaymentStart:
        raise self._lacks(Ability.START_PAYMENT)

    def poll_status(self, http: HttpClient, order: Order) -> OrderStatus:
        raise self._lacks(Ability.POLL_STATUS)

    def read_cards(self, http: HttpClient, order: Order) -> tuple[str, ...]:
        """The delivered codes; `StepFailed` while not delivered."""
        raise self._lacks(Ability.READ_CARDS)

    # -- admin views (operator bot, game days) ------------------------------------------
    def admin_orders(self, http: HttpClient, status: str | None = None) -> list[AdminOrder]:
        raise self._lacks(Ability.ADMIN_ORDERS)

    def admin_deliver(self, http: HttpClient, order_no: str) -> tuple[str, ...]:
        raise self._lacks(Ability.ADMIN_DELIVER)

    def admin_refund(self, http: HttpClient, order_no: str) -> str:
        raise self._lacks(Ability.ADMIN_REFUND)

    def export(self, http: HttpClient) -> Mapping[str, Any]:
        raise self._lacks(Ability.EXPORT)

"""What an adapter can do, declared: abilities, the payment shape, the notify shape.

A check that needs an ability the adapter lacks asks `adapter.abilities` and
answers *unknown* with the reason, never a vacuous pass (see `missing`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum


class Ability(StrEnum):
    """One thing a target adapter can do against its shop."""

    SETUP_CATALOGUE = "setup_catalogue"  # products at a price exist (created or verified)
    IMPORT_CARDS = "import_cards"  # card keys imported into a product's stock
    SETUP_CHANNELS = "setup_channels"  # payment channel -> fake gateway; supplier, alert, mail
    LIST_PRODUCTS = "list_products"
    STOCK_COUNT = "stock_count"  # the exact number of unsold keys, as the buyer sees it
    CREATE_ORDER = "create_order"
    START_PAYMENT = "start_payment"
    POLL_STATUS = "poll_status"
    READ_CARDS = "read_cards"
    ORDER_SECRET = "order_secret"  # reads need a per-order secret besides the order number
    ADMIN_ORDERS = "admin_orders"  # orders by status, for the operator bot and game days
    ADMIN_DELIVER = "admin_deliver"  # manual delivery
    ADMIN_REFUND = "admin_refund"
    EXPORT = "export"  # the shop's own records (optional enrichment for the oracle)


BUYER_STEPS = frozenset({Ability.CREATE_ORDER, Ability.START_PAYMENT, Ability.POLL_STATUS,
                         Ability.READ_CARDS})


class PayShape(StrEnum):
    """How the buyer gets from the shop to the gateway's cashier."""

    SERVER_SUBMIT = "server_submit"  # the shop's server calls submit.php/mapi.php, hands a URL
    BROWSER_FORM = "browser_form"  # the buyer's browser posts the shop-signed form itself


class NotifyShape(StrEnum):
    """Where the gateway's notify lands on the shop."""

    FIXED_PATH = "fixed_path"  # e.g. /notify/epay for every order
    EMBEDS_ORDER = "embeds_order"  # e.g. /pay/notify/{out_trade_no}


class Snoop(StrEnum):
    """One kind of snooper probe an adapter declares (run by drill/targets/_snoop.py)."""

    NO_TOKEN = "no_token"              # the victim's order number, no secret
    WRONG_TOKEN = "wrong_token"        # a forged secret (shops with per-order secrets)
    OTHER_TOKEN = "other_token"        # another order's secret
    NEIGHBOUR = "neighbour"            # the next order number, with the victim's secret
    GUESSED = "guessed"                # a number of the same shape
    ADMIN_NO_TOKEN = "admin_no_token"  # each admin_probe_route without credentials
    ADMIN_WRONG_TOKEN = "admin_wrong_token"  # the first one with a buyer's secret as a token



def missing(abilities: Collection[Ability], needed: Collection[Ability],
            reasons: Mapping[Ability, str] | None = None) -> str | None:
    """None when every needed ability is present; else why not, in words, for `unknown`."""
    lacking = [a for a in needed if a not in abilities]
    if not lacking:
        return None
    why = reasons or {}
    parts = [f"{a.value} ({why[a]})" if a in why else a.value for a in lacking]
    return "the adapter lacks " + ", ".join(parts)

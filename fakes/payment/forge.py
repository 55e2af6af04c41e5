"""Adversarial notifies: what a shop must refuse, built from a payment's genuine notify.

Each kind models a notify real faka shops have fallen for (kamiFaka delivers on
``money=0.01`` and answers ``success`` to anything; dujiao-next #295 let one
order's callback update another's). The gateway sends them on purpose to the
shop's notify URL and marks them in its ledger with ``adversarial: <kind>``,
which the oracle reads as "must not be answered success, must not deliver".

Kept free of I/O and of the clock: `forge` is a pure function of the genuine
parameters, the merchant key, a seeded `random.Random` and the last trade
number the shop acknowledged for another order, so it is tested on literals.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from fakes.payment import epay

KINDS = ("underpaid", "overpaid", "bad_sign", "missing_sign", "missing_sign_type",
         "other_trade_no", "unknown_order", "not_success", "wrong_pid")
NOT_SUCCESS = ("TRADE_CLOSED", "WAIT_BUYER_PAY")
# A `not_success` notify aimed at an order nobody paid, sent at the end of the forge window
# only if its payment is still unpaid then: a shop that applies any signed notify whatever
# its trade_status hands out goods nobody paid for (the money harm, not only the reply).
UNPAID_VARIANT = "forged:not_success:unpaid"


def unpaid_probe_due(variant: str, payment_status: str) -> bool:
    """Send this forgery? Every one but an unpaid probe whose payment got paid meanwhile."""
    return variant != UNPAID_VARIANT or payment_status != "paid"
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Forged:
    """One adversarial notify: its kind (as made), parameters and the order it names."""

    kind: str
    params: dict[str, str]
    out_trade_no: str
    signed: bool


def _resign(params: dict[str, str], key: str) -> dict[str, str]:
    params["sign"] = epay.sign(params, key)
    return params


def _underpaid(good: dict[str, str], rng: random.Random) -> str | None:
    """kamiFaka's probe pays 0.01 of a 2.50 order; a cent short is the subtler one."""
    price = Decimal(good["money"])
    if price <= CENT:
        return None
    return epay.money_str(CENT if rng.random() < 0.5 else price - CENT)


def forge(kind: str, good: dict[str, str], key: str, rng: random.Random,
          acked_other: tuple[str, str] | None) -> Forged:
    """The `kind` notify aimed at `good`'s order. `acked_other` is (trade_no, out_trade_no)
    of another order whose notify the shop acknowledged: `other_trade_no` needs one (the
    shop can only know a trade number it recorded), without one it becomes `unknown_order`;
    an `underpaid` 0.01 order becomes `overpaid`."""
    p = {k: v for k, v in good.items()}
    if kind == "underpaid":
        money = _underpaid(good, rng)
        if money is None:
            return forge("overpaid", good, key, rng, acked_other)
        p["money"] = money
        return Forged(kind, _resign(p, key), p["out_trade_no"], True)
    if kind == "overpaid":
        p["money"] = epay.money_str(Decimal(good["money"]) + CENT)
        return Forged(kind, _resign(p, key), p["out_trade_no"], True)
    if kind == "bad_sign":
        p["sign"] = epay.sign(p, key + "-not-the-key")
        return Forged(kind, p, p["out_trade_no"], False)
    if kind == "missing_sign":
        p.pop("sign", None)
        return Forged(kind, p, p["out_trade_no"], False)
    if kind == "missing_sign_type":
        p.pop("sign_type", None)
        return Forged(kind, p, p["out_trade_no"], True)
    if kind == "other_trade_no":
        if acked_other is None or acked_other[1] == good["out_trade_no"]:
            return forge("unknown_order", good, key, rng, None)
        p["trade_no"] = acked_other[0]
        return Forged(kind, _resign(p, key), p["out_trade_no"], True)
    if kind == "unknown_order":
        p["out_trade_no"] = f"NOSUCH{rng.randrange(10**12):012d}"
        p["trade_no"] = f"9999{rng.randrange(10**14):014d}"
        return Forged(kind, _resign(p, key), p["out_trade_no"], True)
    if kind == "not_success":
        p["trade_status"] = rng.choice(NOT_SUCCESS)
        return Forged(kind, _resign(p, key), p["out_trade_no"], True)
    if kind == "wrong_pid":
        p["pid"] = f"{good['pid']}9"
        return Forged(kind, _resign(p, key), p["out_trade_no"], True)
    raise ValueError(f"unknown adversarial kind {kind!r}; known: {', '.join(KINDS)}")


def tamper_kind(variants: list[str], money_delta: str) -> str | None:
    """The adversarial kind of a payment's own notify chain tampered by the `bad_sign`,
    `amount_off` or `missing_sign_type` knobs (first that applies), or None."""
    if "bad_sign" in variants:
        return "bad_sign"
    if "amount_off" in variants:
        return "underpaid" if Decimal(money_delta) < 0 else "overpaid"
    return "missing_sign_type" if "missing_sign_type" in variants else None

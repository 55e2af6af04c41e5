"""The buyer's side of the fake epay gateway, shared by every adapter: pay, and sign notifies.

Paying is not the shop's business, so adapters stop at `PaymentStart`;
`pay_at_gateway` takes the buyer from there to a paid payment for both
shapes (the shop's server created the payment, or the buyer posts the signed
form). `signed_notify` builds a notify the way the gateway would (epay MD5),
for the duplicate-notify probe.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from drill.targets._abilities import PayShape
from drill.targets._http import HttpClient
from drill.targets._steps import PaymentStart, StepFailed, StepUnknown, refuse
from drill.targets._world import Gateway

_TRADE_IN_URL = re.compile(r"/pay/([A-Za-z0-9_-]+)")
_HREF = re.compile(r"""href\s*=\s*['"]([^'"]+)['"]""")


def epay_sign(params: Mapping[str, object], key: str) -> str:
    """md5 of the sorted non-empty k=v pairs (no sign, sign_type) joined by & plus KEY."""
    pairs = [f"{k}={params[k]}" for k in sorted(params)
             if k not in ("sign", "sign_type") and params[k] is not None and str(params[k]) != ""]
    return hashlib.md5(("&".join(pairs) + key).encode("utf-8")).hexdigest()


def _trade_no_from(url: str) -> str | None:
    m = _TRADE_IN_URL.search(url)
    return m.group(1) if m else None


def _submit_form(http: HttpClient, start: PaymentStart) -> str:
    """Post the signed form to submit.php; the gateway's trade number (JSON or HTML reply)."""
    r = http.post(start.url, form=dict(start.fields), name="gateway_submit")
    if r.status != 200:
        raise refuse("pay", r, "submit.php")
    data = r.json()
    if isinstance(data, dict):
        if data.get("code") == 1 and data.get("trade_no"):
            return str(data["trade_no"])
        raise StepFailed("pay", f"submit.php refused: {data.get('msg')!r}", status=r.status)
    href = _HREF.search(r.text)
    trade_no = _trade_no_from(href.group(1)) if href else None
    if trade_no is None:
        raise StepUnknown("pay", f"submit.php answered neither JSON nor a redirect: "
                                 f"{r.text[:120]!r}", status=r.status)
    return trade_no


def pay_at_gateway(http: HttpClient, gateway: Gateway, start: PaymentStart) -> str:
    """Pay as the buyer would; the gateway's trade_no. Raises StepFailed / StepUnknown."""
    if start.shape is PayShape.BROWSER_FORM:
        trade_no = _submit_form(http, start)
    else:
        trade_no = start.trade_no or _trade_no_from(start.url) or ""
        if not trade_no:
            raise StepFailed("pay", f"the pay URL {start.url!r} names no gateway trade number "
                                    "(expected …/pay/<trade_no>)")
    r = http.post(f"{gateway.buyer_url}/pay/{trade_no}", form={}, name="gateway_pay")
    if r.status != 200:
        raise refuse("pay", r, f"paying trade {trade_no}")
    return trade_no


def gateway_payment(http: HttpClient, gateway: Gateway, trade_no: str) -> dict[str, Any] | None:
    """The gateway's record of one payment (from its ledger), or None."""
    offset = 0
    for _ in range(100):  # bounded: 100 pages of 1000
        r = http.get(f"{gateway.buyer_url}/_fake/ledger",
                     params={"kind": "payments", "offset": str(offset), "limit": "1000"})
        page = r.json() if r.status == 200 else None
        if not isinstance(page, dict):
            raise refuse("gateway_ledger", r, "reading the gateway's payments ledger")
        for item in page.get("items", []):
            if isinstance(item, dict) and item.get("trade_no") == trade_no:
                return item
        nxt = page.get("next_offset")
        if not isinstance(nxt, int) or nxt <= offset:
            return None
        offset = nxt
    return None


def signed_notify(gateway: Gateway, payment: Mapping[str, Any]) -> dict[str, str]:
    """The notify the gateway sends for a paid payment, signed with the merchant key."""
    params = {"pid": gateway.pid, "trade_no": str(payment["trade_no"]),
              "out_trade_no": str(payment["out_trade_no"]), "type": str(payment["type"]),
              "name": str(payment["name"]), "money": str(payment["money"]),
              "trade_status": "TRADE_SUCCESS"}
    if payment.get("param"):
        params["param"] = str(payment["param"])
    params["sign"] = epay_sign(params, gateway.key)
    params["sign_type"] = "MD5"
    return params

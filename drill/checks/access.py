"""access: no snooper sees a card or admin data.

A small share of the load's buyers are snoopers (process `snooper-*`): they
ask for orders and cards with no token, a wrong token or another order's
token, an empty, blank, half or case-swapped token, try neighbouring or guessed
order numbers, and call admin routes without the admin token, with an empty or
blank one, one in the query or another header, one-character tokens (a prefix
walk), and admin routes spelt another way (case, doubled or trailing slash),
recording what the shop answered like any op (drill/load/snooper.py):

    {"process": "snooper-3", "f": "snoop_order" | "snoop_cards" | "snoop_admin",
     "type": "ok" (2xx) | "fail" (refused, 4xx) | "info" (5xx, timeout),
     "value": {"order_no"?, "how": "no_token" | "wrong_token" | "other_token"
               | "neighbour" | "guessed" | "empty_token" | "blank_token" | "token_prefix"
               | "token_case" | "admin_no_token" | "admin_wrong_token" | "admin_empty_token"
               | "admin_blank_token" | "admin_query_token" | "admin_other_header"
               | "admin_prefix" | "admin_path_variant" (`//admin/orders` …), "route",
               "status", "sent"?: "1 chars, 'd'…", "cards"?: [...], "admin_items"?: N}}

Any card in a snooper's answer (parsed, or found in the reply excerpt of any status: a
404 that dumps the order row leaks as much as a 200), any victim's token or the shop's own
secret (admin token, gateway or supplier key: known by digest from meta.json) echoed back,
any 2xx on a cards route, any 2xx admin answer is a finding; the evidence names the
real order a leaked card belongs to. An order's status shown without its token is
counted, not judged. The `snoop_*` names keep snooper answers out of the buyer views
(`orders.order_index` would take a `fetch_card` op as the victim's own fetch).
"""

from __future__ import annotations

import re
from typing import Any

from drill.checks.evidence import as_int, buyer_orders, snooper_ops
from drill.checks.orders import example
from drill.checks.said import Said, said
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing
from drill.stack.credentials import MIN_SECRET_LEN, digest

ID = "access"
_WORD = re.compile(r"[A-Za-z0-9_\-]+")


def leak(op: Record, owner_of: dict[str, str], secrets_of: frozenset[str] = frozenset()
         ) -> Said | None:
    """What this snooper op saw that it must not have, or None."""
    value, f = op.get("value") or {}, str(op.get("f"))
    means = said("raw", text=value["how"]) if "how" in value else said("access.unknown_means")
    how = said("access.how", means=means, route=value.get("route", f))
    cards = seen_cards(value, owner_of)
    if cards:
        owners = sorted({owner_of[c] for c in cards if c in owner_of})
        if owners:
            return said("access.saw_whose", n=len(cards), how=how, owners=", ".join(owners))
        return said("access.saw", n=len(cards), how=how)
    secrets = echoed_secrets(value, secrets_of)
    if secrets:
        return said("access.secret_echoed", n=secrets, how=how, status=value.get("status", "?"))
    tokens = as_int(value.get("tokens_echoed"))
    if tokens:
        return said("access.token_echoed", n=tokens, how=how,
                    status=value.get("status", "?"))
    if op.get("type") != "ok":
        return None
    if "admin" in f:
        items = as_int(value.get("admin_items"))
        status = value.get("status", "2xx")
        if items is not None:
            return said("access.admin_items", status=status, how=how, items=items)
        return said("access.admin", status=status, how=how)
    if f in ("snoop_cards", "fetch_card"):
        return said("access.cards", status=value.get("status", "2xx"), how=how)
    return None


def seen_cards(value: dict[str, Any], owner_of: dict[str, str]) -> list[str]:
    """The cards a snooper's reply showed: parsed ones, else known codes in its excerpt."""
    return [str(c) for c in value.get("cards") or []] or echoed_cards(value, owner_of)


def echoed_cards(value: dict[str, Any], owner_of: dict[str, str]) -> list[str]:
    """Known card codes inside the reply's excerpt, whatever its status (a debug 404 page
    that dumps the order row)."""
    text = value.get("excerpt")
    if not isinstance(text, str) or not text:
        return []
    return sorted({w for w in _WORD.findall(text) if w in owner_of})


def echoed_secrets(value: dict[str, Any], digests: frozenset[str]) -> int:
    """How many of the shop's secrets (admin token, gateway key, supplier keys: meta.json's
    `secret_digests`) the reply's excerpt carries: a 401 that prints the expected token
    hands the snooper the back office."""
    text = value.get("excerpt")
    if not digests or not isinstance(text, str) or not text:
        return 0
    return len({w for w in _WORD.findall(text) if len(w) >= MIN_SECRET_LEN
                and digest(w) in digests})


def evidence(src: Sources, op: Record, why: Said, owner: str | None) -> dict[str, Any]:
    target = owner or str((op.get("value") or {}).get("order_no") or "")
    base = example(src, target, why) if target else {"order_no": None, "reason": why}
    return dict(base, snooper_op=op)


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.history is None:
        return missing(ID, "the buyer history")
    ops = [op for op in snooper_ops(src) if op.get("type") in ("ok", "fail", "info")]
    if not ops:
        return Verdict(ID, None, said("access.no_snoopers"))
    owner_of = {c: no for no, b in buyer_orders(src).items() for c in b.codes()}
    secrets_of = frozenset(str(d) for d in src.meta.get("secret_digests") or ())
    counts = dict.fromkeys(("attempts", "refused", "unanswered", "order_status_disclosed",
                            "leaks"), 0)
    bad: list[dict[str, Any]] = []
    for op in sorted(ops, key=lambda o: float(o.get("time") or 0.0)):
        counts["attempts"] += 1
        counts["refused"] += op.get("type") == "fail"
        counts["unanswered"] += op.get("type") == "info"
        why = leak(op, owner_of, secrets_of)
        if why is None:
            counts["order_status_disclosed"] += (op.get("type") == "ok"
                                                 and op.get("f") == "snoop_order")
            continue
        counts["leaks"] += 1
        if len(bad) < MAX_EXAMPLES:
            cards = seen_cards(op.get("value") or {}, owner_of)
            bad.append(evidence(src, op, why, next((owner_of[c] for c in cards
                                                    if c in owner_of), None)))
    if bad:
        return Verdict(ID, False, said("access.fail", **counts), bad, counts)
    return Verdict(ID, True, said("access.ok", **counts), [], counts)

"""mail-recipient: every mail about an order goes to that order's buyer, with its codes only, all.

"Who may see what" for the mail path: a delivery mail carries the codes in its
body, so one sent to another buyer's address hands them a stranger's goods (a
reused mail object across a batch, a wrong join). Outside records only: the
contact each buyer sent in `create_order` (buyer history, `value.contact`), the
IM/mail sink's mails (`ledgers/sink-mails.jsonl`: `to` / `rcpt_tos`, `order_no`,
`kind`, `body`), and which order each code belongs to (the codes its buyer fetched,
the codes a supplier sold for it). A mail is wrong when it names an order and goes
to an address other than that order's contact, or when its body carries a code of
another order, or when it is a delivery mail carrying some of the codes its buyer
fetched but not all of them. Mails the shop's export lists are not read: the sink saw what left.
A shop that mails deliveries (any delivery mail reached the sink) owes one to every order its
buyer saw delivered: a delivered order with none is a finding too (a batch cursor that skips
a row). Only that finding is excused on a saturated box (the outbox may just be late); a
wrong mail never is (`wrong_answers`).
"""

from __future__ import annotations

import re
from typing import Any

from drill.checks.evidence import buyer_orders, end_time, real_buyer_ops
from drill.checks.no_double_purchase import effective
from drill.checks.orders import example, group_purchases
from drill.checks.said import said
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "mail-recipient"
MAIL_GRACE_S = 3.0  # a delivery mail follows its delivery within this (outbox and SMTP)
WRONG = "wrong_answers"  # drill.analyze: findings a saturated box cannot explain
_WORD = re.compile(r"[^\s,;:()（）：，、\"'<>]+")


def contacts(src: Sources) -> dict[str, str]:
    """order_no -> the contact its buyer sent when creating it (buyer history)."""
    out: dict[str, str] = {}
    for op in real_buyer_ops(src):
        value = op.get("value") or {}
        if op.get("f") == "create_order" and op.get("type") == "ok" and value.get("contact"):
            out[str(value.get("order_no"))] = str(value["contact"])
    return out


def code_owners(src: Sources) -> dict[str, str]:
    """code -> the order it belongs to: what its buyer fetched, what a supplier sold for it."""
    out = {c: no for no, b in buyer_orders(src).items() for c in b.codes()}
    for no, items in group_purchases(src).items():
        for _name, p in items:
            if effective(p):
                out.update((str(c), no) for c in p.get("codes") or [])
    return out


def recipients(m: Record) -> list[str]:
    tos = m.get("rcpt_tos")
    found = [str(t) for t in tos] if isinstance(tos, list) and tos else []
    return found or ([str(m["to"])] if m.get("to") else [])


def _same(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def short(m: Record, no: str, words: set[str], codes_of: dict[str, set[str]]) -> str | None:
    """Why a delivery mail is short of its order's codes, or None: it carries some of the
    codes the buyer fetched but not all (a template that prints `codes[0]`). A mail with
    none of them is a plain 'delivered' notice, a design and not a lie."""
    if m.get("kind") != "delivery" or no not in codes_of:
        return None
    codes = codes_of[no]
    carried = codes & words
    if not carried or carried == codes:
        return None
    return said("mail-recipient.short", no=no, n=len(carried), total=len(codes),
                missing=", ".join(sorted(codes - carried)[:3]))


def problem(m: Record, contact_of: dict[str, str], owner_of: dict[str, str],
            codes_of: dict[str, set[str]] | None = None) -> tuple[str, str] | None:
    """(order the mail is about, why it is wrong), or None."""
    no = str(m.get("order_no") or "")
    to = recipients(m)
    words = set(_WORD.findall(str(m.get("body") or "")))
    foreign = sorted({owner_of[w] for w in words if w in owner_of and owner_of[w] != no})
    if no and no in contact_of and to and not all(_same(t, contact_of[no]) for t in to):
        return no, said("mail-recipient.to_stranger", kind=m.get("kind") or "mail", no=no,
                        to=", ".join(to), contact=contact_of[no])
    if foreign:
        whose = [o for o in foreign if o in contact_of and not any(
            _same(t, contact_of[o]) for t in to)]
        if whose or no:
            about = said("mail-recipient.about", no=no) if no else ""
            return foreign[0], said("mail-recipient.foreign_codes", kind=m.get("kind") or "mail",
                                    to=", ".join(to) or "?", about=about,
                                    orders=", ".join(foreign))
    why = short(m, no, words, codes_of or {})
    return (no, why) if why else None


def unmailed(src: Sources, mails: list[Record], contact_of: dict[str, str]) -> list[str]:
    """Orders their buyers saw delivered, MAIL_GRACE_S before the run ended, with no delivery
    mail; none when the shop mails no delivery at all (a shop without delivery mails)."""
    mailed = {str(m.get("order_no")) for m in mails if m.get("kind") == "delivery"}
    if not mailed:
        return []
    last = end_time(src) - MAIL_GRACE_S
    return sorted(no for no, b in buyer_orders(src).items()
                  if no in contact_of and no not in mailed
                  and (seen := b.goods_seen_at()) is not None and seen <= last)


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.mails is None or src.history is None:
        needed = (("the sink mail ledger", src.mails), ("the buyer history", src.history))
        return missing(ID, *[name for name, value in needed if value is None])
    if not src.mails:
        return Verdict(ID, True, said("mail-recipient.no_mail"), [], {"mails": 0})
    contact_of = contacts(src)
    if not contact_of:
        return Verdict(ID, None, said("mail-recipient.no_contact"))
    owner_of = code_owners(src)
    codes_of = {no: set(b.codes()) for no, b in buyer_orders(src).items() if b.codes()}
    counts = dict.fromkeys(("mails", "about_known_orders", "wrong", "unmailed"), 0)
    bad: list[dict[str, Any]] = []
    for m in sorted(src.mails, key=lambda r: float(r.get("at") or 0.0)):
        counts["mails"] += 1
        counts["about_known_orders"] += str(m.get("order_no") or "") in contact_of
        found = problem(m, contact_of, owner_of, codes_of)
        if found is None:
            continue
        counts["wrong"] += 1
        if len(bad) < MAX_EXAMPLES:
            bad.append(dict(example(src, found[0], found[1]), mail={
                k: m.get(k) for k in ("to", "rcpt_tos", "order_no", "kind", "subject", "at")}))
    counts[WRONG] = counts["wrong"]
    missed = unmailed(src, src.mails, contact_of)
    counts["unmailed"] = len(missed)
    bad += [example(src, no, said("mail-recipient.unmailed", no=no))
            for no in missed[:max(0, MAX_EXAMPLES - len(bad))]]
    if bad:
        return Verdict(ID, False, said("mail-recipient.wrong", **counts), bad, counts)
    return Verdict(ID, True, said("mail-recipient.ok", **counts), [], counts)

"""double-payment: an order paid twice at the gateway keeps one payment; every other is
refunded at the gateway or escalated with a `refund_needed` alert.

Outside records only. The gateway's payments ledger lists every paid trade with its
out_trade_no; a refund the shop asked for (api.php?act=refund) is on the trade's own
row (`refunded`). A trade counts once the shop was told of it: one of its genuine
notifies reached the shop. (An order query answers one trade per order, and a shop
asks only about unpaid orders: when the first payment's notify was lost and the
second paid the order, the shop never heard of the first.) Of n told trades, n - 1
must be refunded in full, or each
trade kept beyond the first must be escalated: a `refund_needed` post the robot
accepted that names the order or the trade, or (the shop keeps one alert per rule
and window, so a later order's alert may be folded into an earlier one) a
`refund_needed` post landed no earlier than one alert window before the payment.
Refunding every payment of an order whose buyer got goods is a finding too, and so is
refunding the trade that paid the order (the first the shop acknowledged with `success`)
while keeping a later one: the order's books then point at money given back.
"""

from __future__ import annotations

from decimal import Decimal

from drill.checks.alert_posts import posts
from drill.checks.evidence import as_float, buyer_orders, money
from drill.checks.gateway_evidence import is_genuine
from drill.checks.orders import PAID_STATES, example
from drill.checks.said import Said, said
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import MAX_EXAMPLES, Verdict, missing

ID = "double-payment"
RULE = "refund_needed"
REACHED = frozenset({"success", "fail", "timeout"})  # the shop got the request
TOGETHER_S = 0.1  # two trades acknowledged (replied) this close: which one paid is the shop's


def paid_trades(src: Sources) -> dict[str, list[Record]]:
    """out_trade_no -> its paid trades in payment order, for orders paid two or more times
    (one pass, one dict entry per order: a million-order ledger stays cheap)."""
    first: dict[str, Record] = {}
    multi: dict[str, list[Record]] = {}
    for p in src.payments or []:
        no = p.get("out_trade_no")
        if not no or not (p.get("status") in PAID_STATES or p.get("paid_at")):
            continue
        key = str(no)
        if key in first:
            multi.setdefault(key, [first[key]]).append(p)
        else:
            first[key] = p
    return {no: sorted(ps, key=lambda p: as_float(p.get("paid_at")) or 0.0)
            for no, ps in multi.items()}


def told(src: Sources, trades: set[str]) -> set[str]:
    """Those of `trades` a genuine notify of which reached the shop."""
    if not trades:
        return set()
    return {t for n in src.notifies or [] if (t := str(n.get("trade_no"))) in trades
            and is_genuine(n) and n.get("outcome") in REACHED}


def paying_trades(src: Sources, trades: set[str]) -> dict[str, str]:
    """out_trade_no -> the trade of `trades` whose genuine notify the shop acknowledged first
    (`success`): the payment the order was marked paid, and delivered, on. Left out when
    another trade was acknowledged within TOGETHER_S (concurrent notifies: the gateway's
    send order says nothing of which commit won)."""
    acks: dict[str, dict[str, float]] = {}
    for n in src.notifies or []:
        trade = str(n.get("trade_no"))
        if trade not in trades or n.get("outcome") != "success" or not is_genuine(n):
            continue
        at = (as_float(n.get("at")) or 0.0) + (as_float(n.get("latency_ms")) or 0.0) / 1000
        first = acks.setdefault(str(n.get("out_trade_no")), {})
        first[trade] = min(at, first.get(trade, at))
    out: dict[str, str] = {}
    for no, first in acks.items():
        order = sorted(first.items(), key=lambda item: item[1])
        if len(order) == 1 or order[1][1] - order[0][1] > TOGETHER_S:
            out[no] = order[0][0]
    return out


def refunded(p: Record) -> bool:
    got, paid = money(p.get("refunded")), money(p.get("money"))
    return got is not None and paid is not None and got >= paid > Decimal(0)


def alerts(src: Sources) -> list[tuple[float, str]]:
    """(at, text) of every landed refund_needed post."""
    return [(at, text) for (rule, _channel, _robot), sent in posts(src).items() if rule == RULE
            for at, accepted, text in sent if accepted]


def escalated(no: str, p: Record, posts: list[tuple[float, str]], window_s: float) -> str | None:
    """How the kept trade `p` of order `no` was escalated ('named', 'window'), or None."""
    trade = str(p.get("trade_no"))
    if any(no in text or trade in text for _at, text in posts):
        return "named"
    paid_at = as_float(p.get("paid_at")) or 0.0
    return "window" if any(at >= paid_at - window_s for at, _text in posts) else None


def judge(no: str, trades: list[Record], posts: list[tuple[float, str]], window_s: float,
          got_goods: bool, paying: str | None = None) -> tuple[str, Said]:
    """(outcome, what happened) of one order paid n >= 2 times; `kept`, `refunded_all` and
    `refunded_paying` are findings."""
    back = [p for p in trades if refunded(p)]
    kept = [p for p in trades if not refunded(p)]
    if kept and paying is not None and any(str(p.get("trade_no")) == paying for p in back):
        return "refunded_paying", said("double-payment.refunded_paying", trade=paying,
                                       kept=", ".join(str(p.get("trade_no")) for p in kept))
    if not kept:
        if got_goods:
            return "refunded_all", said("double-payment.refunded_all", n=len(trades))
        return "refunded", said("double-payment.refunded", n=len(trades) - 1)
    extra = kept[1:]
    how = [escalated(no, p, posts, window_s) for p in extra]
    if any(h is None for h in how):
        trades_kept = ", ".join(str(p.get("trade_no")) for p, h in zip(extra, how, strict=True)
                                if h is None)
        return "kept", said("double-payment.kept", n=len(trades), refunded=len(back),
                            trades=trades_kept)
    if not extra:
        return "refunded", said("double-payment.refunded", n=len(back))
    return ("alerted" if all(h == "named" for h in how) else "alerted_window"), said(
        "double-payment.alerted", n=len(extra))


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.payments is None or src.notifies is None:
        needed = (("the gateway payments ledger", src.payments),
                  ("the gateway notify ledger", src.notifies))
        return missing(ID, *[name for name, value in needed if value is None])
    twice = paid_trades(src)
    heard = told(src, {str(p.get("trade_no")) for ps in twice.values() for p in ps})
    orders = {no: [p for p in ps if str(p.get("trade_no")) in heard]
              for no, ps in twice.items()}
    orders = {no: ps for no, ps in orders.items() if len(ps) > 1}
    counts = dict.fromkeys(("orders_paid_twice", "extra_payments", "refunded", "alerted",
                            "alerted_window", "kept", "refunded_all", "refunded_paying"), 0)
    if not orders:
        return Verdict(ID, True, said("double-payment.none"), [], counts)
    if src.messages is None and any(not refunded(p) for ps in orders.values() for p in ps[1:]):
        return missing(ID, "the IM sink ledger (messages)")
    posts, buyers = alerts(src), buyer_orders(src)
    paying = paying_trades(src, {str(p.get("trade_no")) for ps in orders.values() for p in ps})
    window = spec.alert_window_s or 600.0
    bad: list[tuple[str, Said]] = []
    for no, trades in sorted(orders.items()):
        counts["orders_paid_twice"] += 1
        counts["extra_payments"] += len(trades) - 1
        b = buyers.get(no)
        outcome, why = judge(no, trades, posts, window,
                             b is not None and b.goods_seen_at() is not None, paying.get(no))
        counts[outcome] += 1
        if outcome in ("kept", "refunded_all", "refunded_paying"):
            bad.append((no, why))
    if bad:
        return Verdict(ID, False, said("double-payment.fail", bad=len(bad), **counts),
                       [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]], counts)
    return Verdict(ID, True, said("double-payment.ok", **counts), [], counts)

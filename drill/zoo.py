"""The bug zoo: every known delivery defect, the drill that must expose it, and its runner.

Each entry names a defect flag of the reference service (delivery/defects.py,
CONTRACTS §6), the real bug it reproduces, the scenario whose faults expose
it, and the oracle check that must go red. `harness.py zoo` runs every defect
against its scenario, and the clean service against every scenario used
(drill/cli.py `cmd_zoo`); it exits 0 only when every defect is caught and every
clean run passes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

from drill.errors import DrillError
from drill.options import RunOptions
from drill.zoo_holdout import CAUGHT as HOLDOUT_CAUGHT
from drill.zoo_holdout import MISSES as HOLDOUT_MISSES
from drill.zoo_round5 import ROUND5_CAUGHT, ROUND5_MISSES
from drill.zoo_round6 import ROUND6_CAUGHT, ROUND6_MISSES
from drill.zoo_round7 import ROUND7_CAUGHT, ROUND7_MISSES


@dataclass(frozen=True)
class Defect:
    name: str       # the flag in delivery/defects.py
    scenario: str   # scenarios/<scenario>.toml exposes it
    check: str      # this check id must fail
    bug: str        # the real-world bug it models
    also: tuple[str, ...] = ()  # other checks the same bug rightly turns red (and no others)


ZOO: tuple[Defect, ...] = (
    Defect("dup-notify-redeliver", "callback-flaky", "no-duplicate",
           "dujiaoka #328/#97: a repeated payment notify re-runs delivery, several keys per order"),
    Defect("no-key-cas", "worker-crash", "no-duplicate",
           "dujiaoka's missing locks: plain SELECT, then UPDATE of unsold keys: one key, "
           "two buyers"),
    Defect("no-stock-lock", "stock-exhausted", "no-oversell",
           "dujiaoka: stock checked at order time but never reserved, buyers pay for keys "
           "that are gone (超卖)"),
    Defect("supplier-no-idempotency", "supplier-reject", "no-double-purchase",
           "a fresh request id on every retry: a timed-out purchase that committed upstream "
           "is bought again"),
    Defect("reject-after-commit-fails", "supplier-reject", "no-double-purchase",
           "acg-faka request_no rejection: after a commit-then-timeout the retry is refused "
           "('The request ID already exists') and the shop gives up on keys it paid for"),
    Defect("no-failover", "supplier-outage", "failover",
           "a single upstream: the primary goes dark and nothing falls back to the backup"),
    Defect("retry-storm", "supplier-errors", "retries",
           "retries without backoff or budget hammer a slow supplier (self-inflicted DoS)"),
    Defect("no-reconcile", "callback-flaky", "no-loss",
           "acg-faka #103 / dujiaoka #330: the notify never arrives and nobody queries the "
           "gateway, paid orders stay unpaid"),
    Defect("ack-before-deliver", "worker-crash", "no-loss",
           "dujiaoka #93: the job is acknowledged before delivery, a worker crash loses it"),
    Defect("manual-not-idempotent", "manual-race", "no-duplicate",
           "card-system #460/#4: a manual (re)delivery burns a fresh key for a delivered order"),
    Defect("alert-never-fires", "delivery-delay", "alerts",
           "paid orders pile up undelivered and the stuck-orders alert stays silent"),
    Defect("alert-every-tick", "delivery-delay", "alerts",
           "the alert is not de-duplicated per rule and window: it fires on every monitor tick"),
    Defect("no-delay-notice", "delivery-delay", "buyer-notice",
           "buyers of delayed orders are never told (no 'your order is delayed' mail)"),
)

BY_NAME = {d.name: d for d in ZOO}


def scenarios_of(defects: tuple[Defect, ...] | list[Defect]) -> list[str]:
    """Distinct scenarios in registry order."""
    return list(dict.fromkeys(d.scenario for d in defects))


def selected(only: list[str] | None) -> list[Defect]:
    """The defects `--only` names (all without it; a known miss only by name); an unknown name
    is a usage error."""
    unknown = [n for n in only or [] if n not in BY_NAME and n not in MISSES_BY_NAME]
    if unknown:
        raise DrillError(f"unknown defect(s) {', '.join(unknown)}",
                         hint="see `harness.py defects` for the zoo")
    if not only:
        return list(ZOO)
    return [BY_NAME.get(n) or MISSES_BY_NAME[n] for n in only]  # a known miss: reported NO


@dataclass
class Outcome:
    scenario: str
    defect: str | None
    expected: str | None            # the check that must fail (None: clean run, all must pass)
    verdict: str                    # the run's Analysis.overall
    failed: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    run_dir: str = ""
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        if self.defect is None:
            return self.exit_code == 0 and self.verdict == "pass"
        return self.exit_code == 1 and self.expected in self.failed


def needs_db(scenario: str, db_url: str | None) -> str | None:
    """The --db a scenario needs when `db_url` is not one it runs on (its `requires_db`: a
    fault on the shop's own database link needs a server database), else None."""
    from drill.faults.plan import DB_EXAMPLES, db_kind
    from drill.scenario import load_scenario

    needs = load_scenario(scenario).requires_db
    return None if not needs or db_kind(db_url) in needs else DB_EXAMPLES[needs[0]]


def run_case(scenario: str, defect: Defect | None, opts: RunOptions,
             overrides: dict[str, Any] | None = None) -> Outcome:
    """One drill through the same code path as `harness.py run` (drill.run.Run); the defect
    (if any) is added to the options' defects."""
    from drill.run import Run
    from drill.scenario import load_scenario

    t0 = time.monotonic()
    s = load_scenario(scenario, db_url=opts.db, for_run=True, **(overrides or {}))
    defects = (*opts.defects, defect.name) if defect else opts.defects
    result = Run(s, replace(opts, defects=defects, fancy=False)).execute()
    a = result.analysis
    return Outcome(scenario, defect.name if defect else None, defect.check if defect else None,
                   a.overall, a.failed, round(time.monotonic() - t0, 1), str(result.run_dir),
                   result.exit_code)


# -- issue 11, adversarial gateway and messages (helper "adversarial") -------------------
# `also`: the other checks guarding the same invariant that may fire with it (money <->
# goods is guarded from the money side and the protocol side).
ZOO = (*ZOO,
    Defect("notify-ignores-amount", "forged-notify", "money-goods",
           "kamiFaka 43152a4 (research/kamifaka.md): the epay notify's money is never compared "
           "with the order; a notify paying 0.01 on a 2.50 order delivers",
           also=("gateway-protocol",)),
    Defect("notify-always-success", "forged-notify", "gateway-protocol",
           "kamiFaka (research/kamifaka.md): /notify/epay answers `success` to everything, a bad "
           "signature, an unknown order, WAIT_BUYER_PAY, so a refused notify is never retried"),
    Defect("trade-no-not-bound", "forged-notify", "money-goods",
           "dujiao-next #295 (one connection could update another's order) / dujiaoka, which "
           "checks only the order's status: a trade number already paid for another order "
           "pays this one too (acg-faka's anti-replay trade_no check is what is missing)",
           also=("gateway-protocol",)),
    Defect("dup-notify-fail", "forged-notify", "gateway-protocol",
           "dujiaoka (completed order throws, every duplicate gets `fail`, Alipay retries 25 h) "
           "and acg-faka ('重复通知' fail), domain-faka.md §1.5"),
    Defect("alert-throttle-ignored", "forged-notify", "messages",
           "robot posts judged by HTTP status only: DingTalk/WeCom throttle with HTTP 200 and "
           "errcode 130101/45009 (domain-faka.md §4.3), so a throttled alert counts as sent "
           "and never lands"),
    Defect("delay-notice-from-creation", "expiry-late", "messages",
           "the delay clock keyed on the order's created_at, as dujiaoka keys its order jobs "
           "(OrderExpired queued at creation): a buyer who pays after expiry is told of a delay "
           "the moment the money arrives"),
    Defect("delay-notice-repeats", "delivery-delay", "messages",
           "dujiao-next #99 (a 30-min alert fired every 5 min): the notice is remembered for "
           "one period only, so a waiting buyer is told again every period"),
)
# -- issue 11, helper supplier-async: suppliers as wholesalers, buyer truth, stock, access ----
ZOO = (*ZOO,
    Defect("supplier-qty-one", "supplier-async", "supplier-quantity",
           "a docking integration that drops `quantity` from the upstream purchase (the "
           "supplier's default is 1): a 3-key order is bought, and delivered, as one key",
           also=("buyer-truth",)),
    Defect("not-found-rebuys", "supplier-async", "no-double-purchase",
           "gift-card wholesalers answer '9 未查到订单' (not found) while an order is still "
           "processing and warn it is no failure (domain-faka §3.3); a shop that takes it for "
           "failure buys the order again at the backup, and the primary delivers it too",
           also=("supplier-quantity",)),
    Defect("no-failback", "supplier-failback", "failback",
           "a circuit breaker with no half-open state: once the primary tripped it, every "
           "order keeps going to the backup long after the primary recovered"),
    Defect("partial-as-delivered", "supplier-async", "buyer-truth",
           "card-system #460 ('您还有N件未发货') / acg-faka's short orders marked done: a "
           "partially fulfilled purchase is shown delivered with fewer keys than paid for"),
    Defect("cards-by-order-no", "smoke", "access",
           "kamiFaka /api/v2/get_card: the cards of an order are shown for its order number "
           "alone, no token (and the client picks the order number)"),
    Defect("expired-keys-kept", "abandoned-checkouts", "stock-conservation",
           "dujiaoka #106 / #328: keys reserved by unpaid orders never come back at expiry, "
           "the product shows sold out while keys sit unused"),
)
# -- issue 11, round-2 holdout misses closed: the evidence was in the records, unjudged -------
ZOO = (*ZOO,
    Defect("mail-first-code", "delivery-delay", "mail-recipient",
           "a delivery-mail template that prints `codes[0]` (zfaka #128's one-key display, in "
           "the mail): a buyer of three keys is mailed one"),
    Defect("admin-401-echoes-token", "smoke", "access",
           "debug refusals that print what was expected (dujiaoka's APP_DEBUG pages, acg-faka "
           "#767): the admin route's 401 names the admin token to whoever asks"),
    Defect("manual-keeps-status", "manual-race", "no-loss",
           "a 手动发货 handler that shows the operator the keys and logs them but never moves "
           "the order (dujiao-next's manual-delivery reports): the buyer's page stays 'paid'"),
)
# -- issue 11, helper holdout: defects written without reading the checks, measured first -----
ZOO = (*ZOO, *(Defect(*e) for e in (*HOLDOUT_CAUGHT, *ROUND5_CAUGHT, *ROUND6_CAUGHT,
                                    *ROUND7_CAUGHT)))
KNOWN_MISSES: tuple[Defect, ...] = tuple(Defect(*e) for e in (*HOLDOUT_MISSES, *ROUND5_MISSES,
                                                               *ROUND6_MISSES, *ROUND7_MISSES))
BY_NAME = {d.name: d for d in ZOO}
MISSES_BY_NAME = {d.name: d for d in KNOWN_MISSES}

# issue 11's defects must fail no check but the expected one and those in their `also`.
ISSUE_11 = frozenset({
    "notify-ignores-amount", "notify-always-success", "trade-no-not-bound", "dup-notify-fail",
    "alert-throttle-ignored", "delay-notice-from-creation", "delay-notice-repeats",
    "supplier-qty-one", "not-found-rebuys", "no-failback", "partial-as-delivered",
    "cards-by-order-no", "expired-keys-kept"})
ONLY_EXPECTED = ISSUE_11
ALSO_FIRES: dict[str, tuple[str, ...]] = {d.name: d.also for d in ZOO if d.also}

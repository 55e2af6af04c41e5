"""Holdout round 7 (2026-12-04, helper holdout7): twelve defects written blind to the checks,
each measured once on the drill named before running (docs/zoo-holdout.md, Round 7).

Its own module only for size; `drill.zoo` joins it to the earlier rounds. An entry's scenario
is the drill that caught it, or for a miss the first pick.
"""

from __future__ import annotations

from drill.zoo_holdout import Entry

ROUND7_CAUGHT: tuple[Entry, ...] = (
    Entry("price-of-first-product", "smoke", "money-goods",
          "the order amount priced from the catalogue's first entry (jigoshop #693: the price "
          "on the page right, the price in the cart wrong): App Store 100 sold for 50.00"),
    Entry("supplier-failure-left-paid", "stock-exhausted", "no-loss",
          "a supplier purchase failed for good ends the job as failed, the order stays paid "
          "and no one is told (Kinguin-eCommerce-API #34: the buyer 'still waiting for key')",
          also=("alerts", "messages")),
    Entry("order-no-per-ms", "flash-sale", "thresholds",
          "the order number is the millisecond clock alone (bagisto #3902, woocommerce #13122): "
          "buyers in the same millisecond collide on the key, their orders fail with HTTP 500",
          also=("no-loss", "latency", "completion", "gateway-protocol")),
    # caught since (lead, session 10): buyers record when their last "not yet" poll went and
    # buyer-truth judges it against the delivered_at the shop's own later reply carried
    Entry("status-cached-stale", "smoke", "buyer-truth",
          "the status JSON kept 10 s by an edge cache (CoreScope #1551): buyers told 'not "
          "delivered' by polls sent up to 9 s after the shop's own delivered_at stamp"),
    # measured on a main without miss6a's per-channel rule; on main with it (20:24, lead) the
    # drill fails messages alone: the alert owed on telegram never landed there
    Entry("alert-body-first-channel", "delivery-delay", "messages",
          "the alert body shaped for the first robot posted to all (Wallos #1212): Telegram "
          "refuses it and never gets the alert, its post left retrying"),
    # closed since by helper w7a: 15 % of the buyers come back as a recent buyer (drill/load/mix.py)
    Entry("delay-notice-per-contact", "delivery-delay", "buyer-notice",
          "the delay mail de-duplicated on the recipient (flarum #4989): a returning buyer's "
          "second late order collides on the mail key, the notice pass fails from then on: "
          "26 of 34 late orders unnoticed",
          also=("messages",)),
    # closed since by helper w7a: a fifth of the payments notify TRADE_FINISHED (knob finished)
    Entry("notify-finished-refused", "callback-flaky", "gateway-protocol",
          "only TRADE_SUCCESS counts as paid (omnipay-global-alipay #26): a genuine "
          "TRADE_FINISHED notify refused, 75 answers on 41 orders (forged-notify: 87 on 18)"),
    # caught since helper w7b: supplier-async's wait deadline (processing_wait_s 100 scenario
    # s) now falls inside the primary's processing time (60-120 s), so about a sixth of its
    # purchases reach it; the clean shop cancels first (~20 cancels a run, quiet, seeds 1-3, 41)
    Entry("processing-deadline-clear", "supplier-async", "no-double-purchase",
          "a purchase still processing at the wait deadline bought elsewhere (pagarme-magento "
          "#299): the late primary delivers too, the units are bought twice",
          also=("supplier-quantity",)),
)
ROUND7_MISSES: tuple[Entry, ...] = (
    Entry("refund-refusal-retried", "callback-flaky", "double-payment",
          "a refund refusal retried like a network error, no alert (adyen-magento #631): the "
          "refused refunds went through on a later try, every second payment given back"),
    Entry("reconcile-pending-only", "callback-flaky", "no-loss",
          "the lost-payment query asks about pending orders only (be-BOP #2738): every lost "
          "notify was reconciled long before its order expired, unexercised"),
    Entry("health-ignores-timeouts", "supplier-hang", "alerts",
          "timeouts counted as healthy in the supplier error rate (linkerd2 #8915): the "
          "breaker-open rule and the breaker_open calls raise supplier_health all the same"),
    # exercised since helper w7b (supplier-5xx, a full 5xx outage the breaker check counts on
    # the supplier ledger) but not caught: the 5xx leaves the purchase uncertain, the shop's
    # lookups fail too and trip the breaker anyway (15 dials of 16 allowed; clean 2)
    Entry("breaker-5xx-success", "supplier-errors", "breaker",
          "an HTTP 5xx answer counts as a breaker success (resilience4j #1805): supplier-errors "
          "answers 429; on supplier-5xx the failed lookups open the breaker all the same"),
)

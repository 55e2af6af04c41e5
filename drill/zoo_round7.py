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
    # caught since helper w7b: supplier-async's wait deadline (processing_wait_s 100 scenario
    # s) now falls inside the primary's processing time (60-120 s), so about a sixth of its
    # purchases reach it; the clean shop cancels first (~20 cancels a run, quiet, seeds 1-3, 41)
    Entry("processing-deadline-clear", "supplier-async", "no-double-purchase",
          "a purchase still processing at the wait deadline bought elsewhere (pagarme-magento "
          "#299): the late primary delivers too, the units are bought twice",
          also=("supplier-quantity",)),
)
ROUND7_MISSES: tuple[Entry, ...] = (
    Entry("notify-finished-refused", "callback-flaky", "no-loss",
          "only TRADE_SUCCESS counts as paid (omnipay-global-alipay #26): the gateway sends no "
          "TRADE_FINISHED notify on callback-flaky nor forged-notify, unexercised"),
    Entry("refund-refusal-retried", "callback-flaky", "double-payment",
          "a refund refusal retried like a network error, no alert (adyen-magento #631): the "
          "refused refunds went through on a later try, every second payment given back"),
    Entry("reconcile-pending-only", "callback-flaky", "no-loss",
          "the lost-payment query asks about pending orders only (be-BOP #2738): every lost "
          "notify was reconciled long before its order expired, unexercised"),
    Entry("status-cached-stale", "smoke", "buyer-truth",
          "the status JSON kept 10 s by an edge cache (CoreScope #1551): 24 of 179 buyers saw "
          "their goods 10.5 s after delivery, within the 20 s poll timeout, unjudged"),
    Entry("health-ignores-timeouts", "supplier-hang", "alerts",
          "timeouts counted as healthy in the supplier error rate (linkerd2 #8915): the "
          "breaker-open rule and the breaker_open calls raise supplier_health all the same"),
    # exercised since helper w7b (supplier-5xx, a full 5xx outage the breaker check counts on
    # the supplier ledger) but not caught: the 5xx leaves the purchase uncertain, the shop's
    # lookups fail too and trip the breaker anyway (15 dials of 16 allowed; clean 2)
    Entry("breaker-5xx-success", "supplier-errors", "breaker",
          "an HTTP 5xx answer counts as a breaker success (resilience4j #1805): supplier-errors "
          "answers 429; on supplier-5xx the failed lookups open the breaker all the same"),
    Entry("alert-body-first-channel", "delivery-delay", "messages",
          "the alert body shaped for the first robot posted to all (Wallos #1212): Telegram "
          "refuses it and never gets the alert, its post left retrying; unjudged"),
    Entry("delay-notice-per-contact", "delivery-delay", "buyer-notice",
          "the delay mail de-duplicated on the recipient (flarum #4989): every buyer of the "
          "drill has one order, unexercised"),
)

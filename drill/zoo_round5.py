"""Holdout round 5 (2026-12-04, helper holdout5): twelve defects written blind to the checks,
each measured once on the drill named before running (docs/zoo-holdout.md, Round 5).

Its own module only for size; `drill.zoo` joins it to the earlier rounds of drill/zoo_holdout.py.
"""

from __future__ import annotations

from drill.zoo_holdout import Entry

ROUND5_CAUGHT: tuple[Entry, ...] = (
    Entry("amount-compared-as-int", "forged-notify", "money-goods",
          "the paid amount and the order's compared after an (int) cast (rxtrax/tracking #99, "
          "authnetcim #19: money compared after a lossy conversion): an underpayment by cents "
          "is applied as paid in full",
          also=("gateway-protocol",)),
    Entry("notify-pid-unchecked", "forged-notify", "gateway-protocol",
          "the notify's sign verified, its pid (merchant id) never compared (epay ports that "
          "copy the SDK's verifyNotify only): a notify for another merchant id is applied",
          also=("money-goods",)),
    Entry("delivery-mail-after-delay-skipped", "delivery-delay", "mail-recipient",
          "one 'mail sent' flag an order for every kind of mail (vormix/PHP-Ecommerce #41 "
          "is_email_sent): a buyer who got the delay notice never gets the mail with the codes"),
    Entry("admin-token-prefix", "smoke", "access",
          "the admin token compared over the length of what was sent (strncmp, tinyproxy "
          "#160): any prefix is the admin; caught since the snoopers' prefix walk (a "
          "one-character token answered 200 on /admin/alerts)"),
    Entry("expired-shown-pending", "expiry-late", "buyer-truth",
          "the buyer's page says 待支付 for an order that expired (open-event-frontend #3234, "
          "SSRPanel #767); caught since buyers back after the expiry look at their order "
          "(look_order) and buyer-truth judges a payable status shown past the deadline"),
    Entry("expiry-sweeps-paid", "expiry-late", "no-loss",
          "the unpaid-order sweep also expires paid orders not yet delivered (woocommerce-"
          "gateway-stripe #3037, woocommerce #20928): paid, then 'cancelled – time limit'; "
          "caught since expiry-late stalls its worker past the expiry (paid orders held)",
          also=("buyer-truth", "buyer-notice", "messages")),
    Entry("worker-concurrency-one", "supplier-slow", "latency",
          "the delivery queue worker runs one job at a time whatever the setting (dujiaoka "
          "#240, supervisor numprocs=1): one slow supplier call holds every order behind it; "
          "caught since supplier-slow bounds the wait before the first supplier call "
          "(delivery_start_p99 < 1.5 s)"),
    # caught since 3f46019 (2026-12-04 session 10): the clean drill's own manual escalations
    # (3-key orders out of purchases) are gone, 4 clean seeds pass, so its red is the defect's
    Entry("partial-status-unknown", "supplier-async", "alerts",
          "the supplier client does not know `partially_delivered` and reads it as a bad reply "
          "(Sylius #8718, an unknown partially_shipped state): partly fulfilled orders are "
          "retried, then left in manual handling with the keys bought"),
    # closed by missa: the export's key table (enrichment) holds more keys reserved than the
    # outside books' live orders; the catalogue alone balances (the keys are off sale either way)
    Entry("sold-keys-stay-reserved", "smoke", "stock-conservation",
          "the keys delivered to the buyer are left `reserved` (dujiaoka #240 库存被锁定未释放, "
          "adyen-magento #387): the shop's key table says held by orders that are delivered"),
    # closed by missa: failover judges, in every drill, orders a supplier refused outright
    # and left without goods while another supplier with stock was never asked (ledgers)
    Entry("out-of-stock-no-failover", "stock-exhausted", "failover",
          "the primary's 'insufficient stock' handled as 'may have bought' (spree_drop_ship "
          "#66): the backup, which has stock, is never asked and orders go to manual handling"),
    # closed by missa: stock-held, where half the buyers never pay and hold keys for 15 s, shows
    # the keys for sale below the threshold long before the unsold ones; alerts judges an
    # onset's first alert late past a pass + slack (measured: it never fired)
    Entry("low-stock-counts-reserved", "stock-held", "alerts",
          "the low-stock rule counts keys held by unpaid orders as stock (grandnode2 #18): the "
          "alert comes later, while buyers are already held back",
          also=("messages",)),
    # closed by missa: supplier-hang, a primary that swallows calls for 24 s (each hangs for
    # the 1 s timeout) under 8 orders/s, so a half-open herd is ~9 dials a reset, not one
    Entry("half-open-lets-all", "supplier-hang", "breaker",
          "a half-open breaker that lets every call through instead of one trial (opossum "
          "#819, Polly #254): each reset sends a burst of calls to a primary still down"),
)
ROUND5_MISSES: tuple[Entry, ...] = (
)

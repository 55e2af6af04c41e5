"""Holdout round 6 (2026-12-04, helper holdout6): twelve defects written blind to the checks,
each measured once on the drill named before running (docs/zoo-holdout.md, Round 6).

Its own module only for size; `drill.zoo` joins it to the earlier rounds. An entry's scenario
is the drill that caught it (the second pick for keys-of-any-product; for a defect closed since,
"caught since", the drill that catches it now), or for a miss the first pick.
"""

from __future__ import annotations

from drill.zoo_holdout import Entry

ROUND6_CAUGHT: tuple[Entry, ...] = (
    Entry("crashed-leases-never-reclaimed", "worker-crash", "no-loss",
          "the claim takes pending jobs only (sidekiq #6829, running jobs disappear after "
          "SIGKILL): the jobs the killed worker held stay leased, their orders paid for good"),
    Entry("lease-no-heartbeat", "supplier-slow", "retries",
          "a job lease shorter than a slow supplier call and never renewed (laravel/framework "
          "#52493, #19969): the job is claimed again while it runs, up to eight times"),
    Entry("breaker-shared", "supplier-outage", "failover",
          "one circuit-breaker object for every upstream (opossum #321, levee #7): the "
          "primary's failures open the backup's breaker too, nothing fails over"),
    Entry("delay-notice-one-per-pass", "delivery-delay", "buyer-notice",
          "the mail pass sends one message per run (cachet #2898): late buyers are told one "
          "per monitor pass, most of them too late or never",
          also=("messages",)),
    Entry("manual-codes-not-shown", "manual-race", "buyer-truth",
          "the manually delivered content never reaches the buyer's page (dujiao-next #45 "
          "手动交付订单文本信息显示不出): delivered, with no codes, the keys spent",
          also=("stock-conservation",)),
    Entry("keys-of-any-product", "forged-notify", "no-oversell",
          "the key pick without the product filter (pr0keys #33, another game's key): a "
          "buyer of one product is delivered another's keys",
          also=("buyer-truth", "stock-conservation")),
    Entry("notify-error-acked", "db-outage", "no-loss",
          "the notify's try/except answers success when processing raised (omnipay-sagepay "
          "#16, paynow-woocommerce #121); caught since db-outage resets every database "
          "connection for 2 s while notifies land and reconcile runs hourly: the gateway "
          "stops retrying, the paid orders stay unpaid in the shop, never delivered",
          also=("messages",)),
    Entry("monitor-dies-on-error", "db-outage", "alerts",
          "the periodic loop without a per-pass exception boundary (deepagents #5400, "
          "grandnode2 #787); caught since db-outage fails every monitor pass for 2 s, then "
          "stalls the worker: the stuck-orders alert and the late buyers' notices never come",
          also=("messages",)),
    Entry("supplier-timeout-in-ms", "supplier-hang", "failover",
          "a timeout converted to ms for an API taking seconds (python-ariston-api #178); "
          "caught on supplier-hang (a primary that accepts and never answers for 24 s): "
          "calls wait the hang out instead of timing out at 1 s, nothing fails over and "
          "the breaker never opens (supplier-slow answers within 1.6 s, supplier-outage "
          "refuses connections: neither waits on the timeout)",
          also=("breaker",)),
    Entry("alert-first-channel-only", "delivery-delay", "messages",
          "the robot post loop stops after the first channel (signoz.io #266): Telegram and "
          "WeCom never get the alert the shop records as sent to all three; caught since "
          "messages owes every alert to every channel the shop is configured with "
          "(drill/checks/alert_channels.py)"),
    Entry("reserved-codes-shown", "abandoned-checkouts", "buyer-truth",
          "the order page reads the keys linked to the order whatever its state (card-system "
          "#513): an unpaid order's reserved keys are shown; caught since half the buyers who "
          "never pay look at their order page and cards route, the history keeps every read "
          "that showed codes, and buyer-truth judges codes shown before the gateway took the "
          "money (drill/checks/unpaid_codes.py)"),
    # first pick stock-exhausted missed it (deliveries follow payment at once); closed by
    # miss6a with a drill of its own where the worker lags payment on a scarce product
    Entry("paid-releases-reservation", "stock-paid-lag", "stock-conservation",
          "the key hold ends at payment, the keys are picked at delivery (FOSSBilling #4130, "
          "woocommerce #17584): while the worker lags, new orders take a paid order's keys; "
          "caught since stock-paid-lag freezes the worker as a scarce product sells out and "
          "stock-conservation judges paid-in-time orders left without goods while later "
          "ones got keys (drill/checks/held_lost.py)",
          also=("no-oversell",)),
)
ROUND6_MISSES: tuple[Entry, ...] = (
)

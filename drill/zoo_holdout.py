"""Issue 11's holdout set: delivery defects written by an outside evaluator who did not read
drill/checks/ first, each modelled on a bug real faka shops shipped, and measured against the
drills before it was registered (docs/zoo-holdout.md has the measurement).

`CAUGHT` joins the zoo (drill/zoo.py) with the check that fired and the others that fired with
it (`also`). `MISSES` are the defects no drill was measured to catch (exit 1): `scenario` is the
drill a user would pick, `check` the checker whose invariant they break. `harness.py zoo
--only NAME` runs one; it reports NO until a checker or a scenario closes it, then move it to
`CAUGHT`.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    name: str       # the flag in delivery/defects.py
    scenario: str
    check: str
    bug: str
    also: tuple[str, ...] = ()


CAUGHT: tuple[Entry, ...] = (
    Entry("notify-status-unchecked", "forged-notify", "gateway-protocol",
          "易支付 only ever notifies TRADE_SUCCESS, so ports skip the trade_status test "
          "(research/kamifaka.md probes, domain-faka §2.1/§2.3): a TRADE_CLOSED or "
          "WAIT_BUYER_PAY notify is acknowledged and applied",
          also=("money-goods",)),
    Entry("notify-unsigned-accepted", "forged-notify", "money-goods",
          "the signature is checked only when one is sent (`if sign and sign != md5(..)`); "
          "acg-faka's callback has an explicit empty-key refusal because of it "
          "(domain-faka §1.5): a notify with no sign pays the order",
          also=("gateway-protocol",)),
    Entry("amount-at-least-price", "forged-notify", "money-goods",
          "Tai7sy/card-system #4 ('以一件商品的价格获取多张卡密', several keys for the price "
          "of one): the paid money is compared with the unit price, not price x quantity",
          also=("gateway-protocol",)),
    Entry("late-payment-dropped", "expiry-late", "no-loss",
          "dujiao-next #288 (a payment after expiry waits for a manual 确认支付): the late "
          "notify is acknowledged and kept, the order stays expired, no refund, no alert",
          also=("buyer-notice", "messages")),
    Entry("local-qty-one", "smoke", "buyer-truth",
          "zfaka-plus/zfaka #128 ('购买多数量卡密只发货了一张'): a multi-key order burns its "
          "keys but the buyer is shown one",
          also=("stock-conservation",)),
    Entry("paid-shown-delivered", "delivery-delay", "buyer-truth",
          "kamiFaka (research/kamifaka.md §1.2): check_pay_auto says `success` once paid while "
          "get_card answers 404 '订单丢失' until delivered; the order shows done before the keys",
          also=("stock-conservation", "messages")),
    Entry("supplier-fail-shown-delivered", "stock-exhausted", "buyer-truth",
          "acg-faka #913/#940 ('有人在你付款之前抢走了商品' on an order marked done, no abnormal "
          "state) and dujiao-next #202 (upstream failures silent): a failed purchase is shown "
          "delivered with no keys",
          also=("alerts", "stock-conservation")),
    Entry("catalogue-counts-all", "stock-exhausted", "stock-conservation",
          "Tai7sy/card-system #17 / dujiaoka #264 (库存显示错误): the catalogue's stock counts "
          "every key ever imported, sold and reserved ones too"),
    Entry("delivery-ignores-reservation", "stock-exhausted", "stock-conservation",
          "dujiaoka's pick (plain `status=unsold LIMIT n`, domain-faka §1.3) in a shop that "
          "reserves at order time: delivery takes other unsold keys and the reservation leaks; "
          "acg-faka #913 (told sold out '库存也很充足')",
          also=("completion",)),
    Entry("notify-replies-ok", "callback-flaky", "gateway-protocol",
          "BEpusdt accepts a reply containing `ok`, epay and Alipay want `success` "
          "(domain-faka §2.3): the epusdt handler's `ok` copied onto the epay route, every "
          "genuine notify is retried"),
    Entry("outbox-gives-up", "forged-notify", "messages",
          "dujiaoka's TelegramPush (tries=2) and WorkWeiXinPush (tries=1) jobs "
          "(domain-faka §1.4): a throttled alert is dropped after two tries"),
    Entry("delay-notice-not-rechecked", "delivery-delay", "messages",
          "a delayed 'your order is late' job queued at payment that fires without re-reading "
          "the order (Laravel delayed jobs, as dujiaoka's OrderExpired): buyers already "
          "delivered are told of a delay"),
    Entry("timeout-as-failure", "supplier-slow", "no-double-purchase",
          "acg-faka docking: a timed-out upstream `trade` (30 s) is handled as failed "
          "(domain-faka §3.2); pagarme-magento #299 (timeout, buy again, two charges): the "
          "backup buys what the primary committed",
          also=("supplier-quantity",)),
    Entry("topup-buys-full-qty", "supplier-async", "supplier-quantity",
          "Tai7sy/card-system #460 ('您还有-1件未发货', one key too many): the top-up after a "
          "partial fulfilment asks for the whole quantity again",
          also=("buyer-truth",)),
    Entry("admin-reads-open", "smoke", "access",
          "dujiaoka #158 (order page readable without authentication) / acg-faka #767 "
          "(order query needs no password): the admin guard covers the writing routes only"),
    Entry("review-hold-ignored", "risk-backlog", "review-hold",
          "风控 review bypassed: the held flag is set at order time but the payment path "
          "never reads it (research seed: 风控系统误判 / 先放行,后审核 done by accident); big "
          "orders are delivered at once, the review queue stays empty",
          also=("alerts",)),
    Entry("stuck-rule-counts-delivered", "smoke", "alerts",
          "dujiao-next #99 (the alert's current value counts something other than its "
          "threshold): the stuck-orders rule counts delivered orders too and fires on a "
          "healthy shop"),
    Entry("reconcile-code-only", "abandoned-checkouts", "money-goods",
          "epay api.php?act=order answers code=1 for any order it knows and status=1 only when "
          "paid (domain-faka §2.3): a reconciler that reads `code` alone pays every abandoned "
          "checkout",
          also=("stock-conservation",)),
    Entry("token-of-any-order", "smoke", "access",
          "acg-faka #880 / lizhipay/faka #14 (a logged-in buyer, or anyone with a contact, "
          "reads other orders): the token is checked to exist, not to belong to the order"),
    Entry("suppliers-sorted", "supplier-failback", "failback",
          "supplier priority lost to alphabetical order (`sorted(suppliers)`: 'backup' < "
          "'primary'), as card-system/acg-faka list upstreams by name: the backup takes all "
          "traffic and the primary never gets it back"),
    Entry("mail-batch-one-recipient", "delivery-delay", "mail-recipient",
          "one mail object reused across a batch (the Laravel reused-Mailable pitfall; "
          "dujiaoka queues MailSend per order): after a stall, every delivery mail of the "
          "batch, codes in the body, goes to the first buyer of the batch",
          also=("buyer-truth", "messages")),
    Entry("error-echoes-order", "smoke", "access",
          "debug error replies that dump the record they refused (Laravel APP_DEBUG pages; "
          "dujiaoka #158 class): a wrong-token 404 carries the order row, its token and cards"),
    Entry("notify-get-only", "callback-flaky", "gateway-protocol",
          "dujiaoka's epay notify route is GET-only, dujiaoka #30 (the gateway sent the other "
          "method): a POSTed notify gets 405 and the gateway retries it for a day"),
    Entry("double-payment-kept", "callback-flaky", "double-payment",
          "card-system #4 / dujiaoka's status-only guard (domain-faka §1.5): a second, "
          "different payment for a paid order is acknowledged as a duplicate; the money is "
          "kept with no refund and no alert"),
)

# closed after the measurement: a full box excuses a slow shop only when the shop wanted CPU or
# light processes waited too (drill/saturation.py); supplier-slow with it: exit 1 (2026-12-03)
CLOSED: tuple[Entry, ...] = (
    Entry("notify-waits-delivery", "supplier-slow", "gateway-protocol",
          "acg-faka delivers inside the callback, upstream purchase (30 s timeout) included "
          "(domain-faka §1.4); the gateway's reply deadline passes and it retries"),
)

MISSES: tuple[Entry, ...] = ()

# -- round 3 (2026-12-03, helper holdout3): 13 more blind defects, measured once each ---------
ROUND3_CAUGHT: tuple[Entry, ...] = (
    Entry("notify-sign-plus-space", "forged-notify", "gateway-protocol",
          "values re-encoded as PHP's http_build_query does (space -> '+') before the MD5 "
          "(wechat-php-sdk #165, helei112g/payment #56: 验签失败 on a space): every genuine "
          "notify for a product whose name has a space is refused 'bad signature'",
          also=("messages",)),
    Entry("catalogue-cached", "stock-exhausted", "stock-conservation",
          "the catalogue's stock served from a 60 s cache (acg-faka #937 对接缓存, cubecart "
          "#2060): buyers are shown keys that were sold long ago"),
    Entry("expiry-sweep-utc8", "abandoned-checkouts", "stock-conservation",
          "the expiry sweep compares in Asia/Shanghai time, the orders' expiry is UTC "
          "(hellokaton/profit #13, kanvas-ecosystem-api #3664): unpaid orders hold their keys "
          "8 hours past their expiry"),
    Entry("retry-drops-quantity", "supplier-errors", "supplier-quantity",
          "a retry rebuilt with the default quantity under the same idempotency key "
          "(woocommerce-square #106, square connect-api-examples #135): a refused 3-key "
          "purchase is retried as 1 key and topped up part by part",
          also=("retries",)),
    Entry("late-notify-refused", "expiry-late", "no-loss",
          "dujiao-next #108 (超时后补单接口会提示fail): a payment for an expired order is "
          "answered fail and never applied; the money is kept, no refund, no alert",
          also=("buyer-notice", "gateway-protocol", "messages")),
    Entry("refund-any-reply-done", "callback-flaky", "double-payment",
          "the refund answer judged by the HTTP reply alone (helei112g/payment #149: a failed "
          "Alipay refund raises nothing; sub2api #5305): epay's code=-1 '商户余额不足' counts "
          "as refunded, so the refund_needed alert never comes"),
    Entry("token-optional", "smoke", "access",
          "dujiaoka #144 / acg-faka #130 (the order found without a query password): with no "
          "token in the request the order's page and cards are shown"),
    Entry("topup-reuses-key", "supplier-async", "buyer-truth",
          "the top-up after a partial fulfilment reuses the first purchase's "
          "downstream_order_no: the supplier replays part 1 and the buyer is shown its codes "
          "again (card-system #460's reissued key)",
          also=("supplier-quantity",)),
    Entry("amount-tolerance", "forged-notify", "money-goods",
          "a 1 % underpayment slack for exchange-rate rounding (BEpusdt #214, OpenBazaar #310) "
          "applied to every epay notify: a notify a little short pays the order",
          also=("gateway-protocol",)),
    Entry("delay-notice-minutes", "delivery-delay", "messages",
          "the delay setting divided as if given in minutes (a units mix-up, BEpusdt #37): "
          "buyers are told of a delay 2 s after paying instead of 2 min"),
    # added after the first 13 were measured
    Entry("risk-unit-price", "risk-backlog", "review-hold",
          "a risk limit held against the wrong figure (djfch/llm_transaction #57, card-system "
          "#149): the amount limit compares the unit price, so 2- and 3-key orders above it "
          "are delivered at once instead of held for review",
          also=("alerts",)),
    Entry("topup-overwrites-codes", "supplier-async", "no-double-purchase",
          "the top-up's keys replace the first part's instead of joining them (shopware "
          "NEXT-14005, FunPayCardinal #25): a partially fulfilled order is bought again part by "
          "part and ends short in manual handling, the keys already bought lost",
          also=("supplier-quantity",)),
)

ROUND3_MISSES: tuple[Entry, ...] = ()
# round-3 misses closed after the measurement (the round's figure stays as measured)
ROUND3_CLOSED: tuple[Entry, ...] = (
    # the breaker check bounds the dials on a dark supplier link by the breaker policy; a
    # `down` link is counted from the export's call log (refusals reach no proxy): exit 1
    Entry("breaker-http-only", "supplier-outage", "breaker",
          "the breaker fed from HTTP answers only (ESI.ts #54, armeria #1161): refused "
          "connections and timeouts never trip it, every order spends its retry budget on "
          "the dead primary before the backup"),
    # alerts now owes every window whose condition held through a monitor pass an alert of its
    # own (drill/checks/alert_conditions.py): stock-exhausted with it: exit 1, alerts (14:10)
    Entry("alert-dedupe-per-window", "stock-exhausted", "alerts",
          "the alert de-dup key lacks the rule (alerta #518/#1005, alerts merged by a key "
          "missing a field): the first alert of a window swallows every other rule's"),
    # demoted twice (the box full of other work, the drill at 0.33 cores); with the saturation
    # rule of drill/saturation.py: exit 1, messages only, clean stock-exhausted passing (14:06)
    Entry("delay-notice-paid-only", "stock-exhausted", "messages",
          "the delay notice job looks at `paid` orders only (dujiaoka #355: orders in manual "
          "handling get no mail): buyers escalated to manual handling are never told"),
    # buyers' contacts were in creation order, so the zip matched; now QQ-like numbers in no
    # order (drill/load/locustfile.py) and a monitor pass every 1/3 s finds late buyers by threes
    Entry("delay-notice-wrong-buyer", "delivery-delay", "mail-recipient",
          "the contacts of the late orders fetched by a second `IN (...)` query, which returns "
          "them in index order, and zipped with the order numbers (inyo #21, booklore #110): "
          "delay notices go to other buyers"),
)

# -- round 4 (2026-12-03, helper holdout4): 12 more blind defects, measured once each ---------
ROUND4_CAUGHT: tuple[Entry, ...] = (
    Entry("status-cache-no-token", "smoke", "access",
          "the order status reply cached on the path without the query string (Strathweb."
          "CacheOutput #204, CacheCow #85, apicache #9): anyone asking for an order its owner "
          "polled gets the owner's cached reply, cards included, and the owner a stale one",
          also=("no-loss",)),
    Entry("unknown-order-acked", "forged-notify", "gateway-protocol",
          "blockonomics/woocommerce-plugin #264 ('Order not found ... should exit with 200 so "
          "that callbacks are not retried'): a notify for an unknown order is answered success"),
    Entry("overpay-accepted", "forged-notify", "money-goods",
          "overpayment taken as paid in full (blockonomics/woocommerce-plugin #16, fixed by "
          "accepting `>=`): an epay notify paying more than the order is applied",
          also=("gateway-protocol",)),
    Entry("last-key-unsellable", "stock-exhausted", "stock-conservation",
          "an off-by-one stock test (`available <= quantity` refused; woocommerce #9683 'Can't "
          "purchase last item in inventory', simple-commerce #477): the last keys never sell"),
    Entry("release-one-key", "abandoned-checkouts", "stock-conservation",
          "the expiry restocks one unit an order, not its quantity (`UPDATE ... LIMIT 1`; "
          "woocommerce #10246, PrestaShop #19054): multi-key abandoned orders leak keys"),
    Entry("breaker-open-waits", "supplier-outage", "failover",
          "'circuit open' handled like a timeout (resilience4j #1740 / #558: "
          "CallNotPermittedException raised, no fallback): orders wait for the dead primary"),
    Entry("revive-no-delivery-job", "expiry-late", "no-loss",
          "the 补单 path for a payment after expiry moves the order to paid and enqueues no "
          "delivery (dujiao-next #288 / #108 late-payment reports): paid, never delivered",
          also=("alerts",)),
)
ROUND4_MISSES: tuple[Entry, ...] = ()
# round-4 misses closed after the measurement (the round's figure stays 8 of 12)
ROUND4_CLOSED: tuple[Entry, ...] = (
    # double-payment now fails refunding the trade acknowledged first while a later is kept
    Entry("refund-order-trade-no", "callback-flaky", "double-payment",
          "the refund addressed to the order's stored trade number, not the payment given back "
          "(iZettle/sdk-android #67, a refund 'with the original ID'): a double payment "
          "refunds the first trade, the one that paid for the goods"),
    # mail-recipient now owes every order its buyer saw delivered a delivery mail
    Entry("mail-cursor-skips-next", "delivery-delay", "mail-recipient",
          "a forward-only 'last id' cursor saved one past the last row read and queried with "
          "`>` (n8n #37261, gumroad #6749): after each batch one delivery mail is never sent"),
    # supplier-async now has three-part orders (partial twice): buyer-truth, supplier-quantity
    Entry("topup-counts-last-part", "supplier-async", "buyer-truth",
          "the top-up computed from the last part's codes, not the running total (card-system "
          "#460 class): after two partial fulfilments the third purchase asks for too many",
          also=("supplier-quantity",)),
    # supplier-async is now quiet (no alert is due there): a false supplier_health fails alerts
    Entry("health-counts-async", "supplier-async", "alerts",
          "a supplier-health whitelist that does not know asynchronous answers (domain-faka "
          "§3.3: processing and '未查到订单' are no failure): a healthy wholesaler is alarmed on"),
)

CAUGHT = (*CAUGHT, *CLOSED, *ROUND3_CAUGHT, *ROUND3_CLOSED, *ROUND4_CAUGHT, *ROUND4_CLOSED)
MISSES = (*MISSES, *ROUND3_MISSES, *ROUND4_MISSES)

"""The sentences of the goods-and-money checks (no-loss … stock-conservation), zh + en.

Part of the one catalogue drill.checks.detail_text.TEXTS; see there.
"""

from __future__ import annotations

from drill.i18n import Text as T

__all__ = ["ORDERS"]

ORDERS: dict[str, T] = {
    # no-loss
    "no-loss.ok": T("全部 {paid} 个已支付订单都有了结果（已发货 {delivered}，已退款 {refunded}，"
                    "人工处理 {manual}，场景允许的未完成 {accepted}）",
                    "all {paid} paid orders resolved ({delivered} delivered, {refunded} refunded, "
                    "{manual} manual, {accepted} accepted)"),
    "no-loss.fail": T("{paid} 个已支付订单中有 {bad} 个既未发货、未退款，也未转人工并告警",
                      "{bad} of {paid} paid orders were neither delivered, refunded nor "
                      "escalated with an alert"),
    "no-loss.unknown": T("{unknown} 个已支付订单没有买家看到发货，它们的结局只记录在{source}中",
                         "{unknown} paid orders never seen delivered by buyers, and their end is "
                         "only in {source}"),
    "no-loss.manual_no_alert": T("已转人工处理，但没有发出 manual_escalation 告警",
                                 "in manual handling but no manual_escalation alert fired"),
    "no-loss.ended": T("网关显示已支付，但订单最终状态为 {ended}",
                       "paid at the gateway but ended {ended}"),
    "no-loss.unseen": T("商城记录在 {at:.3f} 已发货，但买家 {s:.1f} 秒后再看仍然没有卡密",
                        "the shop's records say delivered at {at:.3f}, yet its buyer looked "
                        "{s:.1f} s later and was shown no goods"),
    "no-loss.status_unknown": T("商城未知", "unknown to the service"),
    # no-duplicate
    "no-duplicate.ok": T("{codes} 张卡密，每张只发给一个订单，每个订单只发货一次",
                         "{codes} codes, each to exactly one order, one delivery per order"),
    "no-duplicate.fail": T("{flagged} 个订单重复发货；{shared} 张卡密发给了不止一个订单",
                           "{flagged} orders with duplicate deliveries; {shared} codes reached "
                           "more than one order"),
    "no-duplicate.deliveries": T("记录了 {n} 次不同的发货", "{n} different deliveries recorded"),
    "no-duplicate.fetches_differ": T("买家几次提取到的卡密各不相同",
                                     "the buyer fetched different codes on different fetches"),
    "no-duplicate.not_listed": T("买家提取到的卡密不在商城的发货记录里",
                                 "the buyer fetched codes the service's delivery does not list"),
    "no-duplicate.shared": T("卡密 {code} 也发给了 {others}", "code {code} also reached {others}"),
    # no-oversell
    "no-oversell.ok": T("发出的每张卡密都来自导入的库存或供应商",
                        "every delivered code came from imported stock or a supplier"),
    "no-oversell.not_in_stock": T("{n} 张已发卡密不在库存中",
                                  "{n} delivered codes were not in stock"),
    "no-oversell.over": T("以下商品发货超出库存：{over}", "delivered beyond stock for {over}"),
    "no-oversell.oversold": T("以下商品超卖（已支付数量/库存卡密数）：{sold}",
                              "sold beyond stock (paid units vs keys) for {sold}"),
    "no-oversell.untraced": T("{n} 张供应商卡密无法追溯：缺少供应商记录",
                              "{n} supplier codes cannot be traced: supplier ledgers missing"),
    "no-oversell.not_imported": T("本地卡密 {code} 从未导入商品 {pid} 的库存",
                                  "local code {code} was never imported for {pid}"),
    "no-oversell.unknown_source": T("来源未知", "unknown source"),
    "no-oversell.never_issued": T("卡密 {code}（{origin}）既不是供应商发出的，也不是导入的",
                                  "code {code} ({origin}) was never issued by a supplier nor "
                                  "imported"),
    "no-oversell.beyond_prior": T("发出了 {n} 张不是本次演练导入的 {pid} 卡密，"
                                  "多于演练前库存中的 {before} 张",
                                  "{n} delivered {pid} keys were not imported by this drill, more "
                                  "than the {before} keys in stock before it"),
    "no-oversell.paid_after_sold": T("{pid} 的 {keys} 张卡密已售完后仍被支付（已支付 {paid} 件），"
                                     "无卡密可发",
                                     "paid for {pid} after its {keys} keys were sold ({paid} "
                                     "units paid); no key to deliver"),
    # no-double-purchase
    "no-double-purchase.ok": T("{n} 个订单向供应商采购，每个最多一次",
                               "{n} orders bought from suppliers, each at most once"),
    "no-double-purchase.none": T("本次运行没有供应商采购", "no supplier purchases in this run"),
    "no-double-purchase.fail": T("{n} 个订单向供应商重复采购",
                                 "{n} orders were bought more than once from suppliers"),
    "no-double-purchase.effective": T("{n} 次有效采购：{which}",
                                      "{n} effective purchases: {which}"),
    "no-double-purchase.double": T("{name}@{t}，此前已采购 {need} 件中的 {held} 件（{earlier}）",
                                   "{name}@{t} while {held} of {need} units were already bought "
                                   "({earlier})"),
    # money-goods
    "money-goods.ok": T("全部 {orders_with_goods} 个已发货订单都在发货前于网关足额付款"
                        "（其中 {confirmed_by_notify} 个由真实回调确认）",
                        "all {orders_with_goods} orders with goods were paid in full at the "
                        "gateway before the goods ({confirmed_by_notify} acknowledged on a "
                        "genuine notify)"),
    "money-goods.fail": T("{goods} 个已发货订单中有 {bad} 个在网关足额付款之前就拿到了货",
                          "{bad} of {goods} orders got goods without full payment at the gateway "
                          "first"),
    "money-goods.unknown": T("{amount_not_judged} 个已支付且已发货的订单无法核对是否足额"
                             "（场景商品目录和买家看到的目录里都没有价格，或没有数量）；"
                             "另有 {unmapped} 个编号发了货，但没有任何买家、付款或回调认识它们"
                             "（供应商的下游单号对不上订单）",
                             "{amount_not_judged} paid orders with goods could not be checked for "
                             "the full amount (no price in the scenario catalogue or a buyer's "
                             "catalogue read, or no quantity), and goods went out under "
                             "{unmapped} numbers no buyer, payment or notify knows (supplier "
                             "downstream numbers not tied to an order)"),
    "money-goods.no_payment": T("已发货，但网关没有这个订单的付款",
                                "got goods but the gateway has no payment for this order"),
    "money-goods.unpaid": T("已发货，但网关从未收款（付款 {trade_no} 的状态是 {status}）",
                            "got goods but the gateway never took the money (payment {trade_no} "
                            "is {status})"),
    "money-goods.before": T("网关收款前 {s:.3f} 秒就已发货",
                            "goods left {s:.3f} s before the gateway took the money"),
    "money-goods.amount": T("网关实收 {charged}，但单价 × 数量为 {want}",
                            "the gateway charged {charged} but price × quantity is {want}"),
    "money-goods.note": T("{why}；商城接受了本应拒绝的回调（{taken}）",
                          "{why}; the shop accepted must-refuse notifies ({taken})"),
    # buyer-truth
    "buyer-truth.ok": T("全部 {told_delivered} 个显示已发货的订单，买家看到的正是自己的真实卡密；"
                        "过期后查看的 {looked_after_expiry} 次没有一次显示待支付",
                        "all {told_delivered} orders shown delivered showed their buyer exactly "
                        "their own real codes; none of {looked_after_expiry} looks after the "
                        "expiry was shown payable"),
    "buyer-truth.fail": T("{flagged} 个订单向买家显示了不实状态（{told_delivered} 个显示已发货；"
                          "{shown_payable_after_expiry} 个过期后仍显示待支付；"
                          "{paid_shown_expired} 个按时付款却显示已过期；"
                          "{paid_shown_unpaid} 个商城确认收款后仍显示待支付；"
                          "{codes_before_payment} 个未付款就看到了卡密；"
                          "{delivered_shown_late} 个发货后仍显示未发货）",
                          "{flagged} orders showed their buyer an untrue state "
                          "({told_delivered} shown delivered; {shown_payable_after_expiry} "
                          "shown payable after they expired; {paid_shown_expired} paid in "
                          "time, shown expired; {paid_shown_unpaid} shown unpaid after the "
                          "shop acknowledged the payment; {codes_before_payment} shown codes "
                          "unpaid; {delivered_shown_late} shown not delivered after the shop's "
                          "own delivery stamp)"),
    "buyer-truth.unknown": T("无法完全判断：{quantity_unknown} 个订单数量未知，"
                             "{codes_untraced} 张卡密无法追溯（缺少 stock.json 或供应商记录）",
                             "cannot judge fully: {quantity_unknown} orders without a known "
                             "quantity, {codes_untraced} codes untraceable (stock.json or "
                             "supplier ledgers missing)"),
    "buyer-truth.fetch_failed": T("显示已发货，随后提取卡密失败",
                                  "told delivered, then the card fetch failed"),
    "buyer-truth.no_card": T("显示已发货，却看不到任何卡密",
                             "told delivered but shown no card at all"),
    "buyer-truth.fetch_refused": T("订单显示已发货后，提取卡密被拒绝",
                                   "a card fetch was refused after the order was shown delivered"),
    "buyer-truth.cards_differ": T("几次提取显示的卡密不同",
                                  "different fetches showed different cards"),
    "buyer-truth.quantity": T("购买数量 {quantity}，却显示了 {n} 张卡密（{distinct} 张不重复）",
                              "shown {n} codes ({distinct} distinct) for quantity {quantity}"),
    "buyer-truth.untraceable_code": T("卡密 {code} 既不是导入的，也不是供应商发出的",
                                      "code {code} was neither imported nor issued by a supplier"),
    "buyer-truth.unpaid_codes": T("网关尚未收款（付款：{paid}），"
                                  "买家就看到了 {n} 张卡密（状态 {status}）",
                                  "shown {n} codes (status {status}) before the gateway had "
                                  "taken the money (paid: {paid})"),
    "buyer-truth.expired_shown": T("已过期 {s:.1f} 秒、网关未收款，买家看到的状态仍是 {status}",
                                   "{s:.1f} s past its expiry, unpaid at the gateway, its buyer "
                                   "was shown {status}"),
    "buyer-truth.paid_shown_expired": T(
        "商城在订单过期前 {s:.1f} 秒已确认收款，买家却看到 {status}",
        "the shop acknowledged the payment {s:.1f} s before the order's expiry, yet its "
        "buyer was shown {status}"),
    "buyer-truth.paid_shown_unpaid": T(
        "商城确认收款 {s:.1f} 秒后，买家查询仍显示待支付",
        "its buyer was shown pending_payment {s:.1f} s after the shop acknowledged the payment"),
    "buyer-truth.delivered_shown_late": T(
        "商城自己的发货时间之后 {s:.1f} 秒，买家查询仍显示未发货",
        "its buyer was told 'not delivered' by a poll sent {s:.1f} s after the shop's own "
        "delivered_at stamp"),
    "buyer-truth.shared": T("卡密 {code} 也显示给了 {others}",
                            "code {code} was also shown to {others}"),
    # stock-conservation
    "stock-conservation.ok": T("{n} 个商品账目平衡：导入 = 已发货 + 可售 + 进行中订单占用；"
                               "没有在仍有空闲卡密时提示售罄",
                               "{n} products balance: imported = delivered + available + reserved "
                               "for live orders; no sold-out refusal while keys were free"),
    "stock-conservation.none": T("本次运行没有本地库存商品",
                                 "no locally stocked product in this run"),
    "stock-conservation.fail": T("库存不守恒：{detail}", "stock not conserved: {detail}"),
    "stock-conservation.unknown": T("无法核对库存账目：结算后没有覆盖每个库存商品的目录读取"
                                    "（带 stock_available 的 list_products）",
                                    "cannot balance the books: no catalogue read (list_products "
                                    "with stock_available) after the settle for every stocked "
                                    "product"),
    "stock-conservation.books": T("导入 {imported}，已发货 {delivered}，可售 {available}，"
                                  "进行中订单占用 {live} 件",
                                  "{imported} imported, {delivered} delivered, {available} "
                                  "available, {live} units held by live orders"),
    "stock-conservation.on_sale": T("{pid}：在售卡密比实际多 {n} 张（{books}）",
                                    "{pid}: {n} keys more on sale than exist ({books})"),
    "stock-conservation.leaked": T("{pid}：{n} 张卡密流失：既未发货、不可售，也未被进行中的订单占用"
                                   "（{books}）",
                                   "{pid}: {n} keys leaked: neither delivered, available nor held "
                                   "by a live order ({books})"),
    "stock-conservation.shop_reserved": T("{pid}：商城自己的卡密表在结算后仍锁定 {n} 张卡密，"
                                          "而外部记录显示进行中的订单只占用 {live} 件：已发货或"
                                          "已失效订单的锁定从未解除（{books}）",
                                          "{pid}: the shop's own key table still holds {n} keys "
                                          "reserved after the settle where live orders hold "
                                          "{live} units by the outside records: the lock of "
                                          "delivered or dead orders never lifted ({books})"),
    "stock-conservation.undelivered": T("最后一次目录读取时尚未发货",
                                        "not delivered at the final catalogue read"),
    "stock-conservation.unseen_codes": T("商城为它记录了买家从未看到的卡密",
                                         "the shop recorded codes for it that its buyer never saw"),
    # double-payment
    "double-payment.none": T("没有订单在网关被付款两次（且商城收到过第二笔的回调）",
                             "no order was paid twice at the gateway (with the shop told of "
                             "the second payment)"),
    "double-payment.ok": T("{orders_paid_twice} 个订单在网关被重复付款（共多付 {extra_payments} "
                           "笔）：{refunded} 个已在网关退款，{alerted} 个发出了点名该订单的"
                           " refund_needed 告警，{alerted_window} 个被同一告警窗口内的"
                           " refund_needed 告警覆盖",
                           "{orders_paid_twice} orders were paid twice at the gateway "
                           "({extra_payments} extra payments): {refunded} refunded at the "
                           "gateway, {alerted} escalated by a refund_needed alert naming the "
                           "order, {alerted_window} covered by a refund_needed alert of the same "
                           "alert window"),
    "double-payment.fail": T("{orders_paid_twice} 个重复付款的订单中，{kept} 个多收的钱既没退款"
                             "也没告警，{refunded_all} 个发了货却把每笔钱都退了，"
                             "{refunded_paying} 个退掉了订单入账的那一笔、留下了多付的",
                             "of {orders_paid_twice} orders paid twice, {kept} kept the extra "
                             "money with neither a refund nor a refund_needed alert, "
                             "{refunded_all} refunded every payment although the buyer got "
                             "goods, and {refunded_paying} refunded the payment the order was "
                             "paid on and kept an extra one"),
    "double-payment.refunded_paying": T("退掉的是订单入账（已确认 success）的交易 {trade}，"
                                        "留下的是多付的 {kept}：账目指向一笔已退回的钱",
                                        "refunded trade {trade}, the one the shop acknowledged "
                                        "and marked the order paid on, and kept {kept}: the "
                                        "order's books point at money given back"),
    "double-payment.kept": T("网关收了 {n} 笔款，只退了 {refunded} 笔；多收的 {trades} 既没"
                             "退款也没有 refund_needed 告警",
                             "paid {n} times at the gateway, {refunded} refunded; the extra "
                             "payment(s) {trades} were kept with neither a refund nor a "
                             "refund_needed alert"),
    "double-payment.refunded_all": T("网关收的 {n} 笔款全部退了，但买家拿到了货",
                                     "all {n} payments were refunded, yet the buyer got goods"),
    "double-payment.refunded": T("多付的 {n} 笔已在网关退款",
                                 "the {n} extra payment(s) refunded at the gateway"),
    "double-payment.alerted": T("多付的 {n} 笔由 refund_needed 告警交给人工退款",
                                "the {n} extra payment(s) escalated by a refund_needed alert"),
    # review-hold
    "review-hold.no_rule": T("场景没有会扣留订单的风控规则（模式 {mode}，金额上限 {limit}）："
                             "没有可判断的内容",
                             "the scenario has no risk rule that holds orders (mode {mode}, "
                             "limit {limit}): nothing to judge"),
    "review-hold.ok": T("{orders} 个订单中，{held} 个超过风控上限 {limit}、应被扣留，都没有"
                        "拿到货；{under_limit} 个在上限以内",
                        "of {orders} orders, {held} were above the risk limit {limit} and held: "
                        "none got goods; {under_limit} were within the limit"),
    "review-hold.fail": T("超过风控上限 {limit} 的 {held} 个订单中有 {bad} 个在扣留期间拿到了货",
                          "{bad} of {held} orders above the risk limit {limit} got goods while "
                          "held"),
    "review-hold.unknown": T("{amount_not_judged} 个订单算不出金额（没有价格或数量），"
                             "无法判断是否超过风控上限 {limit}",
                             "{amount_not_judged} orders have no amount (no price or quantity): "
                             "cannot tell which were above the risk limit {limit}"),
    "review-hold.delivered": T("金额 {amount} 超过风控上限 {limit}（模式 {mode}），应扣留待审，"
                               "却拿到了货",
                               "amount {amount} is above the risk limit {limit} (mode {mode}): "
                               "held for review, yet it got goods"),
    "stock-conservation.hold_lost": T("{pid} 的订单已被接受并按时付款，"
                                      "结局却是 {status}（没有货），"
                                      "而之后下单的 {n} 个订单拿到了卡密",
                                      "an order of {pid} accepted and paid in time ended "
                                      "{status} without goods while {n} orders placed after "
                                      "it got keys"),
    "stock-conservation.refused": T("在 {t:.3f} 以售罄为由拒绝了 {qty} × {pid}，"
                                    "而 {keys} 张卡密中至少还有 {free} 张空闲",
                                    "refused {qty} × {pid} as sold out at {t:.3f} while at least "
                                    "{free} of {keys} keys were free"),
}

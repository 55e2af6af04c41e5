"""The sentences of the time, supplier, notify and alert checks, zh + en.

Part of the one catalogue drill.checks.detail_text.TEXTS; see there.
"""

from __future__ import annotations

from drill.i18n import Text as T

__all__ = ["FLOW"]

FLOW: dict[str, T] = {
    # completion
    "completion.none": T("没有买家尝试下单：负载根本没有运行",
                         "no buyer tried to order: the load never ran"),
    "completion.planned": T("计划到达的 {basis} 个买家中有 {created} 个成功下单（{share:.0%}；"
                            "至少需要 {min:.0%}）",
                            "{created} of {basis} planned arrivals got an order created "
                            "({share:.0%}; at least {min:.0%} required)"),
    "completion.attempts": T("{basis} 次下单尝试中有 {created} 次成功下单（{share:.0%}；"
                             "至少需要 {min:.0%}）",
                             "{created} of {basis} order attempts got an order created "
                             "({share:.0%}; at least {min:.0%} required)"),
    # latency, thresholds
    "latency.ok": T("{n} 个订单：p50 {p50} 秒，p95 {p95} 秒，p99 {p99} 秒",
                    "p50 {p50} s, p95 {p95} s, p99 {p99} s over {n} orders"),
    "latency.ok_held": T("{n} 个订单：p50 {p50} 秒，p95 {p95} 秒，p99 {p99} 秒；阈值均满足：{held}",
                         "p50 {p50} s, p95 {p95} s, p99 {p99} s over {n} orders; thresholds "
                         "held: {held}"),
    "latency.fail": T("阈值未满足：{failed} — {n} 个订单：p50 {p50} 秒，p95 {p95} 秒，p99 {p99} 秒",
                      "threshold failed: {failed} — p50 {p50} s, p95 {p95} s, p99 {p99} s over "
                      "{n} orders"),
    "latency.slow": T("付款→发货 {s:.3f} 秒", "paid→delivered {s:.3f} s"),
    "latency.slow_start": T("付款后 {s:.3f} 秒才首次向供应商下单",
                            "paid {s:.3f} s before the shop first asked a supplier"),
    "threshold.failed": T("{t}（实际 {actual}）", "{t} (actual {actual})"),
    "threshold.no_metric": T("{t}：没有名为 {metric} 的指标", "{t}: no metric named {metric}"),
    "threshold.no_data": T("{t}：没有数据", "{t}: no data"),
    "threshold.cannot": T("无法判断：{unknown}", "cannot judge: {unknown}"),
    "thresholds.none": T("除发货时效外没有其他阈值", "no thresholds besides latency"),
    "thresholds.fail": T("阈值未满足：{failed}", "threshold failed: {failed}"),
    "thresholds.ok": T("阈值均满足：{held}", "held: {held}"),
    # retries
    "retries.ok": T("每个订单最多 {max} 次供应商调用（上限 {limit}）；峰值每秒 {peak} 次供应商调用",
                    "at most {max} attempts per order (limit {limit}); peak {peak} supplier "
                    "calls/s"),
    "retries.over": T("{n} 个订单的供应商调用超过 {limit} 次（最多 {worst} 次）",
                      "{n} orders exceeded {limit} attempts (worst {worst})"),
    "retries.storm": T("重试风暴：一秒内 {peak} 次供应商调用（上限每秒 {limit:g} 次）",
                       "retry storm: {peak} supplier calls in one second (limit {limit:g}/s)"),
    "retries.attempts": T("调用 {n} 次", "{n} attempts"),
    # failover
    "failover.none": T("本场景没有故障切换要求", "no failover expectation in this scenario"),
    "failover.no_fault": T("faults.jsonl 中没有对主供应商成功注入的故障",
                           "no successful fault on the primary supplier in faults.jsonl"),
    "failover.no_backup": T("主供应商在 {at:.3f} 出故障后，备用供应商没有发过货",
                            "no backup delivery after the primary fault at {at:.3f}"),
    "failover.late": T("主供应商出故障 {s:.2f} 秒后备用供应商才首次发货（上限 {limit:g} 秒）",
                       "first backup delivery {s:.2f} s after"
                       " the primary fault (limit {limit:g} s)"),
    "failover.ok": T("主供应商出故障 {s:.2f} 秒后备用供应商接手（上限 {limit:g} 秒）",
                     "backup took over {s:.2f} s after the primary fault (limit {limit:g} s)"),
    "failover.not_delivered": T("故障后付款，切换时限内未发货",
                                "paid after the fault, not delivered in the window"),
    "failover.unasked": T("{n} 个订单被供应商明确拒绝后没有拿到货，而有库存的其他供应商从未被询问"
                          "（首例：{by} 答复 {outcome}，{spare} 有货）",
                          "{n} orders got no goods after a supplier refused them outright while "
                          "another supplier with stock was never asked (first: {by} answered "
                          "{outcome}, {spare} had stock)"),
    "failover.never_offered": T("{by} 答复 {outcome}；{spare} 当时有货，足够 {qty} 件 {sku}，"
                                "却从未收到这个订单",
                                "{by} answered {outcome}; {spare} had stock for {qty} × {sku} "
                                "then and never saw this order"),
    "failover.waited": T("等待超过了故障切换时限", "waited past the failover window"),
    # mail-recipient
    "mail-recipient.no_mail": T("没有邮件发出：没有发错地址的邮件",
                                "no mail left the shop: none went to a wrong address"),
    "mail-recipient.no_contact": T("买家操作记录的下单步骤没有联系方式：不知道邮件该发给谁",
                                   "the buyer history records no contact on create_order: who "
                                   "a mail was owed to is unknown"),
    "mail-recipient.wrong": T("{mails} 封邮件中有 {wrong} 封发给了错误的买家、带有别的订单的卡密，"
                              "或缺了本订单的卡密；{unmailed} 个已发货订单没有收到发货邮件",
                              "{wrong} of {mails} mails went to the wrong buyer, carried "
                              "another order's codes or lacked some of their own; {unmailed} "
                              "delivered orders got no delivery mail"),
    "mail-recipient.unmailed": T("订单 {no} 的买家看到了卡密，但商城没有给他发发货邮件"
                                 "（其他订单都有）",
                                 "order {no}'s buyer saw its codes, yet no delivery mail was "
                                 "sent (the shop mails other orders' deliveries)"),
    "mail-recipient.ok": T("全部 {mails} 封邮件都发给了各自订单的买家，只带本订单的卡密、不缺"
                           "（{about_known_orders} 封关于已知订单）",
                           "all {mails} mails went to their order's buyer with only its codes, "
                           "none short "
                           "({about_known_orders} about known orders)"),
    "mail-recipient.to_stranger": T("订单 {no} 的{kind}邮件发到了 {to}，"
                                    "而不是买家的联系方式 {contact}",
                                    "{kind} mail about order {no} went to {to}, not to its "
                                    "buyer's contact {contact}"),
    "mail-recipient.foreign_codes": T("发往 {to} 的{kind}邮件{about}带有订单 {orders} 的卡密",
                                      "{kind} mail to {to}{about} carried codes of order(s) "
                                      "{orders}"),
    "mail-recipient.short": T("订单 {no} 的发货邮件只带了买家取到的 {total} 个卡密中的 {n} 个"
                              "（缺 {missing}）",
                              "the delivery mail of order {no} carried {n} of the {total} codes "
                              "its buyer fetched (missing {missing})"),
    "mail-recipient.about": T("（关于订单 {no}）", " about order {no}"),
    # failback
    "failback.none": T("本场景没有切回主供应商的要求", "no failback expectation in this scenario"),
    "failback.no_heal": T("faults.jsonl 中没有主供应商已恢复的故障",
                          "no healed fault on the primary supplier in faults.jsonl"),
    "failback.no_traffic": T("主供应商恢复后没有供应商调用：无从判断（恢复后负载结束得太早？）",
                             "no supplier traffic after the primary recovered: nothing to judge "
                             "(the load ended too soon after the heal?)"),
    "failback.nothing": T("主供应商出故障以来没有订单切到备用供应商：无需切回",
                          "nothing failed over to a backup since the primary's fault: nothing "
                          "to fail back"),
    "failback.bought": T("主供应商恢复 {s:.2f} 秒后仍向 {name} 采购（没有先问主供应商）",
                         "bought from {name} {s:.2f} s after the primary recovered (the primary "
                         "was never asked)"),
    "failback.never": T("始终没有", "never"),
    "failback.only": T("直到 {s:.2f} 秒", "only {s:.2f} s"),
    "failback.late": T("主供应商恢复后{when}才重新售出（时限 {window:g} 秒）",
                       "the primary sold again {when} after it recovered (window {window:g} s)"),
    "failback.stuck": T("主供应商恢复超过 {window:g} 秒后仍有 {n} 次采购发往备用供应商",
                        "{n} purchases still went to a backup more than {window:g} s after the "
                        "primary recovered"),
    "failback.ok": T("主供应商恢复 {s:.2f} 秒后流量切回（时限 {window:g} 秒）",
                     "traffic failed back to the primary {s:.2f} s after it recovered (window "
                     "{window:g} s)"),
    # buyer-notice
    "buyer-notice.none": T("本场景没有通知买家的要求",
                           "no buyer-notice expectation in this scenario"),
    "buyer-notice.fail": T("{slow} 个慢单中有 {bad} 个没有收到延迟通知",
                           "{bad} of {slow} slow orders got no delay notice"),
    "buyer-notice.ok": T("全部 {slow} 个慢单都收到了延迟通知",
                         "all {slow} slow orders got a delay notice"),
    "buyer-notice.missing": T("用时 {took:.2f} 秒（> {limit:g}"
                              " 秒 + 宽限 {grace:g} 秒），没有延迟通知",
                              "took {took:.2f} s (> {limit:g} s + {grace:g} s grace) without a "
                              "delay notice"),
    # alerts
    "alerts.none": T("没有告警要求", "no alert expectations"),
    "alerts.never": T("预期的告警 {rule} 从未发出", "expected alert {rule} never fired"),
    "alerts.late": T("预期的告警 {rule} 在首个故障后 {s} 秒才发出，晚于 {limit:g} 秒的发现时限",
                     "expected alert {rule} fired {s} s after the first fault, later than its "
                     "detection deadline of {limit:g} s"),
    "alerts.repeated": T("告警 {rule} 在一个 {window:g} 秒"
                         "窗口内发了 {n} 次（每条规则每个窗口应只发一次）",
                         "alert {rule} fired {n}x within one {window:g} s window (once per rule "
                         "and window expected)"),
    "alerts.unexpected": T("意外的告警 {rule} 发了 {n} 次（首次在第 {s} 秒）",
                           "unexpected alert {rule} fired {n}x (first {s} s in)"),
    "alerts.unrenewed": T("告警 {rule} 的条件在窗口 [{a:.3f}, {b:.3f}) 内自 {t:.3f} 起"
                          "持续了一轮监控（{n} {what}），却没有属于该窗口的告警送达"
                          "（应告警的 {owed} 个窗口中缺 {missed} 个）",
                          "alert {rule}: its condition held in window [{a:.3f}, {b:.3f}) from "
                          "{t:.3f} through a monitor pass ({n} {what}), no alert of it landed for "
                          "that window ({missed} of {owed} owed windows missed)"),
    "alerts.late_due": T("告警 {rule} 的条件自 {t:.3f} 起持续（{n} {what}），第一条告警却在 "
                         "{s:.2f} 秒后才送达（上限 {limit:.2f} 秒：一轮监控加余量）；"
                         "{late} 个窗口的告警迟到",
                         "alert {rule}: its condition held from {t:.3f} ({n} {what}), its first "
                         "alert landed {s:.2f} s later (limit {limit:.2f} s: a monitor pass and "
                         "slack); late in {late} windows"),
    "alerts.holding.manual_escalation": T("个订单处于 manual", "orders in manual"),
    "alerts.holding.low_stock": T("个本地商品库存低于阈值", "local products below the threshold"),
    "alerts.holding.stuck_paid_orders": T("个已付款订单超时未交付",
                                          "paid orders undelivered past stuck_after"),
    "alerts.after": T("{rule} 在 {s} 秒后", "{rule} after {s} s"),
    "alerts.none_expected": T("没有预期的告警", "none expected"),
    "alerts.ok": T("告警符合预期（{what}）", "alerts as expected ({what})"),
    # messages
    "messages.unretried": T("告警 {rule} 发往 {to}：{n} 条被拒绝的告警一直没有重试成功"
                            "（首次被拒于 {first:.3f}）",
                            "alert {rule} to {to}: {n} refused alert(s) never retried until "
                            "accepted (first refused at {first:.3f})"),
    "messages.slow_retry": T("告警 {rule} 发往 {to}：首次被拒 {s:.2f}"
                             " 秒后才送达（上限 {limit:g} 秒）",
                             "alert {rule} to {to} landed {s:.2f} s after its first refused post "
                             "(limit {limit:g} s)"),
    "messages.never_accepted": T("预期的告警 {rule} 没有被任何群机器人接收",
                                 "expected alert {rule} was never accepted by any robot"),
    "messages.late": T("预期的告警 {rule} 在首个故障后 {s:.2f} 秒才首次被接收（时限 {limit:g} 秒）",
                       "expected alert {rule} first accepted {s:.2f} s after the first fault "
                       "(deadline {limit:g} s)"),
    "messages.many": T("同一位买家收到 {n} 封延迟通知（应只有一封）",
                       "{n} delay notices to one buyer (exactly one expected)"),
    "messages.never_told": T("用时 {took:.2f} 秒（上限 {limit:g} 秒 + 宽限 {slack:g} 秒），"
                             "始终没有通知买家",
                             "took {took:.2f} s (limit {limit:g} s + {slack:g} s grace), never "
                             "told"),
    "messages.early": T("付款后 {s:.2f} 秒就发了延迟通知，早于 {limit:g} 秒的时限",
                        "told of a delay {s:.2f} s after payment, before the {limit:g} s limit"),
    "messages.after_goods": T("发货 {s:.2f} 秒后才发延迟通知",
                              "told of a delay {s:.2f} s after the goods were delivered"),
    "messages.unpaid": T("给网关从未确认付款的订单发了延迟通知",
                         "delay notice for an order the gateway never saw paid"),
    "messages.no_sink": T("未判断告警：缺少群机器人接收端记录",
                          "alerts not judged: the IM sink ledger is missing"),
    "messages.alerts_ok": T("告警：{n} 条规则已被接收，每条被拒绝的告警都重试到送达为止",
                            "alerts: {n} rules accepted, every refused post retried until it "
                            "landed"),
    "messages.no_mails": T("未判断延迟通知：缺少邮件接收端记录或网关记录",
                           "delay notices not judged: the sink mail ledger or the gateway ledger "
                           "is missing"),
    "messages.notices": T("{n} 个订单的延迟通知有误（{late} 个延迟）",
                          "{n} orders with wrong delay notices ({late} late)"),
    "messages.notices_nolimit": T("{n} 个订单的延迟通知有误（{late} 个延迟）；未判断谁算延迟："
                                  "场景没有给出 notice_after_s（商城也没有 notice_delay_s）",
                                  "{n} orders with wrong delay notices ({late} late); who was "
                                  "late is not judged: the spec gives no notice_after_s (nor the "
                                  "shop's notice_delay_s)"),
    # access
    "access.unknown_means": T("未知方式", "unknown means"),
    "access.how": T("通过 {route} 以 {means} 方式", "{means} on {route}"),
    "access.saw": T("越权试探者{how}看到了 {n} 张卡密", "a snooper saw {n} cards by {how}"),
    "access.saw_whose": T("越权试探者{how}看到了 {n} 张卡密（属于订单 {owners}）",
                          "a snooper saw {n} cards by {how} (cards of order {owners})"),
    "access.secret_echoed": T("越权试探者{how}收到的 {status} 回复里带着店铺的 {n} 个密钥"
                              "（管理令牌、支付或供应商密钥）",
                              "a snooper's {status} reply by {how} carried {n} of the shop's "
                              "secrets (admin token, gateway or supplier key)"),
    "access.token_echoed": T("越权试探者{how}收到的 {status} 回复里带着 "
                             "{n} 个订单的查询凭证（token）",
                             "a snooper's {status} reply by {how} carried the token of {n} "
                             "order(s)"),
    "access.admin": T("后台接口对越权试探者（{how}）返回了 {status}",
                      "an admin route answered {status} to a snooper by {how}"),
    "access.admin_items": T("后台接口对越权试探者（{how}）返回了 {status}，含 {items} 条数据",
                            "an admin route answered {status} to a snooper by {how} with {items} "
                            "items"),
    "access.cards": T("卡密接口对越权试探者（{how}）返回了 {status}",
                      "a cards route answered {status} to a snooper by {how}"),
    "access.no_snoopers": T("操作记录中没有越权试探：负载没有派出试探者，没人尝试查看不该看的内容",
                            "no snooper ops in the history: the load sent no snoopers, so nobody "
                            "tried to see what they must not"),
    "access.fail": T("{attempts} 次越权试探中有 {leaks} 次看到了卡密或后台数据",
                     "{leaks} of {attempts} snooper attempts saw cards or admin data"),
    "access.ok": T("{attempts} 次越权试探，没有一次看到卡密或后台数据（{refused} 次被拒绝，"
                   "{unanswered} 次无应答）",
                   "{attempts} snooper attempts, none saw a card or admin data ({refused} "
                   "refused, {unanswered} unanswered)"),
    # gateway-protocol
    "gateway-protocol.slow": T("{ms} 毫秒后才回复 success，超过了 {limit:g}"
                               " 秒的回复时限（第 {attempt} 次）",
                               "answered success after {ms} ms, past the {limit:g} s reply "
                               "deadline (attempt {attempt})"),
    "gateway-protocol.answered": T("回复 {outcome}（HTTP {http}，内容 {reply}）",
                                   "answered {outcome} (HTTP {http}, reply {reply})"),
    "gateway-protocol.to_duplicate": T("对网关真实的重复回调{answer}",
                                       "{answer} to a genuine duplicate notify"),
    "gateway-protocol.after_goods": T("买家已拿到货后，对第 {attempt} "
                                      "次回调{answer}：网关的重试链还在继续",
                                      "{answer} to attempt {attempt} after the buyer already had "
                                      "the goods: the gateway's retry chain runs on"),
    "gateway-protocol.to_genuine": T("对网关真实的回调{answer}（第 {attempt} 次）",
                                     "{answer} to a genuine notify (attempt {attempt})"),
    "gateway-protocol.took_forged": T("对本应拒绝的回调回复了 success（{kind}，变体 {variant}）",
                                      "answered success to a notify that must be refused ({kind}, "
                                      "variant {variant})"),
    "gateway-protocol.fail": T("{n} 次回调应答违反了网关协议（涉及 {orders} 个订单）",
                               "{n} notify answers broke the gateway protocol ({orders} orders)"),
    "gateway-protocol.unknown": T("{unjudged} 次真实回调没有及时回复 success，且缺少 faults.jsonl，"
                                  "无法知道是否有故障可以解释",
                                  "{unjudged} genuine notifies were not answered success in time "
                                  "and faults.jsonl is missing, so it is unknown whether a fault "
                                  "excused them"),
    "gateway-protocol.ok": T("{genuine_answered} 次真实回调都及时回复了 "
                             "success（{excused_during_fault} "
                             "次因故障免责）；{adversarial_refused} 次本应拒绝的回调都被拒绝",
                             "{genuine_answered} genuine notifies answered success in time "
                             "({excused_during_fault} excused during faults); "
                             "{adversarial_refused} must-refuse notifies refused"),
    # supplier-quantity
    "supplier-quantity.asked": T("在 {at} 向 {name} 采购 {sku} {asked} 件（订单数量 {ordered}）",
                                 "asked {name} for {asked} units of {sku} at {at} (ordered "
                                 "{ordered})"),
    "supplier-quantity.asked_after": T("在 {at} 向 {name} 采购 {sku} "
                                       "{asked} 件（订单数量 {ordered}，"
                                       "已收到 {received} 件）",
                                       "asked {name} for {asked} units of {sku} at {at} (ordered "
                                       "{ordered}, {received} already received)"),
    "supplier-quantity.fail": T("{orders_purchased} 个订单中有 {bad} 个向供应商采购的数量不对",
                                "{bad} of {orders_purchased} orders were bought from suppliers in "
                                "the wrong quantity"),
    "supplier-quantity.unknown": T("{unjudged} 次采购无法判断：不"
                                   "知道订单数量（操作记录和负载计划都没有），"
                                   "或供应商记录里没有数量",
                                   "{unjudged} purchases could not be judged: no order quantity "
                                   "(history or load plan) or no quantity in the supplier ledger"),
    "supplier-quantity.none": T("本次运行没有供应商采购（记录为空）",
                                "no supplier purchases in this run (the ledgers are empty)"),
    "supplier-quantity.ok": T("{orders_purchased} 个订单的 {requests}"
                              " 次供应商采购，数量都与订单一致",
                              "{requests} supplier requests for {orders_purchased} orders each "
                              "asked for the quantity ordered"),
}

"""What each check is called and what it guards, in Chinese and English, in one place.

The check id (`no-loss`) is for machines and stays as it is in summary.json
and JUnit; the title and the one-sentence explanation are for the shop
operator reading report.html, the console or CI. A check without an entry here
is shown by its id (tests/drill/report/test_check_titles.py makes every check
of CHECK_IDS have one).
"""

from __future__ import annotations

from dataclasses import dataclass

from drill.i18n import Lang, Text

__all__ = ["TITLES", "CheckTitle", "title_of"]


@dataclass(frozen=True, slots=True)
class CheckTitle:
    title: Text
    explains: Text


def _t(zh: str, en: str, zh_why: str, en_why: str) -> CheckTitle:
    return CheckTitle(Text(zh=zh, en=en), Text(zh=zh_why, en=en_why))


TITLES: dict[str, CheckTitle] = {
    "no-loss": _t("不丢单", "No lost order",
                  "网关确认已付款的每个订单，最终都已发货、已退款，或转人工并发出了告警。",
                  "Every order the gateway saw paid ends delivered, refunded, or in manual "
                  "handling with an alert."),
    "no-duplicate": _t("不重复发货", "No double delivery",
                       "一个订单只收到一次发货，同一张卡密不会发给两个订单。",
                       "No order gets two deliveries; no card code reaches two orders."),
    "no-oversell": _t("不超卖", "No oversell",
                      "发出的卡密都来自真实导入的库存或供应商实际售出的卡密。",
                      "Every code delivered was imported as stock or sold by a supplier."),
    "no-double-purchase": _t("不重复采购", "No double supplier purchase",
                             "每个订单在所有供应商处最多只有一次有效采购（幂等重放不算）。",
                             "At most one effective supplier purchase per order, across "
                             "suppliers (idempotent replays are fine)."),
    "latency": _t("发货时效", "Delivery time",
                  "从付款到发货的耗时分位数（p50/p95/p99）不超过场景规定的上限。",
                  "Paid-to-delivered percentiles stay within the scenario's limits."),
    "retries": _t("重试有度", "Bounded retries",
                  "每个订单的供应商调用次数在上限之内，没有重试风暴。",
                  "Supplier attempts per order stay within bounds; no retry storm."),
    "failover": _t("故障切换", "Failover",
                   "主供应商出故障后，在规定时间内开始由备用供应商发货。",
                   "After the primary supplier fails, backup deliveries start within the "
                   "window."),
    "failback": _t("切回主供应商", "Failback",
                   "主供应商恢复后，流量在规定时间内回到主供应商。",
                   "After the primary supplier recovers, traffic returns to it within the "
                   "window."),
    "breaker": _t("熔断器", "Circuit breaker",
                  "供应商链路中断期间，商城对它的拨号次数受熔断器限制，不会每单都去拨。",
                  "While a supplier's link is dark, the shop's dials on it stay within what "
                  "its breaker allows, not one per order."),
    "alerts": _t("告警", "Alerts",
                 "预期的告警规则确实发到了群机器人；平静的演练里不出现多余告警。",
                 "The expected alert rules reach the IM robots; a quiet run raises none."),
    "buyer-notice": _t("延迟通知买家", "Delay notice to buyers",
                       "发货超过承诺时间的每位买家都收到了延迟通知邮件。",
                       "Every buyer whose delivery took longer than promised got a delay "
                       "notice mail."),
    "thresholds": _t("指标阈值", "Thresholds",
                     "吞吐、错误率、丢弃的到达等指标在场景规定的范围内。",
                     "Rates, error share, dropped arrivals and other metrics stay within the "
                     "scenario's limits."),
    "completion": _t("演练完整", "The drill happened",
                     "计划中的买家大多真正下了单，演练不是靠少数订单蒙混过关。",
                     "Most planned buyers got an order created, so a pass is not the work of "
                     "a few orders."),
    "money-goods": _t("先收款再发货", "Paid before goods",
                      "每个拿到货的订单，都已在网关足额付款，且付款早于发货。",
                      "Every order that got goods was paid at the gateway, in full, before "
                      "the goods left."),
    "buyer-truth": _t("买家所见属实", "What buyers see is true",
                      "显示“已发货”的订单，买家能看到数量正确、真实且属于自己的卡密。",
                      "An order shown delivered lets its buyer see exactly its own real "
                      "codes, the right number of them."),
    "gateway-protocol": _t("支付回调协议", "Gateway notify protocol",
                           "商城按易支付协议在时限内回复网关的每次回调（包括重试和重复通知）。",
                           "The shop answers every gateway notify (retries and duplicates "
                           "too) as the epay protocol demands, in time."),
    "supplier-quantity": _t("采购数量正确", "Supplier quantity",
                            "每次供应商采购的数量就是买家下单的数量（或尚缺的数量）。",
                            "Each supplier purchase asks for the quantity the buyer ordered "
                            "(or the units still missing)."),
    "stock-conservation": _t("库存守恒", "Stock conservation",
                             "导入的卡密 = 已发货 + 可售 + 未完成订单占用，没有凭空消失的库存。",
                             "Keys imported = delivered + available + held by live orders; "
                             "no stock vanishes."),
    "messages": _t("消息送达", "Messages delivered",
                   "告警被机器人接收才算数（被限流要重发）；延迟通知只发给迟到的买家。",
                   "An alert counts once a robot accepted it (throttled posts are retried); "
                   "delay notices go to late buyers only."),
    "access": _t("访问控制", "Access control",
                 "越权试探的请求看不到任何卡密或后台数据。",
                 "No snooping request sees a card or admin data."),
    "mail-recipient": _t("邮件发对人", "Mail to the right buyer",
                         "每封关于订单的邮件都只发给下单时留下的联系方式，且只含该订单的卡密。",
                         "Every mail about an order goes to the contact its buyer gave, with "
                         "only that order's codes."),
    "double-payment": _t("重复付款要退", "A second payment is refunded",
                         "同一订单在网关被付了两次时，多收的钱在网关退款，或发出 refund_needed "
                         "告警交人工处理。",
                         "When an order is paid twice at the gateway, the extra money is "
                         "refunded there or escalated with a refund_needed alert."),
    "review-hold": _t("风控审核不放货", "Held for review, not delivered",
                      "超过风控金额上限、被留待人工审核（或被拦截）的订单，在审核前拿不到卡密。",
                      "An order above the risk rule's amount limit, held for review (or "
                      "blocked), gets no goods while held."),
    "shop-health": _t("商城进程存活", "Shop stayed up",
                      "没有故障计划时，商城的每个进程都没有退出。",
                      "No shop process exited unless a fault planned it."),
    "oracle": _t("判定程序", "The oracle",
                 "检查程序本身崩溃，这次运行无法判定。",
                 "The checks themselves crashed; the run cannot be judged."),
    "run": _t("运行本身", "The run itself",
              "这次运行因中断或压测端故障而无法判定。",
              "The run could not be judged: interrupted, or the harness broke."),
    "report": _t("报告", "Report",
                 "这次运行没有可读的 summary.json。",
                 "The run has no readable summary.json."),
}


def title_of(check_id: str, lang: Lang) -> tuple[str, str]:
    """(title, explanation) of `check_id` in `lang`; the id itself and "" when unknown."""
    entry = TITLES.get(check_id)
    if entry is None:
        return check_id, ""
    return entry.title.say(lang), entry.explains.say(lang)

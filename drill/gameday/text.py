"""The game day's words in Chinese and English (the same `zh|en` as `--lang`).

A small catalogue of its own until the shared `drill/i18n.py` lands; `t(lang, key, **p)`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LANGS", "t"]

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "title": ("演练计分卡 · 黄金30分钟", "Game day scorecard · the golden 30 minutes"),
    "board.title": ("演练看板(裁判)", "Incident board (game master)"),
    "board.timer": ("演练时间", "Exercise time"),
    "board.cause": ("故障原因", "Cause"),
    "board.hidden": ("演练结束后揭晓", "revealed when the exercise ends"),
    "board.stuck": ("已付款未发货", "Paid, not delivered"),
    "board.oldest": ("最久等待", "Oldest wait"),
    "board.alerts": ("告警(IM 群收到的原文)", "Alerts (as the IM robots received them)"),
    "board.mails": ("已发买家邮件", "Buyer mails sent"),
    "board.complaints": ("超时联系客服的买家", "Buyers past the promise who contacted support"),
    "board.actions": ("操作记录(后台审计日志)", "Operators' actions (the shop's audit log)"),
    "board.end": ("结束演练", "End exercise"),
    "board.ended": ("演练已结束,正在生成计分卡…", "Exercise ended; writing the scorecard…"),
    "board.planned": ("计划结束", "Planned end"),
    "step.acknowledge": ("确认(告警后第一次查看卡单列表)",
                         "Acknowledge (first look at the stuck list after the alert)"),
    "step.cause_checked": ("查明原因(查看库存/API日志/待审核)",
                           "Check the cause (stock / API log / review queue looked at)"),
    "step.first_notice": ("第一次通知买家", "First buyer notice"),
    "step.told_share": ("延迟买家 15 分钟内收到通知的比例",
                        "Delayed buyers told within 15 min"),
    "step.all_delivered": ("所有卡单发出(自动或手动),30 分钟内的比例",
                           "Every stuck order delivered (auto or by hand), share within 30 min"),
    "step.duplicates": ("重复发货(必须为 0)", "Duplicate deliveries (must be 0)"),
    "step.blind_resends": ("盲目重发(原因未明时重新发货/强制发货)",
                           "Blind resends (resend / force delivery before the cause was known)"),
    "step.coupons": ("超时买家获得优惠券", "Coupons to buyers who waited too long"),
    "step.over_30": ("等待超过 30 分钟的买家", "Buyers who waited over 30 min"),
    "improve.acknowledge": ("告警一响就登录后台筛选“处理中/失败”订单(前5分钟)。",
                            "Open the back office and filter processing/failed orders as soon "
                            "as the alert arrives (first 5 minutes)."),
    "improve.cause_checked": ("动手前先看库存、API日志和待审核队列,分清个案还是批量。",
                              "Before acting, look at stock, the API log and the review queue: "
                              "a single case or a batch?"),
    "improve.first_notice": ("5–15 分钟内用道歉模板主动通知买家(订单号+承诺时间)。",
                             "Within 5–15 minutes send the apology template (order number and "
                             "promised minutes) to the buyers."),
    "improve.told_share": ("用“通知全部延迟订单”一次告知所有等待的买家,并在新卡单出现时再发。",
                           "Use 'notify all delayed orders' so every waiting buyer hears from "
                           "you, and again as new orders get stuck."),
    "improve.all_delivered": ("10–15 分钟仍未恢复就从库存取卡密手动发货(缺货先补货);买家说已付款"
                              "却显示待支付时,用“补单”向支付网关查单。",
                              "If delivery has not recovered after 10–15 minutes, deliver by "
                              "hand from stock (import keys first when it ran out); when buyers "
                              "paid but the order shows pending, check it at the gateway (补单)."),
    "improve.duplicates": ("同一订单不要发两次:手动发货前先看订单是否已发货。",
                           "Never deliver an order twice: check it is still undelivered first."),
    "improve.blind_resends": ("原因未明(或供应商仍在故障)时不要点重新发货/强制发货。",
                              "Do not click resend / force delivery before the cause is known "
                              "(or while the supplier still fails)."),
    "improve.coupons": ("等待超过 10 分钟的买家送一张小额优惠券。",
                        "Give buyers who waited over 10 minutes a small coupon."),
    "improve.over_30": ("30 分钟内必须让每个买家拿到卡密。",
                        "Every buyer must have the keys within 30 minutes."),
    "col.step": ("步骤", "Step"), "col.deadline": ("时限", "Deadline"),
    "col.happened": ("实际情况", "What happened"), "col.result": ("结果", "Result"),
    "pass": ("通过", "PASS"), "fail": ("未通过", "FAIL"), "unknown": ("未知", "UNKNOWN"),
    "grade": ("总评", "Grade"), "timeline": ("时间线", "Timeline"),
    "improve": ("改进建议", "What to improve"), "unknown.why": (
        "商店没有审计日志,以下项目无法从外部记录判断:",
        "The shop keeps no audit log; these items cannot be judged from outside records:"),
    "target.outside": ("演练对象:{url}(你启动的商店,经适配器访问);"
                       "不读取其审计日志,只按外部记录计分",
                       "Exercising {url} (the shop you started, through its adapter); its audit "
                       "log is not read: scored from outside records only"),
    "target.line": ("演练对象 {url}:只按外部记录计分(支付网关、IM/邮件接收端、"
                    "经适配器读取的订单列表),未读取商店审计日志。",
                    "Shop under exercise {url}: scored from outside records only (the "
                    "gateway, the IM/mail sink, the order list read through its adapter); "
                    "the shop's audit log was not read."),
    "target.not_applied": ("该故障对商店配置的改动未生效(商店由你配置):",
                           "The incident's changes to the shop's config were not applied (you "
                           "configure that shop):"),
    "incident": ("故障", "Incident"), "speed": ("速度", "Speed"),
    "ref": ("告警时间(计时起点)", "Alert (the clock's reference)"),
    "never": ("从未发生", "never"), "after": ("{t} 后", "{t} after"),
    "share": ("{ok}/{of}({pct}%)", "{ok}/{of} ({pct}%)"),
    "count": ("{n} 次", "{n}"), "open": (",{n} 单未发", ", {n} still undelivered"),
    "ev.incident": ("故障开始", "incident starts"), "ev.alert": ("告警", "alert"),
    "ev.inject": ("注入故障", "fault injected"), "ev.heal": ("故障恢复", "fault healed"),
    "ev.end": ("演练结束", "exercise ends"), "ev.complaint": ("买家投诉", "buyer complains"),
    "ev.mail": ("买家邮件", "buyer mail"),
}


def t(lang: str, key: str, **params: Any) -> str:
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**params) if params else text

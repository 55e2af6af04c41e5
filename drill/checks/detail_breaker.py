"""The sentences of the breaker check, zh + en.

Part of the one catalogue drill.checks.detail_text.TEXTS; see there.
"""

from __future__ import annotations

from drill.i18n import Text as T

__all__ = ["BREAKER"]

BREAKER: dict[str, T] = {
    "breaker.none": T("没有供应商链路中断的故障：熔断器未被考验",
                      "no supplier link went dark: the breaker was not exercised"),
    "breaker.down_only": T("未判断：{links} 被关闭（down），内核直接拒绝连接，链路上无从计数，"
                           "商城也没有导出调用记录；用 reset_peer 故障（stream upstream，"
                           "timeout 0）才能在链路上数出拨号次数",
                           "not judged: {links} was disabled (down), the kernel refuses so the "
                           "link counts no dials, and the shop exported no call log; a "
                           "reset_peer fault (stream upstream, timeout 0) lets the link count "
                           "them"),
    "breaker.uncounted": T("无法判断：故障 {fault} 没有连接计数（{why}）",
                           "cannot judge: fault {fault} has no connection count ({why})"),
    "breaker.ok": T("{link} 中断 {s:.1f} 秒期间商城只拨号 {n} 次（熔断器允许至多 {limit} 次："
                    "连续 {failures} 次失败熔断，每 {reset:g} 秒试探一次）",
                    "{n} dials on {link} during its {s:.1f} s outage (the breaker allows at "
                    "most {limit}: opens after {failures} failures, one trial per {reset:g} s)"),
    "breaker.unbounded": T("{link} 中断 {s:.1f} 秒期间商城拨号 {n} 次，熔断器至多允许 {limit} 次"
                           "（连续 {failures} 次失败熔断，每 {reset:g} 秒试探一次）："
                           "熔断器没有打开，或半开时放过了不止一次试探",
                           "{n} dials on {link} during its {s:.1f} s outage where the breaker "
                           "allows at most {limit} (opens after {failures} failures, one trial "
                           "per {reset:g} s): the breaker never opened, or let more than "
                           "one trial through when half-open"),
    "breaker.few_orders": T("无法判断：不知道商城的熔断策略，而 {link} 中断期间只有 {orders} 个"
                            "供应商订单付款（至少需要 {min} 个才能比较）",
                            "cannot judge: the shop's breaker policy is unknown and only "
                            "{orders} supplier orders were paid while {link} was dark (at "
                            "least {min} needed to compare)"),
    "breaker.per_order_ok": T("{link} 中断 {s:.1f} 秒期间拨号 {n} 次，少于期间付款的 {orders} 个"
                              "供应商订单", "{n} dials on {link} during its {s:.1f} s outage, "
                              "fewer than the {orders} supplier orders paid meanwhile"),
    "breaker.per_order": T("{link} 中断 {s:.1f} 秒期间拨号 {n} 次，不少于期间付款的 {orders} 个"
                           "供应商订单：每个订单都去拨打已断的供应商，熔断器没有打开",
                           "{n} dials on {link} during its {s:.1f} s outage, not fewer than "
                           "the {orders} supplier orders paid meanwhile: every order dialled "
                           "the dead supplier, the breaker never opened"),
    "breaker.all_ok": T("{n} 次供应商链路中断期间的拨号都在熔断器允许的范围内",
                        "the dials of all {n} supplier link outages stay within the breaker"),
}

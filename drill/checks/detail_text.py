"""Every sentence a checker writes (its `detail`, an example's `reason`), in Chinese and English.

One catalogue, keyed `<check>.<what>`: the checkers fill in the figures and ids
(drill.checks.said); summary.json keeps the English text as `detail` and the key
and figures as `detail_msg`, so report.html, the console and JUnit say it in the
operator's language. A sentence lives here in both languages or not at all
(tests/drill/checks/test_detail_text.py). Split by family only to keep modules
small: detail_orders (goods and money), detail_flow (time, suppliers, alerts).
"""

from __future__ import annotations

from drill.checks.detail_alerts import CHANNELS
from drill.checks.detail_breaker import BREAKER
from drill.checks.detail_flow import FLOW
from drill.checks.detail_orders import ORDERS
from drill.i18n import Text

__all__ = ["TEXTS"]

T = Text

_COMMON: dict[str, Text] = {
    "raw": T("{text}", "{text}"),
    "verdict.missing": T("无法判断：缺少{names}（运行被中断，或收集时某个组件已停止；"
                         "见 collect_errors.json）",
                         "cannot judge: missing {names} (interrupted run or a component down "
                         "at collection; see collect_errors.json)"),
    "verdict.crashed": T("检查程序出错：{error}", "checker crashed: {error}"),
    "verdict.unloadable": T("无法读取运行目录 {run_dir}：{error}",
                            "could not load the run folder {run_dir}: {error}"),
    "src:the gateway payments ledger": T("网关支付记录", "the gateway payments ledger"),
    "src:the gateway payments ledger (paid times)": T("网关支付记录（付款时间）",
                                                      "the gateway payments ledger (paid times)"),
    "src:the gateway notify ledger": T("网关回调记录", "the gateway notify ledger"),
    "src:the gateway ledger": T("网关记录", "the gateway ledger"),
    "src:the buyer history": T("买家操作记录", "the buyer history"),
    "src:buyer history and the service export": T("买家操作记录和商城导出",
                                                  "buyer history and the service export"),
    "src:supplier purchase ledgers": T("供应商采购记录", "supplier purchase ledgers"),
    "src:supplier purchase ledgers and the service export": T(
        "供应商采购记录和商城导出", "supplier purchase ledgers and the service export"),
    "src:load.json and history.jsonl": T("load.json 和 history.jsonl",
                                         "load.json and history.jsonl"),
    "src:faults.jsonl": T("faults.jsonl（故障记录）", "faults.jsonl"),
    "src:stock.json": T("stock.json（库存记录）", "stock.json"),
    "src:the IM sink ledger (messages)": T("群机器人接收端记录（消息）",
                                           "the IM sink ledger (messages)"),
    "src:the sink mail ledger": T("邮件接收端记录", "the sink mail ledger"),
    "src.export": T("商城导出", "the service export"),
    "src.export_blind": T("商城导出（本次盲测不读取，--no-export）",
                          "the shop's export, which this blind run does not read (--no-export)"),
}

TEXTS: dict[str, Text] = {**_COMMON, **ORDERS, **FLOW, **BREAKER, **CHANNELS}
assert len(TEXTS) == len(_COMMON) + len(ORDERS) + len(FLOW) + len(BREAKER) + len(CHANNELS), \
    "a key is defined twice"

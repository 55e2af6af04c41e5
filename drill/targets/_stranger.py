"""The stranger probes: can someone who knows an order number read its cards (`wrong_token`),
and do the adapter's declared snooper probes all come back refused (`snoopers`)?"""

from __future__ import annotations

import random
from typing import Any, Protocol

from drill.checks.access import leak
from drill.targets._abilities import Ability
from drill.targets._adapter import TargetAdapter
from drill.targets._http import HttpClient
from drill.targets._report import Verdict
from drill.targets._snoop import NO_SECRET, run_adapter_snooper
from drill.targets._steps import Order, StepError, StepFailed

FORGED = "forged-token-0000"


class _Ops:
    def __init__(self) -> None:
        self.done: list[dict[str, Any]] = []

    def op(self, process: str, type_: str, f: str, value: dict[str, Any],
           at: float | None = None) -> None:
        if type_ != "invoke":
            self.done.append({"process": process, "type": type_, "f": f, "value": value})


class _Run(Protocol):
    adapter: TargetAdapter
    http: HttpClient
    order: Order | None
    cards: tuple[str, ...]

    def add(self, name: str, verdict: Verdict, en: str, zh: str, **evidence: Any) -> None: ...


def _attempt(run: _Run, order: Order) -> tuple[str, str]:
    """Read status and cards as the stranger: ('refused'|'leaked'|'unknown', detail)."""
    leaks: list[str] = []
    for step in ("poll_status", "read_cards"):
        try:
            if step == "poll_status":
                st = run.adapter.poll_status(run.http, order)
                if st.cards:
                    leaks.append(f"poll_status showed cards {list(st.cards)}")
            else:
                leaks.append(f"read_cards gave {list(run.adapter.read_cards(run.http, order))}")
        except StepFailed:
            continue
        except StepError as exc:
            return "unknown", f"{step}: {exc}"
    return ("leaked", "; ".join(leaks)) if leaks else ("refused", "")


def stranger_read(run: _Run) -> None:
    """With a secret: forge it. Without one: the order number alone must not reveal the cards."""
    if run.order is None or not run.cards:
        run.add("wrong_token", "unknown", "needs a delivered purchase first",
                "需要先有一笔成功发货的订单")
        return
    has_secret = run.adapter.has(Ability.ORDER_SECRET)
    order = run.order.with_secret(FORGED if has_secret else None)
    outcome, detail = _attempt(run, order)
    no = run.order.order_no
    if outcome == "unknown":
        run.add("wrong_token", "unknown", f"no clear answer to the stranger's read: {detail}",
                f"陌生人读取订单时没有明确答复: {detail}")
    elif outcome == "refused":
        run.add("wrong_token", "pass", f"order {no} with a wrong token: refused",
                f"用错误的凭证读取订单 {no}: 被拒绝")
    elif has_secret:
        run.add("wrong_token", "fail", f"order {no} with a wrong token: {detail}",
                f"用错误的凭证读取订单 {no}: 泄露了卡密 ({detail})")
    else:
        run.add("wrong_token", "fail", f"the shop has no per-order secret: the order number "
                f"{no} alone reads the cards ({detail})",
                f"商店没有订单凭证: 仅凭订单号 {no} 就能读取卡密 ({detail})")


def snooper_probes(run: _Run) -> None:
    """The adapter's declared snooper probes on the probe order, judged by the access rule."""
    if not run.adapter.snoops:
        return      # none declared: the ability lines and the drills' `access` say so
    if run.order is None or not run.cards:
        run.add("snoopers", "unknown", "needs a delivered purchase first",
                "需要先有一笔成功发货的订单")
        return
    ops = _Ops()
    victim = (run.order.order_no, run.order.secret or NO_SECRET)
    run_adapter_snooper(run.adapter, run.http, ops, "snooper-check", [victim], random.Random(7))
    owner = dict.fromkeys(run.cards, run.order.order_no)
    leaks = [why for o in ops.done if (why := leak(o, owner)) is not None]
    unclear = [o["value"]["how"] for o in ops.done if o["type"] == "info"]
    n = len(ops.done)
    if leaks:
        run.add("snoopers", "fail", f"{len(leaks)} of {n} snooper probes saw what they must not: "
                f"{leaks[0]}", f"{n} 次窥探中有 {len(leaks)} 次看到了不该看到的数据: {leaks[0]}",
                leaks=leaks)
    elif unclear:
        run.add("snoopers", "unknown", f"{len(unclear)} of {n} snooper probes got no clear "
                f"answer ({', '.join(unclear)})", f"{n} 次窥探中有 {len(unclear)} 次没有明确答复")
    else:
        kinds = ", ".join(sorted({str(o["value"]["how"]) for o in ops.done}))
        run.add("snoopers", "pass", f"{n} snooper probes ({kinds}) all refused",
                f"{n} 次窥探 ({kinds}) 全部被拒绝", ops=ops.done)

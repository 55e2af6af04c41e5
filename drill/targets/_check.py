"""`target check`: a conformance probe of one shop through its adapter, from outside records.

The shop's channels pointed at the world first (when the adapter can), then one
purchase end to end (order, gateway payment, notify, cards), the stock count
before and after, a duplicate notify signed like the gateway's, a read of the
order without its secret, then the adapter's declared snooper probes. A probe
whose abilities the adapter lacks says *unknown* and why; nothing passes by
default.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from drill.targets._abilities import BUYER_STEPS, Ability
from drill.targets._adapter import TargetAdapter
from drill.targets._gateway import gateway_payment, pay_at_gateway, signed_notify
from drill.targets._http import HttpClient, HttpxClient
from drill.targets._report import ConformanceReport, Probe, Verdict, ability_lines
from drill.targets._steps import CatalogueItem, Order, OrderState, StepError
from drill.targets._stranger import snooper_probes, stranger_read
from drill.targets._world import World

Sleep = Callable[[float], None]
DUPLICATE_WATCH_TICKS, DUPLICATE_WATCH_TICK_S = 12, 0.25   # watch 3 s for a late redelivery
DUPLICATES = 3


@dataclass
class _Run:
    adapter: TargetAdapter
    world: World
    http: HttpClient
    timeout_s: float
    sleep: Sleep
    probes: list[Probe] = field(default_factory=list)
    order: Order | None = None
    trade_no: str | None = None
    cards: tuple[str, ...] = ()
    stock_before: int | None = None

    def add(self, name: str, verdict: Verdict, en: str, zh: str, **evidence: Any) -> None:
        self.probes.append(Probe(name, verdict, en, zh, evidence))

    def stock(self, product_id: str) -> int | None:
        if not self.adapter.has(Ability.STOCK_COUNT):
            return None
        try:
            return self.adapter.stock(self.http, product_id)
        except StepError:
            return None


def check_target(adapter: TargetAdapter, world: World, *, product: CatalogueItem | None = None,
                 http: HttpClient | None = None, timeout_s: float = 30.0,
                 sleep: Sleep = time.sleep) -> ConformanceReport:
    """Probe the shop behind `adapter`; `product` (with fresh codes) is set up first if it can."""
    if http is None:
        with HttpxClient() as own:
            return check_target(adapter, world, product=product, http=own,
                                timeout_s=timeout_s, sleep=sleep)
    run = _Run(adapter, world, http, timeout_s, sleep)
    _channels(run)
    product_id = _prepare(run, product)
    if product_id is not None:
        _purchase(run, product_id, product)
        _stock_probe(run, product_id)
        _duplicate_notify(run, product_id)
        stranger_read(run)
        snooper_probes(run)
    return ConformanceReport(adapter.name, adapter.base_url, ability_lines(adapter),
                             tuple(run.probes))


def _channels(run: _Run) -> None:
    """Point the shop at the world when the adapter can (the purchase then proves it took);
    an adapter without the ability adds no probe: its ability line says it is missing."""
    if not run.adapter.has(Ability.SETUP_CHANNELS):
        return
    try:
        lines = run.adapter.setup_channels(run.http)
    except StepError as exc:
        run.add("setup_channels", "unknown" if exc.op_type == "info" else "fail",
                f"pointing the shop at the world failed: {exc}", f"设置店铺渠道失败: {exc}")
        return
    run.add("setup_channels", "pass", "channels pointed at the world: " + "; ".join(lines),
            "渠道已指向演练环境: " + "; ".join(lines), lines=lines)


def _prepare(run: _Run, product: CatalogueItem | None) -> str | None:
    """Set the probe product up (when asked and able) or pick one in stock; its id."""
    a, why = run.adapter, run.adapter.why_not(*BUYER_STEPS)
    if why is not None:
        run.add("purchase", "unknown", f"cannot buy: {why}", f"无法下单购买: {why}")
        return None
    try:
        if product is not None and a.has(Ability.SETUP_CATALOGUE):
            a.setup_catalogue(run.http, [product])
        elif product is not None and product.codes and a.has(Ability.IMPORT_CARDS):
            a.import_cards(run.http, product.id, product.codes)
        if product is not None:
            run.stock_before = run.stock(product.id)
            return product.id
        if a.has(Ability.LIST_PRODUCTS):
            for p in a.list_products(run.http):
                if p.stock is None or p.stock > 0:
                    run.stock_before = run.stock(p.id) if p.stock is None else p.stock
                    return p.id
    except StepError as exc:
        run.add("purchase", "unknown", f"setting up the probe product failed: {exc}",
                f"准备测试商品失败: {exc}")
        return None
    run.add("purchase", "unknown", "no product to buy: pass one with keys in stock",
            "没有可购买的商品: 请指定一个有库存的商品")
    return None


def _await_delivery(run: _Run, order: Order) -> tuple[str, str]:
    """Poll until delivered or terminal or the timeout: (normalised state, shop's word)."""
    deadline = time.monotonic() + run.timeout_s
    state, raw, pause = OrderState.UNKNOWN, "", 0.05
    while time.monotonic() < deadline:
        try:
            st = run.adapter.poll_status(run.http, order)
            state, raw = st.state, st.raw
            if state in (OrderState.DELIVERED, OrderState.CLOSED):
                break
        except StepError as exc:
            raw = str(exc)
        run.sleep(pause)
        pause = min(1.0, pause * 1.5)
    return state.value, raw


def _purchase(run: _Run, product_id: str, product: CatalogueItem | None) -> None:
    a = run.adapter
    try:
        order = a.create_order(run.http, product_id, 1, "probe@faka-drill.test")
        run.order = order
        start = a.start_payment(run.http, order)
        run.trade_no = pay_at_gateway(run.http, run.world.gateway, start)
        state, raw = _await_delivery(run, order)
        if state != OrderState.DELIVERED.value:
            within = "" if state == OrderState.CLOSED.value else f" within {run.timeout_s:g} s"
            run.add("purchase", "fail", f"paid order {order.order_no} was not delivered"
                    f"{within} (last status {raw!r})",
                    f"已支付订单 {order.order_no} 未发货 (状态 {raw!r})",
                    order_no=order.order_no, trade_no=run.trade_no, status=raw)
            return
        run.cards = a.read_cards(run.http, order)
    except StepError as exc:
        run.add("purchase", "unknown" if exc.op_type == "info" else "fail",
                f"the purchase stopped at {exc}", f"购买流程中断: {exc}")
        return
    foreign = [c for c in run.cards if product and product.codes and c not in product.codes]
    if not run.cards or foreign:
        run.add("purchase", "fail", f"delivered, but cards {list(run.cards)} are not the "
                "imported keys", f"已发货, 但卡密 {list(run.cards)} 不是导入的卡密",
                order_no=order.order_no, cards=list(run.cards))
        return
    run.add("purchase", "pass", f"order {order.order_no} paid (trade {run.trade_no}) and "
            f"delivered {len(run.cards)} card(s)", f"订单 {order.order_no} 已支付并发货 "
            f"{len(run.cards)} 张卡密", order_no=order.order_no, trade_no=run.trade_no,
            cards=list(run.cards))


def _stock_probe(run: _Run, product_id: str) -> None:
    if run.stock_before is None:
        why = run.adapter.why_not(Ability.STOCK_COUNT)
        run.add("stock_count", "unknown", f"no exact stock count: {why or 'not readable'}",
                f"无法读取精确库存: {why or '读取失败'}")
        return
    if not run.cards:
        run.add("stock_count", "unknown", "no delivered purchase to count against",
                "没有成功发货的订单可供对照")
        return
    after = run.stock(product_id)
    expected = run.stock_before - len(run.cards)
    verdict: Verdict = "pass" if after == expected else "fail"
    run.add("stock_count", verdict, f"stock {run.stock_before} before, {after} after one "
            f"delivered card (expected {expected})", f"库存购买前 {run.stock_before}, 购买后 "
            f"{after} (应为 {expected})", before=run.stock_before, after=after)


def _duplicate_notify(run: _Run, product_id: str) -> None:
    a = run.adapter
    if run.order is None or run.trade_no is None or not run.cards:
        run.add("duplicate_notify", "unknown", "needs a delivered purchase first",
                "需要先有一笔成功发货的订单")
        return
    try:
        payment = gateway_payment(run.http, run.world.gateway, run.trade_no)
    except StepError as exc:
        run.add("duplicate_notify", "unknown", f"gateway ledger unreadable: {exc}",
                f"无法读取支付网关记录: {exc}")
        return
    if payment is None:
        run.add("duplicate_notify", "unknown", f"the gateway has no payment {run.trade_no}",
                f"支付网关没有交易 {run.trade_no}")
        return
    params = signed_notify(run.world.gateway, payment)
    url = a.notify_url(run.order.order_no, base=a.base_url)
    stock_before = run.stock(product_id)     # before: a shop may burn keys inside the notify
    replies = []
    for _ in range(DUPLICATES):
        r = (run.http.get(url, params=params) if "GET" in a.notify_methods
             else run.http.post(url, form=params))
        replies.append(f"{r.status} {r.text[:40]!r}")
    _judge_duplicate(run, product_id, replies, stock_before)


def _judge_duplicate(run: _Run, product_id: str, replies: list[str],
                     stock_expected: int | None) -> None:
    assert run.order is not None
    for _ in range(DUPLICATE_WATCH_TICKS):  # a shop delivering in the background gets time
        run.sleep(DUPLICATE_WATCH_TICK_S)
        try:
            again = run.adapter.read_cards(run.http, run.order)
        except StepError as exc:
            run.add("duplicate_notify", "unknown", f"cards unreadable after the duplicates: "
                    f"{exc}", f"重复通知后无法读取卡密: {exc}", replies=replies)
            return
        stock_now = run.stock(product_id)
        burned = stock_expected is not None and stock_now is not None and stock_now < stock_expected
        if again != run.cards or burned:
            break
    if again != run.cards or burned:
        run.add("duplicate_notify", "fail", f"{DUPLICATES} duplicate notifies changed the "
                f"delivery: cards {list(run.cards)} -> {list(again)}, stock {stock_expected} -> "
                f"{stock_now}", f"{DUPLICATES} 次重复通知改变了发货: 卡密 {list(run.cards)} -> "
                f"{list(again)}, 库存 {stock_expected} -> {stock_now}", replies=replies)
        return
    seen = "" if stock_now is not None else " (stock not countable: only the cards compared)"
    run.add("duplicate_notify", "pass", f"{DUPLICATES} duplicate notifies answered {replies}; "
            f"delivery unchanged{seen}", f"{DUPLICATES} 次重复通知未改变发货", replies=replies)

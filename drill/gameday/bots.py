"""Two operators that prove the scoring, both working the real back office.

- `RunbookBot` follows the golden 30 minutes to the letter: on the alert (or buyers past the
  promise, or orders left 待支付 that buyers should long have paid) it looks at the stuck
  list, the stock, the API log and the review queue; it checks unpaid orders at the
  gateway (批量补单) and apologises to each buyer whose payment it found; it tells every
  delayed buyer (template notice), approves held orders, delivers local orders by hand
  once they waited `manual_after_min`, retries supplier orders only once the API log
  shows the supplier answering again, and gives a coupon to every buyer who waited
  `coupon_after_min`.
- `CarelessBot` resends and forces delivery at once (a stale 待支付 order too), looks at
  nothing else, never writes to a buyer, never asks the gateway.
Each runs one bounded thread paced in scenario time (the runbook bot a second one from the
alert on, talking to the buyers while the first works the orders).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import httpx

from drill.gameday.backoffice_client import BackOffice
from drill.gameday.recorder import UNPAID, WAITING
from drill.gameday.setup import Plan

__all__ = ["BOTS", "Bot", "CarelessBot", "RunbookBot"]

ROUND_S = 15.0            # scenario seconds between two rounds
MAX_ROUNDS = 20_000
MAX_TRIES_PER_ORDER = 3
CAUSE_PAGES = ("/orders", "/stock", "/api-log", "/review")
HANDS = 4                 # POSTs in flight at once: a team's hands, not one mouse


class Bot:
    """The loop: log in, wait for the first alert in the IM sink, then a round at a time."""

    name = "bot"

    def __init__(self, plan: Plan, shop_url: str, sink_url: str, token: str) -> None:
        self.plan, self.sink_url = plan, sink_url
        self.bo = BackOffice(shop_url, self.name, token)
        self.alerted = False
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=self.name)
        self._local: set[str] = set()
        self._pool = ThreadPoolExecutor(HANDS, thread_name_prefix=self.name)
        self._helpers: list[threading.Thread] = []   # a second operator's loop, if any

    def start(self, local_products: set[str]) -> None:
        self._local = set(local_products)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in (self._thread, *self._helpers):
            if thread.is_alive():
                thread.join(15)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.bo.close()

    def each(self, jobs: list[Callable[[], Any]]) -> None:
        """Run the round's per-order POSTs a few at a time; stop early when asked to."""
        def guarded(job: Callable[[], Any]) -> None:
            if not self._stop.is_set():
                with contextlib.suppress(httpx.HTTPError):
                    job()
        for future in [self._pool.submit(guarded, job) for job in jobs]:
            future.result()

    def _run(self) -> None:
        try:
            self.bo.login()
        except (httpx.HTTPError, RuntimeError) as exc:
            self.errors.append(str(exc))
            return
        pause = self.plan.wall(ROUND_S)
        for _ in range(MAX_ROUNDS):
            try:
                self._tick()
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                self.errors.append(f"{type(exc).__name__}: {exc}")
            if self._stop.wait(pause):
                return

    def _tick(self) -> None:
        """Until the first alert (or a buyer past the promise on the order list, which an
        operator glances at) nothing happens; then a round every ROUND_S."""
        orders, now = self.bo.orders(), time.time()
        if not self.alerted:
            r = self.bo.admin.get(f"{self.sink_url}/_fake/ledger", params={"kind": "messages"})
            promise = self.plan.rules.promise_min
            late = any(o.get("status") in WAITING and self.waited(o, now) > promise
                       for o in orders) or len(self.unpaid(orders, now, promise)) >= 2
            if not r.json().get("items") and not late:
                return
            self.alerted = True
            self.on_alert()
        self.round(orders, now)

    def on_alert(self) -> None:
        self.bo.look("/orders", group="stuck")

    def round(self, orders: list[dict[str, Any]], now: float) -> None:
        raise NotImplementedError

    def unpaid(self, orders: list[dict[str, Any]], now: float, minutes: float
               ) -> list[dict[str, Any]]:
        """Orders still 待支付 `minutes` after they were placed (a buyer pays in seconds)."""
        return [o for o in orders if o.get("status") == "pending_payment"
                and isinstance(o.get("created_at"), int | float)
                and (now - o["created_at"]) * self.plan.speed / 60.0 > minutes]

    def waited(self, o: dict[str, Any], now: float) -> float:
        """Scenario minutes the buyer has waited (until delivery, else until now)."""
        paid = o.get("paid_at")
        if not isinstance(paid, int | float):
            return 0.0
        done = o.get("delivered_at")
        end = float(done) if isinstance(done, int | float) else now
        return (end - paid) * self.plan.speed / 60.0


class RunbookBot(Bot):
    name = "runbook-bot"

    def __init__(self, plan: Plan, shop_url: str, sink_url: str, token: str) -> None:
        super().__init__(plan, shop_url, sink_url, token)
        self.told: set[str] = set()
        self.couponed: set[str] = set()
        self.tries: dict[str, int] = {}
        self.asked: set[str] = set()      # unpaid orders 批量补单 already asked the gateway about
        self.unseen = list(CAUSE_PAGES)   # step-1 pages not yet loaded (a slow shop times out)

    def on_alert(self) -> None:
        """Step 1 (0-5 min): the stuck list, then stock, API log and review queue; and a
        second operator starts talking to the buyers (step 2 does not wait for a slow
        round of step 3: on a slow shop one round takes scenario minutes)."""
        care = threading.Thread(target=self._care, daemon=True, name=f"{self.name}-care")
        self._helpers.append(care)
        care.start()
        self._look_at_the_cause()

    def _care(self) -> None:
        """Every ROUND_S: the order list, and the template notice when someone new is late."""
        pause = self.plan.wall(ROUND_S)
        for _ in range(MAX_ROUNDS):
            with contextlib.suppress(httpx.HTTPError, ValueError, KeyError):
                self._tell_the_delayed(self.bo.orders(), time.time())
            if self._stop.wait(pause):
                return

    def _look_at_the_cause(self) -> None:
        """The pages not yet seen, side by side (a team, not one mouse): a page that times
        out is tried next round (a db-slow shop answers slowly; the others still count)."""
        self.each([partial(self._look_once, page) for page in list(self.unseen)])

    def _look_once(self, page: str) -> None:
        self.bo.look(page, **({"group": "stuck"} if page == "/orders" else {}))
        self.unseen.remove(page)

    def round(self, orders: list[dict[str, Any]], now: float) -> None:
        rules = self.plan.rules
        self._look_at_the_cause()
        self.bo.look("/orders", group="stuck")
        fresh = [o for o in self.unpaid(orders, now, rules.promise_min / 2)
                 if o["order_no"] not in self.asked]
        if fresh:
            orders = self._repair(orders, now)
        waiting = [o for o in orders if o.get("status") in WAITING]
        self.each([partial(self.bo.post, f"/orders/{o['order_no']}/review", approve="1")
                   for o in waiting if o.get("status") == "review"])
        supplier_ok = self._supplier_answers()
        self.each([partial(self._hand, o, supplier_ok,                     # step 3: by hand
                           self.waited(o, now) > rules.manual_after_min)
                   for o in waiting if o.get("status") != "review"])
        self.each([partial(self._coupon, o["order_no"]) for o in orders
                   if self.waited(o, now) > rules.coupon_after_min * 0.9
                   and o["order_no"] not in self.couponed])

    def _repair(self, orders: list[dict[str, Any]], now: float) -> list[dict[str, Any]]:
        """批量补单 (the gateway says who paid), then an apology to each buyer it found;
        returns the order list as it is now."""
        self.asked |= {o["order_no"] for o in self.unpaid(orders, now,  # long abandoned ones
                                                           self.plan.rules.promise_min / 2)}
        self.bo.look("/orders", group="pending")
        # the list as it is when the query is sent: a slow shop's round takes long enough for
        # new 待支付 orders to appear, and the query finds them paid too
        asked = {o["order_no"] for o in self.unpaid(self.bo.orders(), time.time(), 0.0)}
        self.bo.post("/query-pending", older="0")
        after = self.bo.orders()
        found = [o["order_no"] for o in after if o["order_no"] in asked
                 and o.get("status") not in UNPAID and o["order_no"] not in self.told]
        if found:   # one 批量通知: a slow shop answers one POST sooner than one per order
            self.bo.post("/notices", target="list", order_nos=" ".join(found),
                         subject="订单 {order_no} 支付回调延迟 / payment confirmation delayed",
                         body="您的订单 {order_no} 已确认付款并发货,抱歉久等 / your payment "
                              "for {order_no} is confirmed and the keys are on their way",
                         minutes=str(int(self.plan.rules.manual_after_min)), coupon="")
        self.told |= set(found)
        return after

    def _tell_the_delayed(self, orders: list[dict[str, Any]], now: float) -> None:
        """The template notice (批量通知) to every buyer not yet told who is late: still
        waiting past half the promise (a promise to deliver by hand), or delivered after it
        (an apology)."""
        rules = self.plan.rules
        fresh = [o for o in orders if o["order_no"] not in self.told]
        waiting = [o["order_no"] for o in fresh if o.get("status") in WAITING
                   and self.waited(o, now) > rules.promise_min / 2]
        came_late = [o["order_no"] for o in fresh if o.get("status") == "delivered"
                     and self.waited(o, now) > rules.promise_min]
        minutes = str(int(rules.manual_after_min))
        for nos, subject, body in (
                (waiting, "订单 {order_no} 发货延迟 / delivery delayed",
                 "您的订单 {order_no} 正在人工处理,{minutes} 分钟内未自动发货将人工发货并补偿 / "
                 "we deliver by hand within {minutes} minutes"),
                (came_late, "订单 {order_no} 发货迟了 / delivered late",
                 "您的订单 {order_no} 已发货,让您久等了,非常抱歉 / your keys for {order_no} "
                 "came later than we promise; we are sorry for the wait")):
            if nos:
                self.bo.post("/notices", target="list", order_nos=" ".join(nos),
                             subject=subject, body=body, minutes=minutes, coupon="")
                self.told |= set(nos)

    def _coupon(self, order_no: str) -> None:
        self.couponed.add(order_no)
        self.bo.post(f"/orders/{order_no}/coupon", code=self.plan.rules.coupon)

    def _hand(self, o: dict[str, Any], supplier_ok: bool, overdue: bool) -> None:
        """A local order overdue: deliver it; a supplier order given up on: retry it once
        the supplier answers again (never while it still fails)."""
        no = o["order_no"]
        if self.tries.get(no, 0) >= MAX_TRIES_PER_ORDER:
            return
        if o.get("product_id") in self._local and overdue:
            self.tries[no] = self.tries.get(no, 0) + 1
            self.bo.post(f"/orders/{no}/deliver")
        elif supplier_ok and o.get("status") == "manual" and o.get("product_id") not in self._local:
            self.tries[no] = self.tries.get(no, 0) + 1
            self.bo.post(f"/orders/{no}/retry")

    def _supplier_answers(self) -> bool:
        """The API log's latest supplier call went through (the cause is gone)."""
        r = self.bo.admin.get("/admin/api-log", params={"limit": 5})
        calls = r.json().get("calls", []) if r.status_code == 200 else []
        return bool(calls) and calls[0].get("outcome") == "ok"


class CarelessBot(Bot):
    """Resends and forces delivery at once; never looks at the cause, never writes."""

    name = "careless-bot"

    def __init__(self, plan: Plan, shop_url: str, sink_url: str, token: str) -> None:
        super().__init__(plan, shop_url, sink_url, token)
        self.tries: dict[str, int] = {}

    def round(self, orders: list[dict[str, Any]], now: float) -> None:
        self.bo.look("/orders", group="stuck")
        stale = {o["order_no"] for o in self.unpaid(orders, now, self.plan.rules.promise_min)}
        todo = [o for o in orders if (o.get("status") in WAITING or o["order_no"] in stale)
                and self.tries.get(o["order_no"], 0) < MAX_TRIES_PER_ORDER]
        for o in todo:
            self.tries[o["order_no"]] = self.tries.get(o["order_no"], 0) + 1
        self.each([partial(self._force, o) for o in todo])

    def _force(self, o: dict[str, Any]) -> None:
        no = o["order_no"]
        self.bo.post(f"/orders/{no}/resend")
        self.bo.post(f"/orders/{no}/deliver" if o.get("product_id") in self._local
                     else f"/orders/{no}/retry")


BOTS: dict[str, type[Bot]] = {"runbook": RunbookBot, "careless": CarelessBot}

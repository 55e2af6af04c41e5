"""Async notifies: plan the misbehaviour, schedule on the compressed clock, send, retry.

Timers ride the state's clock (the event loop's own heap in production, so a
pending notify costs one TimerHandle, not a sleeping task; a `ManualClock` in
tests); sends go through a `NotifyTransport` (by default one keep-alive pool,
`http1.Pool`, see there why not httpx) and a semaphore bounds how many are in flight.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Protocol

from fakes._common import Timer
from fakes.payment import epay
from fakes.payment.forge import UNPAID_VARIANT, forge, tamper_kind, unpaid_probe_due
from fakes.payment.http1 import HTTPError, Pool
from fakes.payment.state import GatewayState

MAX_IN_FLIGHT = 512
REPLY_KEEP = 200
FINISHED = "TRADE_FINISHED"  # epay/Alipay: paid, no refund possible any more (knob `finished`)


@dataclass(frozen=True, slots=True)
class Send:
    """One planned HTTP notify. ``retry`` sends are part of the payment's retry chain."""

    trade_no: str
    out_trade_no: str
    url: str
    params: dict[str, str]
    variant: str
    attempt: int = 1
    retry: bool = True
    gaps: tuple[float, ...] = ()
    signed: bool = True
    replay_of: str | None = None
    adversarial: str | None = None  # why the shop must refuse it (forge.KINDS), None: genuine
    forge_from: str | None = None   # trade_no whose notify a forgery is built from when sent
    origin: float | None = None     # clock time of attempt 1: retries are due origin + gaps


class NotifyTransport(Protocol):
    """Sends one notify: (HTTP status, body text); raises TimeoutError or HTTPError."""

    async def request(self, method: str, url: str, params: dict[str, str],
                      timeout: float) -> tuple[int, str]: ...

    async def close(self) -> None: ...


class Notifier:
    def __init__(self, state: GatewayState, transport: NotifyTransport | None = None) -> None:
        self.state = state
        self.transport: NotifyTransport = transport if transport is not None else Pool()
        self.sem = asyncio.Semaphore(MAX_IN_FLIGHT)
        self.timers: set[Timer] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self.generation = 0
        state.on_reset.append(self.cancel_all)

    async def stop(self) -> None:
        self.cancel_all()
        await self.transport.close()

    async def settle(self) -> None:
        """Wait until no notify is in flight (timers still pending are not waited for)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    def cancel_all(self) -> None:
        self.generation += 1
        for handle in self.timers:
            handle.cancel()
        self.timers.clear()
        for task in self.tasks:
            task.cancel()
        self.tasks.clear()

    def stats(self) -> dict[str, Any]:
        return {"notify_pending": len(self.timers), "notify_in_flight": len(self.tasks)}

    # -- planning ---------------------------------------------------------
    def params_for(self, payment: dict[str, Any]) -> dict[str, str]:
        params = {
            "pid": self.state.merchant.pid, "trade_no": payment["trade_no"],
            "out_trade_no": payment["out_trade_no"], "type": payment["type"],
            "name": payment["name"], "money": payment["money"], "trade_status": "TRADE_SUCCESS",
        }
        if payment.get("param"):
            params["param"] = payment["param"]
        params["sign"] = epay.sign(params, self.state.merchant.key)
        params["sign_type"] = "MD5"
        return params

    def _tamper(self, params: dict[str, str]) -> tuple[list[str], bool]:
        """Apply the payment-wide tamper knobs to its own notify chain: (variants, signed)."""
        st, b = self.state, self.state.behaviour
        chance, variants, signed = st.rng.chance, [], True
        if chance("notify", b["amount_off"]):
            off = Decimal(params["money"]) + Decimal(b["amount_off_delta"])
            params["money"] = epay.money_str(off)
            params["sign"] = epay.sign(params, st.merchant.key)
            variants.append("amount_off")
        if chance("notify", b["bad_sign"]):
            params["sign"] = epay.sign(params, st.merchant.key + "x")
            variants.append("bad_sign")
            signed = False
        if chance("notify", b["missing_sign_type"]):
            params.pop("sign_type", None)
            variants.append("missing_sign_type")
        return variants, signed

    def plan(self, payment: dict[str, Any]) -> None:
        """Draw this payment's misbehaviour and schedule its notifies."""
        st, b = self.state, self.state.behaviour
        chance = st.rng.chance
        good = self.params_for(payment)
        if chance("finished", b["finished"]):  # its own stream: the notify draws unchanged
            good["trade_status"] = FINISHED
            good["sign"] = epay.sign(good, st.merchant.key)
        base = dict(trade_no=payment["trade_no"], out_trade_no=payment["out_trade_no"],
                    url=payment["notify_url"])
        if chance("notify", b["lost"]):
            st.ledger.add("notifies", {**base, "attempt": 0, "at": st.clock.now(),
                                       "outcome": "lost", "http_status": None, "reply": None,
                                       "latency_ms": None, "variant": "lost",
                                       "money": payment["money"]})
            return
        delay = 0.0
        if chance("notify", b["delayed"]):
            delay += b["delay_s"]
        if chance("notify", b["after_expiry"]):
            delay += b["after_expiry_s"]
        if chance("notify", b["out_of_order"]):
            delay += st.rng("notify").uniform(0, b["reorder_window_s"])
        params = dict(good)
        variants, signed = self._tamper(params)
        gaps = list(epay.SCHEDULES[b["schedule"]])
        if b["max_attempts"] > 0:
            gaps = gaps[: b["max_attempts"] - 1]
        main = Send(**base, params=params, variant="+".join(variants) or "normal",
                    gaps=tuple(gaps), signed=signed,
                    adversarial=tamper_kind(variants, b["amount_off_delta"]))
        self.schedule(main, delay)
        if chance("notify", b["duplicate_parallel"]):
            for _ in range(b["duplicate_count"]):
                self.schedule(replace(main, retry=False, variant="duplicate"), delay)
        if chance("notify", b["duplicate_delayed"]):
            later = delay + b["duplicate_delay_s"]
            self.schedule(replace(main, retry=False, variant="duplicate_delayed"), later)
        other = st.last_notify
        if chance("notify", b["replay_other"]) and other is not None:
            self.schedule(Send(**base, params=dict(other), variant="replay", retry=False,
                               replay_of=other["trade_no"]), delay)
        st.last_notify = good

    def plan_forgery(self, payment: dict[str, Any]) -> None:
        """With the `forge` knob's chance, schedule one adversarial notify aimed at this
        payment's order, a uniform 0..forge_window_s after its creation, paid or not."""
        st, b = self.state, self.state.behaviour
        kinds = b["forge_kinds"]
        if not kinds or not st.rng.chance("forge", b["forge"]):
            return
        rng = st.rng("forge")
        kind, delay = rng.choice(kinds), rng.uniform(0.0, b["forge_window_s"])
        send = Send(trade_no=payment["trade_no"], out_trade_no=payment["out_trade_no"],
                    url=payment["notify_url"], params={}, variant=f"forged:{kind}",
                    retry=False, adversarial=kind, forge_from=payment["trade_no"])
        self.schedule(send, delay)
        if "not_success" in kinds:  # and one for the order if nobody pays it (forge.py)
            self.schedule(replace(send, variant=UNPAID_VARIANT, adversarial="not_success"),
                          b["forge_window_s"])

    def _forged(self, send: Send) -> Send | None:
        """Build a forged notify from its payment's genuine parameters as they are now (the
        other order it borrows a trade number from is the last the shop acknowledged)."""
        st = self.state
        payment = st.by_trade.get(send.forge_from or "")
        if payment is None or not unpaid_probe_due(send.variant, payment["status"]):
            return send if payment is None else None
        acked = next((a for a in reversed(st.acked) if a[1] != payment["out_trade_no"]), None)
        f = forge(str(send.adversarial), self.params_for(payment), st.merchant.key,
                  st.rng("forge"), acked)
        variant = send.variant if send.variant == UNPAID_VARIANT else f"forged:{f.kind}"
        return replace(send, params=f.params, out_trade_no=f.out_trade_no, signed=f.signed,
                       adversarial=f.kind, variant=variant,
                       trade_no=f.params.get("trade_no", send.trade_no), forge_from=None)

    def schedule(self, send: Send, delay_scenario_s: float) -> None:
        gen = self.generation
        wall = self.state.wall(delay_scenario_s)
        if wall <= 0:
            self._launch(send, gen, None)
            return
        holder: list[Timer] = []
        handle = self.state.clock.call_later(wall, lambda: self._launch(send, gen, holder[0]))
        holder.append(handle)
        self.timers.add(handle)

    def _launch(self, send: Send, gen: int, handle: Timer | None) -> None:
        if handle is not None:
            self.timers.discard(handle)
        if gen != self.generation:
            return
        task = asyncio.get_running_loop().create_task(self._send(send, gen))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # -- sending ----------------------------------------------------------
    async def _send(self, send: Send, gen: int) -> None:
        b = self.state.behaviour
        timeout = b["answer_timeout_s"]
        if send.forge_from is not None:
            forged = self._forged(send)
            if forged is None:  # an unpaid probe whose order got paid: nothing to send
                return
            send = forged
        async with self.sem:
            at = self.state.clock.now()
            if send.origin is None:
                send = replace(send, origin=at)
            t0 = time.perf_counter()
            status: int | None = None
            reply: str | None = None
            try:
                status, text = await self.transport.request(b["notify_method"], send.url,
                                                         send.params, timeout)
                reply = text[:REPLY_KEEP]
                outcome = "success" if "success" in text else "fail"
            except TimeoutError:
                outcome = "timeout"
            except (HTTPError, OSError, ValueError) as exc:
                outcome, reply = "error", str(exc)[:REPLY_KEEP]
            latency_ms = round((time.perf_counter() - t0) * 1000, 3)
        if gen != self.generation:
            return
        item = {"trade_no": send.trade_no, "out_trade_no": send.out_trade_no,
                "attempt": send.attempt, "at": at, "outcome": outcome, "http_status": status,
                "reply": reply, "latency_ms": latency_ms, "variant": send.variant,
                "money": send.params.get("money"), "signed": send.signed, "url": send.url,
                "trade_status": send.params.get("trade_status")}
        if send.replay_of:
            item["replay_of"] = send.replay_of
        if send.adversarial:
            item["adversarial"] = send.adversarial
        self.state.ledger.add("notifies", item)
        if outcome == "success" and send.adversarial is None and send.replay_of is None:
            self.state.acked.append((send.trade_no, send.out_trade_no))
        if outcome != "success" and send.retry and send.attempt <= len(send.gaps):
            self.schedule(replace(send, attempt=send.attempt + 1), self._retry_delay(send))

    def _retry_delay(self, send: Send) -> float:
        """Scenario seconds until the next attempt: due at the first attempt's time plus the
        schedule's gaps so far (BEpusdt retries at confirmed + 2^n min, however long each
        answer took), at once when that moment has passed."""
        due = sum(send.gaps[: send.attempt])
        spent = (self.state.clock.now() - (send.origin or 0.0)) * self.state.time_scale
        return max(0.0, due - spent)

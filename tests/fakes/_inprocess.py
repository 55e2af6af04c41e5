"""In-process fakes: the gateway on a `ManualClock` with a scripted notify transport.

Everything runs on one event loop (httpx `ASGITransport`), so moving the clock
forward fires exactly the notifies that are due, in order, without sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx

from fakes._common import ManualClock
from fakes.payment import GatewayState, Merchant, Notifier, make_app
from tests.fakes._clients import KEY, PID, create_fields

T = TypeVar("T")
Reply = Callable[[dict[str, str], int], tuple[int, str]]
SCALE = 600.0


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class ScriptedTransport:
    """Stands in for the merchant: records each notify at clock time, answers by `reply`."""

    def __init__(self, clock: ManualClock, reply: Reply | None = None) -> None:
        self.clock = clock
        self.reply: Reply = reply or (lambda params, n: (200, "success"))
        self.calls: list[dict[str, Any]] = []

    async def request(self, method: str, url: str, params: dict[str, str],
                      timeout: float) -> tuple[int, str]:
        self.calls.append({"method": method, "url": url, "params": dict(params),
                           "at": self.clock.now()})
        return self.reply(params, len(self.calls))

    async def close(self) -> None:
        return None


class Gateway:
    """The gateway app, its state, notifier and clock, plus a client to drive it."""

    def __init__(self, reply: Reply | None = None, seed: int = 7, **startup: Any) -> None:
        self.clock = ManualClock()
        self.transport = ScriptedTransport(self.clock, reply)
        self.state = GatewayState(Merchant(PID, KEY), seed, SCALE, startup, clock=self.clock)
        self.app = make_app(self.state, self.transport)
        self.notifier: Notifier = self.app.state.notifier
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                        base_url="http://gateway.test")

    async def pay(self, out_trade_no: str, money: str = "50.00") -> str:
        fields = create_fields(out_trade_no, "http://127.0.0.1:9/notify", money)
        created = (await self.client.post("/mapi.php", data=fields)).json()
        assert created["code"] == 1, created
        paid = (await self.client.post(f"/pay/{created['trade_no']}")).json()
        assert paid["status"] == "paid"
        return str(created["trade_no"])

    async def run_for(self, seconds: float) -> None:
        """Move the clock `seconds` forward, letting each due notify finish before the next."""
        end = self.clock.now() + seconds
        while True:
            await self.notifier.settle()
            due = self.clock.next_due()
            if due is None or due > end:
                break
            self.clock.advance(due - self.clock.now())
        await self.notifier.settle()
        self.clock.advance(end - self.clock.now())

    def notifies(self, out_trade_no: str | None = None) -> list[dict[str, Any]]:
        items = self.state.ledger.items("notifies")
        return [i for i in items if out_trade_no is None or i["out_trade_no"] == out_trade_no]


class AppThread:
    """An ASGI app on its own event loop thread, driven synchronously through httpx's
    `ASGITransport` (lifespan included), like Starlette's TestClient.

    Why not TestClient: Starlette 1.x deprecates it with httpx (it wants httpx2), and
    warnings are errors here. A loop of our own also lets a sync client (smtplib) talk
    to a server the lifespan started on that loop.
    """

    def __init__(self, app: Any, base_url: str = "http://fake.test") -> None:
        self.app = app
        self.base_url = base_url
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.stack = contextlib.AsyncExitStack()
        self.client: httpx.AsyncClient | None = None

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _open(self) -> None:
        inner = self.app
        while not hasattr(inner, "router"):  # e.g. the supplier's TransportGrab wrapper
            inner = inner.app
        await self.stack.enter_async_context(inner.router.lifespan_context(inner))
        self.client = await self.stack.enter_async_context(httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url=self.base_url))

    def __enter__(self) -> AppThread:
        self.thread.start()
        self.call(self._open())
        return self

    def __exit__(self, *exc: object) -> None:
        self.call(self.stack.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        assert self.client is not None, "use AppThread as a context manager"
        return self.call(self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

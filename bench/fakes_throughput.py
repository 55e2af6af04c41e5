"""How fast the fakes are: notifies/s the gateway sends, purchases/s a supplier serves.

    .venv/bin/python bench/fakes_throughput.py [--notifies 6000] [--purchases 6000] [--conns 64]

Target: each >= 2,000/s on this machine, so the fakes are never the bottleneck.
The load side is deliberately cheap (pre-built raw HTTP/1.1 requests over
keep-alive uvloop connections; a raw-protocol merchant answering ``success``)
so the figure measures the fake, not the client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import uvloop  # noqa: E402

from fakes.payment import epay  # noqa: E402
from fakes.supplier.auth import sign_headers  # noqa: E402
from runtime import ManagedProcess  # noqa: E402
from runtime.announce import announce_ready  # noqa: E402


# -- a raw merchant that answers every request with "success" ------------------------------
class _Merchant(asyncio.Protocol):
    arrivals: list[float] = []  # noqa: RUF012 - shared across connections on purpose

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buf = b""

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while b"\r\n\r\n" in self.buf:
            head, _, self.buf = self.buf.partition(b"\r\n\r\n")
            if head.startswith(b"GET /stats"):
                a = _Merchant.arrivals
                body = json.dumps({"n": len(a), "first": a[0] if a else 0,
                                   "last": a[-1] if a else 0}).encode()
                _Merchant.arrivals = []
            else:
                _Merchant.arrivals.append(time.perf_counter())
                body = b"success"
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"  # type: ignore[attr-defined]
                                 % (len(body), body))


async def _serve_merchant() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Merchant, "127.0.0.1", 0, backlog=2048)
    announce_ready(server.sockets[0].getsockname()[1], component="bench-merchant")
    await asyncio.Event().wait()


# -- a raw keep-alive client ---------------------------------------------------------------
async def _read_response(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return head + (await reader.readexactly(length) if length else b"")


async def blast(port: int, requests: list[bytes], conns: int) -> tuple[float, int]:
    """Send all requests over `conns` keep-alive connections; (wall seconds, non-2xx count)."""
    queue = list(reversed(requests))
    bad = 0

    async def worker() -> None:
        nonlocal bad
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while queue:
            writer.write(queue.pop())
            resp = await _read_response(reader)
            if not resp.startswith(b"HTTP/1.1 2"):
                bad += 1
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(conns)])
    return time.perf_counter() - t0, bad


def _get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def _post(path: str, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> bytes:
    headers = "".join(f"{k}: {v}\r\n" for k, v in (extra or {}).items())
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n{headers}\r\n").encode() + body


def _json_get(port: int, path: str) -> dict[str, object]:
    import httpx
    return dict(httpx.get(f"http://127.0.0.1:{port}{path}", timeout=30).json())


# -- the two benchmarks --------------------------------------------------------------------
async def bench_notifies(n: int, conns: int) -> float:
    py = sys.executable
    merchant = ManagedProcess("merchant", [py, str(Path(__file__)), "--merchant", "--port", "0"],
                              cwd=ROOT)
    gateway = ManagedProcess("gateway", [py, "-m", "fakes.payment", "--port", "0",
                                         "--time-scale", "1000"], cwd=ROOT)
    with merchant, gateway:
        notify_url = merchant.url + "/notify"
        creates = []
        for i in range(n):
            f = {"pid": "1001", "type": "alipay", "out_trade_no": f"B{i}", "notify_url": notify_url,
                 "name": "x", "money": "1.00"}
            f["sign"] = epay.sign(f, "merchantkey")
            creates.append(_post("/mapi.php", urlencode(f).encode(),
                                 "application/x-www-form-urlencoded"))
        await blast(gateway.port, creates, conns)
        # hold every notify until all payments are paid, then release them together
        delay_s = 1000 * max(2.0, n / 2000)
        import httpx
        httpx.put(gateway.url + "/_fake/behaviour",
                  json={"delayed": 1.0, "delay_s": delay_s}).raise_for_status()
        trades = [p["trade_no"] for p in _json_get(gateway.port, f"/_fake/ledger?kind=payments&limit={n}")["items"]]  # type: ignore[index]  # noqa: E501
        spent, _ = await blast(gateway.port, [_post(f"/pay/{t}", b"", "text/plain")
                                              for t in trades], conns)
        assert spent < delay_s / 1000, "paying took longer than the hold; raise --notifies' hold"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            stats = _json_get(gateway.port, "/_fake/stats")
            if stats["notify_outcomes"].get("success", 0) >= n:  # type: ignore[attr-defined]
                break
            await asyncio.sleep(0.2)
        seen = _json_get(merchant.port, "/stats")
        rate = (int(seen["n"]) - 1) / (float(seen["last"]) - float(seen["first"]))  # type: ignore[arg-type]
        print(f"gateway notifies: {seen['n']} delivered, {rate:,.0f} notifies/s "
              f"(outcomes {stats['notify_outcomes']})")
        return rate


async def bench_purchases(n: int, conns: int) -> float:
    py = sys.executable
    supplier = ManagedProcess("supplier", [py, "-m", "fakes.supplier", "--port", "0",
                                           "--stock", f"apple-100={n + 10}"], cwd=ROOT)
    with supplier:
        path = "/api/v1/upstream/orders"
        reqs = []
        for i in range(n):
            body = json.dumps({"sku_id": "apple-100", "quantity": 1,
                               "downstream_order_no": f"P{i}"}).encode()
            reqs.append(_post(path, body, "application/json",
                              sign_headers("k", "s", "POST", path, body)))
        await blast(supplier.port, reqs[: min(500, n)], conns)  # warm-up (same keys: replays)
        spent, bad = await blast(supplier.port, reqs, conns)
        stats = _json_get(supplier.port, "/_fake/stats")
        rate = n / spent
        print(f"supplier purchases: {n} in {spent:.2f}s = {rate:,.0f} purchases/s "
              f"({bad} non-2xx, {stats['codes_issued']} keys issued)")
        return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notifies", type=int, default=6000)
    parser.add_argument("--purchases", type=int, default=6000)
    parser.add_argument("--conns", type=int, default=64)
    parser.add_argument("--merchant", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.merchant:
        uvloop.run(_serve_merchant())
        return
    notify_rate = uvloop.run(bench_notifies(args.notifies, args.conns))
    purchase_rate = uvloop.run(bench_purchases(args.purchases, args.conns))
    verdict = "OK" if min(notify_rate, purchase_rate) >= 2000 else "BELOW TARGET"
    print(f"summary: notifies/s={notify_rate:,.0f} purchases/s={purchase_rate:,.0f} "
          f"target>=2,000 each: {verdict}")


if __name__ == "__main__":
    main()

"""Proxy performance: the embedded Toxiproxy vs a direct connection, in the same run.

Measures what issue 4 sets as targets (2-vCPU box; see
research/limits-this-machine.md for the anchors):
  * added median echo round trip (100 B) with no toxic       target <= 40 us
  * bulk throughput, one connection, no toxic                target >= 1.5 GB/s
  * bulk throughput through a 100 ms latency toxic           target >= 100 MB/s
  * 1,000 concurrent connections held, each echoing           target 0 errors

Usage:  .venv/bin/python bench/proxy_bench.py [--rtt-n 20000] [--bulk-mb 1024] [--json out.json]
The echo/sink peer runs in its own process (like the anchors' echo_sink.py),
so client, proxy and peer each get a scheduler slot as in real use.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from runtime import ManagedProcess
from runtime.announce import announce_ready

MB = 1_000_000


# -- the peer: echo ("E") or counting sink ("B" + 8-byte length -> "K") -----------
def _peer_conn(conn: socket.socket) -> None:
    with contextlib.suppress(OSError), conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        mode = conn.recv(1)
        if mode == b"E":
            while data := conn.recv(65536):
                conn.sendall(data)
        elif mode == b"B":
            want = int.from_bytes(_recv_exact(conn, 8), "big")
            buf = bytearray(1 << 20)
            got = 0
            while got < want:
                n = conn.recv_into(buf)
                if not n:
                    return
                got += n
            conn.sendall(b"K")


def serve_peer() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4096)
    announce_ready(sock.getsockname()[1], component="bench-peer")
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=_peer_conn, args=(conn,), daemon=True).start()


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        data = sock.recv(n - len(buf))
        if not data:
            raise ConnectionError("peer closed early")
        buf += data
    return bytes(buf)


def _connect(port: int, mode: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(mode)
    return sock


# -- measurements -----------------------------------------------------------------
def rtt(port: int, n: int, warmup: int = 2000) -> dict[str, float]:
    payload = b"x" * 100
    times = []
    with _connect(port, b"E") as sock:
        for i in range(warmup + n):
            start = time.perf_counter()
            sock.sendall(payload)
            got = 0
            while got < 100:
                got += len(sock.recv(100 - got))
            if i >= warmup:
                times.append(time.perf_counter() - start)
    times.sort()
    p99 = times[int(len(times) * 0.99)]
    return {"median_us": statistics.median(times) * 1e6, "p99_us": p99 * 1e6}


def bulk(port: int, nbytes: int) -> float:
    """MB/s for `nbytes` one way, timed until the sink's ack."""
    chunk = b"\0" * (256 * 1024)
    with _connect(port, b"B") as sock:
        sock.sendall(nbytes.to_bytes(8, "big"))
        start = time.perf_counter()
        sent = 0
        while sent < nbytes:
            piece = chunk if nbytes - sent >= len(chunk) else chunk[: nbytes - sent]
            sock.sendall(piece)
            sent += len(piece)
        if sock.recv(1) != b"K":
            raise ConnectionError("no ack from sink")
        return nbytes / (time.perf_counter() - start) / MB


def concurrent(port: int, n: int) -> dict[str, Any]:
    socks: list[socket.socket] = []
    errors = 0
    try:
        for _ in range(n):
            try:
                socks.append(_connect(port, b"E"))
            except OSError:
                errors += 1
        for i, sock in enumerate(socks):
            try:
                sock.sendall(b"%08d" % i)
            except OSError:
                errors += 1
        for i, sock in enumerate(socks):
            try:
                if _recv_exact(sock, 8) != b"%08d" % i:
                    errors += 1
            except OSError:
                errors += 1
    finally:
        for sock in socks:
            sock.close()
    return {"connections": n, "held": len(socks), "errors": errors}


# -- API ----------------------------------------------------------------------------
def api(port: int, method: str, path: str, body: Any = None) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=json.dumps(body) if body is not None else None)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    if resp.status >= 300:
        raise RuntimeError(f"{method} {path}: {resp.status} {data!r}")
    return json.loads(data) if data else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rtt-n", type=int, default=20000)
    parser.add_argument("--bulk-mb", type=int, default=1024)
    parser.add_argument("--latency-mb", type=int, default=300)
    parser.add_argument("--conns", type=int, default=1000)
    parser.add_argument("--json", default="")
    parser.add_argument("--serve-peer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_peer:
        serve_peer()
        return
    peer = ManagedProcess("peer", [sys.executable, __file__, "--serve-peer"])
    proxy = ManagedProcess("toxiproxy", [sys.executable, "-m", "fakes.toxiproxy", "--port", "0"],
                           cwd=Path(__file__).resolve().parent.parent)
    with peer, proxy:
        upstream = f"127.0.0.1:{peer.port}"
        listen = api(proxy.port, "POST", "/proxies",
                     {"name": "bench", "listen": "127.0.0.1:0", "upstream": upstream})["listen"]
        pport = int(listen.rsplit(":", 1)[1])
        res: dict[str, Any] = {}
        res["rtt_direct"] = rtt(peer.port, args.rtt_n)
        res["rtt_proxy"] = rtt(pport, args.rtt_n)
        nbytes = args.bulk_mb * 1024 * 1024
        res["bulk_direct_MBps"] = max(bulk(peer.port, nbytes) for _ in range(2))
        res["bulk_proxy_MBps"] = max(bulk(pport, nbytes) for _ in range(2))
        res["concurrent"] = concurrent(pport, args.conns)
        api(proxy.port, "POST", "/proxies/bench/toxics",
            {"type": "latency", "stream": "upstream", "attributes": {"latency": 100}})
        res["bulk_latency100_MBps"] = bulk(pport, args.latency_mb * MB)
    report(res)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2))


def report(res: dict[str, Any]) -> None:
    added = res["rtt_proxy"]["median_us"] - res["rtt_direct"]["median_us"]
    rows = [
        ("echo RTT 100 B median", f"{res['rtt_direct']['median_us']:.1f} us",
         f"{res['rtt_proxy']['median_us']:.1f} us", f"added {added:.1f} us", added <= 40),
        ("echo RTT 100 B p99", f"{res['rtt_direct']['p99_us']:.1f} us",
         f"{res['rtt_proxy']['p99_us']:.1f} us", "", True),
        ("bulk, no toxic", f"{res['bulk_direct_MBps']:.0f} MB/s",
         f"{res['bulk_proxy_MBps']:.0f} MB/s", ">= 1500 MB/s", res["bulk_proxy_MBps"] >= 1500),
        ("bulk, 100 ms latency", "-", f"{res['bulk_latency100_MBps']:.0f} MB/s", ">= 100 MB/s",
         res["bulk_latency100_MBps"] >= 100),
        ("concurrent connections", "-",
         f"{res['concurrent']['held']} held, {res['concurrent']['errors']} errors",
         "1000, 0 errors", res["concurrent"]["errors"] == 0 and res["concurrent"]["held"] >= 1000),
    ]
    print(f"{'measure':<26}{'direct':>14}{'embedded toxiproxy':>26}  {'target':<18}ok")
    for name, direct, proxied, target, ok in rows:
        print(f"{name:<26}{direct:>14}{proxied:>26}  {target:<18}{'PASS' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()

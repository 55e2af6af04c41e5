"""Process entry point: parse Toxiproxy's flags, bind, populate, serve, announce READY.

The API (uvicorn + httptools) and every proxy share one uvloop event loop, so
a toxic change reaches open connections without any cross-thread hand-off.
Accepts Go's single-dash flags (`-host`, `-port`, `-config`, `-seed`) as well
as the project's `--host/--port` convention.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import resource
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import uvicorn
import uvloop

from fakes.toxiproxy.api import VERSION, Api
from fakes.toxiproxy.collection import PopulateError, ProxyCollection
from fakes.toxiproxy.metrics import ProxyMetrics
from runtime.announce import announce_ready
from runtime.serve import bind_socket

log = logging.getLogger("fakes.toxiproxy")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m fakes.toxiproxy", allow_abbrev=False,
        description="Embedded Toxiproxy v2 compatible server (HTTP API + TCP proxies).",
    )
    parser.add_argument("--host", "-host", default="127.0.0.1", help="API address (127.0.0.1)")
    parser.add_argument("--port", "-port", type=int, default=8474, help="API port; 0 = any (8474)")
    parser.add_argument("--config", "-config", default="", help="populate-format JSON file")
    parser.add_argument("--seed", "-seed", type=int, default=None, help="seed for toxicity/jitter")
    parser.add_argument(
        "--allow-non-loopback", action="store_true",
        default=os.environ.get("FAKA_DRILL_ALLOW_NON_LOOPBACK") == "1",
        help="permit the API or proxies to listen off loopback",
    )
    parser.add_argument("--proxy-metrics", "-proxy-metrics", action="store_true",
                        help="serve byte counters per proxy at /metrics")
    parser.add_argument("--runtime-metrics", "-runtime-metrics", action="store_true",
                        help="serve /metrics (runtime metrics are Go's; only proxy counters here)")
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "warning"))
    return parser


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, port: int) -> None:
        super().__init__(config)
        self._port = port

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Exit 0 on SIGTERM/SIGINT (uvicorn's own handler re-raises the signal)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._on_signal)
        try:
            yield
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)

    def _on_signal(self) -> None:
        self.should_exit = True

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            announce_ready(self._port, version=VERSION)


async def populate_file(collection: ProxyCollection, path: str) -> None:
    """Go's `-config`: populate at start; errors are logged, the server still starts."""
    try:
        body = Path(path).read_bytes()
    except OSError as exc:
        log.error("error reading config file %s: %s", path, exc)
        return
    try:
        proxies = await collection.populate_json(body)
        log.info("populated %d proxies from %s", len(proxies), path)
    except PopulateError as exc:
        log.error("failed to populate proxies from %s: %s", path, exc.error.message)


async def run(args: argparse.Namespace, sock: socket.socket) -> None:
    wants_metrics = args.proxy_metrics or args.runtime_metrics
    collection = ProxyCollection(allow_non_loopback=args.allow_non_loopback,
                                 metrics=ProxyMetrics() if wants_metrics else None)
    if args.config:
        await populate_file(collection, args.config)
    config = uvicorn.Config(
        Api(collection), lifespan="off", access_log=False, log_level=args.log_level.lower(),
        http="httptools", server_header=False, timeout_graceful_shutdown=2, backlog=2048,
    )
    server = _Server(config, sock.getsockname()[1])
    try:
        await server.serve(sockets=[sock])
    finally:
        for proxy in collection.proxies.values():
            proxy.stop()


def _raise_fd_limit() -> None:
    """1,000 proxied connections need ~2,000 fds; lift the soft limit to the hard one."""
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.seed is not None:
        random.seed(args.seed)
    _raise_fd_limit()
    sock = bind_socket(args.host, args.port, allow_non_loopback=args.allow_non_loopback)
    uvloop.run(run(args, sock))



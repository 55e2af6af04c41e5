"""python -m delivery --config CONFIG.json [--db URL] [--time-scale X] [--role all|api|worker]
    [--processes N]

`--processes N` (role api): N processes serve the one listening socket (pre-fork);
the first also runs the monitor and the outbox, the others only answer HTTP. Each
has its own database connections, so on PostgreSQL the API scales with cores;
risk control's velocity counters are per process. Delivery stays with
`--role worker` processes."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sys

from runtime.serve import add_server_args, bind_socket, serve


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc = {"t": round(record.created, 3), "level": record.levelname.lower(),
               "logger": record.name, "msg": record.getMessage()}
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m delivery", description=__doc__)
    p.add_argument("--config", help="JSON config file (CONTRACTS §1)")
    p.add_argument("--db", help="database URL (overrides db_url)")
    p.add_argument("--time-scale", type=float, help="compression factor (overrides time_scale)")
    p.add_argument("--role", choices=["all", "api", "worker"], default="all")
    p.add_argument("--worker-id", default=None)
    p.add_argument("--processes", type=int, default=1,
                   help="role api: this many processes share the port (default 1)")
    p.add_argument("--log-level", default="info")
    add_server_args(p)
    args = p.parse_args(argv)

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=args.log_level.upper(), handlers=[handler])

    from delivery.config import ConfigError, load_config
    from delivery.ctx import Ctx
    from delivery.db import Db
    from delivery.defects import Defects
    from delivery.metrics import Metrics

    try:
        cfg = load_config(args.config, {"db_url": args.db, "time_scale": args.time_scale})
    except ConfigError as exc:
        sys.exit(f"error: {exc}")
    if args.processes > 1 and args.role != "api":
        sys.exit(f"error: --processes {args.processes} needs --role api (workers scale as "
                 "separate --role worker processes)")
    sock = bind_socket(args.host, args.port, allow_non_loopback=args.allow_non_loopback,
                       reuse_port=args.processes > 1)
    sibling, sock = _fork_siblings(args.processes, sock, args.allow_non_loopback)  # 0: first
    worker_id = args.worker_id or f"{args.role}-{socket.gethostname()}-{os.getpid()}"
    db = Db(cfg.db_url)
    db.create_schema()
    ctx = Ctx(cfg=cfg, db=db, defects=Defects(cfg.defects), metrics=Metrics(), worker_id=worker_id)
    from delivery.app import build_app

    app = build_app(ctx, args.role, background=sibling == 0)
    app.state.config_path = args.config  # PUT /admin/channels saves there (api/channels.py)
    logging.getLogger("delivery").info("starting role=%s db=%s defects=%s", args.role,
                                       cfg.db_url.split("@")[-1], cfg.defects)
    serve(app, sock, announce=sibling == 0, role=args.role, worker_id=worker_id,
          defects=cfg.defects, processes=args.processes)


def _fork_siblings(n: int, sock: socket.socket, allow: bool) -> tuple[int, socket.socket]:
    """Fork n - 1 siblings before any thread, loop or connection exists; each dies with the
    first process (SIGTERM: a graceful stop) and listens on its own SO_REUSEPORT socket on
    the same port, so the kernel spreads new connections evenly (on one shared socket the
    process that woke first took a burst of keep-alive connections: one of two served 96 %
    of a bench's orders). The first process goes on once every sibling listens (so its READY
    means all do), at most 10 s. Returns (this process's index, 0 = the first; its socket)."""
    from runtime.orphans import tie_to_parent

    if n <= 1:
        return 0, sock
    first, (host, port) = os.getpid(), sock.getsockname()[:2]
    ready_r, ready_w = os.pipe()
    for index in range(1, n):
        if os.fork() == 0:
            tie_to_parent(first, signal.SIGTERM)
            os.close(ready_r)
            sock.close()
            own = bind_socket(host, port, allow_non_loopback=allow, reuse_port=True)
            os.write(ready_w, b"1")
            os.close(ready_w)
            return index, own
    os.close(ready_w)
    _await_siblings(ready_r, n - 1)
    return 0, sock


def _await_siblings(fd: int, n: int, timeout_s: float = 10.0) -> None:
    """Read one byte from each of n siblings (EOF: the rest died; then it goes on without)."""
    import select
    import time

    got, deadline = 0, time.monotonic() + timeout_s
    while got < n and select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
        chunk = os.read(fd, n - got)
        if not chunk:
            break
        got += len(chunk)
    os.close(fd)


if __name__ == "__main__":
    main()

"""Start and stop every component of a drill as `ManagedProcess`es, wired through Toxiproxy.

Start order: Toxiproxy, the fakes (in parallel), the links, the delivery
service (one process, or `--role api` plus N `--role worker`), then stock.
Stop order is the reverse; SIGKILL after the grace, so nothing outlives us.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from drill.components import (
    API,
    DB,
    FAKES,
    GATEWAY,
    GATEWAY_NOTIFY,
    GATEWAY_QUERY,
    IM,
    SERVICE,
    SINK,
    SMTP,
    SUPPLIER_LINKS,
    SUPPLIERS,
    TOXIPROXY,
    WORKER,
    supplier_component,
    worker_component,
)
from drill.errors import StackError
from drill.scenario import Scenario
from drill.stack.credentials import supplier_credentials
from drill.stack.links import Link, Upstreams, create_links, db_upstream, declare_links, repointed
from drill.stack.run_database import run_db_url
from drill.stack.service_config import ServiceUrls, service_config, supplier_spec, supplier_stock
from drill.stack.toxiproxy_choice import choose_toxiproxy, toxiproxy_process
from drill.stack.toxiproxy_client import ToxiproxyClient
from drill.stack.world import SINK_SMTP, WorldSpec
from runtime import ManagedProcess, ProcessError

PY = sys.executable
# The module run as the shop (`python -m <module> --config ... --port 0`): the reference
# service by default; bench/harness_cost.py sets bench.standin_shop to measure the harness alone.
SERVICE_MODULE_ENV = "FAKA_DRILL_SERVICE_MODULE"


@dataclass
class StackOptions:
    run_dir: Path
    db: str | None = None                   # None: SQLite in the run folder
    toxiproxy: str | None = None            # URL | "embedded" | None (auto)
    allow_non_loopback: bool = False
    defects: tuple[str, ...] = ()
    extra_env: dict[str, str] = field(default_factory=dict)
    world: WorldSpec = field(default_factory=WorldSpec)  # fixed ports, credentials
    target_url: str | None = None           # a shop the user started: the stack starts none


def _parallel(fn: Any, items: list[Any]) -> list[BaseException]:
    """Run `fn` on every item in short-lived threads (only for stopping: see `Stack.pool`)."""
    errors: list[BaseException] = []

    def one(item: Any) -> None:
        try:
            fn(item)
        except BaseException as exc:  # collected and re-raised by the caller
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def db_target(db: str | None, allow_non_loopback: bool) -> tuple[str, str | None]:
    """("sqlite" | "postgresql" | "mysql", the server's host:port to proxy) of a `--db` option;
    a bad scheme or a host off loopback (without opt-in) is refused here, before any start."""
    return db_upstream(db, allow_non_loopback=allow_non_loopback)


def refuse_bad_targets(db: str | None, toxiproxy: str | None, allow_non_loopback: bool) -> None:
    """Raise `StackError`/`TargetError` for a `--db`/`--toxiproxy` the stack would refuse, so a
    run can refuse before it makes its folder."""
    db_target(db, allow_non_loopback)
    choose_toxiproxy(toxiproxy, allow_non_loopback=allow_non_loopback)


class Stack:
    def __init__(self, scenario: Scenario, opts: StackOptions) -> None:
        self.scenario, self.opts = scenario, opts
        self.logs = opts.run_dir / "logs"
        self.components: dict[str, ManagedProcess] = {}
        # Children get PR_SET_PDEATHSIG, which fires when the *thread* that spawned them
        # exits; so every start happens on these long-lived threads (never a throwaway one).
        self.pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="spawn")
        self.toxiproxy: ToxiproxyClient | None = None
        self.toxiproxy_info: dict[str, Any] = {}
        self.db_schema: str | None = None        # PostgreSQL schema / MySQL database of the run
        self.links: list[Link] = []             # the proxies, once created (drill/stack/links.py)
        self.db_kind, self._db_upstream = db_target(opts.db, opts.allow_non_loopback)
        self.toxiproxy_choice = choose_toxiproxy(opts.toxiproxy,
                                                 allow_non_loopback=opts.allow_non_loopback)

    # -- facts ---------------------------------------------------------------
    @property
    def service_procs(self) -> list[ManagedProcess]:
        return [p for n, p in self.components.items() if n in (SERVICE, API)
                or n.startswith(f"{WORKER}-")]

    @property
    def service_url(self) -> str:
        if self.opts.target_url:
            return self.opts.target_url.rstrip("/")
        return (self.components.get(SERVICE) or self.components[API]).url

    def url(self, name: str) -> str:
        return self.components[name].url

    @property
    def supplier_urls(self) -> dict[str, str]:
        return {n: self.url(supplier_component(n)) for n in SUPPLIERS}

    def start_procs(self, procs: list[ManagedProcess]) -> None:
        """Start (or restart a stopped) component(s) in parallel on the spawn threads."""
        futures = [self.pool.submit(p.start) for p in procs]
        errors = [f.exception() for f in futures]
        for exc in errors:
            if exc is not None:
                raise exc

    def processes(self, target: str) -> list[ManagedProcess]:
        """The processes a fault target names (`worker` = every worker)."""
        if target == WORKER:
            return [p for n, p in self.components.items() if n.startswith(f"{WORKER}-")]
        if target in self.components:
            return [self.components[target]]
        raise StackError(f"no component {target!r}; running: {', '.join(self.components)}")

    def urls(self) -> dict[str, str]:
        out = {n: p.url for n, p in self.components.items() if p.ready}
        if self.toxiproxy:
            out.update({f"link:{n}": self.toxiproxy.url_of(n) for n in self.toxiproxy.links})
        return out

    # -- lifecycle -----------------------------------------------------------
    def start(self) -> None:
        try:
            self._start_toxiproxy()
            self._start_fakes()
            self._start_service()
        except ProcessError as exc:
            raise StackError(f"{exc}\n(logs in {self.logs})") from None

    def _add(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> ManagedProcess:
        proc = ManagedProcess(name, argv, env=env, log_path=self.logs / f"{name}.log",
                              cwd=Path(__file__).resolve().parents[2])
        self.components[name] = proc
        return proc

    def _start_toxiproxy(self) -> None:
        choice = self.toxiproxy_choice
        proc = toxiproxy_process(choice, self.logs)
        if proc is not None:
            self.components[TOXIPROXY] = proc
            self.start_procs([proc])
        api_url = choice.url or (proc.url if proc else "")
        self.toxiproxy = ToxiproxyClient(api_url, choice.kind)
        self.toxiproxy_info = {"kind": choice.kind, "version": self.toxiproxy.version(),
                               "url": api_url, "binary": choice.binary}

    def _start_fakes(self) -> None:
        s = self.scenario
        common = ["--time-scale", str(s.time_scale)]
        w = self.opts.world
        seeds = {name: str(s.seed * 10 + i) for i, name in enumerate(FAKES)}  # distinct streams
        gw = [PY, "-m", "fakes.payment", *common, "--seed", seeds[GATEWAY],
              "--port", str(w.port(GATEWAY)), "--pid", w.pid, "--key", w.key]
        if s.gateway.schedule:
            gw += ["--schedule", s.gateway.schedule]
        procs = [self._add(GATEWAY, gw + _behaviour(s.gateway.behaviour))]
        for name in SUPPLIERS:
            spec = supplier_spec(s, name)
            key, secret = supplier_credentials(name)
            stock = ",".join(f"{k}={v}" for k, v in supplier_stock(s, name).items())
            comp = supplier_component(name)
            argv = [PY, "-m", "fakes.supplier", *common, "--seed", seeds[comp], "--port",
                    str(w.port(comp)), "--name", name, "--api-key", key,
                    "--api-secret", secret, "--semantics", spec.semantics]
            argv += (["--stock", stock] if stock else []) + _behaviour(spec.behaviour)
            procs.append(self._add(comp, argv))
        sink = [PY, "-m", "fakes.sink", *common, "--seed", seeds[SINK], "--port",
                str(w.port(SINK)), "--smtp-port", str(w.port(SINK_SMTP)),
                *_behaviour(s.sink.behaviour)]
        procs.append(self._add(SINK, sink))
        self.start_procs(procs)

    def _links(self) -> ServiceUrls:
        """Every link (at the world's fixed ports, if any); where the shop reaches them."""
        assert self.toxiproxy is not None
        toxi, w = self.toxiproxy, self.opts.world
        hostport = {n: f"127.0.0.1:{self.components[n].port}" for n in FAKES}
        smtp_port = self.components[SINK].ready["smtp_port"] \
            if self.scenario.sink.smtp or self.opts.target_url else None
        self.links = create_links(toxi, declare_links(Upstreams(
            gateway=hostport[GATEWAY], sink=hostport[SINK],
            suppliers={n: hostport[supplier_component(n)] for n in SUPPLIERS},
            smtp=f"127.0.0.1:{smtp_port}" if smtp_port else "",
            db=self._db_upstream or "", db_kind=self.db_kind)),   # notify: repointed later
            listen=w.listen)
        smtp = toxi.links.get(SMTP, "")
        db_url = f"sqlite:///{(self.opts.run_dir / 'shop.sqlite3').resolve()}"
        if self.opts.db and self.db_kind == "sqlite":
            db_url = self.opts.db
        if self._db_upstream and self.opts.db:
            db_url, self.db_schema = run_db_url(self.opts.db, self.db_kind, toxi.links[DB],
                                                self.opts.run_dir.name)
        return ServiceUrls(
            public_base_url=toxi.url_of(GATEWAY_NOTIFY),
            gateway_query_url=toxi.url_of(GATEWAY_QUERY),
            gateway_public_url=self.url(GATEWAY),
            suppliers={n: toxi.url_of(SUPPLIER_LINKS[n]) for n in SUPPLIERS},
            im_url=toxi.url_of(IM), db_url=db_url, smtp=smtp)

    def _start_service(self) -> None:
        assert self.toxiproxy is not None
        toxi, urls = self.toxiproxy, self._links()
        if self.opts.target_url:            # the user's shop: the gateway notifies it
            target = urlsplit(self.opts.target_url)
            toxi.repoint(GATEWAY_NOTIFY, f"{target.hostname}:{target.port or 80}")
            return
        cfg = service_config(self.scenario, urls, defects=self.opts.defects)
        cfg["gateway"].update(pid=self.opts.world.pid, key=self.opts.world.key)
        cfg_path = self.opts.run_dir / "config" / "service.json"
        cfg_path.parent.mkdir(parents=True, exist_ok=True)
        cfg_path.write_text(json.dumps(cfg, indent=2), encoding="utf-8")
        env = dict(self.opts.extra_env)
        if cfg["defects"]:
            env["FAKA_DRILL_ALLOW_DEFECTS"] = "1"
        module = os.environ.get(SERVICE_MODULE_ENV) or "delivery"
        base = [PY, "-m", module, "--config", str(cfg_path.resolve()), "--port", "0",
                "--time-scale", str(self.scenario.time_scale)]
        workers = self.scenario.service.workers
        if workers == 0:
            front = self._add(SERVICE, base, env)
            self.start_procs([front])
        else:
            api = ["--processes", str(self.scenario.service.api_processes)] if (
                self.scenario.service.api_processes > 1) else []
            front = self._add(API, [*base, "--role", "api", *api], env)
            procs = [self._add(worker_component(i), [*base, "--role", "worker", "--worker-id",
                                                     worker_component(i)], env)
                     for i in range(1, workers + 1)]
            self.start_procs([front, *procs])
        toxi.repoint(GATEWAY_NOTIFY, f"127.0.0.1:{front.port}")
        self.links = repointed(self.links, GATEWAY_NOTIFY, f"127.0.0.1:{front.port}")

    def stop(self, grace: float = 3.0, *, parallel: bool = False) -> list[str]:
        """Stop everything, service first (all at once when `parallel`); never raises."""
        problems: list[str] = []
        tiers = [self.service_procs,
                 [p for n, p in self.components.items() if n != TOXIPROXY
                  and p not in self.service_procs],
                 [p for n, p in self.components.items() if n == TOXIPROXY]]
        if parallel:
            tiers = [list(self.components.values())]
        if self.toxiproxy and self.toxiproxy.kind == "real" and TOXIPROXY not in self.components:
            try:
                self.toxiproxy.destroy_links()
            except Exception as exc:
                problems.append(f"cannot delete links on {self.toxiproxy.url}: {exc}")
        for tier in tiers:
            problems += [str(e) for e in _parallel(lambda p: p.stop(grace), list(reversed(tier)))]
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self.toxiproxy is not None:
            self.toxiproxy.close()
        return problems


def _behaviour(behaviour: dict[str, Any]) -> list[str]:
    return ["--behaviour", json.dumps(behaviour)] if behaviour else []


"""A drill against a shop the user started (`run … --target NAME --target-url URL`).

The harness starts only the world (fakes + Toxiproxy links, at fixed ports so the shop can
be configured once), sets the shop up through its adapter (channels where it can, the
catalogue and card keys), and Locust buyers drive the adapter's buyer steps
(drill/load/target_flow.py). The shop's export is read only when asked and the adapter
has it; everything else the oracle reads is outside records. `make_run` picks this run or
the reference `Run`, after refusing a bad target before any folder exists.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from decimal import Decimal
from typing import Any

from drill.collect import CollectTargets, collect
from drill.components import LINKS, SINK
from drill.errors import DrillError, TargetError
from drill.history import Op, OpType
from drill.load import LoadPlan
from drill.load.catalogue import FINAL_PROCESS
from drill.options import RunOptions
from drill.run import Run
from drill.scenario import Scenario
from drill.settle import wait_settled
from drill.stack.processes import refuse_bad_targets
from drill.stack.seeding import generate_codes
from drill.stack.service_config import supplier_stock
from drill.stack.world import refuse_taken_ports
from drill.stack.world_table import render, stack_addresses, target_world
from drill.targets._abilities import Ability
from drill.targets._adapter import TargetAdapter
from drill.targets._http import HttpxClient
from drill.targets._registry import TargetNotFound, adapter_class, make_adapter
from drill.targets._steps import CatalogueItem, NotSupported, StepFailed
from drill.targets._world import world_to_dict
from drill.targets.revisit import revisit, unfinished
from runtime.loopback import NonLoopbackError, ensure_loopback

SERVICE_TARGETS = ("service", "api", "worker")


def refuse_target(scenario: Scenario, opts: RunOptions) -> None:
    """Raise a `DrillError` for a target run that cannot work, before any folder is made:
    the options' own mistakes first, then what the machine holds (ports taken now)."""
    refuse_bad_targets(opts.db, opts.toxiproxy, opts.allow_non_loopback)
    if opts.external:
        _refuse_external(scenario, opts)
    refuse_taken_ports(opts.world)


def _refuse_external(scenario: Scenario, opts: RunOptions) -> None:
    """The mistakes of a run against a shop the user started (`--target-url`)."""
    if not opts.target_url:
        raise DrillError(f"--target {opts.target} needs --target-url (the shop you started)",
                         hint="e.g. --target-url http://127.0.0.1:8000")
    try:
        ensure_loopback(opts.target_url, allow=opts.allow_non_loopback, what="--target-url")
    except NonLoopbackError as exc:
        raise TargetError(str(exc)) from None
    try:
        cls = adapter_class(opts.target)
    except TargetNotFound as exc:
        raise DrillError(str(exc), hint="harness.py target list") from None
    unknown = sorted({k for k, _v in opts.target_options} - set(cls.options))
    if unknown:
        raise DrillError(f"--target {opts.target}: unknown --target-option {unknown}",
                         hint="known: " + (", ".join(f"{k} ({v})" for k, v in
                                                     cls.options.items()) or "none"))
    if not opts.world.fixed and Ability.SETUP_CHANNELS not in cls.abilities:
        raise DrillError(f"--target {opts.target} cannot point the shop at the world itself "
                         f"({cls.reasons.get(Ability.SETUP_CHANNELS, 'no setup_channels')})",
                         hint="fix the world's ports with --world-ports BASE, configure the shop "
                              "with `harness.py world --print --world-ports BASE`, then run")
    on_shop = [f.target for f in scenario.faults if str(f.target) in SERVICE_TARGETS
               or str(f.target).startswith("worker-")]
    if on_shop or opts.defects or scenario.load.late_payers > 0:
        what = (f"faults on the shop's processes ({', '.join(map(str, on_shop))})" if on_shop
                else "--defect (the reference shop's bug zoo)" if opts.defects
                else "late payers (adapters do not expose the order expiry)")
        raise DrillError(f"{scenario.path}: {what} cannot be run against --target-url",
                         hint="drill a scenario whose faults hit links and fakes only")


def make_run(scenario: Scenario, opts: RunOptions) -> Run:
    refuse_target(scenario, opts)
    if not opts.external:
        return ReferenceRun(scenario, opts)
    return TargetRun(with_adapter_gateway(scenario, opts.target), opts)


def with_adapter_gateway(scenario: Scenario, target: str) -> Scenario:
    """The gateway knobs the adapter's shop needs (its `gateway_behaviour`, e.g. kamiFaka's
    server parses submit.php's HTML), under the scenario's own, from the gateway's start."""
    extra = dict(getattr(adapter_class(target), "gateway_behaviour", {}))
    if not extra:
        return scenario
    gateway = scenario.gateway.model_copy(
        update={"behaviour": {**extra, **scenario.gateway.behaviour}})
    return scenario.model_copy(update={"gateway": gateway})


class ReferenceRun(Run):
    """The reference shop the harness starts; meta.json says whether its export was read,
    and `serve` also prints the world table."""

    def _serve(self) -> None:
        """The URLs (JSON, as `Run._serve` prints them), then the world table; until Ctrl-C."""
        print(json.dumps(self.stack.urls(), indent=1), flush=True)
        print(render(stack_addresses(self.stack)), flush=True)
        self.progress.say("stack is up; press Ctrl-C to stop")
        threading.Event().wait(7 * 24 * 3600)   # until a signal raises Interrupted

    def _write_meta(self) -> None:
        super()._write_meta()
        self._add_meta({"export": self.opts.export})

    def _add_meta(self, extra: dict[str, Any]) -> None:
        path = self.run_dir / "meta.json"
        meta = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({**meta, **extra}, indent=1), encoding="utf-8")


class TargetRun(ReferenceRun):
    """A `Run` whose shop is the user's: seeded, drained and collected through the adapter."""

    def __init__(self, scenario: Scenario, opts: RunOptions) -> None:
        super().__init__(scenario, opts)
        self.adapter: TargetAdapter | None = None
        self.setup: dict[str, Any] = {}

    def _after_drain(self) -> None:
        self._revisit()
        self._final_catalogue()

    def _collect(self) -> None:
        adapter = self.shop_adapter()
        collect(self.run_dir, CollectTargets(
            service_url=self.stack.service_url, admin_token=adapter.opts.get(
                "admin_token", "drill-admin"), gateway_url=self.stack.url("gateway"),
            suppliers=self.stack.supplier_urls, sink_url=self.stack.url(SINK),
            export=self.opts.export and adapter.has(Ability.EXPORT) and adapter.name ==
            "reference", metrics=adapter.name == "reference"))   # other exports: not yet

    def shop_adapter(self) -> TargetAdapter:
        if self.adapter is None:
            assert self.opts.target_url
            world = target_world(stack_addresses(self.stack))
            self.adapter = make_adapter(self.opts.target, self.opts.target_url, world,
                                        dict(self.opts.target_options))
        return self.adapter

    def _seed(self) -> None:
        """Channels where the adapter can, then the catalogue and card keys (stock.json).

        The shop may be reused across drills: the keys are this run's own (salted with the
        run id, so a re-import never duplicates a key) and the stock it had before goes
        into stock.json `before`, which the books add to what this drill imported."""
        adapter, s = self.shop_adapter(), self.scenario
        local: dict[str, list[str]] = {}
        items = []
        for p in s.catalogue:
            codes = (generate_codes(f"{p.id}@{self.run_dir.name}", p.stock, s.seed)
                     if p.kind == "local" and p.stock else [])
            local.update({p.id: codes} if codes else {})
            items.append(CatalogueItem(p.id, p.name or p.id, Decimal(str(p.price)), tuple(codes)))
        with HttpxClient(30.0) as http:
            try:
                self.setup["channels"] = adapter.setup_channels(http)
            except NotSupported as exc:
                self.setup["channels"] = [f"not set by the adapter: {exc.message}"]
            before = self._stock_now(http, set(local))
            try:
                listed = adapter.setup_catalogue(http, items)
            except Exception as exc:
                raise DrillError(f"--target {adapter.name}: setting up the catalogue at "
                                 f"{adapter.base_url} failed: {exc}",
                                 hint="the products must exist (or be creatable) at the "
                                      "scenario's prices; see docs/targets/README.md") from exc
        self.setup["products"] = [{"id": p.id, "price": str(p.price), "stock": p.stock}
                                  for p in listed]
        stock = {"local": local, "before": before,
                 "supplier": {n: supplier_stock(s, n) for n in self.stack.supplier_urls}}
        (self.run_dir / "stock.json").write_text(json.dumps(stock), encoding="utf-8")
        (self.run_dir / "target-setup.json").write_text(json.dumps(self.setup, indent=1),
                                                        encoding="utf-8")

    def _stock_now(self, http: HttpxClient, products: set[str]) -> dict[str, int]:
        """Unsold keys per local product as buyers see them (absent products: 0)."""
        adapter, out = self.shop_adapter(), {}
        try:
            for p in adapter.list_products(http):
                if p.id in products:
                    n = p.stock if p.stock is not None or not adapter.has(
                        Ability.STOCK_COUNT) else adapter.stock(http, p.id)
                    out[p.id] = int(n or 0)
        except Exception as exc:
            raise DrillError(f"--target {adapter.name}: reading the stock before the drill at "
                             f"{adapter.base_url} failed: {exc}") from exc
        return out

    def _load_plan(self) -> LoadPlan:
        adapter = self.shop_adapter()
        return replace(super()._load_plan(), target=self.opts.target,
                       target_options=self.opts.target_options,
                       target_world=world_to_dict(adapter.world),
                       gateway_url=adapter.world.gateway.buyer_url)

    def _drain(self) -> None:
        """Heal every fault, then wait (bounded by `settle`) until the shop lists no paid,
        undelivered order; an adapter that cannot list them waits the settle out."""
        assert self.executor is not None
        self.abort.stop()
        self.executor.heal_all()
        settle, adapter = self.scenario.expect.settle, self.shop_adapter()
        how = ["admin_orders"]

        def paid_left() -> int:
            try:
                return len(adapter.admin_orders(http, "paid"))
            except NotSupported:
                how[0] = "waited the settle out (the adapter cannot list paid orders)"
            except Exception:
                pass
            return -1

        with HttpxClient(5.0) as http:
            left = wait_settled(paid_left, settle, self.stack, self.watch.shop_down)
        if self.bot is not None:
            self.bot.stop()
        self.drain = {"settle_s": settle, "unsettled_paid": left, "settled": left == 0,
                      "how": how[0]}

    def _revisit(self) -> None:
        """Buyers whose polling gave up look once more (drill/targets/revisit.py)."""
        if self.load is None:
            return
        with HttpxClient(5.0) as http:
            self.setup["revisit"] = revisit(
                self.shop_adapter(), http, unfinished(self.load.history_parts()),
                lambda op: self.events.op_recorded.fire(op=op), time.time)

    def _final_catalogue(self) -> None:
        """The one catalogue read after the settle, through the adapter (catalogue.py's op
        shape); an unlisted stock count is asked per product where the adapter can."""
        fire, adapter = self.events.op_recorded.fire, self.shop_adapter()
        fire(op=Op(FINAL_PROCESS, "invoke", "list_products", {"final": True}, time.time()))
        value: dict[str, Any] = {"final": True}
        type_: OpType = "info"
        with HttpxClient(10.0) as http:
            try:
                rows = []
                for p in adapter.list_products(http):
                    stock = p.stock
                    if stock is None and adapter.has(Ability.STOCK_COUNT):
                        try:    # one uncountable product (a reusable key) spoils no other's
                            stock = adapter.stock(http, p.id)
                        except StepFailed:
                            stock = None
                    rows.append({"id": p.id, "price": f"{p.price:.2f}", "stock_available": stock})
                value["products"], type_ = rows, "ok"
            except Exception as exc:
                type_ = "fail" if getattr(exc, "op_type", "info") == "fail" else "info"
                value.update(error=str(exc)[:300], status=getattr(exc, "status", None))
        fire(op=Op(FINAL_PROCESS, type_, "list_products", value, time.time()))

    def _write_meta(self) -> None:
        Run._write_meta(self)
        cls = adapter_class(self.opts.target)
        export = self.opts.export and Ability.EXPORT in cls.abilities and cls.name == "reference"
        self._add_meta({"export": export, "target": {
            "name": self.opts.target, "url": self.opts.target_url, "export": export,
            "abilities": sorted(a.value for a in cls.abilities), "setup": self.setup,
            "world_ports": self.opts.world.base_port, "links": list(LINKS)}})

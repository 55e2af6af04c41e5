"""Everything the oracle reads, loaded once from a run folder into plain data.

Checkers are pure functions of `Sources`, so tests build one from literals and
`harness.py check RUN_DIR` rebuilds it from disk. A source that is missing
(an interrupted run, a component that was down at collection) is `None`, not
empty, so a checker can answer *unknown* instead of a vacuous pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drill.checks.said import Said, said
from drill.jsonl import compact, forget_strings, interned, loads, read_records

Record = dict[str, Any]


@dataclass(frozen=True)
class Sources:
    """Outside observations first (buyers, gateway, suppliers, sink), then the service's export.

    The export is optional enrichment: every checker decides from the outside records, or
    answers *unknown* naming what is missing (`export_missing()`), never a vacuous pass."""

    history: list[Record] | None = None  # buyer + nemesis ops (§7)
    faults: list[Record] | None = None  # faults.jsonl
    payments: list[Record] | None = None  # gateway ledger
    notifies: list[Record] | None = None
    purchases: dict[str, list[Record]] | None = None  # supplier name -> purchase items
    codes: dict[str, list[Record]] | None = None  # supplier name -> codes issued
    messages: list[Record] | None = None  # IM sink
    mails: list[Record] | None = None  # buyer mail sink
    export: Record | None = None  # GET /admin/export
    stock: Record | None = None  # stock.json
    load: Record | None = None  # load.json
    meta: Record = field(default_factory=dict)  # meta.json
    collect_errors: Record = field(default_factory=dict)  # collect_errors.json
    # the derived views, memoised; init=False: a `dataclasses.replace` copy starts empty
    cache: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    # -- derived views (cheap; checkers call them as needed) -------------------
    def buyer_ops(self) -> list[Record]:
        """Every op but the nemesis's, memoised (checkers and evidence ask again and again)."""
        cached = self.cache.get("buyer_ops")
        if cached is None:
            history = self.history or []
            cached = [op for op in history if str(op.get("process", "")) != "nemesis"]
            if len(cached) == len(history):
                cached = history  # no nemesis op: the history itself, not a copy
            self.cache["buyer_ops"] = cached
        return cached

    @property
    def blind(self) -> bool:
        """The run chose not to read the shop's export (`--no-export`, or an adapter without
        one): its absence is a decision, not a component that was down."""
        target = self.meta.get("target")
        return self.meta.get("export") is False or (
            isinstance(target, dict) and target.get("export") is False)

    def export_missing(self) -> Said:
        """Why there is no export, in words, for an *unknown* verdict."""
        return said("src.export_blind" if self.blind else "src.export")

    def export_list(self, key: str) -> list[Record] | None:
        if self.export is None:
            return None
        value = self.export.get(key)
        return list(value) if isinstance(value, list) else None

    def all_purchases(self) -> list[tuple[str, Record]]:
        """(supplier, purchase) of every supplier ledger, memoised (a dozen checkers ask)."""
        cached = self.cache.get("all_purchases")
        if cached is None:
            cached = self.cache["all_purchases"] = [
                (name, p) for name, items in (self.purchases or {}).items() for p in items]
        return cached


def read_json(path: Path) -> Any:
    if not path.exists():
        return None
    try:
        return loads(path.read_bytes())  # the export of a million orders is a few hundred MB
    except (OSError, ValueError):  # orjson.JSONDecodeError is a ValueError
        return None


def _read_export(path: Path) -> Record | None:
    """export.json, its record lists compacted like the ledgers' (`read_records`)."""
    export = read_json(path)
    if not isinstance(export, dict):
        return None
    for value in export.values():
        if isinstance(value, list):
            for i, item in enumerate(value):  # in place: each parsed dict freed as it goes
                if isinstance(item, dict):
                    value[i] = compact(item)
    return export


def _per_supplier(ledgers: Path, suffix: str) -> dict[str, list[Record]] | None:
    found: dict[str, list[Record]] = {}
    for path in sorted(ledgers.glob(f"supplier-*-{suffix}.jsonl")):
        name = path.name[len("supplier-"): -len(f"-{suffix}.jsonl")]
        found[name] = read_records(path) or []
    return found or None


def load_sources(run_dir: str | Path) -> Sources:
    """Read the run folder (CONTRACTS §8) once. The export first: parsing it whole holds the
    plain dicts of every order at once, and that peak is lowest while nothing else is in
    memory yet (its freed dicts' memory then holds the history)."""
    run = Path(run_dir)
    led = run / "ledgers"
    export = _read_export(run / "export.json")
    src = Sources(
        history=read_records(run / "history.jsonl"),
        faults=read_records(run / "faults.jsonl"),
        payments=read_records(led / "gateway-payments.jsonl"),
        notifies=read_records(led / "gateway-notifies.jsonl"),
        purchases=_per_supplier(led, "purchases"),
        codes=_per_supplier(led, "codes"),
        messages=read_records(led / "sink-messages.jsonl"),
        mails=read_records(led / "sink-mails.jsonl"),
        export=export,
        stock=interned(read_json(run / "stock.json")),  # its codes: the ledgers' strings
        load=read_json(run / "load.json"),
        meta=read_json(run / "meta.json") or {},
        collect_errors=read_json(run / "collect_errors.json") or {},
    )
    forget_strings()  # the records share their strings; the table of them is no longer needed
    return src

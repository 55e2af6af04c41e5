"""After the drain: copy every outside ledger and the service's own view into the run folder.

Everything after the run reads only the run folder (CONTRACTS §8), so this is
the one place that talks to the components for the oracle. A component that
is down does not stop collection: its error goes to collect_errors.json and
its files are simply absent, which the checks read as *unknown*, never pass.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PAGE = 1000
MAX_PAGES = 10_000  # bound: 10M items per ledger kind


@dataclass(frozen=True)
class CollectTargets:
    service_url: str
    admin_token: str
    gateway_url: str
    suppliers: dict[str, str] = field(default_factory=dict)  # name -> url
    sink_url: str = ""
    export: bool = True  # read GET /admin/export (False: a blind oracle, never asked)
    metrics: bool = True  # read GET /metrics (the reference shop's; other shops have none)


def _ledger(client: httpx.Client, base: str, kind: str) -> list[dict[str, Any]]:
    """Page through GET /_fake/ledger?kind=..; follows next_offset until it is null."""
    items: list[dict[str, Any]] = []
    offset: int | None = 0
    for _ in range(MAX_PAGES):
        if offset is None:
            break
        r = client.get(f"{base.rstrip('/')}/_fake/ledger",
                       params={"kind": kind, "offset": offset, "limit": PAGE})
        r.raise_for_status()
        body = r.json()
        page = body.get("items") or []
        items.extend(page)
        nxt = body.get("next_offset")
        total = body.get("total")
        if nxt is None or not page or (total is not None and len(items) >= int(total)):
            break
        offset = int(nxt)
    return items


def _write_jsonl(path: Path, items: Iterable[dict[str, Any]]) -> None:
    _write_atomically(path, (json.dumps(item, separators=(",", ":"), ensure_ascii=False) + "\n"
                             for item in items))


def _write_atomically(path: Path, chunks: Iterable[str]) -> None:
    """Write via `<name>.tmp` and rename; an interrupted write (Ctrl-C too) leaves no temp file
    and the previous file, if any, untouched."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(chunk)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _export(client: httpx.Client, targets: CollectTargets, path: Path,
            errors: dict[str, str]) -> None:
    auth = {"Authorization": f"Bearer {targets.admin_token}"}
    try:
        r = client.get(f"{targets.service_url.rstrip('/')}/admin/export", headers=auth)
        r.raise_for_status()
        _write_atomically(path, [json.dumps(r.json(), ensure_ascii=False)])
    except (httpx.HTTPError, ValueError, OSError) as exc:
        errors["export"] = f"GET {targets.service_url}/admin/export: {exc!r}"


def collect(run_dir: str | Path, targets: CollectTargets, *, timeout_s: float = 30.0) -> None:
    """Write ledgers/*.jsonl, export.json, metrics.prom (and collect_errors.json if any failed)."""
    run = Path(run_dir)
    led = run / "ledgers"
    led.mkdir(parents=True, exist_ok=True)
    errors: dict[str, str] = {}
    jobs: list[tuple[str, str, str]] = [
        ("gateway-payments", targets.gateway_url, "payments"),
        ("gateway-notifies", targets.gateway_url, "notifies"),
    ]
    for name, url in sorted(targets.suppliers.items()):
        jobs += [(f"supplier-{name}-purchases", url, "purchases"),
                 (f"supplier-{name}-codes", url, "codes"),
                 (f"supplier-{name}-transitions", url, "transitions"),
                 (f"supplier-{name}-cancels", url, "cancels")]
    if targets.sink_url:
        jobs += [("sink-messages", targets.sink_url, "messages"),
                 ("sink-mails", targets.sink_url, "mails")]
    else:
        errors["sink"] = "no sink_url given"
    with httpx.Client(timeout=timeout_s, trust_env=False) as client:
        for fname, base, kind in jobs:
            try:
                _write_jsonl(led / f"{fname}.jsonl", _ledger(client, base, kind))
            except (httpx.HTTPError, ValueError, OSError) as exc:
                errors[fname] = f"GET {base}/_fake/ledger?kind={kind}: {exc!r}"
        if targets.export:
            _export(client, targets, run / "export.json", errors)
        try:
            if targets.metrics:
                r = client.get(f"{targets.service_url.rstrip('/')}/metrics")
                r.raise_for_status()
                (run / "metrics.prom").write_text(r.text, encoding="utf-8")
        except (httpx.HTTPError, OSError) as exc:
            errors["metrics"] = f"GET {targets.service_url}/metrics: {exc!r}"
    path = run / "collect_errors.json"
    if errors:
        path.write_text(json.dumps({"at": time.time(), "errors": errors}, indent=1),
                        encoding="utf-8")
    elif path.exists():
        path.unlink()

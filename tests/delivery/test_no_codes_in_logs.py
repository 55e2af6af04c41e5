"""Card codes never reach the service log or the API log, even when a supplier's reply
is unreadable: a committed purchase whose reply is cut short (the real fakes.supplier
`malformed`/`truncated` behaviour) or is plain text starting with the codes (the stand-in
`_plaintext_supplier.py`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runtime import ManagedProcess
from tests.delivery._fakes import behave, ledger, start_logged
from tests.delivery.conftest import ROOT, _fake, base_config, notify_params
from tests.waiting import wait_until


def _pay_and_deliver(svc: Any, n: int) -> list[str]:
    orders = [svc.order("apple-100") for _ in range(n)]
    for o in orders:
        r = svc.http.get("/notify/epay", params=notify_params(o["order_no"], o["amount"]))
        assert r.text == "success"
    wait_until(lambda: len(svc.export()["deliveries"]) == n)
    return [c for d in svc.export()["deliveries"] for c in d["codes"]]


def _assert_nowhere(svc: Any, log: Path, codes: list[str]) -> list[dict[str, Any]]:
    calls = svc.admin("GET", "/admin/api-log").json()["calls"]
    bad = [c for c in calls if c["outcome"] == "bad_reply"]
    assert bad, calls
    assert all("body not JSON" in c["error"] and "sha256" in c["error"] for c in bad), bad
    api_log = json.dumps(calls)
    svc.proc.stop()  # flush and close stderr before reading it
    text = log.read_text()
    assert "body not JSON" in text  # the warning is there, just without the body
    leaked = [c for c in codes if c in text or c in api_log]
    assert not leaked, leaked
    return bad


def test_truncated_reply_from_fake_supplier(tmp_path: Path) -> None:
    with _fake("supplier", "--name", "primary", "--api-key", "k", "--api-secret", "s",
               "--stock", "apple-100=50") as sup:
        behave(sup, malformed=1.0, malformed_kinds=["truncated"])
        cfg = base_config(f"sqlite:///{tmp_path}/s.sqlite3",
                          suppliers={"primary": {"url": sup.url}})
        svc, log = start_logged(tmp_path, cfg)
        try:
            codes = _pay_and_deliver(svc, 3)
            issued = [item["code"] for item in ledger(sup, "codes")]
            assert set(codes) <= set(issued) and codes
            _assert_nowhere(svc, log, issued)
        finally:
            svc.close()


@pytest.fixture
def plaintext_supplier() -> Iterator[ManagedProcess]:
    with ManagedProcess("plaintext-supplier", [
            sys.executable, str(ROOT / "tests/delivery/_plaintext_supplier.py"), "--port", "0"],
            cwd=ROOT) as p:
        yield p


def test_plain_text_reply_starting_with_codes(tmp_path: Path,
                                              plaintext_supplier: ManagedProcess) -> None:
    stub = plaintext_supplier
    cfg = base_config(f"sqlite:///{tmp_path}/s.sqlite3", suppliers={"primary": {"url": stub.url}})
    svc, log = start_logged(tmp_path, cfg)
    try:
        codes = _pay_and_deliver(svc, 2)
        bought = sorted({c for p in ledger(stub, "purchases") for c in p["codes"]})
        assert sorted(codes) == bought  # delivered through the by-downstream lookup
        bad = _assert_nowhere(svc, log, bought)
        assert "text/plain" in bad[0]["error"]
    finally:
        svc.close()

"""SessionClient over requests-like sessions, and the library behind `target list|new|check`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from drill.targets import (
    ConformanceReport,
    Probe,
    SessionClient,
    exit_code,
    list_targets,
    new_target,
    run_check,
)
from tests.drill.targets.conftest import Shop, probe_item


@dataclass
class Resp:
    status_code: int
    text: str | None = ""
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None


class Session:
    """A FastHttpSession-like stand-in recording calls; raises when told to."""

    def __init__(self, resp: Resp | Exception) -> None:
        self.resp = resp
        self.calls: list[tuple[str, str, Any]] = []

    def _answer(self, method: str, url: str, kw: dict[str, Any]) -> Resp:
        self.calls.append((method, url, kw))
        if isinstance(self.resp, Exception):
            raise self.resp
        return self.resp

    def get(self, url: str, **kw: Any) -> Resp:
        return self._answer("get", url, kw)

    def post(self, url: str, **kw: Any) -> Resp:
        return self._answer("post", url, kw)


def test_session_client_encodes_queries_and_forms_and_passes_names() -> None:
    session = Session(Resp(200, '{"ok": true}', {"X": "1"}))
    client = SessionClient(session, pass_name=True)
    reply = client.get("http://h/a?x=1", params={"token": "t t"}, name="/a")
    assert (reply.status, reply.json(), reply.headers) == (200, {"ok": True}, {"X": "1"})
    client.post("http://h/b", form={"k": "v&w"})
    assert session.calls[0] == ("get", "http://h/a?x=1&token=t+t", {"headers": {}, "name": "/a"})
    method, _, kw = session.calls[1]
    assert method == "post"
    assert kw["data"] == "k=v%26w" and kw["headers"]["Content-Type"].endswith("urlencoded")


class NoHeaders:
    """Like drill.load's LeanResponse: no headers attribute."""

    status_code, text = 201, '{"order_no": "A1"}'


def test_a_lean_client_without_headers_and_with_required_names_fits() -> None:
    session = Session(NoHeaders())  # type: ignore[arg-type]
    reply = SessionClient(session, pass_name=True).post("http://h/api/orders", json={})
    assert (reply.status, reply.json(), dict(reply.headers)) == (201, {"order_no": "A1"}, {})
    assert session.calls[0][2]["name"] == "/api/orders"


@pytest.mark.parametrize("resp", [Resp(0, None, error="ConnectionRefusedError"),
                                  ConnectionResetError("reset by peer")])
def test_transport_failures_become_unknown_replies(resp: Resp | Exception) -> None:
    reply = SessionClient(Session(resp)).post("http://h/x", json={"a": 1})
    assert reply.status == 0 and reply.unknown
    assert "Connection" in reply.error


def test_new_target_writes_once_and_list_shows_it(tmp_path: Path) -> None:
    path = new_target("my_shop", tmp_path)
    assert path == tmp_path / "my_shop.py" and "class MyShopAdapter" in path.read_text("utf-8")
    with pytest.raises(FileExistsError, match="already exists"):
        new_target("my_shop", tmp_path)
    with pytest.raises(ValueError, match="lowercase identifier"):
        new_target("My-Shop", tmp_path)
    names = [n for n, _ in list_targets(tmp_path)]
    assert names == ["kamifaka", "reference", "my_shop"]


def _report(*verdicts: str) -> ConformanceReport:
    probes = tuple(Probe(f"p{i}", v, "", "") for i, v in enumerate(verdicts))  # type: ignore[arg-type]
    return ConformanceReport("t", "u", (), probes)


def test_exit_codes_follow_the_harness_rule() -> None:
    assert exit_code(_report("pass", "pass")) == 0
    assert exit_code(_report("pass", "unknown")) == 2
    assert exit_code(_report("unknown", "fail")) == 1


def test_run_check_by_name_against_the_reference_shop(shop: Shop) -> None:
    report = run_check("reference", shop.url, shop.world, product=probe_item())
    assert exit_code(report) == 0, report.render()

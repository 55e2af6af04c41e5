"""The API in-process (httpx ASGITransport, literal bodies): hostile input never gets a 500.

Each test gets a fresh `Api` over a fresh `ProxyCollection`; proxies it starts
listen on 127.0.0.1 and are stopped afterwards.  The real-process tier
(test_api.py) covers the same server behind uvicorn.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from fakes.toxiproxy import Api, ProxyCollection
from tests.fakes.toxiproxy.helpers import HANG, ODD_NAMES

pytestmark = pytest.mark.anyio

DEEP = b"[" * 5000 + b"]" * 5000
PROXY = {"name": "p", "listen": "127.0.0.1:0", "upstream": "127.0.0.1:9"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    app = Api(ProxyCollection())
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://toxiproxy") as client:
        yield client
    for proxy in app.collection.proxies.values():
        proxy.stop()


async def with_proxy_and_toxic(api: httpx.AsyncClient) -> None:
    assert (await api.post("/proxies", json=PROXY)).status_code == 201
    assert (await api.post("/proxies/p/toxics", json={"type": "latency"})).status_code == 200


def error_of(resp: httpx.Response) -> str:
    body = json.loads(resp.content)
    assert body["status"] == resp.status_code, body
    return str(body["error"])


BODY_ROUTES = [("POST", "/proxies"), ("POST", "/populate"), ("POST", "/proxies/p"),
               ("PATCH", "/proxies/p"), ("POST", "/proxies/p/toxics"),
               ("POST", "/proxies/p/toxics/latency_downstream"),
               ("PATCH", "/proxies/p/toxics/latency_downstream")]
HOSTILE = {
    "not-utf8": (b"\xff\xfe\x00{", "bad request body: invalid character '\ufffd'"),
    "5000-deep": (DEEP, "bad request body: invalid character '[' exceeded max depth"),
    "5000-deep-in-object": (b'{"name":' + DEEP + b"}", "exceeded max depth"),
    "nan": (b'{"toxicity": NaN}', "invalid character 'N' looking for beginning of value"),
    "infinity": (b'{"enabled": Infinity}', "invalid character 'I'"),
    "5000-digit-int": (b'{"x":' + b"9" * 5000 + b"}", ""),
}


@pytest.mark.parametrize("method,path", BODY_ROUTES)
@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
async def test_hostile_bodies_get_a_4xx_never_a_500(
    api: httpx.AsyncClient, method: str, path: str, case: str
) -> None:
    await with_proxy_and_toxic(api)
    body, expected = HOSTILE[case]
    resp = await api.request(method, path, content=body)
    assert resp.status_code < 500, resp.content
    if resp.status_code >= 400:
        assert expected in error_of(resp)


async def test_depth_limit_is_256(api: httpx.AsyncClient) -> None:
    """Up to 256 levels decode (and get Go's type error); 257 get Go's max-depth wording."""
    at_limit = await api.post("/proxies", content=b"[" * 256 + b"]" * 256)
    assert error_of(at_limit) == ("bad request body: json: cannot unmarshal array into Go value"
                                  " of type toxiproxy.Proxy")
    over = await api.post("/proxies", content=b"[" * 257 + b"]" * 257)
    assert error_of(over) == "bad request body: invalid character '[' exceeded max depth"


async def test_body_over_one_mib_is_413(api: httpx.AsyncClient) -> None:
    resp = await api.post("/proxies", content=b" " * (1 << 20) + b"{}")
    assert resp.status_code == 413
    assert error_of(resp).startswith("request body too large: over 1048576 bytes")


@pytest.mark.parametrize("body,msg", [
    (b'{"type":"latency","attributes":{"latency":1e999}}',
     "json: cannot unmarshal number 1e999 into Go struct field"
     " LatencyToxic.attributes.latency of type int64"),
    (b'{"type":"latency","toxicity":1e999}',
     "json: cannot unmarshal number 1e999 into Go struct field"
     " ToxicWrapper.toxicity of type float32"),
    (b'{"type":"latency","attributes":{"jitter":"5"}}',
     "json: cannot unmarshal string into Go struct field"
     " LatencyToxic.attributes.jitter of type int64"),
    (b'{"type":"slicer","attributes":{"delay":1.5}}',
     "json: cannot unmarshal number 1.5 into Go struct field"
     " SlicerToxic.attributes.delay of type int"),
    (b'{"type":"latency","attributes":[1]}',
     "json: cannot unmarshal array into Go struct field"
     " ToxicWrapper.attributes of type toxics.NoopToxic"),
    (b'{"type":"latency","attributes":{"latency":' + b"9" * 30 + b"}}",
     "json: cannot unmarshal number " + "9" * 30 + " into Go struct field"
     " LatencyToxic.attributes.latency of type int64"),
])
async def test_nested_wrong_types_and_non_finite_use_gos_texts(
    api: httpx.AsyncClient, body: bytes, msg: str
) -> None:
    assert (await api.post("/proxies", json=PROXY)).status_code == 201
    resp = await api.post("/proxies/p/toxics", content=body)
    assert (resp.status_code, error_of(resp)) == (400, "bad request body: " + msg)


async def test_lone_surrogate_becomes_replacement_char_as_in_go(api: httpx.AsyncClient) -> None:
    resp = await api.post("/proxies", content=b'{"name":"a\\ud800","upstream":"x:1"}')
    assert resp.status_code == 201 and resp.json()["name"] == "a\ufffd"


@pytest.mark.parametrize("name,why", [
    ("x" * 256, "invalid name: proxy name 256 bytes long, at most 255 allowed"),
    ("é" * 128, "invalid name: proxy name 256 bytes long, at most 255 allowed"),
    ("x" * 1_000_000, "invalid name: proxy name 1000000 bytes long, at most 255 allowed"),
    ("a/b", "invalid name: proxy name contains '/'"),
    ("tab\there", "invalid name: proxy name contains the control character '\\t'"),
    ("..", "invalid name: proxy name '..' is removed from URL paths"),
])
async def test_unaddressable_proxy_names_are_refused(
    api: httpx.AsyncClient, name: str, why: str
) -> None:
    resp = await api.post("/proxies", json={**PROXY, "name": name})
    assert resp.status_code == 400 and error_of(resp).startswith(why)
    populate = await api.post("/populate", json=[PROXY, {**PROXY, "name": name}])
    assert populate.status_code == 400 and error_of(populate).endswith(" at proxy 2")
    assert (await api.get("/proxies")).json() == {}


async def test_unaddressable_toxic_name_is_refused(api: httpx.AsyncClient) -> None:
    await with_proxy_and_toxic(api)
    resp = await api.post("/proxies/p/toxics", json={"type": "noop", "name": "x" * 300})
    assert resp.status_code == 400
    assert error_of(resp).startswith("invalid name: toxic name 300 bytes long")


async def test_every_accepted_proxy_can_be_fetched_and_deleted(api: httpx.AsyncClient) -> None:
    for name in ODD_NAMES:
        resp = await api.post("/proxies", json={**PROXY, "name": name})
        assert resp.status_code == 201, (name, resp.content)
        toxic = await api.post(f"/proxies/{quote(name, safe='')}/toxics",
                               json={"type": "noop", "name": name})
        assert toxic.status_code == 200, (name, toxic.content)
    assert sorted((await api.get("/proxies")).json()) == sorted(ODD_NAMES)
    for name in ODD_NAMES:
        path = f"/proxies/{quote(name, safe='')}"
        assert (await api.get(path)).json()["name"] == name
        assert (await api.delete(f"{path}/toxics/{quote(name, safe='')}")).status_code == 204
        assert (await api.delete(path)).status_code == 204, name
    assert (await api.get("/proxies")).json() == {}


async def test_openapi_lists_exactly_the_routes(api: httpx.AsyncClient) -> None:
    resp = await api.get("/openapi.json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    routed = {re.sub(r"\(\?P<(\w+)>\[\^/\]\+\)", r"{\1}", p.pattern.strip("^$")).replace("\\", "")
              : {m.lower() for m in methods}
              for p, methods in Api(ProxyCollection()).routes}
    assert {path: set(ops) - {"parameters"} for path, ops in paths.items()} == routed


async def test_handler_timeout_answers_503_and_the_handler_runs_on() -> None:
    """Go's http.TimeoutHandler(…, 25 s, ""): 503 with its stock body; the work still lands."""
    collection = ProxyCollection()
    app = Api(collection, handler_timeout=0.05)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://toxiproxy") as api:
        async with collection.lock:  # a mutation stuck behind a held collection lock
            resp = await api.post("/proxies", json=PROXY)
        assert resp.status_code == 503
        assert resp.headers["content-type"] == "text/html; charset=utf-8"
        assert resp.content == (b"<html><head><title>Timeout</title></head>"
                                b"<body><h1>Timeout</h1></body></html>")
        assert len(resp.headers["x-toxiproxy-request-id"]) == 20
        async with collection.lock:  # FIFO: the late handler held it first
            assert list(collection.proxies) == ["p"]
    for proxy in collection.proxies.values():
        proxy.stop()


async def test_a_slow_lookup_does_not_stall_the_server(
    api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listen host is resolved off the event loop: other requests are served meanwhile."""
    loop = asyncio.get_running_loop()
    asked, answer = asyncio.Event(), asyncio.Event()

    async def slow_getaddrinfo(host: str, port: int, **_kw: object) -> list[Any]:
        asked.set()
        await answer.wait()
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(loop, "getaddrinfo", slow_getaddrinfo)
    create = asyncio.ensure_future(
        api.post("/proxies", json={**PROXY, "listen": "slow.invalid:0"}))
    await asyncio.wait_for(asked.wait(), HANG)
    assert (await api.get("/version")).status_code == 200  # served while the lookup waits
    answer.set()
    resp = await asyncio.wait_for(create, HANG)
    assert resp.status_code == 201 and resp.json()["listen"].startswith("127.0.0.1:")

"""The HTTP API against the must-match checklist (api_test.go plus the research notes)."""

from __future__ import annotations

import socket
from urllib.parse import quote

import httpx
import pytest
from toxiproxy import Toxiproxy
from toxiproxy.exceptions import InvalidToxic, NotFound, ProxyExists

from tests.fakes.toxiproxy.helpers import ODD_NAMES, Http, TcpServer, is_listening

ERR_CT = "text/plain; charset=utf-8"


def err(msg: str, status: int) -> bytes:
    return b'{"error":"%s","status":%d}\n' % (msg.encode(), status)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def create(http: Http, name: str = "p", upstream: str = "127.0.0.1:9", **kw: object) -> dict:
    status, body = http.json("POST", "/proxies", {"name": name, "listen": "127.0.0.1:0",
                                                  "upstream": upstream, **kw})
    assert status == 201, body
    return body


# -- server-level behaviour ------------------------------------------------------
def test_version_exact(http: Http) -> None:
    status, headers, body = http.request("GET", "/version")
    assert (status, body) == (200, b'{"version": "2.12.0"}\n')
    assert headers["content-type"] == "application/json;charset=utf-8"


def test_request_id_header(http: Http) -> None:
    _, headers, _ = http.request("GET", "/proxies")
    assert len(headers["x-toxiproxy-request-id"]) == 20


def test_browser_gets_403_non_browser_200(http: Http) -> None:
    status, headers, body = http.request("GET", "/proxies",
                                         headers={"User-Agent": "Mozilla/5.0 (X11)"})
    assert (status, body, headers["content-type"]) == (403, b"User agent not allowed\n", ERR_CT)
    assert http.request("GET", "/proxies")[0] == 200


def test_unknown_path_404_text(http: Http) -> None:
    for path in ("/nope", "/proxies/", "/proxies/a/b"):
        status, headers, body = http.request("GET", path)
        assert (status, body, headers["content-type"]) == (404, b"404 page not found\n", ERR_CT)


@pytest.mark.parametrize("method,path", [("PUT", "/proxies"), ("DELETE", "/version"),
                                         ("GET", "/reset"), ("PUT", "/proxies/x/toxics")])
def test_wrong_method_405_empty(http: Http, method: str, path: str) -> None:
    status, _, body = http.request(method, path)
    assert (status, body) == (405, b"")


def test_index_with_no_proxies(http: Http) -> None:
    assert http.request("GET", "/proxies")[2] == b"{}"


# -- proxies ------------------------------------------------------------------------
def test_create_and_get_proxy_exact_json(http: Http) -> None:
    status, _, body = http.request("POST", "/proxies", {"name": "p", "listen": "localhost:0",
                                                        "upstream": "example:80"})
    assert status == 201
    port = http.json("GET", "/proxies/p")[1]["listen"].rsplit(":", 1)[1]
    expected = (f'{{"name":"p","listen":"127.0.0.1:{port}","upstream":"example:80",'
                '"enabled":true,"Logger":{},"toxics":[]}').encode()
    assert body == expected
    assert http.request("GET", "/proxies/p")[2] == expected


@pytest.mark.parametrize("body,msg", [
    ({"upstream": "x:1"}, "missing required field: name"),
    ({"name": "p"}, "missing required field: upstream"),
    ("", "bad request body: EOF"),
    ("{", "bad request body: unexpected EOF"),
    ("nope", "bad request body: invalid character 'o' in literal null (expecting 'u')"),
    ({"name": 5, "upstream": "x:1"},
     "bad request body: json: cannot unmarshal number into Go struct field Proxy.name"
     " of type string"),
])
def test_create_proxy_errors(http: Http, body: object, msg: str) -> None:
    status, headers, data = http.request("POST", "/proxies", body)
    assert (status, data, headers["content-type"]) == (400, err(msg, 400), ERR_CT)


def test_create_disabled_proxy_and_enable(http: Http, echo: TcpServer) -> None:
    port = free_port()
    status, body = http.json("POST", "/proxies", {"name": "d", "listen": f"localhost:{port}",
                                                  "upstream": echo.addr, "enabled": False})
    assert status == 201 and body["listen"] == f"localhost:{port}" and body["enabled"] is False
    assert not is_listening(f"127.0.0.1:{port}")
    status, body = http.json("PATCH", "/proxies/d", {"enabled": True})
    assert body["enabled"] is True and body["listen"] == f"127.0.0.1:{port}"
    assert is_listening(f"127.0.0.1:{port}")
    status, body = http.json("POST", "/proxies/d", {"enabled": False})
    assert not is_listening(f"127.0.0.1:{port}")


def test_case_insensitive_keys_and_unknown_ignored(http: Http) -> None:
    status, body = http.json("POST", "/proxies", {"NAME": "c", "Listen": "127.0.0.1:0",
                                                  "UpStream": "x:1", "toxics": [1], "zzz": 1})
    assert status == 201 and body["name"] == "c" and body["upstream"] == "x:1"


def test_name_conflict_409_and_port_conflict_500(http: Http) -> None:
    first = create(http, "a")
    status, _, body = http.request("POST", "/proxies", {"name": "a", "upstream": "x:1"})
    assert (status, body) == (409, err("proxy already exists", 409))
    status, _, body = http.request("POST", "/proxies", {"name": "b", "upstream": "x:1",
                                                        "listen": first["listen"]})
    msg = f"listen tcp {first['listen']}: bind: address already in use"
    assert (status, body) == (500, err(msg, 500))
    assert http.request("DELETE", "/proxies/a")[0] == 204
    status, body = http.json("POST", "/proxies", {"name": "b", "upstream": "x:1",
                                                  "listen": first["listen"]})
    assert status == 201 and body["listen"] == first["listen"]


def test_update_missing_proxy_and_bad_body(http: Http) -> None:
    assert http.request("PATCH", "/proxies/none", {})[2] == err("proxy not found", 404)
    create(http)
    status, _, body = http.request("PATCH", "/proxies/p", "[")
    assert (status, body) == (400, err("bad request body: unexpected EOF", 400))


def test_reset_enables_and_clears(http: Http) -> None:
    create(http, enabled=False)
    create(http, "q")
    http.json("POST", "/proxies/q/toxics", {"type": "latency"})
    assert http.request("POST", "/reset", "garbage")[0] == 204
    proxies = http.json("GET", "/proxies")[1]
    assert all(p["enabled"] and p["toxics"] == [] for p in proxies.values())
    assert is_listening(proxies["p"]["listen"])


# -- populate -------------------------------------------------------------------
def test_populate_creates_in_order_and_default_enabled(http: Http) -> None:
    status, body = http.json("POST", "/populate", [
        {"name": "one", "listen": "127.0.0.1:0", "upstream": "x:1"},
        {"name": "two", "listen": "127.0.0.1:0", "upstream": "x:2", "toxics": [{"type": "x"}]},
    ])
    assert status == 201
    assert [p["name"] for p in body["proxies"]] == ["one", "two"]
    assert all(is_listening(p["listen"]) for p in body["proxies"])


def test_populate_empty_and_errors(http: Http) -> None:
    assert http.request("POST", "/populate", "[]")[2] == b'{"proxies":null}'
    status, headers, body = http.request("POST", "/populate", [
        {"name": "ok", "upstream": "x:1", "listen": "127.0.0.1:0"}, {"upstream": "x:2"}])
    assert status == 400 and headers["content-type"] == "application/json"
    assert body == (b'{"error":"missing required field: name at proxy 2","status":400,'
                    b'"proxies":null}')
    assert http.json("GET", "/proxies")[1] == {}


def test_populate_existing_and_partial_failure(http: Http) -> None:
    port = free_port()
    create(http, "keep", listen=f"127.0.0.1:{port}")
    http.json("POST", "/proxies/keep/toxics", {"type": "latency"})
    status, body = http.json("POST", "/populate", [
        {"name": "keep", "listen": f"localhost:{port}", "upstream": "127.0.0.1:9"},
        {"name": "new", "listen": "127.0.0.1:0", "upstream": "x:1"},
        {"name": "bad", "listen": "local373", "upstream": "x:1"},
    ])
    assert status == 400  # Go: 500; an unusable address is the caller's to fix (proxy.py)
    assert body["error"] == "listen tcp: address local373: missing port in address"
    assert [p["name"] for p in body["proxies"]] == ["keep", "new"]
    assert body["proxies"][0]["listen"] == f"127.0.0.1:{port}"
    assert len(body["proxies"][0]["toxics"]) == 1
    assert "bad" not in http.json("GET", "/proxies")[1]


# -- toxics --------------------------------------------------------------------------
def test_toxic_defaults_and_exact_json(http: Http) -> None:
    create(http)
    status, _, body = http.request("POST", "/proxies/p/toxics", {"type": "latency"})
    assert status == 200
    assert body == (b'{"attributes":{"latency":0,"jitter":0},"name":"latency_downstream",'
                    b'"type":"latency","stream":"downstream","toxicity":1}')
    assert http.request("GET", "/proxies/p/toxics/latency_downstream")[2] == body


def test_toxic_errors_in_go_order(http: Http) -> None:
    create(http)
    post = lambda b: http.request("POST", "/proxies/p/toxics", b)[::2]  # noqa: E731
    assert post("") == (400, err("bad request body: EOF", 400))
    assert post({"type": "nope", "stream": "walrustream"}) == (
        400, err("stream was invalid, can be either upstream or downstream", 400))
    assert post({"type": "nope"}) == (400, err("invalid toxic type", 400))
    assert post({"type": "latency", "stream": "UPSTREAM"})[0] == 200
    assert post({"type": "latency", "name": "latency_UPSTREAM", "stream": "downstream"}) == (
        409, err("toxic already exists", 409))
    bad = post({"type": "latency", "attributes": {"latency": "x"}})
    assert bad[0] == 400
    assert bad[1].startswith(b'{"error":"bad request body: json: cannot unmarshal')
    assert post({"type": "latency", "toxicity": "x"})[0] == 400
    assert http.request("POST", "/proxies/none/toxics", {"type": "latency"})[2] == err(
        "proxy not found", 404)
    assert http.request("GET", "/proxies/p/toxics/none")[2] == err("toxic not found", 404)
    assert http.request("DELETE", "/proxies/p/toxics/none")[2] == err("toxic not found", 404)


def test_toxic_list_order_and_no_range_checks(http: Http) -> None:
    create(http)
    for toxic in ({"name": "d1", "type": "latency", "attributes": {"latency": -100}},
                  {"name": "u1", "type": "slicer", "stream": "upstream", "toxicity": 5},
                  {"name": "d2", "type": "noop", "stream": "", "toxicity": -1},
                  {"name": "u2", "type": "bandwidth", "stream": "Upstream"}):
        assert http.json("POST", "/proxies/p/toxics", toxic)[0] == 200
    toxics = http.json("GET", "/proxies/p/toxics")[1]
    assert [t["name"] for t in toxics] == ["u1", "u2", "d1", "d2"]
    assert toxics[2]["attributes"] == {"latency": -100, "jitter": 0}
    assert toxics[1]["stream"] == "Upstream" and toxics[0]["toxicity"] == 5
    assert toxics[3]["stream"] == "downstream"


def test_toxic_update_merges_and_keeps_identity(http: Http) -> None:
    create(http)
    http.json("POST", "/proxies/p/toxics", {"type": "latency", "toxicity": 0.2,
                                            "attributes": {"latency": 100, "jitter": 10}})
    status, body = http.json("PATCH", "/proxies/p/toxics/latency_downstream", {
        "attributes": {"latency": 5}, "name": "other", "type": "timeout", "stream": "upstream"})
    assert status == 200
    assert body == {"attributes": {"latency": 5, "jitter": 10}, "name": "latency_downstream",
                    "type": "latency", "stream": "downstream", "toxicity": 0.2}
    status, body = http.json("POST", "/proxies/p/toxics/latency_downstream", {"toxicity": 0.5})
    assert body["toxicity"] == 0.5 and body["attributes"]["latency"] == 5


def test_conflicting_toxics_multistream(http: Http) -> None:
    create(http)
    up = {"type": "latency", "stream": "upstream"}
    assert http.json("POST", "/proxies/p/toxics", up)[0] == 200
    assert http.json("POST", "/proxies/p/toxics", {"type": "latency"})[0] == 200
    status, _ = http.json("POST", "/proxies/p/toxics", {"name": "latency_upstream",
                                                        "type": "latency"})
    assert status == 409


# -- the toxiproxy-python client -----------------------------------------------------
def test_python_client_round_trip(client: Toxiproxy, echo: TcpServer) -> None:
    assert client.running()
    assert client.version() == b'{"version": "2.12.0"}\n'
    proxy = client.create(upstream=echo.addr, name="cl")
    assert proxy.listen.startswith("127.0.0.1:") and proxy.enabled is True
    with pytest.raises(ProxyExists):
        client.create(upstream=echo.addr, name="cl")
    proxy.add_toxic(type="latency", attributes={"latency": 10})
    toxic = proxy.get_toxic("latency_downstream")
    assert toxic is not None and toxic.attributes == {"latency": 10, "jitter": 0}
    with pytest.raises(InvalidToxic):
        proxy.add_toxic(type="bogus")
    proxy.destroy_toxic("latency_downstream")
    assert proxy.toxics() == {}
    assert set(client.proxies()) == {"cl"}
    assert client.reset()
    proxy.destroy()
    with pytest.raises(NotFound):
        proxy.destroy()


def test_odd_names_round_trip_through_the_real_server(http: Http) -> None:
    """Through uvicorn's path decoding: every accepted name can be fetched and deleted."""
    with httpx.Client(base_url=f"http://127.0.0.1:{http.port}") as api:
        for name in ODD_NAMES:
            body = {"name": name, "listen": "127.0.0.1:0", "upstream": "127.0.0.1:9"}
            assert api.post("/proxies", json=body).status_code == 201, name
            path = f"/proxies/{quote(name, safe='')}"
            assert api.get(path).json()["name"] == name
            assert api.delete(path).status_code == 204, name
        assert api.get("/proxies").json() == {}

"""The API's routes as an OpenAPI 3.0 document, written by hand next to `api.py`'s table.

Go's Toxiproxy publishes none; this one is served at ``GET /openapi.json`` so
schemathesis can fuzz every route and readers see the shapes in one place.
Keep it in step with `Api.routes`: a test compares the two route lists.
"""

from __future__ import annotations

from typing import Any

_REF = "#/components/schemas/"
_ERROR = {"description": "Go-style error", "content": {
    "text/plain": {"schema": {"$ref": _REF + "Error"}}}}
_NO_CONTENT = {"204": {"description": "done, empty body"}}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _errors(*codes: str) -> dict[str, Any]:
    return {code: _ERROR for code in codes}


_PROXY_PARAM = {"name": "proxy", "in": "path", "required": True,
                "schema": {"type": "string", "example": "p"}}
_TOXIC_PARAM = {"name": "toxic", "in": "path", "required": True,
                "schema": {"type": "string", "example": "latency_downstream"}}

_SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error", "status"], "properties": {
        "error": {"type": "string"}, "status": {"type": "integer"}}},
    "PopulateError": {"type": "object", "required": ["error", "status", "proxies"],
                      "properties": {
                          "error": {"type": "string"}, "status": {"type": "integer"},
                          "proxies": {"type": "array", "nullable": True,
                                      "items": _ref("Proxy")}}},
    "Proxy": {"type": "object", "required": ["name", "listen", "upstream", "enabled", "toxics"],
              "properties": {
                  "name": {"type": "string"}, "listen": {"type": "string"},
                  "upstream": {"type": "string"}, "enabled": {"type": "boolean"},
                  "Logger": {"type": "object"},
                  "toxics": {"type": "array", "items": _ref("Toxic")}}},
    "Connections": {"type": "object", "required": ["name", "accepted", "open"], "properties": {
        "name": {"type": "string"}, "accepted": {"type": "integer", "minimum": 0},
        "open": {"type": "integer", "minimum": 0}}},
    "ProxyInput": {"type": "object", "required": ["name", "upstream"], "properties": {
        "name": {"type": "string", "maxLength": 255, "example": "shop_db"},
        "listen": {"type": "string", "description": "host:port; empty or missing = ephemeral",
                   "example": "127.0.0.1:0"},
        "upstream": {"type": "string", "example": "127.0.0.1:5432"},
        "enabled": {"type": "boolean", "default": True}}},
    "ProxyUpdate": {"type": "object", "properties": {
        "listen": {"type": "string", "example": "127.0.0.1:0"},
        "upstream": {"type": "string"}, "enabled": {"type": "boolean"}}},
    "Toxic": {"type": "object", "required": ["attributes", "name", "type", "stream", "toxicity"],
              "properties": {
                  "attributes": {"type": "object"}, "name": {"type": "string"},
                  "type": {"type": "string"}, "stream": {"type": "string"},
                  "toxicity": {"type": "number"}}},
    "ToxicInput": {"type": "object", "required": ["type"], "properties": {
        "name": {"type": "string", "maxLength": 255},
        "type": {"type": "string", "enum": ["latency", "bandwidth", "slow_close", "timeout",
                                            "reset_peer", "slicer", "limit_data", "noop"]},
        "stream": {"type": "string", "enum": ["upstream", "downstream"]},
        "toxicity": {"type": "number", "minimum": 0, "maximum": 1},
        "attributes": {"type": "object", "additionalProperties": {"type": "integer"}}}},
    "ToxicUpdate": {"type": "object", "properties": {
        "toxicity": {"type": "number", "minimum": 0, "maximum": 1},
        "attributes": {"type": "object", "additionalProperties": {"type": "integer"}}}},
}


def _proxy_routes() -> dict[str, Any]:
    one_proxy = _json(_ref("Proxy"), "the proxy")
    return {
        "/proxies": {
            "get": {"operationId": "listProxies", "responses": {"200": _json(
                {"type": "object", "additionalProperties": _ref("Proxy")}, "proxies by name")}},
            "post": {"operationId": "createProxy", "requestBody": _body("ProxyInput"),
                     "responses": {"201": one_proxy, **_errors("400", "409", "413", "500")}},
        },
        "/proxies/{proxy}": {
            "parameters": [_PROXY_PARAM],
            "get": {"operationId": "getProxy",
                    "responses": {"200": one_proxy, **_errors("404")}},
            "post": {"operationId": "updateProxy", "requestBody": _body("ProxyUpdate"),
                     "responses": {"200": one_proxy, **_errors("400", "404", "413", "500")}},
            "patch": {"operationId": "patchProxy", "requestBody": _body("ProxyUpdate"),
                      "responses": {"200": one_proxy, **_errors("400", "404", "413", "500")}},
            "delete": {"operationId": "deleteProxy",
                       "responses": {**_NO_CONTENT, **_errors("404")}},
        },
        "/proxies/{proxy}/connections": {   # embedded only: Go's server answers 404
            "parameters": [_PROXY_PARAM],
            "get": {"operationId": "proxyConnections", "responses": {
                "200": _json(_ref("Connections"), "connections accepted since creation, open now"),
                **_errors("404")}},
        },
    }


def _toxic_routes() -> dict[str, Any]:
    one_toxic = _json(_ref("Toxic"), "the toxic")
    return {
        "/proxies/{proxy}/toxics": {
            "parameters": [_PROXY_PARAM],
            "get": {"operationId": "listToxics", "responses": {
                "200": _json({"type": "array", "items": _ref("Toxic")}, "upstream first"),
                **_errors("404")}},
            "post": {"operationId": "createToxic", "requestBody": _body("ToxicInput"),
                     "responses": {"200": one_toxic, **_errors("400", "404", "409", "413")}},
        },
        "/proxies/{proxy}/toxics/{toxic}": {
            "parameters": [_PROXY_PARAM, _TOXIC_PARAM],
            "get": {"operationId": "getToxic",
                    "responses": {"200": one_toxic, **_errors("404")}},
            "post": {"operationId": "updateToxic", "requestBody": _body("ToxicUpdate"),
                     "responses": {"200": one_toxic, **_errors("400", "404", "413")}},
            "patch": {"operationId": "patchToxic", "requestBody": _body("ToxicUpdate"),
                      "responses": {"200": one_toxic, **_errors("400", "404", "413")}},
            "delete": {"operationId": "deleteToxic",
                       "responses": {**_NO_CONTENT, **_errors("404")}},
        },
    }


def _server_routes(metrics: bool) -> dict[str, Any]:
    routes: dict[str, Any] = {
        "/version": {"get": {"operationId": "version", "responses": {"200": _json(
            {"type": "object", "properties": {"version": {"type": "string"}}}, "version")}}},
        "/reset": {"post": {"operationId": "reset", "responses": _NO_CONTENT}},
        "/populate": {"post": {
            "operationId": "populate",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"type": "array", "items": _ref("ProxyInput")}}}},
            "responses": {
                "201": _json({"type": "object", "properties": {"proxies": {
                    "type": "array", "nullable": True, "items": _ref("Proxy")}}},
                    "the proxies, in order"),
                **{code: _json(_ref("PopulateError"), "error plus the proxies applied")
                   for code in ("400", "500")},
                **_errors("413")}}},
        "/openapi.json": {"get": {"operationId": "openapi", "responses": {
            "200": _json({"type": "object"}, "this document")}}},
    }
    if metrics:
        routes["/metrics"] = {"get": {"operationId": "metrics", "responses": {"200": {
            "description": "Prometheus text", "content": {"text/plain": {
                "schema": {"type": "string"}}}}}}}
    return routes


def openapi_document(version: str, *, metrics: bool) -> dict[str, Any]:
    """The document for this server (`/metrics` is listed only when it is served)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Toxiproxy v2 API (embedded, faka-drill)", "version": version},
        "paths": {**_server_routes(metrics), **_proxy_routes(), **_toxic_routes()},
        "components": {"schemas": _SCHEMAS},
    }

"""The OpenAPI document served at /openapi.json (built from the routes and models)."""

from __future__ import annotations

from typing import Any

from delivery.api.admin import ImportIn, ReviewIn
from delivery.api.buyer import OrderIn
from delivery.api.channels import ChannelsIn

_ERR = {"description": "error", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}}}}

_OPS: list[tuple[str, str, str, Any, bool]] = [
    ("get", "/api/products", "List products with available stock", None, False),
    ("post", "/api/orders", "Create an order; stock is reserved at once", OrderIn, False),
    ("get", "/api/orders/{order_no}", "Order status (needs ?token=)", None, False),
    ("get", "/api/orders/{order_no}/cards", "Delivered cards (needs ?token=)", None, False),
    ("get", "/notify/epay", "epay payment notify; replies 'success'", None, False),
    ("post", "/notify/epay", "epay payment notify (form body)", None, False),
    ("get", "/admin/orders", "Orders by status and age", None, True),
    ("get", "/admin/api-log", "Supplier call log", None, True),
    ("post", "/admin/orders/{order_no}/deliver", "Manual delivery (idempotent)", None, True),
    ("post", "/admin/orders/{order_no}/resend", "Resend the same card", None, True),
    ("post", "/admin/orders/{order_no}/retry", "Re-queue a manual order for automatic delivery",
     None, True),
    ("post", "/admin/orders/{order_no}/refund", "Mark refunded", None, True),
    ("post", "/admin/orders/{order_no}/review", "Approve or reject a held order", ReviewIn, True),
    ("post", "/admin/stock/import", "Import card keys", ImportIn, True),
    ("get", "/admin/alerts", "Alerts raised", None, True),
    ("get", "/admin/export", "Everything, for the oracle", None, True),
    ("get", "/admin/channels", "Payment, supplier, robot and mail channels (secrets masked)",
     None, True),
    ("put", "/admin/channels", "Change channels (a partial body; saved to the config file)",
     ChannelsIn, True),
    ("post", "/admin/channels", "Change channels (same as PUT, for form-only clients)",
     ChannelsIn, True),
    ("get", "/healthz", "Liveness", None, False),
    ("get", "/metrics", "Prometheus metrics", None, False),
]


_STR, _NUM, _INT = {"type": "string"}, {"type": "number"}, {"type": "integer"}
_NOTIFY = {f: _STR for f in ("pid", "trade_no", "out_trade_no", "type", "name", "money",
                             "trade_status", "sign", "sign_type")}
_QUERY: dict[str, dict[str, Any]] = {  # path → query parameters (none required by schema)
    "/api/orders/{order_no}": {"token": _STR},
    "/api/orders/{order_no}/cards": {"token": _STR},
    "/notify/epay": _NOTIFY,
    "/admin/orders": {"status": _STR, "older_than_s": _NUM, "limit": _INT},
    "/admin/api-log": {"limit": _INT},
}
_FORM = {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "properties": _NOTIFY}}}


def _parameters(path: str) -> list[dict[str, Any]]:
    params = [{"name": n, "in": "path", "required": True, "schema": _STR}
              for n in ("order_no",) if "{" + n + "}" in path]
    return params + [{"name": n, "in": "query", "required": False, "schema": schema}
                     for n, schema in _QUERY.get(path, {}).items()]


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path, summary, model, admin in _OPS:
        op: dict[str, Any] = {"summary": summary,
                              "responses": {"200": {"description": "ok"}, "4XX": _ERR}}
        if model is not None:
            op["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": model.model_json_schema()}}}
        if method == "post" and path == "/notify/epay":
            op["requestBody"] = {"required": False, "content": _FORM}
        params = _parameters(path)
        if params:
            op["parameters"] = params
        if admin:
            op["security"] = [{"bearer": []}]
        paths.setdefault(path, {})[method] = op
    return {"openapi": "3.1.0",
            "info": {"title": "faka-drill delivery service", "version": "0.1.0"},
            "paths": paths,
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}}

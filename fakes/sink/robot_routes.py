"""DingTalk, WeCom and Telegram robot endpoints, answering like the real services.

DingTalk and WeCom reply HTTP 200 with an ``errcode``; Telegram uses HTTP status
codes. Every message, accepted or throttled, lands in the ``messages`` ledger.
State is ``request.app.state.sink``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes._common import describe, read_body, try_json
from fakes.sink.robots import dingtalk_sign_ok, retry_after_scenario_s, robot_text
from fakes.sink.state import SinkState

BAD_GATEWAY = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
TG_MAX, WECOM_MAX = 4096, 2048
MAX_TS_CHARS = 16
ROBOT_BODY: dict[str, Any] = {"type": "object", "properties": {
    "msgtype": {"type": "string", "enum": ["text", "markdown"]},
    "text": {"type": "object", "properties": {"content": {"type": "string"}}},
    "markdown": {"type": "object", "properties": {"title": {"type": "string"},
                                                  "text": {"type": "string"}}}}}
TG_FIELDS: dict[str, Any] = {"chat_id": {"type": "string"}, "text": {"type": "string"},
                             "parse_mode": {"type": "string"}}


def _sink(request: Request) -> SinkState:
    state: SinkState = request.app.state.sink
    return state


def _errcode(code: int, msg: str) -> Response:
    return JSONResponse({"errcode": code, "errmsg": msg})


def bad_gateway() -> Response:
    return Response(BAD_GATEWAY, status_code=502, media_type="text/html")


def _dingtalk_refusal(st: SinkState, request: Request) -> Response | None:
    if not request.query_params.get("access_token", ""):
        return _errcode(300001, "token is not exist")
    if st.dingtalk_secret:
        ts, sign = request.query_params.get("timestamp", ""), request.query_params.get("sign")
        if not (ts.isascii() and ts.isdigit()) or len(ts) > MAX_TS_CHARS or \
                abs(int(ts) / 1000 - st.clock.now()) > 3600:
            return _errcode(310000, "invalid timestamp")
        if not sign or not dingtalk_sign_ok(st.dingtalk_secret, ts, sign):
            return _errcode(310000, "sign not match")
    return None


@describe(query={"access_token": {"type": "string"}, "timestamp": {"type": "string"},
                 "sign": {"type": "string"}}, body=ROBOT_BODY)
async def dingtalk(request: Request) -> Response:
    """DingTalk custom robot: {"msgtype":"text","text":{"content"}} or markdown."""
    st = _sink(request)
    if (refused := _dingtalk_refusal(st, request)) is not None:
        return refused
    msgtype, text = robot_text(try_json(await read_body(request)))
    if text is None:
        return _errcode(40035, "缺少参数 json (body must carry msgtype and its content)")
    if st.dingtalk_keyword and st.dingtalk_keyword not in text:
        return _errcode(310000, "keywords not in content")
    if st.broken():
        return bad_gateway()
    token = request.query_params["access_token"]
    wait = st.gate("dingtalk", token)
    st.record("dingtalk", token, text, msgtype, wait is not None)
    if wait is not None:
        return _errcode(130101, "send too fast, exceed 20 times per minute")
    return _errcode(0, "ok")


@describe(query={"key": {"type": "string"}}, body=ROBOT_BODY)
async def wecom(request: Request) -> Response:
    """WeCom group robot: {"msgtype":"text","text":{"content"}} or markdown."""
    st = _sink(request)
    key = request.query_params.get("key", "")
    if not key:
        return _errcode(93000, "invalid webhook url, hint: key is missing")
    msgtype, text = robot_text(try_json(await read_body(request)))
    if text is None:
        return _errcode(40008, "invalid message type or empty content")
    if len(text.encode()) > WECOM_MAX:
        return _errcode(40058, f"content exceed max length {WECOM_MAX}")
    if st.broken():
        return bad_gateway()
    wait = st.gate("wecom", key)
    st.record("wecom", key, text, msgtype, wait is not None)
    if wait is not None:
        return _errcode(45009, "api freq out of limit")
    return _errcode(0, "ok")


def _tg_error(code: int, description: str, **extra: Any) -> Response:
    return JSONResponse({"ok": False, "error_code": code, "description": description, **extra},
                        status_code=code)


async def _tg_fields(request: Request) -> dict[str, Any] | None:
    """Query string merged with a JSON or form body; None when the JSON is unusable."""
    fields: dict[str, Any] = dict(request.query_params)
    body = await read_body(request)
    if "json" in request.headers.get("content-type", ""):
        data = try_json(body)
        if not isinstance(data, dict):
            return None
        fields.update(data)
    elif body:
        fields.update(parse_qsl(body.decode("utf-8", "replace")))
    return fields


@describe(query=TG_FIELDS, body={"type": "object", "properties": TG_FIELDS},
          form={"type": "object", "properties": TG_FIELDS})
async def telegram(request: Request) -> Response:
    """Telegram Bot API sendMessage (JSON, form or query string)."""
    st = _sink(request)
    fields = await _tg_fields(request)
    if fields is None:
        return _tg_error(400, "Bad Request: can't parse JSON body")
    chat, text = fields.get("chat_id"), fields.get("text")
    if not request.path_params["token"]:
        return _tg_error(401, "Unauthorized")
    if chat in (None, "") or isinstance(chat, dict | list | bool):
        return _tg_error(400, "Bad Request: chat_id is empty")
    if not isinstance(text, str) or not text.strip():
        return _tg_error(400, "Bad Request: message text is empty")
    if len(text) > TG_MAX:
        return _tg_error(400, "Bad Request: message is too long")
    if st.broken():
        return bad_gateway()
    mode = fields.get("parse_mode")
    wait = st.gate("telegram", str(chat))
    st.record("telegram", str(chat), text, mode if isinstance(mode, str) else None,
              wait is not None)
    if wait is not None:
        after = retry_after_scenario_s(wait, st.time_scale)
        return _tg_error(429, f"Too Many Requests: retry after {after}",
                         parameters={"retry_after": after})
    st.message_id += 1
    return JSONResponse({"ok": True, "result": {
        "message_id": st.message_id, "date": int(st.clock.now()), "text": text,
        "chat": {"id": chat, "type": "group"}}})

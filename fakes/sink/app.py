"""The IM/mail sink: DingTalk, Telegram and WeCom robot endpoints plus buyer mail.

Each endpoint answers like the real service, errors included (DingTalk and WeCom
reply HTTP 200 with an ``errcode``; Telegram uses HTTP status codes), and every
message — accepted or throttled — lands in the ledger with its wall time.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from fakes._common import Behaviour, Ledger, Streams, build_app, control_routes, json_error
from fakes.sink.knobs import KNOBS
from fakes.sink.robots import Throttle, dingtalk_sign_ok, retry_after_scenario_s, robot_text

BAD_GATEWAY = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
TG_MAX, WECOM_MAX = 4096, 2048


class SinkState:
    def __init__(self, seed: int, time_scale: float, startup: dict[str, Any],
                 dingtalk_secret: str | None = None, dingtalk_keyword: str | None = None) -> None:
        self.time_scale = time_scale
        self.dingtalk_secret = dingtalk_secret
        self.dingtalk_keyword = dingtalk_keyword
        self.behaviour = Behaviour(KNOBS, startup)
        self.ledger = Ledger("messages", "mails")
        self.rng = Streams(seed)
        self.throttle = Throttle()
        self.message_id = 0

    def reset(self) -> None:
        self.behaviour.reset()
        self.ledger.clear()
        self.rng.reset()
        self.throttle.clear()
        self.message_id = 0

    def stats(self) -> dict[str, Any]:
        throttled = sum(1 for m in self.ledger.items("messages") if m["throttled"])
        return {"throttled": throttled}

    def gate(self, channel: str, robot: str) -> float | None:
        """None when the message passes; else wall seconds to wait (throttled)."""
        b = self.behaviour
        if not b["throttle"]:
            return None
        penalty = b["dingtalk_penalty_s"] / self.time_scale if channel == "dingtalk" else 0.0
        return self.throttle.admit(f"{channel}:{robot}", time.time(), b["throttle_per_min"],
                                   60.0 / self.time_scale, penalty)

    def record(self, channel: str, robot: str, text: str, msgtype: str | None,
               throttled: bool) -> None:
        self.ledger.add("messages", {"channel": channel, "robot": robot, "text": text,
                                     "msgtype": msgtype, "at": time.time(),
                                     "throttled": throttled})


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw) if raw else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def make_routes(st: SinkState) -> list[BaseRoute]:
    def broken() -> Response | None:
        if st.rng.chance("errors", st.behaviour["error_rate"]):
            return Response(BAD_GATEWAY, status_code=502, media_type="text/html")
        return None

    async def dingtalk(request: Request) -> Response:
        """DingTalk custom robot: {"msgtype":"text","text":{"content"}} or markdown."""
        def reply(code: int, msg: str) -> Response:
            return JSONResponse({"errcode": code, "errmsg": msg})
        token = request.query_params.get("access_token", "")
        if not token:
            return reply(300001, "token is not exist")
        if st.dingtalk_secret:
            ts, sign = request.query_params.get("timestamp", ""), request.query_params.get("sign")
            if not ts.isdigit() or abs(int(ts) / 1000 - time.time()) > 3600:
                return reply(310000, "invalid timestamp")
            if not sign or not dingtalk_sign_ok(st.dingtalk_secret, ts, sign):
                return reply(310000, "sign not match")
        msgtype, text = robot_text(await _json_body(request))
        if text is None:
            return reply(40035, "缺少参数 json (body must carry msgtype and its content)")
        if st.dingtalk_keyword and st.dingtalk_keyword not in text:
            return reply(310000, "keywords not in content")
        if (down := broken()) is not None:
            return down
        wait = st.gate("dingtalk", token)
        st.record("dingtalk", token, text, msgtype, wait is not None)
        if wait is not None:
            return reply(130101, "send too fast, exceed 20 times per minute")
        return reply(0, "ok")

    async def wecom(request: Request) -> Response:
        """WeCom group robot: {"msgtype":"text","text":{"content"}} or markdown."""
        def reply(code: int, msg: str) -> Response:
            return JSONResponse({"errcode": code, "errmsg": msg})
        key = request.query_params.get("key", "")
        if not key:
            return reply(93000, "invalid webhook url, hint: key is missing")
        msgtype, text = robot_text(await _json_body(request))
        if text is None:
            return reply(40008, "invalid message type or empty content")
        if len(text.encode()) > WECOM_MAX:
            return reply(40058, f"content exceed max length {WECOM_MAX}")
        if (down := broken()) is not None:
            return down
        wait = st.gate("wecom", key)
        st.record("wecom", key, text, msgtype, wait is not None)
        if wait is not None:
            return reply(45009, "api freq out of limit")
        return reply(0, "ok")

    async def telegram(request: Request) -> Response:
        """Telegram Bot API sendMessage (JSON, form or query string)."""
        def bad(code: int, description: str, **extra: Any) -> Response:
            return JSONResponse({"ok": False, "error_code": code, "description": description,
                                 **extra}, status_code=code)
        fields: dict[str, Any] = dict(request.query_params)
        body = await request.body()
        if "json" in request.headers.get("content-type", ""):
            data = await _json_body(request)
            if not isinstance(data, dict):
                return bad(400, "Bad Request: can't parse JSON body")
            fields.update(data)
        elif body:
            fields.update(parse_qsl(body.decode("utf-8", "replace")))
        token, chat, text = request.path_params["token"], fields.get("chat_id"), fields.get("text")
        if not token:
            return bad(401, "Unauthorized")
        if chat in (None, ""):
            return bad(400, "Bad Request: chat_id is empty")
        if not isinstance(text, str) or not text.strip():
            return bad(400, "Bad Request: message text is empty")
        if len(text) > TG_MAX:
            return bad(400, "Bad Request: message is too long")
        if (down := broken()) is not None:
            return down
        wait = st.gate("telegram", str(chat))
        st.record("telegram", str(chat), text, fields.get("parse_mode"), wait is not None)
        if wait is not None:
            after = retry_after_scenario_s(wait, st.time_scale)
            return bad(429, f"Too Many Requests: retry after {after}",
                       parameters={"retry_after": after})
        st.message_id += 1
        return JSONResponse({"ok": True, "result": {
            "message_id": st.message_id, "date": int(time.time()), "text": text,
            "chat": {"id": chat, "type": "group"}}})

    async def mail(request: Request) -> Response:
        """Buyer mail: {"to","order_no","kind","subject","body","coupon"?} -> {"ok","id"}."""
        data = await _json_body(request)
        if not isinstance(data, dict):
            return json_error("body must be a JSON object {to, order_no, kind, subject, body}")
        for name in ("to", "kind"):
            if not isinstance(data.get(name), str) or not data[name]:
                return json_error(f"field {name!r} is required (non-empty string)", 422)
        if (down := broken()) is not None:
            return down
        item = st.ledger.add("mails", {**data, "at": time.time()})
        return JSONResponse({"ok": True, "id": st.ledger.count("mails"), "at": item["at"]})

    return [
        Route("/robot/send", dingtalk, methods=["POST"]),
        Route("/cgi-bin/webhook/send", wecom, methods=["POST"]),
        Route("/bot{token}/sendMessage", telegram, methods=["GET", "POST"]),
        Route("/mail/send", mail, methods=["POST"]),
    ]


def make_app(state: SinkState) -> Starlette:
    app = build_app("faka-drill fake IM/mail sink", [*make_routes(state),
                                                      *control_routes(state)])
    app.state.sink = state
    return app

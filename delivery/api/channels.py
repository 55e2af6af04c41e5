"""Admin API for the shop's channels: payment gateway, suppliers, alert robots, mail.

Why: a shop under drill is configured once through its back office, and a target
adapter (drill/targets/reference.py) points it at the drill's world the same way.
`GET /admin/channels` shows them (secrets masked); `PUT /admin/channels` (or POST) changes
any part, validated with errors in English and Chinese. A change is made in the running
service at once (the next order's pay URL and signature, the next supplier call, the
next alert) and written back into the service's config file, where the shop keeps its
settings, so it survives a restart. Other processes of a split deployment (`--role
worker`, `--processes N` siblings) follow the file within a second
(delivery/channel_watch.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from delivery.api.common import MAX_DEPTH, ApiError, ctx_of, json_depth, ok, read_body
from delivery.channel_watch import apply_channels, channel_part, with_channels
from delivery.config import Config
from delivery.ctx import mask

ALERT_CHANNELS = ("dingtalk", "telegram", "wecom")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class GatewayIn(_In):
    url: str | None = None  # how the shop's server reaches the gateway (query, refunds)
    public_url: str | None = None  # the cashier buyers are sent to (submit.php)
    pid: str | None = Field(None, max_length=32)
    key: str | None = Field(None, max_length=128)


class SupplierIn(_In):
    url: str | None = None
    api_key: str | None = Field(None, max_length=128)
    api_secret: str | None = Field(None, max_length=128)


class SmtpIn(_In):
    host: str = Field(min_length=1, max_length=255)
    port: int = Field(ge=1, le=65535, strict=True)


class ChannelsIn(_In):
    # an empty change is refused (400): the OpenAPI schema says so
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              json_schema_extra={"minProperties": 1})

    gateway: GatewayIn | None = None
    public_base_url: str | None = None  # the shop as the gateway sees it: notify + return URL
    suppliers: dict[str, SupplierIn] | None = None
    alerts: dict[str, str | None] | None = None  # robot webhook URL; null turns one off
    buyer_mail_url: str | None = None  # "" turns the HTTP mail endpoint off
    smtp: SmtpIn | None = None


def _url_problem(value: str) -> tuple[str, str] | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        return ("must be an http(s) URL with a host, e.g. http://127.0.0.1:47000",
                "必须是带主机名的 http(s) 地址, 例如 http://127.0.0.1:47000")
    if len(value) > 500:
        return "is longer than 500 characters", "超过 500 个字符"
    return None


def _problems(body: ChannelsIn) -> list[tuple[str, str, str]]:
    """(field, English, Chinese) for every value the shop cannot use."""
    urls: list[tuple[str, str | None]] = [("public_base_url", body.public_base_url)]
    out: list[tuple[str, str, str]] = []
    if body.gateway is not None:
        g = body.gateway
        urls += [("gateway.url", g.url), ("gateway.public_url", g.public_url)]
        if g.pid is not None and not (g.pid and g.pid.isalnum()):
            out.append(("gateway.pid", "must be the merchant id: letters and digits",
                        "必须是商户号: 字母或数字"))
        if g.key is not None and (not g.key or any(c.isspace() for c in g.key)):
            out.append(("gateway.key", "must be the merchant key, without spaces",
                        "必须是商户密钥, 不能含空格"))
    for name, s in (body.suppliers or {}).items():
        if name not in ("primary", "backup"):
            out.append((f"suppliers.{name}", "unknown supplier: use primary or backup",
                        "未知的供应商: 只能是 primary 或 backup"))
        urls.append((f"suppliers.{name}.url", s.url))
        for k in ("api_key", "api_secret"):
            v = getattr(s, k)
            if v is not None and (not v or any(c.isspace() for c in v)):
                out.append((f"suppliers.{name}.{k}", "must be non-empty, without spaces",
                            "不能为空, 不能含空格"))
    for ch, url in (body.alerts or {}).items():
        if ch not in ALERT_CHANNELS:
            out.append((f"alerts.{ch}", f"unknown robot: use {', '.join(ALERT_CHANNELS)}",
                        f"未知的机器人: 只能是 {', '.join(ALERT_CHANNELS)}"))
        urls.append((f"alerts.{ch}", url))
    if body.buyer_mail_url:
        urls.append(("buyer_mail_url", body.buyer_mail_url))
    out += [(where, *p) for where, v in urls if v is not None
            for p in [_url_problem(v)] if p is not None]
    return out


def _refusal(problems: list[tuple[str, str, str]]) -> ApiError:
    en = "; ".join(f"{w}: {e}" for w, e, _z in problems)
    zh = "; ".join(f"{w}: {z}" for w, _e, z in problems)
    return ApiError(422, f"invalid channels: {en} (fix these fields and PUT again) / "
                         f"渠道设置无效: {zh} (请修改这些字段后重新提交)")


async def _parse(request: Request) -> ChannelsIn:
    raw = await read_body(request)
    if json_depth(raw) > MAX_DEPTH:
        raise ApiError(400, f"JSON nested deeper than {MAX_DEPTH} levels / JSON 嵌套过深")
    try:
        data = json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"malformed JSON body: {exc} / 请求体不是合法的 JSON") from exc
    if not isinstance(data, dict) or not data:
        raise ApiError(400, "the body must be a JSON object with at least one of "
                            f"{', '.join(ChannelsIn.model_fields)} / 请求体必须是 JSON 对象, "
                            "并至少包含一个渠道字段")
    try:
        body = ChannelsIn.model_validate(data)
    except ValidationError as exc:
        where = [(".".join(str(p) for p in e["loc"]) or "body",
                  "unknown field" if e["type"] == "extra_forbidden" else e["msg"],
                  "未知字段" if e["type"] == "extra_forbidden" else "类型或取值不对")
                 for e in exc.errors()]
        raise _refusal(where) from exc
    problems = _problems(body)
    if problems:
        raise _refusal(problems)
    return body


def _merged(cfg: Config, body: ChannelsIn) -> dict[str, Any]:
    """The channel part of the config after the change (config-file shape)."""
    out = channel_part(cfg)
    if body.gateway is not None:
        g = body.gateway.model_dump(exclude_none=True)
        public = g.pop("public_url", None)
        out["gateway"] = {**out["gateway"], **g}
        out["gateway_public_url"] = public or out["gateway_public_url"]
    if body.public_base_url is not None:
        out["public_base_url"] = body.public_base_url
    for name, s in (body.suppliers or {}).items():
        have = out["suppliers"].get(name)
        given = s.model_dump(exclude_none=True)
        if have is None and "url" not in given:
            raise _refusal([(f"suppliers.{name}.url", "a new supplier needs its url",
                             "新增供应商必须填写 url")])
        out["suppliers"] = {**out["suppliers"], name: {**(have or {}), **given}}
    if body.alerts is not None:
        out["alerts"] = {**out["alerts"], **body.alerts}
    if body.buyer_mail_url is not None:
        out["buyer_mail_url"] = body.buyer_mail_url or None
    if body.smtp is not None:
        out["smtp"] = {**(out["smtp"] or {}), **body.smtp.model_dump()}
    return out


def _persist(path: str | None, channels: dict[str, Any]) -> str | None:
    """Write the channel keys into the config file (atomically); the path, or None."""
    if not path:
        return None
    p = Path(path)
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
        doc = {**raw, **channels} if isinstance(raw, dict) else channels
        tmp = p.with_name(p.name + ".channels.tmp")
        tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, p)
    except (OSError, ValueError) as exc:
        raise ApiError(500, f"channels applied in memory but not saved to {p}: {exc}; fix "
                            f"the file's permissions and PUT again / 渠道已生效但未能写入配置"
                            f"文件 {p}: 请检查文件权限后重新提交") from exc
    return str(p)


def view(cfg: Config) -> dict[str, Any]:
    """The channels as the back office shows them: secrets masked."""
    base = cfg.public_base_url.rstrip("/")
    smtp = cfg.smtp
    return {
        "gateway": {"url": cfg.gateway.url, "public_url": cfg.pay_base, "pid": cfg.gateway.pid,
                    "key": mask(cfg.gateway.key)},
        "public_base_url": cfg.public_base_url,
        "notify_url": base + "/notify/epay",
        "return_url": base + "/api/orders/{order_no}",
        "suppliers": {n: {"url": s.url, "api_key": s.api_key, "api_secret": mask(s.api_secret)}
                      for n, s in cfg.suppliers.items()},
        "alerts": cfg.alerts.model_dump(),
        "buyer_mail_url": cfg.buyer_mail_url,
        "smtp": None if smtp is None else {"host": smtp.host, "port": smtp.port},
    }


async def get_channels(request: Request) -> Response:
    return ok(view(ctx_of(request).cfg))


async def put_channels(request: Request) -> Response:
    ctx = ctx_of(request)
    body = await _parse(request)
    channels = _merged(ctx.cfg, body)
    try:
        cfg = with_channels(ctx.cfg, channels)
    except ValidationError as exc:
        raise _refusal([(".".join(str(p) for p in e["loc"]), e["msg"], "取值不对")
                        for e in exc.errors()]) from exc
    # no await from the merge to here: one change at a time
    apply_channels(ctx, request.app.state.worker, cfg)
    saved = _persist(getattr(request.app.state, "config_path", None), channels)
    return ok({**view(ctx.cfg), "saved_to": saved})


ROUTES = [
    Route("/admin/channels", get_channels, methods=["GET"]),
    Route("/admin/channels", put_channels, methods=["PUT", "POST"]),  # POST: form-only clients
]

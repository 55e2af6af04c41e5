"""Buyer mail into the ``mails`` ledger, over HTTP (POST /mail/send) or SMTP.

Both paths write the same ledger with ``via`` saying which one: HTTP entries
keep the posted JSON fields; SMTP entries carry the envelope, headers, the
decoded text body and the attachments' names (see `record_smtp_mail`).
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage, Message
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakes._common import describe, json_error, read_body, try_json
from fakes.sink.robot_routes import bad_gateway
from fakes.sink.state import SinkState

MAIL_BODY: dict[str, Any] = {"type": "object", "properties": {
    "to": {"type": "string"}, "order_no": {"type": "string"}, "kind": {"type": "string"},
    "subject": {"type": "string"}, "body": {"type": "string"}, "coupon": {"type": "string"}}}
KIND_HEADER, ORDER_HEADER = "X-Mail-Kind", "X-Order-No"  # as the reference shop sends them


@describe(body=MAIL_BODY)
async def send_mail(request: Request) -> Response:
    """Buyer mail: {"to","order_no","kind","subject","body","coupon"?} -> {"ok","id"}."""
    st: SinkState = request.app.state.sink
    data = try_json(await read_body(request))
    if not isinstance(data, dict):
        return json_error("body must be a JSON object {to, order_no, kind, subject, body}")
    for name in ("to", "kind"):
        if not isinstance(data.get(name), str) or not data[name]:
            return json_error(f"field {name!r} is required (non-empty string)", 422)
    if st.broken():
        return bad_gateway()
    item = st.ledger.add("mails", {**data, "via": "http", "at": st.clock.now()})
    return JSONResponse({"ok": True, "id": st.ledger.count("mails"), "at": item["at"]})


def _clean(text: object) -> str:
    """A JSON-safe str: raw non-UTF-8 bytes (surrogate escapes) become "?"."""
    return str(text).encode("utf-8", "replace").decode("utf-8")


def _parse(content: bytes) -> Message:
    try:
        return email.message_from_bytes(content, policy=email.policy.default)
    except Exception:  # a hostile message must not stop the relay: fall back to compat32
        return email.message_from_bytes(content)


def _text_body(msg: Message) -> str:
    """The text/plain part (else text/html) decoded, with SMTP's CRLF line ends as LF."""
    return _decoded_text(msg).replace("\r\n", "\n")


def _decoded_text(msg: Message) -> str:
    try:
        if isinstance(msg, EmailMessage):
            part = msg.get_body(preferencelist=("plain", "html"))
            if part is not None:
                return _clean(part.get_content())
        payload = msg.get_payload(decode=True)
        return _clean(payload.decode("utf-8", "replace") if isinstance(payload, bytes) else "")
    except Exception:  # undecodable charset or broken transfer encoding
        raw = msg.get_payload()
        return _clean(raw if isinstance(raw, str) else "")


def _attachments(msg: Message) -> list[str]:
    if not isinstance(msg, EmailMessage):
        return []
    try:
        return [_clean(part.get_filename() or "") for part in msg.iter_attachments()]
    except Exception:  # a malformed MIME tree still delivers; names then unknown
        return []


def _headers(msg: Message) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        for name, value in msg.items():
            key = _clean(name)
            out[key] = f"{out[key]}\n{_clean(value)}" if key in out else _clean(value)
    except Exception:  # an unparsable header line: keep what was read
        pass
    return out


def record_smtp_mail(st: SinkState, mail_from: str, rcpt_tos: list[str],
                     content: bytes) -> dict[str, Any]:
    """Add one mail received over SMTP to the ``mails`` ledger and return the entry."""
    msg = _parse(content)
    headers = _headers(msg)
    rcpts = [_clean(r) for r in rcpt_tos]
    return st.ledger.add("mails", {
        "via": "smtp", "mail_from": _clean(mail_from), "rcpt_tos": rcpts,
        "to": ", ".join(rcpts), "subject": headers.get("Subject", ""),
        "kind": headers.get(KIND_HEADER), "order_no": headers.get(ORDER_HEADER),
        "headers": headers, "body": _text_body(msg), "attachments": _attachments(msg),
        "size": len(content), "at": st.clock.now()})

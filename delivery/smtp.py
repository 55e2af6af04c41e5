"""Mail over SMTP (stdlib smtplib, run in a thread so the event loop never blocks).

`send` returns what the outbox must do with the job: `sent`, `retry` (4xx reply,
the relay greylists or is busy; connection refused, dropped or timed out) or
`failed` (5xx: the relay refused the mail for good; retrying would not help).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Literal

from delivery.config import Smtp

Verdict = Literal["sent", "retry", "failed"]


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    why: str  # the relay's reply or the network error, for the log


def payload(to: list[str], subject: str, body: str, **meta: Any) -> dict[str, Any]:
    """The outbox payload of one mail (stored as JSON in the jobs table)."""
    return {"smtp": {"to": to, "subject": subject, "body": body, **meta}}


def message(cfg: Smtp, mail: dict[str, Any]) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = cfg.sender
    msg["To"] = ", ".join(mail["to"])
    msg["Subject"] = mail["subject"]
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=cfg.sender.rpartition("@")[2] or "localhost")
    if mail.get("order_no"):
        msg["X-Order-No"] = str(mail["order_no"])
    if mail.get("kind"):
        msg["X-Mail-Kind"] = str(mail["kind"])
    msg.set_content(mail["body"], charset="utf-8")
    return msg


def _by_code(code: int, text: str) -> Outcome:
    return Outcome("failed" if 500 <= code < 600 else "retry", f"SMTP {code} {text}"[:300])


def _reply(exc: smtplib.SMTPResponseException) -> Outcome:
    err = exc.smtp_error
    text = err.decode("utf-8", "replace") if isinstance(err, bytes) else str(err)
    return _by_code(exc.smtp_code, text)


def _refused(exc: smtplib.SMTPRecipientsRefused) -> Outcome:
    """Every recipient refused: retry if any refusal was temporary, else failed."""
    outcomes = [_by_code(code, f"{rcpt}: {text!r}") for rcpt, (code, text) in
                exc.recipients.items()]
    retry = [o for o in outcomes if o.verdict == "retry"]
    return retry[0] if retry else outcomes[0]


def send(cfg: Smtp, mail: dict[str, Any]) -> Outcome:
    """Deliver one mail to the relay (blocking: call through asyncio.to_thread)."""
    msg = message(cfg, mail)
    try:
        with smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_s) as client:
            if cfg.starttls:
                client.starttls(context=ssl.create_default_context())
            if cfg.username:
                client.login(cfg.username, cfg.password or "")
            refused = client.send_message(msg, from_addr=cfg.sender, to_addrs=mail["to"])
    except smtplib.SMTPRecipientsRefused as exc:
        return _refused(exc)
    except smtplib.SMTPResponseException as exc:
        return _reply(exc)
    except (smtplib.SMTPException, OSError) as exc:  # refused, dropped, timed out
        return Outcome("retry", f"{type(exc).__name__}: {exc}"[:300])
    if refused:
        return Outcome("sent", f"accepted, refused for {sorted(refused)}")
    return Outcome("sent", "250 accepted")

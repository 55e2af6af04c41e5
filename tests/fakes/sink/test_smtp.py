"""Mail over SMTP: envelope, headers, decoded body and attachment names in the ledger;
greylisting (451), refusal (554) and slow DATA as behaviour knobs.

In-process: the sink app on its own loop thread (tests.fakes._inprocess.AppThread)
serves SMTP from its lifespan on a port-0 socket; one test runs against a real
``python -m fakes.sink`` and its READY line.
"""

from __future__ import annotations

import smtplib
import socket
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.sink import SinkState, make_app
from runtime import ManagedProcess
from runtime.serve import bind_socket
from tests.fakes._inprocess import AppThread

SCALE = 600.0


class Sink:
    def __init__(self, client: AppThread, smtp_port: int) -> None:
        self.client = client
        self.smtp_port = smtp_port

    def behave(self, **knobs: Any) -> None:
        assert self.client.put("/_fake/behaviour", json=knobs).status_code == 200

    def ledger(self, kind: str) -> list[dict[str, Any]]:
        return list(self.client.get("/_fake/ledger", params={"kind": kind}).json()["items"])


@pytest.fixture
def sink() -> Iterator[Sink]:
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    with AppThread(make_app(SinkState(3, SCALE, {}), sock)) as client:
        yield Sink(client, port)


def delivery_mail(order_no: str = "O-1") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "shop@example.com"
    msg["To"] = "buyer@example.com"
    msg["Subject"] = "您的订单已发货 / delivered"
    msg["X-Mail-Kind"] = "delivery"
    msg["X-Order-No"] = order_no
    msg.set_content("卡密 / your key: XAAAA-BBBB\n")
    msg.add_attachment(b"XAAAA-BBBB\n", maintype="text", subtype="plain",
                       filename="keys.txt")
    return msg


def send(port: int, msg: EmailMessage, timeout: float = 10.0) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=timeout) as smtp:
        smtp.send_message(msg)


def test_a_mail_is_recorded_with_envelope_headers_body_and_attachments(sink: Sink) -> None:
    send(sink.smtp_port, delivery_mail())
    (item,) = sink.ledger("mails")
    assert item["via"] == "smtp"
    assert item["mail_from"] == "shop@example.com" and item["rcpt_tos"] == ["buyer@example.com"]
    assert item["subject"] == "您的订单已发货 / delivered"
    assert item["kind"] == "delivery" and item["order_no"] == "O-1"
    assert item["headers"]["To"] == "buyer@example.com"
    assert item["body"] == "卡密 / your key: XAAAA-BBBB\n"
    assert item["attachments"] == ["keys.txt"]
    assert sink.client.get("/_fake/stats").json()["smtp_mails"] == 1


def test_the_http_mail_endpoint_still_works_next_to_smtp(sink: Sink) -> None:
    send(sink.smtp_port, delivery_mail())
    sink.client.post("/mail/send", json={"to": "b@x", "kind": "delay_notice"})
    assert [m["via"] for m in sink.ledger("mails")] == ["smtp", "http"]


def test_greylisting_refuses_a_senders_first_attempt_with_451(sink: Sink) -> None:
    sink.behave(smtp_greylist=True)
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        send(sink.smtp_port, delivery_mail("G-1"))
    assert refused.value.smtp_code == 451
    assert sink.ledger("mails") == []
    send(sink.smtp_port, delivery_mail("G-1"))  # the retry passes
    send(sink.smtp_port, delivery_mail("G-2"))  # and the sender stays let through
    assert [m["order_no"] for m in sink.ledger("mails")] == ["G-1", "G-2"]
    (refusal,) = sink.ledger("smtp_refusals")
    assert refusal["code"] == 451 and refusal["stage"] == "mail"
    assert refusal["mail_from"] == "shop@example.com"


def test_a_greylisted_retry_too_soon_is_refused_again(sink: Sink) -> None:
    sink.behave(smtp_greylist=True, smtp_greylist_s=86_400.0)
    for _ in range(2):
        with pytest.raises(smtplib.SMTPSenderRefused):
            send(sink.smtp_port, delivery_mail())
    assert len(sink.ledger("smtp_refusals")) == 2 and sink.ledger("mails") == []


def test_smtp_reject_refuses_after_data_with_554(sink: Sink) -> None:
    sink.behave(smtp_reject=1.0)
    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(sink.smtp_port, delivery_mail())
    assert refused.value.smtp_code == 554
    assert sink.ledger("mails") == []
    assert [r["stage"] for r in sink.ledger("smtp_refusals")] == ["data"]


def test_slow_data_holds_the_final_answer(sink: Sink) -> None:
    sink.behave(smtp_data_delay_s=1800.0)  # 3 s of wall time at scale 600
    with pytest.raises((TimeoutError, smtplib.SMTPServerDisconnected)):
        send(sink.smtp_port, delivery_mail("S-1"), timeout=0.5)
    # the relay had the mail: a client that gave up and retries sends it twice
    assert [m["order_no"] for m in sink.ledger("mails")] == ["S-1"]
    sink.behave(smtp_data_delay_s=30.0)  # 0.05 s: a patient client gets its 250
    send(sink.smtp_port, delivery_mail("S-2"))
    assert [m["order_no"] for m in sink.ledger("mails")] == ["S-1", "S-2"]


def test_garbage_after_data_is_still_recorded_not_a_crash(sink: Sink) -> None:
    raw = b"Subject: =?bogus?Q?x?=\r\nContent-Type: text/plain; charset=nope\r\n\r\n\xff\xfe body"
    with smtplib.SMTP("127.0.0.1", sink.smtp_port, timeout=10) as smtp:
        smtp.sendmail("a@x", ["b@x"], raw)
    (item,) = sink.ledger("mails")
    assert "body" in item["body"]
    assert sink.client.get("/_fake/ledger", params={"kind": "mails"}).status_code == 200


def test_a_real_sink_reports_its_smtp_port_in_ready_and_greylists() -> None:
    root = Path(__file__).resolve().parents[3]
    proc = ManagedProcess("sink-smtp", [sys.executable, "-m", "fakes.sink", "--port", "0",
                                        "--time-scale", "600"], cwd=root)
    proc.start()
    try:
        port = int(proc.ready["smtp_port"])
        assert port != proc.port
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            assert raw.recv(100).startswith(b"220 ")
        send(port, delivery_mail("R-1"))
        items = httpx.get(proc.url + "/_fake/ledger", params={"kind": "mails"}).json()["items"]
        assert [(m["via"], m["order_no"], m["attachments"]) for m in items] == [
            ("smtp", "R-1", ["keys.txt"])]
        httpx.put(proc.url + "/_fake/behaviour", json={"smtp_greylist": True}).raise_for_status()
        late = delivery_mail("R-2")
        late.replace_header("From", "alerts@example.com")
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            send(port, late)
        assert refused.value.smtp_code == 451
        send(port, late)
        stats = httpx.get(proc.url + "/_fake/stats").json()
        assert stats["smtp_mails"] == 2 and stats["ledger"]["smtp_refusals"] == 1
    finally:
        proc.stop()

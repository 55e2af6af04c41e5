"""Mail over SMTP against a real relay (aiosmtpd on 127.0.0.1): the buyer's delivery mail
and delay notice, the admin's alert mail; a 4xx is retried, a 5xx recorded as failed."""

from __future__ import annotations

import asyncio
import email
import logging
import threading
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.delivery.conftest import base_config, notify_params
from tests.delivery.inproc import shop
from tests.waiting import wait_until


class Relay:
    """aiosmtpd handler: records every mail; refuses RCPT with the replies queued in
    `refuse` (one per attempt) or, for addresses in `reject`, always with that reply."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.rcpt_attempts: dict[str, int] = {}
        self.refuse: list[str] = []
        self.reject: dict[str, str] = {}
        self.in_data = threading.Event()  # a DATA phase has begun
        self.release = threading.Event()  # DATA answers only once this is set
        self.release.set()

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        self.rcpt_attempts[address] = self.rcpt_attempts.get(address, 0) + 1
        if address in self.reject:
            return self.reject[address]
        if self.refuse:
            return self.refuse.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.in_data.set()
        while not self.release.is_set():  # a slow relay (the relay's own loop keeps running)
            await asyncio.sleep(0.01)
        assert isinstance(envelope.content, bytes)
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.mails.append(msg)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 OK: queued"

    def of_kind(self, kind: str) -> list[EmailMessage]:
        return [m for m in self.mails if m["X-Mail-Kind"] == kind]


class LoopbackController(Controller):
    """Listens on an ephemeral port of 127.0.0.1 (aiosmtpd's readiness probe needs it)."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def relay() -> Iterator[tuple[Relay, int]]:
    handler = Relay()
    ctl = LoopbackController(handler, hostname="127.0.0.1", port=0)
    ctl.start()
    try:
        yield handler, ctl.port
    finally:
        ctl.stop()


def smtp_config(port: int) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": port, "from": "shop@example.com",
            "admin_to": "ops@example.com", "starttls": False, "timeout_s": 5}


def body(msg: EmailMessage) -> str:
    part = msg.get_body()
    assert part is not None
    return str(part.get_content())


def test_delivery_mail_has_the_order_number_and_the_code(
        tmp_path: Path, relay: tuple[Relay, int]) -> None:
    mails, port = relay
    with shop(tmp_path, smtp=smtp_config(port)) as s:
        s.import_keys(["STEAM-CODE-42"])
        o = s.order(contact="buyer@example.com")
        assert s.pay(o).text == "success"
        [msg] = wait_until(lambda: mails.of_kind("delivery"), timeout=10, what="delivery mail")
        assert mails.envelopes[0] == ("shop@example.com", ["buyer@example.com"])
        assert msg["To"] == "buyer@example.com" and msg["From"] == "shop@example.com"
        assert msg["Subject"] == f"您的订单已发货 (订单号:{o['order_no']})"
        assert msg["X-Order-No"] == o["order_no"]
        text = body(msg)
        assert o["order_no"] in text and "STEAM-CODE-42" in text


def test_delay_notice_and_admin_alert_mail(tmp_path: Path, relay: tuple[Relay, int]) -> None:
    mails, port = relay
    notice = {"delay_after_s": 600, "locale": "en", "coupon": "SORRY-5"}
    with shop(tmp_path, smtp=smtp_config(port), buyer_notice=notice,
              risk={"mode": "review", "max_amount": "10.00"}) as s:
        s.import_keys(["K-1", "K-2"])
        held, rejected = s.order(contact="slow@example.com"), s.order()
        s.pay(held, "T-1")
        s.pay(rejected, "T-2")
        assert s.status(held)["status"] == "review"
        s.admin("POST", f"/admin/orders/{rejected['order_no']}/review", json={"approve": False})
        [alert] = wait_until(lambda: mails.of_kind("alert"), timeout=10, what="alert mail")
        assert alert["To"] == "ops@example.com"
        assert alert["Subject"] == "[faka-alert] rule=refund_needed severity=warning"
        assert rejected["order_no"] in body(alert)
        assert mails.of_kind("delay_notice") == []
        s.clock.advance(601)  # ten scenario minutes pass without a sleep
        notices = wait_until(lambda: mails.of_kind("delay_notice"), timeout=10,
                             what="delay notice")
        [msg] = [m for m in notices if m["To"] == "slow@example.com"]
        assert msg["Subject"] == f"Your order {held['order_no']} is being processed"
        text = body(msg)
        assert held["order_no"] in text and "within 10 minutes" in text and "SORRY-5" in text


def test_4xx_is_retried_and_5xx_recorded_as_failed(
        tmp_path: Path, relay: tuple[Relay, int], caplog: pytest.LogCaptureFixture) -> None:
    mails, port = relay
    mails.refuse = ["451 4.7.1 Greylisted, please try again later"]
    mails.reject = {"gone@example.com": "550 5.1.1 No such user"}
    with shop(tmp_path, smtp={**smtp_config(port), "admin_to": None}) as s, \
            caplog.at_level(logging.WARNING, logger="delivery"):
        s.import_keys(["K-1", "K-2", "K-3"])
        first = s.order(contact="buyer@example.com")
        s.pay(first)
        wait_until(lambda: mails.rcpt_attempts.get("buyer@example.com"), timeout=10,
                   what="the first, greylisted attempt")
        assert mails.mails == []

        def later() -> list[EmailMessage]:  # business time runs 100x while we wait
            s.clock.advance(5)
            return mails.of_kind("delivery")
        wait_until(later, timeout=10, what="the mail after the backoff (2 s after one try)")
        assert mails.rcpt_attempts["buyer@example.com"] == 2
        gone = s.order(contact="gone@example.com")
        s.pay(gone)
        wait_until(lambda: [m for m in caplog.messages if "failed for good" in m],
                   timeout=10, what="the 5xx logged")
        [line] = [m for m in caplog.messages if "failed for good" in m]
        assert gone["order_no"] in line and "SMTP 550" in line and "No such user" in line
        s.clock.advance(3600)  # no retry however long we wait for it
        late = s.order(contact="late@example.com")
        s.pay(late)
        wait_until(lambda: len(mails.of_kind("delivery")) == 2, timeout=10,
                   what="a later mail (the outbox passed again)")
        assert mails.rcpt_attempts["gone@example.com"] == 1


def test_a_slow_relay_does_not_stall_the_service(tmp_path: Path,
                                                 relay: tuple[Relay, int]) -> None:
    """SMTP runs in a thread: while the relay sits on DATA (and the client would wait up
    to its 60 s timeout), the API still answers and the worker still delivers."""
    mails, port = relay
    mails.release.clear()
    with shop(tmp_path, smtp={**smtp_config(port), "timeout_s": 60}) as s:
        s.import_keys(["K-1", "K-2"])
        first = s.order()
        s.pay(first)
        assert mails.in_data.wait(timeout=10), "the delivery mail never reached DATA"
        done: list[dict[str, object]] = []

        def buy_and_pay() -> None:
            second = s.order()
            assert s.pay(second).text == "success"
            done.append(wait_until(lambda: s.status(second)["delivered"] and second,
                                   timeout=10, what="second delivered"))
        buyer = threading.Thread(target=buy_and_pay, daemon=True)
        buyer.start()
        buyer.join(timeout=15)
        stalled = not done
        mails.release.set()  # let the relay (and a stalled loop, if any) go on
        assert not stalled, "the service stalled while an SMTP send was in flight"
        wait_until(lambda: len(mails.of_kind("delivery")) == 2, timeout=10, what="both mails")


def test_real_process_mails_over_smtp(db_url: str, service_factory: Any,
                                      relay: tuple[Relay, int]) -> None:
    """`python -m delivery` with an `smtp` section (SQLite and PostgreSQL)."""
    mails, port = relay
    svc = service_factory(base_config(db_url, smtp=smtp_config(port),
                                      buyer_notice={"locale": "en"}))
    [code] = svc.import_keys(1)
    o = svc.order(contact="proc@example.com")
    r = svc.http.get("/notify/epay", params=notify_params(o["order_no"], o["amount"]))
    assert r.text == "success"
    [msg] = wait_until(lambda: mails.of_kind("delivery"), timeout=10, what="delivery mail")
    assert msg["To"] == "proc@example.com"
    assert msg["Subject"] == f"Your order {o['order_no']} has been delivered"
    assert code in body(msg) and o["order_no"] in body(msg)

"""The sink's SMTP face: a relay on 127.0.0.1 that records every mail and can misbehave.

aiosmtpd speaks the protocol; `RelayHandler` decides like a real relay would,
from the sink's behaviour knobs: greylisting (451 at MAIL FROM for a sender's
first attempt), permanent refusal (554 after DATA), slow DATA (a delay before
the final answer). Accepted mails go to the ``mails`` ledger (``via: smtp``),
refusals to ``smtp_refusals``. It runs on the web server's own event loop.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from fakes.sink.mail import record_smtp_mail
from fakes.sink.state import SinkState

MAX_MAIL_BYTES = 10 * 1024 * 1024
HOSTNAME = "sink.faka-drill.test"
GREYLISTED = "451 4.7.1 Greylisted, please try again later"
REJECTED = "554 5.7.1 Message rejected by policy"


class RelayHandler:
    """aiosmtpd handler hooks (``handle_MAIL``, ``handle_DATA``) over a `SinkState`."""

    def __init__(self, state: SinkState) -> None:
        self.state = state

    def _refuse(self, stage: str, reply: str, mail_from: str, rcpt_tos: list[str]) -> str:
        self.state.ledger.add("smtp_refusals", {
            "via": "smtp", "stage": stage, "reply": reply, "code": int(reply[:3]),
            "mail_from": mail_from, "rcpt_tos": list(rcpt_tos), "at": self.state.clock.now()})
        return reply

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, mail_options: list[str]) -> str:
        if self.state.greylisted(address):
            return self._refuse("mail", GREYLISTED, address, [])
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Decide, record, then (slow DATA) wait before answering, as a relay that queued
        the mail but is slow to say so: a client that gives up has still sent it."""
        st = self.state
        mail_from = str(envelope.mail_from or "")
        rcpts = [str(r) for r in envelope.rcpt_tos]
        if st.rng.chance("smtp", st.behaviour["smtp_reject"]):
            reply = self._refuse("data", REJECTED, mail_from, rcpts)
        else:
            item = record_smtp_mail(st, mail_from, rcpts, envelope.original_content or b"")
            reply = f"250 OK queued as {st.ledger.count('mails')} ({item['size']} bytes)"
        delay = st.wall(st.behaviour["smtp_data_delay_s"])
        if delay > 0:
            await asyncio.sleep(delay)
        return reply


def smtp_factory(state: SinkState) -> Any:
    """A protocol factory for `loop.create_server`: one aiosmtpd `SMTP` per connection."""
    handler = RelayHandler(state)

    def build() -> SMTP:
        return SMTP(handler, hostname=HOSTNAME, data_size_limit=MAX_MAIL_BYTES,
                    enable_SMTPUTF8=True, decode_data=False, timeout=60)
    return build


async def start_smtp(state: SinkState, sock: socket.socket) -> asyncio.Server:
    """Serve SMTP on an already bound, listening socket (port 0 works; see READY)."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(smtp_factory(state), sock=sock)

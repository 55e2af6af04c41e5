"""Scenario -> the shop's config: SMTP only when the scenario mails over SMTP."""

from __future__ import annotations

from drill.scenario import Product, Scenario, SinkSpec
from drill.stack.service_config import ServiceUrls, service_config

URLS = ServiceUrls(public_base_url="http://127.0.0.1:1", gateway_query_url="http://127.0.0.1:2",
                   gateway_public_url="http://127.0.0.1:3", im_url="http://127.0.0.1:4")


def scenario(smtp: bool) -> Scenario:
    return Scenario(title="t", catalogue=(Product(id="steam-50"),), sink=SinkSpec(smtp=smtp))


def test_smtp_goes_into_the_config_through_its_link() -> None:
    urls = ServiceUrls(**{**URLS.__dict__, "smtp": "127.0.0.1:2525"})
    cfg = service_config(scenario(True), urls)
    assert cfg["smtp"] == {"host": "127.0.0.1", "port": 2525, "from": "shop@drill.example",
                           "admin_to": "ops@drill.example", "starttls": False, "timeout_s": 5}
    assert cfg["buyer_mail_url"].endswith("/mail/send")   # the HTTP path stays for the rest


def test_no_smtp_unless_asked() -> None:
    assert "smtp" not in service_config(scenario(False), URLS)

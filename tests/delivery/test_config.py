"""The service config refuses what it cannot run with, naming the key: unknown keys,
non-finite numbers, a bad `smtp` section; `smtp.from` is the sender address."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from delivery.config import ConfigError, load_config


@pytest.mark.parametrize(("doc", "needle"), [
    ('{"time_scale": NaN}', "time_scale: Input should be a finite number"),
    ('{"monitor": {"every_s": Infinity}}', "monitor.every_s: Input should be a finite number"),
    ('{"products": [{"id": "p", "name": "P", "price": "NaN"}]}', "products.0.price"),
    ('{"risk": {"max_amount": "Infinity"}}', "risk.max_amount"),
    ('{"smtp": {"port": 0}}', "smtp.port"),
    ('{"smtp": {"timeout_s": 1e999}}', "smtp.timeout_s"),
    ('{"smtp": {"sender": "x@y.z", "relay": 1}}', "smtp.relay: unknown key"),
    ('{"surprise": 1}', "surprise: unknown key"),
])
def test_bad_values_are_refused_naming_the_key(tmp_path: Path, doc: str, needle: str) -> None:
    path = tmp_path / "cfg.json"
    path.write_text(doc)
    with pytest.raises(ConfigError, match="invalid config") as err:
        load_config(path)
    assert needle in str(err.value)


def test_smtp_section(tmp_path: Path) -> None:
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps({"smtp": {"host": "127.0.0.1", "port": 2525,
                                         "from": "shop@example.com",
                                         "admin_to": "ops@example.com"}}))
    smtp = load_config(path).smtp
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.sender, smtp.admin_to, smtp.starttls, smtp.timeout_s) \
        == ("127.0.0.1", 2525, "shop@example.com", "ops@example.com", False, 5.0)
    path.write_text("{}")
    assert load_config(path).smtp is None  # mail goes to buyer_mail_url, as before

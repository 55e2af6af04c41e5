"""A real drill whose shop mails over SMTP: delay notices read back from the sink's relay."""

from __future__ import annotations

import json
from pathlib import Path

from tests.drill.test_cli import harness


# A full delivery-delay drill, in the fast suite: issue 13 asks CI to run a drill whose delay
# notices go over SMTP. Each link also has a fast guard of its own: the SMTP port in the
# service config (stack/test_service_config.py::test_smtp_goes_into_the_config_through_its_link),
# the shop mailing delay notices and alerts over SMTP (delivery/test_smtp.py::
# test_delay_notice_and_admin_alert_mail), the sink's relay recording via=smtp
# (fakes/sink/test_smtp.py), and the buyer-notice check on literal records (drill/checks/).
def test_delivery_delay_notices_arrive_over_smtp(tmp_path: Path) -> None:
    r = harness("run", "delivery-delay", "--out", str(tmp_path), timeout=180)
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    run_dir = Path(r.stdout.strip().splitlines()[-1])
    config = json.loads((run_dir / "config" / "service.json").read_text())
    assert config["smtp"]["port"] > 0
    mails = [json.loads(line) for line in
             (run_dir / "ledgers" / "sink-mails.jsonl").read_text().splitlines()]
    notices = [m for m in mails if m["kind"] == "delay_notice"]
    assert notices and all(m["via"] == "smtp" and m["order_no"] for m in notices)
    assert any(m["kind"] == "alert" and "stuck_paid_orders" in m["subject"] for m in mails)
    summary = json.loads((run_dir / "summary.json").read_text())
    notice = next(c for c in summary["checks"] if c["id"] == "buyer-notice")
    assert notice["ok"] is True, notice

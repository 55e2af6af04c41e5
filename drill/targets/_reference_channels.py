"""The world as the reference shop's `POST /admin/channels` body, and what it answered.

Kept apart from reference.py so the adapter stays a list of steps. What is sent:
the payment channel always (server URL, cashier URL, pid, key); the shop's address
as the gateway calls it, the suppliers, the alert robots and the HTTP mail endpoint
when the world has them; SMTP only when the shop already mails over SMTP (otherwise
it keeps mailing through the HTTP endpoint, as the harness's own shop does).
"""

from __future__ import annotations

from typing import Any

from drill.targets._steps import StepFailed
from drill.targets._world import World


def channels_body(world: World, *, has_smtp: bool) -> dict[str, Any]:
    g = world.gateway
    body: dict[str, Any] = {"gateway": {"url": g.url, "public_url": g.buyer_url + "/",
                                        "pid": g.pid, "key": g.key}}
    if world.shop_url_for_gateway:
        body["public_base_url"] = world.shop_url_for_gateway.rstrip("/")
    if world.suppliers:
        body["suppliers"] = {n: {"url": s.url.rstrip("/"), "api_key": s.api_key,
                                 "api_secret": s.api_secret}
                             for n, s in world.suppliers.items()}
    if world.alerts:
        body["alerts"] = dict(world.alerts)
    if world.mail_url:
        body["buyer_mail_url"] = world.mail_url
    if has_smtp and world.smtp is not None:
        body["smtp"] = {"host": world.smtp[0], "port": world.smtp[1]}
    return body


def channel_lines(sent: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """One line per channel the shop now uses; `StepFailed` when it did not take one."""
    gw, sent_gw = now.get("gateway") or {}, sent["gateway"]
    wrong = [k for k in ("url", "public_url", "pid") if gw.get(k) != sent_gw[k]]
    wrong += [f"suppliers.{n}" for n, s in (sent.get("suppliers") or {}).items()
              if (now.get("suppliers") or {}).get(n, {}).get("url") != s["url"]]
    if "public_base_url" in sent and now.get("public_base_url") != sent["public_base_url"]:
        wrong.append("public_base_url")
    if wrong:
        raise StepFailed("setup_channels", f"the shop answered 200 but does not show "
                         f"{', '.join(wrong)} as sent: {now}")
    lines = [f"payment channel: gateway {gw['url']} (pid {gw['pid']}), cashier "
             f"{gw['public_url']}, notify {now.get('notify_url')}"]
    lines += [f"supplier {n}: {s['url']}" for n, s in (now.get("suppliers") or {}).items()]
    robots = [k for k, v in (now.get("alerts") or {}).items() if v]
    if robots:
        lines.append(f"alert robots: {', '.join(robots)}")
    if now.get("buyer_mail_url"):
        lines.append(f"mail: {now['buyer_mail_url']}")
    if now.get("smtp"):
        lines.append(f"smtp: {now['smtp']['host']}:{now['smtp']['port']}")
    saved = now.get("saved_to")
    lines.append(f"saved to {saved}" if saved else "applied in memory (the shop has no "
                 "config file to save to)")
    return lines

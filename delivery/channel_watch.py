"""Every process of a split deployment follows the channels saved in the config file.

Why: `PUT /admin/channels` changes the process that took the request and writes the
file; a `--role worker` process or a `--processes N` sibling would otherwise keep the
old gateway, suppliers or robots until a restart (one API sibling signing with the new
key, the other with the old). Each process looks at the file's stat once a second
(cheap: no read unless it changed) and applies the channel keys when they differ from
what it runs with. A file that no longer parses or validates is logged with what to fix
and the running channels are kept.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from delivery.config import Config
from delivery.ctx import Ctx, log
from delivery.suppliers import Breaker, SupplierClient
from delivery.worker import Worker

# the config file's keys PUT /admin/channels owns (every other key of the file is left alone)
CHANNEL_KEYS = ("gateway", "gateway_public_url", "public_base_url", "suppliers", "alerts",
                "buyer_mail_url", "smtp")
EVERY_S = 1.0  # wall seconds between two looks at the file

__all__ = ["CHANNEL_KEYS", "apply_channels", "channel_part", "watch", "with_channels"]


def channel_part(cfg: Config) -> dict[str, Any]:
    """The channels of a config, in the config file's shape."""
    now = cfg.model_dump(mode="json", by_alias=True)
    return {k: now[k] for k in CHANNEL_KEYS}


def with_channels(cfg: Config, channels: dict[str, Any]) -> Config:
    """`cfg` with these channel keys replaced (validated: a bad value raises)."""
    return Config.model_validate({**cfg.model_dump(mode="json", by_alias=True), **channels})


def apply_channels(ctx: Ctx, worker: Worker | None, cfg: Config) -> None:
    """Run with `cfg` (from with_channels); rebuild the supplier clients the worker holds."""
    ctx.cfg = cfg
    if worker is None:
        return
    procurer, pol = worker.procurer, ctx.cfg.supplier_policy
    for name, sup in ctx.cfg.suppliers.items():
        procurer.clients[name] = SupplierClient(name, sup, ctx.client(), pol.timeout_s)
        if name not in procurer.breakers:    # a supplier added: it gets its breaker
            procurer.breakers[name] = Breaker(pol, ctx.cfg.wall(pol.breaker_reset_s))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def follow(path: Path, ctx: Ctx, worker: Worker | None) -> bool:
    """Apply the file's channels if they differ from the running ones; True if applied."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("the file is not a JSON object")
        wanted = {k: raw[k] for k in CHANNEL_KEYS if k in raw}
        cfg = with_channels(ctx.cfg, wanted)
        if channel_part(cfg) == channel_part(ctx.cfg):
            return False
        apply_channels(ctx, worker, cfg)
    except (OSError, ValueError) as exc:     # pydantic's ValidationError is a ValueError
        log.warning("channels in %s not applied: %s; fix the file (or PUT /admin/channels) — "
                    "the running channels are kept / 配置文件中的渠道设置无效, 仍使用当前设置",
                    path, _why(exc))
        return False
    log.info("channels changed in %s: applied", path)
    return True


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                         for e in exc.errors()[:3])
    return str(exc).splitlines()[0]


async def watch(path: str, ctx: Ctx, worker: Worker | None) -> None:
    """Look at the file once a second for the life of the process."""
    p = Path(path)
    seen = _stamp(p)
    while True:
        await asyncio.sleep(EVERY_S)
        now = _stamp(p)
        if now is not None and now != seen:
            seen = now
            follow(p, ctx, worker)


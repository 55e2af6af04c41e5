"""All proxies by name: create, update, delete, reset and populate, with Go's rules.

Mutations run under one lock, like Go's collection mutex, so concurrent API
calls cannot interleave half-applied changes.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fakes.toxiproxy.decoding import DecodeError, decode_first, decode_struct, json_kind
from fakes.toxiproxy.errors import (
    ERR_BAD_REQUEST_BODY,
    ERR_MISSING_FIELD,
    ERR_PROXY_ALREADY_EXISTS,
    ERR_PROXY_NOT_FOUND,
    ApiError,
)
from fakes.toxiproxy.metrics import ProxyMetrics
from fakes.toxiproxy.names import check_name
from fakes.toxiproxy.proxy import Proxy

_PROXY_FIELDS = {"name": "string", "listen": "string", "upstream": "string", "enabled": "bool"}
_POPULATE_TYPE = 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }'


def _check_entry(fields: dict[str, Any], where: str = "") -> None:
    """Go's required-field checks (`where` is populate's " at proxy N"), then the name rule."""
    if not fields.get("name"):
        raise ERR_MISSING_FIELD.joined(f"name{where}")
    if not fields.get("upstream"):
        raise ERR_MISSING_FIELD.joined(f"upstream{where}")
    check_name(fields["name"], "proxy", where)


class PopulateError(Exception):
    """A populate failure: the API error plus the proxies applied before it."""

    def __init__(self, error: ApiError, proxies: list[Proxy] | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.proxies = proxies


class ProxyCollection:
    def __init__(self, *, allow_non_loopback: bool = False,
                 metrics: ProxyMetrics | None = None) -> None:
        self.metrics = metrics
        self.proxies: dict[str, Proxy] = {}
        self.lock = asyncio.Lock()
        self.allow_non_loopback = allow_non_loopback

    def get(self, name: str) -> Proxy:
        proxy = self.proxies.get(name)
        if proxy is None:
            raise ERR_PROXY_NOT_FOUND
        return proxy

    def _new(self, fields: dict[str, Any]) -> Proxy:
        proxy = Proxy(fields.get("name", ""), fields.get("listen", ""),
                      fields.get("upstream", ""), allow_non_loopback=self.allow_non_loopback)
        proxy.metrics = self.metrics
        return proxy

    async def create_json(self, body: bytes) -> Proxy:
        fields: dict[str, Any] = {"enabled": True}
        try:
            decode_struct(decode_first(body), _PROXY_FIELDS, "Proxy", "toxiproxy.Proxy", fields)
        except DecodeError as exc:
            raise ERR_BAD_REQUEST_BODY.joined(str(exc)) from None
        _check_entry(fields)
        async with self.lock:
            if fields["name"] in self.proxies:
                raise ERR_PROXY_ALREADY_EXISTS
            proxy = self._new(fields)
            if fields["enabled"]:
                await proxy.start()
            self.proxies[proxy.name] = proxy
            return proxy

    async def update_json(self, name: str, body: bytes) -> Proxy:
        """PATCH/POST: missing fields keep their values; a changed address restarts."""
        async with self.lock:
            proxy = self.get(name)
            fields: dict[str, Any] = {
                "listen": proxy.listen, "upstream": proxy.upstream, "enabled": proxy.enabled,
            }
            try:
                decode_struct(decode_first(body), _PROXY_FIELDS, "Proxy", "toxiproxy.Proxy", fields)
            except DecodeError as exc:
                raise ERR_BAD_REQUEST_BODY.joined(str(exc)) from None
            if await proxy.differs(fields["listen"], fields["upstream"]):
                was_running = proxy.server is not None
                proxy.stop()
                proxy.listen, proxy.upstream = fields["listen"], fields["upstream"]
                if was_running and fields["enabled"]:
                    await proxy.start()
            if fields["enabled"] and proxy.server is None:
                await proxy.start()
            elif not fields["enabled"] and proxy.server is not None:
                proxy.stop(keep_port=True)
            return proxy

    async def delete(self, name: str) -> None:
        async with self.lock:
            proxy = self.get(name)
            proxy.stop()
            del self.proxies[name]

    async def reset(self) -> None:
        """Start every proxy (disabled ones too) and remove all toxics."""
        async with self.lock:
            for proxy in self.proxies.values():
                if proxy.server is None:
                    await proxy.start()
                proxy.toxics.reset()

    async def populate_json(self, body: bytes) -> list[Proxy]:
        try:
            value = decode_first(body)
            if value is not None and not isinstance(value, list):
                raise DecodeError(
                    f"json: cannot unmarshal {json_kind(value)} into Go value of type "
                    f"[]{_POPULATE_TYPE}"
                )
            entries = []
            for item in value or []:
                fields: dict[str, Any] = {}
                decode_struct(item, _PROXY_FIELDS, "Proxy", _POPULATE_TYPE, fields)
                entries.append(fields)
        except DecodeError as exc:
            raise PopulateError(ERR_BAD_REQUEST_BODY.joined(str(exc)), None) from None
        for i, fields in enumerate(entries, start=1):
            try:
                _check_entry(fields, f" at proxy {i}")
            except ApiError as exc:
                raise PopulateError(exc, None) from None
            fields.setdefault("enabled", True)
        done: list[Proxy] = []
        async with self.lock:
            for fields in entries:
                try:
                    done.append(await self._add_or_replace(fields))
                except ApiError as exc:
                    raise PopulateError(exc, done) from None
        return done

    async def _add_or_replace(self, fields: dict[str, Any]) -> Proxy:
        existing = self.proxies.get(fields["name"])
        if existing is not None:
            if not await existing.differs(fields.get("listen", ""), fields["upstream"]):
                return existing
            existing.stop()
            del self.proxies[existing.name]
        proxy = self._new(fields)
        if fields["enabled"]:
            await proxy.start()
        self.proxies[proxy.name] = proxy
        return proxy

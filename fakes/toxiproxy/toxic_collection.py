"""A proxy's toxics: the JSON rules for add/update/remove and their live propagation.

Mirrors Go's `ToxicCollection`.  The check order of `add_json` is part of the
API (body 400, stream 400, default name, type 400, duplicate 409, attributes
400); our name rule (names.py) is checked between type and duplicate.
Every change is pushed synchronously to each open connection's link for that
direction, so it applies to live traffic at once and the API never waits on a
data path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.toxiproxy.decoding import DecodeError, decode_first, decode_struct
from fakes.toxiproxy.errors import (
    ERR_BAD_REQUEST_BODY,
    ERR_INVALID_STREAM,
    ERR_INVALID_TOXIC_TYPE,
    ERR_TOXIC_ALREADY_EXISTS,
    ERR_TOXIC_NOT_FOUND,
)
from fakes.toxiproxy.names import check_name
from fakes.toxiproxy.toxics.base import ToxicWrapper
from fakes.toxiproxy.toxics.registry import REGISTRY

if TYPE_CHECKING:
    from fakes.toxiproxy.proxy import Proxy

_WRAPPER_FIELDS = {
    "attributes": "raw",
    "name": "string",
    "type": "string",
    "stream": "string",
    "toxicity": "float32",
}
_UPDATE_FIELDS = {"attributes": "raw", "toxicity": "float32"}


def _attributes(toxic_cls: Any, value: Any, where: str) -> dict[str, Any]:
    """Decode an `attributes` object into a toxic's fields, Go style."""
    if value is not None and not isinstance(value, dict):
        from fakes.toxiproxy.decoding import json_kind

        raise DecodeError(
            f"json: cannot unmarshal {json_kind(value)} into Go struct field {where} "
            f"of type toxics.{toxic_cls.GO_NAME}"
        )
    return decode_struct(value, toxic_cls.FIELDS, toxic_cls.GO_NAME + ".attributes", "", {})


class ToxicCollection:
    def __init__(self, proxy: Proxy) -> None:
        self.proxy = proxy
        self.chains: dict[bool, list[ToxicWrapper]] = {True: [], False: []}

    def chain(self, upstream: bool) -> list[ToxicWrapper]:
        return list(self.chains[upstream])

    def ordered(self) -> list[ToxicWrapper]:
        """Upstream toxics first, then downstream, each in insertion order."""
        return self.chains[True] + self.chains[False]

    def find(self, name: str) -> ToxicWrapper | None:
        for wrapper in self.ordered():
            if wrapper.name == name:
                return wrapper
        return None

    def has_type(self, type_name: str) -> bool:
        return any(w.type == type_name for w in self.ordered())

    def _links(self, upstream: bool) -> list[Any]:
        links = []
        for conn in list(self.proxy.conns):
            link = conn.link(upstream)
            if link is not None:
                links.append(link)
        return links

    def add_json(self, body: bytes) -> ToxicWrapper:
        fields: dict[str, Any] = {"stream": "downstream", "toxicity": 1.0}
        try:
            decode_struct(decode_first(body), _WRAPPER_FIELDS, "ToxicWrapper",
                          "toxics.ToxicWrapper", fields)
            attributes = fields.get("attributes")
            if attributes is not None and not isinstance(attributes, dict):
                _attributes(REGISTRY["noop"], attributes, "ToxicWrapper.attributes")
        except DecodeError as exc:
            raise ERR_BAD_REQUEST_BODY.joined(str(exc)) from None
        stream: str = fields["stream"] or "downstream"  # AddNoop: "" means downstream
        if stream.lower() not in ("upstream", "downstream"):
            raise ERR_INVALID_STREAM
        type_name: str = fields.get("type", "")
        name: str = fields.get("name") or f"{type_name}_{stream}"
        toxic_cls = REGISTRY.get(type_name)
        if toxic_cls is None:
            raise ERR_INVALID_TOXIC_TYPE
        check_name(name, "toxic")
        if self.find(name) is not None:
            raise ERR_TOXIC_ALREADY_EXISTS
        try:
            attrs = _attributes(toxic_cls, fields.get("attributes"), ".attributes")
        except DecodeError as exc:
            raise ERR_BAD_REQUEST_BODY.joined(str(exc)) from None
        upstream = stream.lower() == "upstream"
        wrapper = ToxicWrapper(
            toxic=toxic_cls(**attrs),
            name=name,
            type=type_name,
            stream=stream,
            upstream=upstream,
            toxicity=fields["toxicity"],
        )
        self.chains[upstream].append(wrapper)
        for link in self._links(upstream):
            link.add_toxic(wrapper)
        return wrapper

    def update_json(self, name: str, body: bytes) -> ToxicWrapper:
        """Merge `attributes` into the current ones; toxicity changes only if sent."""
        current = self.find(name)
        if current is None:
            raise ERR_TOXIC_NOT_FOUND
        fields: dict[str, Any] = {}
        try:
            decode_struct(decode_first(body), _UPDATE_FIELDS, "", "struct", fields)
            attrs = _attributes(type(current.toxic), fields.get("attributes"), ".attributes")
        except DecodeError as exc:
            raise ERR_BAD_REQUEST_BODY.joined(str(exc)) from None
        wrapper = ToxicWrapper(
            toxic=current.toxic.merged(attrs),
            name=current.name,
            type=current.type,
            stream=current.stream,
            upstream=current.upstream,
            toxicity=fields.get("toxicity", current.toxicity),
        )
        chain = self.chains[current.upstream]
        chain[chain.index(current)] = wrapper
        for link in self._links(current.upstream):
            link.update_toxic(wrapper)
        return wrapper

    def remove(self, name: str) -> None:
        current = self.find(name)
        if current is None:
            raise ERR_TOXIC_NOT_FOUND
        self.chains[current.upstream].remove(current)
        for link in self._links(current.upstream):
            link.remove_toxic(current)

    def reset(self) -> None:
        """Remove every toxic (timeout toxics close their connections on the way out)."""
        for wrapper in self.ordered():
            self.remove(wrapper.name)

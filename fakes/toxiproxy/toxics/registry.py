"""The toxic registry: type name -> attribute class. Explicit, so the API's list is greppable."""

from __future__ import annotations

from fakes.toxiproxy.toxics.bandwidth import Bandwidth
from fakes.toxiproxy.toxics.base import Toxic
from fakes.toxiproxy.toxics.latency import Latency
from fakes.toxiproxy.toxics.limit_data import LimitData
from fakes.toxiproxy.toxics.noop import Noop
from fakes.toxiproxy.toxics.reset_peer import ResetPeer
from fakes.toxiproxy.toxics.slicer import Slicer
from fakes.toxiproxy.toxics.slow_close import SlowClose
from fakes.toxiproxy.toxics.timeout import Timeout

REGISTRY: dict[str, type[Toxic]] = {
    "noop": Noop,
    "latency": Latency,
    "bandwidth": Bandwidth,
    "slow_close": SlowClose,
    "timeout": Timeout,
    "reset_peer": ResetPeer,
    "slicer": Slicer,
    "limit_data": LimitData,
}

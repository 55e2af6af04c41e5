"""The IM robots and buyer mail sink (HTTP and SMTP): ``python -m fakes.sink``.

`KNOBS` is the sink's behaviour table (name -> `fakes.Knob`), as served by
``GET /_fake/knobs`` and enforced by ``PUT /_fake/behaviour``.
"""

from fakes.sink.app import make_app
from fakes.sink.knobs import KNOBS
from fakes.sink.state import SinkState

__all__ = [
    "KNOBS",
    "SinkState",
    "make_app",
]

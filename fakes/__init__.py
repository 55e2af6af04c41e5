"""The fake outside world a drill runs against: payment gateway, suppliers, IM/mail sink
and the embedded Toxiproxy, each a package started as ``python -m fakes.NAME``.

`Knob` and `BehaviourError` describe and check the behaviour knobs every fake
publishes as ``fakes.payment.KNOBS``, ``fakes.supplier.KNOBS`` and ``fakes.sink.KNOBS``.
"""

from fakes._knobs import BehaviourError, Knob, KnobKind, knob_table, validate_patch

__all__ = [
    "BehaviourError",
    "Knob",
    "KnobKind",
    "knob_table",
    "validate_patch",
]

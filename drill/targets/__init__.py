"""Target adapters: who the shop under test is, and how faka-drill talks to it.

See docs/targets/README.md for the protocol. Shipped adapters live in
`drill.targets.reference` and `drill.targets.kamifaka` (loaded by name through
`adapter_class`); `drill.targets.skeleton` is the commented starting point
that `skeleton_source` hands to `target new`.
"""

from drill.targets._abilities import Ability, NotifyShape, PayShape, Snoop, missing
from drill.targets._adapter import TargetAdapter
from drill.targets._check import check_target
from drill.targets._cli import exit_code, list_targets, new_target, run_check
from drill.targets._flow import Buy, FlowOutcome, Record, buyer_flow
from drill.targets._gateway import epay_sign, gateway_payment, pay_at_gateway, signed_notify
from drill.targets._http import HttpClient, HttpReply, HttpxClient
from drill.targets._registry import (
    TargetNotFound,
    adapter_class,
    make_adapter,
    shipped_targets,
)
from drill.targets._report import AbilityLine, ConformanceReport, Probe
from drill.targets._scaffold import skeleton_source
from drill.targets._session import SessionClient
from drill.targets._snoop import NO_SECRET, run_adapter_snooper
from drill.targets._steps import (
    AdminOrder,
    CatalogueItem,
    NotSupported,
    Order,
    OrderState,
    OrderStatus,
    PaymentStart,
    Product,
    StepError,
    StepFailed,
    StepUnknown,
    op_type_of,
    refuse,
)
from drill.targets._world import Gateway, Supplier, World

__all__ = [    "Ability",
    "AbilityLine",
    "AdminOrder",
    "Buy",
    "CatalogueItem",
    "ConformanceReport",
    "FlowOutcome",
    "Gateway",
    "HttpClient",
    "HttpReply",
    "HttpxClient",
    "NO_SECRET",
    "NotSupported",
    "NotifyShape",
    "Order",
    "OrderState",
    "OrderStatus",
    "PayShape",
    "PaymentStart",
    "Probe",
    "Product",
    "Record",
    "SessionClient",
    "Snoop",
    "StepError",
    "StepFailed",
    "StepUnknown",
    "Supplier",
    "TargetAdapter",
    "TargetNotFound",
    "World",
    "adapter_class",
    "buyer_flow",
    "check_target",
    "epay_sign",
    "exit_code",
    "gateway_payment",
    "list_targets",
    "make_adapter",
    "missing",
    "new_target",
    "op_type_of",
    "pay_at_gateway",
    "refuse",
    "run_adapter_snooper",
    "run_check",
    "shipped_targets",
    "signed_notify",
    "skeleton_source",
]

"""The stack: every process of a drill (Toxiproxy, fakes, service), its config and its stock."""

from drill.stack.credentials import ADMIN_TOKEN, admin_headers
from drill.stack.processes import Stack, StackOptions
from drill.stack.seeding import seed_stock
from drill.stack.toxiproxy_client import ToxiproxyClient

__all__ = ["ADMIN_TOKEN", "Stack", "StackOptions", "ToxiproxyClient", "admin_headers", "seed_stock"]

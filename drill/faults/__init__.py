"""The fault timeline: a pure plan (`plan`) and the executor that carries it out."""

from drill.faults.plan import FaultStep, plan, validate_faults

__all__ = ["FaultStep", "plan", "validate_faults"]

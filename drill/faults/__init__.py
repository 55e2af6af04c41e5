"""The fault timeline: a pure plan (`plan`) and the executor that carries it out."""

from drill.faults.plan import FaultStep, fault_problems, plan

__all__ = ["FaultStep", "fault_problems", "plan"]

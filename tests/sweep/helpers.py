"""Shared helpers for the sweep tests."""

from __future__ import annotations

from pathlib import Path

from detente.sweep import SweepPlan, load_sweep, plan_sweep
from detente.sweep.spec import Commands, Design, SimulateCommand

HERE = Path(__file__).resolve().parent
SMALL = HERE / "small.yaml"


def small_plan() -> SweepPlan:
    spec, tree = load_sweep(SMALL)
    return plan_sweep(spec, base_dir=HERE, tree=tree, name=str(SMALL))


def tiny_plan() -> SweepPlan:
    """Six LHS points of the small sweep, 10 runs each (for the slowest machinery)."""
    spec, tree = load_sweep(SMALL)
    spec = spec.model_copy(
        update={
            "design": Design(kind="lhs", samples=6),
            "commands": Commands(simulate=SimulateCommand(runs=10, periods=12)),
            "outputs": ("simulate.p_agreement", "simulate.mean_agreements_per_run"),
        }
    )
    return plan_sweep(spec, base_dir=HERE, tree=tree, name=str(SMALL))

"""Shared helpers for the sweep tests."""

from __future__ import annotations

from pathlib import Path

from detente.sweep import SweepPlan, load_sweep, plan_sweep

HERE = Path(__file__).resolve().parent
SMALL = HERE / "small.yaml"


def small_plan() -> SweepPlan:
    spec, tree = load_sweep(SMALL)
    return plan_sweep(spec, base_dir=HERE, tree=tree, name=str(SMALL))

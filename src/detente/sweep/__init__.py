"""Sweeps: which assumptions decide the outcome (designs, Sobol indices, scenario discovery).

    from detente.sweep import load_sweep, plan_sweep, run_sweep
    spec, tree = load_sweep("sweeps/example.yaml")
    plan = plan_sweep(spec, base_dir=Path("sweeps"), tree=tree, name="sweeps/example.yaml")
    result = run_sweep(plan, "runs/example")     # resumable catalog directory
    result.to_dict()["sobol"]

The engine is pure except :mod:`detente.sweep.catalog`, which owns the catalog directory.
"""

from __future__ import annotations

from detente.sweep.backends import (
    Backend,
    DaskBackend,
    ProcessBackend,
    SerialBackend,
    make_backend,
)
from detente.sweep.engine import SweepPlan, SweepResult, plan_sweep, run_sweep
from detente.sweep.spec import SweepSpec, load_sweep, parse_sweep

__all__ = [
    "Backend",
    "DaskBackend",
    "ProcessBackend",
    "SerialBackend",
    "SweepPlan",
    "SweepResult",
    "SweepSpec",
    "load_sweep",
    "make_backend",
    "parse_sweep",
    "plan_sweep",
    "run_sweep",
]

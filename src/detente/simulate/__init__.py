"""The vectorised, seeded Monte Carlo negotiation process: talks while fighting.

``run_simulation(scenario, runs, seed, periods)`` returns a :class:`SimulationResult` whose
``summary()`` is the JSON summary of ``detente simulate``. A period is a sequence of named,
pure steps (:mod:`detente.simulate.steps`) run by :func:`iter_periods`, each with its own
random stream. The model is described in ``docs/explanation/simulation-model.md``.
"""

from __future__ import annotations

from detente.simulate.engine import iter_periods, simulate_block
from detente.simulate.results import SimulationResult, wilson
from detente.simulate.runner import BLOCK, BlockSink, Progress, anatomy_of_run, run_simulation
from detente.simulate.state import RunInputs, RunState
from detente.simulate.strategies import STRATEGIES, Strategy, get_strategy, strategy_names

__all__ = [
    "BLOCK",
    "STRATEGIES",
    "BlockSink",
    "Progress",
    "RunInputs",
    "RunState",
    "SimulationResult",
    "Strategy",
    "anatomy_of_run",
    "get_strategy",
    "iter_periods",
    "run_simulation",
    "simulate_block",
    "strategy_names",
    "wilson",
]

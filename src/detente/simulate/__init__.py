"""The vectorised, seeded Monte Carlo negotiation process: talks while fighting.

``run_simulation(scenario, runs, seed, periods)`` returns a :class:`SimulationResult` whose
``summary()`` is the JSON summary of ``detente simulate``. The bilateral engine
(:mod:`detente.simulate.bilateral`) runs many two-party alternating-offers negotiations at once.
The model is described in ``docs/explanation/simulation-model.md``.
"""

from __future__ import annotations

from detente.simulate.results import SimulationResult, wilson
from detente.simulate.runner import BLOCK, BlockSink, Progress, anatomy_of_run, run_simulation
from detente.simulate.strategies import STRATEGIES, Strategy, get_strategy, strategy_names

__all__ = [
    "BLOCK",
    "STRATEGIES",
    "BlockSink",
    "Progress",
    "SimulationResult",
    "Strategy",
    "anatomy_of_run",
    "get_strategy",
    "run_simulation",
    "strategy_names",
    "wilson",
]

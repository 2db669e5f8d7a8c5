"""Bargaining under distrust: utilities, value of fighting, zone of agreement, solutions,
distrust and mechanisms, commitment problems, stages and proposal scorecards.

The model and its units are documented in docs/explanation/bargaining-model.md.
"""

from __future__ import annotations

from detente.bargaining.problem import BargainingProblem, build_problem
from detente.bargaining.utility import feasible, utility
from detente.bargaining.war import reservation_values

__all__ = ["BargainingProblem", "build_problem", "feasible", "reservation_values", "utility"]

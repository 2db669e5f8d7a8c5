"""Shared core: names every engine agrees on (trust dimensions, seeds and named random
streams, tolerances). Pure, dependency-free except numpy; imported by every engine."""

from __future__ import annotations

from detente.core.dimensions import TRUST_DIMENSIONS, Dimension
from detente.core.streams import DEFAULT_SEED, named_rng, named_seed
from detente.core.tolerances import TOL_FEASIBLE, TOL_LP, TOL_PROBABILITY, TOL_UTILITY

__all__ = [
    "DEFAULT_SEED",
    "TOL_FEASIBLE",
    "TOL_LP",
    "TOL_PROBABILITY",
    "TOL_UTILITY",
    "TRUST_DIMENSIONS",
    "Dimension",
    "named_rng",
    "named_seed",
]

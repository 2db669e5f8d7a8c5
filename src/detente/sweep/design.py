"""Experimental designs: the points of a sweep (samplers from SALib and scipy.stats.qmc).

Every design works in the unit hypercube, one column per input, and is then mapped to values:
a range ``[lo, hi]`` linearly, a list of ``k`` choices by ``floor(u·k)``. Several base scenarios
add a leading discrete input named ``scenario``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.errors import InputError
from detente.sweep.spec import Input

__all__ = ["Factor", "Plan", "make_design", "oat_ends", "unit_to_values"]


@dataclass(frozen=True)
class Factor:
    """One column of the design: a scenario input, or the choice of base scenario."""

    name: str
    path: str | None  # None for the base-scenario factor
    low: float | None
    high: float | None
    choices: tuple[Any, ...] | None

    @classmethod
    def of(cls, i: Input) -> Factor:
        if i.range is not None:
            return cls(i.name, i.path, i.range[0], i.range[1], None)
        return cls(i.name, i.path, None, None, i.choices)

    @property
    def discrete(self) -> bool:
        return self.choices is not None


@dataclass(frozen=True)
class Plan:
    """The design's points: ``values[p][f]`` is factor ``f``'s value at point ``p``."""

    kind: str
    factors: tuple[Factor, ...]
    unit: np.ndarray  # (points, factors) in [0, 1]; what Sobol analysis reads
    values: tuple[tuple[Any, ...], ...]
    base_samples: int  # Sobol N (0 for other designs)


def unit_to_values(f: Factor, u: np.ndarray) -> list[Any]:
    """Map unit-interval draws to ``f``'s values."""
    if f.choices is not None:
        k = len(f.choices)
        idx = np.minimum((u * k).astype(np.int64), k - 1)
        return [f.choices[int(i)] for i in idx]
    assert f.low is not None
    assert f.high is not None
    return [float(f.low + x * (f.high - f.low)) for x in u]


def _grid(f: Factor, levels: int) -> list[float]:
    """Unit-interval positions whose mapped values are the factor's grid."""
    if f.choices is not None:
        k = len(f.choices)
        return [(j + 0.5) / k for j in range(k)]
    return [j / (levels - 1) for j in range(levels)]


def oat_ends(f: Factor) -> list[float]:
    """Unit positions a one-at-a-time design moves ``f`` to: the two ends of its range, or
    each of its choices (an end at the base value is the base point itself)."""
    return _grid(f, 2) if not f.discrete else _grid(f, 0)


def _base_unit(f: Factor, base: Any) -> float:
    """The base scenario's value as a unit position (the middle if outside the range)."""
    if f.choices is not None:
        k = len(f.choices)
        j = f.choices.index(base) if base in f.choices else 0
        return (j + 0.5) / k
    assert f.low is not None
    assert f.high is not None
    if isinstance(base, int | float) and f.low <= base <= f.high:
        return (float(base) - f.low) / (f.high - f.low)
    return 0.5


def make_design(
    kind: str,
    factors: Sequence[Factor],
    *,
    samples: int,
    levels: int,
    seed: int,
    base_values: Sequence[Any] | None = None,
) -> Plan:
    """The points of a design (deterministic in ``seed``)."""
    d = len(factors)
    base_n = 0
    if kind == "sobol":
        from detente.sweep.analysis import require

        # the optional `sweep` extra: without it a located message, not a traceback (q16)
        sobol_sample = require("SALib.sample.sobol")

        if samples & (samples - 1):
            raise InputError(
                f"design.samples must be a power of 2 for a Sobol design, got {samples} "
                f"(try {2 ** round(math.log2(samples))})"
            )
        problem = {"num_vars": d, "names": [f.name for f in factors], "bounds": [[0, 1]] * d}
        unit = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
        base_n = samples
    elif kind == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed)).random(samples)
    elif kind == "factorial":
        unit = np.array(list(itertools.product(*(_grid(f, levels) for f in factors))), float)
    elif kind == "oat":
        mid = np.array(
            [
                _base_unit(f, None if base_values is None else base_values[j])
                for j, f in enumerate(factors)
            ]
        )
        rows = [mid]
        for j, f in enumerate(factors):
            for e in oat_ends(f):
                if abs(e - mid[j]) > 1e-12:
                    r = mid.copy()
                    r[j] = e
                    rows.append(r)
        unit = np.array(rows)
    else:
        raise InputError(f"unknown design {kind!r}")
    unit = np.asarray(unit, dtype=float)
    cols = [unit_to_values(f, unit[:, j]) for j, f in enumerate(factors)]
    values = tuple(tuple(col[p] for col in cols) for p in range(unit.shape[0]))
    return Plan(kind, tuple(factors), unit, values, base_n)

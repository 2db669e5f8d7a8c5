"""Numerical tolerances, each named once with the reason for its size.

Use these names instead of bare literals, so that two modules deciding the same question
(is this point inside the zone? is this utility at least the threshold?) decide it alike.
"""

from __future__ import annotations

__all__ = ["TOL_FEASIBLE", "TOL_LP", "TOL_PROBABILITY", "TOL_UTILITY"]

TOL_LP = 1e-7
"""Radius or objective of a HiGHS linear programme treated as zero: HiGHS's default primal
feasibility tolerance is 1e-7, so a smaller margin is not resolved by the solver."""

TOL_FEASIBLE = 1e-9
"""Scale points (0–100) by which a value may lie outside a red line and still count as on it:
values are rounded to 1e-6 in output, far above float error of sums of a few hundred terms."""

TOL_UTILITY = 1e-9
"""Utility (0–1) by which a party's utility may fall short of its threshold and still accept:
absorbs float error in sums of weighted losses, far below any modelled difference."""

TOL_PROBABILITY = 1e-9
"""Probability mass treated as zero (e.g. a compliance probability or a denominator)."""

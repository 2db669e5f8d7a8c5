"""Shared types of the scenario format: ids, units, bounds, and the base models every model
derives from (frozen, closed, finite, traced to sources or assumptions)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from detente.scenario.strictmodel import StrictModel

Id = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$",
        max_length=64,
        description="Identifier: a letter, then letters, digits, '_', '-' or '.'.",
    ),
]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
MAX_CAPABILITY = 1e9
"""Largest capability (any unit; only ratios matter): raised to the contest exponent (≤ 10)
and summed, it stays far inside the float range."""
MAX_PERIODS = 10_000
"""Longest span in model periods (as ``War.horizon_periods``): delays, schedules, stages."""
MAX_EVIDENCE = 1e6
"""Most evidence (positive or negative weight) a trust prior may state."""
MAX_INDICATOR = 1e12
"""Largest magnitude of an observed indicator value, baseline or term target."""
ScalePoint = Annotated[float, Field(ge=0.0, le=100.0)]
SourceIds = Annotated[
    tuple[Id, ...],
    Field(description="Ids of entries in meta.sources that support the numbers here."),
]
AssumptionText = Annotated[
    str | None,
    Field(
        description=(
            "Marks the numbers here as an assumption the facts do not fix, "
            "with a one-line rationale."
        ),
        max_length=500,
    ),
]


class _Model(StrictModel):
    """Every scenario model: frozen, closed, finite numbers, strict scalars and dates."""


class _Traced(_Model):
    sources: SourceIds = ()
    assumption: AssumptionText = None

"""Optional ``simulation`` section of a scenario: how talks are run in Monte Carlo simulations.

Everything here has a documented default, so a scenario without this section still simulates.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SimulationSettings"]


class SimulationSettings(BaseModel):
    """Settings for `detente simulate`: protocol and each party's strategy."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    protocol: str = Field(
        default="alternating",
        description="Talks protocol: `alternating` (bilateral alternating offers), "
        "`single_text` (mediator's single text) or `multilateral` (with vetoes).",
    )
    mediator: str | None = Field(default=None, description="Mediator actor id (single_text).")
    strategies: dict[str, str] = Field(
        default_factory=dict,
        description="Actor id → strategy name (see `detente simulate --list-strategies`).",
    )
    talks_every: int = Field(
        default=1, ge=1, description="Periods between rounds of talks (1 = every period)."
    )
    sources: tuple[str, ...] = Field(default=(), description="Source ids.")
    assumption: str | None = Field(
        default=None, description="Rationale for settings the facts do not fix."
    )

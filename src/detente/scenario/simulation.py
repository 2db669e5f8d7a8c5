"""Optional ``simulation`` section of a scenario: how talks are run in Monte Carlo simulations.

Everything here has a documented default, so a scenario without this section still simulates.
The model these parameters enter is described in ``docs/explanation/simulation-model.md``.
"""

from __future__ import annotations

from pydantic import Field

from detente.scenario.strictmodel import StrictModel

__all__ = ["SimulationSettings"]


class SimulationSettings(StrictModel):  # finite numbers, strict scalars (scenario/strictmodel)
    """Settings for `detente simulate`: protocol, each party's strategy, process parameters."""

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
    concession_periods: int = Field(
        default=52,
        ge=1,
        description="Periods over which time-based strategies concede from their ideal to "
        "their value of fighting (their negotiation deadline).",
    )
    optimism: float = Field(
        default=0.15,
        ge=0.0,
        le=1.0,
        description="Mutual-optimism gap: A starts believing P(A wins a battle) is higher by "
        "half of this than the truth, B lower by half.",
    )
    belief_strength: float = Field(
        default=8.0,
        gt=0.0,
        description="Weight of each side's prior belief about strength, in battles.",
    )
    mechanisms: tuple[str, ...] = Field(
        default=(), description="Ids of scenario mechanisms attached to any agreement reached."
    )
    settlement_after: int | None = Field(
        default=None,
        ge=0,
        description="Periods from cease-fire to settlement (staged agreements); default: the "
        "longest ratification delay among the mechanisms, else 13.",
    )
    detection: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Probability a violation is observed without monitors (monitors' "
        "`detection` replaces it when higher).",
    )
    sucker_loss: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="Utility a party loses if it complies while the other cheats (scaled by "
        "mechanisms' `loss_if_cheated`).",
    )
    trust_gain: float = Field(
        default=0.1, ge=0.0, description="Evidence weight of one observed period of compliance."
    )
    trust_loss: float = Field(
        default=1.0, ge=0.0, description="Evidence weight of one observed violation."
    )
    gesture_weight: float = Field(
        default=0.3, ge=0.0, description="Evidence weight of one costly conciliatory gesture."
    )
    overture_support_effect: float = Field(
        default=0.05,
        ge=0.0,
        le=1.0,
        description="Drop of the target's allies' support level per overture (× their "
        "responsiveness).",
    )
    violation_support_effect: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="Rise of the victim's allies' support level per observed violation (× "
        "responsiveness).",
    )
    support_reversion: float = Field(
        default=0.02,
        ge=0.0,
        le=1.0,
        description="Share of the gap to its initial level that support recovers each period.",
    )
    spoiler_rate: float = Field(
        default=0.05,
        ge=0.0,
        le=1.0,
        description="Per-period probability that a fully dissatisfied, uncontrolled faction "
        "violates an agreement.",
    )
    spoiler_escalation: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description="Probability that a spoiler's violation brings the agreement down.",
    )
    rearm_shift: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="Shift of P(win) a rearming party gains over `war.implementation_periods` "
        "of truce (the larger of this and `war.truce_power_shift` applies).",
    )
    rearm_hazard: float = Field(
        default=2.0,
        ge=1.0,
        description="Multiplier on a rearming party's defection hazard per 0.1 of power gained.",
    )
    overture_pressure: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Peace offensive: a party makes overtures when its believed chance of "
        "winning a battle is below this, or the line moved against it in the last period.",
    )
    sources: tuple[str, ...] = Field(default=(), description="Source ids.")
    assumption: str | None = Field(
        default=None, description="Rationale for settings the facts do not fix."
    )

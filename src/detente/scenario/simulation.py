"""Optional ``simulation`` section of a scenario: how talks are run in Monte Carlo simulations.

Everything here has a documented default, so a scenario without this section still simulates.
The model these parameters enter is described in ``docs/explanation/simulation-model.md``.
The protocol and the strategy names are closed vocabularies (enums): a misspelt one is an
error located at its key, with the closest valid name suggested.
"""

from __future__ import annotations

import difflib
import enum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from detente.scenario.strictmodel import StrictModel

__all__ = [
    "KnownProtocol",
    "KnownStrategy",
    "Protocol",
    "SimulationSettings",
    "StrategyName",
    "closed_value",
]


class Protocol(enum.StrEnum):
    """How a round of talks is run."""

    alternating = "alternating"
    """Stacked alternating offers: in turn, each party accepts the standing offer or counters."""
    single_text = "single_text"
    """A mediator's single negotiating text, revised each round from the parties' objections."""
    multilateral = "multilateral"
    """Alternating offers in which every veto party with a position must accept."""


class StrategyName(enum.StrEnum):
    """The registered negotiation strategies (``detente simulate --list-strategies``)."""

    boulware = "boulware"
    linear = "linear"
    conceder = "conceder"
    good_faith = "good_faith"
    hardliner = "hardliner"
    tit_for_tat = "tit_for_tat"
    grit = "grit"
    peace_offensive = "peace_offensive"
    stalling = "stalling"
    rearm_during_truce = "rearm_during_truce"


def closed_value(value: Any, vocabulary: type[enum.StrEnum], what: str) -> Any:
    """``value`` if it names a member of ``vocabulary``; else a ValueError that suggests one."""
    names = [m.value for m in vocabulary]
    if not isinstance(value, str) or value in names:
        return value
    close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else "did you mean one of: " + ", ".join(names)
    raise ValueError(f"unknown {what}; {hint}")


KnownProtocol = Annotated[
    Protocol, BeforeValidator(lambda v: closed_value(v, Protocol, "protocol"))
]
"""A protocol name, checked with a suggestion for a misspelling."""
KnownStrategy = Annotated[
    StrategyName, BeforeValidator(lambda v: closed_value(v, StrategyName, "strategy"))
]
"""A strategy name, checked with a suggestion for a misspelling."""


class SimulationSettings(StrictModel):  # finite numbers, strict scalars (scenario/strictmodel)
    """Settings for `detente simulate`: protocol, each party's strategy, process parameters."""

    protocol: KnownProtocol = Field(
        default=Protocol.alternating,
        description="Talks protocol: `alternating` (stacked alternating offers between the "
        "belligerents), `single_text` (a mediator's single negotiating text, revised from the "
        "parties' objections) or `multilateral` (alternating offers with the other veto "
        "parties at the table). Under every protocol an agreement is signed only when its "
        "veto parties accept it.",
    )
    mediator: str | None = Field(default=None, description="Mediator actor id (single_text).")
    strategies: dict[str, KnownStrategy] = Field(
        default_factory=dict,
        description="Actor id → strategy name (see `detente simulate --list-strategies`).",
    )
    talks_every: int = Field(
        default=1, ge=1, description="Periods between rounds of talks (1 = every period)."
    )
    concession_periods: int | None = Field(
        default=None,
        ge=1,
        description="Periods over which time-based strategies concede from their ideal to "
        "their value of fighting: a negotiation deadline for both sides on every bundle. "
        "Unset: each side's horizon on each bundle is its stake over its cost of delay (a "
        "period of fighting if the deal stops it, and discounting; see the simulation model's "
        "concession clock).",
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
    sucker_loss: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Utility a party loses if it complies with a cease-fire while the other "
        "cheats. Default: derived from the scenario as the analysis does (the drop in its value "
        "of fighting if the other side rearms by `war.truce_power_shift` during the pause, "
        "scaled by the mechanisms' `loss_if_cheated`, plus their costs). A value overrides it "
        "for both sides (scaled by mechanisms' `loss_if_cheated`).",
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
        "violates an agreement (or, at half its parent's strength, attacks a round of talks).",
    )
    spoiler_escalation: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description="Probability that a spoiler's attack on a round of talks derails it "
        "(agreements break down through the spoilers' share of the durability hazard).",
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
        description="A party is under pressure when its believed chance of winning a battle "
        "is below this, or the front has recently moved against it (a peace offensive makes "
        "overtures then, and signs pauses it does not mean).",
    )
    cost_spread: float = Field(
        default=0.3,
        ge=0.0,
        le=2.0,
        description="Private information: standard deviation of the logarithm of each "
        "belligerent's cost of fighting around its stated value. Each run draws every side's "
        "cost and resolve; the other side knows only the distribution.",
    )
    resolve_spread: float = Field(
        default=0.3,
        ge=0.0,
        le=2.0,
        description="Private information: standard deviation of the logarithm of each "
        "belligerent's resolve (the weight of the stakes against the costs; effective cost = "
        "cost / resolve).",
    )
    cost_signal_noise: float = Field(
        default=1.0,
        gt=0.0,
        le=10.0,
        description="Standard deviation of the logarithm of the other side's cost of fighting "
        "as a side observes it each period of fighting (losses and strain it can see).",
    )
    screening_noise: float = Field(
        default=0.1,
        gt=0.0,
        lt=0.5,
        description="Probability an observer gives a party refusing an offer, or offering "
        "terms, against its own interest: bounds what one refusal teaches about its resolve.",
    )
    regroup_periods: int = Field(
        default=8,
        ge=0,
        description="A bad-faith signer keeps a pause at least this many periods (to regroup) "
        "before it defects.",
    )
    sources: tuple[str, ...] = Field(default=(), description="Source ids.")
    assumption: str | None = Field(
        default=None, description="Rationale for settings the facts do not fix."
    )

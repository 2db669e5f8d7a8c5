"""Front dynamics and shocks: how fighting moves issues, and what can change during a run."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from detente.scenario.base import Id, Unit, _Traced
from detente.scenario.simulation import KnownStrategy

if TYPE_CHECKING:
    from detente.scenario.schema import Issue


class Front(_Traced):
    """How fighting moves an issue's status quo during a simulation (its true dynamics).

    Each period of fighting the status quo moves by ``drift + volatility · (Δβ + z)`` in the
    direction of the side the battle favours, ``z ~ N(0, 1)`` the fortune of war shared by all
    issues on the front, ``Δβ`` the change of the balance of forces since ``meta.as_of``
    (allies' support, rearmament, outside events). The drift of a run is drawn from
    ``N(drift, drift_sd²)``; the parties do not know it and learn it from the front's movements
    (docs/explanation/simulation-model.md).
    """

    moves: bool = Field(
        default=True,
        description="Does the front line move it? False for an issue the war decides but the "
        "line of contact does not measure (recognition, legal status).",
    )
    drift: float = Field(
        default=0.0,
        ge=-10.0,
        le=10.0,
        description="Expected movement per period, in scale points (+ = up the scale).",
    )
    drift_sd: float = Field(
        default=0.0,
        ge=0.0,
        le=10.0,
        description="Uncertainty of the drift, scale points per period: the true drift of a "
        "run is drawn from a normal with this standard deviation.",
    )
    volatility: float | None = Field(
        default=None,
        ge=0.0,
        le=50.0,
        description="Standard deviation of the per-period movement, scale points (default: "
        "`war.line_volatility`).",
    )


def front_moves(issue: Issue) -> bool:
    """Does the front line move ``issue``'s status quo? ``front.moves`` when the issue states a
    front, else whether it is contested (the war decides it). The one definition shared by the
    simulation's fronts and the durability's reading of the war's outcome."""
    return issue.front.moves if issue.front is not None else bool(issue.contested)


class ShockKind(enum.StrEnum):
    """What a shock changes."""

    leader_change = "leader_change"
    """A new leader: resolve, costs, strategy and the trust others place in the actor."""
    support_change = "support_change"
    """A patron cuts or raises a support line (aid)."""
    outside_event = "outside_event"
    """An event outside the talks: costs of fighting, the balance of forces."""


class Shock(_Traced):
    """An event that may happen during a simulated run: scheduled at a date or by a hazard.

    A shock happens at most once per run: in the period containing ``date``, or each period
    with the probability that ``hazard`` (per year) implies, until it happens.
    """

    id: Id = Field(description="Shock id.")
    kind: ShockKind = Field(description="What it changes.")
    name: str = Field(default="", description="What it is, in a few words.")
    actor: Id = Field(
        description="The actor concerned: whose leader changes, who receives the support, "
        "whom the event hits (a belligerent)."
    )
    date: dt.date | None = Field(
        default=None, description="Scheduled date (after meta.as_of); or give `hazard`."
    )
    hazard: Unit | None = Field(
        default=None, description="Probability per year that it happens (if not scheduled)."
    )
    resolve: float | None = Field(
        default=None,
        gt=0.0,
        le=10.0,
        description="Multiplier on the actor's resolve (how much cost it will bear for the "
        "stakes; < 1 = less resolved).",
    )
    cost_of_fighting: float | None = Field(
        default=None,
        ge=0.0,
        le=10.0,
        description="Multiplier on the actor's cost of fighting per period.",
    )
    trust_reset: Unit | None = Field(
        default=None,
        description="Share of the trust evidence the other side holds about the actor that "
        "the shock discards (a new leader is judged afresh).",
    )
    strategy: KnownStrategy | None = Field(
        default=None, description="The actor's negotiation strategy from then on."
    )
    support: Id | None = Field(
        default=None, description="support_change: id of the actor's support line."
    )
    level: Unit | None = Field(
        default=None, description="support_change: the line's new level, 0 (cut) to 1 (full)."
    )
    balance: float | None = Field(
        default=None,
        ge=-1.0,
        le=1.0,
        description="outside_event: change of the first belligerent's chance of winning a "
        "battle (e.g. -0.1).",
    )

    @model_validator(mode="after")
    def _when_and_what(self) -> Shock:
        if (self.date is None) == (self.hazard is None):
            raise ValueError("give exactly one of `date` (scheduled) and `hazard` (per year)")
        if self.kind is ShockKind.support_change and (self.support is None or self.level is None):
            raise ValueError("a support_change needs `support` (line id) and `level`")
        if self.kind is not ShockKind.support_change and self.support is not None:
            raise ValueError("`support` applies only to a support_change")
        if self.kind is not ShockKind.outside_event and self.balance is not None:
            raise ValueError("`balance` applies only to an outside_event")
        effects = (
            self.resolve,
            self.cost_of_fighting,
            self.trust_reset,
            self.strategy,
            self.level,
            self.balance,
        )
        if all(e is None for e in effects):
            raise ValueError("a shock must change something (resolve, cost_of_fighting, ...)")
        return self

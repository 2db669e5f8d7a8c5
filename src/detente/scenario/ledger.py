"""The scenario's ledger: claims, commitments, observations and events, dated and traced."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from detente.scenario.base import MAX_INDICATOR, Id, Unit, _Model, _Traced


class Direction(enum.StrEnum):
    """What a commitment term says will happen to its indicator."""

    cease = "cease"
    decrease = "decrease"
    increase = "increase"
    maintain = "maintain"
    complete = "complete"


class CommitmentTerm(_Model):
    """A measurable term of a claim or commitment."""

    indicator: str = Field(
        min_length=1,
        description="What is measured, e.g. `attacks`, `fatalities`, `prisoners_released`.",
    )
    region: str | None = Field(default=None, description="Where (region name), if local.")
    direction: Direction = Field(description="What the party says will happen to it.")
    size: float | None = Field(
        default=None,
        ge=0.0,
        le=MAX_INDICATOR,
        description="For decrease/increase: relative change (0.5 = by half); for complete: "
        "the target count.",
    )
    start: dt.date | None = Field(default=None, description="From when (default: entry date).")
    deadline: dt.date | None = Field(
        default=None, description="By when (default: the entry's deadline)."
    )


class Verification(enum.StrEnum):
    """How well an observation is verified."""

    unverified = "unverified"
    single_source = "single_source"
    independently_verified = "independently_verified"
    monitor_verified = "monitor_verified"


class Assessment(enum.StrEnum):
    """An observer's verdict on a commitment."""

    kept = "kept"
    partly_kept = "partly_kept"
    broken = "broken"
    unverifiable = "unverifiable"


class _Entry(_Traced):
    id: Id = Field(description="Ledger entry id (unique in the scenario).")
    date: dt.date = Field(description="When it happened or was made.")
    text: str = Field(default="", description="What it says, in a sentence.")


class ClaimEntry(_Entry):
    """A statement of fact or intent by a party (cheap talk unless made costly)."""

    kind: Literal["claim"] = Field(description="Entry kind: `claim`.")
    by: Id = Field(description="Who claims.")
    to: tuple[Id, ...] = Field(default=(), description="Addressees (actor ids).")
    about: Id | None = Field(default=None, description="Whose behaviour it is about.")
    terms: tuple[CommitmentTerm, ...] = Field(default=(), description="Measurable terms.")
    overture: bool = Field(
        default=False, description="Is it a peace overture (offer of talks, truce, de-escalation)?"
    )
    deadline: dt.date | None = Field(
        default=None,
        description="Until when the claim is judged (default: its terms' deadlines, else open).",
    )


class Commitment(_Entry):
    """A promise with terms, resolved at its deadline against observations."""

    kind: Literal["commitment"] = Field(description="Entry kind: `commitment`.")
    by: Id = Field(description="Who commits.")
    to: tuple[Id, ...] = Field(default=(), description="To whom (actor ids).")
    terms: tuple[CommitmentTerm, ...] = Field(default=(), description="Measurable terms.")
    deadline: dt.date | None = Field(default=None, description="When it is resolved.")
    cost: Unit = Field(
        default=0.1,
        description="How costly/hard to reverse keeping it is, 0 (cheap talk) to 1.",
    )
    domain: Literal["military", "humanitarian", "political", "economic", "legal"] = Field(
        default="military", description="Kind of commitment (compliance differs by kind)."
    )
    guarantors: tuple[Id, ...] = Field(default=(), description="Actors standing behind it.")

    @model_validator(mode="after")
    def _deadline_after_date(self) -> Commitment:
        if self.deadline is not None and self.deadline < self.date:
            raise ValueError(f"deadline {self.deadline} is before the entry date {self.date}")
        return self


class ObservationEntry(_Entry):
    """Something seen, by someone, with a stated verification level."""

    kind: Literal["observation"] = Field(description="Entry kind: `observation`.")
    observer: str = Field(description="Who observed (actor id or a named body).")
    about: Id = Field(description="Whose behaviour was observed.")
    verification: Verification = Field(description="How well verified it is.")
    region: str | None = Field(default=None, description="Where.")
    indicator: str | None = Field(default=None, description="Indicator measured.")
    value: float | None = Field(
        default=None, ge=-MAX_INDICATOR, le=MAX_INDICATOR, description="Indicator value."
    )
    baseline: float | None = Field(
        default=None,
        ge=-MAX_INDICATOR,
        le=MAX_INDICATOR,
        description="Indicator value before the commitment, for comparison.",
    )
    refers_to: tuple[Id, ...] = Field(
        default=(), description="Ledger ids of the claims/commitments this bears on."
    )
    assessment: Assessment | None = Field(
        default=None, description="The observer's verdict on the commitments referred to."
    )


class EventType(enum.StrEnum):
    """What kind of event happened. ``agreement_ended``: an agreement broken off or
    abandoned before its end (a broken commitment, an earlier failure for the durability's
    prior-failures covariate); ``agreement_lapsed``: an agreement made for a fixed term that
    ended at its term's end because a party did not renew it (not a broken commitment, not
    an earlier failure, no act evidence for trust: docs/explanation/trust-model.md)."""

    talks = "talks"
    summit = "summit"
    gesture = "gesture"
    prisoner_exchange = "prisoner_exchange"
    violation = "violation"
    atrocity = "atrocity"
    agreement_signed = "agreement_signed"
    agreement_ended = "agreement_ended"
    agreement_lapsed = "agreement_lapsed"
    offensive = "offensive"
    aid = "aid"
    sanctions = "sanctions"
    statement = "statement"


class EventEntry(_Entry):
    """A dated event: talks, summits, gestures, exchanges, violations, agreements."""

    kind: Literal["event"] = Field(description="Entry kind: `event`.")
    type: EventType = Field(description="What kind of event.")
    by: Id | None = Field(default=None, description="Who did it (for acts by one side).")
    actors: tuple[Id, ...] = Field(default=(), description="Participants.")
    against: Id | None = Field(default=None, description="Target or counterpart of the act.")
    magnitude: Unit = Field(default=0.5, description="How large the act was, 0–1.")
    cost: Unit = Field(default=0.0, description="How costly it was to its author, 0–1.")
    verification: Verification = Field(
        default=Verification.single_source, description="How well verified it is."
    )
    condoned: bool | None = Field(
        default=None,
        description="For an act by a faction: did its state's leadership condone it? "
        "(null = unknown; then the faction's `control` decides).",
    )
    refers_to: tuple[Id, ...] = Field(default=(), description="Ledger ids it bears on.")


LedgerEntry = Annotated[
    ClaimEntry | Commitment | ObservationEntry | EventEntry, Field(discriminator="kind")
]

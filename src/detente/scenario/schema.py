"""The scenario format, ``schema_version: 1``: frozen, documented pydantic models.

A scenario describes one conflict at one date: who the parties are, what is at stake, where
each party stands, how far each trusts the others, what was promised and what was seen, which
mechanisms could be used, which proposals are on the table, and how continued fighting is
modelled. Units are stated on every numeric field. Traceability: every object that carries
numbers has ``sources`` (ids into ``meta.sources``) and/or ``assumption`` (a one-line rationale
for a number the facts do not fix); ``detente check --strict`` requires one of the two.

Cross-references (actor, issue, source, mechanism, ledger ids) are checked in
:mod:`detente.scenario.validate`, not here, so that every problem is reported at once with its
file location.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from detente.scenario.base import (
    MAX_CAPABILITY,
    MAX_EVIDENCE,
    MAX_PERIODS,
    Id,
    ScalePoint,
    SourceIds,
    Unit,
    _Model,
    _Traced,
)
from detente.scenario.commitments import Acceptance, PublicCommitment
from detente.scenario.dynamics import Front, Shock, ShockKind
from detente.scenario.in_force import AgreementInForce
from detente.scenario.ledger import (
    Assessment,
    ClaimEntry,
    Commitment,
    CommitmentTerm,
    Direction,
    EventEntry,
    EventType,
    LedgerEntry,
    ObservationEntry,
    Verification,
)
from detente.scenario.simulation import SimulationSettings
from detente.scenario.term import Term
from detente.scenario.tracks import (
    Level,
    Leverage,
    LeverageKind,
    MediatorRole,
    Participant,
    Refusal,
    RefusalReason,
    Track,
    TrackTwo,
    Withdrawal,
)

__all__ = [
    "SCHEMA_VERSION",
    "Acceptance",
    "Actor",
    "ActorKind",
    "AgreementInForce",
    "Anchor",
    "Assessment",
    "Bundle",
    "BundleEffect",
    "ClaimEntry",
    "Commitment",
    "CommitmentTerm",
    "Deferral",
    "Direction",
    "EventEntry",
    "EventType",
    "Evidence",
    "ExpectedTrust",
    "Front",
    "Issue",
    "IssueCategory",
    "IssueOption",
    "LedgerEntry",
    "Level",
    "Leverage",
    "LeverageKind",
    "Linkage",
    "Mechanism",
    "MechanismKind",
    "MediatorRole",
    "Meta",
    "ObservationEntry",
    "Participant",
    "Payment",
    "Perception",
    "Period",
    "Position",
    "Proposal",
    "PublicCommitment",
    "Refusal",
    "RefusalReason",
    "Relation",
    "RelationKind",
    "Reliability",
    "SanctionsStep",
    "Scenario",
    "Shock",
    "ShockKind",
    "Source",
    "Stage",
    "Support",
    "Track",
    "TrackTwo",
    "TrustPrior",
    "TrustValue",
    "Verification",
    "War",
    "Withdrawal",
]

SCHEMA_VERSION = 1

# Shared types: detente.scenario.base; the ledger: detente.scenario.ledger; front dynamics
# and shocks: detente.scenario.dynamics; tracks, refusals and mediators:
# detente.scenario.tracks (split by concept, re-exported here).


# --------------------------------------------------------------------------------------- meta


class Reliability(enum.StrEnum):
    """How far a source's factual claims can be relied on."""

    high = "high"
    medium = "medium"
    low = "low"
    partisan = "partisan"


class Source(_Model):
    """A document that numbers in the scenario cite."""

    title: str = Field(min_length=1, description="Title of the document.")
    url: str | None = Field(default=None, description="Where it can be found.")
    date: str | None = Field(
        default=None,
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.",
    )
    reliability: Reliability = Field(
        default=Reliability.medium, description="How far its factual claims can be relied on."
    )
    note: str | None = Field(default=None, description="Reliability note or caveat.")

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        """``YYYY-MM`` needs a month 01–12; ``YYYY-MM-DD`` a day that exists."""
        if value is None:
            return value
        parts = [int(x) for x in value.split("-")]
        try:
            dt.date(parts[0], *[*parts[1:], 1, 1][:2])
        except ValueError as exc:
            raise ValueError(f"not a real date: {exc}") from None
        return value


class Period(enum.StrEnum):
    """Length of one model period."""

    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"

    @property
    def days(self) -> float:
        """Length in days (month = 365.25/12)."""
        return {"day": 1.0, "week": 7.0, "month": 30.4375, "quarter": 91.3125, "year": 365.25}[
            self.value
        ]


class Meta(_Model):
    """What the scenario is and when it describes."""

    name: str = Field(min_length=1, description="Short name of the scenario.")
    description: str = Field(default="", description="What the scenario describes, for whom.")
    as_of: dt.date = Field(description="The date the scenario describes (YYYY-MM-DD).")
    sources: dict[Id, Source] = Field(
        default_factory=dict, description="Source id → source; cited by `sources` lists."
    )
    authors: tuple[str, ...] = Field(default=(), description="Who wrote the scenario.")


# ------------------------------------------------------------------------------------- actors


class ActorKind(enum.StrEnum):
    """What kind of actor this is."""

    state = "state"
    leader = "leader"
    faction = "faction"
    negotiator = "negotiator"
    mediator = "mediator"
    guarantor = "guarantor"
    coalition = "coalition"
    organisation = "organisation"


class Support(_Traced):
    """Allies' support (aid) received by an actor: a named input that changes its war model."""

    id: Id = Field(description="Name of this support line, e.g. `us_military_aid`.")
    provider: Id | None = Field(default=None, description="Actor id of the provider, if modelled.")
    capability: float = Field(
        default=0.0,
        ge=0.0,
        le=MAX_CAPABILITY,
        description="Capability added at full level (same units as Actor.capability).",
    )
    cost_relief: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="Reduction of the recipient's cost of fighting per period at full level "
        "(utility units, as Actor.cost_of_fighting).",
    )
    level: Unit = Field(default=1.0, description="Current level, 0 (stopped) to 1 (full).")
    responsiveness: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="How strongly the level reacts to events in simulations (0 = fixed).",
    )


class Actor(_Traced):
    """A party: a state, its leader or factions, a mediator, guarantor, coalition or body."""

    id: Id = Field(description="Short id used everywhere else, e.g. `RU`, `UA_MIL`.")
    name: str = Field(min_length=1, description="Display name.")
    kind: ActorKind = Field(description="What kind of actor this is.")
    parent: Id | None = Field(
        default=None, description="The actor this one belongs to (a faction's state)."
    )
    veto: bool = Field(default=False, description="Is its consent needed for a settlement?")
    veto_issues: tuple[Id, ...] | None = Field(
        default=None,
        min_length=1,
        description="With `veto: true`: the issues its veto covers (an issue-specific veto, "
        "e.g. a president or a legislature whose consent a constitutional change or a treaty "
        "needs, but not a cease-fire: the institutional veto players of Tsebelis 2002). Its "
        "consent is then needed only for an agreement that touches one of these issues "
        "(settles it, or defers it to a value other than the status quo); the full "
        "settlement settles every issue, so it always needs it. Unset: a veto over every "
        "agreement.",
    )
    belligerent: bool = Field(
        default=False, description="Does it fight (and so bear costs and gain from the war)?"
    )
    capability: float = Field(
        default=1.0,
        ge=0.0,
        le=MAX_CAPABILITY,
        description="Relative military-economic capability; any positive unit shared by all "
        "actors of the scenario (only ratios matter).",
    )
    cost_of_fighting: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="Cost of continued fighting per period, in utility units (0..1 scale "
        "where 1 is the gap between an actor's best and worst settlement).",
    )
    discount: float = Field(
        default=0.99, gt=0.0, le=1.0, description="Per-period discount factor δ."
    )
    risk: float = Field(
        default=1.0,
        gt=0.0,
        le=5.0,
        description="Risk-attitude exponent r of the loss function: 1 neutral (linear "
        "loss), >1 risk-averse (concave utility), <1 risk-acceptant.",
    )
    control: Unit | None = Field(
        default=None,
        description="For a faction: its leader's control over it, 0 (none) to 1 (full).",
    )
    reservation: float | None = Field(
        default=None,
        ge=-5.0,
        le=1.0,
        description="Reservation utility stated directly (overrides the war model).",
    )
    support: tuple[Support, ...] = Field(default=(), description="Allies' support received.")
    leader_since: dt.date | None = Field(
        default=None,
        description="When the current leader took office (at or before meta.as_of), if after "
        "red lines were stated: red lines stated before this date are cheaper to cross (a new "
        "leader is less bound by a predecessor's words).",
    )

    @model_validator(mode="after")
    def _veto_issues(self) -> Actor:
        if self.veto_issues is not None:
            if not self.veto:
                raise ValueError(
                    "veto_issues needs veto: true (it narrows a veto to the agreements that "
                    "settle those issues); set veto: true or remove veto_issues"
                )
            dup = sorted({i for i in self.veto_issues if self.veto_issues.count(i) > 1})
            if dup:
                raise ValueError(f"veto_issues lists {', '.join(map(repr, dup))} twice")
        return self

    def veto_covers(self, issue: str) -> bool:
        """Does this actor's veto cover ``issue``? Every issue for a veto party without
        ``veto_issues``, the listed ones for one with them, none without a veto.

        This is what the actor's veto covers, issue by issue, not who must consent to an
        agreement: that is one rule over the issues an agreement *touches* (settles, or defers
        to a value other than the status quo), :meth:`Agreement.veto_parties
        <detente.bargaining.bundles.Agreement.veto_parties>` (in arrays
        :meth:`BargainingProblem.veto_for <detente.bargaining.problem.BargainingProblem.veto_for>`).
        """
        return self.veto and (self.veto_issues is None or issue in self.veto_issues)


# ------------------------------------------------------------------------------------- issues


class Anchor(_Model):
    """A labelled point of an issue's 0–100 scale."""

    value: ScalePoint = Field(description="Point on the 0–100 scale.")
    label: str = Field(min_length=1, description="What the point means.")


class IssueOption(_Model):
    """A discrete option of an issue, located on its scale."""

    id: Id = Field(description="Option id.")
    value: ScalePoint = Field(description="Its point on the 0–100 scale.")
    label: str = Field(min_length=1, description="What the option is.")


class IssueCategory(enum.StrEnum):
    """What kind of issue this is; a scenario without ``bundles`` gets one default bundle per
    category present (docs/explanation/deals.md)."""

    humanitarian = "humanitarian"
    economic = "economic"
    ceasefire = "ceasefire"
    military = "military"
    territorial = "territorial"
    security = "security"
    political = "political"
    legal = "legal"


class Issue(_Traced):
    """A dimension of the settlement, on a 0–100 scale with labelled anchors."""

    id: Id = Field(description="Issue id, e.g. `crimea`.")
    name: str = Field(min_length=1, description="Display name.")
    description: str = Field(default="", description="What the issue covers.")
    anchors: tuple[Anchor, ...] = Field(
        description="Labelled points; at least the two ends 0 and 100."
    )
    options: tuple[IssueOption, ...] = Field(
        default=(), description="Discrete options, if the issue is not continuous."
    )
    status_quo: ScalePoint = Field(description="Facts on the ground today, on the scale.")
    contested: bool = Field(
        default=False,
        description="Does fighting move it (e.g. the line of contact in a region)?",
    )
    front: Front | None = Field(
        default=None,
        description="How the front line moves this issue in simulations (default: a "
        "contested issue moves with the front, without drift, by `war.line_volatility`).",
    )
    outcome: ScalePoint | None = Field(
        default=None, description="Known outcome (historical cases and backtests)."
    )
    category: IssueCategory | None = Field(
        default=None,
        description="Kind of issue (humanitarian, economic, ceasefire, military, territorial, "
        "security, political, legal); used for the default bundles.",
    )


class Position(_Traced):
    """Where an actor stands on an issue at a date."""

    actor: Id = Field(description="Actor id.")
    issue: Id = Field(description="Issue id.")
    ideal: ScalePoint = Field(description="Ideal point on the issue's scale.")
    salience: Unit = Field(
        description="How much the issue matters to the actor, 0–1 (weights are normalised "
        "over the actor's issues)."
    )
    acceptable: tuple[ScalePoint, ScalePoint] | None = Field(
        default=None,
        description="Red lines: [low, high] range the actor can accept; outside is rejected.",
    )
    date: dt.date | None = Field(
        default=None, description="When the position was stated (latest ≤ as_of applies)."
    )
    note: str | None = Field(default=None, description="Paraphrase of the stated position.")
    crossing_cost: float | None = Field(
        default=None,
        ge=0.0,
        le=10.0,
        description="Cost of crossing the stated red line (`acceptable`), in loss units per "
        "100 scale points crossed (crossing by y points adds crossing_cost·y/100 to the "
        "actor's loss; utility units at risk 1). Unset: the global default "
        "(docs/explanation/deals.md).",
    )
    at_front: bool = Field(
        default=False,
        description="The stated red line is the line of contact ('a cease-fire on the current "
        "line'): in simulations the bound (of `acceptable`, short of the scale's end) moves "
        "with the front on an issue the front moves (docs/explanation/simulation-model.md).",
    )

    @model_validator(mode="after")
    def _range_contains_ideal(self) -> Position:
        if self.at_front and self.acceptable is None:
            raise ValueError("at_front needs a stated red line (`acceptable`) to move")
        if self.acceptable is not None:
            lo, hi = self.acceptable
            if lo > hi:
                raise ValueError(f"acceptable range [{lo}, {hi}] has low > high")
            if not lo <= self.ideal <= hi:
                raise ValueError(f"ideal {self.ideal} lies outside acceptable [{lo}, {hi}]")
        return self


# -------------------------------------------------------------------------------------- trust


class Evidence(_Model):
    """Trust prior as evidence counts (Beta reputation / subjective logic)."""

    positive: float = Field(ge=0.0, le=MAX_EVIDENCE, description="Weight of positive evidence r.")
    negative: float = Field(ge=0.0, le=MAX_EVIDENCE, description="Weight of negative evidence s.")
    base_rate: Unit = Field(default=0.5, description="Base rate a (prior expectation).")


class ExpectedTrust(_Model):
    """Trust prior as an expected value with a confidence (1 − uncertainty)."""

    expected: Unit = Field(description="Expected trust P = b + a·u, 0–1.")
    confidence: float = Field(
        ge=0.0, lt=1.0, description="1 − uncertainty u; 0 = no evidence at all."
    )
    base_rate: Unit = Field(default=0.5, description="Base rate a.")

    @model_validator(mode="after")
    def _feasible(self) -> ExpectedTrust:
        u = 1.0 - self.confidence
        b = self.expected - self.base_rate * u
        d = 1.0 - b - u
        if b < -1e-9 or d < -1e-9:
            lo = self.base_rate * u
            hi = lo + self.confidence
            raise ValueError(
                f"expected {self.expected} impossible with confidence {self.confidence} and "
                f"base rate {self.base_rate}: must lie in [{lo:.3f}, {hi:.3f}]"
            )
        return self


TrustValue = Evidence | ExpectedTrust


class TrustPrior(_Traced):
    """A truster's prior trust in a trustee on the four dimensions."""

    truster: Id = Field(description="Who trusts.")
    trustee: Id = Field(description="Who is trusted.")
    date: dt.date | None = Field(
        default=None,
        description="When the view was formed: applied at the end of that date, the ledger "
        "entries after it replayed on top (default: the view at `as_of`; no entry dated on "
        "or before it counts again).",
    )
    capacity: TrustValue | None = Field(
        default=None, description="Can the trustee deliver (control its forces, spoilers)?"
    )
    peaceful_intention: TrustValue | None = Field(
        default=None, description="Does it intend peace rather than conquest?"
    )
    integrity: TrustValue | None = Field(default=None, description="Does it keep its word?")
    predictability: TrustValue | None = Field(default=None, description="Does it act as expected?")


class RelationKind(enum.StrEnum):
    """How two actors stand to each other (for observer-relative trust evidence)."""

    ally = "ally"
    enemy = "enemy"
    neutral = "neutral"


class Relation(_Traced):
    """An explicit relation between two actors (symmetric); overrides the relations derived
    from war sides, factions and support providers when reading hostile acts."""

    a: Id = Field(description="One actor.")
    b: Id = Field(description="The other actor.")
    kind: RelationKind = Field(description="ally, enemy or neutral.")


class Perception(_Traced):
    """How one observer reads a ledger entry, or a source, differently from the others."""

    observer: Id = Field(description="The truster whose reading this is.")
    entry: Id | None = Field(
        default=None, description="A ledger entry id: `weight` scales its evidence for them."
    )
    weight: float = Field(
        default=1.0,
        ge=0.0,
        le=3.0,
        description="Multiplier of the entry's evidence for this observer (0 = disbelieved "
        "or unseen, 1 = as everyone reads it).",
    )
    source: Id | None = Field(
        default=None, description="A source id (meta.sources): this observer's reliability."
    )
    reliability: Reliability | None = Field(
        default=None, description="This observer's reliability for `source`."
    )


# --------------------------------------------------------------------------------- mechanisms


class MechanismKind(enum.StrEnum):
    """Kinds of mechanism a settlement can use."""

    monitors = "monitors"
    peacekeepers = "peacekeepers"
    dmz = "dmz"
    guarantee = "guarantee"
    staged_sanctions = "staged_sanctions"
    joint_commission = "joint_commission"
    ratification = "ratification"
    security_guarantee = "security_guarantee"


class SanctionsStep(_Model):
    """One layer of staged sanctions relief."""

    after_periods: int = Field(
        ge=0, le=MAX_PERIODS, description="Periods of verified compliance before it."
    )
    fraction: Unit = Field(description="Share of sanctions lifted at this step.")


class Mechanism(_Traced):
    """A mechanism available in this conflict, with its parameters and costs.

    Which parameters apply depends on ``kind`` (see docs/reference/scenario-format.md):
    monitors use ``detection``; peacekeepers and dmz use ``hazard_ratio`` and
    ``loss_if_cheated``; guarantee uses ``guarantor`` and ``leverage``; staged_sanctions uses
    ``schedule``; ratification uses ``delay_periods``; security_guarantee uses ``beneficiary``
    and ``fallback_gain``.
    """

    id: Id = Field(description="Mechanism id.")
    kind: MechanismKind = Field(description="What kind of mechanism.")
    name: str = Field(min_length=1, description="Display name.")
    detection: Unit | None = Field(
        default=None, description="Probability a violation is detected and attributed."
    )
    hazard_ratio: float | None = Field(
        default=None, gt=0.0, le=5.0, description="Multiplier on the breakdown hazard."
    )
    loss_if_cheated: Unit | None = Field(
        default=None,
        description="Multiplier on the loss a complying party suffers if the other cheats.",
    )
    guarantor: Id | None = Field(default=None, description="Who guarantees (actor id).")
    leverage: Unit | None = Field(
        default=None, description="The guarantor's leverage over the protected-against party."
    )
    beneficiary: Id | None = Field(default=None, description="Whom it protects or benefits.")
    fallback_gain: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Utility added to the beneficiary's fallback (security guarantees).",
    )
    schedule: tuple[SanctionsStep, ...] = Field(
        default=(), description="Staged sanctions relief: layers lifted on verified compliance."
    )
    delay_periods: int | None = Field(
        default=None,
        ge=0,
        le=MAX_PERIODS,
        description="Periods of delay (ratification, referendum).",
    )
    cost: dict[Id, Unit] = Field(
        default_factory=dict,
        description="Cost to each actor per period in force, utility units 0–1 as "
        "Actor.cost_of_fighting (actor id → cost).",
    )


# ---------------------------------------------------------------------------------- proposals


class Deferral(_Model):
    """An issue an agreement leaves open explicitly: held at an interim value until a review,
    then at the fallback if the review fails."""

    issue: Id = Field(description="Issue id deferred.")
    interim: ScalePoint | None = Field(
        default=None, description="Value in force until the review (default: the status quo)."
    )
    review_periods: int = Field(
        ge=1, le=100000, description="Periods after signature at which the issue is reviewed."
    )
    fallback: ScalePoint | None = Field(
        default=None,
        description="Value from the review on if the review fails (default: the interim "
        "value, i.e. nothing changes).",
    )
    note: str | None = Field(default=None, description="What the deferral clause says.")


class Payment(_Traced):
    """A transfer that is not on the issue scales (aid, reconstruction money, sanctions
    relief as a payment), paid on signature."""

    id: Id = Field(description="Payment id.")
    name: str = Field(min_length=1, description="Display name.")
    payer: Id = Field(description="Who pays (actor id; may be an outside patron).")
    payee: Id = Field(description="Who receives (actor id).")
    amount: float = Field(
        ge=0.0, le=5.0, description="What it is worth to the payee, in the payee's utility units."
    )
    cost: float = Field(
        default=0.0,
        ge=0.0,
        le=5.0,
        description="What it costs the payer, in the payer's utility units (an outside "
        "patron's cost counts in the price of a package but not in any party's utility).",
    )


class BundleEffect(_Traced):
    """How an agreement on a bundle changes the war for an actor while fighting goes on."""

    actor: Id = Field(description="Actor id.")
    cost_of_fighting: float = Field(
        ge=-1.0,
        le=1.0,
        description="Change of the actor's cost of fighting per period (utility units; "
        "negative = cheaper, e.g. an end of strikes on energy infrastructure).",
    )


class Bundle(_Traced):
    """A named set of issues that can be agreed on its own (a partial agreement)."""

    id: Id = Field(description="Bundle id (`settlement` = every issue, always present).")
    name: str = Field(min_length=1, description="Display name.")
    issues: tuple[Id, ...] = Field(min_length=1, description="Issues it settles.")
    ceasefire: bool = Field(
        default=False,
        description="Does an agreement on it stop the fighting? Then the issues it leaves "
        "out are frozen at the status quo and costs of fighting stop; otherwise fighting "
        "goes on over them.",
    )
    deferrals: tuple[Deferral, ...] = Field(default=(), description="Issues it defers.")
    effects: tuple[BundleEffect, ...] = Field(
        default=(), description="Changes to the war while fighting goes on (non-cease-fire)."
    )
    specificity: Unit | None = Field(
        default=None,
        description="What kind of agreement it is, 0 (a truce: a cease-fire only) to 1 (a "
        "comprehensive settlement of the political issues); a covariate of its durability "
        "(Fortna 2004). Unset: read from its scope, for a cease-fire the share of the "
        "scenario's political, territorial, legal and economic issues it settles (the full "
        "settlement 1); for a bundle that does not stop the fighting, or a scenario with no "
        "such issue, 0.6, the reference (Fortna's whole sample).",
    )
    term: Term | None = Field(
        default=None,
        description="A term every agreement on it is made for (it lapses at the term's end "
        "unless renewed, scenario.term); unset: open-ended.",
    )
    note: str | None = Field(default=None, description="What the bundle stands for.")


class Linkage(_Traced):
    """A conditional acceptance: `actor` accepts an agreement that settles any of `issues`
    (or, with `ceasefire`, any agreement that stops the fighting) only if it also settles
    every issue of `requires` (issue linkage; "no cease-fire before Y is settled")."""

    id: Id = Field(description="Linkage id.")
    actor: Id = Field(description="Who links (actor id; should be a veto party).")
    issues: tuple[Id, ...] = Field(
        default=(),
        description="X: issues the actor will settle only together with Y (may be empty "
        "when `ceasefire` is true).",
    )
    ceasefire: bool = Field(
        default=False,
        description="Also a trigger: the actor accepts an agreement that stops the fighting "
        "only if it settles every issue of `requires` (no cease-fire before Y is settled: "
        "'nothing is agreed until everything is agreed'). At least one trigger, `issues` or "
        "`ceasefire`, is required.",
    )
    requires: tuple[Id, ...] = Field(
        min_length=1, description="Y: issues that must be settled in the same agreement."
    )
    deferral_suffices: bool = Field(
        default=False,
        description="Does deferring an issue of Y (with its review) in the same agreement "
        "satisfy the linkage? Default: no, Y must be settled.",
    )
    note: str | None = Field(default=None, description="What the linkage stands for.")


class Stage(_Model):
    """One stage of a staged agreement."""

    name: str = Field(min_length=1, description="Stage name, e.g. `cease-fire`.")
    issues: tuple[Id, ...] = Field(description="Issues settled at this stage.")
    mechanisms: tuple[Id, ...] = Field(default=(), description="Mechanisms in force from it.")
    start_period: int = Field(
        default=0, ge=0, le=MAX_PERIODS, description="Periods after signature it starts."
    )
    ceasefire: bool | None = Field(
        default=None,
        description="Does the fighting stop at this stage (cease-fire, disengagement)? "
        "Unset: inferred from stage and issue names, then contested issues.",
    )
    deferrals: tuple[Deferral, ...] = Field(
        default=(), description="Issues this stage defers (not settled by it)."
    )
    payments: tuple[Id, ...] = Field(
        default=(), description="Payment ids paid when this stage starts."
    )


class Proposal(_Traced):
    """A named package on the table."""

    id: Id = Field(description="Proposal id.")
    name: str = Field(min_length=1, description="Display name.")
    proposer: Id | None = Field(default=None, description="Who proposed it (actor id).")
    date: dt.date | None = Field(default=None, description="When it was proposed.")
    terms: dict[Id, ScalePoint] = Field(
        description="Issue id → value on its scale; issues left out are not settled (frozen "
        "at the status quo if the proposal stops the fighting, else fought over)."
    )
    mechanisms: tuple[Id, ...] = Field(default=(), description="Mechanism ids it includes.")
    stages: tuple[Stage, ...] = Field(default=(), description="Staging, if any.")
    ceasefire: bool | None = Field(
        default=None,
        description="Does the proposal stop the fighting? Unset: yes (an agreement ends the "
        "war unless it says otherwise).",
    )
    deferrals: tuple[Deferral, ...] = Field(default=(), description="Issues it defers.")
    payments: tuple[Id, ...] = Field(default=(), description="Payment ids it includes.")
    note: str | None = Field(default=None, description="What is uncertain about the terms.")


# ---------------------------------------------------------------------------------------- war


class War(_Traced):
    """How continued fighting is modelled (the reservation values come from it).

    The war is a lottery: belligerent A (first in ``belligerents``) prevails with probability
    p, B with 1 − p − stalemate, and with ``stalemate`` the line stays where it is. The
    winner imposes ``victory_terms`` (default: its ideal points). If ``p`` is not given it
    follows from capabilities (own plus allies' support) by the ratio form
    p = c_A^k / (c_A^k + c_B^k) with k = ``capability_exponent``. Until the war is decided,
    ``horizon_periods`` periods of costs accrue, discounted.
    """

    belligerents: tuple[Id, Id] = Field(description="The two sides, A then B.")
    period: Period = Field(default=Period.week, description="Length of one model period.")
    p: Unit | None = Field(
        default=None, description="P(A prevails), overriding the capability form."
    )
    capability_exponent: float = Field(
        default=1.0, gt=0.0, le=10.0, description="Exponent k of the contest function."
    )
    stalemate: Unit = Field(
        default=0.0, description="Probability that fighting ends where the line stands."
    )
    horizon_periods: int = Field(
        default=104, ge=1, le=10000, description="Periods of fighting until decision."
    )
    line_volatility: float = Field(
        default=0.5,
        ge=0.0,
        le=50.0,
        description="SD of the per-period move of contested issues' status quo (scale points).",
    )
    truce_power_shift: float = Field(
        default=0.0,
        ge=-1.0,
        le=1.0,
        description="Expected change of p during a truce/implementation period (rearmament).",
    )
    implementation_periods: int = Field(
        default=52, ge=1, le=MAX_PERIODS, description="Periods an agreement takes to implement."
    )
    started: dt.date | None = Field(
        default=None,
        description="When the fighting began (at or before meta.as_of): the cost of fighting "
        "felt since then (discounted, bounded: bargaining.problem.felt_cost) lowers the cost "
        "of crossing stated red lines (ripeness).",
    )
    started_sources: SourceIds = Field(
        default=(),
        description="Ids of entries in meta.sources the start date (`started`) is read from "
        "(the block's `sources` support its other numbers); only with `started`.",
    )
    victory_terms: dict[Id, dict[Id, ScalePoint]] = Field(
        default_factory=dict,
        description="Belligerent id → issue id → value it would impose if it prevailed.",
    )
    decisiveness: Unit | None = Field(
        default=None,
        description="The war's outcome so far, 0 (a stalemate) to 1 (one side decisively "
        "ahead): agreements after decisive outcomes hold longer (Fortna 2004); a covariate "
        "of durability. Unset: read from the front line (where the contested issues' status "
        "quo stands between the two sides' victory terms; 0 without a contested issue).",
    )

    @model_validator(mode="after")
    def _two_sides(self) -> War:
        if self.belligerents[0] == self.belligerents[1]:
            raise ValueError("the two belligerents must differ")
        if self.p is not None and self.p + self.stalemate > 1.0 + 1e-9:
            raise ValueError(f"p + stalemate = {self.p + self.stalemate} exceeds 1")
        return self

    @field_validator("started_sources")
    @classmethod
    def _started_is_set(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        """A source for the start date needs the date (located at this field; a `started`
        that failed its own check is reported there, not twice)."""
        if value and "started" in info.data and info.data["started"] is None:
            raise ValueError("started_sources cite the source of `started`, which is not set")
        return value


# ----------------------------------------------------------------------------------- scenario


class Scenario(_Model):
    """A conflict described at one date: the root of a scenario file."""

    schema_version: Literal[1] = Field(description="Version of this format: 1.")
    meta: Meta = Field(description="Name, date and sources.")
    actors: tuple[Actor, ...] = Field(description="The parties (at least two).")
    issues: tuple[Issue, ...] = Field(description="What is at stake (at least one).")
    positions: tuple[Position, ...] = Field(default=(), description="Who wants what.")
    trust: tuple[TrustPrior, ...] = Field(default=(), description="Prior trust between parties.")
    relations: tuple[Relation, ...] = Field(
        default=(), description="Explicit relations between actors (observer-relative trust)."
    )
    perceptions: tuple[Perception, ...] = Field(
        default=(), description="Per-observer readings of entries or sources."
    )
    ledger: tuple[LedgerEntry, ...] = Field(
        default=(), description="Claims, commitments, observations and events, dated."
    )
    mechanisms: tuple[Mechanism, ...] = Field(default=(), description="Mechanisms available.")
    proposals: tuple[Proposal, ...] = Field(default=(), description="Named packages.")
    bundles: tuple[Bundle, ...] = Field(
        default=(), description="Partial agreements that can be struck (default: by category)."
    )
    agreements_in_force: tuple[AgreementInForce, ...] = Field(
        default=(),
        description="Agreements on partial bundles in force at `meta.as_of` (runs start with "
        "them in force: they can break down, they are not signed again).",
    )
    payments: tuple[Payment, ...] = Field(
        default=(), description="Transfers a package may include (not on the issue scales)."
    )
    linkages: tuple[Linkage, ...] = Field(
        default=(),
        description="Conditional acceptances: an actor accepts X only with Y (issue linkage).",
    )
    war: War | None = Field(default=None, description="The model of continued fighting.")
    simulation: SimulationSettings | None = Field(
        default=None, description="How talks are run in Monte Carlo simulations."
    )
    shocks: tuple[Shock, ...] = Field(
        default=(), description="Events that may happen during a simulated run."
    )
    tracks: tuple[Track, ...] = Field(
        default=(),
        description="Channels of talks: who meets whom, at which level, what each can settle "
        "(default: one track, the veto parties' leaders, settling every bundle).",
    )
    refusals: tuple[Refusal, ...] = Field(
        default=(), description="Who refuses to meet whom, at which levels, why, since when."
    )
    mediators: tuple[MediatorRole, ...] = Field(
        default=(), description="Mediators as actors: their leverage and withdrawal."
    )
    public_commitments: tuple[PublicCommitment, ...] = Field(
        default=(),
        description="Public commitments in law (annexation, constitution, referendum) that "
        "bind a party's red lines as the costs of fighting mount.",
    )

    # Convenience look-ups: pure functions of the data, computed on demand.
    def actor(self, actor_id: str) -> Actor:
        """The actor with this id (KeyError if none)."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def issue(self, issue_id: str) -> Issue:
        """The issue with this id (KeyError if none)."""
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(issue_id)

    def current_positions(self, as_of: dt.date | None = None) -> dict[tuple[str, str], Position]:
        """(actor, issue) → the latest position dated on or before ``as_of`` (default meta).

        Undated positions count as current; a dated one after ``as_of`` is ignored.
        """
        limit = as_of or self.meta.as_of
        best: dict[tuple[str, str], Position] = {}
        for p in self.positions:
            if p.date is not None and p.date > limit:
                continue
            key = (p.actor, p.issue)
            cur = best.get(key)
            if cur is None or (p.date or dt.date.min) >= (cur.date or dt.date.min):
                best[key] = p
        return best

    def current_commitments(
        self, as_of: dt.date | None = None
    ) -> dict[tuple[str, str], PublicCommitment]:
        """(actor, issue) → the latest public commitment dated on or before ``as_of``."""
        limit = as_of or self.meta.as_of
        best: dict[tuple[str, str], PublicCommitment] = {}
        for c in self.public_commitments:
            if c.date > limit:
                continue
            cur = best.get((c.actor, c.issue))
            if cur is None or c.date >= cur.date:
                best[(c.actor, c.issue)] = c
        return best

    @property
    def veto_actors(self) -> tuple[Actor, ...]:
        """Actors whose consent some agreement needs (every veto party; one with
        ``veto_issues`` only for agreements that touch those issues: :meth:`Agreement.veto_parties
        <detente.bargaining.bundles.Agreement.veto_parties>`)."""
        return tuple(a for a in self.actors if a.veto)

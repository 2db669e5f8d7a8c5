"""Who talks to whom: negotiation tracks, meeting refusals, mediators as actors, Track II.

A *track* is a channel of talks: its participants (actors or factions, each at a level —
leaders, ministers, military commands, technical teams or unofficial figures), a mediator or
host, a cadence, and the bundles it can settle (a military track can agree an exchange of
prisoners or a cease-fire line, not borders). Its agreements may need endorsement on a
higher track. A *refusal* is an actor's stated refusal to meet another at some levels (with a
reason such as legitimacy and dates); while it holds it closes every track on which the two
would sit at those levels, and with it the bundles only those tracks can settle. A *mediator*
is an actor with leverage (aid, sanctions, guarantees) that can withdraw, at a date or after
repeated stalled rounds; the tracks it mediates stop meeting when it has gone. A *Track II*
channel is an unofficial track: it settles nothing; its effect is on third parties' support and
on the other side's cohesion (docs/explanation/tracks.md).

A scenario that declares no track has one implicit track, :data:`DEFAULT_TRACK` (the veto
parties' leaders, settling every bundle, mediated by ``simulation.mediator``): the one table
every scenario had before tracks existed.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from detente.scenario.base import MAX_PERIODS, Id, _Model, _Traced

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = [
    "DEFAULT_TRACK",
    "Level",
    "Leverage",
    "LeverageKind",
    "MediatorRole",
    "Participant",
    "Refusal",
    "RefusalReason",
    "Track",
    "TrackStatus",
    "TrackTwo",
    "Withdrawal",
    "active_refusals",
    "bundle_ids",
    "bundle_tracks",
    "effective_tracks",
    "track_status",
    "withdrawal_date",
]

DEFAULT_TRACK = "talks"
"""Id of the implicit track of a scenario that declares none."""


class Level(enum.StrEnum):
    """At which level an actor sits at a track."""

    leaders = "leaders"
    ministers = "ministers"
    military = "military"
    technical = "technical"
    unofficial = "unofficial"


class Participant(_Model):
    """An actor (or faction) at a track, at a level."""

    actor: Id = Field(description="Actor or faction id.")
    level: Level = Field(description="leaders, ministers, military, technical or unofficial.")


class TrackTwo(_Traced):
    """What an unofficial (Track II) channel does: not move positions, but third parties'
    support and the other side's cohesion (a possible peace offensive)."""

    target: Id = Field(description="The actor whose coalition or leadership the channel works on.")
    cohesion: float = Field(
        default=0.0,
        ge=-1.0,
        le=1.0,
        description="Change per meeting of the target's leader's control over its factions "
        "(`Actor.control`, 0–1; negative = the channel splits them).",
    )
    support: dict[Id, float] = Field(
        default_factory=dict,
        description="Support provider (actor id) → change per meeting of the level of its "
        "support to the target (`Support.level`, 0–1; negative = withdrawn).",
    )
    note: str | None = Field(default=None, description="What the channel is for.")


class Track(_Traced):
    """A channel of talks: who sits at it, at which level, who mediates, how often it meets
    and what it can settle."""

    id: Id = Field(description="Track id.")
    name: str = Field(min_length=1, description="Display name.")
    participants: tuple[Participant, ...] = Field(
        min_length=2, description="Who sits at it (at least two), each at a level."
    )
    mediator: Id | None = Field(
        default=None,
        description="Mediator (actor id): the track does not meet once it has withdrawn.",
    )
    host: Id | None = Field(default=None, description="Host of the meetings (actor id).")
    shuttle: bool = Field(
        default=False,
        description="Proximity or shuttle talks: the mediator meets each side separately, so "
        "a refusal between the parties does not close the track (one to meet the mediator "
        "does).",
    )
    cadence: int | None = Field(
        default=None,
        ge=1,
        le=MAX_PERIODS,
        description="Periods between meetings (unset: `simulation.talks_every`).",
    )
    bundles: tuple[Id, ...] = Field(
        default=(),
        description="Bundle ids it can settle (empty for a Track II channel).",
    )
    endorsement: Id | None = Field(
        default=None,
        description="Track whose endorsement its agreements need (e.g. the leaders').",
    )
    signature_only: bool = Field(
        default=False,
        description="A summit that only signs: the track meets only to sign the texts agreed "
        "ad referendum on the tracks that name it as their `endorsement` (the delegations "
        "draft, the leaders sign). It carries no talks of its own, so it settles no bundle "
        "by itself; it stays the endorsing track those tracks' agreements need.",
    )
    since: dt.date | None = Field(default=None, description="First meeting (unset: open).")
    until: dt.date | None = Field(
        default=None, description="Last meeting, if the track has ended (unset: running)."
    )
    track_two: TrackTwo | None = Field(
        default=None, description="For an unofficial channel: its effect on the other side."
    )
    note: str | None = Field(default=None, description="What the track is.")

    @model_validator(mode="after")
    def _coherent(self) -> Track:
        if self.since and self.until and self.until < self.since:
            raise ValueError(f"until {self.until} is before since {self.since}")
        unofficial = all(p.level is Level.unofficial for p in self.participants)
        if self.track_two is not None and not unofficial:
            raise ValueError("a Track II channel (track_two) has only unofficial participants")
        if unofficial and self.bundles:
            raise ValueError("an unofficial track cannot settle bundles (its `bundles` is empty)")
        if self.endorsement == self.id:
            raise ValueError("a track cannot need its own endorsement")
        if self.shuttle and self.mediator is None:
            raise ValueError("shuttle talks need a `mediator` who carries the messages")
        if self.signature_only and unofficial:
            raise ValueError("an unofficial track signs nothing (`signature_only`)")
        return self

    def levels_of(self, actor: str, parents: dict[str, str | None]) -> set[Level]:
        """Levels at which ``actor`` (or a faction of it) sits at the track."""
        out: set[Level] = set()
        for p in self.participants:
            cur: str | None = p.actor
            seen: set[str] = set()
            while cur is not None and cur not in seen:
                if cur == actor:
                    out.add(p.level)
                    break
                seen.add(cur)
                cur = parents.get(cur)
        return out


class RefusalReason(enum.StrEnum):
    """Why an actor refuses to meet another."""

    legitimacy = "legitimacy"
    preconditions = "preconditions"
    domestic_law = "domestic_law"
    security = "security"
    other = "other"


class Refusal(_Traced):
    """An actor's stated refusal to meet another (at some levels), with its reason and dates."""

    id: Id = Field(description="Refusal id.")
    by: Id = Field(description="Who refuses (actor id).")
    refuses: Id = Field(description="Whom it refuses to meet (actor id).")
    levels: tuple[Level, ...] = Field(
        default=(Level.leaders,),
        min_length=1,
        description="Levels at which it refuses (default: leaders only).",
    )
    reason: RefusalReason = Field(description="legitimacy, preconditions, domestic_law, ….")
    text: str = Field(default="", description="The refusal, paraphrased.")
    since: dt.date = Field(description="When it was stated.")
    until: dt.date | None = Field(default=None, description="When it was lifted, if it was.")

    @model_validator(mode="after")
    def _coherent(self) -> Refusal:
        if self.by == self.refuses:
            raise ValueError("an actor cannot refuse to meet itself")
        if self.until is not None and self.until < self.since:
            raise ValueError(f"until {self.until} is before since {self.since}")
        return self

    def active(self, date: dt.date) -> bool:
        """Does it hold on ``date``?"""
        return self.since <= date and (self.until is None or date < self.until)


class LeverageKind(enum.StrEnum):
    """What a mediator presses with."""

    aid = "aid"
    sanctions = "sanctions"
    guarantee = "guarantee"


class Leverage(_Traced):
    """A mediator's means of pressing a party while it mediates."""

    kind: LeverageKind = Field(description="aid, sanctions or guarantee.")
    on: Id = Field(description="Actor pressed.")
    cost_of_fighting: float = Field(
        ge=-1.0,
        le=1.0,
        description="Change of the pressed actor's cost of fighting per period while the "
        "mediator is engaged (utility units, as Actor.cost_of_fighting; positive = pressure). "
        "It ends when the mediator withdraws.",
    )


class Withdrawal(_Traced):
    """When a mediator walks away: at a date, or after repeated stalled rounds."""

    date: dt.date | None = Field(default=None, description="Scheduled withdrawal date.")
    after_stalled_rounds: int | None = Field(
        default=None,
        ge=1,
        le=MAX_PERIODS,
        description="Withdraws after this many consecutive meetings of its tracks without "
        "an agreement (simulations).",
    )

    @model_validator(mode="after")
    def _one_rule(self) -> Withdrawal:
        if (self.date is None) == (self.after_stalled_rounds is None):
            raise ValueError("give exactly one of `date` and `after_stalled_rounds`")
        return self


class MediatorRole(_Traced):
    """A mediator as an actor: its leverage and when it would withdraw."""

    actor: Id = Field(description="The mediator (actor id).")
    leverage: tuple[Leverage, ...] = Field(default=(), description="What it presses with.")
    withdrawal: Withdrawal | None = Field(
        default=None, description="When it walks away (unset: it stays)."
    )


# ------------------------------------------------------------------------------ evaluation


def bundle_ids(s: Scenario) -> tuple[str, ...]:
    """Ids of the scenario's bundles: the declared ones, else one per issue category present
    (as :func:`detente.bargaining.bundles.default_bundles`), plus ``settlement``."""
    if s.bundles:
        ids = [b.id for b in s.bundles]
    else:
        ids = list(dict.fromkeys(i.category.value for i in s.issues if i.category is not None))
    return tuple(dict.fromkeys([*ids, "settlement"]))


def effective_tracks(s: Scenario) -> tuple[Track, ...]:
    """The declared tracks, or the implicit :data:`DEFAULT_TRACK` if there are none."""
    if s.tracks:
        return s.tracks
    veto = [a.id for a in s.actors if a.veto]
    if len(veto) < 2:
        veto = [a.id for a in s.actors]
    if len(veto) < 2:
        return ()  # not a negotiation (validate.check_references reports it)
    mediator = s.simulation.mediator if s.simulation is not None else None
    return (
        Track(
            id=DEFAULT_TRACK,
            name="Talks between the veto parties' leaders (implicit)",
            participants=tuple(Participant(actor=a, level=Level.leaders) for a in veto),
            mediator=mediator,
            bundles=bundle_ids(s),
            assumption="no tracks declared: one table, the veto parties' leaders",
        ),
    )


def active_refusals(s: Scenario, date: dt.date | None = None) -> tuple[Refusal, ...]:
    """Refusals holding on ``date`` (default ``meta.as_of``)."""
    when = date or s.meta.as_of
    return tuple(r for r in s.refusals if r.active(when))


def withdrawal_date(s: Scenario, mediator: str) -> dt.date | None:
    """The scheduled withdrawal date of ``mediator``, if any."""
    for m in s.mediators:
        if m.actor == mediator and m.withdrawal is not None:
            return m.withdrawal.date
    return None


@dataclass(frozen=True)
class TrackStatus:
    """Whether a track can meet on a date, and if not why."""

    track: str
    open: bool
    refusals: tuple[str, ...]
    """Ids of the refusals that close it."""
    reason: str | None
    """Why it is closed: `refused`, `not_started`, `ended`, `mediator_withdrew` (or, in
    :func:`bundle_tracks`, `endorsement_closed`: the track that must endorse is closed; or
    `signature_only`: an open summit that only signs what the tracks it endorses agree)."""


def track_status(s: Scenario, track: Track, date: dt.date | None = None) -> TrackStatus:
    """Is ``track`` open on ``date`` (default ``meta.as_of``)? Closed by a refusal holding
    then between two of its participants at a refused level (for shuttle talks: between a
    participant and the mediator), before it starts or after it
    ended, or once its mediator has withdrawn (scheduled withdrawal)."""
    when = date or s.meta.as_of
    parents = {a.id: a.parent for a in s.actors}

    def meets(by: str, other: str, levels: set[Level]) -> bool:
        """Would ``by`` sit face to face with ``other`` at one of ``levels``?"""
        if not levels & track.levels_of(by, parents):
            return False
        if track.shuttle:  # each side meets the mediator only
            return other == track.mediator or by == track.mediator
        return bool(levels & track.levels_of(other, parents))

    closing = tuple(r.id for r in active_refusals(s, when) if meets(r.by, r.refuses, set(r.levels)))
    reason: str | None = None
    if closing:
        reason = "refused"
    elif track.since is not None and when < track.since:
        reason = "not_started"
    elif track.until is not None and when > track.until:
        reason = "ended"
    elif track.mediator is not None:
        gone = withdrawal_date(s, track.mediator)
        if gone is not None and gone <= when:
            reason = "mediator_withdrew"
    return TrackStatus(track.id, reason is None, closing, reason)


def bundle_tracks(
    s: Scenario, date: dt.date | None = None
) -> dict[str, tuple[tuple[str, ...], tuple[TrackStatus, ...]]]:
    """Bundle id → (ids of the open tracks that can settle it, the statuses of the closed
    tracks that could), on ``date`` (default ``meta.as_of``). A track's agreements that need
    endorsement count only if the endorsing track is open too. A ``signature_only`` track
    (a summit that only signs the texts of the tracks it endorses) settles nothing by
    itself: it is never one of the tracks that can settle a bundle (its status on a bundle
    it lists: ``signature_only``), and it still endorses."""
    tracks = effective_tracks(s)
    status = {t.id: track_status(s, t, date) for t in tracks}

    def usable(t: Track, seen: frozenset[str] = frozenset()) -> bool:
        if not status[t.id].open:
            return False
        if t.endorsement is None:
            return True
        if t.endorsement in seen:
            return False
        parent = next((x for x in tracks if x.id == t.endorsement), None)
        return parent is not None and usable(parent, seen | {t.id})

    def why_not(t: Track) -> TrackStatus:
        if not status[t.id].open:
            return status[t.id]
        if not usable(t):
            return TrackStatus(t.id, False, (), "endorsement_closed")
        return TrackStatus(t.id, False, (), "signature_only")

    out: dict[str, tuple[tuple[str, ...], tuple[TrackStatus, ...]]] = {}
    for bid in bundle_ids(s):
        able = [t for t in tracks if bid in t.bundles]
        carry = [t for t in able if usable(t) and not t.signature_only]
        closed = tuple(why_not(t) for t in able if t not in carry)
        out[bid] = (tuple(t.id for t in carry), closed)
    return out

"""Compile a scenario's ledger once into a compact, date-sorted list of trust *impulses*.

Replay never touches pydantic objects: each ledger entry becomes zero or more plain tuples
``(day, cause, trustee, template, weight, source, self_report, participants, view)``:

* ``day`` — date ordinal; ``cause`` — index of the ledger entry id; ``trustee`` — actor index;
* ``template`` — index into :attr:`Compiled.templates` (which dimensions move, which way, how
  relevant) or :data:`CONTACT` templates (uncertainty falls, expectation stays);
* ``weight`` — magnitude × verification confidence × cost factor (× credibility for
  resolutions); the replay multiplies it by the source's learned accuracy and, for
  self-reports, by each truster's expected trust in the trustee's integrity;
* ``participants`` — trusters the impulse reaches (``None`` = every actor but the trustee:
  public events are seen by all);
* ``view`` — per-truster weight factors (``None`` = 1 for all): the observer-relative
  reading of a hostile act's peaceful-intention evidence (:func:`observer_factors`).

The effect tables below are the documented defaults (docs/explanation/trust-model.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.special import betainc

from detente.errors import InputError
from detente.scenario.schema import (
    ClaimEntry,
    Commitment,
    EventEntry,
    EventType,
    Evidence,
    ExpectedTrust,
    ObservationEntry,
    Reliability,
    Scenario,
    Verification,
)
from detente.trust.contact import summit_impulses
from detente.trust.opinion import DEFAULT_PRIOR_WEIGHT, Opinion
from detente.trust.resolution import (
    BROKEN_EVENTS,
    KEPT_EVENTS,
    SCORES,
    Resolution,
    Verdict,
    combine,
    term_verdict,
)
from detente.trust.rules import DIMENSIONS

__all__ = [
    "CHEAP_TALK",
    "EVENT_EFFECTS",
    "RELATION_FACTOR",
    "RELIABILITY_PRIOR",
    "VERIFICATION_CONFIDENCE",
    "Compiled",
    "Impulse",
    "Template",
    "accuracy",
    "compile_scenario",
    "costly_signal",
    "explicit_relations",
    "observer_factors",
    "relation",
    "sides",
]

FloatArray = NDArray[np.float64]

VERIFICATION_CONFIDENCE: dict[Verification, float] = {
    Verification.unverified: 0.25,
    Verification.single_source: 0.6,
    Verification.independently_verified: 0.9,
    Verification.monitor_verified: 1.0,
}
"""How much of an observation's weight survives its verification level."""

RELIABILITY_PRIOR: dict[Reliability, tuple[float, float]] = {
    Reliability.high: (9.0, 1.0),
    Reliability.medium: (4.0, 2.0),
    Reliability.low: (2.0, 2.0),
    Reliability.partisan: (1.5, 2.5),
}
"""Beta prior (hits, misses) of a source's accuracy, by its stated reliability."""

CHEAP_TALK = 0.1
"""Weight of a statement of intent relative to a verified material act (references §1)."""

# Dimension order: capacity, peaceful_intention, integrity, predictability.
_V = tuple[float, float, float, float]
EVENT_EFFECTS: dict[EventType, tuple[_V, bool]] = {
    EventType.violation: ((0.0, -0.7, -1.0, -0.5), False),
    EventType.atrocity: ((0.0, -1.0, -0.5, -0.3), False),
    EventType.offensive: ((0.0, -1.0, 0.0, -0.3), False),
    EventType.agreement_ended: ((0.0, -0.5, -0.7, -0.7), False),
    EventType.gesture: ((0.0, 1.0, 0.3, 0.0), True),
    EventType.summit: ((0.0, 0.3, 0.0, 0.0), True),
    EventType.prisoner_exchange: ((0.3, 0.2, 0.2, 1.0), False),
    EventType.agreement_signed: ((0.0, 0.5, 0.0, 0.2), False),
}
"""Event type → (signed relevance per dimension, counts-by-its-cost). Acts of the `by` actor,
or of every participant (`actors`) when there is no `by`. Unlisted types (talks, aid,
sanctions, statement, agreement_lapsed) carry no act evidence: an agreement not renewed at
its term's end broke no commitment (docs/explanation/trust-model.md, "Non-renewal")."""

CONTACT_WEIGHT: dict[EventType, float] = {
    EventType.talks: 0.5,
    EventType.summit: 1.5,
    EventType.agreement_signed: 1.0,
    EventType.prisoner_exchange: 0.5,
}
"""Contact weight (× magnitude) among participants: reduces uncertainty about intention and
predictability without moving expected trust."""

KEPT: _V = (0.0, 0.0, 1.0, 1.0)
BROKEN: _V = (0.0, 0.0, -1.0, -1.0)
BROKEN_MILITARY: _V = (0.0, -0.5, -1.0, -1.0)
INTENT: _V = (0.0, 1.0, 0.0, 0.0)
CONTACT_DIMS: _V = (0.0, 1.0, 0.0, 1.0)


def costly_signal(cost: float) -> float:
    """Weight of a good act that counts by its cost: cheap talk (0.1) at cost 0, a verified
    material act (1) at cost ≈ 0.375, a costly hard-to-reverse step (2.5) at cost 1
    (references §1: 0.05–0.1, 1, 1.5–3)."""
    return CHEAP_TALK + (2.5 - CHEAP_TALK) * cost


@dataclass(frozen=True, slots=True)
class Template:
    """Which dimensions an impulse moves: ``sign`` (+1/−1/0) and ``strength`` per dimension;
    ``contact`` templates reduce uncertainty instead (sign ignored)."""

    sign: tuple[float, ...]
    strength: tuple[float, ...]
    contact: bool = False


Impulse = tuple[
    int, int, int, int, float, int, bool, tuple[int, ...] | None, tuple[float, ...] | None
]

RELATION_FACTOR: dict[str, float] = {
    "target": 1.0,
    "ally_of_target": 0.75,
    "third_party": 0.5,
    "ally_of_actor": 0.0,
}
"""How much of a hostile act's peaceful-intention evidence reaches an observer, by its
relation to the act's target (docs/explanation/trust-model.md: Kydd 2005 — trust is the
belief that the other would not exploit *me*, so an act is diagnostic in proportion to how
much the observer stands where the target stands; Heider 1958 balance — an act against my
enemy is not hostile to me). Values are assumptions."""


def sides(scenario: Scenario) -> dict[str, int]:
    """Actor → side (0: ``war.belligerents[0]``'s, 1: the other's) derived from the
    scenario: the belligerents, their factions (``parent``, transitively) and the providers
    of support to an actor on a side (unless already on the other). Others are absent."""
    out: dict[str, int] = {}
    if scenario.war is not None:
        for k, b in enumerate(scenario.war.belligerents):
            out[b] = k
    parent = {a.id: a.parent for a in scenario.actors if a.parent}
    for _ in range(len(scenario.actors)):
        changed = False
        for a in scenario.actors:
            if a.id not in out and parent.get(a.id) in out:
                out[a.id] = out[str(parent[a.id])]
                changed = True
            if a.id in out:
                for sup in a.support:
                    if sup.provider and sup.provider not in out:
                        out[sup.provider] = out[a.id]
                        changed = True
        if not changed:
            break
    return out


Explicit = dict[tuple[str, str], str]


def explicit_relations(scenario: Scenario) -> Explicit:
    """The scenario's explicit relations, both ways: (x, y) → ``ally``/``enemy``/``neutral``."""
    out: Explicit = {}
    for rel in scenario.relations:
        out[(rel.a, rel.b)] = out[(rel.b, rel.a)] = rel.kind.value
    return out


def relation(
    observer: str, actor: str, target: str, side: dict[str, int], explicit: Explicit | None = None
) -> str:
    """The observer's relation to a hostile act of ``actor`` against ``target``: explicit
    relations first (to the target, then to the actor), else the derived war sides."""
    if observer == target:
        return "target"
    ex = explicit or {}
    to_target, to_actor = ex.get((observer, target)), ex.get((observer, actor))
    if to_target == "ally" or (to_target is None and to_actor == "enemy"):
        return "ally_of_target"
    if to_target == "enemy" or (to_target is None and to_actor == "ally"):
        return "ally_of_actor"  # an act against my enemy is not hostile to me
    if to_target == "neutral" or to_actor == "neutral":
        return "third_party"
    so, st, sa = side.get(observer), side.get(target), side.get(actor)
    if so is not None and so == st:
        return "ally_of_target"
    if so is not None and so == sa:
        return "ally_of_actor"
    return "third_party"


def observer_factors(
    actors: tuple[str, ...],
    actor: str,
    target: str,
    side: dict[str, int],
    explicit: Explicit | None = None,
) -> tuple[float, ...]:
    """:data:`RELATION_FACTOR` of every actor (as observer) for one hostile act."""
    return tuple(RELATION_FACTOR[relation(o, actor, target, side, explicit)] for o in actors)


def _perceptions(
    scenario: Scenario, actors: tuple[str, ...]
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per-observer multipliers by ledger entry id and by source id (the ratio of the
    observer's prior accuracy for the source to everyone's)."""
    idx = {a: k for k, a in enumerate(actors)}
    ids = {e.id for e in scenario.ledger}
    by_entry: dict[str, list[float]] = {}
    by_source: dict[str, list[float]] = {}
    for k, p in enumerate(scenario.perceptions):
        where = f"perceptions[{k}]"
        if p.observer not in idx:
            raise InputError(f"{where}: unknown observer {p.observer!r}")
        o = idx[p.observer]
        if p.entry is not None:
            if p.entry not in ids:
                raise InputError(f"{where}: unknown ledger entry {p.entry!r}")
            by_entry.setdefault(p.entry, [1.0] * len(actors))[o] *= p.weight
        if p.source is not None:
            src = scenario.meta.sources.get(p.source)
            if src is None or p.reliability is None:
                raise InputError(f"{where}: `source` needs a known source id and a reliability")
            ratio = accuracy(*RELIABILITY_PRIOR[p.reliability]) / accuracy(
                *RELIABILITY_PRIOR[src.reliability]
            )
            by_source.setdefault(p.source, [1.0] * len(actors))[o] *= ratio
        if p.entry is None and p.source is None:
            raise InputError(f"{where}: give an `entry` or a `source`")
    return by_entry, by_source


PriorReset = tuple[int, int, int, FloatArray, FloatArray, FloatArray, NDArray[np.bool_]]
"""``(day, trustee, truster, r, s, a, set)``: a dated prior (4-vectors; ``set`` marks the
dimensions it gives)."""
SourceOf = Callable[[ObservationEntry | EventEntry | ClaimEntry], tuple[str, tuple[float, float]]]


class Emit(Protocol):
    """Signature of the impulse emitter used while compiling."""

    def __call__(
        self,
        day: int,
        cause: int,
        who: str,
        signed: tuple[float, ...],
        weight: float,
        source: int,
        self_report: bool = False,
        participants: tuple[int, ...] | None = None,
        contact: bool = False,
        condoned: bool | None = None,
        target: str | None = None,
    ) -> None: ...


@dataclass
class Compiled:
    """A scenario's ledger as impulses, plus priors and source tables (arrays are indexed
    ``[trustee, dimension, truster]``)."""

    actors: tuple[str, ...]
    causes: list[str]
    templates: list[Template]
    impulses: Iterable[Impulse]
    """Date-sorted impulses (a list for scenarios; any re-iterable for streams)."""
    source_keys: list[str]
    source_prior: list[tuple[float, float]]
    source_updates: list[tuple[int, int, bool]]
    resolutions: list[Resolution]
    prior_r: FloatArray
    prior_s: FloatArray
    prior_a: FloatArray
    has_prior: NDArray[np.bool_]
    start_day: int
    end_day: int
    W: float = DEFAULT_PRIOR_WEIGHT
    resets: list[PriorReset] = field(default_factory=list)
    """Dated priors that replace a pair's state at the end of their date (date order)."""
    _tpl_index: dict[tuple[tuple[float, ...], tuple[float, ...], bool], int] = field(
        default_factory=dict, repr=False
    )
    _src_index: dict[str, int] = field(default_factory=dict, repr=False)
    cause_index: dict[str, int] = field(default_factory=dict, repr=False)
    """Ledger entry id → its index in :attr:`causes`."""

    def template(self, signed: tuple[float, ...], contact: bool = False) -> int:
        """Index of the template with these signed relevances (created on first use)."""
        sign = tuple(float(np.sign(v)) for v in signed)
        strength = tuple(abs(v) for v in signed)
        key = (sign, strength, contact)
        idx = self._tpl_index.get(key)
        if idx is None:
            idx = len(self.templates)
            self.templates.append(Template(sign, strength, contact))
            self._tpl_index[key] = idx
        return idx

    def source(self, key: str, prior: tuple[float, float]) -> int:
        """Index of a source (its Beta prior is fixed by its first use)."""
        idx = self._src_index.get(key)
        if idx is None:
            idx = len(self.source_keys)
            self.source_keys.append(key)
            self.source_prior.append(prior)
            self._src_index[key] = idx
        return idx


def _prior_opinion(value: Evidence | ExpectedTrust | None, W: float) -> Opinion | None:
    if value is None:
        return None
    if isinstance(value, Evidence):
        return Opinion(value.positive, value.negative, value.base_rate, W)
    return Opinion.from_expected(value.expected, value.confidence, value.base_rate, W)


_ORDER = [Reliability.high, Reliability.medium, Reliability.low, Reliability.partisan]


def _best_source(s: Scenario, ids: tuple[str, ...]) -> str | None:
    """The most reliable of the cited sources (first cited on ties), if any is known."""
    found = [i for i in ids if i in s.meta.sources]
    return min(found, key=lambda i: _ORDER.index(s.meta.sources[i].reliability), default=None)


def compile_scenario(
    scenario: Scenario, *, as_of: dt.date | None = None, W: float = DEFAULT_PRIOR_WEIGHT
) -> Compiled:
    """Impulses for every ledger entry dated on or before ``as_of`` (default meta.as_of)."""
    limit = as_of or scenario.meta.as_of
    actors = tuple(a.id for a in scenario.actors)
    idx = {a: k for k, a in enumerate(actors)}
    n, nd = len(actors), len(DIMENSIONS)
    prior_r = np.zeros((n, nd, n))
    prior_s = np.zeros((n, nd, n))
    prior_a = np.full((n, nd, n), 0.5)
    has_prior = np.zeros((n, n), dtype=bool)
    entries = sorted((e for e in scenario.ledger if e.date <= limit), key=lambda e: (e.date, e.id))
    start = entries[0].date if entries else limit
    resets: list[PriorReset] = []
    # An undated prior is the truster's view at ``limit`` (the date trust is read): it is
    # applied at the end of that date like a prior dated then, so every ledger entry dated
    # on or before it is taken as already in it and none is counted twice.
    for p in sorted(scenario.trust, key=lambda p: p.date or limit):
        if p.truster not in idx or p.trustee not in idx or p.truster == p.trustee:
            continue
        formed = p.date or limit
        if formed > limit:
            continue  # describes a later state: not yet known
        i, j = idx[p.truster], idx[p.trustee]
        has_prior[j, i] = True
        ops = [_prior_opinion(getattr(p, dim), W) for dim in DIMENSIONS]
        if formed >= start:
            # the state at the end of its date: replaces the pair's state then (the entries
            # dated on or before it are taken as already reflected in it)
            given = np.array([op is not None for op in ops])
            pr, ps, pa = (
                np.array([getattr(op, f) if op is not None else v for op in ops])
                for f, v in (("r", 0.0), ("s", 0.0), ("a", 0.5))
            )
            resets.append((formed.toordinal(), j, i, pr, ps, pa, given))
            continue
        for k, op in enumerate(ops):
            if op is not None:
                prior_r[j, k, i], prior_s[j, k, i], prior_a[j, k, i] = op.r, op.s, op.a
    impulses: list[Impulse] = []
    c = Compiled(
        actors, [], [], impulses, [], [], [], [], prior_r, prior_s, prior_a, has_prior,
        start.toordinal(), limit.toordinal(), W, sorted(resets, key=lambda t: t[0]),
    )  # fmt: skip
    control = {a.id: (0.5 if a.control is None else a.control) for a in scenario.actors}
    side, explicit = sides(scenario), explicit_relations(scenario)
    by_entry, by_source = _perceptions(scenario, actors)

    def perceived(
        cause: int, source: int, view: tuple[float, ...] | None
    ) -> tuple[float, ...] | None:
        """Fold the observers' own readings of the entry and its source into ``view``."""
        factors = [f for f in (by_entry.get(c.causes[cause]),) if f is not None]
        if source >= 0 and c.source_keys[source] in by_source:
            factors.append(by_source[c.source_keys[source]])
        if not factors:
            return view
        out = np.prod(np.array(factors), axis=0)
        if view is not None:
            out = out * np.array(view)
        return tuple(out.tolist())

    parent = {a.id: a.parent for a in scenario.actors if a.parent in idx}
    refs: dict[str, list[ObservationEntry | EventEntry]] = defaultdict(list)
    referenced = {
        r for e in entries if isinstance(e, ObservationEntry | EventEntry) for r in e.refers_to
    }
    resolvable = {
        e.id
        for e in entries
        if isinstance(e, Commitment)
        or (isinstance(e, ClaimEntry) and (e.terms or e.id in referenced))
    }
    for e in entries:
        if isinstance(e, ObservationEntry | EventEntry):
            for ref in e.refers_to:
                refs[ref].append(e)

    def src_of(e: ObservationEntry | EventEntry | ClaimEntry) -> tuple[str, tuple[float, float]]:
        # A party's claim is its own word; a report is as good as the best source it cites
        # (which is also the source that learns from it); uncited reports by a party are
        # partisan, other uncited reports medium.
        if isinstance(e, ClaimEntry):
            return e.by, RELIABILITY_PRIOR[Reliability.partisan]
        best = _best_source(scenario, e.sources)
        if best is not None:
            return best, RELIABILITY_PRIOR[scenario.meta.sources[best].reliability]
        key = e.observer if isinstance(e, ObservationEntry) else (e.by or "public")
        rel = Reliability.partisan if key in idx else Reliability.medium
        return key, RELIABILITY_PRIOR[rel]

    def emit(
        day: int,
        cause: int,
        who: str,
        signed: tuple[float, ...],
        weight: float,
        source: int,
        self_report: bool = False,
        participants: tuple[int, ...] | None = None,
        contact: bool = False,
        condoned: bool | None = None,
        target: str | None = None,
    ) -> None:
        if who not in idx or weight <= 0 or not any(signed):
            return
        hostile = not contact and target is not None and target != who and signed[1] < 0
        if hostile:  # the intention part is read by each observer's relation to the target
            assert target is not None
            rest = (signed[0], 0.0, signed[2], signed[3])
            if any(rest):
                seen = perceived(cause, source, None)
                impulses.append((day, cause, idx[who], c.template(rest), weight, source,
                                 self_report, participants, seen))  # fmt: skip
            rel = observer_factors(actors, who, target, side, explicit)
            view = perceived(cause, source, rel)
            intent = (0.0, signed[1], 0.0, 0.0)
            impulses.append((day, cause, idx[who], c.template(intent), weight, source,
                             self_report, participants, view))  # fmt: skip
        else:
            tpl = c.template(signed, contact)
            view = None if contact else perceived(cause, source, None)
            impulses.append(
                (day, cause, idx[who], tpl, weight, source, self_report, participants, view)
            )
        # A faction's misdeed is evidence about its state: capacity if the leader could not
        # restrain it (1 − control), intention if it condoned it (control); a recorded
        # `condoned` settles it (True: intention only, False: capacity only).
        if not contact and who in parent and min(signed) < 0:
            ctl = control[who] if condoned is None else float(condoned)
            bad = -min(signed)
            spill = (-(1.0 - ctl) * bad, -ctl * bad, 0.0, 0.0)
            emit(day, cause, str(parent[who]), spill, weight, source, False, participants,
                 target=target)  # fmt: skip

    for e in entries:
        day = e.date.toordinal()
        cause = len(c.causes)
        c.causes.append(e.id)
        c.cause_index[e.id] = cause
        if isinstance(e, EventEntry):
            key, prior = src_of(e)
            src = c.source(key, prior)
            conf = VERIFICATION_CONFIDENCE[e.verification]
            doers = [e.by] if e.by else list(e.actors)
            effect = EVENT_EFFECTS.get(e.type)
            if effect is not None:
                signed, by_cost = effect
                if any(r in resolvable for r in e.refers_to):
                    # integrity/predictability are judged by the commitment's resolution
                    signed = (signed[0], signed[1], 0.0, 0.0)
                if by_cost:
                    factor = costly_signal(e.cost)
                elif min(signed) < 0:
                    factor = 1.0
                else:
                    factor = 1.0 + 1.5 * e.cost
                for who in doers:
                    weight = e.magnitude * conf * factor
                    emit(day, cause, who, signed, weight, src, condoned=e.condoned,
                         target=e.against)  # fmt: skip
            cw = CONTACT_WEIGHT.get(e.type)
            party = list(dict.fromkeys([*e.actors, *(x for x in (e.by, e.against) if x)]))
            if cw is not None and len(party) >= 2:
                members = tuple(idx[p] for p in party if p in idx)
                for who in party:
                    others = tuple(m for m in members if m != idx.get(who))
                    emit(day, cause, who, CONTACT_DIMS, cw * e.magnitude, -1, False, others, True)
            for who, seen_by, signed in summit_impulses(e, idx, conf):  # trust/contact.py
                emit(day, cause, who, signed, 1.0, -1, False, seen_by)
        elif isinstance(e, ClaimEntry):
            key, prior = src_of(e)
            src = c.source(key, prior)
            about = e.about or e.by
            if about == e.by and (e.overture or e.terms):
                emit(day, cause, about, INTENT, CHEAP_TALK, src, True)
        elif isinstance(e, Commitment):
            src = c.source(e.by, RELIABILITY_PRIOR[Reliability.partisan])
            emit(day, cause, e.by, INTENT, CHEAP_TALK, src, True)
        elif not e.refers_to and e.assessment is not None:
            key, prior = src_of(e)
            src = c.source(key, prior)
            conf = VERIFICATION_CONFIDENCE[e.verification]
            self_rep = e.observer == e.about
            a = e.assessment.value
            if a in ("kept", "partly_kept"):
                w = conf * (1.0 if a == "kept" else 0.5)
                emit(day, cause, e.about, KEPT, w, src, self_rep)
            if a in ("broken", "partly_kept"):
                w = conf * (1.0 if a == "broken" else 0.5)
                emit(day, cause, e.about, BROKEN, w, src, self_rep)

    by_id = {e.id: e for e in entries}
    due: list[tuple[dt.date, str]] = []
    for cid in resolvable:
        entry = by_id[cid]
        assert isinstance(entry, Commitment | ClaimEntry)
        when = _due(entry, refs.get(cid, []), limit)
        if when is not None:
            due.append((when, cid))
    for when, cid in sorted(due):  # in resolution order, so sources learn causally
        entry = by_id[cid]
        assert isinstance(entry, Commitment | ClaimEntry)
        _resolve(c, entry, when, refs.get(cid, []), src_of, emit)
    impulses.sort(key=lambda t: t[0])
    c.source_updates.sort(key=lambda t: t[0])
    c.resolutions.sort(key=lambda r: (r.date, r.entry_id))
    return c


def accuracy(alpha: float, beta: float) -> float:
    """TRAVOS-style accuracy of a source: the Beta(alpha, beta) mass above 1/2, i.e. the
    probability that most of its claims hold (Teacy et al. 2006, simplified to two bins)."""
    return float(1.0 - betainc(alpha, beta, 0.5))


def _due(
    e: Commitment | ClaimEntry, observed: list[ObservationEntry | EventEntry], limit: dt.date
) -> dt.date | None:
    """Resolution date: the deadline, or the latest referring observation if later; ``None``
    if not due by ``limit`` (deadline after it) or with neither deadline nor observation."""
    deadlines = [t.deadline for t in e.terms if t.deadline is not None]
    if e.deadline is not None:  # a commitment's deadline, or a claim's judging deadline
        deadlines.append(e.deadline)
    deadline = max(deadlines) if deadlines else None
    if deadline is not None and deadline > limit:
        return None
    last = max((o.date for o in observed if o.date <= limit), default=None)
    dates = [d for d in (deadline, last) if d is not None]
    return max(dates) if dates else None


def _learned(c: Compiled, key: str, prior: tuple[float, float], day: int) -> float:
    """A source's accuracy from its prior and the verdicts scored before ``day``."""
    src = c.source(key, prior)
    a, b = c.source_prior[src]
    for d, s, hit in c.source_updates:
        if s == src and d < day:
            a, b = (a + 1, b) if hit else (a, b + 1)
    return accuracy(a, b)


def _resolve(
    c: Compiled,
    e: Commitment | ClaimEntry,
    when: dt.date,
    observed: list[ObservationEntry | EventEntry],
    src_of: SourceOf,
    emit: Emit,
) -> None:
    seen = [o for o in observed if o.date <= when]
    day = when.toordinal()
    verdicts: list[Verdict] = []
    for o in seen:
        key, prior = src_of(o)
        cred = VERIFICATION_CONFIDENCE[o.verification] * _learned(c, key, prior, day)
        if isinstance(o, EventEntry):
            if o.type in BROKEN_EVENTS:
                verdicts.append(Verdict(o.id, key, "broken", cred))
            elif o.type in KEPT_EVENTS:
                verdicts.append(Verdict(o.id, key, "kept", cred))
            continue
        if o.assessment is not None:
            verdicts.append(Verdict(o.id, key, o.assessment.value, cred))
            continue
        if o.value is None:
            continue
        for t in e.terms:
            if o.indicator is not None and t.indicator != o.indicator:
                continue
            if o.region and t.region and o.region != t.region:
                continue
            v = term_verdict(t, o.value, o.baseline)
            if v is not None:
                verdicts.append(Verdict(o.id, key, v, cred))
    outcome, score, cred_total, deciding = combine(verdicts)
    res = Resolution(e.id, e.by, when, outcome, score, cred_total, deciding)
    c.resolutions.append(res)
    cause = c.cause_index[e.id]
    about = e.by if isinstance(e, Commitment) else (e.about or e.by)
    if score is not None and about == e.by:
        strength = min(1.0, cred_total)
        cost = e.cost if isinstance(e, Commitment) else 0.0
        military = isinstance(e, Commitment) and e.domain == "military"
        if score > 0:  # keeping a promise signals by its cost; breaking any is a misdeed
            emit(day, cause, about, KEPT, score * strength * costly_signal(cost), -1)
        if score < 1:
            broken = BROKEN_MILITARY if military else BROKEN
            emit(day, cause, about, broken, (1.0 - score) * strength, -1)
    if score is None:
        return
    # TRAVOS-style learning: a source's verdict agreeing with the outcome is a hit.
    for vd in deciding:
        hit = abs(SCORES[vd.verdict] - score) < 0.5  # on the outcome's side
        src = c.source(vd.source, (1.0, 1.0))
        c.source_updates.append((day, src, hit))
    if outcome in ("kept", "broken"):
        # the promiser's own word, as a source of claims about itself
        src = c.source(e.by, RELIABILITY_PRIOR[Reliability.partisan])
        c.source_updates.append((day, src, outcome == "kept"))

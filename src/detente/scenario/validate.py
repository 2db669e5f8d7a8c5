"""Cross-reference checks on a parsed scenario: every problem at once, with its field path.

Structural checks (types, ranges, enums) are pydantic's; this module checks what a single
field cannot: that ids exist and are unique, dates are in order, saliences sum to something,
mechanisms and proposals name known things. ``strict`` adds the traceability rule: every
object that carries numbers cites a source or is marked as an assumption.

:func:`check_contradictions` finds models that are well-formed but say two incompatible
things (a ledger entry that refers to itself, a support line an actor gives itself, …);
:func:`check_negotiation` finds what makes a scenario impossible to bargain over (no veto
party, a veto party with no position); :func:`require_negotiation` is what every engine that
bargains (``analyze``, ``simulate``, …) calls first, so they refuse the same scenarios.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from detente.errors import InputError
from detente.scenario.base import _Traced
from detente.scenario.dynamics import front_moves
from detente.scenario.in_force import check_in_force
from detente.scenario.schema import (
    ActorKind,
    ClaimEntry,
    Commitment,
    EventEntry,
    ObservationEntry,
    Scenario,
)
from detente.scenario.term import check_terms
from detente.scenario.tracks import bundle_ids

__all__ = [
    "SIMULATION_MAXIMA",
    "Finding",
    "NegotiationError",
    "check_ceasefire_linkage",
    "check_contradictions",
    "check_deals",
    "check_linkage_veto",
    "check_negotiation",
    "check_past_dates",
    "check_references",
    "check_sources",
    "check_traceability",
    "check_tracks",
    "require_negotiation",
    "track_notes",
]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """One problem: where (field path from the root) and what."""

    path: Path
    message: str


def _dupes(ids: Iterable[str]) -> set[str]:
    return {k for k, n in Counter(ids).items() if n > 1}


def check_references(s: Scenario, *, sources: bool = True) -> list[Finding]:
    """All cross-reference problems of ``s`` (empty list = consistent).

    ``sources=False`` leaves out :func:`check_sources` (the slow part: a walk over every
    object), for callers that check many variants of one scenario whose sources are the same.
    """
    out: list[Finding] = []

    def add(path: Path, msg: str) -> None:
        out.append(Finding(path, msg))

    actor_ids = {a.id for a in s.actors}
    issue_ids = {i.id for i in s.issues}
    ledger_ids = {e.id for e in s.ledger}
    mech_ids = {m.id for m in s.mechanisms}
    as_of = s.meta.as_of

    def need_actor(path: Path, ref: str | None) -> None:
        if ref is not None and ref not in actor_ids:
            add(path, f"unknown actor id {ref!r}; expected one of: {_list(actor_ids)}")

    def need_issue(path: Path, ref: str) -> None:
        if ref not in issue_ids:
            add(path, f"unknown issue id {ref!r}; expected one of: {_list(issue_ids)}")

    def not_after(path: Path, d: dt.date | None, what: str = "date") -> None:
        if d is not None and d > as_of:
            add(path, f"{what} {d} is after meta.as_of {as_of}")

    if len(s.actors) < 2:
        add(("actors",), f"a scenario needs at least two actors, found {len(s.actors)}")
    if not s.issues:
        add(("issues",), "a scenario needs at least one issue")

    # unique ids
    for name, items in (
        ("actors", s.actors),
        ("issues", s.issues),
        ("ledger", s.ledger),
        ("mechanisms", s.mechanisms),
        ("proposals", s.proposals),
    ):
        dup = _dupes(x.id for x in items)
        for k, x in enumerate(items):
            if x.id in dup:
                add((name, k, "id"), f"duplicate id {x.id!r}")

    # actors
    parents = {a.id: a.parent for a in s.actors}
    for k, a in enumerate(s.actors):
        if a.parent is not None:
            if a.parent == a.id:
                add(("actors", k, "parent"), "an actor cannot be its own parent")
            else:
                need_actor(("actors", k, "parent"), a.parent)
            seen = {a.id}
            cur: str | None = a.parent
            while cur is not None and cur in parents:
                if cur in seen:
                    add(("actors", k, "parent"), f"parent chain of {a.id!r} has a cycle")
                    break
                seen.add(cur)
                cur = parents[cur]
        if a.kind is ActorKind.faction and a.parent is None:
            add(("actors", k, "parent"), "a faction needs a parent (the state it belongs to)")
        if a.control is not None and a.kind is not ActorKind.faction:
            add(("actors", k, "control"), "control (leader's control) applies to factions only")
        for j, iid in enumerate(a.veto_issues or ()):
            need_issue(("actors", k, "veto_issues", j), iid)
        for j, sup in enumerate(a.support):
            need_actor(("actors", k, "support", j, "provider"), sup.provider)
        for j in _dupe_positions([sp.id for sp in a.support]):
            add(("actors", k, "support", j, "id"), "duplicate support id")

    # issues
    for k, i in enumerate(s.issues):
        values = [an.value for an in i.anchors]
        if 0.0 not in values or 100.0 not in values:
            add(("issues", k, "anchors"), "anchors must label both ends of the scale, 0 and 100")
        for j in _dupe_positions(values):
            add(("issues", k, "anchors", j, "value"), "two anchors at the same value")
        for j in _dupe_positions([o.id for o in i.options]):
            add(("issues", k, "options", j, "id"), "duplicate option id")

    # positions
    by_issue = {i.id: i for i in s.issues}
    seen_pos: set[tuple[str, str, dt.date | None]] = set()
    for k, p in enumerate(s.positions):
        need_actor(("positions", k, "actor"), p.actor)
        need_issue(("positions", k, "issue"), p.issue)
        key = (p.actor, p.issue, p.date)
        if key in seen_pos:
            add(("positions", k), f"second position of {p.actor} on {p.issue} dated {p.date}")
        seen_pos.add(key)
        not_after(("positions", k, "date"), p.date)
        if p.at_front and p.issue in by_issue and not front_moves(by_issue[p.issue]):
            why = (
                "is not contested"
                if not by_issue[p.issue].contested
                else "has `front.moves: false`"
            )
            add(
                ("positions", k, "at_front"),
                f"at_front on issue {p.issue!r}, which the front line does not move (it {why}): "
                "the red line would never move",
            )
    # public commitments
    seen_pc: set[tuple[str, str, dt.date]] = set()
    for k, c in enumerate(s.public_commitments):
        need_actor(("public_commitments", k, "actor"), c.actor)
        need_issue(("public_commitments", k, "issue"), c.issue)
        if (c.actor, c.issue, c.date) in seen_pc:
            add(
                ("public_commitments", k),
                f"second public commitment of {c.actor} on {c.issue} dated {c.date}",
            )
        seen_pc.add((c.actor, c.issue, c.date))
        not_after(("public_commitments", k, "date"), c.date)
        if c.acceptance and c.ratification is None:
            add(
                ("public_commitments", k, "acceptance"),
                "acceptance shares without a `ratification`: whose acceptance would they "
                "measure? Name who must ratify a settlement past the level",
            )
        if c.majority != 0.5 and c.ratification is None:
            add(
                ("public_commitments", k, "majority"),
                f"a majority of {c.majority:g} without a `ratification`: name who must ratify",
            )
        seen_acc: set[dt.date] = set()
        for j, acc in enumerate(c.acceptance):
            if acc.date in seen_acc:
                add(
                    ("public_commitments", k, "acceptance", j, "date"),
                    f"second acceptance share dated {acc.date}",
                )
            seen_acc.add(acc.date)
            not_after(("public_commitments", k, "acceptance", j, "date"), acc.date)
            for n_ref, ref in enumerate(acc.sources):
                src = s.meta.sources.get(ref)
                published = src.date if src is not None else None
                if published and _earliest(published) > as_of:
                    add(
                        ("public_commitments", k, "acceptance", j, "sources", n_ref),
                        f"source {ref!r} is dated {published} (published after meta.as_of "
                        f"{as_of}): a share the scenario's date could not know",
                    )
    sums: dict[str, float] = {}
    for (actor, _), p in s.current_positions().items():
        sums[actor] = sums.get(actor, 0.0) + p.salience
    for actor, total in sums.items():
        if total <= 0.0:
            k = next(j for j, p in enumerate(s.positions) if p.actor == actor)
            add(("positions", k, "salience"), f"saliences of {actor} sum to 0; one must be > 0")

    # trust
    pairs: set[tuple[str, str]] = set()
    for k, t in enumerate(s.trust):
        need_actor(("trust", k, "truster"), t.truster)
        need_actor(("trust", k, "trustee"), t.trustee)
        if t.truster == t.trustee:
            add(("trust", k, "trustee"), "truster and trustee are the same actor")
        not_after(("trust", k, "date"), t.date)
        if (t.truster, t.trustee) in pairs:
            add(("trust", k), f"second trust prior for {t.truster} → {t.trustee}")
        pairs.add((t.truster, t.trustee))

    # relations and perceptions (observer-relative trust)
    for k, rel in enumerate(s.relations):
        need_actor(("relations", k, "a"), rel.a)
        need_actor(("relations", k, "b"), rel.b)
        if rel.a == rel.b:
            add(("relations", k, "b"), "a relation needs two different actors")
    for k, per in enumerate(s.perceptions):
        need_actor(("perceptions", k, "observer"), per.observer)
        if per.entry is not None and per.entry not in ledger_ids:
            add(("perceptions", k, "entry"), f"unknown ledger entry id {per.entry!r}")

    # ledger
    dates = {e.id: e.date for e in s.ledger}
    for k, e in enumerate(s.ledger):
        base: Path = ("ledger", k)
        not_after((*base, "date"), e.date)
        if isinstance(e, ClaimEntry | Commitment):
            need_actor((*base, "by"), e.by)
            for j, target in enumerate(e.to):
                need_actor((*base, "to", j), target)
            for j, term in enumerate(e.terms):
                if term.start and term.deadline and term.deadline < term.start:
                    add((*base, "terms", j, "deadline"), "term deadline is before its start")
        if isinstance(e, ClaimEntry):
            need_actor((*base, "about"), e.about)
            if e.deadline is not None and e.deadline < e.date:
                add((*base, "deadline"), f"deadline {e.deadline} is before the entry date {e.date}")
        if isinstance(e, Commitment):
            for j, g in enumerate(e.guarantors):
                need_actor((*base, "guarantors", j), g)
        if isinstance(e, ObservationEntry):
            need_actor((*base, "about"), e.about)
        if isinstance(e, EventEntry):
            need_actor((*base, "by"), e.by)
            need_actor((*base, "against"), e.against)
            for j, participant in enumerate(e.actors):
                need_actor((*base, "actors", j), participant)
        if isinstance(e, ObservationEntry | EventEntry):
            for j, ref in enumerate(e.refers_to):
                if ref not in ledger_ids:
                    add((*base, "refers_to", j), f"unknown ledger id {ref!r}")
                elif dates[ref] > e.date:
                    add((*base, "refers_to", j), f"refers to {ref!r}, dated later ({dates[ref]})")

    # mechanisms
    for k, m in enumerate(s.mechanisms):
        need_actor(("mechanisms", k, "guarantor"), m.guarantor)
        need_actor(("mechanisms", k, "beneficiary"), m.beneficiary)
        for actor in m.cost:
            need_actor(("mechanisms", k, "cost", actor), actor)
        steps = [st.after_periods for st in m.schedule]
        if steps != sorted(steps):
            add(("mechanisms", k, "schedule"), "schedule steps must be in order of after_periods")
        if sum(st.fraction for st in m.schedule) > 1.0 + 1e-9:
            add(("mechanisms", k, "schedule"), "schedule fractions sum to more than 1")

    # proposals
    for k, pr in enumerate(s.proposals):
        need_actor(("proposals", k, "proposer"), pr.proposer)
        not_after(("proposals", k, "date"), pr.date)
        for issue in pr.terms:
            need_issue(("proposals", k, "terms", issue), issue)
        for j, mid in enumerate(pr.mechanisms):
            if mid not in mech_ids:
                add(("proposals", k, "mechanisms", j), f"unknown mechanism id {mid!r}")
        for j, st in enumerate(pr.stages):
            for q, issue in enumerate(st.issues):
                need_issue(("proposals", k, "stages", j, "issues", q), issue)
            for q, mid in enumerate(st.mechanisms):
                if mid not in mech_ids:
                    add(
                        ("proposals", k, "stages", j, "mechanisms", q), f"unknown mechanism {mid!r}"
                    )

    # war
    if s.war is not None:
        for j, b in enumerate(s.war.belligerents):
            need_actor(("war", "belligerents", j), b)
        for actor, terms in s.war.victory_terms.items():
            need_actor(("war", "victory_terms", actor), actor)
            for issue in terms:
                need_issue(("war", "victory_terms", actor, issue), issue)

    if s.simulation is not None:
        need_actor(("simulation", "mediator"), s.simulation.mediator)
        for actor in s.simulation.strategies:
            need_actor(("simulation", "strategies", actor), actor)

    # shocks (simulation)
    belligerents = set(s.war.belligerents) if s.war is not None else set()
    for k, sh in enumerate(s.shocks):
        if sh.actor not in belligerents:
            add(("shocks", k, "actor"), f"shock actor {sh.actor!r} is not a belligerent of `war`")
        elif sh.support is not None:
            lines = [x.id for x in next(a for a in s.actors if a.id == sh.actor).support]
            if sh.support not in lines:
                known = f"expected one of: {_list(set(lines))}" if lines else "it has none"
                add(
                    ("shocks", k, "support"),
                    f"unknown support line {sh.support!r} of {sh.actor}; {known}",
                )
        if sh.date is not None and sh.date <= as_of:
            add(("shocks", k, "date"), f"date {sh.date} is not after meta.as_of {as_of}")
    for name, dupes in (("shocks", _dupes(sh.id for sh in s.shocks)),):
        for d in sorted(dupes):
            add((name,), f"duplicate shock id {d!r}")

    return (
        out
        + (check_sources(s) if sources else [])
        + check_deals(s)
        + check_tracks(s)
        + check_past_dates(s)
    )


def check_past_dates(s: Scenario) -> list[Finding]:
    """Dates that describe the past at ``meta.as_of`` are not after it: ``war.started`` (the
    fighting so far) and each actor's ``leader_since`` (the leader in office). A later date
    would be look-ahead: a war not yet begun, a leader not yet in office."""
    out: list[Finding] = []
    as_of = s.meta.as_of
    if s.war is not None and s.war.started is not None and s.war.started > as_of:
        out.append(
            Finding(
                ("war", "started"),
                f"{s.war.started} is after meta.as_of {as_of}: the war described at as_of "
                "began at or before it",
            )
        )
    for i, a in enumerate(s.actors):
        if a.leader_since is not None and a.leader_since > as_of:
            out.append(
                Finding(
                    ("actors", i, "leader_since"),
                    f"{a.leader_since} is after meta.as_of {as_of}: the leader in office at "
                    "as_of took office at or before it",
                )
            )
    return out


def check_sources(s: Scenario) -> list[Finding]:
    """Source ids cited anywhere in ``s`` that ``meta.sources`` does not define."""
    source_ids = set(s.meta.sources)
    out: list[Finding] = []
    for path, obj in _walk(s, ()):
        if not isinstance(obj, BaseModel):
            continue
        # `sources`, and a field's own sources (`War.started_sources`)
        for name in _source_fields(type(obj)):
            refs = getattr(obj, name, ())
            if not isinstance(refs, tuple):
                continue
            for j, ref in enumerate(refs):
                if ref not in source_ids:
                    out.append(
                        Finding(
                            (*path, name, j),
                            f"unknown source id {ref!r} (not in meta.sources)",
                        )
                    )
    return out


def check_deals(s: Scenario) -> list[Finding]:
    """Bundles, deferrals and payments name known issues, actors and payments; agreements in
    force at ``as_of`` name a declared partial bundle, a date not after it and its terms
    (:func:`detente.scenario.in_force.check_in_force`)."""
    out: list[Finding] = []
    issues = {i.id for i in s.issues}
    actors = {a.id for a in s.actors}
    pay_ids = {p.id for p in s.payments}
    for dup in sorted(_dupes(b.id for b in s.bundles)):
        out.append(Finding(("bundles",), f"duplicate bundle id {dup!r}"))
    for dup in sorted(_dupes(p.id for p in s.payments)):
        out.append(Finding(("payments",), f"duplicate payment id {dup!r}"))

    def deferrals(path: Path, defs: Sequence[object], settled: set[str]) -> None:
        seen: set[str] = set()
        for j, d in enumerate(defs):
            issue = getattr(d, "issue", "")
            if issue not in issues:
                out.append(Finding((*path, j, "issue"), f"unknown issue id {issue!r}"))
            elif issue in settled:
                out.append(Finding((*path, j, "issue"), f"{issue!r} is both settled and deferred"))
            elif issue in seen:
                out.append(Finding((*path, j, "issue"), f"{issue!r} deferred twice"))
            seen.add(issue)

    for k, b in enumerate(s.bundles):
        for j, issue in enumerate(b.issues):
            if issue not in issues:
                out.append(Finding(("bundles", k, "issues", j), f"unknown issue id {issue!r}"))
        if b.id == "settlement" and (set(b.issues) != issues or b.deferrals or not b.ceasefire):
            out.append(
                Finding(
                    ("bundles", k),
                    "bundle 'settlement' must settle every issue, defer none and have "
                    "ceasefire: true",
                )
            )
        deferrals(("bundles", k, "deferrals"), b.deferrals, set(b.issues))
        for j, e in enumerate(b.effects):
            if e.actor not in actors:
                out.append(
                    Finding(("bundles", k, "effects", j, "actor"), f"unknown actor {e.actor!r}")
                )
    for k, p in enumerate(s.payments):
        for field in ("payer", "payee"):
            ref = getattr(p, field)
            if ref not in actors:
                out.append(Finding(("payments", k, field), f"unknown actor id {ref!r}"))
        if p.payer == p.payee:
            out.append(Finding(("payments", k), "payer and payee are the same actor"))
    out += _check_linkages(s, issues, actors)
    out += [Finding(path, msg) for path, msg in check_in_force(s)]
    out += [Finding(path, msg) for path, msg in check_terms(s)]
    for k, pr in enumerate(s.proposals):
        deferrals(("proposals", k, "deferrals"), pr.deferrals, set(pr.terms))
        for j, pid in enumerate(pr.payments):
            if pid not in pay_ids:
                out.append(Finding(("proposals", k, "payments", j), f"unknown payment id {pid!r}"))
        for j, st in enumerate(pr.stages):
            deferrals(("proposals", k, "stages", j, "deferrals"), st.deferrals, set(st.issues))
            for q, pid in enumerate(st.payments):
                if pid not in pay_ids:
                    out.append(
                        Finding(
                            ("proposals", k, "stages", j, "payments", q),
                            f"unknown payment id {pid!r}",
                        )
                    )
    return out


def check_tracks(s: Scenario) -> list[Finding]:
    """Tracks, refusals and mediators name known actors, bundles and tracks; no endorsement
    cycle; dates not after ``meta.as_of`` (docs/explanation/tracks.md)."""
    out: list[Finding] = []
    actors = {a.id for a in s.actors}
    bundles = set(bundle_ids(s))
    track_ids = {t.id for t in s.tracks}
    as_of = s.meta.as_of

    def actor(path: Path, ref: str | None) -> None:
        if ref is not None and ref not in actors:
            out.append(Finding(path, f"unknown actor id {ref!r}; expected one of: {_list(actors)}"))

    def dated(path: Path, d: dt.date | None) -> None:
        if d is not None and d > as_of:
            out.append(Finding(path, f"date {d} is after meta.as_of {as_of}"))

    for name, ids in (
        ("tracks", [t.id for t in s.tracks]),
        ("refusals", [r.id for r in s.refusals]),
        ("mediators", [m.actor for m in s.mediators]),
    ):
        for j in _dupe_positions(ids):
            out.append(Finding((name, j), f"duplicate {name[:-1]} {ids[j]!r}"))
    for k, tr in enumerate(s.tracks):
        base: Path = ("tracks", k)
        for j, p in enumerate(tr.participants):
            actor((*base, "participants", j, "actor"), p.actor)
        for j in _dupe_positions([(p.actor, p.level) for p in tr.participants]):
            out.append(Finding((*base, "participants", j), "participant listed twice"))
        actor((*base, "mediator"), tr.mediator)
        actor((*base, "host"), tr.host)
        for j, b in enumerate(tr.bundles):
            if b not in bundles:
                out.append(
                    Finding(
                        (*base, "bundles", j),
                        f"unknown bundle id {b!r}; expected one of: {_list(bundles)}",
                    )
                )
        if tr.endorsement is not None and tr.endorsement not in track_ids:
            out.append(Finding((*base, "endorsement"), f"unknown track id {tr.endorsement!r}"))
        else:
            seen, cur = {tr.id}, tr.endorsement
            while cur is not None:
                if cur in seen:
                    out.append(Finding((*base, "endorsement"), "endorsement chain has a cycle"))
                    break
                seen.add(cur)
                cur = next((x.endorsement for x in s.tracks if x.id == cur), None)
        if tr.signature_only and not any(x.endorsement == tr.id for x in s.tracks):
            out.append(
                Finding(
                    (*base, "signature_only"),
                    f"track {tr.id!r} only signs the texts of the tracks that name it as "
                    "their `endorsement`, and no track does: it would sign nothing",
                )
            )
        dated((*base, "since"), tr.since)
        dated((*base, "until"), tr.until)
        if tr.track_two is not None:
            actor((*base, "track_two", "target"), tr.track_two.target)
            for provider in tr.track_two.support:
                actor((*base, "track_two", "support", provider), provider)
    for k, r in enumerate(s.refusals):
        actor(("refusals", k, "by"), r.by)
        actor(("refusals", k, "refuses"), r.refuses)
        dated(("refusals", k, "since"), r.since)
        dated(("refusals", k, "until"), r.until)
    for k, m in enumerate(s.mediators):
        actor(("mediators", k, "actor"), m.actor)
        for j, lv in enumerate(m.leverage):
            actor(("mediators", k, "leverage", j, "on"), lv.on)
            if lv.on == m.actor:
                out.append(Finding(("mediators", k, "leverage", j, "on"), "presses itself"))
    return out


def track_notes(s: Scenario) -> list[Finding]:
    """Notes on the tracks: facts an author may not intend, never errors (not even in strict
    mode; ``detente check`` lists them under a valid file). A bundle that only
    ``signature_only`` tracks list can never settle: such a track signs the texts its drafting
    tracks agreed and carries no talks of its own. A ``signature_only`` track whose endorsers
    (the tracks naming it as their ``endorsement``) carry no talks either, each being
    ``signature_only`` itself or listing no bundle, has nothing to sign."""
    out: list[Finding] = []
    unsettled: list[tuple[int, int, str, str]] = []
    for b in bundle_ids(s):
        listing = [(k, t.bundles.index(b)) for k, t in enumerate(s.tracks) if b in t.bundles]
        if listing and all(s.tracks[k].signature_only for k, _ in listing):
            names = ", ".join(repr(s.tracks[i].id) for i, _ in listing)
            unsettled.append((*listing[0], b, names))
    for k, j, b, names in sorted(unsettled):  # in the order of the file
        out.append(
            Finding(
                ("tracks", k, "bundles", j),
                f"note: bundle {b!r} is listed only by signature-only tracks ({names}), which "
                "carry no talks: no track negotiates it, so it can never settle",
            )
        )
    for k, tr in enumerate(s.tracks):
        endorsers = [x for x in s.tracks if x.endorsement == tr.id and x.id != tr.id]
        if (
            tr.signature_only
            and endorsers
            and all(x.signature_only or not x.bundles for x in endorsers)
        ):
            names = ", ".join(repr(x.id) for x in endorsers)
            out.append(
                Finding(
                    ("tracks", k, "signature_only"),
                    f"note: track {tr.id!r} signs only the texts of {names}, and none of them "
                    "carries talks (each is signature-only or lists no bundle): it has nothing "
                    "to sign",
                )
            )
    return out


def _check_linkages(s: Scenario, issues: set[str], actors: set[str]) -> list[Finding]:
    """Linkages name a known actor and known issues, and X and Y are disjoint."""
    out: list[Finding] = []
    for dup in sorted(_dupes(lk.id for lk in s.linkages)):
        out.append(Finding(("linkages",), f"duplicate linkage id {dup!r}"))
    for k, lk in enumerate(s.linkages):
        if lk.actor not in actors:
            out.append(Finding(("linkages", k, "actor"), f"unknown actor id {lk.actor!r}"))
        if not lk.issues and not lk.ceasefire:
            out.append(
                Finding(
                    ("linkages", k, "issues"),
                    "a linkage needs a trigger: at least one issue in `issues`, or "
                    "`ceasefire: true`",
                )
            )
        for field in ("issues", "requires"):
            seen: set[str] = set()
            for j, issue in enumerate(getattr(lk, field)):
                if issue not in issues:
                    out.append(Finding(("linkages", k, field, j), f"unknown issue id {issue!r}"))
                elif issue in seen:
                    out.append(Finding(("linkages", k, field, j), f"{issue!r} listed twice"))
                seen.add(issue)
        for j, issue in enumerate(lk.requires):
            if issue in lk.issues:
                out.append(
                    Finding(
                        ("linkages", k, "requires", j),
                        f"{issue!r} is in both `issues` and `requires` (X and Y must be disjoint)",
                    )
                )
    return out


def check_linkage_veto(s: Scenario) -> list[Finding]:
    """Linkages by actors without a veto (a warning, raised in strict mode): such a linkage
    makes that actor reject proposals but cannot close a zone, which only veto parties decide."""
    veto = {a.id for a in s.actors if a.veto}
    actors = {a.id for a in s.actors}
    return [
        Finding(
            ("linkages", k, "actor"),
            f"{lk.actor!r} has no veto: its linkage cannot close a zone (only its own "
            "verdict on proposals)",
        )
        for k, lk in enumerate(s.linkages)
        if lk.actor in actors and lk.actor not in veto
    ]


def check_ceasefire_linkage(s: Scenario) -> list[Finding]:
    """Cease-fire linkages in a scenario without a war (a warning, raised in strict mode): with
    no ``war`` there is no fighting to stop, yet the trigger still applies to every agreement
    counted as a cease-fire (a proposal unless it says ``ceasefire: false``, the full
    settlement, a cease-fire, military or territorial category bundle), and closes each one
    that leaves an issue of ``requires`` open."""
    if s.war is not None:
        return []
    return [
        Finding(
            ("linkages", k, "ceasefire"),
            "cease-fire trigger without a war: there is no fighting to stop, yet every "
            "agreement counted as a cease-fire (a proposal unless it says `ceasefire: false`) "
            "that leaves an issue of `requires` open is closed by it",
        )
        for k, lk in enumerate(s.linkages)
        if lk.ceasefire
    ]


def check_traceability(s: Scenario) -> list[Finding]:
    """Objects carrying numbers that cite no source and are not marked as assumptions."""
    return [
        Finding(path, "no `sources` and no `assumption`: cite a source or mark the assumption")
        for path, obj in _walk(s, ())
        if isinstance(obj, _Traced) and not obj.sources and not obj.assumption
    ]


@functools.cache
def _source_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``cls`` that cite sources: ``sources``, then any ``<field>_sources``."""
    return ("sources", *(f for f in cls.model_fields if f.endswith("_sources")))


def _walk(obj: object, path: Path) -> Iterator[tuple[Path, object]]:
    yield path, obj
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name), (*path, name))
    elif isinstance(obj, tuple):
        for k, x in enumerate(obj):
            yield from _walk(x, (*path, k))
    elif isinstance(obj, dict):
        for key, x in obj.items():
            yield from _walk(x, (*path, str(key)))


def _dupe_positions(values: Sequence[object]) -> list[int]:
    seen: set[object] = set()
    out = []
    for j, v in enumerate(values):
        if v in seen:
            out.append(j)
        seen.add(v)
    return out


def _list(ids: set[str], limit: int = 12) -> str:
    items = sorted(ids)
    more = f", … ({len(items) - limit} more)" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


# ------------------------------------------------------------------- contradictions (issue 10)

SIMULATION_MAXIMA: dict[str, float] = {
    "talks_every": 10_000,
    "concession_periods": 10_000,
    "settlement_after": 10_000,
    "belief_strength": 1e6,
    "trust_gain": 1e3,
    "trust_loss": 1e3,
    "gesture_weight": 1e3,
    "rearm_hazard": 1e3,
}
"""Largest accepted value of the unbounded ``simulation`` settings: periods at most the
longest war horizon (10,000), evidence weights and the prior's weight far above any modelled
use, but small enough that sums over 10,000 periods stay finite."""


def check_contradictions(s: Scenario) -> list[Finding]:
    """Models that are well-formed field by field but contradict themselves."""
    return _ledger_cycles(s) + _self_contradictions(s) + _simulation_ranges(s)


def _ledger_cycles(s: Scenario) -> list[Finding]:
    """A ledger entry that refers to itself, or ``refers_to`` links that form a cycle."""
    out: list[Finding] = []
    index: dict[str, int] = {}
    for k, e in enumerate(s.ledger):
        index.setdefault(e.id, k)
    refs: dict[int, list[tuple[int, int]]] = {}
    for k, e in enumerate(s.ledger):
        for j, ref in enumerate(getattr(e, "refers_to", ())):
            if ref == e.id:
                out.append(Finding(("ledger", k, "refers_to", j), f"{e.id!r} refers to itself"))
            elif ref in index:
                refs.setdefault(k, []).append((j, index[ref]))
    # iterative depth-first search; an edge back to an entry on the stack closes a cycle
    state: dict[int, int] = {}  # 1 = on the stack, 2 = done
    for start in sorted(refs):
        if state.get(start):
            continue
        stack: list[tuple[int, int]] = [(start, 0)]
        state[start] = 1
        while stack:
            node, nxt = stack[-1]
            edges = refs.get(node, [])
            if nxt >= len(edges):
                state[node] = 2
                stack.pop()
                continue
            stack[-1] = (node, nxt + 1)
            j, target = edges[nxt]
            if target == node:
                continue  # reported above as a self-reference
            if state.get(target) == 1:
                chain = [n for n, _ in stack]
                cycle = [*chain[chain.index(target) :], target]
                names = " → ".join(s.ledger[n].id for n in cycle)
                out.append(
                    Finding(("ledger", node, "refers_to", j), f"refers_to forms a cycle: {names}")
                )
            elif not state.get(target):
                state[target] = 1
                stack.append((target, 0))
    return out


def _self_contradictions(s: Scenario) -> list[Finding]:
    out: list[Finding] = []

    def add(path: Path, msg: str) -> None:
        out.append(Finding(path, msg))

    for k, a in enumerate(s.actors):
        for j, sup in enumerate(a.support):
            if sup.provider == a.id:
                add(("actors", k, "support", j, "provider"), f"{a.id!r} cannot support itself")
    for k, e in enumerate(s.ledger):
        if isinstance(e, ClaimEntry | Commitment):
            for j, target in enumerate(e.to):
                if target == e.by:
                    add(("ledger", k, "to", j), f"{e.by!r} addresses itself")
        if isinstance(e, Commitment):
            for j, g in enumerate(e.guarantors):
                if g == e.by:
                    add(("ledger", k, "guarantors", j), f"{e.by!r} cannot guarantee itself")
        if isinstance(e, EventEntry) and e.by is not None and e.by == e.against:
            add(("ledger", k, "against"), f"{e.by!r} acts against itself")
        if isinstance(e, ObservationEntry) and e.assessment is not None and not e.refers_to:
            add(
                ("ledger", k, "assessment"),
                "an assessment judges the commitments in refers_to, which is empty",
            )
    for k, m in enumerate(s.mechanisms):
        if m.guarantor is not None and m.guarantor == m.beneficiary:
            add(("mechanisms", k, "beneficiary"), f"{m.guarantor!r} cannot guarantee itself")
    for k, pr in enumerate(s.proposals):
        settled: dict[str, int] = {}
        for j, st in enumerate(pr.stages):
            for q, issue in enumerate(st.issues):
                if issue in settled and settled[issue] != j:
                    add(
                        ("proposals", k, "stages", j, "issues", q),
                        f"issue {issue!r} is already settled at stage {settled[issue]}",
                    )
                settled.setdefault(issue, j)
    if s.war is not None:
        for actor in s.war.victory_terms:
            if actor not in s.war.belligerents:
                add(
                    ("war", "victory_terms", actor),
                    f"victory terms for {actor!r}, who is not one of war.belligerents",
                )
    return out


def _simulation_ranges(s: Scenario) -> list[Finding]:
    out: list[Finding] = []
    if s.simulation is None:
        return out
    for name, top in SIMULATION_MAXIMA.items():
        value = getattr(s.simulation, name, None)
        if isinstance(value, int | float) and value > top:
            out.append(
                Finding(("simulation", name), f"{name} = {value:g} exceeds the maximum {top:g}")
            )
    return out


# ---------------------------------------------------------------- what bargaining needs


class NegotiationError(InputError):
    """The scenario is valid but cannot be bargained over; ``findings`` say where and why."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        lines = [f"  {_fmt(f.path)}: {f.message}" for f in self.findings]
        super().__init__("\n".join(["the scenario cannot be bargained over:", *lines]))


def check_negotiation(s: Scenario, as_of: dt.date | None = None) -> list[Finding]:
    """What makes ``s`` impossible to bargain over at ``as_of`` (default ``meta.as_of``).

    Bargaining needs at least one veto party, and every veto party needs a position (dated on
    or before the date) on at least one issue: without one its consent is undefined, and
    silently leaving it out would set the deal at the others' ideals.
    """
    out: list[Finding] = []
    vetoes = [(k, a) for k, a in enumerate(s.actors) if a.veto]
    if not vetoes:
        out.append(
            Finding(
                ("actors",),
                "no actor has a veto (veto: true): a settlement needs the consent of at least "
                "one party",
            )
        )
        return out
    holders = {actor for actor, _ in s.current_positions(as_of)}
    when = (as_of or s.meta.as_of).isoformat()
    for k, a in vetoes:
        if a.id not in holders:
            out.append(
                Finding(
                    ("actors", k, "veto"),
                    f"{a.id!r} has a veto but no position on any issue dated on or before "
                    f"{when}: add its positions, or set veto: false",
                )
            )
    return out


def require_negotiation(s: Scenario, as_of: dt.date | None = None) -> None:
    """Raise :class:`NegotiationError` when :func:`check_negotiation` finds anything."""
    findings = check_negotiation(s, as_of)
    if findings:
        raise NegotiationError(findings)


def _fmt(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _earliest(date: str) -> dt.date:
    """The first day a source's publication date (YYYY, YYYY-MM or YYYY-MM-DD) can mean."""
    parts = [int(p) for p in date.split("-")]
    return dt.date(parts[0], *[*parts[1:], 1, 1][:2])

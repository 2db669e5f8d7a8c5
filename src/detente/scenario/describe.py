"""Flat, printable views of a scenario (records) shared by `detente show` and the report."""

from __future__ import annotations

from typing import Any

from detente.core import TRUST_DIMENSIONS
from detente.scenario.schema import (
    ClaimEntry,
    Commitment,
    EventEntry,
    ObservationEntry,
    Scenario,
)

__all__ = [
    "actor_rows",
    "issue_rows",
    "ledger_rows",
    "position_rows",
    "proposal_rows",
    "trust_rows",
]

Row = dict[str, Any]


def actor_rows(s: Scenario) -> list[Row]:
    """One row per actor."""
    return [
        {
            "id": a.id,
            "name": a.name,
            "kind": a.kind.value,
            "parent": a.parent,
            "veto": a.veto,
            **({"veto_issues": list(a.veto_issues)} if a.veto_issues else {}),
            "belligerent": a.belligerent,
            "capability": a.capability,
            "cost_of_fighting": a.cost_of_fighting,
            "discount": a.discount,
            "risk": a.risk,
            "control": a.control,
            "support": [f"{sp.id} ({sp.level:g})" for sp in a.support],
        }
        for a in s.actors
    ]


def issue_rows(s: Scenario) -> list[Row]:
    """One row per issue, with the labels of its scale's two ends."""
    rows = []
    for i in s.issues:
        by_value = {an.value: an.label for an in i.anchors}
        rows.append(
            {
                "id": i.id,
                "name": i.name,
                "status_quo": i.status_quo,
                "low_anchor": by_value.get(0.0),
                "high_anchor": by_value.get(100.0),
                "contested": i.contested,
                "outcome": i.outcome,
            }
        )
    return rows


def position_rows(s: Scenario) -> list[Row]:
    """The positions in force at ``meta.as_of``, ordered by issue then actor."""
    issue_order = {i.id: k for k, i in enumerate(s.issues)}
    current = s.current_positions()
    rows: list[Row] = [
        {
            "actor": p.actor,
            "issue": p.issue,
            "ideal": p.ideal,
            "salience": p.salience,
            "acceptable": list(p.acceptable) if p.acceptable else None,
            "date": p.date,
            "sources": list(p.sources),
        }
        for p in current.values()
    ]
    rows.sort(key=lambda r: (issue_order.get(r["issue"], 0), r["actor"]))
    return rows


def proposal_rows(s: Scenario) -> list[Row]:
    """One row per proposal; terms as `issue=value` pairs."""
    return [
        {
            "id": p.id,
            "name": p.name,
            "proposer": p.proposer,
            "date": p.date,
            "terms": [f"{k}={v:g}" for k, v in p.terms.items()],
            "mechanisms": list(p.mechanisms),
            "stages": [st.name for st in p.stages],
        }
        for p in s.proposals
    ]


def trust_rows(s: Scenario) -> list[Row]:
    """Trust priors as one row per truster, trustee and dimension."""
    rows: list[Row] = []
    for t in s.trust:
        for dim in TRUST_DIMENSIONS:
            v = getattr(t, dim)
            if v is None:
                continue
            rows.append(
                {
                    "truster": t.truster,
                    "trustee": t.trustee,
                    "dimension": dim,
                    "prior": v.model_dump(mode="json"),
                }
            )
    return rows


def ledger_rows(s: Scenario) -> list[Row]:
    """The ledger in date order with who did what."""
    rows = []
    for e in sorted(s.ledger, key=lambda e: (e.date, e.id)):
        if isinstance(e, ClaimEntry | Commitment):
            who = e.by
        elif isinstance(e, ObservationEntry):
            who = f"{e.observer} on {e.about}"
        else:
            who = e.by or ", ".join(e.actors)
        what = e.text
        if isinstance(e, EventEntry):
            what = f"[{e.type.value}] {e.text}"
        elif isinstance(e, ObservationEntry) and e.assessment is not None:
            what = f"[{e.assessment.value}; {e.verification.value}] {e.text}"
        rows.append({"date": e.date, "id": e.id, "kind": e.kind, "who": who, "what": what})
    return rows

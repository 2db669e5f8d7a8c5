"""Agreements already in force at the scenario's date (``agreements_in_force``).

A scenario describes a conflict at ``meta.as_of``; a partial agreement signed before that date
and still running then (a grain corridor, a moratorium) is part of that state, not something
the talks have yet to reach. One explicit statement per such agreement: on which bundle, since
when, on which terms (or the proposal whose terms they are), with its sources. Simulated runs
start with it in force (it can break down and then be negotiated anew; it is never signed
again at the start): :mod:`detente.simulate.in_force`.

The cross-references (a declared partial bundle, not ``settlement``; ``since`` at or before
``as_of``; terms on exactly the bundle's issues, or a known proposal whose terms cover them;
no issue fixed at two values by two of them, which would make the line at the start depend
on their order) are checked with the others by :func:`check_in_force` (called from
:func:`detente.scenario.validate.check_references`), every problem with its field path.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from detente.scenario.base import Id, ScalePoint, _Traced
from detente.scenario.term import Term

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = ["AgreementInForce", "check_in_force", "in_force_terms"]


class AgreementInForce(_Traced):
    """An agreement on a partial bundle that is in force at ``meta.as_of`` (signed before it
    and not ended by then): runs start with it in force instead of signing it again."""

    bundle: Id = Field(
        description="The bundle it settles (a declared partial bundle; not `settlement`)."
    )
    since: dt.date = Field(
        description="When it took effect (at or before `meta.as_of`); its age at the start, "
        "which the breakdown hazard reads, counts from this date."
    )
    terms: dict[Id, ScalePoint] | None = Field(
        default=None,
        description="Issue id → value it fixes, on every issue of the bundle and no other "
        "(or give `proposal`).",
    )
    proposal: Id | None = Field(
        default=None,
        description="A proposal whose terms it is (its terms on the bundle's issues); "
        "instead of `terms`.",
    )
    term: Term | None = Field(
        default=None,
        description="Its term, if it was made for a stated time (it lapses at the term's end "
        "unless renewed; unset: open-ended).",
    )
    term_ends: dt.date | None = Field(
        default=None,
        description="When its current term ends (at or after `meta.as_of`; default one term "
        "after `since`); only with `term`.",
    )
    renewals: tuple[dt.date, ...] = Field(
        default=(),
        description="Dates it was renewed before `meta.as_of` (between `since` and `as_of`); "
        "only with `term`.",
    )
    note: str | None = Field(default=None, description="What the agreement is, in words.")

    @model_validator(mode="after")
    def _one_source_of_terms(self) -> AgreementInForce:
        if (self.terms is None) == (self.proposal is None):
            raise ValueError("give either `terms` or `proposal` (exactly one)")
        return self


def in_force_terms(s: Scenario, a: AgreementInForce) -> dict[str, float]:
    """The terms of ``a`` on its bundle's issues (its own, or its proposal's); issues it does
    not fix are left out (:func:`check_in_force` reports them)."""
    issues = _bundle_issues(s, a.bundle)
    if a.terms is not None:
        given = a.terms
    else:
        given = next((p.terms for p in s.proposals if p.id == a.proposal), {})
    return {i: float(v) for i, v in given.items() if i in issues}


def _bundle_issues(s: Scenario, bundle: str) -> tuple[str, ...]:
    for b in s.bundles:
        if b.id == bundle:
            return b.issues
    return ()


def check_in_force(s: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Every problem of ``s.agreements_in_force`` as (field path, message)."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    declared = {b.id for b in s.bundles if b.id != "settlement"}
    proposals = {p.id: p for p in s.proposals}
    seen: set[str] = set()
    fixed: dict[str, tuple[int, str, float]] = {}  # issue → (entry, bundle, value) fixing it
    for k, a in enumerate(s.agreements_in_force):
        base: tuple[str | int, ...] = ("agreements_in_force", k)
        if a.bundle == "settlement":
            out.append(
                (
                    (*base, "bundle"),
                    "the full settlement cannot be in force at as_of (the war would be over); "
                    "state a partial bundle",
                )
            )
            continue
        if a.bundle not in declared:
            known = ", ".join(sorted(declared)) or "none declared"
            out.append(
                ((*base, "bundle"), f"unknown bundle id {a.bundle!r}; expected one of: {known}")
            )
            continue
        if a.bundle in seen:
            out.append(((*base, "bundle"), f"bundle {a.bundle!r} is stated in force twice"))
        seen.add(a.bundle)
        if a.since > s.meta.as_of:
            out.append(
                (
                    (*base, "since"),
                    f"since {a.since} is after meta.as_of {s.meta.as_of}: an agreement in "
                    "force at as_of took effect at or before it",
                )
            )
        issues = set(_bundle_issues(s, a.bundle))
        if a.terms is not None:
            for issue in a.terms:
                if issue not in issues:
                    out.append(
                        (
                            (*base, "terms", issue),
                            f"issue {issue!r} is not one of bundle {a.bundle!r}'s issues "
                            f"({', '.join(sorted(issues))})",
                        )
                    )
            given, where = set(a.terms), (*base, "terms")
        else:
            prop = proposals.get(str(a.proposal))
            if prop is None:
                out.append(((*base, "proposal"), f"unknown proposal id {a.proposal!r}"))
                continue
            given, where = set(prop.terms), (*base, "proposal")
        missing = sorted(issues - given)
        if missing:
            out.append(
                (where, f"no term on {', '.join(map(repr, missing))} of bundle {a.bundle!r}")
            )
        for issue, value in in_force_terms(s, a).items():
            other = fixed.setdefault(issue, (k, a.bundle, value))
            if other[2] != value:  # the line at the start would depend on the entries' order
                out.append(
                    (
                        (*where, issue) if a.terms is not None else where,
                        f"issue {issue!r} is fixed at {value:g} here (bundle {a.bundle!r}) and "
                        f"at {other[2]:g} by agreements_in_force[{other[0]}] (bundle "
                        f"{other[1]!r}): two agreements in force cannot fix one issue at "
                        "different values",
                    )
                )
    return out

"""Agreements in force at the scenario's date: how runs start with them, and what is reported.

A scenario's ``agreements_in_force`` (:mod:`detente.scenario.in_force`) are part of the state
at ``meta.as_of``. Every run starts with each of them in force (:func:`start_arrays`, called by
:func:`detente.simulate.state.initial_state`): its stage (the settlement stage, its terms
written to the line on the bundle's issues, once it is older than ``settlement_after`` periods,
as an agreement signed in a run), its age in whole periods since ``since`` (the Weibull clock
of :mod:`detente.simulate.durability` reads it: most breakdowns come early, so a deal that has
already lasted is less likely to break), its terms (the stated terms, which the agenda adds to
the bundle's candidates, :func:`detente.simulate.agenda.build_agenda`; the candidate nearest
them is taken), good faith on both sides (no signature is drawn), and its hazard ratio set in
the first period from the trust at ``as_of`` by the function a signature uses
(:func:`start_ratios`, called by the implement step). Talks do not meet on a bundle while an
agreement on it is in force, so it is never signed again at the start; it can break down (the
same hazard, conduct and spoilers as any agreement) and the bundle is then negotiated, and may
be signed, anew.

It is not a signature of the run: the bundle's first agreement (``first``) stays −1, so its
``p_agreement`` counts agreements **signed anew** within the horizon (after a breakdown, or
after a settlement superseded it and ended), and the runs' ``agreements`` (summary
``mean_agreements_per_run``) count agreements signed in the run, not it. It does count as
one agreement reached on its bundle (``RunState.agreements`` starts at 1 there, the tracks'
``agreements_seen`` with it): a deal signed anew after it ended has one earlier agreement,
as the durability's earlier-failures covariate reads it
(:func:`detente.simulate.steps.breakdown.signature_log_ratios`). It is followed in the
bundle's ``duration`` / ``broke`` record until it ends (``in_first``), and the period it ends
(broken down, or superseded by a settlement signed) is kept in ``RunState.start_end``
(:func:`start_ended`, called by the implement step), which a new signature on the bundle
does not reset; :func:`start_outcomes` reads from it whether it was still in force at the
horizon and whether it ended within a year of ``as_of``, in periods 0 … 51 of weekly
periods whatever ended it (reported as ``in_force_at_start``; the figure does not depend on
a horizon longer than a year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError
from detente.scenario.in_force import in_force_terms

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario
    from detente.simulate.agenda import Agenda

__all__ = [
    "StartDeals",
    "start_arrays",
    "start_deals",
    "start_ended",
    "start_followed",
    "start_outcomes",
    "start_ratios",
    "start_record",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class StartDeals:
    """The agreements in force at ``as_of``, one entry per agreement (J of them)."""

    bundle: IntArray  # (J,) index into the model's bundles (never 0, the settlement)
    age: IntArray  # (J,) whole periods from ``since`` to ``as_of``
    terms: IntArray  # (J,) candidate index of the bundle's table
    since: tuple[dt.date, ...]
    stated: tuple[dict[str, float], ...]  # the terms as the scenario states them

    def of(self, b: int) -> int:
        """Index of the entry on bundle ``b``, −1 if none is in force on it."""
        hit = np.flatnonzero(self.bundle == b)
        return int(hit[0]) if hit.size else -1


def start_deals(scenario: Scenario, agenda: Agenda, period_days: float) -> StartDeals | None:
    """The scenario's agreements in force at ``as_of`` as the runs start with them (None:
    none stated)."""
    if not scenario.agreements_in_force:
        return None
    ids = [b.id for b in agenda.bundles]
    issue_ids = [i.id for i in scenario.issues]
    bundle, age, terms, since, stated = [], [], [], [], []
    for a in scenario.agreements_in_force:
        if a.bundle not in ids or a.bundle == ids[0]:
            raise InputError(
                f"agreements_in_force: bundle {a.bundle!r} is not a partial bundle the talks "
                f"can settle ({', '.join(ids[1:]) or 'none'})"
            )
        b = ids.index(a.bundle)
        spec = agenda.bundles[b]
        given = in_force_terms(scenario, a)
        cols = np.array([issue_ids.index(i) for i in given], dtype=np.int64)
        want = np.array(list(given.values()), dtype=np.float64)
        gap = np.abs(spec.candidates[:, cols] - want[None, :]).max(axis=1)
        bundle.append(b)
        age.append(int((scenario.meta.as_of - a.since).days // period_days))
        terms.append(int(np.argmin(gap)))
        since.append(a.since)
        stated.append(given)
    return StartDeals(
        bundle=np.array(bundle, dtype=np.int64),
        age=np.array(age, dtype=np.int64),
        terms=np.array(terms, dtype=np.int64),
        since=tuple(since),
        stated=tuple(stated),
    )


def start_arrays(
    deals: StartDeals,
    candidates: tuple[FloatArray, ...],
    settled: tuple[NDArray[np.bool_], ...],
    settlement_after: int,
    arrays: dict[str, Any],
) -> None:
    """Write the agreements in force at the start into a new state's ``arrays`` (``phase``,
    ``age``, ``terms``, ``in_first``, ``duration``, ``deal_hr`` (NaN: set in the first
    period), ``agreements`` (one on its bundle), ``line``; every run alike). ``candidates`` /
    ``settled``: each bundle's.

    Its stage follows a signed agreement's convention exactly: the implement step moves an
    agreement to the settlement stage in the period it begins ``settlement_after`` periods
    old, after which it is ``settlement_after + 1`` old, so a state holds an agreement of age
    ``a`` at the settlement stage when ``a > settlement_after`` (one exactly
    ``settlement_after`` old is staged by the first period's implement step)."""
    for j, b in enumerate(deals.bundle.tolist()):
        age, t = int(deals.age[j]), int(deals.terms[j])
        staged = age > settlement_after
        arrays["phase"][:, b] = 2 if staged else 1
        arrays["age"][:, b] = age
        arrays["terms"][:, b] = t
        arrays["in_first"][:, b] = True
        arrays["duration"][:, b] = age
        arrays["deal_hr"][:, b] = np.nan
        arrays["agreements"][:, b] = 1  # an earlier agreement for one signed anew on it
        if staged:  # its terms have taken effect, as a settlement stage writes them
            cols = np.flatnonzero(settled[b])
            arrays["line"][:, cols] = candidates[b][t, cols]


def start_ended(
    deals: StartDeals,
    period: int,
    before: NDArray[np.bool_],
    in_first: NDArray[np.bool_],
    first: IntArray,
    start_end: IntArray,
) -> IntArray:
    """``start_end`` (N, J), or a copy with ``period`` written where an agreement in force at
    the start ended this period: it was still followed before the implement step
    (``before``, (N, J): :func:`start_followed` of the state it was given) and is no longer
    (it broke down, or a settlement signed superseded it)."""
    ended = before & ~start_followed(deals, in_first, first)
    if not ended.any():
        return start_end
    out = start_end.copy()
    out[ended] = period
    return out


def start_followed(
    deals: StartDeals, in_first: NDArray[np.bool_], first: IntArray
) -> NDArray[np.bool_]:
    """(N, J) the agreements in force at the start still in force: the bundle's record
    follows them (``in_first``) and no agreement was signed on it in the run (``first``)."""
    out: NDArray[np.bool_] = in_first[:, deals.bundle] & (first[:, deals.bundle] < 0)
    return out


def start_ratios(
    deals: StartDeals,
    trust: FloatArray,
    deal_hr: FloatArray,
    x0: FloatArray,
    base_failures: FloatArray,
    mechanism_hr: FloatArray,
) -> FloatArray:
    """A copy of ``deal_hr`` (N, B) with the hazard ratios of the agreements in force at the
    start, set in the first period as a signature sets them
    (:func:`~detente.simulate.steps.breakdown.signature_log_ratios`): from the runs' expected
    ``trust`` (N, 2, D) at ``as_of`` (no evidence read as 0.5), no earlier agreement of the
    run; ``x0``, ``base_failures``, ``mechanism_hr`` per bundle (the implement step's plan)."""
    from detente.simulate.durability import check_rest_code
    from detente.simulate.steps.breakdown import signature_log_ratios
    from detente.trust.behaviour import compliance_array

    n = trust.shape[0]
    q = compliance_array(np.nan_to_num(trust, nan=0.5), "military")  # (N, 2)
    out = deal_hr.copy()
    log_hr = np.empty(n)
    earlier = np.zeros(n, dtype=np.int64)
    for b in deals.bundle.tolist():
        bundle = np.full(n, b, dtype=np.int64)
        check_rest_code(signature_log_ratios(q, bundle, earlier, x0, base_failures, log_hr))
        out[:, b] = mechanism_hr[b] * np.exp(log_hr)
    return out


def start_outcomes(deals: StartDeals, start_end: IntArray, year: int) -> IntArray:
    """(J, 2) per agreement in force at the start, over a block's runs (``start_end`` (N, J),
    the period each ended, −1 = never, :attr:`detente.simulate.state.RunState.start_end`):
    runs in which it was still in force at the horizon, and runs in which it ended (broke
    down, or was superseded by a settlement) within ``year`` periods of the start, in one of
    periods 0 … ``year − 1`` (one convention for both ends; a horizon longer than a year
    does not change it: the period it ended is kept when the bundle is signed anew)."""
    held = (start_end < 0).sum(axis=0)
    ended = ((start_end >= 0) & (start_end < year)).sum(axis=0)
    return np.stack([held, ended], axis=1).astype(np.int64).reshape(deals.bundle.size, 2)


def start_record(
    deals: StartDeals, j: int, counts: IntArray, runs: int, terms: dict[str, float]
) -> dict[str, Any]:
    """The ``in_force_at_start`` record of entry ``j`` (``counts``: :func:`start_outcomes`
    summed over blocks; ``terms``: the values of the candidate the runs use on the bundle's
    issues, the stated ones, ``terms_stated``, which the agenda adds to its candidates)."""
    return {
        "since": deals.since[j].isoformat(),
        "age_periods": int(deals.age[j]),
        "terms": terms,
        "terms_stated": dict(deals.stated[j]),
        "p_in_force_at_horizon": int(counts[j, 0]) / runs if runs else None,
        "p_ended_1y": int(counts[j, 1]) / runs if runs else None,
    }

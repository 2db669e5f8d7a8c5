"""Fixed-term agreements in the simulation: the model's terms and the runs' record of them.

A scenario's terms (:mod:`detente.scenario.term`: ``bundles[].term`` for every agreement
signed on a bundle in a run, ``agreements_in_force[].term`` with ``term_ends`` for one in
force at ``as_of``) are read into a :class:`TermTable` (periods of a term and of a renewal,
per bundle; the period each agreement in force at the start reaches the end of its current
term). The runs keep a :class:`TermState` (:attr:`detente.simulate.state.RunState.term`;
None when the scenario states no term, and then nothing of this module runs): the period the
current term of each (run, bundle) agreement ends, the periods a renewal runs, the lapses.

The decision at a term's end is the implement step's (:mod:`detente.simulate.steps.expiry`):
renewed on the same terms if every veto party accepts keeping it, else it lapses (ends,
without a violation). What the results report is read from the record by
:func:`competing_incidence` (first agreements on a bundle: the cumulative incidences of a
breakdown and of a lapse within a year of signature, each competing with the other, so they
sum to at most 1) and :func:`start_lapses` (per agreement in force at the start, the runs in
which it ended by a lapse within a year of ``as_of``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.scenario.term import Term, days_to_periods, term_end_date, term_periods
from detente.trust.resolution import SCORES

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = [
    "TermState",
    "TermTable",
    "bundle_term_record",
    "competing_incidence",
    "initial_terms",
    "model_terms",
    "received",
    "share",
    "start_lapses",
    "start_share",
    "start_term_record",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class TermTable:
    """The scenario's terms as the runs read them (B bundles, J agreements in force)."""

    periods: IntArray  # (B,) term of an agreement signed on the bundle, 0 = open-ended
    renew: IntArray  # (B,) periods a renewal runs, 0 = it cannot be renewed
    spec: tuple[Term | None, ...]  # (B,) each bundle's term as stated
    start_end: IntArray  # (J,) period whose step decides the current term's end, -1 = none
    start_renew: IntArray  # (J,) periods a renewal runs, 0 = it cannot be renewed
    start_periods: IntArray  # (J,) periods of its term as stated, 0 = no term
    start_spec: tuple[Term | None, ...]  # (J,)
    start_term_ends: tuple[dt.date | None, ...]  # (J,) when the current term ends
    start_renewals: tuple[tuple[dt.date, ...], ...]  # (J,)
    # what each belligerent received of the parts owed to it (branch v17b, :func:`received`):
    # (J, 2) sum of the scores and count of the scored parts owed by others than the other
    # belligerent, and of those owed by the other belligerent (its accounts at ``as_of``)
    start_third: FloatArray
    start_third_n: IntArray
    start_other: FloatArray
    start_other_n: IntArray
    start_other_all: IntArray  # (J, 2) parts owed by the other belligerent, scored or not


@dataclass(frozen=True)
class TermState:
    """The runs' record of terms (N runs, B bundles, J agreements in force at the start);
    arrays are never written once a state holds them (a change makes a new record)."""

    end: IntArray  # (N, B) period the current term of the agreement in force ends, -1 none
    renew: IntArray  # (N, B) periods a renewal of it runs, 0 = cannot be renewed
    lapses: IntArray  # (N, B) agreements on the bundle that lapsed (not failures)
    lapsed: BoolArray  # (N, B) the bundle's first agreement ended by a lapse
    start_lapsed: BoolArray  # (N, J) the agreement in force at the start ended by a lapse


def _renew_periods(t: Term, period_days: float) -> int:
    if t.renewal == "none":
        return 0
    return term_periods(t.renewal_days or t.days, period_days)


def model_terms(
    scenario: Scenario, bundle_ids: tuple[str, ...], period_days: float
) -> TermTable | None:
    """The scenario's terms (None: it states none). Days become whole periods (at least
    one, :func:`detente.scenario.term.term_periods`); an agreement in force reaches its
    current term's end in period ``days_to_periods(term_ends − as_of)`` (the same rounding,
    :func:`detente.scenario.term.days_to_periods`)."""
    by_id = {b.id: b.term for b in scenario.bundles}
    spec = tuple(by_id.get(b) for b in bundle_ids)
    deals = scenario.agreements_in_force
    if all(t is None for t in spec) and all(a.term is None for a in deals):
        return None
    as_of = scenario.meta.as_of
    war = scenario.war
    sides = tuple(war.belligerents) if war is not None else ()
    scored = [received(a.term, sides) for a in deals]
    start_end, start_renew, ends = [], [], []
    for a in deals:
        end = term_end_date(a)
        ends.append(end)
        if a.term is None or end is None:
            start_end.append(-1)
            start_renew.append(0)
            continue
        start_end.append(days_to_periods((end - as_of).days, period_days))
        start_renew.append(_renew_periods(a.term, period_days))
    return TermTable(
        periods=np.array(
            [0 if t is None else term_periods(t.days, period_days) for t in spec], dtype=np.int64
        ),
        renew=np.array(
            [0 if t is None else _renew_periods(t, period_days) for t in spec], dtype=np.int64
        ),
        spec=spec,
        start_end=np.array(start_end, dtype=np.int64),
        start_renew=np.array(start_renew, dtype=np.int64),
        start_periods=np.array(
            [0 if a.term is None else term_periods(a.term.days, period_days) for a in deals],
            dtype=np.int64,
        ),
        start_spec=tuple(a.term for a in deals),
        start_term_ends=tuple(ends),
        start_renewals=tuple(a.renewals for a in deals),
        start_third=np.array([r[0] for r in scored], dtype=np.float64).reshape(-1, 2),
        start_third_n=np.array([r[1] for r in scored], dtype=np.int64).reshape(-1, 2),
        start_other=np.array([r[2] for r in scored], dtype=np.float64).reshape(-1, 2),
        start_other_n=np.array([r[3] for r in scored], dtype=np.int64).reshape(-1, 2),
        start_other_all=np.array([r[4] for r in scored], dtype=np.int64).reshape(-1, 2),
    )


Scored = tuple[list[float], list[int], list[float], list[int], list[int]]


def received(t: Term | None, sides: tuple[str, ...]) -> Scored:
    """What each belligerent of ``sides`` (two, in the model's order) received of the parts of
    term ``t`` owed to it, by its latest account (the accounts are dated at or before
    ``as_of``, checked): per side the sum of the scores (:data:`detente.trust.resolution.SCORES`:
    kept 1, partly kept 0.5, broken 0) and the count of the scored parts owed by others than
    the other belligerent (a third party's, e.g. the UN-Russia memorandum of the grain deal),
    then the same for the parts owed by the other belligerent, and the count of those
    parts with or without an account. A part without an account is not scored."""
    third, third_n, other, other_n, other_all = [0.0, 0.0], [0, 0], [0.0, 0.0], [0, 0], [0, 0]
    if t is None or len(sides) != 2:
        return third, third_n, other, other_n, other_all
    for part in t.parts:
        if part.to not in sides:
            continue
        side = sides.index(part.to)
        if part.by == sides[1 - side]:
            other_all[side] += 1
        if not part.accounts:
            continue
        score = SCORES[part.accounts[-1].verdict]  # the latest (oldest first, checked)
        if part.by == sides[1 - side]:
            other[side] += score
            other_n[side] += 1
        else:
            third[side] += score
            third_n[side] += 1
    return third, third_n, other, other_n, other_all


def initial_terms(table: TermTable | None, start_bundles: IntArray, n: int) -> TermState | None:
    """The record at the start of ``n`` runs: the agreements in force at ``as_of`` (on
    bundles ``start_bundles``, (J,)) with their current term's end (None: no term stated)."""
    if table is None:
        return None
    n_b, n_j = table.periods.size, start_bundles.size
    end = np.full((n, n_b), -1, dtype=np.int64)
    renew = np.zeros((n, n_b), dtype=np.int64)
    for j, b in enumerate(start_bundles.tolist()):
        if table.start_end[j] >= 0:
            end[:, b] = table.start_end[j]
            renew[:, b] = table.start_renew[j]
    return TermState(
        end=end,
        renew=renew,
        lapses=np.zeros((n, n_b), dtype=np.int64),
        lapsed=np.zeros((n, n_b), dtype=bool),
        start_lapsed=np.zeros((n, n_j), dtype=bool),
    )


def competing_incidence(
    event: IntArray, censor: IntArray, lapse: IntArray, age: int
) -> tuple[float, float] | str:
    """Cumulative incidences of a breakdown and of a lapse within ``age`` periods of
    signature, the two competing (Kalbfleisch & Prentice 1980): ``Σ_{d ≤ age} S(d−) · x_d /
    n_d`` for ``x`` the breakdowns or the lapses at age ``d``, with ``S`` the Kaplan–Meier
    survival from either end and ``n_d`` those at risk; their sum is ``1 − S(age) ≤ 1``.
    ``event`` / ``censor``: the breakdown's Kaplan–Meier counts by age (a lapse counted in
    ``censor``); ``lapse``: the lapses by age. A string says why there is no figure: no
    agreement was followed, or every one still in force was censored (the horizon, a
    settlement that superseded it) before ``age``."""
    at_risk = int(event.sum() + censor.sum())
    if at_risk <= 0:
        return "no agreement on the bundle was signed and followed in any run"
    s, brk, lap = 1.0, 0.0, 0.0
    for d in range(min(age, event.size - 1) + 1):
        if at_risk <= 0:
            if s > 0.0:
                return (
                    "every agreement still in force was censored (the horizon, or a "
                    "settlement that superseded it) before it was a year old"
                )
            break
        e, lp = int(event[d]), int(lapse[d])
        brk += s * e / at_risk
        lap += s * lp / at_risk
        s *= 1.0 - (e + lp) / at_risk
        at_risk -= e + int(censor[d])
    return brk, lap


def start_lapses(start_lapsed: BoolArray, start_end: IntArray, year: int) -> IntArray:
    """(J,) per agreement in force at the start, the runs in which it ended by a lapse in
    one of periods 0 … ``year − 1`` (the convention of
    :func:`detente.simulate.in_force.start_outcomes`)."""
    within = start_lapsed & (start_end >= 0) & (start_end < year)
    out: IntArray = within.sum(axis=0).astype(np.int64)
    return out


def _term_fields(t: Term, periods: int, renew: int) -> dict[str, Any]:
    return {
        "days": t.days,
        "periods": periods,
        "renewal": t.renewal,
        "renewal_periods": renew if t.renewal != "none" else None,
    }


def bundle_term_record(table: TermTable, b: int) -> dict[str, Any]:
    """The term of agreements signed on bundle ``b`` as the results report it."""
    t = table.spec[b]
    assert t is not None
    return _term_fields(t, int(table.periods[b]), int(table.renew[b]))


def start_term_record(
    table: TermTable, j: int, lapses: int | None, runs: int, sides: tuple[str, ...]
) -> dict[str, Any]:
    """What ``in_force_at_start`` gains for agreement in force ``j`` with a term: the term
    (days, renewal, a renewal's periods), when its current term ends (``term_ends``, the date;
    ``term_ends_period``, the period whose step decides it), the renewals before ``as_of``,
    ``p_lapsed_1y`` (``lapses``: runs in which it ended by a lapse within a year of
    ``as_of``; None: not followed), and ``received_at_start``: per belligerent of ``sides``
    its received share of the parts owed to it by the accounts at ``as_of`` (None: none
    scored; branch v17b)."""
    t = table.start_spec[j]
    assert t is not None
    end = table.start_term_ends[j]
    return {
        "term": {
            "days": t.days,
            "periods": int(table.start_periods[j]),
            "renewal": t.renewal,
            "renewal_periods": int(table.start_renew[j]) if t.renewal != "none" else None,
        },
        "term_ends": None if end is None else end.isoformat(),
        "term_ends_period": int(table.start_end[j]),
        "renewals": [d.isoformat() for d in table.start_renewals[j]],
        "p_lapsed_1y": None if lapses is None or not runs else lapses / runs,
        "received_at_start": {
            side: start_share(table, j, k) for k, side in enumerate(sides) if k < 2
        },
    }


def share(score: float, n: int) -> float | None:
    """A received share: the mean score ``score / n`` of ``n`` scored parts (None: none
    scored, no condition). The one formula of the share (branch v17b; fx17)."""
    return score / n if n else None


def start_share(table: TermTable, j: int, side: int, ran: bool = False) -> float | None:
    """Belligerent ``side``'s received share of agreement in force ``j``
    (:func:`received`): the mean score of the scored parts owed to it, by the accounts at
    ``as_of``; with ``ran`` (the agreement has been in force for a period of the run) every
    part owed by the other belligerent counts as kept, with or without an account
    (:mod:`detente.simulate.steps.expiry`). None: no part owed to it scored. Read by the
    in-force record (``received_at_start``) and by the renewal."""
    if ran:
        other, other_n = float(table.start_other_all[j, side]), int(table.start_other_all[j, side])
    else:
        other, other_n = float(table.start_other[j, side]), int(table.start_other_n[j, side])
    return share(
        float(table.start_third[j, side]) + other, int(table.start_third_n[j, side]) + other_n
    )

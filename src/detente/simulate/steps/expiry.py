"""The end of an agreement's term: renewed by the veto parties, or lapsed (branch v16).

Called by the implement step at the start of each period in which some run has an agreement
in force whose current term ends (:mod:`detente.simulate.terms`; scenarios with no term never
get here). In each such run the agreement is **renewed** on the same terms when every veto
party accepts keeping it, by the talks' own acceptance rule at that moment
(:func:`detente.simulate.protocols._accepts_all`): each belligerent's utility of the terms at
least its value of ending it now, the bargaining model's outside option on that bundle
(:func:`detente.simulate.steps.talk.bundle_values`: for a deal that stops the fighting the
value of fighting on, else the value of no agreement moved by its belief about who prevails;
Fearon 1995), for a cease-fire with the trust condition on the sucker's loss (Kydd 2005), and
every other veto party's utility at least its veto floor. A renewal re-strikes the bargain at
a date fixed in advance (Koremenos 2005) and continues the same agreement: its age on the
Weibull clock and its hazard ratio run on; its term's end moves by a renewal's periods.

**Specific reciprocity** (branch v17b). The bargain is re-struck on the deal *as delivered*:
each belligerent also requires that it received enough of what the deal owes it. Keohane
(1986, "Reciprocity in international relations", *IO* 40(1)) defines reciprocity in general
as "exchanges of roughly equivalent values in which the actions of each party are contingent
on the prior actions of the others", and *specific* reciprocity as situations in which
"specified partners exchange items of equivalent value in a strictly delimited sequence": a
fixed-term deal between the two sides is such a sequence, and renewal is the re-contracting
date at which the contingency is exercised (Koremenos 2005). Its **received share** ρ is the
mean, over the parts of the deal owed to it (:class:`detente.scenario.term.DealPart`, received
by a belligerent, checked), of what it received: a part's latest account at ``as_of`` (kept
1, partly kept 0.5, broken 0; :func:`detente.simulate.terms.received`), and a part owed by the
other belligerent counts as kept once the agreement has been in force for a period of the run
(its last move: a defection ends the agreement, ``steps.implement``); parts with no account
are left out, and with none scored there is no condition (tit-for-tat opens by cooperating,
Axelrod 1984); one function computes it (:func:`detente.simulate.terms.start_share`, which
the in-force record's ``received_at_start`` reads too). It renews only if ``ρ ≥ 1 − g = 2/3``
(:data:`RECIPROCITY_FLOOR`), with ``g = 1/3`` the generosity of generous tit-for-tat for
Axelrod's payoffs (Nowak & Sigmund 1992, *Nature* 355: ``min(1 − (T−R)/(R−S), (R−P)/(T−P))``
for T, R, P, S = 5, 3, 1, 0). In Nowak & Sigmund g is the probability of cooperating after the
other's defection, not a threshold on a delivered share: reading it as the share of a
shortfall a party forgives is an assumption, not calibrated on interstate deals. Only an
agreement in force at the start carries accounts (an agreement signed in a run has none
before it is signed), so for every other agreement the rule is the acceptance rule alone.

Otherwise it **lapses**: it ends (``phase`` 0, a cease-fire's front unfreezes, the bundle
returns to the table) without a violation, defection or breakdown: no event the trust step
reads (the event bit ``lapse`` records it), a censoring at its age in the breakdown's
Kaplan–Meier record (``duration`` its age, ``broke`` False), and not an earlier failure when
the bundle is signed anew (``TermState.lapses``, subtracted from the earlier agreements the
durability's prior-failures covariate counts). An agreement whose term cannot be renewed
(``renewal: none``) lapses at its term. No random number is drawn: where every run renews,
the runs are those of the same scenario without a term.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.simulate.events import flag
from detente.simulate.in_force import start_followed
from detente.simulate.model import SimModel
from detente.simulate.protocols import _accepts_all, _fears
from detente.simulate.search import values_of
from detente.simulate.state import RunState, evolve
from detente.simulate.steps.learn import INTENT, model_cache
from detente.simulate.steps.talk import bundle_values
from detente.simulate.steps.talk_args import TalkPlan
from detente.simulate.terms import TermState, start_share

__all__ = [
    "LAPSE",
    "RECIPROCITY_FLOOR",
    "expire",
    "keeps_renewing",
    "new_terms",
    "received_share",
    "sucker_fear",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

LAPSE = flag("lapse")
RECIPROCITY_FLOOR = 2.0 / 3.0
"""Least received share with which a belligerent renews: ``1 − g = 2/3``, ``g = 1/3`` generous
tit-for-tat's generosity (Nowak & Sigmund 1992) read as a share (module docstring). Written
``2.0 / 3.0``, the float every share of exactly 2/3 is (its scores are sums of halves, exact,
and a division is correctly rounded), so such a share renews; ``1.0 - 1.0 / 3.0`` is one ulp
above it (fx17)."""


def received_share(m: SimModel, s: RunState, b: int) -> NDArray[np.float64]:
    """(N, 2) each belligerent's received share of the agreement in force on bundle ``b``
    (module docstring); NaN where no part owed to it is scored (no condition), and for every
    run whose agreement on ``b`` is not the one in force at the start."""
    out = np.full((s.n, 2), np.nan)
    deals, table = m.in_force, m.terms
    if deals is None or table is None:
        return out
    j = deals.of(b)
    if j < 0:
        return out
    start = start_followed(deals, s.in_first, s.first)[:, j]  # still the one in force at as_of
    ran = s.period > 0  # kept through the periods since as_of: the other's part delivered
    for side in (0, 1):
        rho = start_share(table, j, side, ran)
        if rho is not None:
            out[start, side] = rho
    return out


def sucker_fear(m: SimModel, s: RunState, ceasefire: bool) -> NDArray[np.float64]:
    """(N, 2) the sucker's loss each side fears on a bundle: ``L·2`` (the talks' factor,
    :attr:`detente.simulate.steps.talk_args.TalkPlan.sucker`) times its distrust of the
    other's intention, for a cease-fire (Kydd 2005); 0 for any other deal. Each run's is
    :func:`~detente.simulate.protocols._fear1`, as in the talks' round (``steps.talk``);
    :mod:`detente.simulate.play` uses it too."""
    if not ceasefire:
        return np.zeros((s.trust.shape[0], 2))
    out: NDArray[np.float64] = np.empty((s.trust.shape[0], 2))
    sucker = np.ascontiguousarray(model_cache(m, TalkPlan).sucker, dtype=np.float64)
    _fears(sucker, np.ascontiguousarray(s.trust, dtype=np.float64), INTENT, out)
    return out


def keeps_renewing(m: SimModel, s: RunState, b: int, due: BoolArray) -> BoolArray:
    """(N,) the runs of ``due`` in which every veto party accepts keeping the agreement on
    bundle ``b`` on its terms and every belligerent received enough of it (module
    docstring)."""
    spec = m.agenda.bundles[b]
    table = spec.table.with_rows(s.regime)
    cand = np.ascontiguousarray(np.where(due, s.terms[:, b], -1), dtype=np.int64)
    u = values_of(table, cand)  # (N, A)
    value, _ = bundle_values(m, s, b)
    runs = table.lookup(cand.shape[0])
    lin_dist, lin_w = table.linear_arrays
    fear = sucker_fear(m, s, spec.ceasefire)
    out = due.copy()
    for side in (0, 1):
        v = np.ascontiguousarray(value[:, side], dtype=np.float64)
        loss = fear[:, side]
        out &= _accepts_all(
            runs.utility,
            lin_dist,
            lin_w,
            runs.size,
            runs.rows,
            cand,
            np.ascontiguousarray(u[:, side], dtype=np.float64),
            v,  # the threshold: its value of ending it now
            np.ascontiguousarray(s.bad_faith[:, b, side], dtype=np.bool_),
            v,
            np.ascontiguousarray(s.tau[:, side], dtype=np.float64),
            np.ascontiguousarray(loss, dtype=np.float64),
            len(m.actor_ids),
            bool(m.veto_asks[b]),
            np.ascontiguousarray(m.veto_floors[b], dtype=np.float64),
        )
    rho = received_share(m, s, b)
    out &= ~(rho < RECIPROCITY_FLOOR).any(axis=1)  # NaN: no condition
    return out


def expire(m: SimModel, s: RunState) -> RunState:
    """The state with the agreements whose current term ends this period renewed or lapsed
    (the same state when none does)."""
    ts = s.term
    if ts is None:
        return s
    due = (s.phase > 0) & (ts.end == s.period)
    due[:, 1:] &= ~s.signed[:, :1]  # a settlement signed now supersedes them (implement)
    if not due.any():
        return s
    renewed = np.zeros_like(due)
    for b in np.flatnonzero(due.any(axis=0)).tolist():
        can = due[:, b] & (ts.renew[:, b] > 0)
        if can.any():
            renewed[:, b] = keeps_renewing(m, s, b, can)
    end = np.where(renewed, ts.end + ts.renew, ts.end)
    lapse = due & ~renewed
    if not lapse.any():
        return evolve(s, term=TermState(end, ts.renew, ts.lapses, ts.lapsed, ts.start_lapsed))
    runs = np.flatnonzero(lapse.any(axis=1))
    start_lapsed = ts.start_lapsed
    deals = m.in_force
    if deals is not None:  # an agreement in force at the start, still followed, lapses
        col = lapse[:, deals.bundle] & s.in_first[:, deals.bundle] & (s.first[:, deals.bundle] < 0)
        start_lapsed = ts.start_lapsed | col
    first = s.in_first & lapse  # the bundle's record follows it: it ends, not broken
    phase = s.phase.copy()
    phase[lapse] = 0
    duration = np.where(first, s.age, s.duration)
    events = s.events.copy()
    events[runs] |= LAPSE
    term = TermState(
        end=np.where(lapse, -1, end),
        renew=ts.renew,
        lapses=ts.lapses + lapse,
        lapsed=ts.lapsed | (first & (s.first >= 0)),
        start_lapsed=start_lapsed,
    )
    return evolve(
        s,
        phase=phase,
        in_first=s.in_first & ~lapse,
        duration=duration,
        events=events,
        term=term,
    )


def new_terms(m: SimModel, s: RunState, signed: BoolArray) -> RunState:
    """The state with the terms of the agreements signed this period (``signed``: the runs'
    signatures, (N, B)) starting: each ends ``periods`` of its bundle's term later."""
    ts, table = s.term, m.terms
    if ts is None or table is None:
        return s
    new = signed & (s.phase > 0) & (s.age == 0)
    if not new.any():
        return s
    periods = table.periods[None, :]
    end = np.where(new, np.where(periods > 0, s.period + periods, -1), ts.end)
    renew = np.where(new, table.renew[None, :], ts.renew)
    return evolve(s, term=TermState(end, renew, ts.lapses, ts.lapsed, ts.start_lapsed))

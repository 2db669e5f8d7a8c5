"""``implement``: agreements signed, staged, kept, rearmed under, stalled or broken.

An agreement signed this period starts as a cease-fire (the front freezes); after
``settlement_after`` periods its terms take effect on every issue (unless a party stalls
implementation). Each period of an agreement in force:

- each party's strategy sets its **conduct** (:class:`~detente.simulate.strategies.Conduct`):
  a party that signed in bad faith rearms during the pause (its power grows by the larger of
  ``rearm_shift`` and ``war.truce_power_shift`` over ``war.implementation_periods``) and defects
  on purpose once the pause has served it (after ``regroup_periods``, when it is no longer under
  pressure or has finished rearming); a staller blocks the settlement stage;
- each party also defects **by chance** with the calibrated Weibull hazard
  (:mod:`detente.simulate.durability`) split between the two, times the deal's covariate
  hazard ratio set at signature (:mod:`detente.simulate.steps.breakdown`: verification,
  peacekeepers, specificity, permitted power shift, trust at signature, guarantor, earlier
  failures, decisiveness, other mechanisms), times ``rearm_hazard^(excess / 0.1)`` for a party
  that rearmed beyond the permitted shift, times ``1 − DETERRENCE·(R_total − R(n))`` for a
  party under staged sanctions (``R(n)`` the relief released after ``n`` periods of verified
  compliance: pending relief is forfeited by reneging);
- each faction of a belligerent violates it with probability
  ``spoiler_rate · (1 − control) · (1 − U_f(terms))`` (a violation: evidence on its parent's
  capacity) and brings it down with the spoilers' share of the covariate hazard.

A defection (deliberate or by chance) or an escalating spoiler ends the agreement: fighting
resumes and talks may start again.

Every bundle's agreement (:mod:`detente.simulate.agenda`) runs through this machinery on its
own: its own signature, stage, conduct, hazard and spoilers (its own random numbers: columns
``b·(2 + 2F)`` on of the step's draws), and its terms take effect on its settled issues only
(the others stay at the line). Only an agreement that stops the fighting (a cease-fire,
framework or settlement) freezes the front. A settlement signed supersedes the partial
agreements in force (they end without breaking down); staged sanctions relief follows the
settlement. The per-period ``defect``, ``spoil``, ``stalled`` and ``implementing`` fields are
over all agreements in force.

The step's per-run work is compiled (:mod:`detente.core.jit`) and done for the runs with an
agreement signed this period or in force only: one pass finds them, one signs (staging,
superseding), and per bundle one pass over the runs with that agreement in force keeps,
settles or breaks it. The strategies' conduct (plugins) is evaluated for those runs, the
rearmament factor's power and the breakdown probabilities' ``1 − exp`` by NumPy
(:func:`detente.simulate.steps.breakdown.breakdown_hazards`).
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel
from detente.simulate.events import flag
from detente.simulate.model import SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.simulate.steps.breakdown import breakdown_hazards, signature_hazard_ratio
from detente.simulate.steps.talk import pressure
from detente.simulate.strategies import Conduct, DealState, get_strategy

__all__ = ["IMPLEMENT", "select_conduct"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_SETTLEMENT = flag("settlement")
_SPOILER = flag("spoiler")
_VIOLATION = flag("violation")
_BREAKDOWN = flag("breakdown")
_PARTIAL_BREAKDOWN = flag("partial_breakdown")
_STALLING = flag("stalling")


def select_conduct(m: SimModel, strategy: IntArray, d: DealState) -> Conduct:
    """The conduct of a side in the runs ``d`` holds, each run following its strategy
    (``strategy``: the runs' indices into the model's strategy pool)."""
    first = int(strategy[0]) if strategy.size else 0
    if strategy.size == 0 or (strategy == first).all():
        return get_strategy(m.strategy_pool[first]).conduct(d)
    out: Conduct | None = None
    for j in np.unique(strategy):
        c = get_strategy(m.strategy_pool[int(j)]).conduct(d)
        if out is None:
            out = c
            continue
        pick = strategy == j
        out = Conduct(
            *(np.where(pick, getattr(c, f), getattr(out, f)) for f in Conduct.__dataclass_fields__)
        )
    assert out is not None
    return out


@kernel
def _gather(
    signed: BoolArray, phase: IntArray, spoil: BoolArray, events: NDArray[np.int32], bits: int
) -> tuple[IntArray, IntArray]:
    """The runs with an agreement signed this period or in force, and the positions among
    them of those that signed; a spoiler act against the talks (``spoil``) is recorded in
    ``events`` (``bits``) of every run."""
    n, n_b = phase.shape
    rows = np.empty(n, dtype=np.int64)
    signers = np.empty(n, dtype=np.int64)
    k = 0
    n_signed = 0
    for r in range(n):
        if spoil[r, 0] or spoil[r, 1]:
            events[r] |= bits
        sign = False
        active = False
        for b in range(n_b):
            sign |= signed[r, b]
            active |= phase[r, b] > 0
        if sign:
            signers[n_signed] = k
            n_signed += 1
        if sign or active:
            rows[k] = r
            k += 1
    return rows[:k], signers[:n_signed]


@kernel
def _sign(
    rows: IntArray,
    signed: BoolArray,
    signed_terms: IntArray,
    signed_bad_faith: BoolArray,
    talk_track: IntArray,
    period: int,
    phase: IntArray,
    age: IntArray,
    terms: IntArray,
    verified: IntArray,
    bad_faith: BoolArray,
    first: IntArray,
    first_terms: IntArray,
    first_track: IntArray,
    in_first: BoolArray,
    duration: IntArray,
    superseded: BoolArray,
    new: BoolArray,
    in_deal: IntArray,
    count: IntArray,
    may_settle: BoolArray,
    settlement_after: int,
    signers: IntArray,
) -> None:
    """Signature of the agreements signed this period by runs ``rows[signers]`` (``new``
    (k, B): a settlement signed contains the partial agreements signed with it, and
    supersedes those in force), then per bundle ``b`` the positions in ``rows`` of the runs
    with an agreement in force from before (``in_deal[b, :count[b]]``) and whether one of
    them reaches its settlement stage this period (``may_settle``, before stalling). Writes
    the state arrays of signing runs only."""
    n_b = phase.shape[1]
    k = rows.shape[0]
    new[:] = False
    for i in signers:
        r = rows[i]
        settles = signed[r, 0]
        for b in range(n_b):
            if not signed[r, b] or (b > 0 and settles):
                continue
            new[i, b] = True
            phase[r, b] = 1
            age[r, b] = 0
            terms[r, b] = signed_terms[r, b]
            verified[r, b, 0] = 0
            verified[r, b, 1] = 0
            bad_faith[r, b, 0] = signed_bad_faith[r, b, 0]
            bad_faith[r, b, 1] = signed_bad_faith[r, b, 1]
            if first[r, b] < 0:
                first[r, b] = period
                first_terms[r, b] = signed_terms[r, b]
                first_track[r, b] = talk_track[r, b]
                in_first[r, b] = True
        if settles:  # a settlement signed supersedes the partial agreements in force
            for b in range(1, n_b):
                if phase[r, b] > 0:
                    if in_first[r, b]:
                        duration[r, b] = age[r, b]
                        superseded[r, b] = True
                    in_first[r, b] = False
                    phase[r, b] = 0
    for b in range(n_b):
        c = 0
        stage = False
        for i in range(k):
            r = rows[i]
            if phase[r, b] > 0 and not new[i, b]:
                in_deal[b, c] = i
                c += 1
                stage |= phase[r, b] == 1 and age[r, b] >= settlement_after
        count[b] = c
        may_settle[b] = stage


@kernel
def _tenths(shift: float, permitted: float) -> float:
    """Rearmament beyond the permitted shift in tenths, ``max(shift − permitted, 0) / 0.1``
    (the power of the rearmament factor ``rearm_hazard^tenths``)."""
    x = shift - permitted
    if x < 0.0:
        return 0.0
    return x / 0.1 if x != 0.0 else x


@kernel
def _excess(runs: IntArray, shift: FloatArray, permitted: float) -> tuple[FloatArray, bool]:
    """Per side (rows) and run, :func:`_tenths` of its rearmament, and whether any is not
    zero."""
    n = runs.shape[0]
    out = np.empty((2, n), dtype=np.float64)
    some = False
    for i in range(n):
        for side in range(2):
            x = _tenths(shift[runs[i], side], permitted)
            some |= x != 0.0
            out[side, i] = x
    return out, some


@kernel
def _deal_state(
    runs: IntArray,
    pos: IntArray,
    b: int,
    age: IntArray,
    bad_faith: BoolArray,
    press: BoolArray,
    shift: FloatArray,
    strategy: IntArray,
    permitted: float,
) -> tuple[IntArray, BoolArray, BoolArray, FloatArray, IntArray, FloatArray, bool]:
    """The runs' :class:`DealState` arrays for their agreement on bundle ``b``: age, then per
    side (rows) bad faith, pressure (rows ``pos`` of ``press``), rearmament so far, strategy;
    and :func:`_excess` of that rearmament."""
    n = runs.shape[0]
    a = np.empty(n, dtype=np.int64)
    bf = np.empty((2, n), dtype=np.bool_)
    pr = np.empty((2, n), dtype=np.bool_)
    sh = np.empty((2, n), dtype=np.float64)
    st = np.empty((2, n), dtype=np.int64)
    tenths = np.empty((2, n), dtype=np.float64)
    some = False
    for i in range(n):
        r = runs[i]
        p = pos[i]
        a[i] = age[r, b]
        for side in range(2):
            bf[side, i] = bad_faith[r, b, side]
            pr[side, i] = press[p, side]
            x = shift[r, side]
            sh[side, i] = x
            st[side, i] = strategy[r, side]
            y = _tenths(x, permitted)
            some |= y != 0.0
            tenths[side, i] = y
    return a, bf, pr, sh, st, tenths, some


@kernel
def _keep_or_break(
    runs: IntArray,
    b: int,
    stall0: BoolArray,
    stall1: BoolArray,
    deliberate0: BoolArray,
    deliberate1: BoolArray,
    h: FloatArray,
    u: FloatArray,
    col: int,
    settlement_after: int,
    candidates: FloatArray,
    settled: BoolArray,
    faction_u: FloatArray,
    spoil_q: FloatArray,
    faction_parent: IntArray,
    phase: IntArray,
    age: IntArray,
    terms: IntArray,
    in_first: BoolArray,
    duration: IntArray,
    broke: BoolArray,
    line: FloatArray,
    defect: BoolArray,
    deliberate: BoolArray,
    stalled: BoolArray,
    spoil: BoolArray,
    implementing: BoolArray,
    events: NDArray[np.int32],
    bits: IntArray,
) -> None:
    """A period of the agreements on bundle ``b`` in force in runs ``runs``: the settlement
    stage (unless a side stalls; its terms written to ``line`` on the bundle's settled
    issues), defections (deliberate, or by chance: ``h[i, side]`` above the run's uniform),
    spoiler factions' violations and escalations (``h[i, 2 + f]``), breakdown, ageing; the
    period's acts recorded (``bits``: settlement, spoiler, violation, breakdown, stalling)."""
    n_f = spoil_q.shape[0]
    n_i = settled.shape[0]
    for i in range(runs.shape[0]):
        r = runs[i]
        t = max(terms[r, b], 0)
        ev = 0
        st0 = stall0[i]
        st1 = stall1[i]
        if phase[r, b] == 1 and age[r, b] >= settlement_after and not (st0 or st1):
            phase[r, b] = 2
            for q in range(n_i):
                if settled[q]:
                    line[r, q] = candidates[t, q]
            if b == 0:
                ev |= bits[0]
        de0 = deliberate0[i]
        de1 = deliberate1[i]
        d0 = de0 or h[i, 0] > u[r, col]
        d1 = de1 or h[i, 1] > u[r, col + 1]
        s0 = False
        s1 = False
        escalate = False
        for f in range(n_f):
            dissat = 1.0 - faction_u[t, f]
            if dissat < 0.0:
                dissat = 0.0
            elif dissat > 1.0:
                dissat = 1.0
            act = u[r, col + 2 + f] < spoil_q[f] * dissat
            down_f = u[r, col + 2 + n_f + f] < h[i, 2 + f]
            if act or down_f:
                if faction_parent[f] == 0:
                    s0 = True
                else:
                    s1 = True
            escalate = escalate or down_f
        a = age[r, b]
        first = in_first[r, b]
        if d0 or d1 or escalate:
            if first:
                duration[r, b] = a + 1
                broke[r, b] = True
                in_first[r, b] = False
            phase[r, b] = 0
            ev |= bits[3] if b == 0 else bits[4]
        else:
            age[r, b] = a + 1
            if first:
                duration[r, b] = a + 1
        if st0 or st1:
            ev |= bits[5]
            stalled[r, 0] |= st0
            stalled[r, 1] |= st1
        if de0 or de1:
            deliberate[r, 0] |= de0
            deliberate[r, 1] |= de1
        if d0 or d1:
            ev |= bits[2]
            defect[r, 0] |= d0
            defect[r, 1] |= d1
        if s0 or s1:
            ev |= bits[1] | bits[2]
            spoil[r, 0] |= s0
            spoil[r, 1] |= s1
        implementing[r] = True
        if ev:
            events[r] |= ev


_BITS = np.array(
    [_SETTLEMENT, _SPOILER, _VIOLATION, _BREAKDOWN, _PARTIAL_BREAKDOWN, _STALLING], dtype=np.int64
)


def _implement(m: SimModel, s: RunState, d: Draws) -> RunState:
    st = m.settings
    n, n_b = s.phase.shape
    events = s.events.copy()
    spoil = s.spoil.copy()  # acts against the talks this period (steps/spoilers.py) kept
    rows, signers = _gather(s.signed, s.phase, s.spoil, events, _SPOILER | _VIOLATION)
    defect = np.zeros((n, 2), dtype=bool)
    deliberate = np.zeros((n, 2), dtype=bool)
    stalled = np.zeros((n, 2), dtype=bool)
    implementing = np.zeros(n, dtype=bool)
    done = {
        "defect": defect,
        "deliberate": deliberate,
        "spoil": spoil,
        "stalled": stalled,
        "implementing": implementing,
        "events": events,
    }
    if not rows.size:
        return evolve(s, **done)

    # the arrays a step writes are copies (states are never modified); those of signature
    # only when an agreement is signed
    phase, age, duration = s.phase.copy(), s.age.copy(), s.duration.copy()
    in_first = s.in_first.copy()
    own = _copy if signers.size else _same
    terms, verified, bad_faith = own(s.terms), own(s.verified), own(s.bad_faith)
    first, first_terms, first_track = own(s.first), own(s.first_terms), own(s.first_track)
    agreements, deal_hr, superseded = own(s.agreements), own(s.deal_hr), own(s.superseded)
    new = np.empty((rows.size, n_b), dtype=bool)
    in_deal = np.empty((n_b, rows.size), dtype=np.int64)
    count = np.empty(n_b, dtype=np.int64)
    may_settle = np.empty(n_b, dtype=bool)
    _sign(
        rows,
        s.signed,
        s.signed_terms,
        s.signed_bad_faith,
        s.talk_track,
        s.period,
        phase,
        age,
        terms,
        verified,
        bad_faith,
        first,
        first_terms,
        first_track,
        in_first,
        duration,
        superseded,
        new,
        in_deal,
        count,
        may_settle,
        m.settlement_after,
        signers,
    )
    if signers.size:
        for j in np.flatnonzero(new.any(axis=0)).tolist():
            who = rows[new[:, j]]  # the ratio of the runs signing only
            earlier = agreements[who, j]
            deal_hr[who, j] = signature_hazard_ratio(m, s, j, earlier, who)
            agreements[who, j] = earlier + 1

    out = {
        "phase": phase,
        "age": age,
        "in_first": in_first,
        "duration": duration,
        "terms": terms,
        "verified": verified,
        "bad_faith": bad_faith,
        "agreements": agreements,
        "first": first,
        "first_terms": first_terms,
        "first_track": first_track,
        "superseded": superseded,
        "deal_hr": deal_hr,
        **done,
    }
    if not count.any():  # agreements signed this period, none in force from before
        return evolve(s, **out)
    broke = s.broke.copy()
    cap = max(abs(m.truce_shift), st.rearm_shift)
    rate = cap / max(m.implementation, 1)
    # each side's pressure (the talk step's rule, run by run): of the runs at hand when they
    # are few (rows of ``press``: their positions in ``rows``), else of every run
    few = 2 * rows.size < n
    if few:
        press = pressure(m, evolve(s, rhat=s.rhat[rows], shift=s.shift[rows], trend=s.trend[rows]))
    else:
        press = pressure(m, s)
    shift = s.shift  # copied on the first rearmament (kept as it is, the fight step reuses β)
    line = s.line  # copied on the first settlement stage
    n_f = m.faction_control.size
    width = 2 + 2 * n_f
    parent = np.ascontiguousarray(m.faction_parent, dtype=np.int64)
    spoil_q = np.array([st.spoiler_rate * (1.0 - c) for c in m.faction_control.tolist()])
    for b in range(n_b):
        if not count[b]:
            continue
        pos = in_deal[b, : count[b]]
        runs = rows[pos]
        spec = m.agenda.bundles[b]
        permitted = abs(m.truce_shift)  # a covariate: only the excess multiplies
        a_b, bf, pr, sh, strategy, tenths, some = _deal_state(
            runs, pos if few else runs, b, age, bad_faith, press, shift, s.strategy, permitted
        )
        conducts = []
        for side in (0, 1):
            ds = DealState(
                age=a_b,
                bad_faith=bf[side],
                pressure=pr[side],
                shift=sh[side],
                shift_cap=cap,
                regroup=st.regroup_periods,
            )
            c = select_conduct(m, strategy[side], ds)
            conducts.append(c)
            if c.rearm.any():
                shift = shift.copy() if shift is s.shift else shift
                shift[runs, side] = np.where(c.rearm, np.minimum(sh[side] + rate, cap), sh[side])
                tenths, some = _excess(runs, shift, permitted)
        # no excess: the factor is h ** 0 = 1 for both sides (no power pass)
        rearmed = st.rearm_hazard**tenths if some else None
        h = breakdown_hazards(m, b, runs, s.period, deal_hr, age, verified, rearmed)
        if may_settle[b] and line is s.line:
            line = line.copy()
        _keep_or_break(
            runs,
            b,
            _flags(conducts[0].stall),
            _flags(conducts[1].stall),
            _flags(conducts[0].defect),
            _flags(conducts[1].defect),
            h,
            d.u,
            b * width,
            m.settlement_after,
            np.ascontiguousarray(m.candidates if b == 0 else spec.candidates),
            np.ascontiguousarray(spec.settled, dtype=np.bool_),
            np.ascontiguousarray(m.faction_utility[b], dtype=np.float64),
            spoil_q,
            parent,
            phase,
            age,
            terms,
            in_first,
            duration,
            broke,
            line,
            defect,
            deliberate,
            stalled,
            spoil,
            implementing,
            events,
            _BITS,
        )
    return evolve(s, broke=broke, shift=shift, line=line, **out)


T = TypeVar("T", bound=np.ndarray[Any, Any])


def _copy(x: T) -> T:
    return x.copy()


def _same(x: T) -> T:
    return x


def _flags(x: BoolArray) -> BoolArray:
    out: BoolArray = np.ascontiguousarray(x, dtype=np.bool_)
    return out


def _idle(m: SimModel, s: RunState) -> bool:
    """No agreement signed this period nor in force, and no spoiler act against the talks (it
    is recorded as a violation here), in any run: nothing to implement or record."""
    return not (s.signed.any() or s.phase.any() or s.spoil.any())


IMPLEMENT = Step(
    "implement",
    _implement,
    lambda m: (len(m.bundle_ids) * (2 + 2 * m.faction_control.size), 0),
    idle=_idle,
)

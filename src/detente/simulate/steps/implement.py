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
) -> tuple[IntArray, int]:
    """The runs with an agreement signed this period or in force, and how many signed; a
    spoiler act against the talks (``spoil``) is recorded in ``events`` (``bits``) of every
    run."""
    n, n_b = phase.shape
    rows = np.empty(n, dtype=np.int64)
    k = 0
    n_signed = 0
    for r in range(n):
        if spoil[r, 0] or spoil[r, 1]:
            events[r] |= bits
        active = False
        for b in range(n_b):
            if signed[r, b]:
                n_signed += 1
                active = True
            elif phase[r, b] > 0:
                active = True
        if active:
            rows[k] = r
            k += 1
    return rows[:k], n_signed


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
) -> None:
    """Signature of the agreements signed this period by runs ``rows`` (``new`` (k, B): a
    settlement signed contains the partial agreements signed with it, and supersedes those in
    force), then per bundle ``b`` the positions in ``rows`` of the runs with an agreement in
    force from before (``in_deal[b, :count[b]]``) and whether one of them reaches its
    settlement stage this period (``may_settle``, before stalling). Writes the state arrays
    of signing runs only."""
    n_b = phase.shape[1]
    count[:] = 0
    may_settle[:] = False
    for i in range(rows.shape[0]):
        r = rows[i]
        settles = signed[r, 0]
        for b in range(n_b):
            new[i, b] = signed[r, b] and (b == 0 or not settles)
            if not new[i, b]:
                continue
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
            if phase[r, b] > 0 and not new[i, b]:
                in_deal[b, count[b]] = i
                count[b] += 1
                if phase[r, b] == 1 and age[r, b] >= settlement_after:
                    may_settle[b] = True


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
        stall = stall0[i] or stall1[i]
        if phase[r, b] == 1 and age[r, b] >= settlement_after and not stall:
            phase[r, b] = 2
            for q in range(n_i):
                if settled[q]:
                    line[r, q] = candidates[t, q]
            if b == 0:
                events[r] |= bits[0]
        d0 = deliberate0[i] or h[i, 0] > u[r, col]
        d1 = deliberate1[i] or h[i, 1] > u[r, col + 1]
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
        down = d0 or d1 or escalate
        if down:
            if in_first[r, b]:
                duration[r, b] = age[r, b] + 1
                broke[r, b] = True
            in_first[r, b] = False
            phase[r, b] = 0
        else:
            age[r, b] += 1
        if in_first[r, b]:
            duration[r, b] = age[r, b]
        stalled[r, 0] |= stall0[i]
        stalled[r, 1] |= stall1[i]
        deliberate[r, 0] |= deliberate0[i]
        deliberate[r, 1] |= deliberate1[i]
        defect[r, 0] |= d0
        defect[r, 1] |= d1
        spoil[r, 0] |= s0
        spoil[r, 1] |= s1
        implementing[r] = True
        if s0 or s1:
            events[r] |= bits[1] | bits[2]
        elif d0 or d1:
            events[r] |= bits[2]
        if down:
            events[r] |= bits[3] if b == 0 else bits[4]
        if stall:
            events[r] |= bits[5]


_BITS = np.array(
    [_SETTLEMENT, _SPOILER, _VIOLATION, _BREAKDOWN, _PARTIAL_BREAKDOWN, _STALLING], dtype=np.int64
)


def _implement(m: SimModel, s: RunState, d: Draws) -> RunState:
    st = m.settings
    n, n_b = s.phase.shape
    events = s.events.copy()
    spoil = s.spoil.copy()  # acts against the talks this period (steps/spoilers.py) kept
    rows, n_signed = _gather(s.signed, s.phase, s.spoil, events, _SPOILER | _VIOLATION)
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
    phase, age, in_first, duration = s.phase.copy(), s.age.copy(), s.in_first.copy(), s.duration
    duration = duration.copy()
    sign = {
        "terms": s.terms,
        "verified": s.verified,
        "bad_faith": s.bad_faith,
        "agreements": s.agreements,
        "first": s.first,
        "first_terms": s.first_terms,
        "first_track": s.first_track,
        "superseded": s.superseded,
        "deal_hr": s.deal_hr,
    }
    if n_signed:
        sign = {k: v.copy() for k, v in sign.items()}
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
        sign["terms"],
        sign["verified"],
        sign["bad_faith"],
        sign["first"],
        sign["first_terms"],
        sign["first_track"],
        in_first,
        duration,
        sign["superseded"],
        new,
        in_deal,
        count,
        may_settle,
        m.settlement_after,
    )
    if n_signed:
        agreements, deal_hr = sign["agreements"], sign["deal_hr"]
        for j in np.flatnonzero(new.any(axis=0)).tolist():
            signers = rows[new[:, j]]  # the ratio of the runs signing only
            earlier = agreements[signers, j]
            deal_hr[signers, j] = signature_hazard_ratio(m, s, j, earlier, signers)
            agreements[signers, j] = earlier + 1

    broke = s.broke.copy() if count.any() else s.broke
    cap = max(abs(m.truce_shift), st.rearm_shift)
    rate = cap / max(m.implementation, 1)
    # each side's pressure (talk step's rule) in the runs at hand, from the period's state
    sub = (
        s
        if rows.size == n
        else evolve(s, rhat=s.rhat[rows], shift=s.shift[rows], trend=s.trend[rows])
    )
    press = pressure(m, sub)
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
        conducts = []
        for side in (0, 1):
            ds = DealState(
                age=age[runs, b],
                bad_faith=sign["bad_faith"][runs, b, side],
                pressure=press[pos, side],
                shift=shift[runs, side],
                shift_cap=cap,
                regroup=st.regroup_periods,
            )
            c = select_conduct(m, s.strategy[runs, side], ds)
            conducts.append(c)
            if c.rearm.any():
                shift = shift.copy() if shift is s.shift else shift
                was = shift[runs, side]
                shift[runs, side] = np.where(c.rearm, np.minimum(was + rate, cap), was)
        excess = np.maximum(shift[runs] - abs(m.truce_shift), 0.0)  # permitted: a covariate
        # no excess: the factor is h ** 0 = 1 for both sides (no power pass)
        rearmed = st.rearm_hazard ** (excess / 0.1) if excess.any() else None
        h = breakdown_hazards(m, b, runs, s.period, sign["deal_hr"], age, sign["verified"], rearmed)
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
            sign["terms"],
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
    return evolve(
        s,
        phase=phase,
        age=age,
        in_first=in_first,
        duration=duration,
        broke=broke,
        shift=shift,
        line=line,
        **sign,
        **done,
    )


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

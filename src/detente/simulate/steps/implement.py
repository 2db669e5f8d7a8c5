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
resumes and talks may start again. An agreement made for a fixed term reaches its term's end
first, in the period that contains it: renewed by its veto parties or lapsed, not broken
(:mod:`detente.simulate.steps.expiry`); the terms of the agreements signed this period start
after the signature (:func:`detente.simulate.steps.expiry.new_terms`). The signature kernels
are in :mod:`detente.simulate.steps.signing`.

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
superseding), and one pass over the agreements in force keeps, settles or breaks them, every
bundle at once when no strategy of the model's pool has a conduct to evaluate (they all keep
what they sign), else bundle by bundle after the strategies' conduct (plugins, evaluated by
NumPy for those runs). A breakdown is decided by comparing ``h = 1 − exp(−HR · ΔH)`` with the
run's uniform: where the answer cannot depend on how ``expm1`` rounds (bounds from the
series of ``1 − exp(−x)``, :func:`detente.simulate.steps.breakdown.exceeds`) the kernel
decides it without ``h``, and only the very rare agreements left undecided get NumPy's
``expm1`` (the same decisions, bit for bit, as computing every ``h``). New agreements' hazard
ratios take the sides' compliance from :func:`detente.trust.behaviour.compliance_array` and one
``exp`` (NumPy), for all of them at once; the rearmament factor's power is NumPy's too.
"""

from __future__ import annotations

import weakref
from typing import Any, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import inline_kernel, kernel
from detente.simulate.durability import check_rest_code, increment_table
from detente.simulate.events import flag
from detente.simulate.in_force import start_ended, start_followed, start_ratios
from detente.simulate.model import SimModel
from detente.simulate.state import Draws, RunState, evolve, replaced
from detente.simulate.steps import Step, going1
from detente.simulate.steps.breakdown import (
    agreement_exponents,
    exceeds,
    faction_ratios,
    relief_of,
    signature_log_ratios,
)
from detente.simulate.steps.expiry import expire, new_terms
from detente.simulate.steps.signing import busy as _busy
from detente.simulate.steps.signing import deals_from_before as _deals
from detente.simulate.steps.signing import gather as _gather
from detente.simulate.steps.signing import sign as _sign
from detente.simulate.steps.signing import store_ratios as _store_ratios
from detente.simulate.steps.talk import pressure
from detente.simulate.strategies import Conduct, DealState, get_strategy, keeps_agreements
from detente.trust.behaviour import compliance_array

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


# breakdown.agreement_exponents (the one computation of the exponents), compiled into the
# loop of _keep_or_break instead of called from it: a call passing its array arguments (and
# the views of ``verified`` and ``extra`` made for it) cost about 25 ns an agreement in
# force, more than the rest of the pass (core.jit.inline_kernel)
_agreement_exponents = inline_kernel(getattr(agreement_exponents, "py_func", agreement_exponents))


@kernel
def _keep_or_break(
    rows: IntArray,
    signed: BoolArray,
    n_deals: int,
    runs: IntArray,
    bundle: IntArray,
    stall0: BoolArray,
    stall1: BoolArray,
    deliberate0: BoolArray,
    deliberate1: BoolArray,
    rearmed: FloatArray,
    u: FloatArray,
    width: int,
    settlement_after: int,
    deal_hr: FloatArray,
    verified: IntArray,
    dh: FloatArray,
    relief_step: FloatArray,
    sanctioned: BoolArray,
    extra: FloatArray,
    faction_u: FloatArray,
    spoil_q: FloatArray,
    faction_parent: IntArray,
    phase: IntArray,
    age: IntArray,
    terms: IntArray,
    in_first: BoolArray,
    duration: IntArray,
    broke: BoolArray,
    defect: BoolArray,
    deliberate: BoolArray,
    stalled: BoolArray,
    spoil: BoolArray,
    implementing: BoolArray,
    events: NDArray[np.int32],
    bits: IntArray,
    pending: IntArray,
    exponents: FloatArray,
    h: FloatArray,
    settlements: IntArray,
    counts: IntArray,
) -> int:
    """A period of the agreements in force: ``runs[:n_deals]`` (on bundles ``bundle``), or
    when ``n_deals`` < 0 those of runs ``rows`` with ``phase > 0`` not ``signed`` this period,
    in bundle then run order: the settlement stage (unless a side stalls, ``stall0/1``
    (empty: none); recorded in ``settlements`` as (run, bundle, terms), for :func:`_settle`),
    defections (deliberate, ``deliberate0/1`` (empty: none), or by chance: the side's
    breakdown probability above the run's uniform of column ``bundle · width + side``),
    spoiler factions' violations and escalations, breakdown, ageing; the period's acts
    recorded (``bits``: settlement, spoiler, violation, breakdown, partial breakdown,
    stalling). Flags and ``rearmed`` (each side's rearmament factor, no columns: none) are
    per agreement listed, or per run when they are not listed.

    The probabilities are ``h = −expm1(−HR · ΔH)`` (:func:`side_exponent`,
    :func:`faction_exponent`; ``ΔH`` by age in ``dh``; ``extra``, ``faction_u`` per bundle on
    the first axis; ``relief_step`` the settlement's). First pass (``h`` empty): each
    comparison is decided without ``expm1`` when it can be (:func:`exceeds`); an agreement
    with one left undecided, and any later one of its run, is left as it was and listed in
    ``pending`` (its index, run, bundle) with its exponents (rows of ``exponents``); returns
    their number, or −1 − the largest age, with nothing written, when an age is past the end
    of ``dh``. Second pass (``h``: NumPy's ``−expm1`` of those exponents, ``pending`` those
    listed): the listed agreements, in order. ``counts``: the agreements left undecided and
    the settlement stages recorded so far."""
    n_f = spoil_q.shape[0]
    exact = h.shape[0] > 0
    listed = n_deals >= 0
    has_rearmed = rearmed.shape[1] > 0
    if exact:
        todo = pending.shape[0]
    else:
        top = -1
        if listed:
            for i in range(n_deals):
                top = max(top, age[runs[i], bundle[i]])
        else:  # the agreements in force from before, bundle by bundle, run by run
            k, n_b = rows.shape[0], phase.shape[1]
            runs = np.empty(k * n_b, dtype=np.int64)
            bundle = np.empty(k * n_b, dtype=np.int64)
            n_deals = 0
            for b in range(n_b):
                for i in range(k):
                    r = rows[i]
                    if phase[r, b] > 0 and not signed[r, b]:
                        runs[n_deals] = r
                        bundle[n_deals] = b
                        n_deals += 1
                        top = max(top, age[r, b])
        if top >= dh.shape[0]:
            return -1 - top
        todo = n_deals
    multi = phase.shape[1] > 1 and not exact
    deferred = np.zeros(phase.shape[0] if multi else 0, dtype=np.bool_)
    e = np.empty(2 + n_f, dtype=np.float64)
    n_pending = 0
    n_settled = counts[1]
    for j in range(todo):
        if exact:
            i, r, b = pending[j, 0], pending[j, 1], pending[j, 2]
        else:
            i, r, b = j, runs[j], bundle[j]
        ri = i if listed else r
        col = b * width
        t = max(terms[r, b], 0)
        st0 = stall0.shape[0] > 0 and stall0[i]
        st1 = stall1.shape[0] > 0 and stall1[i]
        de0 = deliberate0.shape[0] > 0 and deliberate0[i]
        de1 = deliberate1.shape[0] > 0 and deliberate1[i]
        s0 = False
        s1 = False
        escalate = False
        open_ = False
        if exact:
            d0 = de0 or h[j, 0] > u[r, col]
            d1 = de1 or h[j, 1] > u[r, col + 1]
        else:
            last = relief_step.shape[0] - 1 if b == 0 else -1
            x0 = rearmed[0, ri] if has_rearmed else 1.0
            x1 = rearmed[1, ri] if has_rearmed else 1.0
            _agreement_exponents(
                deal_hr[r, b],
                dh[age[r, b]],
                x0,
                x1,
                relief_step,
                last,
                verified[r, b],
                sanctioned,
                extra[b],
                e,
            )
            open_ = multi and deferred[r]
            c0 = 1 if de0 else exceeds(e[0], u[r, col])
            c1 = 1 if de1 else exceeds(e[1], u[r, col + 1])
            open_ = open_ or c0 < 0 or c1 < 0
            d0 = c0 == 1
            d1 = c1 == 1
        for f in range(n_f):
            uf = u[r, col + 2 + n_f + f]
            if exact:
                down = uf < h[j, 2 + f]
            else:
                down_c = exceeds(e[2 + f], uf)
                open_ = open_ or down_c < 0
                down = down_c == 1
            act = u[r, col + 2 + f] < spoil_q[f] * _dissatisfaction(faction_u[b, t, f])
            if act or down:
                if faction_parent[f] == 0:
                    s0 = True
                else:
                    s1 = True
            escalate = escalate or down
        if open_:  # a comparison the bounds could not decide: NumPy's expm1 in a second pass
            pending[n_pending, 0] = i
            pending[n_pending, 1] = r
            pending[n_pending, 2] = b
            for c in range(2 + n_f):
                exponents[n_pending, c] = e[c]
            n_pending += 1
            if multi:
                deferred[r] = True
            continue
        ev = 0
        if phase[r, b] == 1 and age[r, b] >= settlement_after and not (st0 or st1):
            phase[r, b] = 2
            settlements[n_settled, 0] = r
            settlements[n_settled, 1] = b
            settlements[n_settled, 2] = t
            n_settled += 1
            if b == 0:
                ev |= bits[0]
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
    counts[0] = n_pending
    counts[1] = n_settled
    return n_pending


@kernel
def _settle(
    line: FloatArray, settlements: IntArray, candidates: FloatArray, settled: BoolArray
) -> None:
    """The settlement stages recorded by :func:`_keep_or_break` (run, bundle, terms), in
    order: the terms written to ``line`` on the bundle's settled issues."""
    for j in range(settlements.shape[0]):
        r, b, t = settlements[j, 0], settlements[j, 1], settlements[j, 2]
        for q in range(settled.shape[1]):
            if settled[b, q]:
                line[r, q] = candidates[b, t, q]


@kernel
def _dissatisfaction(utility: float) -> float:
    """A faction's dissatisfaction with the terms, ``clip(1 − U_f(terms), 0, 1)``."""
    x = 1.0 - utility
    if x < 0.0:
        return 0.0
    if x > 1.0:
        return 1.0
    return x


_BITS = np.array(
    [_SETTLEMENT, _SPOILER, _VIOLATION, _BREAKDOWN, _PARTIAL_BREAKDOWN, _STALLING], dtype=np.int64
)


class _Plan(NamedTuple):
    """What the step reads of a model, arranged once per model (per bundle on the first axis;
    bundles' candidates padded to the largest)."""

    keeps: bool  # every strategy of the pool keeps its agreements (no conduct to evaluate)
    cap: float  # the most a pause lets a side gain by rearming
    rate: float  # per period
    permitted: float  # the power shift an agreement permits (a covariate)
    width: int  # uniforms per bundle
    parent: IntArray  # (F,)
    spoil_q: FloatArray  # (F,) each faction's violation rate at full dissatisfaction
    extra: FloatArray  # (B, F) faction_ratios
    relief: FloatArray  # the settlement's relief schedule, or empty
    sanctioned: BoolArray  # (2,)
    candidates: FloatArray  # (B, K, I)
    settled: BoolArray  # (B, I)
    faction_u: FloatArray  # (B, K, F)
    x0: FloatArray  # (B, C) each bundle's deal covariate vector (DealDurability.rest_vector)
    base_failures: FloatArray  # (B,)
    mechanism_hr: FloatArray  # (B,)


_PLANS: dict[int, tuple[weakref.ref[SimModel], _Plan]] = {}


def _plan(m: SimModel) -> _Plan:
    got = _PLANS.get(id(m))
    if got is not None and got[0]() is m:
        return got[1]
    st = m.settings
    bundles = m.agenda.bundles
    n_b, n_f, n_i = len(bundles), m.faction_control.size, len(m.issue_ids)
    cands = [
        np.asarray(m.candidates if b == 0 else spec.candidates) for b, spec in enumerate(bundles)
    ]
    k = max(c.shape[0] for c in cands)
    candidates = np.zeros((n_b, k, n_i))
    faction_u = np.zeros((n_b, k, n_f))
    for b, c in enumerate(cands):
        candidates[b, : c.shape[0]] = c
        faction_u[b, : c.shape[0]] = m.faction_utility[b]
    cap = max(abs(m.truce_shift), st.rearm_shift)
    plan = _Plan(
        keeps=all(keeps_agreements(name) for name in m.strategy_pool),
        cap=cap,
        rate=cap / max(m.implementation, 1),
        permitted=abs(m.truce_shift),
        width=2 + 2 * n_f,
        parent=np.ascontiguousarray(m.faction_parent, dtype=np.int64),
        spoil_q=np.array([st.spoiler_rate * (1.0 - c) for c in m.faction_control.tolist()]),
        extra=np.array([faction_ratios(m, b) for b in range(n_b)]).reshape(n_b, n_f),
        relief=relief_of(m, 0),
        sanctioned=np.ascontiguousarray(m.sanctioned, dtype=np.bool_),
        candidates=candidates,
        settled=np.array([spec.settled for spec in bundles], dtype=np.bool_).reshape(n_b, n_i),
        faction_u=faction_u,
        x0=np.array([d.rest_vector for d in m.durability], dtype=np.float64),
        base_failures=np.array([float(d.base.prior_failures) for d in m.durability]),
        mechanism_hr=np.array([d.mechanism_hr for d in m.durability]),
    )
    if len(_PLANS) >= 64:  # bounded: models built and dropped (tests, sweeps)
        _PLANS.clear()
    _PLANS[id(m)] = (weakref.ref(m), plan)
    return plan


_EMPTY_FLAGS = np.zeros(0, dtype=np.bool_)
_NO_REARMAMENT = np.empty((2, 0))
_NO_H = np.empty((0, 0))


def _implement(m: SimModel, s: RunState, d: Draws) -> RunState:
    deals = m.in_force
    if deals is None and s.term is None:
        return _agreements(m, s, d)
    if deals is not None and s.period == 0:  # agreements in force at as_of: hazard ratios
        p = _plan(m)
        hr = start_ratios(deals, s.trust, s.deal_hr, p.x0, p.base_failures, p.mechanism_hr)
        s = evolve(s, deal_hr=hr)
    period, signed = s.period, s.signed
    before = None if deals is None else start_followed(deals, s.in_first, s.first)  # a copy
    if s.term is not None:  # fixed terms (steps.expiry): a term's end decided first
        s = expire(m, s)
    s = _agreements(m, s, d)  # (the same state, updated, for simulate_block's)
    if s.term is not None:  # the terms of the agreements signed this period start
        s = new_terms(m, s, signed)
    if deals is None or before is None:
        return s
    end = start_ended(deals, period, before, s.in_first, s.first, s.start_end)
    return s if end is s.start_end else evolve(s, start_end=end)


def _agreements(m: SimModel, s: RunState, d: Draws) -> RunState:
    p = _plan(m)
    n, n_b = s.phase.shape
    events = s.events.copy()
    spoil = s.spoil.copy()  # acts against the talks this period (steps/spoilers.py) kept
    rows, signers = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    k, n_signers = _gather(s.signed, s.phase, s.spoil, events, _SPOILER | _VIOLATION, rows, signers)
    if s.going_only and k:  # the runs stopped at their settlement are left as they are
        k, n_signers = _going_rows(rows, k, signers, n_signers, s.first, s.period)
    rows, signers = rows[:k], signers[:n_signers]
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
    if not k:
        return evolve(s, **done)

    # the arrays a step writes are copies (states are never modified); those of signature
    # only when an agreement is signed. A state of simulate_block's (RunState.in_place),
    # which no one else ever reads, has the arrays of its agreements' record written in
    # place; never ``phase`` (the engine and begin_period compare it by identity) nor the
    # period's fields (begin_period's blanks, shared by every period)
    phase = s.phase.copy()
    keep = _same if s.in_place else _copy
    age, duration, in_first = keep(s.age), keep(s.duration), keep(s.in_first)
    own = _copy if signers.size and not s.in_place else _same
    terms, verified, bad_faith = own(s.terms), own(s.verified), own(s.bad_faith)
    first, first_terms, first_track = own(s.first), own(s.first_terms), own(s.first_track)
    agreements, deal_hr, superseded = own(s.agreements), own(s.deal_hr), own(s.superseded)
    broke = keep(s.broke)
    n_sig = signers.size * n_b
    sig_run = np.empty(n_sig, dtype=np.int64)
    sig_bundle = np.empty(n_sig, dtype=np.int64)
    earlier = np.empty(n_sig, dtype=np.int64)
    sig_trust = np.empty((n_sig, 2, s.trust.shape[2]))
    n_new, more = _sign(
        rows,
        signers,
        s.signed,
        s.signed_terms,
        s.signed_bad_faith,
        s.talk_track,
        s.period,
        s.trust,
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
        broke,
        superseded,
        agreements,
        sig_run,
        sig_bundle,
        earlier,
        sig_trust,
    )
    if n_new and s.term is not None:  # a lapse is not an earlier failure (steps.expiry)
        earlier[:n_new] -= s.term.lapses[sig_run[:n_new], sig_bundle[:n_new]]
    if n_new:  # each new agreement's hazard ratio (but the spoilers'), from trust at signature
        q = compliance_array(sig_trust[:n_new], "military")  # (E, 2)
        log_hr = np.empty(n_new)
        check_rest_code(signature_log_ratios(q, sig_bundle, earlier, p.x0, p.base_failures, log_hr))
        _store_ratios(deal_hr, sig_run, sig_bundle, p.mechanism_hr, np.exp(log_hr))

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
        "broke": broke,
        **done,
    }
    if signers.size == k and not more:  # agreements signed, none in force from before
        return evolve(s, **out)
    shift = s.shift  # copied on the first rearmament (kept as it is, the fight step reuses β)
    w = _Writes(
        phase,
        age,
        terms,
        in_first,
        duration,
        broke,
        s.line,  # copied before a settlement stage
        defect,
        deliberate,
        stalled,
        spoil,
        implementing,
        events,
    )
    if p.keeps:  # no conduct: every agreement in force in one pass
        none = _EMPTY_FLAGS
        flags = (none, none, none, none)
        rearmed = _rearmed_by_run(m, p, shift)
        w = _keep(m, p, s, d, rows, -1, rows, rows, flags, rearmed, deal_hr, verified, w)
        return evolve(s, line=w.line, **out)

    st = m.settings
    deal_run = np.empty(k * n_b, dtype=np.int64)
    deal_pos = np.empty(k * n_b, dtype=np.int64)
    count = np.empty(n_b, dtype=np.int64)
    _deals(rows, s.signed, phase, deal_run, deal_pos, count)
    # each side's pressure (the talk step's rule, run by run): of the runs at hand when they
    # are few (rows of ``press``: their positions in ``rows``), else of every run
    few = 2 * k < n
    if few:
        sub = replaced(s, rhat=s.rhat[rows], shift=s.shift[rows], trend=s.trend[rows])
        press = pressure(m, sub)
    else:
        press = pressure(m, s)
    lo = 0
    for b in range(n_b):
        c = int(count[b])
        if not c:
            continue
        runs, pos = deal_run[lo : lo + c], deal_pos[lo : lo + c]
        lo += c
        a_b, bf, pr, sh, strategy, tenths, some = _deal_state(
            runs, pos if few else runs, b, age, bad_faith, press, shift, s.strategy, p.permitted
        )
        conducts = []
        for side in (0, 1):
            ds = DealState(
                age=a_b,
                bad_faith=bf[side],
                pressure=pr[side],
                shift=sh[side],
                shift_cap=p.cap,
                regroup=st.regroup_periods,
            )
            cd = select_conduct(m, strategy[side], ds)
            conducts.append(cd)
            if cd.rearm.any():
                shift = shift.copy() if shift is s.shift else shift
                shift[runs, side] = np.where(
                    cd.rearm, np.minimum(sh[side] + p.rate, p.cap), sh[side]
                )
                tenths, some = _excess(runs, shift, p.permitted)
        # no excess: the factor is h ** 0 = 1 for both sides (no power pass)
        rearmed = st.rearm_hazard**tenths if some else _NO_REARMAMENT
        flags = (
            _flags(conducts[0].stall),
            _flags(conducts[1].stall),
            _flags(conducts[0].defect),
            _flags(conducts[1].defect),
        )
        bundle = np.full(c, b, dtype=np.int64)
        w = _keep(m, p, s, d, rows, c, runs, bundle, flags, rearmed, deal_hr, verified, w)
    return evolve(s, shift=shift, line=w.line, **out)


_LAST_REARMED: list[tuple[FloatArray, float, float, FloatArray]] = []


def _rearmed_by_run(m: SimModel, p: _Plan, shift: FloatArray) -> FloatArray:
    """(2, N) each side's rearmament factor ``rearm_hazard^tenths`` per run of ``shift``, or
    no columns when no side rearmed beyond the permitted shift (the factor 1). When no
    strategy rearms, ``shift`` is the same array period after period: computed once (kept
    for the last array seen, compared by identity; arrays of a state are never written)."""
    hazard = float(m.settings.rearm_hazard)
    last = _LAST_REARMED[-1] if _LAST_REARMED else None
    if last is not None and last[0] is shift and last[1] == p.permitted and last[2] == hazard:
        return last[3]
    runs = np.arange(shift.shape[0], dtype=np.int64)
    tenths, some = _excess(runs, shift, p.permitted)
    out: FloatArray = hazard**tenths if some else _NO_REARMAMENT
    _LAST_REARMED[:] = [(shift, p.permitted, hazard, out)]
    return out


class _Writes(NamedTuple):
    """The arrays of the new state :func:`_keep_or_break` writes (the step's own copies)."""

    phase: IntArray
    age: IntArray
    terms: IntArray
    in_first: BoolArray
    duration: IntArray
    broke: BoolArray
    line: FloatArray
    defect: BoolArray
    deliberate: BoolArray
    stalled: BoolArray
    spoil: BoolArray
    implementing: BoolArray
    events: NDArray[np.int32]


def _keep(
    m: SimModel,
    p: _Plan,
    s: RunState,
    d: Draws,
    rows: IntArray,
    n_deals: int,
    runs: IntArray,
    bundle: IntArray,
    flags: tuple[BoolArray, BoolArray, BoolArray, BoolArray],
    rearmed: FloatArray,
    deal_hr: FloatArray,
    verified: IntArray,
    w: _Writes,
) -> _Writes:
    """:func:`_keep_or_break` of the agreements in force (``runs[:n_deals]``, or those of
    ``rows`` when ``n_deals`` < 0): the first pass (again with a longer table of ``ΔH`` when
    it asks), then NumPy's ``−expm1`` of the exponents it left undecided and the second pass
    over those, then the settlement stages written to a copy of the line. Returns the
    writes (``line`` copied or not)."""
    cap = rows.size * s.phase.shape[1] if n_deals < 0 else n_deals
    pending = np.empty((cap, 3), dtype=np.int64)
    exponents = np.empty((cap, 2 + p.spoil_q.size))
    settlements = np.empty((cap, 3), dtype=np.int64)
    counts = np.zeros(2, dtype=np.int64)
    dh = increment_table(m.period_years, s.period + 1)

    def run(todo: IntArray, h: FloatArray) -> int:
        return _keep_or_break(
            rows,
            s.signed,
            n_deals,
            runs,
            bundle,
            flags[0],
            flags[1],
            flags[2],
            flags[3],
            rearmed,
            d.u,
            p.width,
            m.settlement_after,
            deal_hr,
            verified,
            dh,
            p.relief,
            p.sanctioned,
            p.extra,
            p.faction_u,
            p.spoil_q,
            p.parent,
            w.phase,
            w.age,
            w.terms,
            w.in_first,
            w.duration,
            w.broke,
            w.defect,
            w.deliberate,
            w.stalled,
            w.spoil,
            w.implementing,
            w.events,
            _BITS,
            todo,
            exponents,
            h,
            settlements,
            counts,
        )

    n_pending = run(pending, _NO_H)
    if n_pending < 0:  # nothing written: an agreement older than the periods so far
        dh = increment_table(m.period_years, -n_pending)  # (not in the engine)
        n_pending = run(pending, _NO_H)
    if n_pending:
        h = np.expm1(exponents[:n_pending])
        np.negative(h, out=h)
        run(pending[:n_pending], h)
    if counts[1]:  # settlement stages: the line copied (once) and written
        line = w.line.copy() if w.line is s.line else w.line
        _settle(line, settlements[: counts[1]], p.candidates, p.settled)
        w = w._replace(line=line)
    return w


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
    return not _busy(s.signed, s.phase, s.spoil)


def _idle_going(m: SimModel, s: RunState) -> bool:
    """:func:`_idle` for the runs still going until the settlement
    (:func:`~detente.simulate.steps.going1`): once runs have signed their settlement, their
    agreements in force keep the step busy in every later period, but they are read no
    more."""
    return not _busy_going(s.signed, s.phase, s.spoil, s.first, int(s.period))


@kernel
def _busy_going(
    signed: BoolArray, phase: IntArray, spoil: BoolArray, first: IntArray, period: int
) -> bool:
    """:func:`~detente.simulate.steps.signing.busy` of the runs still going (``first[:,
    0]``, :func:`~detente.simulate.steps.going1`): an OR over every run without a branch or
    an early exit (the compiler vectorises it; this runs every period)."""
    n, n_b = phase.shape
    acc = False
    if n_b == 1:
        for r in range(n):
            row = signed[r, 0] | (phase[r, 0] != 0) | spoil[r, 0] | spoil[r, 1]
            acc |= going1(first[r, 0], period) & row
        return acc
    for r in range(n):
        row = spoil[r, 0] | spoil[r, 1]
        for b in range(n_b):
            row |= signed[r, b] | (phase[r, b] != 0)
        acc |= going1(first[r, 0], period) & row
    return acc


@kernel
def _going_rows(
    rows: IntArray, k: int, signers: IntArray, n_signers: int, first: IntArray, period: int
) -> tuple[int, int]:
    """The first ``k`` of ``rows`` (runs) and ``n_signers`` of ``signers`` (positions in
    ``rows``, ascending) kept, in place, for the runs still going (``first[:, 0]``,
    :func:`~detente.simulate.steps.going1`), the signers' positions renumbered; returns how
    many of each are left."""
    kept = 0
    s_in = 0
    s_out = 0
    for i in range(k):
        signer = s_in < n_signers and signers[s_in] == i
        if signer:
            s_in += 1
        r = rows[i]
        if not going1(first[r, 0], period):
            continue
        rows[kept] = r
        if signer:
            signers[s_out] = kept
            s_out += 1
        kept += 1
    return kept, s_out


IMPLEMENT = Step(
    "implement",
    _implement,
    lambda m: (len(m.bundle_ids) * (2 + 2 * m.faction_control.size), 0),
    idle=_idle,
    idle_going=_idle_going,
)

"""``verify`` and ``support``: what each side observes of the other's conduct, and its allies.

**Verify.** Each side observes the other's conduct with the detection probability in place
(``simulation.detection``, or the best ``detection`` of the attached monitors) and updates its
trust evidence on the four dimensions with the trust engine's own rule and tables
(as :func:`detente.trust.vectorised.apply_acts` applies them, through the compiled
:func:`detente.trust.kernels.apply_observed_acts`: the evidence rule's per-dimension weights
for good acts and misdeeds, and the signed relevances the replay gives the same acts,
:mod:`detente.trust.events`), each act weighted by a setting:

=============================================  =======================  ==================
observed act of the other side                 relevance (replay)       weight
=============================================  =======================  ==================
a period of compliance with agreements         ``KEPT`` (+ capacity if  ``trust_gain``
                                               it has factions: it
                                               restrained them)
a defection, deliberate or by chance           ``BROKEN_MILITARY``      ``trust_loss``
rearming under an agreement signed in bad      ``violation`` event      ``trust_loss``
faith (a detected bad-faith signature)
a spoiler faction's act (in talks or an        capacity only (an act    ``trust_loss``
agreement)                                     its leaders did not
                                               condone)
stalling implementation                        predictability           ``trust_loss``
a costly gesture                               ``gesture`` event        ``gesture_weight``
an overture (cheap talk, seen by all; a peace  intention × ``CHEAP_      ``gesture_weight``
offensive is made of them)                     TALK``
=============================================  =======================  ==================

A faction's act is attributed to the faction: it counts against its parent's *capacity*
(control over its forces), never against the parent's intention or integrity (the replay's
rule for acts a principal did not condone). A verified period of compliance counts as verified
compliance (releasing staged sanctions relief); a detected defection is recorded as the event
``defection_detected``, a detected bad-faith rearmament as ``bad_faith_detected``.

**Support.** Each support line moves by ``responsiveness · (violation_support_effect ·
[observed violation by the other side] − overture_support_effect · [overture by the other
side])`` and recovers ``support_reversion`` of its gap to its base level.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel
from detente.scenario.ledger import EventType
from detente.simulate.events import flag
from detente.simulate.model import SimModel
from detente.simulate.state import Draws, RunState, any_true, evolve, set_this_period
from detente.simulate.steps import Step, going1
from detente.simulate.steps.learn import model_cache
from detente.trust.events import BROKEN_MILITARY, CHEAP_TALK, EVENT_EFFECTS, INTENT, KEPT
from detente.trust.kernels import active_acts, apply_observed_acts_into, fold_observed_acts
from detente.trust.vectorised import observed_act_increments

__all__ = ["SUPPORT", "VERIFY"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_VIOLATION = np.array(EVENT_EFFECTS[EventType.violation][0])
_GESTURE = np.array(EVENT_EFFECTS[EventType.gesture][0])
_BROKEN = np.array(BROKEN_MILITARY)
_KEPT = np.array(KEPT)
_SPOILED = np.array([-1.0, 0.0, 0.0, 0.0])
_STALLED = np.array([0.0, 0.0, 0.0, -1.0])
_OVERTURE = CHEAP_TALK * np.array(INTENT)
# the observed acts, in the order they are applied (the columns of the kernel's ``acts``)
_KEPT_ACT, _DEFECTED, _REARMING, _SPOILER, _STALLING, _GESTURE_ACT, _OVERTURE_ACT = range(7)


@cache
def _increments(
    phi_a: float, phi_b: float, weight: tuple[float, ...]
) -> tuple[FloatArray, FloatArray]:
    """The evidence increments of each act (observer, act, seen, dimension), seen or not, with
    its ``weight`` (:func:`detente.trust.vectorised.observed_act_increments`): a kept
    agreement also shows capacity when the observed side has factions (``phi`` = it has)."""
    phi = (phi_a, phi_b)
    rel = np.empty((2, 7, _KEPT.size))
    for side in (0, 1):
        kept_rel = _KEPT + np.array([phi[1 - side], 0.0, 0.0, 0.0])
        rel[side] = (kept_rel, _BROKEN, _VIOLATION, _SPOILED, _STALLED, _GESTURE, _OVERTURE)
    return observed_act_increments(rel, np.array(weight))


@kernel
def _observe_conduct(
    u: FloatArray,
    detection: float,
    implementing: BoolArray,
    defect: BoolArray,
    spoil: BoolArray,
    stalled: BoolArray,
    gesture: BoolArray,
    overture: BoolArray,
    shift: FloatArray,
    phase: IntArray,
    bad_faith: BoolArray,
    dr: FloatArray,
    ds: FloatArray,
    defection_flag: int,
    bad_faith_flag: int,
    tr0: FloatArray,
    ts0: FloatArray,
    verified0: IntArray,
    events0: NDArray[np.int32],
    tr: FloatArray,
    ts: FloatArray,
    verified: IntArray,
    seen: BoolArray,
    events: NDArray[np.int32],
    acts: IntArray,
    guess: IntArray,
) -> None:
    """The verify step over a block's runs: from the state's trust evidence ``tr0``,
    ``ts0``, ``verified0`` and ``events0``, the new ones into ``tr``, ``ts``, ``verified``
    and ``events``, and the violations seen into ``seen``;
    ``acts`` (N, 2) is work space (the acts each side saw, as
    :func:`detente.trust.kernels.apply_observed_acts` applies them).

    One pass over the runs: each run's acts, then its evidence with the acts the block's runs
    are expected to have seen (``guess``, per side: the acts some run saw in the last call;
    each such act is added to every run, seen or not, as applying the acts in turn to the
    whole block adds it). When the acts some run saw turn out to be others, the evidence is
    made again from ``tr0``, ``ts0`` with those (the same bits either way); ``guess`` is
    then updated."""
    n, n_b = phase.shape
    n_act = dr.shape[1]
    g0, g1 = guess[0], guess[1]  # read once: the guess only decides what is computed twice
    on, n_on = active_acts(np.array([g0, g1], dtype=np.int64), n_act)
    saw0 = np.int64(0)
    saw1 = np.int64(0)
    for i in range(n):
        detected = False
        bad_seen = False
        for side in range(2):
            other = 1 - side
            violation = defect[i, other] | spoil[i, other]
            saw = u[i, side] < detection
            kept = implementing[i] & (not violation) & (not stalled[i, other]) & saw
            bad = False
            for b in range(n_b):
                in_force = phase[i, b] > 0
                verified[i, b, other] = verified0[i, b, other] + np.int64(kept & in_force)
                bad |= bad_faith[i, b, other] & in_force
            defected = defect[i, other] & saw
            detected |= defected
            rearming = implementing[i] & bad & (shift[i, other] > 0.0) & saw & (not defected)
            bad_seen |= rearming
            spoiled = spoil[i, other] & (not defect[i, other]) & saw
            gest = gesture[i, other] & (u[i, 2 + side] < detection)
            acts[i, side] = (
                (np.int64(kept) << _KEPT_ACT)
                | (np.int64(defected) << _DEFECTED)
                | (np.int64(rearming) << _REARMING)
                | (np.int64(spoiled) << _SPOILER)
                | (np.int64(stalled[i, other] & saw) << _STALLING)
                | (np.int64(gest) << _GESTURE_ACT)
                | (np.int64(overture[i, other]) << _OVERTURE_ACT)
            )
            seen[i, other] = violation & (u[i, 4 + side] < detection)
        ev = events0[i]
        if detected:
            ev |= defection_flag
        if bad_seen:
            ev |= bad_faith_flag
        events[i] = ev
        saw0 |= acts[i, 0]
        saw1 |= acts[i, 1]
        fold_observed_acts(tr0, ts0, dr, ds, acts, on, n_on, i, tr, ts)
    if saw0 != g0 or saw1 != g1:  # other acts than expected: the evidence made again
        apply_observed_acts_into(tr0, ts0, dr, ds, acts, np.zeros(2, np.int64), tr, ts)
        guess[0], guess[1] = saw0, saw1


class _Plan:
    """A model's constants as the verify step's kernel takes them (made once per model)."""

    def __init__(self, m: SimModel) -> None:
        st = m.settings
        phi = m.has_factions.astype(np.float64)
        w_gain, w_loss, w_gesture = st.trust_gain, st.trust_loss, st.gesture_weight
        weight = (w_gain, w_loss, w_loss, w_loss, w_loss, w_gesture, w_gesture)
        self.dr, self.ds = _increments(float(phi[0]), float(phi[1]), weight)
        self.detection = float(m.detection)
        self.defection = flag("defection_detected")
        self.bad_faith = flag("bad_faith_detected")
        # the acts some run saw, per side, at the last period verified (_observe_conduct's
        # guess of this period's; any value gives the same results)
        self.guess = np.zeros(2, dtype=np.int64)


def _verify(m: SimModel, s: RunState, d: Draws) -> RunState:
    p = model_cache(m, _Plan)
    c = np.ascontiguousarray
    tr0, ts0, verified0 = c(s.tr, np.float64), c(s.ts, np.float64), c(s.verified, np.int64)
    tr, ts, verified = np.empty(tr0.shape), np.empty(ts0.shape), np.empty(verified0.shape, np.int64)
    seen, events = np.empty((s.n, 2), dtype=bool), np.empty(s.n, dtype=np.int32)
    _observe_conduct(
        c(d.u),
        p.detection,
        c(s.implementing),
        c(s.defect),
        c(s.spoil),
        c(s.stalled),
        c(s.gesture),
        c(s.overture),
        c(s.shift),
        c(s.phase),
        c(s.bad_faith),
        p.dr,
        p.ds,
        p.defection,
        p.bad_faith,
        tr0,
        ts0,
        verified0,
        c(s.events, np.int32),
        tr,
        ts,
        verified,
        seen,
        events,
        np.empty((s.n, 2), dtype=np.int64),
        p.guess,
    )
    return evolve(s, tr=tr, ts=ts, verified=verified, seen=seen, events=events)


def _support(m: SimModel, s: RunState, d: Draws) -> RunState:
    if not m.support_owner.size:
        return s
    st = m.settings
    level = s.level.copy()
    for li in range(m.support_owner.size):
        opp = 1 - int(m.support_owner[li])
        delta = m.support_response[li] * (
            st.violation_support_effect * s.seen[:, opp]
            - st.overture_support_effect * s.overture[:, opp]
        )
        back = st.support_reversion * (s.level0[:, li] - level[:, li])
        level[:, li] = np.clip(level[:, li] + delta + back, 0.0, 1.0)
    return evolve(s, level=level)


def _nothing_seen(m: SimModel, s: RunState) -> bool:
    """No run has anything to observe this period (no agreement in force, no violation, no
    stalling, gesture or overture): trust evidence, verification and sightings stay as
    they are."""
    # the fields no step has set this period are the block's blanks: not looked at
    return not any_true(set_this_period(s, _ACTS))


_ACTS = ("implementing", "defect", "spoil", "stalled", "gesture", "overture")


def _nothing_seen_going(m: SimModel, s: RunState) -> bool:
    """:func:`_nothing_seen` for the runs still going until the settlement
    (:func:`~detente.simulate.steps.going1`): a run that signs its settlement this period has
    nothing in force yet, so in a dispute with one bundle the step then waits on the runs
    already stopped only."""
    acts = set_this_period(s, _ACTS)
    if not any_true(acts):  # nothing in any run (the common case, one vectorised pass each)
        return True
    first = np.ascontiguousarray(s.first, dtype=np.int64)
    for a in acts:  # then one vectorised pass over each act, for the runs still going
        flat = np.ascontiguousarray(a).view(np.uint8).reshape(-1)
        if _seen_going(flat, first, int(s.period)):
            return False
    return True


@kernel
def _seen_going(act: NDArray[np.uint8], first: NDArray[np.int64], period: int) -> bool:
    """Some run still going (``first[:, 0]``, :func:`~detente.simulate.steps.going1`) has an
    entry of ``act`` set (its bytes, (N·C,) for (N, C) booleans): an OR over every run without
    a branch or an early exit, which the compiler vectorises for one or two entries a run."""
    n = first.shape[0]
    c = act.shape[0] // n if n else 0
    seen = np.uint8(0)
    if c == 1:
        for i in range(n):
            seen |= np.uint8(going1(first[i, 0], period)) & act[i]
    elif c == 2:
        for i in range(n):
            seen |= np.uint8(going1(first[i, 0], period)) & (act[2 * i] | act[2 * i + 1])
    else:
        for i in range(n):
            row = np.uint8(0)
            for j in range(c):
                row |= act[i * c + j]
            seen |= np.uint8(going1(first[i, 0], period)) & row
    return bool(seen != 0)


VERIFY = Step(
    "verify", _verify, lambda m: (6, 0), idle=_nothing_seen, idle_going=_nothing_seen_going
)
# without support lines the step changes nothing (it draws nothing): never run
SUPPORT = Step("support", _support, lambda m: (0, 0), inert=lambda m: not m.support_owner.size)

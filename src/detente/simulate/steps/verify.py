"""``verify`` and ``support``: what each side observes of the other's conduct, and its allies.

**Verify.** Each side observes the other's conduct with the detection probability in place
(``simulation.detection``, or the best ``detection`` of the attached monitors) and updates its
trust evidence on the four dimensions with the trust engine's own rule and tables
(:func:`detente.trust.vectorised.apply_acts`: the evidence rule's per-dimension weights for good
acts and misdeeds, and the signed relevances the replay gives the same acts,
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

import numpy as np

from detente.scenario.ledger import EventType
from detente.simulate.events import flag
from detente.simulate.model import SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.trust.events import BROKEN_MILITARY, CHEAP_TALK, EVENT_EFFECTS, INTENT, KEPT
from detente.trust.vectorised import apply_acts

__all__ = ["SUPPORT", "VERIFY"]

_VIOLATION = np.array(EVENT_EFFECTS[EventType.violation][0])
_GESTURE = np.array(EVENT_EFFECTS[EventType.gesture][0])
_BROKEN = np.array(BROKEN_MILITARY)
_KEPT = np.array(KEPT)
_SPOILED = np.array([-1.0, 0.0, 0.0, 0.0])
_STALLED = np.array([0.0, 0.0, 0.0, -1.0])
_OVERTURE = CHEAP_TALK * np.array(INTENT)


def _verify(m: SimModel, s: RunState, d: Draws) -> RunState:
    st = m.settings
    tr, ts = s.tr.copy(), s.ts.copy()
    verified = s.verified.copy()
    phi = m.has_factions.astype(np.float64)
    detected = np.zeros(s.n, dtype=bool)
    bad_seen = np.zeros(s.n, dtype=bool)
    seen_violation = np.zeros((s.n, 2), dtype=bool)
    violation = s.defect | s.spoil
    in_force = s.phase > 0  # (N, B) agreements still in force after this period
    for side in (0, 1):
        other = 1 - side
        seen = d.u[:, side] < m.detection
        kept = s.implementing & ~violation[:, other] & ~s.stalled[:, other] & seen
        verified[:, :, other] += kept[:, None] & in_force
        defected = s.defect[:, other] & seen
        detected |= defected
        spoiled = s.spoil[:, other] & ~s.defect[:, other] & seen
        stalled = s.stalled[:, other] & seen
        rearming = (
            s.implementing
            & (s.bad_faith[:, :, other] & in_force).any(axis=1)
            & (s.shift[:, other] > 0.0)
            & seen
        ) & ~defected
        bad_seen |= rearming
        gest = s.gesture[:, other] & (d.u[:, 2 + side] < m.detection)
        kept_rel = _KEPT + np.array([phi[other], 0.0, 0.0, 0.0])
        acts = (
            (kept, kept_rel, st.trust_gain),
            (defected, _BROKEN, st.trust_loss),
            (rearming, _VIOLATION, st.trust_loss),
            (spoiled, _SPOILED, st.trust_loss),
            (stalled, _STALLED, st.trust_loss),
            (gest, _GESTURE, st.gesture_weight),
            (s.overture[:, other], _OVERTURE, st.gesture_weight),
        )
        for mask, rel, w in acts:
            if mask.any():
                tr[:, side], ts[:, side] = apply_acts(
                    tr[:, side], ts[:, side], rel, mask.astype(np.float64) * w
                )
        seen_violation[:, other] = violation[:, other] & (d.u[:, 4 + side] < m.detection)
    ev = s.events | np.where(detected, flag("defection_detected"), 0).astype(np.int32)
    ev = ev | np.where(bad_seen, flag("bad_faith_detected"), 0).astype(np.int32)
    return evolve(s, tr=tr, ts=ts, verified=verified, seen=seen_violation, events=ev)


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
    acts = (s.implementing, s.defect, s.spoil, s.stalled, s.gesture, s.overture)
    return not any(a.any() for a in acts)


VERIFY = Step("verify", _verify, lambda m: (6, 0), idle=_nothing_seen)
SUPPORT = Step("support", _support, lambda m: (0, 0))

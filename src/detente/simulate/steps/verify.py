"""``verify`` and ``support``: what each side observes of the other's conduct, and its allies.

**Verify.** Each side observes the other's conduct in an agreement with the detection
probability in place (``simulation.detection``, or the best ``detection`` of the attached
monitors) and updates its trust evidence on the four dimensions with the trust engine's array
rule (:func:`detente.trust.vectorised.apply_evidence`): an observed period of compliance adds
``trust_gain`` to integrity and predictability (and capacity, if the other has factions: it
restrained them) and counts as verified compliance (releasing staged sanctions relief); an
observed defection, deliberate or not, adds ``trust_loss`` against integrity, predictability
and peaceful intention (one misdeed outweighs many good periods, Larson) and is recorded as the
event ``defection_detected``; an observed spoiler violation counts against capacity only; an
observed stalling of implementation counts against predictability; an observed costly gesture
adds ``gesture_weight`` to peaceful intention.

**Support.** Each support line moves by ``responsiveness · (violation_support_effect ·
[observed violation by the other side] − overture_support_effect · [overture by the other
side])`` and recovers ``support_reversion`` of its gap to its base level.
"""

from __future__ import annotations

import numpy as np

from detente.simulate.events import flag
from detente.simulate.model import SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.trust.vectorised import apply_evidence

__all__ = ["SUPPORT", "VERIFY"]


def _verify(m: SimModel, s: RunState, d: Draws) -> RunState:
    st = m.settings
    tr, ts = s.tr.copy(), s.ts.copy()
    verified = s.verified.copy()
    phi = m.has_factions.astype(np.float64)
    detected = np.zeros(s.n, dtype=bool)
    seen_violation = np.zeros((s.n, 2), dtype=bool)
    violation = s.defect | s.spoil
    for side in (0, 1):
        other = 1 - side
        seen = d.u[:, side] < m.detection
        kept = s.implementing & ~violation[:, other] & ~s.stalled[:, other] & seen
        verified[:, 0, other] += kept
        defected = s.defect[:, other] & seen
        detected |= defected
        spoiled = (s.spoil[:, other] & ~s.defect[:, other] & seen).astype(np.float64)
        stalled = (s.stalled[:, other] & seen).astype(np.float64)
        k, x = kept.astype(np.float64), defected.astype(np.float64)
        # (valence) per dimension: capacity, intention, integrity, predictability
        valence = np.stack([k * phi[other] - spoiled, -x, k - x, k - x - stalled], axis=1)
        tr[:, side], ts[:, side] = apply_evidence(
            tr[:, side],
            ts[:, side],
            valence,
            1.0,
            negativity=st.trust_loss,
            positivity=st.trust_gain,
        )
        gest = (s.gesture[:, other] & (d.u[:, 2 + side] < m.detection)).astype(np.float64)
        intent = 1  # peaceful intention
        tr[:, side, intent], ts[:, side, intent] = apply_evidence(
            tr[:, side, intent], ts[:, side, intent], gest, st.gesture_weight
        )
        seen_violation[:, other] = violation[:, other] & (d.u[:, 4 + side] < m.detection)
    ev = s.events | np.where(detected, flag("defection_detected"), 0).astype(np.int32)
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


VERIFY = Step("verify", _verify, lambda m: (6, 0))
SUPPORT = Step("support", _support, lambda m: (0, 0))

"""Why a run did or did not reach the full settlement: the state of its talks at the horizon.

Each run gets one reason (:data:`REASONS`), read off its state after the last period:

``reached``    it signed the settlement within the horizon;
``red_lines``  no package lies inside every veto party's red lines as they stand in the run
               (stated, or moved by the ``positions`` step): the zone is closed by red lines;
``no_zone``    packages lie inside the red lines, but none is worth at least its value of
               fighting on to both sides (the zone is closed by the values: Fearon 1995);
``distrust``   some package beats fighting for both, but none passes both sides' test of
               distrust, ``τ U + (1 − τ)(V − L) ≥ V`` (:mod:`detente.simulate.protocols`);
``talks``      an acceptable package existed, but the talks did not reach it (the strategies'
               demands, a side's refusal to attend, time).

With ``red_lines`` the issues whose red lines conflict, and the veto parties holding the
conflicting bounds, are counted; with ``no_zone`` the belligerents that no package the other
side prefers to fighting satisfies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.core import TOL_FEASIBLE, TOL_UTILITY
from detente.simulate.model import SimModel
from detente.simulate.state import RunState
from detente.simulate.steps.learn import INTENT
from detente.simulate.steps.talk import bundle_table

__all__ = ["REASONS", "SettlementReasons", "settlement_reasons"]

REASONS = ("reached", "red_lines", "no_zone", "distrust", "talks")
"""Codes of :attr:`SettlementReasons.reason`, in this order."""

BoolArray = NDArray[np.bool_]
_CELLS = 2**15
"""Candidates × runs examined at a time (the live runs' tables, cache-sized chunks)."""


@dataclass(frozen=True)
class SettlementReasons:
    """Per run: the reason code (index into :data:`REASONS`) and who or what blocked."""

    reason: NDArray[np.int8]  # (N,)
    blocking_issue: BoolArray  # (N, I) conflicting red lines on the issue (red_lines)
    blocking_actor: BoolArray  # (N, A) holds a conflicting red line, or no zone satisfies it


def settlement_reasons(m: SimModel, s: RunState) -> SettlementReasons:
    """The reasons of the runs of state ``s`` (after the last period)."""
    n, n_i, n_a = s.n, len(m.issue_ids), len(m.actor_ids)
    reason = np.full(n, REASONS.index("talks"), dtype=np.int8)
    issue = np.zeros((n, n_i), dtype=bool)
    actor = np.zeros((n, n_a), dtype=bool)
    reached = s.first[:, 0] >= 0
    table = bundle_table(m, s, 0)
    rows = table.run_rows(n)
    closed = (table.n_feasible[rows] == 0) & ~reached
    # conflicting red lines in the run's regime (the actors in talks: belligerents and veto
    # parties with positions)
    lo, hi = m.agenda.lo[s.regime], m.agenda.hi[s.regime]  # (N, A, I)
    top_lo, low_hi = lo.max(axis=1), hi.min(axis=1)
    conflict = (top_lo > low_hi + TOL_FEASIBLE) & closed[:, None]
    issue |= conflict
    a_lo = np.take_along_axis(lo, lo.argmax(axis=1)[:, None, :], axis=1)[:, 0]
    for a in range(n_a):
        holds = (lo[:, a] >= a_lo - 1e-12) | (hi[:, a] <= low_hi + 1e-12)
        actor[:, a] |= (conflict & holds).any(axis=1)
    reason[closed] = REASONS.index("red_lines")

    live = ~reached & ~closed
    idx = np.flatnonzero(live)
    if idx.size:
        # the live runs' candidates, a cache-sized chunk of runs at a time (K cells per run)
        tau_all = np.nan_to_num(s.tau, nan=0.0)
        loss_all = m.sucker_loss * 2.0 * (1.0 - np.nan_to_num(s.trust[:, :, INTENT], nan=0.5))
        zone = np.zeros(n, dtype=bool)
        trusted = np.zeros(n, dtype=bool)
        best = np.full((n, 2), -np.inf)
        step = max(1, _CELLS // max(table.size, 1))
        for a in range(0, idx.size, step):
            j = idx[a : a + step]
            rr = rows[j]
            feas = table.feasible[rr]
            gain = [table.utility[rr, :, side] - s.value[j, side, None] for side in (0, 1)]
            meets = [g >= -TOL_UTILITY for g in gain]
            ok = feas & meets[0] & meets[1]
            zone[j] = ok.any(axis=1)
            for side in (0, 1):
                other = meets[1 - side]
                best[j, side] = np.where(feas & other, gain[side], -np.inf).max(axis=1)
            tau, loss = tau_all[j], loss_all[j]
            for side in (0, 1):
                fear = ((1.0 - tau[:, side]) * loss[:, side])[:, None]
                ok &= tau[:, side, None] * gain[side] - fear >= -TOL_UTILITY
            trusted[j] = ok.any(axis=1)
        for side in (0, 1):
            actor[:, side] |= live & ~zone & (best[:, side] < -TOL_UTILITY)
        reason[live & ~zone] = REASONS.index("no_zone")
        reason[live & zone & ~trusted] = REASONS.index("distrust")
    reason[reached] = REASONS.index("reached")
    return SettlementReasons(reason, issue, actor)

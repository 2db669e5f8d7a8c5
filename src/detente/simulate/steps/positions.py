"""``positions``: veto parties move stated red lines when crossing them has become worth it.

A stated red line is a commitment with a cost of crossing (Fearon 1994; Tomz 2007), and that
cost falls as the war's costs mount (Zartman's ripeness), as agreements in force give a leader
cover at home (Putnam 1988) and with a change of leader:
:func:`detente.bargaining.redlines.crossing_cost`, the bargaining engine's function, evaluated
per run on the run's cost of fighting felt now (:func:`run_felt_cost`: the felt cost at the
scenario's date and the costs paid in the run, each period weighted by the actor's δ, the
analysis' formula :func:`detente.bargaining.problem.felt_cost`), the gains of the partial
agreements in force (utility units, over the value of no agreement on each) and a change of
leader: a line stated before its actor's ``leader_since`` (``MoveSet.lead``, the analysis'
mask :func:`detente.bargaining.problem.predecessor_lines`) or any line once the ``shocks``
step has brought a new leader in the run (``RunState.leader_changed``).

The deals beyond the stated lines are the bargaining engine's cheapest packages
(:mod:`detente.simulate.agenda`, one *move set* per bundle and actor). In each period, for each
move set not yet crossed, whose bundle is not in force and **on which at least one round of
talks has been held in the run** (``RunState.rounds``), the actor crosses (moves its lines
to the package's values) when its gain from the package's terms over its value of no agreement
on the bundle (its value of fighting under its beliefs, for a deal that stops the fighting)
exceeds the crossing cost ``Σ κ · points / 100``. The run's regime gains the move set's bit,
the talks then search the candidates feasible under the moved lines, and the event
``red_line_moved`` is recorded. A moved line is not restored: the crossing is kept in the
state (the regime's bit, ``RunState.moved_at``), so a felt cost that falls later in the run
(older costs discounted, :func:`run_felt_cost`) never un-crosses it; a public concession, like
a meeting with an adversary one refused to recognise, is not taken back cheaply (Fearon 1994;
Tomz 2007).

A move set that takes a line past a public commitment naming a **ratification** (a referendum
on territory, a constitutional amendment: ``PublicCommitment.ratification``) is crossed only if
its package is inside the actor's domestic win-set (Putnam 1988): the ratifiers' measured
acceptance above the majority the ratification needs (``MoveSet.ratified``,
:func:`detente.bargaining.redlines.ratified`); outside it, the crossing is never weighed, as
a leader does not concede at the table what the ratifiers would reject (a ratification
requirement shrinks the win-set and binds the negotiator: Schelling 1960; Putnam 1988). Where the
scenario gives no acceptance share the crossing-cost rule decides alone. The ratifiers' share
moves with the run's war (:func:`in_win_set`): a belligerent's ratifiers accept more as the
costs it has paid mount, by :func:`detente.bargaining.redlines.acceptance_shift` of its costs
paid before the date (``Agenda.paid0``) and in the run (``RunState.cum_cost``), the log of
cumulative casualties of Mueller (1973), one published slope; the gate is read every period
in every run, so a package outside the win-set at the scenario's date can enter it as the run's
costs mount. A third party's ratifiers, and any whose actor paid nothing before the date, keep
the measured share.

Red lines are crossed **at the table**: a stated position is a commitment tactic (Schelling
1960), and conceding it publicly where nobody negotiates the bundle pays the audience cost
(Fearon 1994) and buys nothing; ripeness needs a hurting stalemate *and* a perceived way out,
a negotiation in which to concede (Zartman 2000); concessions are moves in a negotiation
(Pruitt 1981; Iklé 1964). Without this condition the Ukraine snapshots' lines were abandoned in
the first week of nearly every run, on bundles no round of talks ever took up
(``validation/dyn_expectations.md``). The step runs before the talks, so a crossing comes at
the earliest in the period after the first round on its bundle. No parameter.

Red lines also **harden** (:func:`red_lines`, the rule of
:func:`detente.bargaining.redlines.hardened_bounds`): each belligerent's stated lines follow its
value of fighting (Fearon 1995; Slantchev 2003): when the run's value of fighting rises above
its value at the start (the front moving its way, its belief about the balance of forces
improving), its lines not yet crossed tighten toward its ideal by the points worth the rise;
when it falls back they return toward the stated line. The rise counted is the war's
(:func:`war_rise`): the part of the value's change that comes from agreements' terms in force
(the stalemate outcome improved on the issues the front does not move, which only an
agreement's terms change) is not news about the war (Reiter 2009: demands move with battlefield
information and costs), and the same gains *lower* the cost of conceding in the crossing rule
(cover at home, Putnam 1988); counting them hardened every open line of a side that had signed a
prisoner exchange or an energy pause (``validation/dyn8_expectations.md``). The hardened lines
are the run's stated positions (the ``redline.*`` trajectories). The talks' tables stay those
of the crossing regime: a belligerent already refuses any deal worth less than its value of
fighting, which is the demand its hardened lines state. Third veto parties have no value of
fighting in the model and their lines do not harden; a red line not stated at the start (a bound
at the end of the scale) is never created during a run.

A belligerent's lines not crossed that stop short of a **public commitment** in law
(``Scenario.public_commitments``: an annexation law, a constitutional clause) are pulled toward
it as the run's costs of fighting mount (entrapment and audience costs: Iklé 1971; Brockner &
Rubin 1985; Fearon 1994), by the share
:func:`detente.bargaining.redlines.entrapment_share` of the gap, of the costs *paid*: the sum
paid before the date (``Agenda.paid0``) and in the run (``RunState.cum_cost``), undiscounted
(sunk costs bind; the reliefs read the felt W, :func:`ripeness_w`); the line reported is the
tighter of the hardened and the pulled one.

A bound stated **at the line of contact** (``Position.at_front``: "a cease-fire on the current
line") names the line, not a number: while stated and not crossed it moves with the front on
its issue, ``bound + (line − line₀)``, before the two rules above apply to it
(:func:`front_lines`; the status quo line as the focal point of territorial bargaining,
Schelling 1960; cease-fire lines becoming settlement lines, Fortna 2004). No parameter.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import felt_cost
from detente.bargaining.redlines import (
    acceptance_shift,
    committed_bounds,
    crossing_cost,
    entrapment_share,
    hardening_points,
    tighten,
)
from detente.simulate.beliefs import stake_utilities
from detente.simulate.events import flag
from detente.simulate.model import SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.simulate.steps.talk import bundle_values

__all__ = [
    "POSITIONS",
    "agreement_gains",
    "crossing_costs",
    "front_lines",
    "in_win_set",
    "moving_gate",
    "no_deal_value",
    "red_lines",
    "ripeness_w",
    "run_felt_cost",
    "war_rise",
    "worth_crossing",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def no_deal_value(m: SimModel, s: RunState, b: int, actor: int) -> FloatArray:
    """(N,) ``actor``'s value of no agreement on bundle ``b``: the bargaining engine's for a
    partial deal that does not stop the fighting (a belligerent's moved by its belief about
    who prevails, :func:`~detente.simulate.steps.talk.bundle_values`), else its value of
    fighting on (a belligerent). Another veto party's is the floor at which it accepts the
    bundle's terms, ``SimModel.veto_floors[b]`` (the analysis' value of no agreement,
    :func:`~detente.simulate.model.veto_floor`: one floor for its acceptance, its red-line
    moves and its refusals); where its consent on ``b`` is not asked (−∞ there), the bundle's
    static value, else its floor on the full settlement, which asks every veto party
    (``BargainingProblem.veto_for``): the war goes on either way."""
    static = float(m.agenda.bundles[b].static_value[actor])
    if actor < 2:
        if not np.isnan(static):  # moved by its belief about who prevails, as in the talks
            out0: FloatArray = bundle_values(m, s, b)[0][:, actor]
            return out0
        out: FloatArray = s.value[:, actor]
        return out
    floor = float(m.veto_floors[b, actor])
    if not np.isfinite(floor):
        floor = static if not np.isnan(static) else float(m.veto_floors[0, actor])
    return np.full(s.n, floor)


def agreement_gains(m: SimModel, s: RunState) -> FloatArray:
    """(N, 2) each belligerent's gains from the partial agreements in force (over its value of
    no agreement on each, never negative): the cover they give a leader at home."""
    out = np.zeros((s.n, 2))
    for b in range(1, s.phase.shape[1]):
        live = s.phase[:, b] > 0
        if not live.any():
            continue
        u = m.agenda.bundles[b].utility[np.maximum(s.terms[:, b], 0)]  # (N, A)
        for side in (0, 1):
            gain = np.maximum(u[:, side] - no_deal_value(m, s, b, side), 0.0)
            out[:, side] += np.where(live, np.nan_to_num(gain), 0.0)
    return out


def run_felt_cost(m: SimModel, s: RunState, side: int) -> FloatArray:
    """(N,) belligerent ``side``'s cost of fighting felt now (ripeness's W,
    :func:`detente.bargaining.problem.felt_cost`, the analysis' one formula): the felt cost at
    the scenario's date (``Agenda.cumulative0``) aged by the periods of the run so far (the
    ``fight`` step has paid this period's costs before this step: ``period + 1``) plus the
    costs paid in the run (``RunState.cum_cost``), each weighted by the actor's δ as the
    analysis weights the costs before the date. The run keeps the sum of its costs, not their
    dates, so they are spread evenly over its periods (exact for a constant cost per period)."""
    return felt_cost(
        float(m.agenda.cumulative0[side]),
        s.cum_cost[:, side],
        float(s.period + 1),
        float(m.discount[side]),
    )


def ripeness_w(m: SimModel, s: RunState, actor: int) -> FloatArray:
    """(N,) ripeness's W of ``actor`` in this period, the one the simulation prices every
    public commitment with (a red line's crossing, :func:`crossing_costs`; a refusal's lift,
    :func:`detente.simulate.steps.tracks.lifting_costs`): a belligerent's cost of fighting felt
    now (:func:`run_felt_cost`), another veto party's felt cost at the scenario's date
    (``Agenda.cumulative0``: it pays no cost in the run)."""
    if actor < 2:
        return run_felt_cost(m, s, actor)
    return np.full(s.n, float(m.agenda.cumulative0[actor]))


def crossing_costs(m: SimModel, s: RunState, j: int, relief: FloatArray) -> FloatArray:
    """(N,) the cost to the actor of move set ``j`` of crossing its lines in this period."""
    ms = m.agenda.move_sets[j]
    a = ms.actor
    w = ripeness_w(m, s, a)
    # a line stated before the actor's leader took over (the analysis' mask), or any line once
    # a new leader came in the run (the ``shocks`` step)
    lead = np.broadcast_to(ms.lead[None, :], (s.n, ms.lead.size))
    g = np.zeros(s.n)
    if a < 2:
        lead = np.maximum(lead, s.leader_changed[:, a].astype(np.float64)[:, None])
        g = relief[:, a]
    kappa = crossing_cost(ms.stated[None, :], ms.base[None, :], w[:, None], g[:, None], lead)
    out: FloatArray = (kappa * np.abs(ms.to - ms.stated)[None, :] / 100.0).sum(axis=1)
    return out


def worth_crossing(m: SimModel, s: RunState, j: int, relief: FloatArray) -> BoolArray:
    """(N,) whether crossing the lines of move set ``j`` is worth it in this period: the
    actor's gain from the package's terms over its value of no agreement on the bundle exceeds
    the crossing cost (module docstring), in every run (the step also asks that the bundle is
    not in force and was talked about)."""
    ms = m.agenda.move_sets[j]
    u = float(m.agenda.bundles[ms.bundle].utility[ms.point_k, ms.actor])
    out: BoolArray = (u - no_deal_value(m, s, ms.bundle, ms.actor)) > crossing_costs(
        m, s, j, relief
    )
    return out


def moving_gate(m: SimModel, j: int) -> bool:
    """Whether move set ``j``'s ratification gate moves during a run: its package is outside
    the win-set at the scenario's date (``MoveSet.ratified`` False, with a known share), its
    actor is a belligerent (it pays costs in the run) and it paid costs before the date (the
    base of :func:`detente.bargaining.redlines.acceptance_shift`)."""
    ms = m.agenda.move_sets[j]
    return (
        ms.point_k >= 0
        and not ms.ratified
        and np.isfinite(ms.margin)
        and ms.actor < 2
        and float(m.agenda.paid0[ms.actor]) > 0.0
    )


def in_win_set(m: SimModel, s: RunState, j: int) -> BoolArray:
    """(N,) whether move set ``j``'s package is inside its actor's domestic win-set in this
    period of each run: its margin at the scenario's date (``MoveSet.margin``) plus the rise of
    the ratifiers' share with the costs the actor has paid in the run
    (:func:`detente.bargaining.redlines.acceptance_shift` of ``Agenda.paid0`` and
    ``RunState.cum_cost``; module docstring) is positive. The measured share alone where the
    gate does not move (:func:`moving_gate`)."""
    ms = m.agenda.move_sets[j]
    if not moving_gate(m, j):
        return np.full(s.n, ms.ratified)
    a = ms.actor
    out: BoolArray = ms.margin + acceptance_shift(m.agenda.paid0[a], s.cum_cost[:, a]) > 0.0
    return out


def war_rise(m: SimModel, s: RunState) -> FloatArray:
    """(N, 2) each belligerent's rise of its value of fighting since the start, net of the
    part the terms of agreements in force bring: ``ΔV − s · (U(line) − U(line'))``, ``line'``
    the line with every issue the front does not move at its status quo (only an agreement's
    terms move those; the line starts at the status quo, so the part is 0 at the start), ``s``
    the stalemate weight of the war lottery. What remains is the change beliefs about the
    balance, the front and the costs per period bring (module docstring); NaN before the first
    learn step. A belligerent with a stated reservation values fighting at that constant
    (:func:`detente.simulate.beliefs.fighting_value`): no agreement's terms move it, and there
    is nothing to net."""
    rise: FloatArray = s.value - s.value0
    fixed = ~m.front_moves
    modelled = np.isnan(m.reservation[:2])  # (2,) the value of fighting is the war model's
    if not fixed.any() or not modelled.any():
        return rise
    # only runs whose fixed issues left the status quo (an agreement's terms) have a part to
    # net (elsewhere line' = line and it is 0): none before the first agreement
    off_sq = (s.line[:, fixed] != m.status_quo[None, fixed]).any(axis=1)
    if not off_sq.any():
        return rise
    rows = np.flatnonzero(off_sq)
    line = s.line[rows]
    weights = None if s.weights is None else s.weights[rows]
    off = np.where(fixed[None, :], m.status_quo[None, :], line)
    u_now = stake_utilities(m, line, weights, s.u_victory)[2]
    u_off = stake_utilities(m, off, weights, s.u_victory)[2]
    banked = np.where(modelled[None, :], float(m.stalemate) * (u_now - u_off), 0.0)
    out: FloatArray = rise.copy()
    out[rows] -= banked
    return out


def red_lines(m: SimModel, s: RunState) -> tuple[FloatArray, FloatArray]:
    """(N, A, I) each run's red lines, minimum and maximum: those of its crossing regime, the
    belligerents' lines not crossed hardened by the war's rise of their value of fighting since
    the start (:func:`war_rise`; module docstring;
    :func:`detente.bargaining.redlines.hardened_bounds`) or pulled toward their public
    commitments by the costs paid in the run, against those paid before the date
    (``Agenda.paid0``, undiscounted; :func:`detente.bargaining.redlines.entrapment_share`,
    :func:`detente.bargaining.redlines.committed_bounds`), whichever is tighter."""
    ag = m.agenda
    lo, hi = ag.lo[s.regime], ag.hi[s.regime]  # fancy indexing: new arrays
    if ag.front_lo is not None and ag.front_hi is not None:
        lo, hi = front_lines(m, s, lo, hi, ag.front_lo, ag.front_hi)
    pts = hardening_points(war_rise(m, s))  # (N, 2); NaN before the first learn step
    committed = bool(np.isfinite(ag.commit_lo).any() or np.isfinite(ag.commit_hi).any())
    if not pts.any() and not committed:
        return lo, hi
    up, down = ag.harden_lo[s.regime], ag.harden_hi[s.regime]  # (N, 2, I) stated, not crossed
    stated_lo, stated_hi = lo[:, :2], hi[:, :2]
    new_lo, new_hi = tighten(stated_lo, stated_hi, m.ideal[None, :2], pts[:, :, None], up, down)
    if committed:
        # the sum paid, not the felt W: sunk costs are what entrapment reads (module docstring)
        share = entrapment_share(ag.paid0[None, :2], s.cum_cost)  # (N, 2)
        c_lo, c_hi = committed_bounds(
            stated_lo,
            stated_hi,
            np.where(up, ag.commit_lo[None], np.nan),
            np.where(down, ag.commit_hi[None], np.nan),
            share[:, :, None],
        )
        new_lo, new_hi = np.maximum(new_lo, c_lo), np.minimum(new_hi, c_hi)
    lo[:, :2], hi[:, :2] = new_lo, new_hi
    return lo, hi


def front_lines(
    m: SimModel,
    s: RunState,
    lo: FloatArray,
    hi: FloatArray,
    front_lo: BoolArray,
    front_hi: BoolArray,
) -> tuple[FloatArray, FloatArray]:
    """(N, A, I) the red lines ``lo`` / ``hi`` of the run's regime with the stated bounds held at
    the line of contact (``Position.at_front``, masks (A, I)) moved with the front since the
    start, ``bound + (line − line₀)`` on the issues the front moves, never past the actor's
    ideal nor off the 0–100 scale; a bound crossed (moved by its move set) stays where the
    crossing put it (module docstring)."""
    move = np.where(m.front_moves[None, :], s.line - m.status_quo[None, :], 0.0)  # (N, I)
    ideal = m.ideal[None]
    shift_lo = front_lo[None] & (lo == m.agenda.lo[0][None])  # stated, not crossed
    shift_hi = front_hi[None] & (hi == m.agenda.hi[0][None])
    new_lo = np.clip(np.minimum(lo + move[:, None, :], ideal), 0.0, 100.0)
    new_hi = np.clip(np.maximum(hi + move[:, None, :], ideal), 0.0, 100.0)
    return np.where(shift_lo, new_lo, lo), np.where(shift_hi, new_hi, hi)


def _positions(m: SimModel, s: RunState, d: Draws) -> RunState:
    sets = m.agenda.move_sets
    if not sets or s.weights is not None:
        return s
    regime, moved_at = s.regime.copy(), s.moved_at.copy()
    relief = agreement_gains(m, s)
    moved = np.zeros(s.n, dtype=bool)
    for j, ms in enumerate(sets):
        # crossed only at the table: after a round of talks on the bundle (module docstring)
        todo = (moved_at[:, j] < 0) & (s.phase[:, ms.bundle] == 0) & (s.rounds[:, ms.bundle] > 0)
        # no package, or outside the actor's domestic win-set (MoveSet.crossable): never,
        # unless the ratifiers' share moves with the run's costs (in_win_set)
        if not ms.crossable:
            if not moving_gate(m, j):
                continue
            todo &= in_win_set(m, s, j)
        if not todo.any():
            continue
        move = todo & worth_crossing(m, s, j, relief)
        regime = np.where(move, regime | (1 << j), regime)
        moved_at[move, j] = s.period
        moved |= move
    ev = s.events | np.where(moved, flag("red_line_moved"), 0).astype(np.int32)
    return evolve(s, regime=regime, moved_at=moved_at, events=ev)


# without move sets no red line can move: the step never runs
POSITIONS = Step("positions", _positions, lambda m: (0, 0), inert=lambda m: not m.agenda.move_sets)

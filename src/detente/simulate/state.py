"""The state of a block of runs between periods: an immutable record of arrays over runs.

Steps never modify a state; they return a new one (:func:`evolve`), so a period is a
composition of pure functions and any intermediate state can be kept, compared or replayed.
(The one exception is a state of :func:`~detente.simulate.engine.simulate_block`'s, which no
caller ever sees: :attr:`RunState.in_place`.)
Arrays have the runs on the first axis (``N``); ``2`` is the belligerents' axis (A, B), ``B``
the agreements' (one per bundle the talks can settle, the full settlement first), ``J`` the
red-line move sets (:mod:`detente.simulate.agenda`), ``D`` the
trust dimensions, ``T`` the private types, ``S`` the scenario's shocks.

Fields marked *this period* are reset at the start of every period (:func:`begin_period`)
and describe what happened in it: the fight's observation, the talks' offers and refusals,
the acts of implementation. Everything else carries over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel
from detente.errors import InputError
from detente.simulate.beliefs import balance_prior, believed_r, front_balance, prior_r
from detente.simulate.in_force import start_arrays
from detente.simulate.memory import BlockMemory
from detente.simulate.model import SimModel, candidate_table, capability_r, utility
from detente.simulate.search import value_of
from detente.simulate.tables import TalkTable
from detente.simulate.terms import TermState, initial_terms

__all__ = [
    "Draws",
    "PeriodBlanks",
    "RunInputs",
    "RunState",
    "any_true",
    "begin_period",
    "evolve",
    "initial_state",
    "replaced",
    "set_this_period",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Draws:
    """One step's random numbers for one period, for the runs of a state: ``u`` uniforms
    (N, n_u) and ``z`` standard normals (N, n_z)."""

    u: FloatArray
    z: FloatArray


@dataclass(frozen=True)
class RunInputs:
    """Optional per-run inputs for a block: preference weights (N, A, I) per run, for
    ensembles over preferences (e.g. the NegMAS workload draws each negotiation's issue
    weights). Rows are the block's runs. The talks then take up only the settlement
    (:func:`detente.simulate.steps.meeting.talk_bundles`); an agreement in force at the start
    whose term can be renewed is refused with them (its renewal would read the bundle's
    shared utilities, not the run's: :func:`initial_state`)."""

    weights: FloatArray | None = None


@dataclass(frozen=True, eq=False)
class RunState:
    """All per-run quantities of a block after ``period`` (see the module docstring)."""

    period: int
    rows: IntArray  # (N,) each run's index in its block
    table: TalkTable  # the settlement's candidates as the talks search them (shared or per run)
    stops_fighting: BoolArray  # (B,) bundles whose agreement is a cease-fire
    weights: FloatArray | None  # (N, A, I) per-run preference weights, None = the model's
    u_victory: FloatArray  # (N or 1, 2, 2) each side's utility of A's and of B's victory terms
    own_type: IntArray  # (N, 2) each side's private type
    drift: FloatArray  # (N, I) true drift per period of the issues the front moves
    beta0: FloatArray  # (N,) true balance of forces at the start
    line: FloatArray  # (N, I) status quo of every issue (the front on moving issues)
    level: FloatArray  # (N, L) allies' support levels
    level0: FloatArray  # (N, L) the levels support reverts to
    shift: FloatArray  # (N, 2) power gained by rearming
    balance_shift: FloatArray  # (N,) change of A's chance of winning a battle (outside events)
    trend: FloatArray  # (N,) smoothed recent movement of the front toward A (σ units)
    cum_cost: FloatArray  # (N, 2) costs of fighting paid
    cost_mult: FloatArray  # (N, 2) multiplier on the stated cost of fighting (shocks)
    resolve_mult: FloatArray  # (N, 2) multiplier on resolve (shocks)
    bal_mean: FloatArray  # (N, 2) each side's belief about the balance β: mean
    bal_prec: FloatArray  # (N, 2) and precision
    rhat: FloatArray  # (N, 2) each side's believed chance that A wins a battle
    type_belief: FloatArray  # (N, 2, T) each side's posterior over the other's type
    value: FloatArray  # (N, 2) each side's value of fighting on, under its beliefs
    value0: FloatArray  # (N, 2) at the start
    other_value: FloatArray  # (N, 2) what each side believes the other gets from fighting
    tr: FloatArray  # (N, 2, D) trust evidence of A about B, B about A: positive
    ts: FloatArray  # (N, 2, D) negative
    tau: FloatArray  # (N, 2) each side's belief that the other delivers
    trust: FloatArray  # (N, 2, D) expected trust
    strategy: IntArray  # (N, 2) index into the model's strategy pool
    rounds: IntArray  # (N, B) rounds of talks held on each bundle
    standing: IntArray  # (N, B) standing offer (candidate of the bundle), -1 = none
    standing_by: IntArray  # (N, B) who made it
    text: IntArray  # (N, B) the mediator's single negotiating text
    prev_demand: FloatArray  # (N, B, 2)
    pos_u: FloatArray  # (N, B, 2) utility to each side of the other's latest position
    prev_pos_u: FloatArray  # (N, B, 2) the same a round earlier
    regime: IntArray  # (N,) red-line regime: bit j set = move set j crossed (agenda)
    moved_at: IntArray  # (N, J) period each move set was crossed, -1 = not (yet)
    phase: IntArray  # (N, B) 0 none in force, 1 cease-fire, 2 settlement in force
    age: IntArray  # (N, B) periods since signature
    terms: IntArray  # (N, B) agreed candidate
    verified: IntArray  # (N, B, 2) periods of verified compliance of each side
    bad_faith: BoolArray  # (N, B, 2) each side signed in bad faith
    deal_hr: FloatArray  # (N, B) breakdown hazard ratio set at signature (but spoilers)
    agreements: IntArray  # (N, B) agreements reached
    first: IntArray  # (N, B) period of the first agreement, -1 = none
    first_terms: IntArray  # (N, B) its candidate
    duration: IntArray  # (N, B) periods the first agreement lasted (so far)
    broke: BoolArray  # (N, B) it broke down
    in_first: BoolArray  # (N, B) it is still in force
    shock_fired: BoolArray  # (N, S)
    leader_changed: BoolArray  # (N, 2) a new leader since the start (crossing-cost hook)
    superseded: BoolArray  # (N, B) the first agreement on the bundle ended in a settlement
    # (N, J) period in which each agreement in force at the start (model.in_force) ended,
    # broken down or superseded, -1 = still in force (simulate.in_force; J = 0: none stated)
    start_end: IntArray
    # this period
    events: NDArray[np.int32]  # (N,) event bits (engine.EVENT_FLAGS)
    fighting: BoolArray  # (N,) no cease-fire in force
    y: FloatArray  # (N,) observed movement of the front toward A (NaN: no fighting)
    cost_signal: FloatArray  # (N, 2) log cost of the other as each side saw it (NaN: none)
    refused_u: FloatArray  # (N, 2) utility to each side of an offer or text it refused (talks
    offered_u: FloatArray  # (N, 2) ... and of the offer it made; kept for the next learn step)
    overture: BoolArray  # (N, 2)
    gesture: BoolArray  # (N, 2)
    signed: BoolArray  # (N, B) agreements signed
    signed_terms: IntArray  # (N, B)
    signed_bad_faith: BoolArray  # (N, B, 2)
    defect: BoolArray  # (N, 2) broke the agreement (on purpose or by chance)
    deliberate: BoolArray  # (N, 2) on purpose
    spoil: BoolArray  # (N, 2) one of its factions attacked the talks or violated the agreement
    derailed: BoolArray  # (N,) a spoiler's attack called off this period's round of talks
    stalled: BoolArray  # (N, 2) dragged out implementation
    seen: BoolArray  # (N, 2) a violation by this side was observed (for allies' support)
    implementing: BoolArray  # (N,) an agreement was in force through this period
    first_track: IntArray  # (N, B) track through which the first agreement came, -1 = none
    talk_track: IntArray  # (N, B) track carrying the talks on each bundle (-1: none meets);
    # kept to the next period, whose tracks step counts it as a stalled round if nothing came
    agreements_seen: IntArray  # (N,) agreements reached up to the last tracks step
    stalls: IntArray  # (N, M) consecutive stalled rounds of each rule-bound mediator's tracks
    withdrawn: BoolArray  # (N, M) the mediator has walked away (after_stalled_rounds)
    # (N, R) period in which each liftable refusal (TrackTable.refusal_ids) was lifted, -1 =
    # it holds; a lift is kept for the rest of the run (steps.tracks)
    lifted_at: IntArray
    # the evidence (tr, ts) that ``trust`` and ``tau`` were last computed from (the learn step
    # recomputes them only when a step has replaced it); None before the first learn step
    trust_of: tuple[FloatArray, FloatArray] | None = None
    # the fight step's balance β and cost per period, with the arrays they were computed from
    # (beta0, level, shift, balance_shift, own_type, cost_mult): reused while none is replaced
    fight_of: tuple[tuple[object, ...], FloatArray, FloatArray] | None = None
    # a cache, not model state: where each run's table searches ended in its last round of
    # talks (N, B, talk.SEARCH_HINTS), the next round's starting points; any value gives
    # the same results (search._search_at). None before the first round
    search_hint: IntArray | None = None
    # the block's reset *this period* fields (begin_period's :class:`PeriodBlanks`), None
    # when they were made for this state alone: a field that is still its blank holds no
    # event (:func:`set_this_period`)
    blanks: PeriodBlanks | None = None
    # fixed terms of agreements: when each current term ends, renewals' periods, lapses
    # (simulate.terms, steps.expiry); None when the scenario states no term
    term: TermState | None = None
    # the state of a block simulate_block runs (True): no caller ever sees it, and the state a
    # step is given is dropped once the step returns, so the talk step updates the arrays of
    # the talks' record (rounds, demands, standing offers, positions, search hints), and the
    # implement step those of the agreements' record (all but ``phase``), in place instead of
    # copying them; never an array a step or the engine compares by identity (``phase``, the
    # arrays of ``trust_of``, ``fight_of``, the paths' sources) nor the period's fields;
    # a step's result and the next period's start are this state itself, updated
    # (:func:`evolve`, :func:`begin_period`: no new state of 80-odd fields per step);
    # False for iter_periods' states (each yielded state is kept as it was,
    # tests/simulate/test_yielded_states.py)
    in_place: bool = False
    # the state of a block simulate_block runs until the settlement (True): a run is read
    # only up to the end of the period in which it signs its settlement (engine.UNTIL), so a
    # step may leave the runs that stopped in an earlier period as they are
    # (:func:`~detente.simulate.steps.going1`: the implement step keeps, breaks and ages only
    # the agreements of the runs still going); False for every state a caller sees
    going_only: bool = False

    @property
    def n(self) -> int:
        """Runs in this state."""
        return int(self.rows.shape[0])


def evolve(state: RunState, **changes: Any) -> RunState:
    """The state with ``changes``: a new state (the old one is left as it was), or, for a
    state of simulate_block's (:attr:`RunState.in_place`: no caller ever sees it, and the
    engine drops the state a step is given once the step returns), the same state updated
    (a new state costs about a microsecond: its 80-odd fields copied). A step calls it for
    its result only; a state it reads on afterwards is made by :func:`replaced`."""
    if state.in_place:
        state.__dict__.update(changes)
        return state
    return replaced(state, **changes)


def replaced(state: RunState, **changes: Any) -> RunState:
    """A new state with ``changes``, the old one left as it was (also for a state of
    simulate_block's)."""
    # a shallow copy (as copy.copy, without its protocol): the fields' dictionary built in
    # one go (a fresh instance's own dictionary would grow field by field)
    new = object.__new__(type(state))
    _set(new, "__dict__", {**state.__dict__, **changes})
    return new


_set = object.__setattr__  # frozen dataclass: the fields are set past its __setattr__


def _period_fields(n: int, b: int) -> dict[str, Any]:
    """The *this period* fields, reset: what each step records about the current period."""
    nan2 = np.full((n, 2), np.nan)
    no2 = np.zeros((n, 2), dtype=bool)
    return {
        "events": np.zeros(n, dtype=np.int32),
        "y": np.full(n, np.nan),
        "cost_signal": nan2,
        "overture": no2,
        "gesture": no2,
        "signed": np.zeros((n, b), dtype=bool),
        "signed_terms": np.full((n, b), -1, dtype=np.int64),
        "signed_bad_faith": np.zeros((n, b, 2), dtype=bool),
        "defect": no2,
        "deliberate": no2,
        "spoil": no2,
        "derailed": np.zeros(n, dtype=bool),
        "stalled": no2,
        "seen": no2,
        "implementing": np.zeros(n, dtype=bool),
    }


class PeriodBlanks:
    """The reset *this period* fields of a block's runs, made once and shared by every period
    (no step writes a state's arrays: each writes its own copies), and the ``fighting`` mask
    of the last ``phase`` it was computed from (``phase`` arrays are replaced, never
    modified, when an agreement starts or ends); and the tracks step's picks of a model with
    one track (by whether it meets: the model's pick row and the (N, B) array made from it,
    the same in every period, never written, :mod:`detente.simulate.steps.tracks`)."""

    def __init__(self, n: int, b: int) -> None:
        self.fields = _period_fields(n, b)
        self.phase: IntArray | None = None
        self.fighting: BoolArray | None = None
        self.picks: dict[bool, tuple[IntArray, IntArray]] = {}


def begin_period(state: RunState, period: int, blanks: PeriodBlanks | None = None) -> RunState:
    """Reset the *this period* fields for ``period`` (``blanks``: the block's, reused)."""
    if blanks is not None and blanks.phase is state.phase and blanks.fighting is not None:
        fighting = blanks.fighting
    else:
        fighting = np.empty(state.n, dtype=bool)
        _no_ceasefire(
            np.ascontiguousarray(state.phase, dtype=np.int64), ceasefire_mask(state), fighting
        )
        if blanks is not None:
            blanks.phase, blanks.fighting = state.phase, fighting
    fields = _period_fields(state.n, state.phase.shape[1]) if blanks is None else blanks.fields
    if state.in_place:  # simulate_block's state: recorded, then never read again (evolve)
        state.__dict__.update(fields, period=period, fighting=fighting, blanks=blanks)
        return state
    new = object.__new__(type(state))
    _set(
        new,
        "__dict__",
        {**state.__dict__, **fields, "period": period, "fighting": fighting, "blanks": blanks},
    )
    return new


def set_this_period(s: RunState, names: tuple[str, ...]) -> list[BoolArray]:
    """The boolean *this period* fields ``names`` of ``s`` that a step has set this period,
    each array once: a field still holding the block's blank (:class:`PeriodBlanks`, all
    False and never written) is left out."""
    blank = None if s.blanks is None else s.blanks.fields
    fields = s.__dict__
    out: list[BoolArray] = []
    for name in names:  # plain loops: this runs every period, generators cost more
        a = fields[name]
        if blank is not None and a is blank[name]:
            continue
        for b in out:
            if a is b:
                break
        else:
            out.append(a)
    return out


def any_true(arrays: list[BoolArray]) -> bool:
    """Some entry of some of ``arrays`` is True (one compiled pass over each)."""
    return any(_any_true(a if a.flags.c_contiguous else np.ascontiguousarray(a)) for a in arrays)


@kernel
def _any_true(a: BoolArray) -> bool:
    """Some entry of ``a`` (C-contiguous, any shape) is True: an OR over its bytes, without
    an early exit (the compiler vectorises it)."""
    flat = a.ravel()
    acc = False
    for i in range(flat.shape[0]):
        acc |= flat[i]
    return acc


@kernel
def _no_ceasefire(phase: IntArray, stops: BoolArray, out: BoolArray) -> None:
    """``out[j]``: no agreement that stops the fighting (``stops``) is in force in run ``j``
    (``phase`` > 0)."""
    for j in range(phase.shape[0]):
        fighting = True
        for b in range(phase.shape[1]):
            if stops[b] and phase[j, b] > 0:
                fighting = False
        out[j] = fighting


def ceasefire_mask(state: RunState) -> BoolArray:
    """(B,) bundles whose agreement stops the fighting (set on the initial state)."""
    out: BoolArray = state.stops_fighting
    return out


def _refuse_renewals(m: SimModel) -> None:
    """Per-run preference weights with an agreement in force at the start whose term can be
    renewed: refused (located), since the renewal decision
    (:func:`detente.simulate.steps.expiry.keeps_renewing`) reads the bundle's shared table."""
    t = m.terms
    if t is None:
        return
    for k in np.flatnonzero((t.start_end >= 0) & (t.start_renew > 0)).tolist():
        raise InputError(
            f"agreements_in_force[{k}].term: RunInputs.weights (per-run preference weights) "
            "cannot be combined with an agreement in force whose term can be renewed: its "
            "renewal would read the bundle's shared utilities, not the run's"
        )


def initial_state(
    m: SimModel,
    rows: IntArray,
    setup: Draws,
    inputs: RunInputs | None = None,
    memory: BlockMemory | None = None,
) -> RunState:
    """The state before the first period: private types and the front's true drift drawn
    (``setup``: uniforms (N, 2), normals (N, I)), priors from the scenario; per-run tables
    taken from the block's work ``memory`` if given (:mod:`detente.simulate.memory`: only
    for a state that never leaves the block's simulation)."""
    n = rows.shape[0]
    n_b, n_s = len(m.bundle_ids), m.shock_ids.__len__()
    n_m = 0 if m.tracks is None else len(m.tracks.stall_limit)
    n_r = 0 if m.tracks is None else len(m.tracks.refusal_ids)
    n_j = len(m.agenda.move_sets)
    weights = None
    stops = np.array([b.ceasefire for b in m.agenda.bundles], dtype=bool)
    if inputs is not None and inputs.weights is not None:
        _refuse_renewals(m)
        given = np.asarray(inputs.weights, dtype=np.float64)
        if given.ndim != 3 or given.shape[1:] != m.ideal.shape:
            raise ValueError(
                f"RunInputs.weights has shape {given.shape}; a block of this scenario needs "
                f"(runs, {m.ideal.shape[0]} actors in talks, {m.ideal.shape[1]} issues)"
            )
        if rows.size and (given.shape[0] <= int(rows.max())):
            raise ValueError(
                f"RunInputs.weights holds {given.shape[0]} runs; run {int(rows.max())} is asked"
            )
        weights = given[rows]
        finite = np.isfinite(weights)
        if not finite.all():
            r, a, i = (int(v) for v in np.argwhere(~finite)[0])
            raise ValueError(
                f"RunInputs.weights[{int(rows[r])}, {a}, {i}] is {weights[r, a, i]!r}: "
                "per-run preference weights must be finite numbers"
            )
        table = candidate_table(m, weights, memory)
    else:
        table = m.table.with_rows(np.zeros(n, dtype=np.int64))
    cum = np.cumsum(m.type_prior)
    own_type = np.minimum(np.searchsorted(cum, setup.u[:, :2] * cum[-1]), m.n_types - 1)
    drift = m.front_drift + m.front_drift_sd * setup.z
    beta0 = front_balance(m, drift)  # the stated drifts' balance (beliefs.front_balance)
    level = np.broadcast_to(m.support_level, (n, m.support_level.size)).copy()
    r0 = capability_r(m, level)
    mean, prec = balance_prior(prior_r(m, r0), m.settings.optimism, m.settings.belief_strength)
    line = np.broadcast_to(m.status_quo, (n, m.status_quo.size)).copy()
    t = m.n_types
    nan2 = np.full((n, 2), np.nan)
    # before any position is seen, each side takes the other to stand at its best package
    trow = table.run_rows(n)
    last = np.maximum(table.n_feasible[trow] - 1, 0)
    ideal_of = np.stack([table.order[trow, 1, last], table.order[trow, 0, last]], axis=1)
    start_pos = np.stack(
        [value_of(table, ideal_of[:, 0], 0), value_of(table, ideal_of[:, 1], 1)], axis=1
    )
    start_pos = np.where((table.n_feasible[trow] > 0)[:, None], start_pos, np.nan)
    pos = np.empty((n, n_b, 2))
    pos[:, 0] = start_pos
    for b in range(1, n_b):
        t_b = m.agenda.bundles[b].table
        pos[:, b] = np.where(t_b.n_feasible[0] > 0, _start_pos(t_b), np.nan)
    no2 = np.zeros((n, 2), dtype=bool)
    deals = {
        "phase": np.zeros((n, n_b), dtype=np.int64),
        "age": np.zeros((n, n_b), dtype=np.int64),
        "terms": np.full((n, n_b), -1, dtype=np.int64),
        "in_first": np.zeros((n, n_b), dtype=bool),
        "duration": np.zeros((n, n_b), dtype=np.int64),
        "deal_hr": np.ones((n, n_b)),
        "line": line,
        "agreements": np.zeros((n, n_b), dtype=np.int64),
    }
    if m.in_force is not None:  # agreements in force at as_of (detente.simulate.in_force)
        bundles = m.agenda.bundles
        start_arrays(
            m.in_force,
            tuple(m.candidates if b == 0 else spec.candidates for b, spec in enumerate(bundles)),
            tuple(spec.settled for spec in bundles),
            m.settlement_after,
            deals,
        )
    pool = m.strategy_pool
    w_bel = m.weights[None, :2] if weights is None else weights[:, :2]
    u_victory = np.stack(
        [utility(m.ideal[:2], w_bel, m.risk[:2], m.victory[v][None, :]) for v in (0, 1)], axis=1
    )  # (N or 1, victory of A / of B, side)
    state = RunState(
        period=-1,
        rows=rows,
        table=table,
        weights=weights,
        u_victory=u_victory,
        own_type=own_type.astype(np.int64),
        drift=drift,
        beta0=beta0,
        line=deals["line"],
        level=level,
        level0=level.copy(),
        shift=np.zeros((n, 2)),
        balance_shift=np.zeros(n),
        trend=np.zeros(n),
        cum_cost=np.zeros((n, 2)),
        cost_mult=np.ones((n, 2)),
        resolve_mult=np.ones((n, 2)),
        bal_mean=mean,
        bal_prec=prec,
        rhat=believed_r(mean, prec),
        type_belief=np.broadcast_to(m.type_prior, (n, 2, t)).copy(),
        value=nan2,
        value0=nan2,
        other_value=nan2,
        tr=np.broadcast_to(m.trust_r, (n, *m.trust_r.shape)).copy(),
        ts=np.broadcast_to(m.trust_s, (n, *m.trust_s.shape)).copy(),
        tau=nan2,
        trust=np.full((n, *m.trust_r.shape), np.nan),
        strategy=np.broadcast_to(
            np.array([pool.index(m.strategies[0]), pool.index(m.strategies[1])]), (n, 2)
        ).copy(),
        rounds=np.zeros((n, n_b), dtype=np.int64),
        standing=np.full((n, n_b), -1, dtype=np.int64),
        standing_by=np.full((n, n_b), -1, dtype=np.int64),
        text=np.full((n, n_b), -1, dtype=np.int64),
        prev_demand=np.full((n, n_b, 2), np.nan),
        pos_u=pos,
        prev_pos_u=pos.copy(),
        regime=np.zeros(n, dtype=np.int64),
        moved_at=np.full((n, n_j), -1, dtype=np.int64),
        superseded=np.zeros((n, n_b), dtype=bool),
        start_end=np.full(
            (n, 0 if m.in_force is None else m.in_force.bundle.size), -1, dtype=np.int64
        ),
        stops_fighting=stops,
        phase=deals["phase"],
        age=deals["age"],
        terms=deals["terms"],
        verified=np.zeros((n, n_b, 2), dtype=np.int64),
        bad_faith=np.zeros((n, n_b, 2), dtype=bool),
        deal_hr=deals["deal_hr"],
        agreements=deals["agreements"],
        first=np.full((n, n_b), -1, dtype=np.int64),
        first_terms=np.full((n, n_b), -1, dtype=np.int64),
        first_track=np.full((n, n_b), -1, dtype=np.int64),
        talk_track=np.full((n, n_b), -1, dtype=np.int64),
        agreements_seen=deals["agreements"].sum(axis=1),  # none new at the start
        stalls=np.zeros((n, n_m), dtype=np.int64),
        withdrawn=np.zeros((n, n_m), dtype=bool),
        lifted_at=np.full((n, n_r), -1, dtype=np.int64),
        duration=deals["duration"],
        broke=np.zeros((n, n_b), dtype=bool),
        in_first=deals["in_first"],
        shock_fired=np.zeros((n, n_s), dtype=bool),
        leader_changed=no2,
        fighting=np.ones(n, dtype=bool),
        refused_u=nan2,
        offered_u=nan2,
        in_place=memory is not None,
        term=initial_terms(
            m.terms,
            np.zeros(0, dtype=np.int64) if m.in_force is None else m.in_force.bundle,
            n,
        ),
        **_period_fields(n, n_b),
    )
    return state


def _start_pos(t: TalkTable) -> FloatArray:
    """(2,) each side's utility of the other's best package (regime 0): its first guess of
    the other's position."""
    last = max(int(t.n_feasible[0]) - 1, 0)
    out: FloatArray = np.array(
        [t.utility[0, t.order[0, 1, last], 0], t.utility[0, t.order[0, 0, last], 1]]
    )
    return out

"""Play a side: a trainee negotiates for one belligerent against a registered strategy.

A session is a turn-by-turn negotiation on one bundle of a scenario (the full ``settlement`` by
default, or a partial bundle of :mod:`detente.simulate.agenda`) under alternating offers. The
trainee plays one belligerent (``side``); the other is played by a strategy of the registry
(:mod:`detente.simulate.strategies`), moved by the Monte Carlo engine's own code:

- the world at the first round of talks is the simulation's: the scenario's model
  (:func:`~detente.simulate.model.build_model`), the private types and the front's drift drawn
  from ``seed`` (run 0 of the simulation's first block), then the period steps before the talks
  (``shocks``, ``fight``, ``observe``, ``learn``): values of fighting under beliefs, beliefs
  about the other side, trust. The world is then held there: every move of the session is a
  round of talks, the clock of the concession strategies advancing by ``talks_every`` periods
  per round (``t = (round · talks_every + 1) / (H + 1)``, ``H`` the opponent's concession
  horizon on the bundle, :func:`~detente.simulate.agenda.talk_horizons`, as in the talks step);
- in each round the trainee proposes terms (any values on the bundle's issues); the opponent's
  strategy sees them (:func:`~detente.simulate.steps.talk.talk_state`: its value of fighting,
  the most it believes it can get, its last demand and the trainee's concession, the rise of its
  own utility of the trainee's position), moves (:meth:`Strategy.move`), and accepts the offer
  when :func:`~detente.simulate.protocols.accepts` says so and the offer lies inside every veto
  party's stated red lines (the simulation's candidate mask); otherwise it counter-proposes the
  package :func:`~detente.simulate.search.propose` picks for what it needs
  (:func:`~detente.simulate.protocols.needs`), and the trainee accepts or rejects the counter;
- the opponent is simulated as a batch: row 0 is the seeded run; one row per private type of
  the opponent (the 3 × 3 grid of :mod:`detente.simulate.model`) faces the same moves, so the
  share of types (weighted by the common prior) that accept an offer is its *likely
  acceptance*.

Every offer and counter is assessed with the bargaining engine, exactly as a proposal is
scored (:func:`detente.bargaining.proposals.score_proposal`): its value to each veto party
against the value of fighting (the reservation ``V``) and the threshold ``t`` under distrust,
whether it lies in the zone of agreement without and with distrust, the stated red lines it
crosses and their crossing costs (:mod:`detente.bargaining.redlines`), the concession it makes
over the side's previous offer, and a one-line verdict.

The session is its inputs: :class:`PlayState` serialises to a small JSON document (scenario
hash, bundle, side, strategy, seed, moves) and :func:`restore` replays it to the same transcript
(every step is deterministic); :func:`encode_moves` / :func:`parse_moves` give the compact move
list of a permalink (``o:40,60~r~o:45,60~a``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.bundles import Agreement, scenario_bundles, value_model
from detente.bargaining.distrust import DistrustState, base_state, scenario_compliance
from detente.bargaining.linkage import LinkageRule
from detente.bargaining.problem import BargainingProblem, build_problem
from detente.bargaining.proposals import ProposalCard, score_proposal
from detente.bargaining.zone import ZoneLP
from detente.core import DEFAULT_SEED, named_rng
from detente.errors import InputError
from detente.manifest import scenario_sha256
from detente.scenario.schema import Scenario
from detente.simulate.agenda import settled_loss_many, talk_horizons
from detente.simulate.engine import SETUP_STREAM
from detente.simulate.model import SimModel, build_model, utility
from detente.simulate.protocols import Round, accepts, needs
from detente.simulate.runner import block_seed
from detente.simulate.search import propose
from detente.simulate.state import Draws, RunState, begin_period, initial_state
from detente.simulate.steps.expiry import sucker_fear
from detente.simulate.steps.fight import FIGHT, OBSERVE
from detente.simulate.steps.learn import LEARN
from detente.simulate.steps.shocks import SHOCKS
from detente.simulate.steps.talk import bundle_values, concession, pressure, talk_state
from detente.simulate.strategies import Move, Strategy, clock, get_strategy
from detente.simulate.tables import TalkTable, build_table

__all__ = [
    "MAX_MOVES",
    "Assessment",
    "Game",
    "PlayMove",
    "PlayState",
    "Turn",
    "encode_moves",
    "offer",
    "parse_moves",
    "replay",
    "respond",
    "restore",
    "start",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

MAX_MOVES = 60
"""Most moves a session holds (offers and responses): bounds the work of a replay."""
_PRE_TALK = (SHOCKS, FIGHT, OBSERVE, LEARN)
"""The period steps before the talks that set the world of the first round."""
_TOL = 1e-9


@dataclass(frozen=True)
class PlayMove:
    """A trainee's move: ``offer`` terms (one value per issue of the bundle, in its order),
    or ``accept`` / ``reject`` the opponent's standing counter-offer."""

    kind: str  # "offer" | "accept" | "reject"
    terms: tuple[float, ...] = ()


@dataclass(frozen=True)
class Assessment:
    """The model's reading of one offer (the trainee's or the opponent's counter)."""

    by: str  # actor id of the side that made it
    terms: dict[str, float]  # issue id → value, the bundle's issues
    utility: dict[str, float]  # veto party → value of the agreement on these terms
    reservation: dict[str, float]  # veto party → value of fighting (no agreement), V
    threshold: dict[str, float]  # veto party → utility it needs under distrust, t
    in_zone: bool  # every veto party prefers it to fighting, red lines respected
    in_zone_distrust: bool  # ... and under distrust
    crossed: tuple[dict[str, Any], ...]  # red lines crossed: actor, issue, bound, points, cost
    concession: float | None  # utility the maker gave up over its previous offer (None: first)
    concession_to_other: float | None  # utility the other side gained over that offer
    moved: tuple[tuple[str, float], ...]  # issues changed over its previous offer (id, points)
    acceptance: float | None  # share of the opponent's types that accept (trainee's offers)
    verdict: str


@dataclass(frozen=True)
class Turn:
    """One round of the transcript."""

    round: int  # 1, 2, ...
    offer: Assessment | None  # the trainee's offer
    attended: bool  # the opponent came to the table this round
    accepted: bool  # the opponent accepted the trainee's offer
    reason: str  # why the opponent accepted or refused, in words
    demand: float | None  # utility the opponent asked for this round (its own scale)
    counter: Assessment | None  # the opponent's counter-offer
    response: str | None = None  # "accept" | "reject" | None (pending or none)


@dataclass(frozen=True, eq=False)
class Game:
    """The fixed setting of a session: scenario model, bundle, sides, strategy, seeded world."""

    scenario: Scenario
    digest: str
    model: SimModel
    problem: BargainingProblem
    agreement: Agreement
    bundle: int
    bundle_id: str
    issues: tuple[str, ...]  # ids of the bundle's issues (the order of a move's terms)
    columns: IntArray  # their indices in the scenario's issues
    human: int  # 0 or 1: the trainee's side among the belligerents
    strategy: Strategy
    seed: int
    world: RunState  # (1 + T rows): the seeded run, then one row per type of the opponent
    weights: FloatArray  # (T,) prior weight of each type row
    table: TalkTable  # the bundle's candidates under the stated red lines (one row)
    lp: ZoneLP
    ranges: FloatArray
    base: DistrustState  # the bargaining engine's distrust state (trust engine's compliance)
    linkages: tuple[LinkageRule, ...]
    names: dict[str, str]  # actor and issue ids → names

    @property
    def side(self) -> str:
        """The trainee's actor id."""
        return self.model.actor_ids[self.human]

    @property
    def open_terms(self) -> bool:
        """Some terms on the bundle lie inside every veto party's stated red lines (else the
        opponent refuses every offer and has no counter-offer to make)."""
        return bool(self.table.n_feasible[0] > 0)

    @property
    def opponent(self) -> str:
        """The opponent's actor id."""
        return self.model.actor_ids[1 - self.human]


@dataclass(frozen=True, eq=False)
class _Memory:
    """The opponent's record of the talks, per row (arrays (N,))."""

    prev_demand: FloatArray
    pos_u: FloatArray  # its utility of the trainee's latest position
    prev_pos_u: FloatArray
    counter: int  # candidate index of the standing counter-offer (row 0), -1 none
    agreed: bool
    rounds: int  # rounds of the session (the clock: talks_every periods each)
    held: IntArray  # rounds the opponent attended, per row (its TalkState.round)


@dataclass(frozen=True, eq=False)
class PlayState:
    """A session: its setting, the trainee's moves and the transcript they produced."""

    game: Game
    moves: tuple[PlayMove, ...] = ()
    turns: tuple[Turn, ...] = ()
    memory: _Memory | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        """An agreement has been reached."""
        return self.memory is not None and self.memory.agreed

    @property
    def awaiting_response(self) -> bool:
        """The opponent's counter-offer stands: the trainee may accept or reject it."""
        return self.memory is not None and self.memory.counter >= 0 and not self.memory.agreed

    def to_dict(self) -> dict[str, Any]:
        """The session as JSON-ready data (what :func:`restore` needs)."""
        g = self.game
        return {
            "scenario_sha256": g.digest,
            "bundle": g.bundle_id,
            "side": g.side,
            "strategy": g.strategy.name,
            "seed": g.seed,
            "issues": list(g.issues),
            "moves": encode_moves(self.moves),
        }


def encode_moves(moves: tuple[PlayMove, ...] | list[PlayMove]) -> str:
    """The compact move list of a permalink: ``o:40,60~r~a`` (offer, reject, accept)."""
    out = []
    for m in moves:
        if m.kind == "offer":
            out.append("o:" + ",".join(_num(v) for v in m.terms))
        else:
            out.append(m.kind[0])
    return "~".join(out)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def parse_moves(
    text: str, n_issues: int, *, number: Callable[[str], float] = float
) -> tuple[PlayMove, ...]:
    """Parse :func:`encode_moves` text (InputError naming the bad move otherwise). Each value
    is read by ``number``, which raises ``ValueError`` saying what is wrong with it: a front
    door passes its numeric parser (the workspace: :mod:`detente.api.numbers`, so a
    permalink's ``moves=`` takes the spellings of every other number), the engine takes
    Python's ``float`` (what :func:`encode_moves` writes)."""
    text = text.strip()
    if not text:
        return ()
    parts = text.split("~")
    if len(parts) > MAX_MOVES:
        raise InputError(f"moves: at most {MAX_MOVES} moves, got {len(parts)}")
    out = []
    for j, p in enumerate(parts, start=1):
        if p in ("a", "r"):
            out.append(PlayMove("accept" if p == "a" else "reject"))
            continue
        if not p.startswith("o:"):
            raise InputError(f"moves: move {j} {p[:20]!r}: expected 'o:<values>', 'a' or 'r'")
        vals = p[2:].split(",")
        if len(vals) != n_issues:
            raise InputError(
                f"moves: move {j}: an offer lists {n_issues} value(s), one per issue of the "
                f"bundle; got {len(vals)}"
            )
        terms = []
        for i, v in enumerate(vals, start=1):
            try:
                terms.append(float(number(v)))
            except ValueError as err:
                raise InputError(f"moves: move {j}, value {i}: {err}") from None
        out.append(PlayMove("offer", tuple(terms)))
    return tuple(out)


def start(
    scenario: Scenario,
    *,
    side: str | None = None,
    strategy: str = "linear",
    bundle: str = "settlement",
    seed: int = DEFAULT_SEED,
) -> PlayState:
    """A new session: the trainee plays ``side`` (a belligerent; default the first) against
    ``strategy`` on ``bundle`` (InputError naming the bad argument otherwise)."""
    m = build_model(scenario)
    a_id, b_id = m.actor_ids[:2]
    side = a_id if side is None else side
    if side not in (a_id, b_id):
        raise InputError(f"side: {side!r} is not a belligerent; expected {a_id!r} or {b_id!r}")
    strat = get_strategy(strategy)
    if bundle not in m.bundle_ids:
        raise InputError(f"bundle: unknown bundle {bundle!r}; expected one of: "
                         f"{', '.join(m.bundle_ids)}")  # fmt: skip
    b = m.bundle_ids.index(bundle)
    spec = m.agenda.bundles[b]
    if not spec.on_agenda:
        raise InputError(f"bundle: {bundle!r} is not on the table (a veto party's linkage "
                         "closes it)")  # fmt: skip
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise InputError(f"seed: expected a non-negative integer, got {seed!r}")
    problem = build_problem(scenario)
    ag = next(a for a in scenario_bundles(problem, scenario) if a.id == bundle)
    cols = np.flatnonzero(spec.settled).astype(np.int64)
    human = (a_id, b_id).index(side)
    world, weights = _world(m, seed, 1 - human)
    lp = ZoneLP(problem)
    names = {a.id: a.name for a in scenario.actors} | {i.id: i.name for i in scenario.issues}
    game = Game(
        scenario=scenario,
        digest=scenario_sha256(scenario),
        model=m,
        problem=problem,
        agreement=ag,
        bundle=b,
        bundle_id=bundle,
        issues=tuple(m.issue_ids[k] for k in cols),
        columns=cols,
        human=human,
        strategy=strat,
        seed=seed,
        world=world,
        weights=weights,
        table=spec.table.row(0),
        lp=lp,
        ranges=np.column_stack([lp.lo, lp.hi]),
        base=base_state(problem, scenario_compliance(scenario)[0]),
        linkages=tuple(LinkageRule.of(lk) for lk in scenario.linkages),
        names=names,
    )
    n = world.n
    start_pos = world.pos_u[:, b, 1 - human]
    memory = _Memory(
        np.full(n, np.nan), start_pos.copy(), start_pos.copy(), -1, False, 0, np.zeros(n, np.int64)
    )
    return PlayState(game, memory=memory)


def restore(scenario: Scenario, doc: dict[str, Any]) -> PlayState:
    """Replay a session from :meth:`PlayState.to_dict` (InputError if it does not fit)."""
    digest = doc.get("scenario_sha256")
    if digest is not None and digest != scenario_sha256(scenario):
        raise InputError("scenario_sha256: the session was played on another scenario")
    seed = doc.get("seed", DEFAULT_SEED)
    state = start(
        scenario,
        side=doc.get("side"),
        strategy=str(doc.get("strategy", "linear")),
        bundle=str(doc.get("bundle", "settlement")),
        seed=seed if isinstance(seed, int) else -1,
    )
    return replay(state, parse_moves(str(doc.get("moves", "")), len(state.game.issues)))


def replay(state: PlayState, moves: tuple[PlayMove, ...]) -> PlayState:
    """Apply ``moves`` in order (InputError naming the first bad one)."""
    for j, mv in enumerate(moves, start=len(state.moves) + 1):
        try:
            if mv.kind == "offer":
                state = offer(state, dict(zip(state.game.issues, mv.terms, strict=True)))
            else:
                state = respond(state, mv.kind == "accept")
        except InputError as err:
            raise InputError(f"move {j}: {err}") from None
    return state


def _world(m: SimModel, seed: int, opp: int) -> tuple[RunState, FloatArray]:
    """The seeded run at its first talks and one row per type of the opponent."""
    ss = block_seed(seed, 0)
    n_i = len(m.issue_ids)
    t = m.n_types
    n = 1 + t if t > 1 else 1
    rng = named_rng(ss, SETUP_STREAM)
    u = np.repeat(rng.random((1, 2)), n, axis=0)
    z = np.repeat(rng.standard_normal((1, n_i)), n, axis=0)
    if n > 1:  # row 1 + j: the opponent is of type j (the midpoint of its prior interval)
        cum = np.cumsum(m.type_prior)
        u[1:, opp] = (cum - 0.5 * m.type_prior) / cum[-1]
    state = initial_state(m, np.arange(n, dtype=np.int64), Draws(u, z))
    state = begin_period(state, 0)
    for step in _PRE_TALK:
        nu, nz = step.widths(m)
        r = named_rng(ss, step.name)
        du = np.repeat(r.random((1, nu)), n, axis=0) if nu else np.empty((n, 0))
        dz = np.repeat(r.standard_normal((1, nz)), n, axis=0) if nz else np.empty((n, 0))
        state = step.apply(m, state, Draws(du, dz))
    weights = m.type_prior / m.type_prior.sum() if n > 1 else np.ones(1)
    return state, np.asarray(weights, dtype=np.float64)


def _full_terms(g: Game, terms: dict[str, float]) -> FloatArray:
    """The package: the bundle's issues at ``terms``, every other at the status quo."""
    x = g.model.status_quo.copy()
    for j, k in enumerate(g.columns):
        x[k] = terms[g.issues[j]]
    return x


def _values(g: Game, x: FloatArray) -> FloatArray:
    """(A,) value to each actor in talks of the agreement on package ``x`` (the agenda's
    candidate values: utility for the settlement, the bargaining value model otherwise)."""
    m = g.model
    if g.bundle == 0:
        return np.asarray(utility(m.ideal, m.weights, m.risk, x[None, :])[0], dtype=np.float64)
    pidx = [g.problem.index(a) for a in m.actor_ids]
    g_all = value_model(g.problem, g.agreement).value(
        settled_loss_many(g.problem, g.agreement, x[None, :])
    )
    return np.asarray(g_all[0, pidx], dtype=np.float64)


def _inside_lines(g: Game, x: FloatArray) -> bool:
    """The package lies inside every talking party's stated red lines on the bundle's issues
    (the simulation's candidate mask in the stated-lines regime)."""
    lo, hi = g.model.agenda.lo[0], g.model.agenda.hi[0]
    s = g.columns
    return bool(np.all((x[s] >= lo[:, s] - 1e-9) & (x[s] <= hi[:, s] + 1e-9)))


def _check_terms(g: Game, terms: dict[str, float]) -> dict[str, float]:
    unknown = sorted(set(terms) - set(g.issues))
    if unknown:
        raise InputError(
            f"terms: issue {unknown[0]!r} is not in bundle {g.bundle_id!r} "
            f"(its issues: {', '.join(g.issues)})"
        )
    out = {}
    for iid in g.issues:
        if iid not in terms:
            raise InputError(f"terms: missing a value for issue {iid!r}")
        v = terms[iid]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise InputError(f"terms: issue {iid!r}: expected a number from 0 to 100, got {v!r}")
        if not 0.0 <= float(v) <= 100.0:
            raise InputError(f"terms: issue {iid!r}: {v} is outside the 0..100 scale")
        out[iid] = float(v)
    return out


def offer(state: PlayState, terms: dict[str, float]) -> PlayState:
    """The trainee proposes ``terms`` (issue id → value on the bundle's issues); the opponent
    accepts or counter-proposes. A standing counter-offer is rejected by a new offer."""
    g, mem = state.game, state.memory
    assert mem is not None
    if mem.agreed:
        raise InputError("the talks are over: an agreement has been reached")
    if len(state.moves) >= MAX_MOVES:
        raise InputError(f"a session holds at most {MAX_MOVES} moves")
    clean = _check_terms(g, terms)
    moves, turns = state.moves, state.turns
    if mem.counter >= 0:  # an offer answers the standing counter with a rejection
        turns = (*turns[:-1], replace(turns[-1], response="reject"))
    m, s, h, o, b = g.model, g.world, g.human, 1 - g.human, g.bundle
    x = _full_terms(g, clean)
    u_x = _values(g, x)
    k_off = g.table.size
    utab = np.concatenate([g.table.utility[0], u_x[None, :]], axis=0)[None]
    feas = np.concatenate([g.table.feasible[0], [False]])[None]
    table = build_table(utab, feas)  # the offer is candidate K; never proposed by the other
    n = s.n
    st = m.settings
    period = mem.rounds * st.talks_every
    t = clock(period, float(talk_horizons(m.agenda.bundles[b], st)[o]))
    value, other_value = bundle_values(m, s, b)
    pos_u = np.full(n, u_x[o])
    prev_pos_u = mem.pos_u
    ts = talk_state(
        table,
        o,
        value,
        other_value,
        period=period,
        rounds=mem.held.copy(),
        t=t,
        value0=s.value0[:, o],
        prev_demand=mem.prev_demand,
        opp_concession=concession(pos_u, prev_pos_u),
        pressure=pressure(m, s)[:, o],
    )
    mv = g.strategy.move(ts)
    mine = _plain(np.full(n, u_x[h]))
    moves_ = (mine, mv) if h == 0 else (mv, mine)
    loss = sucker_fear(m, s, m.agenda.bundles[b].ceasefire)
    k = np.full(n, k_off, dtype=np.int64)
    rnd = Round(
        table=table,
        held=mv.attends.copy(),
        moves=moves_,
        value=value,
        tau=s.tau,
        loss=loss,
        standing=k,
        standing_by=np.full(n, h, dtype=np.int64),
        text=np.full(n, -1, dtype=np.int64),
        pos_u=np.stack([pos_u, pos_u], axis=1),
        prev_pos_u=np.stack([prev_pos_u, prev_pos_u], axis=1),
        bundle=b,
    )
    inside = _inside_lines(g, x)
    ok = accepts(m, rnd, o, k)
    acc = mv.attends & ok & inside
    counter = propose(table, o, needs(rnd, o))
    counter = np.where(mv.attends & ~acc, counter, -1)
    share = min(float(np.dot(g.weights, acc[1:])), 1.0) if n > 1 else float(acc[0])
    # the assessment of the trainee's offer
    card = _assess(g, x, h, _last_offer(turns), share)
    attended, accepted = bool(mv.attends[0]), bool(acc[0])
    opp = g.names.get(g.opponent, g.opponent)
    u_o, demand = float(u_x[o]), float(mv.demand[0])
    if not attended:
        reason = f"{opp} did not come to the table this round ({g.strategy.name})."
    elif accepted:
        reason = (
            f"{opp} accepts: worth {u_o:.3f} to it, at least the {float(mv.accept[0]):.3f} it asks."
        )
    elif not inside:
        theirs = [c for c in card.crossed if c["actor"] == g.opponent]
        found = theirs or list(card.crossed)
        c = found[0] if found else None
        line = (
            "a veto party's stated red line"
            if c is None
            else f"{g.names.get(c['actor'], c['actor'])}'s stated red line on "
            f"{g.names.get(c['issue'], c['issue'])}"
        )
        reason = f"{opp} refuses: the terms cross {line}."
    elif u_o < float(mv.accept[0]) - 1e-9:
        reason = (
            f"{opp} refuses: worth {u_o:.3f} to it, below the {float(mv.accept[0]):.3f} "
            f"it asks for ({g.strategy.name})."
        )
    elif not _distrust_blocks(m, rnd, o, k):
        reason = f"{opp} refuses: another veto party would not accept these terms."
    else:
        reason = (
            f"{opp} refuses: it does not trust the other side to deliver enough to prefer "
            f"these terms to fighting on (distrust)."
        )
    c_card = None
    k0 = int(counter[0])
    if k0 >= 0:
        c_x = m.agenda.bundles[b].candidates[k0] if k0 < k_off else x
        c_card = _assess(g, c_x, o, _last_counter(turns), None)
    turn = Turn(
        round=mem.rounds + 1,
        offer=card,
        attended=attended,
        accepted=accepted,
        reason=reason,
        demand=demand if attended else None,
        counter=c_card,
    )
    held = mv.attends  # an offer made to an empty table is not seen
    memory = _Memory(
        prev_demand=np.where(held, mv.demand, mem.prev_demand),
        pos_u=np.where(held, pos_u, mem.pos_u),
        prev_pos_u=np.where(held, prev_pos_u, mem.prev_pos_u),
        counter=-1 if accepted else k0,
        agreed=accepted,
        rounds=mem.rounds + 1,
        held=mem.held + held,
    )
    return PlayState(
        g,
        (*moves, PlayMove("offer", tuple(clean[i] for i in g.issues))),
        (*turns, turn),
        memory,
    )


def respond(state: PlayState, accept: bool) -> PlayState:
    """The trainee accepts (an agreement on the counter's terms) or rejects the opponent's
    standing counter-offer (InputError if none stands)."""
    mem = state.memory
    assert mem is not None
    if mem.agreed:
        raise InputError("the talks are over: an agreement has been reached")
    if mem.counter < 0:
        raise InputError("there is no counter-offer to answer: make an offer")
    if len(state.moves) >= MAX_MOVES:
        raise InputError(f"a session holds at most {MAX_MOVES} moves")
    kind = "accept" if accept else "reject"
    turns = (*state.turns[:-1], replace(state.turns[-1], response=kind))
    memory = replace(mem, counter=-1, agreed=accept)
    return PlayState(state.game, (*state.moves, PlayMove(kind)), turns, memory)


def _distrust_blocks(m: SimModel, r: Round, side: int, k: IntArray) -> bool:
    """Row 0: ``side`` would accept ``k`` but for distrust (the protocol's acceptance rule
    with the test of distrust waived, as for a party signing in bad faith)."""
    mv = r.moves[side]
    waived = replace(mv, bad_faith=np.ones_like(mv.bad_faith))
    moves = (waived, r.moves[1]) if side == 0 else (r.moves[0], waived)
    return bool(accepts(m, replace(r, moves=moves), side, k)[0])


def _plain(u: FloatArray) -> Move:
    """The trainee's move as the protocol sees it: it asks for what its offer gives it."""
    n = u.shape
    no = np.zeros(n, dtype=bool)
    return Move(u, u, no, no.copy(), np.ones(n, dtype=bool), no.copy())


def _last_offer(turns: tuple[Turn, ...]) -> Assessment | None:
    for t in reversed(turns):
        if t.offer is not None:
            return t.offer
    return None


def _last_counter(turns: tuple[Turn, ...]) -> Assessment | None:
    for t in reversed(turns):
        if t.counter is not None:
            return t.counter
    return None


def _assess(
    g: Game,
    x: FloatArray,
    maker: int,
    prev: Assessment | None,
    acceptance: float | None,
) -> Assessment:
    """Score the package ``x`` made by belligerent ``maker`` against its previous offer
    ``prev`` (see the module docstring)."""
    card = score_proposal(
        g.problem,
        "offer",
        "offer",
        np.where(g.agreement.settled, x, np.nan),
        g.base,
        {},
        (),
        g.lp,
        g.ranges,
        agreement=g.agreement,
        linkages=g.linkages,
    )
    before = None if prev is None else _full_terms(g, prev.terms)
    veto = [r for r in card.rows if r.veto]
    terms = {iid: float(x[k]) for iid, k in zip(g.issues, g.columns, strict=True)}
    me, other = g.model.actor_ids[maker], g.model.actor_ids[1 - maker]
    u = {r.actor: r.utility for r in veto}
    conc = conc_o = None
    moved: tuple[tuple[str, float], ...] = ()
    if prev is not None and before is not None:
        ub = prev.utility
        conc = ub[me] - u[me] if me in u and me in ub else None
        conc_o = u[other] - ub[other] if other in u and other in ub else None
        moved = tuple(
            (iid, float(x[k] - before[k]))
            for iid, k in zip(g.issues, g.columns, strict=True)
            if abs(x[k] - before[k]) > _TOL
        )
    crossed = tuple(
        {
            "actor": c.actor,
            "issue": c.issue,
            "bound": c.bound,
            "stated": c.stated,
            "value": c.value,
            "points": c.points,
            "cost": c.cost,
        }
        for r in veto
        for c in r.crossed
    )
    a = Assessment(
        by=me,
        terms=terms,
        utility=u,
        reservation={r.actor: r.reservation for r in veto},
        threshold={r.actor: r.threshold for r in veto},
        in_zone=card.accepted_by_all_veto,
        in_zone_distrust=card.accepted_by_all_veto_distrust,
        crossed=crossed,
        concession=conc,
        concession_to_other=conc_o,
        moved=moved,
        acceptance=acceptance,
        verdict="",
    )
    return replace(a, verdict=_verdict(g, a, card, me, prev))


def _verdict(
    g: Game,
    a: Assessment,
    card: ProposalCard,
    me: str,
    prev: Assessment | None,
) -> str:
    """One plain-language line: the move, the red lines it crosses, the zone."""
    nm = g.names
    who = nm.get(me, me)
    if prev is None:
        head = f"An opening offer by {who}"
    elif not a.moved:
        head = f"{who} repeats its previous offer"
    else:
        # the issue moved the most: towards the other side's ideal (a concession) or away
        iid, pts = max(a.moved, key=lambda mv: abs(mv[1]))
        k = g.model.issue_ids.index(iid)
        other_ideal = g.model.ideal[1 - g.model.actor_ids.index(me), k]
        toward = np.sign(other_ideal - prev.terms[iid]) * pts > 0
        word = "A concession" if toward else "A harder line"
        head = f"{word} by {who} on {nm.get(iid, iid)} ({pts:+.0f} points)"
    if a.crossed:
        worst = max(a.crossed, key=lambda c: c["cost"])
        before = prev is not None and any(
            c["actor"] == worst["actor"] and c["issue"] == worst["issue"] for c in prev.crossed
        )
        actor = nm.get(worst["actor"], worst["actor"])
        issue = nm.get(worst["issue"], worst["issue"])
        lines = (
            f" that {'still ' if before else ''}crosses {actor}'s stated red line on {issue} by "
            f"{worst['points']:.0f} points (crossing cost {worst['cost']:.3f})"
        )
        if len(a.crossed) > 1:
            lines += f" and {len(a.crossed) - 1} more"
    else:
        lines = ", inside every stated red line"
    if a.in_zone_distrust:
        zone = "inside the zone of agreement, even under distrust"
    elif a.in_zone:
        zone = "inside the zone of agreement without distrust, outside it under distrust"
    else:
        short = [nm.get(r.actor, r.actor) for r in card.rows if r.veto and not r.accept]
        zone = "outside the zone of agreement"
        if short:
            zone += f" ({', '.join(short)} would rather fight on)"
    cost = ""
    if a.concession is not None and a.concession > 1e-4:
        cost = f"; it gives up {a.concession:.3f} of {who}'s utility"
    elif a.concession is not None and a.concession < -1e-4:
        cost = f"; it asks {-a.concession:.3f} more utility for {who}"
    return f"{head}{lines}{cost}; {zone}."

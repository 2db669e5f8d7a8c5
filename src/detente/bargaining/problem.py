"""The bargaining problem: a scenario at one date turned into arrays.

:func:`build_problem` is the only place that reads the scenario's actors, issues, positions and
war model for bargaining; everything downstream works on :class:`BargainingProblem`.

Conventions (see docs/explanation/bargaining-model.md):

- Actors are those with at least one position on or before the date, in scenario order. An
  actor with no position has no utility over the issues and is left out of every array (even
  when it has a veto; :func:`build_problem` lists such actors in ``excluded``).
- Issues are in scenario order, values on 0..100.
- ``weights`` are saliences normalised to sum 1 over the actor's issues; an issue the actor
  has no position on gets weight 0 (its ideal is then set to the status quo, irrelevant).
- ``lo``/``hi`` are red lines (``Position.acceptable``), 0/100 when none.
- ``side`` is 0 for the war's first belligerent (A) and actors whose ``parent`` is A, 1 for B
  and its factions, -1 for everyone else.
- ``war_cost`` is each actor's total discounted cost of fighting until the war is decided:
  ``max(0, cost_of_fighting − Σ support.cost_relief·level) · Σ_{t<H} δ^t``; with H = 1 this is
  exactly the per-period cost (Fearon's ``c``).
- ``cumulative_cost`` W is the cost of fighting *felt* at the date (ripeness,
  :mod:`detente.bargaining.redlines`): the net cost per period paid since ``War.started``, each
  past period weighted by the actor's own δ as the future ones are in ``war_cost``,
  :func:`felt_cost` ``= c · Σ_{t<T} δ^t`` for T periods since the start, bounded by
  ``c / (1 − δ)`` (Zartman 2000: the hurting stalemate is a present perception, of recent pain).
- ``paid_cost`` P is the sum of those costs *paid* since ``War.started``, undiscounted, ``c · T``:
  the sunk investment entrapment reads (:func:`~detente.bargaining.redlines.entrapment_share`;
  Brockner & Rubin 1985), a deliberate asymmetry with the felt W of every relief.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "BargainingProblem",
    "FloatArray",
    "build_problem",
    "discounted_periods",
    "felt_cost",
    "predecessor_lines",
]

FloatArray = NDArray[np.float64]


def discounted_periods(delta: float | FloatArray, periods: float | FloatArray) -> FloatArray:
    """Σ_{t=0}^{periods−1} δ^t (elementwise), the discounted length of ``periods`` periods:
    ``(1 − δ^T) / (1 − δ)``, T when δ = 1. A fraction T < 1 of the first period is weighted 1
    (``min(T, ·)``: the discounted length never exceeds the periods, so a felt cost never
    exceeds the cost paid; for T ≥ 1 the geometric sum is at most T). The sum is computed as
    ``−expm1(T · log1p(δ − 1)) / (1 − δ)``, accurate however close δ is to 1 and continuous
    as δ → 1 (no tolerance that reads a δ near 1 as 1)."""
    d = np.asarray(delta, dtype=float)
    t = np.maximum(np.asarray(periods, dtype=float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        geo = -np.expm1(t * np.log1p(d - 1.0)) / (1.0 - d)
    out: FloatArray = np.where(d == 1.0, t, np.where(t > 0.0, np.minimum(t, geo), 0.0))
    return out


def felt_cost(
    prior: float | FloatArray,
    paid: float | FloatArray,
    periods: float | FloatArray,
    delta: float | FloatArray,
) -> FloatArray:
    """The cost of fighting felt now, W (utility units; ripeness, :mod:`~detente.bargaining.
    redlines`): the ``prior`` felt cost, ``periods`` periods old, weighted ``δ^periods``, plus the
    costs ``paid`` since then spread evenly over those periods, each weighted by ``δ^age``:
    ``δ^T · prior + (paid / T) · Σ_{k<T} δ^k``. Exact when the cost per period is constant
    (the analysis: no prior, ``c · T`` paid over the T periods since ``War.started``, which gives
    ``c · (1 − δ^T) / (1 − δ)``, never above ``c / (1 − δ)`` nor above ``c · T``: a fraction
    T < 1 of a period is felt in full, :func:`discounted_periods`); with T = 0,
    ``prior + paid``.
    Elementwise (numpy broadcasting); negative inputs read as 0."""
    w0 = np.maximum(np.asarray(prior, dtype=float), 0.0)
    dw = np.maximum(np.nan_to_num(np.asarray(paid, dtype=float)), 0.0)
    t = np.maximum(np.asarray(periods, dtype=float), 0.0)
    d = np.asarray(delta, dtype=float)
    spread = discounted_periods(d, t) / np.where(t > 0.0, t, 1.0)
    out: FloatArray = np.where(t > 0.0, d**t * w0 + dw * spread, w0 + dw)
    return out


@dataclass(frozen=True, eq=False)
class BargainingProblem:
    """Arrays describing who wants what, their red lines and their value of fighting.

    Shapes: m actors, n issues. Utilities are on 0..1 (1 = every issue at the actor's ideal),
    issue values on 0..100. War parameters describe the lottery continued fighting is
    (see :mod:`detente.bargaining.war`).
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    ideal: FloatArray  # (m, n), 0..100
    weights: FloatArray  # (m, n), rows sum to 1
    risk: FloatArray  # (m,), exponent r > 0; > 1 risk-averse
    lo: FloatArray  # (m, n) red lines, 0 when none
    hi: FloatArray  # (m, n) red lines, 100 when none
    status_quo: FloatArray  # (n,)
    veto: NDArray[np.bool_]  # (m,)
    reservation: FloatArray  # (m,) value of continued fighting (or stated), utility units
    capability: FloatArray = field(default_factory=lambda: np.zeros(0))  # (m,) incl. support
    side: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    discount: FloatArray = field(default_factory=lambda: np.zeros(0))  # (m,) per period δ
    war_cost: FloatArray = field(default_factory=lambda: np.zeros(0))  # (m,) total, discounted
    stated_reservation: FloatArray = field(default_factory=lambda: np.zeros(0))  # NaN = none
    p_a: float = 0.5  # P(A prevails)
    stalemate: float = 0.0
    victory_terms: FloatArray = field(default_factory=lambda: np.zeros((2, 0)))  # (2, n)
    truce_power_shift: float = 0.0
    implementation_periods: int = 52
    horizon_periods: int = 1
    contested: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    has_war: bool = False
    excluded: tuple[str, ...] = ()
    crossing_base: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # (m, n)
    cumulative_cost: FloatArray = field(default_factory=lambda: np.zeros(0))  # (m,) felt, W
    paid_cost: FloatArray = field(default_factory=lambda: np.zeros(0))  # (m,) paid, undiscounted
    leader_change: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # (m, n) 0/1
    cost_per_period: FloatArray = field(default_factory=lambda: np.zeros(0))  # (m,)
    veto_issues: NDArray[np.bool_] = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    """(m, n): the issues each veto party's consent covers (a row of ``veto`` broadcast when
    none is given: a veto over every agreement; ``Actor.veto_issues`` narrows it)."""

    def __post_init__(self) -> None:
        m, n = len(self.actors), len(self.issues)
        defaults: dict[str, object] = {}
        if self.capability.shape != (m,):
            defaults["capability"] = np.ones(m)
        if self.side.shape != (m,):
            defaults["side"] = np.full(m, -1, dtype=np.int64)
        if self.discount.shape != (m,):
            defaults["discount"] = np.full(m, 0.99)
        if self.war_cost.shape != (m,):
            defaults["war_cost"] = np.zeros(m)
        if self.stated_reservation.shape != (m,):
            defaults["stated_reservation"] = np.full(m, np.nan)
        if self.victory_terms.shape != (2, n):
            defaults["victory_terms"] = np.vstack([self.status_quo, self.status_quo])
        if self.contested.shape != (n,):
            defaults["contested"] = np.zeros(n, dtype=bool)
        if self.crossing_base.shape != (m, n):
            from detente.bargaining.redlines import DEFAULT_CROSSING_COST

            defaults["crossing_base"] = np.full((m, n), DEFAULT_CROSSING_COST)
        if self.cumulative_cost.shape != (m,):
            defaults["cumulative_cost"] = np.zeros(m)
        if self.paid_cost.shape != (m,):
            defaults["paid_cost"] = np.zeros(m)
        if self.leader_change.shape != (m, n):
            defaults["leader_change"] = np.zeros((m, n))
        if self.cost_per_period.shape != (m,):
            defaults["cost_per_period"] = np.zeros(m)
        if self.veto_issues.shape != (m, n):
            defaults["veto_issues"] = np.repeat(np.asarray(self.veto, dtype=bool)[:, None], n, 1)
        for key, value in defaults.items():
            object.__setattr__(self, key, value)
        for name, shape in (
            ("ideal", (m, n)),
            ("weights", (m, n)),
            ("risk", (m,)),
            ("lo", (m, n)),
            ("hi", (m, n)),
            ("status_quo", (n,)),
            ("veto", (m,)),
            ("reservation", (m,)),
        ):
            arr = getattr(self, name)
            if arr.shape != shape:
                raise ValueError(f"{name} has shape {arr.shape}, expected {shape}")

    def veto_for(self, touched: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """(m,) the veto parties of an agreement that touches the issues ``touched`` (n,):
        settles them, or defers them to a value other than the status quo
        (:meth:`Agreement.touched <detente.bargaining.bundles.Agreement.touched>`). The one
        rule of who must consent: every veto party whose veto covers one of them
        (:meth:`Actor.veto_covers <detente.scenario.schema.Actor.veto_covers>`); an agreement
        settling every issue, the full settlement, needs every veto party; one touching no
        issue (degenerate) needs every veto party too."""
        s = np.asarray(touched, dtype=bool)
        if not s.any():  # touches nothing (degenerate): every veto party
            return self.veto.copy()
        out: NDArray[np.bool_] = self.veto & (self.veto_issues & s[None, :]).any(axis=1)
        return out

    def for_agreement(self, touched: NDArray[np.bool_]) -> BargainingProblem:
        """This problem with ``veto`` narrowed to the veto parties of an agreement touching
        ``touched`` (:meth:`veto_for`; itself when they are all of them, so nothing changes
        for scenarios without ``veto_issues``)."""
        mask = self.veto_for(touched)
        if np.array_equal(mask, self.veto):
            return self
        return replace(self, veto=mask)

    def stated_mask(self) -> FloatArray:
        """(m, n): NaN where the actor states no red line on the issue, else 1."""
        has = (self.lo > 0.0) | (self.hi < 100.0)
        out: FloatArray = np.where(has, 1.0, np.nan)
        return out

    def kappa(self, relief: FloatArray | float = 0.0) -> FloatArray:
        """Crossing cost per 100 points (m, n) with ``relief`` (m,) from payments/guarantees."""
        from detente.bargaining.redlines import crossing_cost

        r = np.broadcast_to(np.asarray(relief, dtype=float), (self.n_actors,))[:, None]
        return crossing_cost(
            self.stated_mask(),
            self.crossing_base,
            self.cumulative_cost[:, None],
            r,
            self.leader_change,
        )

    @property
    def crossing(self) -> FloatArray:
        """Crossing cost per 100 points (m, n) with no payments or guarantees in force."""
        return self.kappa(0.0)

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    def index(self, actor: str) -> int:
        """Row of ``actor`` (KeyError if it is not in the problem)."""
        try:
            return self.actors.index(actor)
        except ValueError:
            raise KeyError(actor) from None

    def with_reservation(self, reservation: FloatArray) -> BargainingProblem:
        """A copy with other reservation values."""
        return replace(self, reservation=np.asarray(reservation, dtype=float))


def predecessor_lines(
    scenario: Scenario,
    actors: tuple[str, ...],
    issues: tuple[str, ...],
    as_of: dt.date | None = None,
) -> FloatArray:
    """(m, n) 1 where ``actors[i]``'s position on ``issues[k]`` current at ``as_of`` (default
    ``meta.as_of``) was stated before its ``Actor.leader_since`` (itself at or before that
    date: the leader in office), else 0: the red lines a new
    leader inherited from a predecessor, which bind it less (audience costs bind the leader who
    made the commitment: Fearon 1994; Tomz 2007; :data:`~detente.bargaining.redlines.
    LEADER_RELIEF`). The one mask of the analysis (``BargainingProblem.leader_change``) and
    the simulation (``simulate.agenda.MoveSet.lead``)."""
    out = np.zeros((len(actors), len(issues)))
    row = {a: i for i, a in enumerate(actors)}
    col = {iid: k for k, iid in enumerate(issues)}
    since_of = {a.id: a.leader_since for a in scenario.actors}
    limit = as_of or scenario.meta.as_of
    for (aid, iid), pos in scenario.current_positions(as_of).items():
        since = since_of.get(aid)
        if aid not in row or iid not in col or since is None or pos.date is None:
            continue
        # relieved only once the leader is in office at the date (no look-ahead: fx19)
        if pos.date < since <= limit:
            out[row[aid], col[iid]] = 1.0
    return out


def build_problem(scenario: Scenario, *, as_of: dt.date | None = None) -> BargainingProblem:
    """Turn a scenario (positions current at ``as_of``, default ``meta.as_of``) into arrays.

    Reservation values come from :func:`detente.bargaining.war.reservation_values` (the war
    model; a stated ``Actor.reservation`` overrides it).
    """
    from detente.bargaining.war import reservation_from_arrays

    current = scenario.current_positions(as_of)
    issues = tuple(i.id for i in scenario.issues)
    col = {iid: k for k, iid in enumerate(issues)}
    with_pos = {a for (a, _) in current}
    actors_all = scenario.actors
    actors = tuple(a.id for a in actors_all if a.id in with_pos)
    excluded = tuple(a.id for a in actors_all if a.id not in with_pos)
    m, n = len(actors), len(issues)
    sq = np.array([float(i.status_quo) for i in scenario.issues])
    ideal = np.tile(sq, (m, 1))
    sal = np.zeros((m, n))
    lo = np.zeros((m, n))
    hi = np.full((m, n), 100.0)
    from detente.bargaining.redlines import DEFAULT_CROSSING_COST

    kbase = np.full((m, n), DEFAULT_CROSSING_COST)
    leader = predecessor_lines(scenario, actors, issues, as_of)
    for (aid, iid), pos in current.items():
        if aid not in actors or iid not in col:
            continue
        i, k = actors.index(aid), col[iid]
        ideal[i, k] = float(pos.ideal)
        sal[i, k] = float(pos.salience)
        if pos.acceptable is not None:
            lo[i, k], hi[i, k] = float(pos.acceptable[0]), float(pos.acceptable[1])
        if pos.crossing_cost is not None:
            kbase[i, k] = float(pos.crossing_cost)
    totals = sal.sum(axis=1, keepdims=True)
    # An actor whose saliences are all zero cares about its issues equally.
    has_pos = np.zeros((m, n), dtype=bool)
    for aid, iid in current:
        if aid in actors and iid in col:
            has_pos[actors.index(aid), col[iid]] = True
    equal = has_pos / np.maximum(has_pos.sum(axis=1, keepdims=True), 1)
    weights = np.where(totals > 0, sal / np.where(totals > 0, totals, 1.0), equal)

    by_id = {a.id: a for a in actors_all}
    war = scenario.war
    side = np.full(m, -1, dtype=np.int64)
    cap = np.zeros(m)
    disc = np.zeros(m)
    cost_pp = np.zeros(m)
    stated = np.full(m, np.nan)
    for i, aid in enumerate(actors):
        a = by_id[aid]
        cap[i] = a.capability + sum(s.capability * s.level for s in a.support)
        disc[i] = a.discount
        cost_pp[i] = max(0.0, a.cost_of_fighting - sum(s.cost_relief * s.level for s in a.support))
        if a.reservation is not None:
            stated[i] = float(a.reservation)
        if war is not None:
            for s_idx, bid in enumerate(war.belligerents):
                if aid == bid or a.parent == bid:
                    side[i] = s_idx
    horizon = war.horizon_periods if war is not None else 1
    war_cost = cost_pp * discounted_periods(disc, horizon)
    cumulative = np.zeros(m)
    paid = np.zeros(m)
    if war is not None and war.started is not None:
        limit = as_of or scenario.meta.as_of
        elapsed = max(0.0, (limit - war.started).days / war.period.days)
        paid = cost_pp * elapsed
        cumulative = felt_cost(0.0, paid, elapsed, disc)

    p_a, stalemate = 0.5, 0.0
    victory = np.vstack([sq, sq])
    contested = np.array([bool(i.contested) for i in scenario.issues], dtype=bool)
    if war is not None:
        stalemate = float(war.stalemate)
        caps = []
        for s_idx, bid in enumerate(war.belligerents):
            b = by_id.get(bid)
            c = 0.0
            if b is not None:
                c = b.capability + sum(s.capability * s.level for s in b.support)
            caps.append(c)
            terms = war.victory_terms.get(bid)
            row = victory[s_idx]
            for k, iid in enumerate(issues):
                if terms is not None and iid in terms:
                    row[k] = float(terms[iid])
                elif (bid, iid) in current:
                    row[k] = float(current[(bid, iid)].ideal)
        if war.p is not None:
            p_a = float(war.p)
        else:
            k_exp = float(war.capability_exponent)
            ca, cb = caps[0] ** k_exp, caps[1] ** k_exp
            share = 0.5 if ca + cb == 0 else ca / (ca + cb)
            p_a = (1.0 - stalemate) * share
    prob = BargainingProblem(
        actors=actors,
        issues=issues,
        ideal=ideal,
        weights=weights,
        risk=np.array([float(by_id[a].risk) for a in actors]),
        lo=lo,
        hi=hi,
        status_quo=sq,
        veto=np.array([bool(by_id[a].veto) for a in actors], dtype=bool),
        reservation=np.zeros(m),
        capability=cap,
        side=side,
        discount=disc,
        war_cost=war_cost,
        stated_reservation=stated,
        p_a=p_a,
        stalemate=stalemate,
        victory_terms=victory,
        truce_power_shift=float(war.truce_power_shift) if war is not None else 0.0,
        implementation_periods=int(war.implementation_periods) if war is not None else 52,
        horizon_periods=horizon,
        contested=contested,
        has_war=war is not None,
        excluded=excluded,
        crossing_base=kbase,
        cumulative_cost=cumulative,
        paid_cost=paid,
        leader_change=leader,
        cost_per_period=cost_pp,
        veto_issues=np.array(
            [[by_id[a].veto_covers(iid) for iid in issues] for a in actors], dtype=bool
        ).reshape(m, n),
    )
    return prob.with_reservation(reservation_from_arrays(prob))

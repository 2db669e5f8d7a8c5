"""Bundle zones and the graded distance to agreement: priced packages of red-line crossings,
payments and mechanisms.

**Zone of a bundle** (stated red lines). With thresholds t_i (distrust, as in
:mod:`detente.bargaining.distrust`; plus :data:`~detente.bargaining.bundles.MIN_GAIN` when the
fighting goes on) and loss bounds b_i = g_i⁻¹(t_i) (:mod:`detente.bargaining.bundles`), the zone
is {x_S : ℓ_i(x_S) ≤ b_i, red lines of the veto parties hold on S}: the largest-cube LP of
:mod:`detente.bargaining.zone` over the settled issues decides it and gives its size ρ*
(the true LP value, negative when closed). The **priced zone** drops the red lines as hard
bounds and charges each crossing y at κ·y/100 in the crosser's loss
(:mod:`detente.bargaining.redlines`).

**Distance**: 0 when the zone is open; otherwise the price of the cheapest *package* that opens
it. A package is a set T of the scenario's mechanisms and payments; for each T one LP finds the
cheapest crossings y ≥ 0 of stated red lines and, where no crossing can make a party whole,
compensation s_i ≥ 0 (loss units, no payer named):

    minimise   Σ_i π_i (Σ_k κ_ik (y⁻_ik + y⁺_ik)/100 + s_i)
    subject to ℓ_i(x) + Σ_k κ_ik (y⁻_ik + y⁺_ik)/100 − s_i ≤ b_i(T)        (veto i)
               lo_ik − y⁻_ik ≤ x_k ≤ hi_ik + y⁺_ik,  e_ik ≥ |x_k − ideal_ik|

with b_i(T) from the thresholds with T's mechanisms, shifted by T's payments (a payment is
paid on signature: +amount to the payee's value, −cost to a veto payer's). The price of T is
the LP value plus Σ π_a · (mechanism costs borne by a) plus Σ π_payer · (payment costs).
π_a = 1/(1 − V_a) prices a cost as a share of the most a party could still gain from
agreement (its utility range above its alternative): at equal raw cost the party with the
worse alternative (lower V) concedes first — Zeuthen's principle of the lesser willingness to
risk conflict (Zeuthen 1930; Harsanyi 1956). π is a function of each actor's own V, so pricing
is invariant to relabelling actors. Actors outside the problem (no positions) have π = 1.

Search: every subset when there are at most :data:`EXACT_LIMIT` items, in order of their own
price; a subset whose own price plus a lower bound on any LP value (the LP with every
threshold at its minimum over subsets, every payment received and the largest relief of
crossing costs) is not below the best found is skipped, so the result is exact. Beyond the
limit: greedy (add the item that lowers the price most while one does; labelled).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.bundles import MIN_GAIN, Agreement, ValueModel, value_model
from detente.bargaining.distrust import DistrustState, MechanismEffect, thresholds
from detente.bargaining.linkage import LinkageBreach, LinkageRule, breaches
from detente.bargaining.lp import solve_lp
from detente.bargaining.problem import BargainingProblem, FloatArray
from detente.bargaining.zone import pinned_issues

if TYPE_CHECKING:
    from detente.scenario.schema import Payment

__all__ = [
    "EXACT_LIMIT",
    "SKIPPED_NOTE",
    "BundleResult",
    "Package",
    "PaymentItem",
    "agreement_state",
    "bundle_zone",
    "cheapest_packages",
    "price_weights",
]

EXACT_LIMIT = 14
TOL = 1e-7
SKIPPED_NOTE = "not computed: the package search was skipped (zone only)"
"""The distance note of a closed bundle analysed with ``packages=False``."""


@dataclass(frozen=True)
class PaymentItem:
    """A payment as the search uses it."""

    id: str
    payer: str
    payee: str
    amount: float
    cost: float

    @staticmethod
    def of(p: Payment) -> PaymentItem:
        return PaymentItem(p.id, p.payer, p.payee, float(p.amount), float(p.cost))


@dataclass(frozen=True)
class Move:
    """A stated red line crossed by a package."""

    actor: str
    issue: str
    bound: str
    stated: float
    to: float
    points: float
    cost: float  # κ·points/100 in the actor's loss
    price: float  # π_actor · cost


@dataclass(frozen=True, eq=False)
class Package:
    """One way to open a bundle's zone, priced."""

    mechanisms: tuple[str, ...]
    payments: tuple[str, ...]
    moves: tuple[Move, ...]
    compensation: dict[str, float]
    price: float
    price_crossings: float
    price_payments: float
    price_mechanisms: float
    price_compensation: float
    point: FloatArray  # (n,), NaN off the settled issues


@dataclass(frozen=True, eq=False)
class BundleResult:
    """A bundle's zone (stated and priced red lines), distance and cheapest package."""

    agreement: Agreement
    exists: bool
    radius: float
    centre: FloatArray
    intervals: FloatArray  # (n, 2), NaN off the settled issues or when closed
    thresholds: FloatArray
    priced_exists: bool
    priced_radius: float
    distance: float | None
    distance_note: str
    blocking: tuple[Move, ...]
    conflicts: tuple[str, ...]
    deferral_breaks: tuple[str, ...]
    packages: tuple[Package, ...] = ()
    method: str = "exact"
    lps: int = 0
    meta: dict[str, float] = field(default_factory=dict)
    linkages: tuple[LinkageBreach, ...] = ()  # veto parties' linkages it breaks
    veto: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """(m,) the bundle's veto parties (:meth:`Agreement.veto_problem`: an issue-specific veto
    party only when the bundle settles one of its issues)."""

    @property
    def linkage_blocked(self) -> bool:
        """Closed by a linkage (whatever its terms): it settles X without Y for a veto party."""
        return bool(self.linkages)

    @property
    def open_on_issues(self) -> bool:
        """The zone over its issues exists (red lines as stated), linkage aside."""
        return self.exists or (self.linkage_blocked and self.distance == 0.0)


def price_weights(problem: BargainingProblem) -> FloatArray:
    """π_i = 1/(1 − V_i) (floor 1e-6 on the denominator)."""
    out: FloatArray = 1.0 / np.maximum(1.0 - problem.reservation, 1e-6)
    return out


def agreement_state(state: DistrustState, agreement: Agreement) -> DistrustState:
    """The distrust state for an agreement: being cheated during a pause costs the rearmament
    (``v_cheated``); an agreement that does not stop the fighting has no pause to exploit."""
    if agreement.ceasefire:
        return state
    return replace(state, v_cheated=state.v.copy())


def _effective_thresholds(
    problem: BargainingProblem, agreement: Agreement, t: FloatArray
) -> FloatArray:
    out = np.where(problem.veto, t, np.nan)
    if not agreement.ceasefire:
        out = out + MIN_GAIN
    return out


class _LP:
    """Matrices of a bundle's LPs (settled issues only)."""

    def __init__(self, problem: BargainingProblem, agreement: Agreement) -> None:
        self.p = problem
        self.a = agreement
        self.cols = np.flatnonzero(agreement.settled)
        self.veto = np.flatnonzero(problem.veto)
        self.pairs = [
            (int(i), int(k)) for i in self.veto for k in self.cols if problem.weights[i, k] > 0
        ]
        self.red = [
            (int(i), int(k), which)
            for i in self.veto
            for k in self.cols
            for which in ("min", "max")
            if (which == "min" and problem.lo[i, k] > 0.0)
            or (which == "max" and problem.hi[i, k] < 100.0)
        ]
        lo = problem.lo[self.veto][:, self.cols].max(axis=0) if self.veto.size else None
        hi = problem.hi[self.veto][:, self.cols].min(axis=0) if self.veto.size else None
        self.lo = np.zeros(self.cols.size) if lo is None else lo
        self.hi = np.full(self.cols.size, 100.0) if hi is None else hi
        # Issues the veto parties' red lines pin to one value: the cube spans the others.
        self.pinned = pinned_issues(self.lo, self.hi)
        self.conflicts = tuple(
            f"{problem.issues[int(self.cols[j])]}: needs ≥ {self.lo[j]:g} and ≤ {self.hi[j]:g}"
            for j in range(self.cols.size)
            if self.lo[j] > self.hi[j] + 1e-12
        )

    def solve(
        self,
        bounds: FloatArray,
        *,
        mode: str,
        kappa: FloatArray | None = None,
        weights: FloatArray | None = None,
        objective_x: int | None = None,
        sign: float = 1.0,
    ) -> tuple[float, NDArray[np.float64]] | None:
        """mode 'radius' (hard red lines, max ρ), 'priced' (max ρ, crossings priced),
        'interval' (hard, ρ = 0, min sign·x_k), 'distance' (min priced crossings and
        compensation). Returns (objective value, solution vector) or None if infeasible."""
        p, cols = self.p, self.cols
        nx = cols.size
        ne = len(self.pairs)
        priced = mode in ("priced", "distance")
        ny = len(self.red) if priced else 0
        comp = mode == "distance"
        ns = self.veto.size if comp else 0
        use_rho = mode in ("radius", "priced")
        nv = nx + ne + ny + ns + (1 if use_rho else 0)
        rho = nv - 1
        col_of = {int(k): j for j, k in enumerate(cols)}
        rows: list[FloatArray] = []
        rhs: list[float] = []
        for q, (i, k) in enumerate(self.pairs):
            for s in (1.0, -1.0):
                r = np.zeros(nv)
                r[col_of[k]], r[nx + q] = s, -1.0
                rows.append(r)
                rhs.append(s * float(p.ideal[i, k]))
        kap = p.crossing if kappa is None else kappa
        for vi, iv in enumerate(self.veto):
            i = int(iv)
            b = float(bounds[i])
            if np.isposinf(b) and not comp:
                continue
            if np.isneginf(b):
                return None
            r = np.zeros(nv)
            for q, (a, k) in enumerate(self.pairs):
                if a == i:
                    r[nx + q] = p.weights[i, k] / 100.0
            for q, (a, k, _) in enumerate(self.red if priced else []):
                if a == i:
                    r[nx + ne + q] = kap[i, k] / 100.0
            if comp:
                r[nx + ne + ny + vi] = -1.0
            if use_rho:
                extra = sum(p.weights[i, int(k)] for k in cols)
                if priced:
                    extra += sum(kap[i, int(k)] for k in cols if p.stated_mask()[i, k] == 1.0)
                r[rho] = extra / 100.0
            rows.append(r)
            rhs.append(min(b, 1e6))
        if priced:
            for q, (i, k, which) in enumerate(self.red):
                r = np.zeros(nv)
                if which == "min":
                    r[col_of[k]], r[nx + ne + q] = -1.0, -1.0
                    rhs.append(-float(p.lo[i, k]))
                else:
                    r[col_of[k]], r[nx + ne + q] = 1.0, -1.0
                    rhs.append(float(p.hi[i, k]))
                if use_rho:
                    r[rho] = 1.0
                rows.append(r)
        else:
            for j in range(nx):
                for s, val in ((-1.0, -self.lo[j]), (1.0, self.hi[j])):
                    r = np.zeros(nv)
                    r[j] = s
                    if use_rho and not self.pinned[j]:
                        r[rho] = 1.0
                    rows.append(r)
                    rhs.append(float(val))
        if use_rho:
            for j in range(nx):  # the cube stays on the scale
                if not priced and self.pinned[j]:
                    continue  # with hard red lines the cube does not span a pinned issue
                for s, val in ((-1.0, 0.0), (1.0, 100.0)):
                    r = np.zeros(nv)
                    r[j], r[rho] = s, 1.0
                    rows.append(r)
                    rhs.append(val)
        c = np.zeros(nv)
        if use_rho:
            c[rho] = -1.0
        elif mode == "interval":
            assert objective_x is not None
            c[objective_x] = sign
        else:
            w = price_weights(p) if weights is None else weights
            for q, (i, k, _) in enumerate(self.red):
                c[nx + ne + q] = w[i] * kap[i, k] / 100.0
            for vi, iv in enumerate(self.veto):
                c[nx + ne + ny + vi] = w[int(iv)]
        bnds: list[tuple[float | None, float | None]] = [(0.0, 100.0)] * nx
        bnds += [(0.0, None)] * (ne + ny + ns)
        if use_rho:
            bnds.append((None, 100.0))
        if not rows:
            rows.append(np.zeros(nv))
            rhs.append(0.0)
        res = solve_lp(c, np.array(rows), np.array(rhs), bnds)
        if res.x is None or res.fun is None:
            return None
        return res.fun, res.x


def _deferral_breaks(
    problem: BargainingProblem, agreement: Agreement, kappa: FloatArray
) -> tuple[list[str], FloatArray]:
    """Red lines a deferral's interim/fallback values cross, and their loss per veto actor."""
    notes: list[str] = []
    extra = np.zeros(problem.n_actors)
    moved, _ = agreement.binding(problem)
    for k in np.flatnonzero(moved):
        for v in {float(agreement.interim[k]), float(agreement.fallback[k])}:
            for i in np.flatnonzero(problem.veto):
                pts = max(problem.lo[i, k] - v, 0.0) + max(v - problem.hi[i, k], 0.0)
                if pts > 1e-9:
                    notes.append(f"{problem.actors[i]}: deferred {problem.issues[k]} at {v:g}")
                    extra[i] += kappa[i, k] * pts / 100.0
    return notes, extra


def bundle_zone(
    problem: BargainingProblem,
    agreement: Agreement,
    state: DistrustState,
    effects: Sequence[MechanismEffect] = (),
    payments: Sequence[PaymentItem] = (),
    *,
    top: int = 1,
    intervals: bool = True,
    cache: dict[bool, tuple[list[DistrustState], FloatArray]] | None = None,
    fallback_gain: Mapping[str, tuple[str, float]] | None = None,
    linkages: Sequence[LinkageRule] = (),
    packages: bool = True,
) -> BundleResult:
    """The bundle's zone with distrust, its priced zone, distance and cheapest packages.

    A bundle that breaks a veto party's linkage (:mod:`detente.bargaining.linkage`) has no
    zone; its distance, size and packages stay those computed for its issues, and
    ``linkages`` names the linkages that close it. ``packages=False`` skips the package search
    of a closed bundle (its distance is then None, ``method`` is ``"skipped"`` and the note
    says so); everything else is the same.

    The bundle's veto parties are those whose consent covers an issue it settles
    (:meth:`Agreement.veto_problem`): everything here (thresholds and who counts as whose
    counterpart under distrust, red lines, linkages, packages) is over them.
    """
    narrowed = agreement.veto_problem(problem)
    if narrowed is not problem:
        cache = None  # cached thresholds are over the problem's veto parties, not these
    problem = narrowed
    broken = breaches(problem, agreement, linkages, veto_only=True)
    return replace(
        _bundle_zone(
            problem, agreement, state, effects, payments, top=top, intervals=intervals,
            cache=cache, fallback_gain=fallback_gain, linked=bool(broken), packages=packages,
        ),
        linkages=broken,
        veto=problem.veto.copy(),
    )  # fmt: skip


def _bundle_zone(
    problem: BargainingProblem,
    agreement: Agreement,
    state: DistrustState,
    effects: Sequence[MechanismEffect],
    payments: Sequence[PaymentItem],
    *,
    top: int,
    intervals: bool,
    cache: dict[bool, tuple[list[DistrustState], FloatArray]] | None,
    fallback_gain: Mapping[str, tuple[str, float]] | None,
    linked: bool,
    packages: bool = True,
) -> BundleResult:
    st = agreement_state(state, agreement)
    vm = value_model(problem, agreement)
    t = _effective_thresholds(problem, agreement, thresholds(problem, st))
    lp = _LP(problem, agreement)
    notes, dextra = _deferral_breaks(problem, agreement, problem.crossing)
    bounds = vm.bound(t)
    hard = lp.solve(bounds, mode="radius")
    radius = -np.inf if hard is None else -hard[0]
    exists = hard is not None and radius >= -TOL and not notes
    n = problem.n_issues
    centre = np.full(n, np.nan)
    if hard is not None:
        centre[lp.cols] = hard[1][: lp.cols.size]
    ivals = np.full((n, 2), np.nan)
    if exists and intervals:
        for j, k in enumerate(lp.cols):
            lo_r = lp.solve(bounds, mode="interval", objective_x=j, sign=1.0)
            hi_r = lp.solve(bounds, mode="interval", objective_x=j, sign=-1.0)
            if lo_r is not None and hi_r is not None:
                ivals[k] = [lo_r[1][j], hi_r[1][j]]
    priced = lp.solve(bounds - dextra, mode="priced")
    p_radius = -np.inf if priced is None else -priced[0]
    if exists:
        return BundleResult(
            agreement, not linked, float(radius), centre, ivals, t, not linked,
            float(p_radius), 0.0,
            "open on its issues; closed by linkage" if linked else "open",
            (), lp.conflicts, (), (), "exact", 3,
        )  # fmt: skip
    if not packages:
        note = SKIPPED_NOTE + ("; closed by linkage in any case" if linked else "")
        return BundleResult(
            agreement, False, float(radius) if np.isfinite(radius) else float("nan"), centre,
            ivals, t, bool(priced is not None and p_radius >= -TOL and not linked),
            float(p_radius) if np.isfinite(p_radius) else float("nan"), None, note, (),
            lp.conflicts, tuple(notes), (), "skipped", 2,
        )  # fmt: skip
    pk, method, lps = cheapest_packages(
        problem,
        agreement,
        state,
        effects,
        payments,
        top=top,
        cache=cache,
        vm=vm,
        lp=lp,
        fallback_gain=fallback_gain,
    )
    blocking: tuple[Move, ...] = ()
    if not pk:
        dist, note = None, "no package opens it: a threshold cannot be reached"
    else:
        dist, note, blocking = pk[0].price, "price of the cheapest package", pk[0].moves
    if linked:
        note += "; closed by linkage in any case (only adding the required issues opens it)"
    return BundleResult(
        agreement,
        False,
        float(radius) if np.isfinite(radius) else float("nan"),
        centre,
        ivals,
        t,
        bool(priced is not None and p_radius >= -TOL and not linked),
        float(p_radius) if np.isfinite(p_radius) else float("nan"),
        dist,
        note,
        blocking,
        lp.conflicts,
        tuple(notes),
        tuple(pk),
        method,
        lps,
    )


def _mechanism_table(
    problem: BargainingProblem, state: DistrustState, effects: Sequence[MechanismEffect]
) -> tuple[list[DistrustState], FloatArray]:
    """The distrust state and thresholds of every subset of mechanisms (bitmask order)."""
    k = len(effects)
    states = [state]
    ts = np.empty((1 << k, problem.n_actors))
    ts[0] = thresholds(problem, state)
    for mask in range(1, 1 << k):
        top = mask.bit_length() - 1
        s = effects[top].apply(states[mask ^ (1 << top)])
        states.append(s)
        ts[mask] = thresholds(problem, s)
    return states, ts


def _relief_of(
    problem: BargainingProblem,
    effects: Sequence[MechanismEffect],
    mech_mask: int,
    pays: Sequence[PaymentItem],
    fallback_gain: Mapping[str, tuple[str, float]],
) -> FloatArray:
    r = np.zeros(problem.n_actors)
    for j, e in enumerate(effects):
        if mech_mask >> j & 1 and e.id in fallback_gain:
            who, g = fallback_gain[e.id]
            if who in problem.actors:
                r[problem.index(who)] += g
    for pay in pays:
        if pay.payee in problem.actors:
            r[problem.index(pay.payee)] += pay.amount
    return r


def cheapest_packages(
    problem: BargainingProblem,
    agreement: Agreement,
    state: DistrustState,
    effects: Sequence[MechanismEffect],
    payments: Sequence[PaymentItem],
    *,
    top: int = 5,
    cache: dict[bool, tuple[list[DistrustState], FloatArray]] | None = None,
    vm: ValueModel | None = None,
    lp: _LP | None = None,
    fallback_gain: Mapping[str, tuple[str, float]] | None = None,
) -> tuple[list[Package], str, int]:
    """The ``top`` cheapest packages opening the bundle (module docstring), cheapest first,
    over the bundle's veto parties (:meth:`Agreement.veto_problem`)."""
    narrowed = agreement.veto_problem(problem)
    if narrowed is not problem:
        cache, problem = None, narrowed  # cached thresholds are over other veto parties
    vm = value_model(problem, agreement) if vm is None else vm
    lp = _LP(problem, agreement) if lp is None else lp
    gains = dict(fallback_gain or {})
    st = agreement_state(state, agreement)
    w = price_weights(problem)

    def pi(actor: str) -> float:
        return float(w[problem.index(actor)]) if actor in problem.actors else 1.0

    mech_price = np.array(
        [sum(pi(a) * c for a, c in e.cost_by_actor.items()) for e in effects], dtype=float
    )
    pay_price = np.array([pi(p.payer) * p.cost for p in payments], dtype=float)
    km, kp = len(effects), len(payments)
    lps = 0

    def evaluate(mmask: int, pmask: int, t_m: FloatArray) -> Package | None:
        nonlocal lps
        pays = [payments[j] for j in range(kp) if pmask >> j & 1]
        t = _effective_thresholds(problem, agreement, t_m)
        for pay in pays:
            if pay.payee in problem.actors:
                t[problem.index(pay.payee)] -= pay.amount
            if pay.payer in problem.actors:
                t[problem.index(pay.payer)] += pay.cost
        kappa = problem.kappa(_relief_of(problem, effects, mmask, pays, gains))
        _, dextra = _deferral_breaks(problem, agreement, kappa)
        lps += 1
        res = lp.solve(vm.bound(t) - dextra, mode="distance", kappa=kappa, weights=w)
        if res is None:
            return None
        return _package(
            problem, agreement, lp, res, kappa, w,
            tuple(effects[j].id for j in range(km) if mmask >> j & 1),
            tuple(p.id for p in pays),
            float(sum(mech_price[j] for j in range(km) if mmask >> j & 1)),
            float(sum(pay_price[j] for j in range(kp) if pmask >> j & 1)),
        )  # fmt: skip

    found: list[Package] = []
    masks: list[tuple[int, int]] = []
    if km + kp <= EXACT_LIMIT:
        method = "exact"
        if cache is not None and agreement.ceasefire in cache:
            _, tm = cache[agreement.ceasefire]
        else:
            states, tm = _mechanism_table(problem, st, effects)
            if cache is not None:
                cache[agreement.ceasefire] = (states, tm)
        # Lower bounds on the LP value: every threshold at its minimum over mechanism sets,
        # for each combination of the items that relieve crossing costs (security guarantees
        # and payments), which fix the crossing costs and payment shifts exactly.
        t_min = np.where(problem.veto, tm, 0.0).min(axis=0)
        relief_m = [j for j, e in enumerate(effects) if e.id in gains]
        rmask_m = sum(1 << j for j in relief_m)
        lbs: dict[tuple[int, int], float | None] = {}

        def lower(mm: int, pm: int) -> float | None:
            nonlocal lps
            key = (mm & rmask_m, pm)
            if key not in lbs:
                pays = [payments[j] for j in range(kp) if pm >> j & 1]
                t_low = _effective_thresholds(problem, agreement, t_min)
                for pay in pays:
                    if pay.payee in problem.actors:
                        t_low[problem.index(pay.payee)] -= pay.amount
                kap = problem.kappa(_relief_of(problem, effects, key[0], pays, gains))
                _, dx = _deferral_breaks(problem, agreement, kap)
                lps += 1
                res = lp.solve(vm.bound(t_low) - dx, mode="distance", kappa=kap, weights=w)
                lbs[key] = None if res is None else max(res[0], 0.0)
            return lbs[key]

        combos = [
            (float(sum(mech_price[j] for j in range(km) if mm >> j & 1))
             + float(sum(pay_price[j] for j in range(kp) if pm >> j & 1)), mm, pm)
            for mm, pm in itertools.product(range(1 << km), range(1 << kp))
        ]  # fmt: skip
        combos.sort(key=lambda c: (c[0], bin(c[1]).count("1") + bin(c[2]).count("1")))
        relief_sets = [
            sum(1 << relief_m[q] for q in range(len(relief_m)) if r >> q & 1)
            for r in range(1 << len(relief_m))
        ]
        floor = min(
            (v for v in (lower(r, pm) for r in relief_sets for pm in range(1 << kp))
             if v is not None),
            default=None,
        )  # fmt: skip
        seen: list[float] = []  # prices of every evaluated package, dominated ones included

        def bar() -> float:
            return sorted(seen)[top - 1] if len(seen) >= top else np.inf

        for own, mm, pm in combos:
            if own + (floor or 0.0) >= bar() - 1e-12:
                break
            lb = lower(mm, pm)
            if lb is None or own + lb >= bar() - 1e-12:
                continue
            pkg = evaluate(mm, pm, tm[mm])
            if pkg is not None:
                seen.append(pkg.price)
            dominated = pkg is not None and any(
                (mm & a) == a and (pm & b) == b and q.price <= pkg.price + 1e-12
                for (a, b), q in zip(masks, found, strict=True)
            )  # a package with fewer items that is no dearer
            if pkg is not None and not dominated:
                allp, allm = [*found, pkg], [*masks, (mm, pm)]
                order = sorted(range(len(allp)), key=lambda j: (allp[j].price, j))
                found = [allp[j] for j in order]
                masks = [allm[j] for j in order]
    else:
        method = "greedy"
        mm, pm = 0, 0
        st_cur = st
        best = evaluate(0, 0, thresholds(problem, st_cur))
        improved = True
        while improved:
            improved = False
            for j in range(km + kp):
                if j < km and not mm >> j & 1:
                    cand_state = effects[j].apply(st_cur)
                    pkg = evaluate(mm | 1 << j, pm, thresholds(problem, cand_state))
                    nxt = (mm | 1 << j, pm, cand_state)
                elif j >= km and not pm >> (j - km) & 1:
                    pkg = evaluate(mm, pm | 1 << (j - km), thresholds(problem, st_cur))
                    nxt = (mm, pm | 1 << (j - km), st_cur)
                else:
                    continue
                if pkg is not None and (best is None or pkg.price < best.price - 1e-12):
                    best, (mm, pm, st_cur), improved = pkg, nxt, True
        found = [] if best is None else [best]
    return found[:top], method, lps


def _package(
    problem: BargainingProblem,
    agreement: Agreement,
    lp: _LP,
    res: tuple[float, NDArray[np.float64]],
    kappa: FloatArray,
    w: FloatArray,
    mechs: tuple[str, ...],
    pays: tuple[str, ...],
    mech_price: float,
    pay_price: float,
) -> Package:
    value, z = res
    nx, ne, ny = lp.cols.size, len(lp.pairs), len(lp.red)
    x = np.full(problem.n_issues, np.nan)
    x[lp.cols] = z[:nx]
    moves: list[Move] = []
    pc = 0.0
    for q, (i, k, which) in enumerate(lp.red):
        y = float(z[nx + ne + q])
        if y > 1e-7:
            cost = float(kappa[i, k]) * y / 100.0
            stated = float(problem.lo[i, k] if which == "min" else problem.hi[i, k])
            to = stated - y if which == "min" else stated + y
            moves.append(
                Move(problem.actors[i], problem.issues[k], which, stated, to, y, cost, w[i] * cost)
            )
            pc += float(w[i]) * cost
    comp: dict[str, float] = {}
    pcomp = 0.0
    for vi, iv in enumerate(lp.veto):
        i = int(iv)
        s = float(z[nx + ne + ny + vi])
        if s > 1e-9:
            comp[problem.actors[i]] = s
            pcomp += float(w[i]) * s
    return Package(
        mechanisms=mechs,
        payments=pays,
        moves=tuple(moves),
        compensation=comp,
        price=float(max(value, 0.0) + mech_price + pay_price),
        price_crossings=pc,
        price_payments=pay_price,
        price_mechanisms=mech_price,
        price_compensation=pcomp,
        point=x,
    )

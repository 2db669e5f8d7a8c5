"""Reading a scenario's agreements into the durability model's covariates (Fortna 2004, 2008):
the war's outcome read from the front line, the agreement's specificity, the spoilers, whether
the war is interstate, and each bundle's predicted durability (:class:`DealDurability`). The
hazard model itself (the Weibull baseline and the covariates' hazard ratios) is
:mod:`detente.simulate.durability`."""

from __future__ import annotations

import datetime as dt
import math
import threading
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError
from detente.simulate.durability import (
    COVARIATE_EFFECTS,
    COVARIATE_KEYS,
    SPECIFICITY_REFERENCE,
    SUBSTANTIVE_CATEGORIES,
    Covariates,
    check_rest_code,
    covariate_hazard_ratio,
    covariate_vector,
    explain_hazard,
    one_year_breakdown,
    rest_log_ratios,
)

if TYPE_CHECKING:
    from detente.bargaining.problem import BargainingProblem
    from detente.scenario.schema import Scenario

__all__ = [
    "DealDurability",
    "bundle_specificity",
    "deal_durability",
    "front_decisiveness",
    "is_interstate",
    "issue_weights",
    "scenario_covariates",
    "spoiler_factions",
    "war_decisiveness",
]


def spoiler_factions(scenario: Scenario) -> list[tuple[str, int, float, float]]:
    """The belligerents' factions as spoilers: ``(id, side, strength, control)`` with side 0/1
    (``war.belligerents`` order), strength = the faction's capability / its parent's (capped
    at 1, an assumption) and control its leader's control (0.5 if unstated). The same list,
    in scenario order, as the simulation's factions."""
    if scenario.war is None:
        return []
    sides = tuple(scenario.war.belligerents)
    actors = {a.id: a for a in scenario.actors}
    out = []
    for a in scenario.actors:
        if a.kind.value == "faction" and a.parent in sides:
            parent_cap = actors[a.parent].capability
            strength = min(1.0, a.capability / parent_cap) if parent_cap > 0 else 1.0
            control = 0.5 if a.control is None else float(a.control)
            out.append((a.id, sides.index(a.parent), float(strength), control))
    return out


_STATES = frozenset({"state", "coalition"})
"""Actor kinds that are states or made of states (a coalition such as the P5+1)."""


def is_interstate(scenario: Scenario) -> bool:
    """Whether the war is between states: both belligerents are states (``state`` actors, or
    ``coalition``s of states) and no non-state party fights (no ``belligerent: true``
    faction or organisation; an allied state that fights beside a side keeps the war
    interstate). A war with a non-state armed party — a rebel movement, or a separatist
    force however supported from abroad — is a civil war (UCDP's intrastate and
    internationalised intrastate), Fortna's (2004) civil-war population."""
    if scenario.war is None:
        return False
    sides = set(scenario.war.belligerents)
    actors = {a.id: a for a in scenario.actors}
    if any(actors[s].kind.value not in _STATES for s in sides):
        return False
    return not any(
        a.belligerent and a.id not in sides and a.kind.value not in _STATES for a in scenario.actors
    )


def bundle_specificity(
    scenario: Scenario, bundle: str = "settlement", *, as_of: dt.date | None = None
) -> float:
    """The ``specificity`` covariate of an agreement on ``bundle``: the bundle's stated
    ``specificity`` if set, else the agreement's type read from its scope (Fortna 2004: truce
    vs settlement):

    - an agreement that stops the fighting (a bundle with ``ceasefire: true``; the full
      settlement, id ``settlement``, always does) gets the **salience-weighted** share of the
      scenario's substantive issues (those of a :data:`SUBSTANTIVE_CATEGORIES` category) it
      settles: each substantive issue counts by the belligerents' mean weight on it (their
      normalised saliences at ``as_of``, default ``meta.as_of``; the veto actors' when the
      scenario has no war), so an issue nobody cares about moves nothing. The full settlement
      1 (a comprehensive settlement), a cease-fire on cease-fire, military, security or
      humanitarian issues only 0 (a truce), a cease-fire that settles part of the political
      agenda the share of its weight it settles;
    - an agreement that leaves the war going (``ceasefire: false``), a bundle the scenario
      does not define, a scenario without substantive issues (e.g. one that categorises no
      issue) or whose parties weigh none of them, or a bundle none of whose issues is
      categorised (an uncategorised issue tells neither way): the reference
      (:data:`SPECIFICITY_REFERENCE`, the type unknown).

    Bundles are :func:`detente.bargaining.bundles.scenario_bundles`' (the scenario's declared
    ones, else its default bundle per issue category, and the full settlement): the one
    derivation the analysis and the simulation's agenda use."""
    stated = next((b.specificity for b in scenario.bundles if b.id == bundle), None)
    if stated is not None:
        return float(stated)
    if not _has_substantive(scenario):
        return SPECIFICITY_REFERENCE  # no substantive issue: the type cannot be read
    return _ScenarioReading.of(scenario, as_of).specificity(bundle)


def _has_substantive(scenario: Scenario) -> bool:
    return any(
        i.category is not None and i.category.value in SUBSTANTIVE_CATEGORIES
        for i in scenario.issues
    )


def _read_specificity(
    scenario: Scenario, bundle: str, problem: BargainingProblem, agreements: list[Any]
) -> float:
    """:func:`bundle_specificity` of a bundle without a stated one, from the scenario's built
    problem and its bundles (``scenario_bundles``)."""
    categories = {i.id: i.category.value for i in scenario.issues if i.category is not None}
    if not any(c in SUBSTANTIVE_CATEGORIES for c in categories.values()):
        return SPECIFICITY_REFERENCE
    agreement = next((a for a in agreements if a.id == bundle), None)
    if agreement is None or not agreement.ceasefire:
        return SPECIFICITY_REFERENCE
    settled = agreement.settled
    known = np.array([i in categories for i in problem.issues])
    if not (known & settled).any():
        # an uncategorised issue tells neither way: a bundle of such issues only is unknown
        return SPECIFICITY_REFERENCE
    substantive = np.array([categories.get(i) in SUBSTANTIVE_CATEGORIES for i in problem.issues])
    weight = issue_weights(scenario, problem)
    total = float(weight[substantive].sum())
    if not np.isfinite(total) or total <= 0.0:
        # the parties weigh no substantive issue (or nobody holds a position at ``as_of``)
        return SPECIFICITY_REFERENCE
    return float(weight[substantive & settled].sum()) / total


def issue_weights(scenario: Scenario, problem: BargainingProblem) -> NDArray[np.float64]:
    """(n,) each issue's weight for the agreement's type: the mean over the belligerents (the
    veto actors when the scenario has no war or none of its belligerents holds a position) of
    their normalised saliences (``problem.weights``, rows summing to 1; an actor without
    saliences weighs its issues equally). Zeros when no actor holds a position at the
    problem's date (nobody weighs anything: the agreement's type cannot be read)."""
    sides = set(scenario.war.belligerents) if scenario.war is not None else set()
    rows = [k for k, a in enumerate(problem.actors) if a in sides]
    if not rows:
        rows = [k for k in range(problem.n_actors) if problem.veto[k]]
    if not rows:
        rows = list(range(problem.n_actors))
    if not rows:
        return np.zeros(len(problem.issues), dtype=np.float64)
    out: NDArray[np.float64] = problem.weights[rows].mean(axis=0)
    return out


def _decided_on_the_front(
    scenario: Scenario, problem: BargainingProblem, as_of: dt.date | None
) -> NDArray[np.bool_]:
    """(n,) the issues the front reading counts: the front line moves them
    (:func:`detente.scenario.dynamics.front_moves`, the simulation's definition) and both sides'
    terms are stated (their ``war.victory_terms`` or a position current at ``as_of``; an issue
    where a side states neither has its terms defaulted to the status quo by
    ``build_problem``, which would read as one side holding all it wants)."""
    from detente.scenario.dynamics import front_moves

    war = scenario.war
    by_id = {i.id: i for i in scenario.issues}
    current = scenario.current_positions(as_of)
    out = np.zeros(len(problem.issues), dtype=bool)
    if war is None:
        return out
    sides = war.belligerents[:2]
    for k, iid in enumerate(problem.issues):
        issue = by_id.get(iid)
        if issue is None or not front_moves(issue):
            continue
        out[k] = all(
            iid in war.victory_terms.get(bid, {}) or (bid, iid) in current for bid in sides
        )
    return out


def front_decisiveness(
    scenario: Scenario, problem: BargainingProblem, *, as_of: dt.date | None = None
) -> float:
    """The war's outcome so far read from the front line: on each issue the front moves
    (:func:`_decided_on_the_front`: the fighting moves it and both sides state their terms) with
    distinct victory terms, where the status quo stands between the two sides' victory terms,
    ``r = (sq − v_A) / (v_B − v_A)``, and how far that is from the middle,
    ``min(1, |2r − 1|)``: 0 when the line stands halfway (a stalemate), 1 when one side holds
    what it would impose if it won (a decisive outcome). Averaged over those issues by the
    belligerents' weights (:func:`issue_weights`; equal when they weigh none). 0 (the
    covariate's reference, a stalemate) without a war or such an issue. ``as_of``: the date
    ``problem`` was built at (default ``meta.as_of``)."""
    if scenario.war is None:
        return 0.0
    va, vb = problem.victory_terms[0], problem.victory_terms[1]
    span = vb - va
    use = problem.contested & (np.abs(span) > 0.0) & _decided_on_the_front(scenario, problem, as_of)
    if not use.any():
        return 0.0
    r = (problem.status_quo[use] - va[use]) / span[use]
    d = np.minimum(1.0, np.abs(2.0 * r - 1.0))
    w = issue_weights(scenario, problem)[use]
    total = float(w.sum())
    if not np.isfinite(total) or total <= 0.0:
        return float(d.mean())
    return float((w * d).sum() / total)


def war_decisiveness(scenario: Scenario, *, as_of: dt.date | None = None) -> float:
    """The ``decisiveness`` covariate: ``war.decisiveness`` when the scenario states it, else
    :func:`front_decisiveness` at ``as_of`` (default ``meta.as_of``); 0 without a war."""
    if scenario.war is None:
        return 0.0
    if scenario.war.decisiveness is not None:
        return float(scenario.war.decisiveness)
    if not any(i.contested for i in scenario.issues):
        return 0.0  # no front line (front_decisiveness's 0, without building the problem)
    return _ScenarioReading.of(scenario, as_of).decisiveness


class _ScenarioReading:
    """What every agreement of one scenario at one date reads (the bargaining problem, its
    bundles, the sides' military compliance, the front's decisiveness), built once and shared
    by the agreements on each bundle (:func:`deal_durability` per bundle). The last few
    readings are kept (keyed by the scenario object itself: scenarios are frozen)."""

    _KEEP = 4
    _kept: dict[tuple[int, dt.date | None], tuple[Scenario, _ScenarioReading]] = {}  # noqa: RUF012
    _lock = threading.Lock()

    def __init__(self, scenario: Scenario, as_of: dt.date | None) -> None:
        self.scenario = scenario
        self.as_of = as_of

    @classmethod
    def of(cls, scenario: Scenario, as_of: dt.date | None) -> _ScenarioReading:
        key = (id(scenario), as_of)
        with cls._lock:  # simulations may read from several threads: evict under a lock
            hit = cls._kept.get(key)
            if hit is not None and hit[0] is scenario:
                return hit[1]
            out = cls(scenario, as_of)
            while len(cls._kept) >= cls._KEEP:
                cls._kept.pop(next(iter(cls._kept)), None)
            cls._kept[key] = (scenario, out)
            return out

    @cached_property
    def problem(self) -> BargainingProblem:
        from detente.bargaining.problem import build_problem

        return build_problem(self.scenario, as_of=self.as_of)

    @cached_property
    def agreements(self) -> list[Any]:
        from detente.bargaining.bundles import scenario_bundles

        return list(scenario_bundles(self.problem, self.scenario))

    def specificity(self, bundle: str) -> float:
        return _read_specificity(self.scenario, bundle, self.problem, self.agreements)

    @cached_property
    def decisiveness(self) -> float:
        return front_decisiveness(self.scenario, self.problem, as_of=self.as_of)

    @cached_property
    def compliance(self) -> dict[tuple[str, str], float]:
        """Military compliance of each ordered pair (:func:`detente.trust.trust_state`)."""
        from detente.trust import trust_state

        state = trust_state(self.scenario, self.as_of or self.scenario.meta.as_of)
        return dict(state.compliance("military"))


def scenario_covariates(
    scenario: Scenario,
    mechanisms: tuple[str, ...] | None = None,
    *,
    as_of: dt.date | None = None,
    bundle: str = "settlement",
) -> Covariates:
    """One agreement's covariates read from a scenario at ``as_of`` (the engine varies the
    per-run ones, trust at signature and earlier failed agreements, around them):

    - ``peacekeepers``: an attached ``peacekeepers`` mechanism; ``verification``: the largest
      ``detection`` of attached monitors / joint commissions;
    - ``specificity``: :func:`bundle_specificity` of ``bundle`` (stated, else read from its
      scope: truce 0 … comprehensive settlement 1); ``decisiveness``:
      :func:`war_decisiveness` (``war.decisiveness`` if stated, else read from the front line);
    - ``power_shift``: ``|war.truce_power_shift|``;
    - ``trust``: mean military compliance of the two belligerents for each other
      (:func:`detente.trust.trust_state`);
    - spoilers: :func:`spoiler_factions`, summed as Σ strength·(1 − control) and passed with
      control 0;
    - guarantor: the attached ``guarantee`` with the largest leverage × the belligerents'
      mean compliance for the guarantor (leverage read as capability; no constraint field);
    - ``prior_failures``: ``agreement_ended`` events among the belligerents up to ``as_of``
      (an ``agreement_lapsed`` one, a fixed-term agreement not renewed, is no failure: Fortna
      2004 counts cease-fires that broke down in renewed fighting);
    - ``mechanism_hr``: the stated hazard ratios of the other attached mechanisms (peacekeepers,
      monitors with a detection power and guarantees enter through their covariates, not
      twice);
    - ``interstate``: :func:`is_interstate`.

    ``mechanisms`` defaults to ``simulation.mechanisms``."""
    from detente.scenario.schema import EventEntry, EventType

    when = as_of or scenario.meta.as_of
    chosen = scenario.simulation.mechanisms if mechanisms is None and scenario.simulation else ()
    ids = set(chosen if mechanisms is None else mechanisms)
    unknown = ids - {m.id for m in scenario.mechanisms}
    if unknown:
        raise InputError(f"unknown mechanism(s) {', '.join(sorted(unknown))}")
    attached = [m for m in scenario.mechanisms if m.id in ids]
    sides = tuple(scenario.war.belligerents) if scenario.war is not None else ()
    q = _ScenarioReading.of(scenario, when).compliance
    trust = float(np.mean([q[(a, b)] for a in sides for b in sides if a != b])) if sides else 0.354
    actors = {a.id: a for a in scenario.actors}
    spoiler = sum(s * (1.0 - c) for _, _, s, c in spoiler_factions(scenario))
    g_cap = g_trust = 0.0
    mech_hr = 1.0
    pk = verification = 0.0
    for m in attached:
        kind = m.kind.value
        if kind == "peacekeepers":
            pk = 1.0
        elif kind in ("monitors", "joint_commission") and m.detection is not None:
            verification = max(verification, float(m.detection))
        elif kind == "guarantee" and m.guarantor in actors:
            lev = float(m.leverage) if m.leverage is not None else 0.5
            tg = [q[(s, m.guarantor)] for s in sides if s != m.guarantor]
            if lev * (float(np.mean(tg)) if tg else 0.0) > g_cap * g_trust:
                g_cap, g_trust = lev, float(np.mean(tg)) if tg else 0.0
        elif m.hazard_ratio is not None:
            mech_hr *= float(m.hazard_ratio)
    failures = sum(
        1
        for e in scenario.ledger
        if isinstance(e, EventEntry)
        and e.type == EventType.agreement_ended
        and e.date <= when
        and {x for x in (e.by, e.against, *e.actors) if x} & set(sides)
    )
    shift = abs(scenario.war.truce_power_shift) if scenario.war is not None else 0.0
    return Covariates(
        peacekeepers=pk,
        verification=verification,
        specificity=bundle_specificity(scenario, bundle, as_of=when),
        power_shift=min(1.0, shift),
        trust=min(1.0, max(0.0, trust)),
        spoiler_strength=min(1.0, spoiler),
        spoiler_control=0.0,
        guarantor_capability=g_cap,
        guarantor_trust=g_trust,
        prior_failures=float(failures),
        decisiveness=war_decisiveness(scenario, as_of=when),
        mechanism_hr=mech_hr,
        interstate=1.0 if is_interstate(scenario) else 0.0,
    )


@dataclass(frozen=True)
class DealDurability:
    """The durability model of the simulation's agreement (built once per model): the deal's
    covariates read by :func:`scenario_covariates` and its spoiler factions. Per run the
    engine supplies trust at signature and earlier failed agreements."""

    base: Covariates
    """The deal's covariates at ``as_of`` (scalars)."""
    faction_ids: tuple[str, ...]
    faction_share: NDArray[np.float64]
    """(F,) each faction's strength·(1 − control) (its share of the spoiler covariate)."""

    @property
    def spoiler_factor(self) -> float:
        """Hazard-ratio factor of the uncontrolled spoilers, ``exp(β·min(1, Σ s(1−c)))``."""
        x = min(1.0, float(self.faction_share.sum()))
        return math.exp(COVARIATE_EFFECTS["spoiler"].beta * x)

    def at_signature(
        self, trust: NDArray[np.float64], prior_failures: NDArray[np.float64]
    ) -> Covariates:
        """The deal's covariates per run: trust at signature (N,) and failures (N,)."""
        return replace(self.base, trust=np.clip(trust, 0.0, 1.0), prior_failures=prior_failures)

    def rest_hazard_ratio(
        self, trust: NDArray[np.float64], prior_failures: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Per-run hazard ratio of everything but the spoilers (they add their own hazard,
        ``(spoiler_factor − 1)`` times this, attributed to the factions)."""
        t, f = np.broadcast_arrays(
            np.asarray(trust, dtype=np.float64), np.asarray(prior_failures, dtype=np.float64)
        )
        log_hr = np.empty(t.size)
        code = rest_log_ratios(t.reshape(-1), f.reshape(-1), self.rest_vector, log_hr)
        check_rest_code(code)
        out: NDArray[np.float64] = self.mechanism_hr * np.exp(log_hr.reshape(t.shape))
        return out

    @cached_property
    def _rest_fields(self) -> dict[str, NDArray[np.float64]]:
        return replace(self.base, spoiler_strength=0.0).fields()

    @cached_property
    def rest_vector(self) -> NDArray[np.float64]:
        """(K,) the deal's covariate vector but the spoilers' (validated once; trust and
        earlier failures are each run's, :func:`rest_log_ratio`)."""
        x = covariate_vector(self._rest_fields)
        out = np.array([float(x[k]) for k in COVARIATE_KEYS], dtype=np.float64)
        out.flags.writeable = False
        return out

    @property
    def mechanism_hr(self) -> float:
        """The product of the attached mechanisms' own hazard ratios (validated)."""
        return float(self._rest_fields["mechanism_hr"])

    def explain(self, trust: float | None = None) -> dict[str, Any]:
        """Per covariate its value and hazard-ratio factor (largest first), the total hazard
        ratio and the model's one-year breakdown, at ``trust`` (default: the deal's at
        ``as_of``)."""
        cov = self.base if trust is None else replace(self.base, trust=trust)
        return {
            "trust_at_signature": float(np.asarray(cov.trust)),
            "hazard_ratio": float(covariate_hazard_ratio(cov)),
            "one_year_breakdown": float(one_year_breakdown(cov)),
            "covariates": [
                {k: r[k] for k in ("covariate", "value", "hazard_ratio", "source")}
                for r in explain_hazard(cov)
            ],
            "spoilers": [
                {"faction": f, "uncontrolled_strength": float(x)}
                for f, x in zip(self.faction_ids, self.faction_share, strict=True)
            ],
        }


def deal_durability(
    scenario: Scenario, mechanisms: tuple[str, ...], *, bundle: str = "settlement"
) -> DealDurability:
    """The :class:`DealDurability` of an agreement on ``bundle`` (its ``specificity``) with
    ``mechanisms`` attached."""
    facs = spoiler_factions(scenario)
    return DealDurability(
        base=scenario_covariates(scenario, mechanisms, bundle=bundle),
        faction_ids=tuple(f for f, _, _, _ in facs),
        faction_share=np.array([s * (1.0 - c) for _, _, s, c in facs], dtype=np.float64),
    )

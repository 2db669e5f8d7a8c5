"""Durability of agreements: the baseline breakdown hazard and its calibration to Fortna.

The baseline hazard of a cease-fire breaking down is Weibull with a decreasing hazard
(shape ``k < 1``: most failures come early, as in the cease-fire literature):

    S₀(τ) = exp(−(τ / λ)^k),        τ in years since signature,

and mechanisms and behaviour multiply it (proportional hazards): with hazard ratio ``HR`` the
survival is ``S₀(τ)^HR``. Simulated per period of length ``Δ`` years, the probability of
breakdown in period ``n`` given survival so far is

    h_n = 1 − exp(−HR · [((n+1)Δ/λ)^k − (nΔ/λ)^k]).

Calibration target (Fortna 2004, *Does Peacekeeping Keep Peace?*, civil-war cease-fires,
Kaplan–Meier survival): with / without peacekeepers 0.79 / 0.61 at 1 year, 0.68 / 0.55 at 2
years, 0.56 / 0.39 at 5 years. ``k`` and ``λ`` are fitted to the no-peacekeeper curve and the
peacekeeper hazard ratio to the other by least squares on these six points (see
``benchmarks/ceasefire_calibration.py``); every fitted survival lies within ±0.05 of its
target. The fitted HR (≈0.59) is close to Fortna's unadjusted Cox estimate of 0.54.

:func:`calibration_scenario` is the stylised war that calibration simulates (shared by the
benchmark and the tests): two equal belligerents in good faith with full information, who
agree at once, and nothing but the baseline hazard (and peacekeepers) to end agreements.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = [
    "CALIBRATION_TOLERANCE",
    "CIVIL_FOLLOW_UP",
    "COVARIATE_EFFECTS",
    "COVARIATE_KEYS",
    "FORTNA_HELD_2004",
    "FORTNA_INTERSTATE_RENEWED",
    "FORTNA_SETTLEMENT_FAILED",
    "FORTNA_TARGETS",
    "FORTNA_TRUCE_FAILED",
    "INTERSTATE_FOLLOW_UP",
    "INTERSTATE_HR",
    "PEACEKEEPER_HR",
    "SPECIFICITY_REFERENCE",
    "SUBSTANTIVE_CATEGORIES",
    "WEIBULL_SCALE_YEARS",
    "WEIBULL_SHAPE",
    "CovariateEffect",
    "Covariates",
    "calibration_scenario",
    "covariate_hazard_ratio",
    "covariate_period_hazard",
    "covariate_vector",
    "cumulative_hazard",
    "explain_hazard",
    "hazard_increments",
    "increment_table",
    "interstate_hazard_ratio",
    "mean_cumulative_hazard",
    "one_year_breakdown",
    "period_hazard",
    "rest_log_ratios",
    "specificity_reference",
    "survival",
]

WEIBULL_SHAPE = 0.46
"""Weibull shape k (< 1: decreasing hazard), fitted to Fortna's no-peacekeeper curve."""
WEIBULL_SCALE_YEARS = 5.55
"""Weibull scale λ in years, fitted to Fortna's no-peacekeeper curve."""
PEACEKEEPER_HR = 0.59
"""Hazard ratio of peacekeepers, fitted to Fortna's with-peacekeeper curve (her Cox HR: 0.54)."""
CALIBRATION_TOLERANCE = 0.05
"""Largest allowed absolute gap between simulated and target survival."""

FORTNA_TARGETS: dict[str, dict[float, float]] = {
    "peacekeepers": {1.0: 0.79, 2.0: 0.68, 5.0: 0.56},
    "none": {1.0: 0.61, 2.0: 0.55, 5.0: 0.39},
}
"""Fortna (2004) Kaplan–Meier survival of cease-fires by years since signature."""


def cumulative_hazard(
    years: NDArray[np.float64] | float,
    shape: float = WEIBULL_SHAPE,
    scale: float = WEIBULL_SCALE_YEARS,
) -> NDArray[np.float64]:
    """Baseline cumulative hazard ``(τ/λ)^k``."""
    tau = np.maximum(np.asarray(years, dtype=np.float64), 0.0)
    out: NDArray[np.float64] = (tau / scale) ** shape
    return out


def survival(years: float, hazard_ratio: float = 1.0) -> float:
    """Model survival ``S₀(τ)^HR`` at ``years`` after signature."""
    return math.exp(-hazard_ratio * float(cumulative_hazard(years)))


def hazard_increments(age_periods: NDArray[np.int64], period_years: float) -> NDArray[np.float64]:
    """Baseline cumulative hazard over the period after ``age_periods`` of survival,
    ``ΔH = ((n+1)Δ/λ)^k − (nΔ/λ)^k``."""
    a = age_periods.astype(np.float64) * period_years
    out: NDArray[np.float64] = cumulative_hazard(a + period_years) - cumulative_hazard(a)
    return out


_INCREMENTS: dict[float, NDArray[np.float64]] = {}


def increment_table(period_years: float, n: int) -> NDArray[np.float64]:
    """:func:`hazard_increments` of the ages ``0, 1, …`` (at least ``n`` of them), computed
    once per period length and kept (read only): the engine looks each run's ``ΔH`` up by its
    age (the same numbers, element by element, as computing them from the run's age)."""
    table = _INCREMENTS.get(period_years)
    if table is None or table.size < n:
        size = max(n, 256, 0 if table is None else 2 * table.size)
        table = hazard_increments(np.arange(size, dtype=np.int64), period_years)
        table.flags.writeable = False
        if len(_INCREMENTS) >= 64:  # bounded (many period lengths: recomputed as needed)
            _INCREMENTS.clear()
        _INCREMENTS[period_years] = table
    return table


def period_hazard(
    age_periods: NDArray[np.int64], period_years: float, hazard_ratio: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Breakdown probability in the period after ``age_periods`` of survival, with ``HR``:
    ``h = 1 − exp(−HR·ΔH)``."""
    dh = hazard_increments(age_periods, period_years)
    out: NDArray[np.float64] = -np.expm1(-hazard_ratio * dh)
    return out


def calibration_scenario(*, peacekeepers: bool) -> Scenario:
    """The calibration workload: a stylised two-sided civil war (a state against an
    organisation, as in Fortna's civil-war sample; two issues, equal sides, cost 0.006
    per week, good faith on both sides, full information: no optimism, no private costs or
    resolve; no factions, no rearmament), with
    peacekeepers attached to any agreement or none. Its issues have no category, so its
    agreement's type is unknown and read at :data:`SPECIFICITY_REFERENCE`
    (:func:`bundle_specificity`): it stands for Fortna's whole sample of truces and
    settlements, whose survival the baseline is fitted to."""
    from detente.scenario import parse_scenario

    actors: list[dict[str, Any]] = [
        {
            "id": aid,
            "name": f"Side {aid}",
            "kind": kind,
            "veto": True,
            "belligerent": True,
            "capability": 1.0,
            "cost_of_fighting": 0.006,
        }
        for aid, kind in (("A", "state"), ("B", "organisation"))
    ]
    issue: dict[str, Any] = {"anchors": [{"value": 0, "label": "B"}, {"value": 100, "label": "A"}]}
    doc = {
        "schema_version": 1,
        "meta": {"name": "cease-fire calibration (stylised)", "as_of": "2026-01-01"},
        "actors": actors,
        "issues": [
            {"id": "land", "name": "Land", "status_quo": 50, "contested": True, **issue},
            {"id": "bloc", "name": "Bloc", "status_quo": 50, **issue},
        ],
        "positions": [
            {"actor": "A", "issue": "land", "ideal": 100, "salience": 1.0},
            {"actor": "A", "issue": "bloc", "ideal": 100, "salience": 0.3},
            {"actor": "B", "issue": "land", "ideal": 0, "salience": 1.0},
            {"actor": "B", "issue": "bloc", "ideal": 0, "salience": 0.8},
        ],
        "mechanisms": [{"id": "pk", "kind": "peacekeepers", "name": "Peacekeepers"}],
        "war": {
            "belligerents": ["A", "B"],
            "stalemate": 0.2,
            "horizon_periods": 104,
            "line_volatility": 0.5,
        },
        "simulation": {
            "strategies": {"A": "good_faith", "B": "good_faith"},
            "optimism": 0.0,
            "cost_spread": 0.0,
            "resolve_spread": 0.0,
            "mechanisms": ["pk"] if peacekeepers else [],
        },
    }
    return parse_scenario(json.dumps(doc))


# -------------------------------------------------------------------- covariate model
# Proportional hazards (Cox form): HR = exp(Σ β_k · (x_k − x_ref_k)) multiplies the Fortna
# baseline above. At the reference values every term is 0, so the baseline (Fortna's civil
# war cease-fires without peacekeepers) and its calibration are unchanged. Each β is taken
# from a published hazard ratio where one exists, else labelled an assumption; see
# docs/explanation/durability.md.


@dataclass(frozen=True)
class CovariateEffect:
    """One covariate's log-hazard coefficient, reference value and source."""

    beta: float
    reference: float
    source: str


FORTNA_HELD_2004 = {"all": (0.417, 96), "peacekeepers": (0.559, 34), "none": (0.339, 62)}
"""Fortna (2004): share of civil-war cease-fires (1989-99) still holding at end-2004, and
group sizes (96 in all; 34 / 62 implied by the published shares)."""

FORTNA_INTERSTATE_RENEWED = 0.45
"""Fortna (2004, *Peace Time*, ch. 1): "almost half of the international wars since World
War II have been followed by renewed fighting" between at least one pair of belligerents
(read as 0.45; 0.40-0.50 spans "almost half"; counting a war as renewed when any pair fought
again overstates one agreement's failure, so the derived hazard ratio errs high)."""
INTERSTATE_FOLLOW_UP = (1.0, 52.0)
"""Years from signature to the end of observation of *Peace Time*'s interstate cease-fires
(1946-97 signed, observed to 1998), taken as uniform over this window (assumption)."""
CIVIL_FOLLOW_UP = (5.0, 15.0)
"""Years from signature to end-2004 of Fortna's (2004) civil-war cease-fires (1989-99
signed), uniform (assumption, as in the end-2004 check)."""


def mean_cumulative_hazard(window: tuple[float, float]) -> float:
    """Baseline cumulative hazard ``(τ/λ)^k`` averaged over ``τ`` uniform on ``window``."""
    a, b = window
    k, lam = WEIBULL_SHAPE, WEIBULL_SCALE_YEARS
    return float((b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a) * lam**k))


def interstate_hazard_ratio(
    renewed: float = FORTNA_INTERSTATE_RENEWED,
    civil_failed: float = 1.0 - FORTNA_HELD_2004["all"][0],
) -> float:
    """Hazard ratio of interstate against civil-war cease-fires from two published shares
    failed over their follow-up windows, under the baseline's time shape: the ratio of
    ``−ln(1 − share) / mean H₀(window)``. Each group is divided by its own published share,
    so the Weibull's low tail (the end-2004 check) cancels out of the ratio."""
    inter = -math.log(1.0 - renewed) / mean_cumulative_hazard(INTERSTATE_FOLLOW_UP)
    civil = -math.log(1.0 - civil_failed) / mean_cumulative_hazard(CIVIL_FOLLOW_UP)
    return inter / civil


INTERSTATE_HR = 0.455
"""Hazard ratio of a cease-fire between states against Fortna's civil-war baseline
(:func:`interstate_hazard_ratio` of the published shares, rounded; the test reproduces it)."""

FORTNA_TRUCE_FAILED = 0.74
"""Fortna (2004): share of civil-war cease-fires that failed when the war ended in a *truce*
(a cease-fire without a political settlement)."""
FORTNA_SETTLEMENT_FAILED = 0.48
"""Fortna (2004): the share that failed when the war ended in a *settlement*."""


def specificity_reference(
    truce_failed: float = FORTNA_TRUCE_FAILED,
    settlement_failed: float = FORTNA_SETTLEMENT_FAILED,
    held: float = FORTNA_HELD_2004["all"][0],
) -> float:
    """Where Fortna's whole sample sits on the truce (0) – settlement (1) scale of the
    ``specificity`` covariate, from three published shares of the same 96 cease-fires: under
    proportional hazards each group's cumulative-hazard multiplier over the common follow-up is
    ``m = −ln(1 − failed)``, and the log-linear covariate puts the whole sample (``m_all =
    −ln(held)``) at ``ln(m_all / m_truce) / ln(m_settlement / m_truce)``."""
    m_truce = -math.log(1.0 - truce_failed)
    m_settle = -math.log(1.0 - settlement_failed)
    m_all = -math.log(held)
    return math.log(m_all / m_truce) / math.log(m_settle / m_truce)


SPECIFICITY_REFERENCE = 0.6
"""Reference value of ``specificity``: Fortna's whole sample of civil-war cease-fires
(:func:`specificity_reference` of the published shares, 0.597, rounded; the test reproduces
it): about 40 % truces and 60 % settlements."""

SUBSTANTIVE_CATEGORIES = frozenset({"political", "territorial", "legal", "economic"})
"""Issue categories whose settlement makes an agreement a *settlement* rather than a truce:
the incompatibility the war is fought over (government or territory, as UCDP codes it, and
the legal and economic terms of its settlement). Cease-fire, military, security and
humanitarian issues alone make a truce. An uncategorised issue tells neither."""

MONITOR_REFERENCE_DETECTION = 0.5
"""Detection power of the unarmed missions behind Fortna's monitoring HR (assumption)."""

COVARIATE_EFFECTS: dict[str, CovariateEffect] = {
    "peacekeepers": CovariateEffect(
        math.log(PEACEKEEPER_HR), 0.0,
        "Fortna 2004: peacekeeping HR 0.54 unadjusted (0.28 adjusted); 0.59 fitted to her "
        "Kaplan-Meier curves",
    ),
    "verification": CovariateEffect(
        math.log(0.88) / MONITOR_REFERENCE_DETECTION, 0.0,
        "Fortna 2004: monitoring-only missions HR 0.88 (not significant), read as detection "
        "0.5 (assumption); verification = monitors' detection power, 0-1",
    ),
    "specificity": CovariateEffect(
        math.log(math.log(1 - FORTNA_SETTLEMENT_FAILED) / math.log(1 - FORTNA_TRUCE_FAILED)),
        SPECIFICITY_REFERENCE,
        "Fortna 2004: cease-fires after a truce failed 74%, after a settlement 48%; under "
        "proportional hazards HR(settlement vs truce) = ln 0.52 / ln 0.26 = 0.49 (Fortna 2008: "
        "a peace agreement about 60% below a truce); 0 = truce, 1 = comprehensive settlement "
        "(read from the agreement's scope unless stated); reference 0.6 = Fortna's whole "
        "sample (41.7% held), derived from the same shares",
    ),
    "power_shift": CovariateEffect(
        2.0, 0.0,
        "assumption (Powell 2006 'War as a commitment problem'; Werner & Yuen 2005): a "
        "cease-fire that lets one side gain 0.35 in P(win) doubles the hazard",
    ),
    "trust": CovariateEffect(
        -1.5, 0.354,
        "assumption (Kydd 2005): trust at signature = mean compliance probability of the "
        "sides; reference 0.354 = no evidence; +0.2 cuts the hazard by 26%",
    ),
    "spoiler": CovariateEffect(
        1.5, 0.0,
        "assumption (Stedman 1997; Kydd & Walter 2002): uncontrolled spoiler strength "
        "Σ strength·(1 − control); 0.5 uncontrolled doubles the hazard",
    ),
    "guarantor": CovariateEffect(
        -1.0, 0.0,
        "assumption (Walter 2002; Fortna 2003 on third-party guarantees): credibility = "
        "capability × trust in the guarantor × (1 − domestic constraint); 1 cuts the hazard "
        "to 0.37",
    ),
    "prior_failures": CovariateEffect(
        0.15, 0.0,
        "assumption (Fortna 2004 on the history of conflict; Werner & Yuen 2005): each "
        "earlier failed agreement between the parties raises the hazard by 16%, capped at 5",
    ),
    "decisiveness": CovariateEffect(
        -0.7, 0.0,
        "assumption (Fortna 2003/2004: decisive victories are more stable than ties): 0 = "
        "stalemate, 1 = decisive outcome; 1 halves the hazard",
    ),
    "interstate": CovariateEffect(
        math.log(INTERSTATE_HR), 0.0,
        "Fortna 2004 Peace Time / 2003 'Inside and Out': peace after wars between states "
        "lasts longer than after civil wars; HR 0.455 against the civil-war baseline, derived "
        "from 'almost half' (0.45) of interstate wars 1946-98 renewed vs 58.3% of civil-war "
        "cease-fires 1989-99 failed by 2004 (follow-up windows an assumption); 1 = both "
        "belligerents states and no other actor fighting",
    ),
}  # fmt: skip
"""Covariate → (β, reference value, source). ``HR = Π exp(β·(x − reference))``."""

PRIOR_FAILURES_CAP = 5.0
"""Earlier failed agreements beyond this count add nothing (assumption)."""

ArrayLike = NDArray[np.float64] | float


@dataclass(frozen=True)
class Covariates:
    """Per-run covariates of an agreement (floats or arrays of one shape, one per run).

    Defaults are the reference values: an agreement at them has the baseline hazard."""

    peacekeepers: ArrayLike = 0.0
    """0/1 (or the share of the line covered)."""
    verification: ArrayLike = 0.0
    """Detection power of monitors and verification provisions, 0-1."""
    specificity: ArrayLike = SPECIFICITY_REFERENCE
    """0 = truce (a cease-fire only) ... 1 = comprehensive settlement
    (:func:`bundle_specificity`)."""
    power_shift: ArrayLike = 0.0
    """|Change in P(win)| the cease-fire permits (rearmament), 0-1 (War.truce_power_shift)."""
    trust: ArrayLike = 0.354
    """Trust at signature: mean compliance probability of the sides, 0-1."""
    spoiler_strength: ArrayLike = 0.0
    """Spoiler factions' strength, 0-1 (e.g. the faction's salience-weighted capability)."""
    spoiler_control: ArrayLike = 1.0
    """Their leaders' control over them, 0-1."""
    guarantor_capability: ArrayLike = 0.0
    """The guarantor's capability to enforce, 0-1 (0: no guarantor)."""
    guarantor_trust: ArrayLike = 0.0
    """The sides' compliance probability for the guarantor, 0-1."""
    guarantor_constraint: ArrayLike = 0.0
    """The guarantor's domestic constraints, 0 (free hand) to 1 (cannot act)."""
    prior_failures: ArrayLike = 0.0
    """Earlier failed agreements between the parties (count)."""
    decisiveness: ArrayLike = 0.0
    """War outcome so far, 0 = stalemate ... 1 = decisive."""
    mechanism_hr: ArrayLike = 1.0
    """Product of any further mechanism hazard ratios (e.g. a DMZ), 1 = none."""
    interstate: ArrayLike = 0.0
    """1 = a war between states (:func:`is_interstate`), 0 = a civil war (the baseline's)."""

    def fields(self) -> dict[str, NDArray[np.float64]]:
        """Every field as an array (validated: finite, within its range)."""
        return {k: _field(k, getattr(self, k)) for k in self.__annotations__}

    def values(self) -> dict[str, NDArray[np.float64]]:
        """The covariate vector ``x`` per :data:`COVARIATE_EFFECTS` key (validated)."""
        return covariate_vector(self.fields())


def _field(name: str, value: ArrayLike) -> NDArray[np.float64]:
    v = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(v)):
        raise InputError(f"durability covariate {name} must be finite")
    upper = np.inf if name in ("prior_failures", "mechanism_hr") else 1.0
    if np.any(v < 0.0) or np.any(v > upper):
        raise InputError(f"durability covariate {name} must lie in [0, {upper}]")
    return v


def covariate_vector(f: dict[str, NDArray[np.float64]]) -> dict[str, NDArray[np.float64]]:
    """The covariate vector from the (validated) fields."""
    return {
        "peacekeepers": f["peacekeepers"],
        "verification": f["verification"],
        "specificity": f["specificity"],
        "power_shift": f["power_shift"],
        "trust": f["trust"],
        "spoiler": f["spoiler_strength"] * (1.0 - f["spoiler_control"]),
        "guarantor": f["guarantor_capability"]
        * f["guarantor_trust"]
        * (1.0 - f["guarantor_constraint"]),
        "prior_failures": np.minimum(f["prior_failures"], PRIOR_FAILURES_CAP),
        "decisiveness": f["decisiveness"],
        "interstate": f["interstate"],
    }


_BETA = np.array([e.beta for e in COVARIATE_EFFECTS.values()], dtype=np.float64)
_REFERENCE = np.array([e.reference for e in COVARIATE_EFFECTS.values()], dtype=np.float64)
COVARIATE_KEYS = tuple(COVARIATE_EFFECTS)
"""The covariates' names in the order of the covariate vector (:data:`COVARIATE_EFFECTS`)."""
TRUST_AT = COVARIATE_KEYS.index("trust")
"""Position of trust at signature in the covariate vector (:data:`COVARIATE_EFFECTS` order)."""
FAILURES_AT = COVARIATE_KEYS.index("prior_failures")
"""Position of the earlier failed agreements in the covariate vector."""


@kernel
def log_hazard_ratio(x: NDArray[np.float64]) -> float:
    """``Σ_k β_k (x_k − ref_k)`` of one covariate vector ``x`` (:data:`COVARIATE_EFFECTS`
    order), summed in that order from 0: the one implementation of the covariate model's log
    hazard ratio (its ``exp`` is NumPy's, outside)."""
    acc = 0.0
    for k in range(x.shape[0]):
        acc = acc + _BETA[k] * (x[k] - _REFERENCE[k])
    return acc


@kernel
def _log_hazard_ratios(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`log_hazard_ratio` of every column of ``x`` (K, n)."""
    out = np.empty(x.shape[1], dtype=np.float64)
    for j in range(x.shape[1]):
        out[j] = log_hazard_ratio(x[:, j])
    return out


@kernel
def rest_log_ratio(
    trust: float, failures: float, x0: NDArray[np.float64], x: NDArray[np.float64]
) -> int:
    """Into ``x``: the deal's covariate vector ``x0`` with trust at
    signature ``trust`` (clipped to [0, 1]) and ``failures`` earlier failed agreements (capped
    at :data:`PRIOR_FAILURES_CAP`), as :meth:`DealDurability.rest_hazard_ratio` reads them;
    returns 0, or 1 (trust not finite), 2 (failures not finite) or 3 (failures negative)."""
    t = trust
    if t < 0.0:
        t = 0.0
    elif t > 1.0:
        t = 1.0
    for k in range(x0.shape[0]):
        x[k] = x0[k]
    x[TRUST_AT] = t
    f = failures
    x[FAILURES_AT] = f if (f < PRIOR_FAILURES_CAP or f != f) else PRIOR_FAILURES_CAP
    if not np.isfinite(t):
        return 1
    if not np.isfinite(f):
        return 2
    if f < 0.0:
        return 3
    return 0


@kernel
def rest_log_ratios(
    trust: NDArray[np.float64],
    failures: NDArray[np.float64],
    x0: NDArray[np.float64],
    out: NDArray[np.float64],
) -> int:
    """:func:`log_hazard_ratio` per run of the deal ``x0`` at each run's trust and failures
    (:func:`rest_log_ratio`); returns the first validation code met by priority (trust first,
    as the fields are validated), 0 when every run is valid."""
    x = np.empty(x0.shape[0], dtype=np.float64)
    worst = 0
    for i in range(trust.shape[0]):
        worst = worse_rest_code(worst, rest_log_ratio(trust[i], failures[i], x0, x))
        out[i] = log_hazard_ratio(x)
    return worst


@kernel
def worse_rest_code(worst: int, code: int) -> int:
    """The validation code to report of ``worst`` (met so far) and ``code`` (just met): a bad
    trust (1) before everything, else the first bad count of failures (> 1), else 0."""
    if code == 1:
        return 1
    if worst == 0:
        return code
    return worst


def check_rest_code(code: int) -> None:
    """Raise the fields' own error for a :func:`rest_log_ratio` validation code (0: none)."""
    if code == 1:
        raise InputError("durability covariate trust must be finite")
    if code == 2:
        raise InputError("durability covariate prior_failures must be finite")
    if code == 3:
        raise InputError(f"durability covariate prior_failures must lie in [0, {np.inf}]")


def _hazard_ratio(
    x: dict[str, NDArray[np.float64]], mechanism_hr: ArrayLike
) -> NDArray[np.float64]:
    cols = np.broadcast_arrays(*(np.asarray(x[k], dtype=np.float64) for k in COVARIATE_KEYS))
    shape = cols[0].shape
    stacked = np.stack([c.reshape(-1) for c in cols])  # (K, n)
    log_hr = _log_hazard_ratios(stacked).reshape(shape)
    out: NDArray[np.float64] = np.asarray(mechanism_hr, dtype=np.float64) * np.exp(log_hr)
    return out


def covariate_hazard_ratio(cov: Covariates) -> NDArray[np.float64]:
    """Hazard ratio against the baseline, vectorised over runs: ``mechanism_hr ·
    exp(Σ β_k (x_k − ref_k))``."""
    return _hazard_ratio(cov.values(), cov.mechanism_hr)


def covariate_period_hazard(
    age_periods: NDArray[np.int64], period_years: float, cov: Covariates
) -> NDArray[np.float64]:
    """Per-run breakdown probability in the period after ``age_periods`` of survival: what
    the engine calls each period for the agreements in force (arrays broadcast)."""
    return period_hazard(age_periods, period_years, covariate_hazard_ratio(cov))


def one_year_breakdown(cov: Covariates) -> NDArray[np.float64]:
    """P(breakdown within one year of signature) = 1 − S₀(1)^HR."""
    out: NDArray[np.float64] = -np.expm1(
        -covariate_hazard_ratio(cov) * float(cumulative_hazard(1.0))
    )
    return out


def explain_hazard(cov: Covariates) -> list[dict[str, Any]]:
    """Which covariates drove one agreement's hazard (scalar covariates): per covariate its
    value, its hazard-ratio factor ``exp(β(x − ref))`` and source, largest effect first; the
    factors (and ``mechanism_hr``) multiply to the total hazard ratio."""
    x = cov.values()
    rows: list[dict[str, Any]] = []
    for k, e in COVARIATE_EFFECTS.items():
        v = x[k]
        if v.ndim:
            raise InputError("explain_hazard takes one agreement's (scalar) covariates")
        rows.append(
            {
                "covariate": k,
                "value": float(v),
                "reference": e.reference,
                "hazard_ratio": math.exp(e.beta * (float(v) - e.reference)),
                "source": e.source,
            }
        )
    mech = float(np.asarray(cov.mechanism_hr))
    rows.append(
        {"covariate": "mechanisms", "value": mech, "reference": 1.0, "hazard_ratio": mech,
         "source": "the attached mechanisms' stated hazard ratios"}
    )  # fmt: skip
    rows.sort(key=lambda r: -abs(math.log(r["hazard_ratio"])) if r["hazard_ratio"] > 0 else 0)
    return rows

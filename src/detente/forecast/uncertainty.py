"""Monte Carlo forecast bands over input uncertainty (seeded, reproducible, vectorised draws).

Analysts' inputs are estimates. Each run redraws every actor's position, salience and
capability from a truncated normal centred on the stated value, re-runs the model, and the
bands are the 5/25/50/75/95 % quantiles of the runs' forecasts (compute-your-own quantiles, as
the style guide asks: these are spreads of forecasts, not standard errors of a mean).

**The point forecast is the median (q50) of the same runs**, so it can never lie outside its
own band; the model's value at the stated inputs is reported next to it as
``at_stated_inputs``. A model whose outcome is itself a distribution (the ``front`` model's war
lottery, :meth:`distribution`) contributes one draw from that distribution per run, so its band
shows the war's uncertainty as well as the inputs'. A model that needs capabilities gets the
note "no capabilities given" on issues without them.

These bands are input (and war-lottery) uncertainty, not model error. Model error is what
``detente forecast backtest`` measures: it reports out-of-fold calibrated 50 % and 90 % bands
and their coverage (:mod:`detente.forecast.backtest`).

Default distributions (:class:`InputUncertainty`):

- position: SD = 5 % of the issue's span (the range of stated positions and the status quo),
  truncated to that span;
- salience and capability: SD = 20 % of the stated value, truncated below at 0 (an actor with
  zero salience or capability stays at zero).

Randomness: one ``SeedSequence(seed)``; one child per issue, spawned before any work, so an
issue's bands do not depend on which other issues are forecast with it. All draws for an issue
are made at once, so the same seed gives byte-identical bands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from detente.core import DEFAULT_SEED
from detente.forecast.base import ForecastModel, trait
from detente.forecast.data import FloatArray, IssueData, replace_inputs

__all__ = ["QUANTILES", "ForecastBand", "InputUncertainty", "forecast_bands", "truncated_normal"]

QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class InputUncertainty:
    """Standard deviations of the input draws (see module docstring for the defaults)."""

    position_sd_share: float = 0.05
    salience_rel_sd: float = 0.20
    capability_rel_sd: float = 0.20


@dataclass(frozen=True)
class ForecastBand:
    """One issue's point forecast (the median of its runs) and the runs' quantiles.

    ``mechanisms`` (``front`` model) name what puts the forecast where it is; ``notes`` flag
    caveats such as "no capabilities given".
    """

    issue_id: str
    model: str
    forecast: float
    q05: float
    q25: float
    q50: float
    q75: float
    q95: float
    runs: int
    at_stated_inputs: float = float("nan")
    reference: float | None = None
    mechanisms: tuple[object, ...] = ()
    notes: tuple[str, ...] = ()

    def as_record(self) -> dict[str, object]:
        """A flat record for tables, JSON and CSV."""
        return {
            "issue_id": self.issue_id,
            "model": self.model,
            "forecast": self.forecast,
            "q05": self.q05,
            "q25": self.q25,
            "q50": self.q50,
            "q75": self.q75,
            "q95": self.q95,
            "runs": self.runs,
            "at_stated_inputs": self.at_stated_inputs,
            "reference": self.reference,
            "mechanisms": "; ".join(str(m) for m in self.mechanisms),
            "notes": "; ".join(self.notes),
        }


def truncated_normal(
    rng: np.random.Generator,
    mean: FloatArray,
    sd: FloatArray,
    low: FloatArray | float,
    high: FloatArray | float,
    size: tuple[int, ...],
) -> FloatArray:
    """Inverse-CDF draws from N(mean, sd) truncated to [low, high]; sd = 0 returns ``mean``."""
    mean_b = np.broadcast_to(mean, size)
    sd_b = np.broadcast_to(sd, size)
    safe = np.where(sd_b > 0, sd_b, 1.0)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # tiny SDs: ±inf is fine
        a = ndtr((low - mean_b) / safe)
        b = ndtr((high - mean_b) / safe)
        u = rng.random(size)
        p = np.clip(a + u * (b - a), 1e-300, 1.0 - 1e-16)
        draws = mean_b + safe * ndtri(p)
    out: FloatArray = np.where(sd_b > 0, np.clip(draws, low, high), mean_b)
    return out


def _draws(
    issue: IssueData, runs: int, spec: InputUncertainty, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray, FloatArray]:
    n = issue.n_actors
    pts = list(issue.positions)
    if issue.status_quo is not None:
        pts.append(issue.status_quo)
    lo, hi = float(min(pts)), float(max(pts))
    pos_sd = np.full(n, spec.position_sd_share * (hi - lo))
    pos = truncated_normal(rng, issue.positions, pos_sd, lo, hi, (runs, n))
    sal = truncated_normal(
        rng, issue.saliences, spec.salience_rel_sd * issue.saliences, 0.0, np.inf, (runs, n)
    )
    cap = truncated_normal(
        rng, issue.capabilities, spec.capability_rel_sd * issue.capabilities, 0.0, np.inf, (runs, n)
    )
    return pos, sal, cap


def forecast_bands(
    model: ForecastModel,
    issues: Sequence[IssueData],
    *,
    runs: int = 1000,
    seed: int = DEFAULT_SEED,
    spec: InputUncertainty | None = None,
) -> list[ForecastBand]:
    """Point forecast and Monte Carlo quantiles for each issue (see module docstring)."""
    spec = spec or InputUncertainty()
    children = np.random.SeedSequence(seed).spawn(len(issues))
    distribution = getattr(model, "distribution", None)
    bands = []
    for issue, child in zip(issues, children, strict=True):
        rng = np.random.default_rng(child)
        pos, sal, cap = _draws(issue, runs, spec, rng)
        lottery = rng.random(runs)
        values = np.empty(runs)
        for k in range(runs):
            w = sal[k] * cap[k]
            drawn = issue if not np.any(w > 0) else replace_inputs(issue, pos[k], sal[k], cap[k])
            if distribution is None:
                values[k] = model.predict(drawn)
            else:
                dist = distribution(drawn)
                cum = np.cumsum(dist.probabilities) / float(np.sum(dist.probabilities))
                pick = min(int(np.searchsorted(cum, lottery[k], side="right")), cum.size - 1)
                values[k] = float(dist.values[pick])
        qs = np.quantile(values, QUANTILES, method="inverted_cdf")
        notes: list[str] = []
        if trait(model, "needs_capabilities") and issue.capability_source is None:
            notes.append("no capabilities given: every actor counts 1")
        mechanisms: tuple[object, ...] = ()
        reference = None
        if distribution is not None:
            stated = distribution(issue)
            mechanisms = tuple(stated.mechanisms)
            reference = float(stated.reference)
        bands.append(
            ForecastBand(
                issue_id=issue.issue_id,
                model=model.name,
                forecast=float(qs[2]),
                q05=float(qs[0]),
                q25=float(qs[1]),
                q50=float(qs[2]),
                q75=float(qs[3]),
                q95=float(qs[4]),
                runs=runs,
                at_stated_inputs=model.predict(issue),
                reference=reference,
                mechanisms=mechanisms,
                notes=tuple(notes),
            )
        )
    return bands

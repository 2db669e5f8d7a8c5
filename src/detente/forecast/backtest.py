"""The backtest harness: out-of-fold forecasts, error metrics and a paired bootstrap.

Procedure (all randomness from one ``SeedSequence(seed)``, children spawned up front):

1. **Screening.** Issues with fewer than 3 actors with positions, or with no outcome, are
   skipped and counted (``skipped``), never silently dropped.
2. **Folds.** Issues are assigned to ``K`` folds by a seeded permutation. A *tunable* model is
   fitted on the other ``K - 1`` folds and predicts the held-out fold, so every forecast is out
   of fold. A non-tunable model has nothing to fit and predicts every issue directly.
3. **Metrics** per model: MAE, RMSE, median absolute error, and hit rates (share of issues with
   absolute error <= 5, 10, 20 points on the issue scale; on a 0–100 scale, points).
4. **Calibrated bands** (split conformal, Vovk et al. 2005; Lei et al. 2018): for the issues of
   fold *k*, the 50 % (90 %) band is the forecast ± the conformal quantile of the absolute
   errors the same fitted model makes on its *training* issues (the ``ceil((n + 1) q)``-th
   smallest of ``n``). ``coverage_50`` and ``coverage_90`` are the shares of held-out outcomes
   inside those bands; ``width_50`` and ``width_90`` their mean widths. A well-calibrated model
   covers about 50 % and 90 %. The band is centred on the point forecast, so the point always
   lies inside it.
5. **Notes**: a model that needs capabilities is flagged "no capabilities given" when no
   scored issue gives them; ``cap-exponent`` then reports ``exponent = null`` per fold.
6. **Paired bootstrap** of ``MAE(model) - MAE(compromise)``: issues are resampled with
   replacement (``B`` = 2000 by default) and the same resample is used for both models; the
   interval is the 2.5–97.5 % percentile interval. A negative estimate means the model beats
   the compromise baseline; an interval excluding 0 means it does so beyond resampling noise.
7. **Residuals**: one row per issue × model (forecast − outcome), with its fold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.core import DEFAULT_SEED
from detente.errors import InputError
from detente.forecast.base import BASELINE, get_model, trait
from detente.forecast.data import FloatArray, IssueData

__all__ = [
    "MIN_ACTORS",
    "BacktestResult",
    "ModelScore",
    "Residual",
    "conformal_halfwidth",
    "metrics",
    "run_backtest",
    "screen",
]

MIN_ACTORS = 3


@dataclass(frozen=True)
class Residual:
    """One out-of-fold forecast."""

    issue_id: str
    model: str
    fold: int
    forecast: float
    outcome: float

    @property
    def residual(self) -> float:
        """Forecast minus outcome."""
        return self.forecast - self.outcome


@dataclass(frozen=True)
class ModelScore:
    """A model's out-of-fold scores."""

    model: str
    tunable: bool
    n_issues: int
    mae: float
    rmse: float
    median_ae: float
    hit_5: float
    hit_10: float
    hit_20: float
    mae_diff_vs_compromise: dict[str, float]
    tuned_parameters: list[dict[str, float | None]] | None
    seconds: float = 0.0
    coverage_50: float | None = None
    coverage_90: float | None = None
    width_50: float | None = None
    width_90: float | None = None
    notes: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The JSON form documented in ``docs/how-to/backtest-forecasts.md``."""
        return {
            "mae": self.mae,
            "rmse": self.rmse,
            "median_ae": self.median_ae,
            "n_issues": self.n_issues,
            "hit_5": self.hit_5,
            "hit_10": self.hit_10,
            "hit_20": self.hit_20,
            "mae_diff_vs_compromise": self.mae_diff_vs_compromise,
            "coverage_50": self.coverage_50,
            "coverage_90": self.coverage_90,
            "width_50": self.width_50,
            "width_90": self.width_90,
            "tunable": self.tunable,
            "tuned_parameters": self.tuned_parameters,
            "notes": list(self.notes),
        }

    def as_record(self) -> dict[str, Any]:
        """A flat table row."""
        d = self.mae_diff_vs_compromise
        return {
            "model": self.model,
            "n_issues": self.n_issues,
            "mae": self.mae,
            "rmse": self.rmse,
            "median_ae": self.median_ae,
            "hit_5": self.hit_5,
            "hit_10": self.hit_10,
            "hit_20": self.hit_20,
            "mae_diff": d["estimate"],
            "diff_low": d["low"],
            "diff_high": d["high"],
            "coverage_50": self.coverage_50,
            "coverage_90": self.coverage_90,
            "fit_in_folds": "yes" if self.tunable else "no (nothing to fit)",
            "notes": "; ".join(self.notes),
        }


@dataclass(frozen=True)
class BacktestResult:
    """Scores per model, residuals, skip counts and the options used."""

    scores: dict[str, ModelScore]
    residuals: list[Residual]
    skipped: dict[str, int]
    n_issues_read: int
    folds: int
    seed: int
    bootstrap: int
    options: dict[str, Any] = field(default_factory=dict)


def screen(issues: Sequence[IssueData]) -> tuple[list[IssueData], dict[str, int]]:
    """Split issues into scoreable ones and counts of the skipped ones by reason."""
    kept: list[IssueData] = []
    skipped = {"fewer_than_3_actors": 0, "no_outcome": 0}
    for issue in issues:
        if issue.n_actors < MIN_ACTORS:
            skipped["fewer_than_3_actors"] += 1
        elif issue.outcome is None:
            skipped["no_outcome"] += 1
        else:
            kept.append(issue)
    return kept, skipped


def metrics(errors: FloatArray) -> dict[str, float]:
    """MAE, RMSE, median absolute error and hit rates of absolute errors."""
    a = np.abs(errors)
    return {
        "mae": float(a.mean()),
        "rmse": float(np.sqrt((a**2).mean())),
        "median_ae": float(np.median(a)),
        "hit_5": float((a <= 5).mean()),
        "hit_10": float((a <= 10).mean()),
        "hit_20": float((a <= 20).mean()),
    }


def conformal_halfwidth(abs_errors: FloatArray, level: float) -> float:
    """Split-conformal half-width: the ``ceil((n + 1) level)``-th smallest absolute error
    (``inf`` when there are too few errors for that level)."""
    n = abs_errors.size
    rank = int(np.ceil((n + 1) * level))
    if n == 0 or rank > n:
        return float("inf")
    return float(np.sort(abs_errors)[rank - 1])


def _share_inside(err: FloatArray, halfwidth: FloatArray) -> float | None:
    """Share of errors within the band; ``None`` when a fold had too few training issues."""
    if not np.all(np.isfinite(halfwidth)):
        return None
    return float((np.abs(err) <= halfwidth).mean())


def _mean_width(halfwidth: FloatArray) -> float | None:
    return float((2.0 * halfwidth).mean()) if np.all(np.isfinite(halfwidth)) else None


def _folds(n: int, k: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """Balanced fold labels 0..k-1 in a seeded random order."""
    assignment = np.empty(n, dtype=np.int64)
    assignment[rng.permutation(n)] = np.arange(n) % k
    return assignment


def run_backtest(
    issues: Sequence[IssueData],
    models: Sequence[str],
    *,
    folds: int = 5,
    seed: int = DEFAULT_SEED,
    bootstrap: int = 2000,
) -> BacktestResult:
    """Backtest ``models`` (registry names) on ``issues``; see the module docstring."""
    import time

    if folds < 2:
        raise InputError(f"--folds must be at least 2, got {folds}")
    names = list(dict.fromkeys([BASELINE, *models]))
    instances = [get_model(n) for n in names]
    kept, skipped = screen(issues)
    if len(kept) < folds:
        raise InputError(
            f"only {len(kept)} scoreable issue(s) (skipped: {skipped}); need at least "
            f"{folds} for {folds}-fold cross-validation"
        )
    fold_seq, fit_seq, boot_seq = np.random.SeedSequence(seed).spawn(3)
    fold_of = _folds(len(kept), folds, np.random.default_rng(fold_seq))
    fit_rngs = [np.random.default_rng(s) for s in fit_seq.spawn(folds)]
    outcomes = np.array([i.outcome for i in kept], dtype=np.float64)
    preds: dict[str, FloatArray] = {}
    half: dict[str, FloatArray] = {}
    tuned: dict[str, list[dict[str, float | None]] | None] = {}
    seconds: dict[str, float] = {}
    notes: dict[str, list[str]] = {}
    no_caps = all(i.capability_source is None for i in kept)
    for name, model in zip(names, instances, strict=True):
        t0 = time.perf_counter()
        p = np.empty(len(kept))
        hw = np.empty((len(kept), 2))
        notes[name] = []
        if model.tunable:
            tuned_list: list[dict[str, float | None]] = []
            tuned[name] = tuned_list
            for k in range(folds):
                train = [iss for iss, f in zip(kept, fold_of, strict=True) if f != k]
                fitted = model.fit(train, fit_rngs[k])
                tuned_list.append({"fold": float(k), **fitted.parameters()})
                note = getattr(fitted, "note", None)
                if note and note not in notes[name]:
                    notes[name].append(note)
                train_abs = np.abs(
                    np.array([fitted.predict(i) for i in train]) - outcomes[fold_of != k]
                )
                test = np.flatnonzero(fold_of == k)
                for j in test:
                    p[j] = fitted.predict(kept[int(j)])
                hw[test] = [conformal_halfwidth(train_abs, q) for q in (0.5, 0.9)]
        else:
            tuned[name] = None
            for idx, iss in enumerate(kept):
                p[idx] = model.predict(iss)
            abs_err = np.abs(p - outcomes)
            for k in range(folds):
                train_abs = abs_err[fold_of != k]
                hw[fold_of == k] = [conformal_halfwidth(train_abs, q) for q in (0.5, 0.9)]
        if no_caps and trait(model, "needs_capabilities") and not notes[name]:
            notes[name].append("no capabilities given: every actor counts 1")
        preds[name] = p
        half[name] = hw
        seconds[name] = time.perf_counter() - t0
    boot_idx = np.random.default_rng(boot_seq).integers(0, len(kept), size=(bootstrap, len(kept)))
    base_abs = np.abs(preds[BASELINE] - outcomes)
    scores: dict[str, ModelScore] = {}
    residuals: list[Residual] = []
    for name, model in zip(names, instances, strict=True):
        err = preds[name] - outcomes
        m = metrics(err)
        diff = np.abs(err) - base_abs
        boot = diff[boot_idx].mean(axis=1)
        lo, hi = np.quantile(boot, [0.025, 0.975]) if bootstrap > 0 else (np.nan, np.nan)
        hw = half[name]
        scores[name] = ModelScore(
            model=name,
            tunable=model.tunable,
            n_issues=len(kept),
            mae=m["mae"],
            rmse=m["rmse"],
            median_ae=m["median_ae"],
            hit_5=m["hit_5"],
            hit_10=m["hit_10"],
            hit_20=m["hit_20"],
            mae_diff_vs_compromise={
                "estimate": float(diff.mean()),
                "low": float(lo),
                "high": float(hi),
            },
            tuned_parameters=tuned[name],
            seconds=seconds[name],
            coverage_50=_share_inside(err, hw[:, 0]),
            coverage_90=_share_inside(err, hw[:, 1]),
            width_50=_mean_width(hw[:, 0]),
            width_90=_mean_width(hw[:, 1]),
            notes=tuple(notes[name]),
        )
        for idx, iss in enumerate(kept):
            residuals.append(
                Residual(
                    iss.issue_id,
                    name,
                    int(fold_of[idx]),
                    float(preds[name][idx]),
                    float(outcomes[idx]),
                )
            )
    return BacktestResult(
        scores=scores,
        residuals=residuals,
        skipped=skipped,
        n_issues_read=len(issues),
        folds=folds,
        seed=seed,
        bootstrap=bootstrap,
        options={"models": names},
    )

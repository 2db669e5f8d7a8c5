"""The claim test: did material conflict change the way a party said it would?

For a claim or commitment with a measurable term ("cease fire in Donbas from 15 Feb 2015",
"decrease attacks in R by half from t"), compare the daily rate of material conflict in the
claimed region after ``t`` with a baseline window before ``t``.

Count model: quasi-Poisson (Wedderburn 1974; McCullagh & Nelder 1989, §4.5) with two rates. The
rate ratio is ``RR = ((Y1 + ½)/n1) / ((Y0 + ½)/n0)`` (½: Haldane's continuity correction, so
zero counts give a finite ratio), with ``Var(log RR) = φ (1/(Y1 + ½) + 1/(Y0 + ½))`` and the
dispersion ``φ = max(1, X²/(n0 + n1 − 2))`` from the Pearson statistic of the daily counts
around each window's mean, which absorbs the overdispersion of conflict counts (fatalities come
in bursts). The interval uses Student's t with ``n0 + n1 − 2`` degrees of freedom.

Decision against the target ratio ``r* = 1 − fall`` (``cease``: ``fall = cease_fall``;
``decrease``: the term's ``size``, else ``decrease_fall``):
``broken`` if the lower bound of the interval is above ``r*`` (the promised fall is
incompatible with the data); ``kept`` if the upper bound is below 1 and the point estimate is at
or below ``r*``; otherwise ``inconclusive``. ``maintain``: broken if the lower bound is above 1,
kept if the upper bound is below ``1 + maintain_tolerance``. ``increase``/``complete`` terms are
not conflict-reduction claims and come out ``inconclusive`` (not testable from event data).

The defaults of :class:`ClaimParams` were fixed, from the reasoning in their docstrings, before
any test episode was looked at.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from scipy import stats

from detente.core.limits import check_date
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.monitor.store import EventStore

__all__ = ["Claim", "ClaimParams", "ClaimResult", "RateComparison", "check_claim", "compare_rates"]

Outcome = Literal["kept", "broken", "inconclusive"]
TESTABLE = ("cease", "decrease", "maintain")


@dataclass(frozen=True)
class Claim:
    """A claim or commitment term that event data can test."""

    actor: str
    """Who claims (scenario actor id)."""
    start: _dt.date
    """From when the term applies."""
    direction: str = "cease"
    """``cease`` | ``decrease`` | ``maintain`` (``increase``/``complete``: not testable)."""
    region: str | None = None
    """Claimed region (``None``: everywhere)."""
    size: float | None = None
    """For ``decrease``: promised relative fall (0.5 = by half)."""
    deadline: _dt.date | None = None
    """Last day of the window the claim is judged on (``None``: ``post_days`` after start)."""
    counterpart: str | None = None
    """The other party; conflict events involving either are counted."""
    indicator: str = "fighting"
    """The term's indicator (counts rows with this indicator are used if stored)."""
    ref: str | None = None
    """Ledger entry id, if from a scenario."""
    overture: bool = True
    """Is it a peace/de-escalation overture (for the peace-offensive flag)?"""


@dataclass(frozen=True)
class ClaimParams:
    """Claim-test parameters (fixed before looking at any test episode)."""

    baseline_days: int = 90
    """Baseline window before the start: a quarter, long enough to hold dozens of events even
    at the few-a-week intensity of a frozen front, short enough to reflect current fighting."""
    post_days: int = 28
    """Judged window when the claim has no deadline: four weeks (whole weeks, so weekday
    reporting cycles cancel), long enough for a cease-fire to have to show."""
    confidence: float = 0.95
    """Two-sided confidence level of the rate-ratio interval."""
    cease_fall: float = 0.9
    """A cease-fire 'holds' if conflict falls by at least 90%: some incidents always remain."""
    decrease_fall: float = 0.5
    """Promised fall for a ``decrease`` term without a size: by half."""
    maintain_tolerance: float = 0.25
    """``maintain``: kept if the rate is shown to be below 1.25 × baseline."""
    measure: Literal["auto", "events", "fatalities"] = "auto"
    """``auto``: best fatalities when the events carry them (UCDP, ACLED), else event counts."""


@dataclass(frozen=True)
class RateComparison:
    """Quasi-Poisson comparison of two windows of daily counts."""

    baseline_total: float
    baseline_days: int
    post_total: float
    post_days: int
    rate_ratio: float
    ci_low: float
    ci_high: float
    dispersion: float

    @property
    def baseline_rate(self) -> float:
        """Per day."""
        return self.baseline_total / self.baseline_days if self.baseline_days else math.nan

    @property
    def post_rate(self) -> float:
        """Per day."""
        return self.post_total / self.post_days if self.post_days else math.nan


def compare_rates(
    baseline: Sequence[float], post: Sequence[float], confidence: float = 0.95
) -> RateComparison:
    """Rate ratio post/baseline of two daily series, with a quasi-Poisson interval."""
    n0, n1 = len(baseline), len(post)
    if n0 < 1 or n1 < 1:
        raise InputError("both windows need at least one day")
    y0, y1 = float(sum(baseline)), float(sum(post))
    m0, m1 = y0 / n0, y1 / n1
    x2 = sum((x - m0) ** 2 / m0 for x in baseline) if m0 > 0 else 0.0
    x2 += sum((x - m1) ** 2 / m1 for x in post) if m1 > 0 else 0.0
    df = max(1, n0 + n1 - 2)
    phi = max(1.0, x2 / df)
    rr = ((y1 + 0.5) / n1) / ((y0 + 0.5) / n0)
    se = math.sqrt(phi * (1.0 / (y1 + 0.5) + 1.0 / (y0 + 0.5)))
    q = float(stats.t.ppf(0.5 + confidence / 2.0, df))
    return RateComparison(y0, n0, y1, n1, rr, rr * math.exp(-q * se), rr * math.exp(q * se), phi)


@dataclass(frozen=True)
class ClaimResult:
    """Outcome of a claim test with its evidence."""

    claim: Claim
    outcome: Outcome
    measure: str
    baseline_window: tuple[_dt.date, _dt.date]
    post_window: tuple[_dt.date, _dt.date]
    comparison: RateComparison | None
    target_ratio: float | None
    reason: str
    params: ClaimParams = field(default_factory=ClaimParams)

    def evidence(self) -> dict[str, Any]:
        """The numbers behind the outcome (JSON-able)."""
        c = self.comparison
        ev: dict[str, Any] = {
            "measure": self.measure,
            "baseline_window": [d.isoformat() for d in self.baseline_window],
            "post_window": [d.isoformat() for d in self.post_window],
            "reason": self.reason,
            "target_ratio": None if self.target_ratio is None else round(self.target_ratio, 4),
        }
        if c is not None:
            ev |= {
                "baseline_total": round(c.baseline_total, 3),
                "baseline_rate_per_day": round(c.baseline_rate, 4),
                "post_total": round(c.post_total, 3),
                "post_rate_per_day": round(c.post_rate, 4),
                "rate_ratio": round(c.rate_ratio, 4),
                "ci_low": round(c.ci_low, 4),
                "ci_high": round(c.ci_high, 4),
                "confidence": self.params.confidence,
                "dispersion": round(c.dispersion, 3),
                "baseline_days_reported": c.baseline_days,
                "post_days_reported": c.post_days,
            }
        ev["params"] = asdict(self.params)
        return ev


def decide(direction: str, cmp: RateComparison, target: float, p: ClaimParams) -> Outcome:
    """kept / broken / inconclusive from a comparison (rules in the module docstring)."""
    if direction == "maintain":
        if cmp.ci_low > 1.0:
            return "broken"
        return "kept" if cmp.ci_high < 1.0 + p.maintain_tolerance else "inconclusive"
    if cmp.ci_low > target:
        return "broken"
    if cmp.ci_high < 1.0 and cmp.rate_ratio <= target:
        return "kept"
    return "inconclusive"


def target_ratio(claim: Claim, p: ClaimParams) -> float:
    """Promised post/baseline rate ratio for the claim's direction."""
    if claim.direction == "cease":
        return 1.0 - p.cease_fall
    if claim.direction == "decrease":
        size = p.decrease_fall if claim.size is None else claim.size
        return max(0.0, 1.0 - size)
    return 1.0


def windows(
    claim: Claim, p: ClaimParams
) -> tuple[tuple[_dt.date, _dt.date], tuple[_dt.date, _dt.date]]:
    """Baseline ``[t - baseline_days, t)`` and post ``[t, end)`` windows (end exclusive)."""
    t = check_date(claim.start, f"claim {claim.ref or ''} start".replace("  ", " "))
    if claim.deadline is not None:
        check_date(claim.deadline, f"claim {claim.ref or ''} deadline".replace("  ", " "))
    end = (
        (claim.deadline + _dt.timedelta(days=1))
        if claim.deadline
        else (t + _dt.timedelta(days=p.post_days))
    )
    if end <= t:
        raise InputError(f"claim {claim.ref or ''}: deadline {claim.deadline} before start {t}")
    return (t - _dt.timedelta(days=p.baseline_days), t), (t, end)


def choose_measure(store: EventStore, p: ClaimParams) -> str:
    """The measure the test uses under ``p.measure``."""
    if p.measure != "auto":
        return p.measure
    return "fatalities" if store.has_fatalities() else "events"


def check_claim(store: EventStore, claim: Claim, params: ClaimParams | None = None) -> ClaimResult:
    """Test one claim against the stored events."""
    p = params or ClaimParams()
    base_w, post_w = windows(claim, p)
    measure = choose_measure(store, p)
    if claim.direction not in TESTABLE:
        return ClaimResult(
            claim,
            "inconclusive",
            measure,
            base_w,
            post_w,
            None,
            None,
            f"direction '{claim.direction}' is not testable from conflict events",
            p,
        )
    actors = [a for a in (claim.actor, claim.counterpart) if a]
    kw: dict[str, Any] = {"region": claim.region, "actors": actors, "measure": measure}
    missing = no_data(store, claim.actor, claim.region, base_w, post_w)
    if isinstance(missing, str):
        return ClaimResult(
            claim, "inconclusive", measure, base_w, post_w, None, None, f"no data: {missing}", p
        )
    rep0, rep1 = missing
    base = reported_only(store.daily(start=base_w[0], end=base_w[1], **kw), rep0)
    post = reported_only(store.daily(start=post_w[0], end=post_w[1], **kw), rep1)
    cmp = compare_rates(base, post, p.confidence)
    target = target_ratio(claim, p)
    outcome = decide(claim.direction, cmp, target, p)
    reason = {
        "broken": f"lower bound of the rate ratio {cmp.ci_low:.3g} is above the promised "
        f"{target:.3g}",
        "kept": f"rate ratio {cmp.rate_ratio:.3g} at or below the promised {target:.3g} and "
        f"interval below 1 (upper {cmp.ci_high:.3g})",
        "inconclusive": f"interval [{cmp.ci_low:.3g}, {cmp.ci_high:.3g}] does not settle it "
        f"against the promised {target:.3g}",
    }[outcome]
    return ClaimResult(claim, outcome, measure, base_w, post_w, cmp, target, reason, p)


def reported_only(values: Sequence[float], reported: Sequence[bool]) -> list[float]:
    """The values of the days with a report (see :meth:`EventStore.reported`)."""
    return [v for v, r in zip(values, reported, strict=True) if r]


def no_data(
    store: EventStore,
    actor: str | None,
    region: str | None,
    baseline: tuple[_dt.date, _dt.date],
    post: tuple[_dt.date, _dt.date],
) -> str | tuple[list[bool], list[bool]]:
    """Why the store cannot judge these windows (a reason), else the two report masks.

    No data is not zero events: an actor or region absent from the store, or a window with no
    reported day, gives no verdict at all.
    """
    why = store.absent(actors=[actor] if actor else [], region=region)
    if why:
        return why
    rep0 = store.reported(start=baseline[0], end=baseline[1], region=region)
    rep1 = store.reported(start=post[0], end=post[1], region=region)
    day = _dt.timedelta(days=1)
    for name, (a, b), rep in (("baseline", baseline, rep0), ("judged", post, rep1)):
        if not any(rep):
            return f"no reported day in the {name} window {a.isoformat()}..{(b - day).isoformat()}"
    return rep0, rep1

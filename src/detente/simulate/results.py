"""Aggregates of simulated runs that merge exactly across blocks, and the result object.

Everything kept per block is a count (histograms of first-agreement periods, of terms, of
every trajectory variable per period; Kaplan–Meier event and censoring counts) or a float sum
merged in block order, so memory does not grow with the number of runs and results do not
depend on how blocks were grouped into chunks or workers. Quantiles are read off the
histograms by linear interpolation within a bin (resolution: 1/``BINS`` of the range).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.ratification import move_ratification, ratifications
from detente.simulate.engine import BlockOutput
from detente.simulate.in_force import start_outcomes, start_record
from detente.simulate.model import SimModel
from detente.simulate.reasons import REASONS
from detente.simulate.steps.breakdown import signature_trust_sums
from detente.simulate.steps.positions import moving_gate
from detente.simulate.terms import (
    bundle_term_record,
    competing_incidence,
    start_lapses,
    start_term_record,
)

__all__ = [
    "BINS",
    "NOT_SIMULATED",
    "QUANTILES",
    "TERM_BINS",
    "BlockStats",
    "SimulationResult",
    "block_stats",
    "hist_quantiles",
    "wilson",
]

BINS = 200
TERM_BINS = 1000
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
IntArray = NDArray[np.int64]


def wilson(k: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion ``k / n`` (95 % by default)."""
    if n <= 0:
        return (float("nan"), float("nan"))
    p = k / n
    den = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    lo = 0.0 if k <= 0 else max(0.0, centre - half)
    hi = 1.0 if k >= n else min(1.0, centre + half)
    return (lo, hi)


def hist_quantiles(
    counts: NDArray[np.int64], lo: float, hi: float, qs: tuple[float, ...] = QUANTILES
) -> list[float]:
    """Quantiles of values binned uniformly on [lo, hi] (counts along the last axis)."""
    total = counts.sum()
    if total == 0:
        return [float("nan")] * len(qs)
    cum = np.cumsum(counts)
    width = (hi - lo) / counts.size
    out = []
    for q in qs:
        target = q * total
        i = int(np.searchsorted(cum, target, side="left"))
        i = min(i, counts.size - 1)
        before = cum[i - 1] if i > 0 else 0
        inside = counts[i]
        frac = (target - before) / inside if inside > 0 else 0.5
        out.append(float(lo + (i + min(max(frac, 0.0), 1.0)) * width))
    return out


def _bin(values: NDArray[Any], lo: float, hi: float, bins: int) -> NDArray[np.int64]:
    idx = np.floor((values - lo) / (hi - lo) * bins).astype(np.int64)
    return np.clip(idx, 0, bins - 1)


def path_ranges(m: SimModel, periods: int) -> dict[str, tuple[float, float]]:
    """The histogram range of every trajectory variable."""
    out: dict[str, tuple[float, float]] = {}
    for ii in np.flatnonzero(m.front_moves):
        out[f"line.{m.issue_ids[ii]}"] = (0.0, 100.0)
    for side, aid in enumerate(m.actor_ids[:2]):
        out[f"belief.{aid}"] = (0.0, 1.0)
        out[f"trust.{aid}"] = (0.0, 1.0)
        out[f"cost.{aid}"] = (0.0, max(float(m.cost[side]) * periods, 1e-9))
    for sid in m.support_ids:
        out[f"support.{sid}"] = (0.0, 1.0)
    for v, _, _, _ in m.red_line_paths:
        out[v] = (0.0, 100.0)
    return out


_OPTIONAL_COUNTS = (
    "bundle_terms_hist",
    "reason_counts",
    "blocking_issue_counts",
    "blocking_actor_counts",
    "moved_counts",
    "bundle_track",
    "start_counts",
    "bundle_km_lapse",
    "start_lapse_counts",
)


@dataclass
class BlockStats:
    """Mergeable aggregates of one or more blocks of runs."""

    n: int
    first_hist: IntArray  # (P,) first agreements by period
    terms_hist: IntArray  # (I, TERM_BINS)
    km_event: IntArray  # (P + 1,) first agreements ending after d periods
    km_censor: IntArray  # (P + 1,) first agreements still in force after d periods
    in_force: IntArray  # (P,) runs with an agreement in force at the end of each period
    path_hist: dict[str, IntArray]  # variable → (P, BINS)
    cost_sum: NDArray[np.float64]  # (2,)
    agreements: int
    bundle_first: IntArray  # (B, P) first agreements on each bundle by period
    bundle_km_event: IntArray  # (B, P + 1)
    bundle_km_censor: IntArray  # (B, P + 1)
    bundle_terms_hist: IntArray | None = None  # (B, I, TERM_BINS)
    reason_counts: IntArray | None = None  # (len(REASONS),)
    blocking_issue_counts: IntArray | None = None  # (I,)
    blocking_actor_counts: IntArray | None = None  # (A,)
    moved_counts: IntArray | None = None  # (J,) runs that crossed each red-line move set
    sig_trust_sum: NDArray[np.float64] | None = None
    """(B,) sum over first agreements of trust at signature (the durability explanation)."""
    bundle_track: IntArray | None = None  # (B, K) first agreements on each bundle by track
    until: str = "horizon"
    """How long the runs were simulated (:data:`detente.simulate.engine.UNTIL`): with
    ``"settlement"`` only the counts of :data:`NOT_SIMULATED`'s complement are kept (the
    breakdown curves, paths, costs and agreements counts are zeros, never read)."""

    start_counts: IntArray | None = None  # (J, 2) agreements in force at the start (in_force)
    # fixed terms (simulate.terms; None: no term stated): (B, P + 1) first agreements that
    # lapsed at a term's end after d periods (counted in ``bundle_km_censor`` too); (J,) the
    # agreements in force at the start that ended by a lapse within a year
    bundle_km_lapse: IntArray | None = None
    start_lapse_counts: IntArray | None = None

    def merge(self, other: BlockStats) -> None:
        """Add ``other`` into this (call in block order: the float sums are order-sensitive)."""
        if other.until != self.until:
            raise ValueError(
                f"cannot merge runs until {other.until!r} into runs until {self.until!r}"
            )
        self.n += other.n
        self.first_hist += other.first_hist
        self.terms_hist += other.terms_hist
        self.km_event += other.km_event
        self.km_censor += other.km_censor
        self.in_force += other.in_force
        for k, v in other.path_hist.items():
            self.path_hist[k] += v
        self.cost_sum += other.cost_sum
        self.agreements += other.agreements
        self.bundle_first += other.bundle_first
        self.bundle_km_event += other.bundle_km_event
        self.bundle_km_censor += other.bundle_km_censor
        for name in _OPTIONAL_COUNTS:
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine is not None and theirs is not None:
                mine += theirs
        if self.sig_trust_sum is not None and other.sig_trust_sum is not None:
            self.sig_trust_sum = self.sig_trust_sum + other.sig_trust_sum


def block_stats(m: SimModel, out: BlockOutput, periods: int) -> BlockStats:
    """Reduce one block's per-run output to mergeable aggregates."""
    n = out.first_agreement.size
    agreed = out.first_agreement >= 0
    first_hist = np.bincount(out.first_agreement[agreed], minlength=periods).astype(np.int64)
    n_i = out.terms.shape[1]
    terms_hist = np.zeros((n_i, TERM_BINS), np.int64)
    for i in range(n_i):
        terms_hist[i] = np.bincount(
            _bin(out.terms[agreed, i], 0.0, 100.0, TERM_BINS), minlength=TERM_BINS
        )
    settled = out.stopped_at is not None  # until="settlement": nothing after a run's stop
    d = out.duration[agreed]
    b = out.broke[agreed]
    if settled:
        d, b = d[:0], b[:0]  # durations not simulated (-1): no Kaplan–Meier counts
    km_event = np.bincount(d[b], minlength=periods + 1).astype(np.int64)
    km_censor = np.bincount(d[~b], minlength=periods + 1).astype(np.int64)
    path_hist: dict[str, IntArray] = {}
    for var, (lo, hi) in path_ranges(m, periods).items():
        if settled:  # paths NaN after each run's stop: no fan
            break
        idx = _bin(out.paths[var], lo, hi, BINS)  # (P, N)
        flat = (idx + BINS * np.arange(periods)[:, None]).ravel()
        path_hist[var] = np.bincount(flat, minlength=periods * BINS).reshape(periods, BINS)
    in_force = (out.paths["phase"] > 0).sum(axis=1).astype(np.int64)
    if settled:
        in_force[:] = 0
    b_first = out.bundle_first if out.bundle_first is not None else out.first_agreement[:, None]
    b_dur = out.bundle_duration if out.bundle_duration is not None else out.duration[:, None]
    b_broke = out.bundle_broke if out.bundle_broke is not None else out.broke[:, None]
    n_b = b_first.shape[1]
    bundle_first = np.zeros((n_b, periods), np.int64)
    bundle_km_event = np.zeros((n_b, periods + 1), np.int64)
    bundle_km_censor = np.zeros((n_b, periods + 1), np.int64)
    for j in range(n_b):
        ok = b_first[:, j] >= 0
        bundle_first[j] = np.bincount(b_first[ok, j], minlength=periods)
        dj, bj = b_dur[ok, j], b_broke[ok, j]
        if settled:
            dj, bj = dj[:0], bj[:0]
        bundle_km_event[j] = np.bincount(dj[bj], minlength=periods + 1)
        bundle_km_censor[j] = np.bincount(dj[~bj], minlength=periods + 1)
    bt_hist = None
    if out.bundle_terms is not None:
        bt = out.bundle_terms
        bt_hist = np.zeros((n_b, n_i, TERM_BINS), np.int64)
        for j in range(n_b):
            for i in range(n_i):
                v = bt[:, j, i]
                v = v[~np.isnan(v)]
                if v.size:
                    bt_hist[j, i] = np.bincount(_bin(v, 0.0, 100.0, TERM_BINS), minlength=TERM_BINS)
    reasons = issues = actors = moved = None
    if out.reason is not None:
        reasons = np.bincount(out.reason.astype(np.int64), minlength=len(REASONS)).astype(np.int64)
    if out.blocking_issue is not None:
        issues = out.blocking_issue.sum(axis=0).astype(np.int64)
    if out.blocking_actor is not None:
        actors = out.blocking_actor.sum(axis=0).astype(np.int64)
    if out.moved_at is not None:
        moved = (out.moved_at >= 0).sum(axis=0).astype(np.int64)
    bundle_track = None
    if m.tracks is not None and out.bundle_track is not None:
        k = len(m.tracks.ids)
        bundle_track = np.zeros((n_b, k), np.int64)
        for j in range(n_b):
            ok = (b_first[:, j] >= 0) & (out.bundle_track[:, j] >= 0)
            bundle_track[j] = np.bincount(out.bundle_track[ok, j], minlength=k)
    start = start_lapse = km_lapse = None
    year = round(1.0 / m.period_years)
    if m.in_force is not None and out.start_end is not None:
        start = start_outcomes(m.in_force, out.start_end, year)
        if out.start_lapsed is not None:
            start_lapse = start_lapses(out.start_lapsed, out.start_end, year)
    if out.bundle_lapsed is not None and not settled:
        km_lapse = np.zeros((n_b, periods + 1), np.int64)
        for j in range(n_b):
            ok = (b_first[:, j] >= 0) & out.bundle_lapsed[:, j]
            km_lapse[j] = np.bincount(b_dur[ok, j], minlength=periods + 1)
    return BlockStats(
        start_counts=start,
        sig_trust_sum=signature_trust_sums(m, out.paths, b_first),
        n=n,
        first_hist=first_hist,
        terms_hist=terms_hist,
        km_event=km_event,
        km_censor=km_censor,
        in_force=in_force,
        path_hist=path_hist,
        cost_sum=np.zeros(2) if settled else out.cum_cost.sum(axis=0),
        agreements=0 if settled else int(out.agreements.sum()),
        bundle_first=bundle_first,
        bundle_km_event=bundle_km_event,
        bundle_km_censor=bundle_km_censor,
        bundle_terms_hist=bt_hist,
        reason_counts=reasons,
        blocking_issue_counts=issues,
        blocking_actor_counts=actors,
        moved_counts=moved,
        bundle_track=bundle_track,
        until="settlement" if settled else "horizon",
        bundle_km_lapse=km_lapse,
        start_lapse_counts=start_lapse,
    )


_STOP = "not simulated (until='settlement': each run stops when it signs the settlement)"
NOT_SIMULATED: dict[str, str] = {
    "p_breakdown_1y": f"{_STOP}: no agreement is followed after its signature",
    "p_breakdown_2y": f"{_STOP}: no agreement is followed after its signature",
    "p_breakdown_5y": f"{_STOP}: no agreement is followed after its signature",
    "mean_agreements_per_run": (
        f"{_STOP}; agreements signed after it (partial bundles, a settlement signed again "
        "after a breakdown) are not counted"
    ),
    "mean_cost": f"{_STOP}; the costs of fighting after it (a breakdown's war) are not counted",
    "settlement_reasons.red_lines_moved.share": (
        f"{_STOP}; red lines moved after it (talks resumed after a breakdown) are not seen"
    ),
    "agreements.p_breakdown_1y": f"{_STOP}: no agreement is followed after its signature",
    "agreements.<partial bundle>": (
        f"{_STOP}; a partial bundle first signed after the settlement is not seen, so its "
        "probability, timing, terms, tracks and durability are not given"
    ),
    "survival": f"{_STOP}: no agreement is followed after its signature",
    "fan": f"{_STOP}; the trajectories after each run's stop are not simulated",
}
"""What a simulation ``until="settlement"`` leaves out (null in its summary, refused as a
table), with the reason; P(agreement), its interval, the time to agreement, the settlement's
terms, tracks and durability explanation and the reasons' shares equal the default mode's."""


@dataclass
class SimulationResult:
    """The aggregated result of a simulation; ``complete`` is False after an interruption."""

    model: SimModel
    stats: BlockStats
    seed: int
    periods: int
    runs_requested: int
    complete: bool
    manifest: dict[str, Any] = field(default_factory=dict)
    out_dir: str | None = None

    @property
    def runs(self) -> int:
        """Runs finished."""
        return self.stats.n

    @property
    def until(self) -> str:
        """How long the runs were simulated: ``"horizon"`` or ``"settlement"``."""
        return self.stats.until

    def _require_whole(self, what: str) -> None:
        """Refuse ``what`` (a key of :data:`NOT_SIMULATED`) for runs stopped at settlement."""
        if self.until == "settlement":
            from detente.errors import InputError

            raise InputError(f"{what}: {NOT_SIMULATED[what]}; simulate until='horizon' for it")

    def agreement_by_period(self) -> list[dict[str, Any]]:
        """P(first agreement by the end of period t) with 95 % Wilson intervals."""
        cum = np.cumsum(self.stats.first_hist)
        rows = []
        for t, k in enumerate(cum):
            lo, hi = wilson(float(k), self.runs)
            rows.append(
                {"period": t, "p_agreement": float(k) / max(self.runs, 1), "low": lo, "high": hi}
            )
        return rows

    def time_to_agreement(self) -> list[dict[str, Any]]:
        """Distribution of the period of first agreement (share of all runs)."""
        return [
            {"period": t, "share": float(c) / max(self.runs, 1)}
            for t, c in enumerate(self.stats.first_hist)
        ]

    def survival(self, bundle: str = "settlement") -> list[dict[str, Any]]:
        """Kaplan–Meier survival of first agreements (on ``bundle``) by periods since
        signature."""
        self._require_whole("survival")
        j = self.model.bundle_ids.index(bundle)
        event, censor = self.stats.bundle_km_event[j], self.stats.bundle_km_censor[j]
        at_risk = int(event.sum() + censor.sum())
        # agreements that ended at duration 0 (a partial agreement superseded by a settlement
        # before its first period in force) leave the risk set at age 0, before the first
        # event time: kept in it, they would stay "at risk" for ever with no event. Every row's
        # ``at_risk`` is the number at risk after its age's removals (what the report's
        # Greenwood band reads as the risk set of the next age).
        s = 1.0 - int(event[0]) / at_risk if at_risk > 0 else 1.0
        at_risk -= int(event[0]) + int(censor[0])
        rows = [{"age": 0, "survival": s, "at_risk": at_risk}]
        for d in range(1, self.periods + 1):
            e = int(event[d])
            if at_risk > 0:
                s *= 1.0 - e / at_risk
            at_risk -= e + int(censor[d])
            rows.append(
                {"age": d, "survival": s if at_risk >= 0 else float("nan"), "at_risk": at_risk}
            )
            if at_risk <= 0:
                break
        return rows

    def p_breakdown(self, years: float, bundle: str = "settlement") -> float | None:
        """KM probability that an agreement breaks down within ``years`` (None if unobserved,
        or not simulated: ``until="settlement"``)."""
        if self.until == "settlement":
            return None
        age = round(years / self.model.period_years)
        surv = self.survival(bundle)
        if age >= len(surv) or (surv[age]["at_risk"] <= 0 and age > 0):
            return None
        return 1.0 - float(surv[age]["survival"])

    def agreements(self) -> list[dict[str, Any]]:
        """One record per bundle the talks can settle: P(agreement within the horizon) with
        its 95 % Wilson interval, median periods to agreement (None if under half agree), the
        probability of breakdown within a year (Kaplan–Meier; for a bundle with a fixed term
        the cumulative incidence with a lapse competing, :meth:`_term`) and ``by_track``
        (through which track the agreements came)."""
        n = self.runs
        out = []
        for j, bid in enumerate(self.model.bundle_ids):
            hist = self.stats.bundle_first[j]
            k = int(hist.sum())
            spec = self.model.agenda.bundles[j]
            rec: dict[str, Any] = {
                "bundle": bid,
                "issues": [self.model.issue_ids[i] for i in np.flatnonzero(spec.settled)],
                "ceasefire": spec.ceasefire,
                "on_agenda": spec.on_agenda,
            }
            if j and self.until == "settlement":  # a partial bundle signed later is not seen
                rec |= dict.fromkeys(_PARTIAL_FIELDS)
                rec["not_simulated"] = NOT_SIMULATED["agreements.<partial bundle>"]
                self._term(j, rec)
                out.append(rec)
                continue
            rec |= {
                "p_agreement": k / n if n else None,
                "p_agreement_ci": list(wilson(k, n)),
                "median_periods_to_agreement": _median(hist, n),
                "p_breakdown_1y": self.p_breakdown(1.0, bid),
                "terms": self._bundle_terms(j),
                "durability": self.durability(bid),
                "by_track": self._by_track(j),
            }
            if j == 0:
                rec["reasons"] = self.settlement_reasons()
                if self.until == "settlement":  # its null p_breakdown_1y, with the reason
                    rec["not_simulated"] = NOT_SIMULATED["agreements.p_breakdown_1y"]
            self._in_force_at_start(j, rec)
            self._term(j, rec)
            out.append(rec)
        return out

    def _in_force_at_start(self, j: int, rec: dict[str, Any]) -> None:
        """Add ``in_force_at_start`` to bundle ``j``'s record when an agreement on it was in
        force at ``as_of`` (:mod:`detente.simulate.in_force`; its ``p_agreement`` is then
        P(signed anew within the horizon))."""
        deals, counts = self.model.in_force, self.stats.start_counts
        k = -1 if deals is None else deals.of(j)
        if deals is None or counts is None or k < 0:
            return
        spec = self.model.agenda.bundles[j]
        t = int(deals.terms[k])
        terms = {
            self.model.issue_ids[i]: float(spec.candidates[t, i])
            for i in np.flatnonzero(spec.settled)
        }
        rec["in_force_at_start"] = start_record(deals, k, counts, self.runs, terms)
        lapses = self.stats.start_lapse_counts
        if self.model.terms is not None and self.model.terms.start_spec[k] is not None:
            rec["in_force_at_start"] |= start_term_record(
                self.model.terms,
                k,
                None if lapses is None else int(lapses[k]),
                self.runs,
                self.model.actor_ids[:2],
            )
        year = round(1.0 / self.model.period_years)
        start = rec["in_force_at_start"]
        if self.periods < year:
            start["p_ended_1y"] = None
            if "p_lapsed_1y" in start:
                start["p_lapsed_1y"] = None
                why = f"the horizon ({self.periods} periods) is shorter than a year ({year})"
                start["why_null"] = {"p_ended_1y": why, "p_lapsed_1y": why}

    def _term(self, j: int, rec: dict[str, Any]) -> None:
        """Add ``term`` to bundle ``j``'s record when agreements on it have a fixed term
        (:mod:`detente.simulate.terms`): the term, and ``p_lapsed_1y``, the cumulative
        incidence of a lapse at a term's end within a year of signature (first agreements).
        For such a bundle ``p_breakdown_1y`` is the breakdown's cumulative incidence with a
        lapse competing, computed the same way (Kalbfleisch & Prentice 1980), so the two sum
        to at most 1 (a bundle without a term keeps the Kaplan–Meier value, where nothing
        competes). A null of either has its reason in ``term.why_null``."""
        terms = self.model.terms
        if terms is None or terms.spec[j] is None:
            return
        km = self.stats.bundle_km_lapse
        year = round(1.0 / self.model.period_years)
        why = None
        figures: tuple[float, float] | str
        if self.until == "settlement":
            figures = rec.get("not_simulated") or NOT_SIMULATED["agreements.p_breakdown_1y"]
        elif km is None:  # pragma: no cover - a term always keeps the lapse record
            figures = "the runs kept no record of lapses"
        elif self.periods < year:
            figures = f"the horizon ({self.periods} periods) is shorter than a year ({year})"
        else:
            figures = competing_incidence(
                self.stats.bundle_km_event[j], self.stats.bundle_km_censor[j], km[j], year
            )
        if isinstance(figures, str):
            why = {"p_lapsed_1y": figures}
            if "p_breakdown_1y" in rec:
                rec["p_breakdown_1y"] = None
                why["p_breakdown_1y"] = figures
            lapsed = None
        else:
            rec["p_breakdown_1y"], lapsed = figures
        rec["term"] = bundle_term_record(terms, j) | {"p_lapsed_1y": lapsed}
        if why is not None:
            rec["term"]["why_null"] = why

    def _by_track(self, j: int) -> dict[str, float]:
        """Track id → share of runs whose first agreement on bundle ``j`` came through it
        (the shares sum to the bundle's ``p_agreement``; docs/explanation/tracks.md)."""
        tracks, counts = self.model.tracks, self.stats.bundle_track
        if tracks is None or counts is None or not self.runs:
            return {}
        return {tid: int(c) / self.runs for tid, c in zip(tracks.ids, counts[j], strict=True)}

    def _bundle_terms(self, j: int) -> dict[str, dict[str, float | None]]:
        """Issue → quantiles of the first agreement's terms on bundle ``j``'s issues."""
        hist = self.stats.bundle_terms_hist
        spec = self.model.agenda.bundles[j]
        out = {}
        for i, iid in enumerate(self.model.issue_ids):
            if not spec.settled[i]:
                continue
            counts = hist[j, i] if hist is not None else self.stats.terms_hist[i]
            out[iid] = _quantile_record(counts)
        return out

    def settlement_reasons(self) -> dict[str, Any]:
        """Why the settlement was or was not reached (:mod:`detente.simulate.reasons`): the
        share of runs per reason at the horizon, the share of runs in which each issue's red
        lines conflicted and each actor blocked, and the share of runs in which each red-line
        move set of the agenda was crossed. A move set's ``ratified`` is False when it takes a
        line past a public commitment naming a ratification whose ratifiers' latest share
        (dated by ``as_of``) does not clear the majority (``MoveSet.ratified``): the runs cross
        it only where their costs lift the share past the majority, when ``share_moves`` is
        True (:func:`~detente.simulate.steps.positions.moving_gate`), never when it is False;
        each line's ``ratification`` says what it needs
        (:func:`detente.bargaining.ratification.move_ratification`; None where nothing)."""
        n = max(self.runs, 1)
        st, m = self.stats, self.model
        rc = st.reason_counts if st.reason_counts is not None else np.zeros(len(REASONS))
        issues = st.blocking_issue_counts
        actors = st.blocking_actor_counts
        moved = st.moved_counts
        rat = ratifications(m.trust_start.scenario) if m.agenda.move_sets else {}
        return {
            "shares": {r: float(rc[i]) / n for i, r in enumerate(REASONS)},
            "blocking_issues": {
                iid: float(issues[i]) / n
                for i, iid in enumerate(m.issue_ids)
                if issues is not None and issues[i] > 0
            },
            "blocking_actors": {
                aid: float(actors[i]) / n
                for i, aid in enumerate(m.actor_ids)
                if actors is not None and actors[i] > 0
            },
            "red_lines_moved": [
                {
                    "actor": m.actor_ids[ms.actor],
                    "bundle": m.bundle_ids[ms.bundle],
                    "lines": [
                        {
                            "issue": m.issue_ids[int(k)],
                            "bound": "min" if is_min else "max",
                            "stated": float(a),
                            "to": float(b),
                            "ratification": move_ratification(
                                rat,
                                m.actor_ids[ms.actor],
                                m.issue_ids[int(k)],
                                "min" if is_min else "max",
                                float(b),
                            ),
                        }
                        for k, a, b, is_min in zip(
                            ms.issues, ms.stated, ms.to, ms.is_min, strict=True
                        )
                    ],
                    "ratified": bool(ms.ratified),
                    "share_moves": moving_gate(m, j),
                    "share": float(moved[j]) / n
                    if moved is not None and self.until != "settlement"
                    else None,
                }
                for j, ms in enumerate(m.agenda.move_sets)
            ],
        }

    def durability(self, bundle: str = "settlement") -> dict[str, Any]:
        """Why agreements on ``bundle`` last as long as they do: the deal's covariates with
        their hazard-ratio factors (largest first), at the mean trust at signature of the
        first agreements (or the starting trust when none was reached), the total hazard
        ratio and the model's one-year breakdown (:mod:`detente.simulate.durability`)."""
        j = self.model.bundle_ids.index(bundle)
        if j:
            self._require_whole("agreements.<partial bundle>")
        k = int(self.stats.bundle_first[j].sum())
        sums = self.stats.sig_trust_sum
        trust = float(sums[j]) / k if k and sums is not None else None
        return self.model.durability[j].explain(trust)

    def trust_start(self) -> list[dict[str, Any]]:
        """The replayed trust every run starts from (:func:`detente.trust.state.trust_state`
        at ``meta.as_of``): one record per (truster, trustee, dimension) with ``truster,
        trustee, dimension, r, s, base_rate, belief, disbelief, uncertainty, expected,
        reading, prior_only, ledger_only`` (``expected`` equals ``detente trust
        --snapshot``): the known pairs only (a prior, or moved by a ledger entry), as
        ``detente trust`` lists them; the runs start from every pair's state."""
        from detente.trust.replay import known_pairs

        ts = self.model.trust_start
        known = known_pairs(ts.scenario, ts.as_of)
        return [r for r in ts.records() if (r["truster"], r["trustee"]) in known]

    def terms(self) -> dict[str, dict[str, float | None]]:
        """Issue → quantiles (q05..q95) of the first agreement's terms."""
        out = {}
        for i, iid in enumerate(self.model.issue_ids):
            out[iid] = _quantile_record(self.stats.terms_hist[i])
        return out

    def fan(self) -> list[dict[str, Any]]:
        """Tidy quantile bands of every trajectory variable by period (5/25/50/75/95 %)."""
        self._require_whole("fan")
        rows = []
        ranges = path_ranges(self.model, self.periods)
        for var, hist in self.stats.path_hist.items():
            lo, hi = ranges[var]
            for t in range(self.periods):
                qs = hist_quantiles(hist[t], lo, hi)
                rows.append(
                    {"variable": var, "period": t}
                    | {f"q{round(q * 100):02d}": v for q, v in zip(QUANTILES, qs, strict=True)}
                )
        return rows

    def summary(self) -> dict[str, Any]:
        """The JSON summary of ``detente simulate``."""
        n = self.runs
        k = int(self.stats.first_hist.sum())
        median = _median(self.stats.first_hist, n)
        settled = self.until == "settlement"
        doc = {
            "runs": n,
            "runs_requested": self.runs_requested,
            "complete": self.complete,
            "seed": self.seed,
            "periods": self.periods,
            "strategies": dict(zip(self.model.actor_ids[:2], self.model.strategies, strict=True)),
            "protocol": self.model.settings.protocol,
            "p_agreement": k / n if n else None,
            "p_agreement_ci": list(wilson(k, n)),
            "median_periods_to_agreement": median,
            "p_breakdown_1y": self.p_breakdown(1.0),
            "p_breakdown_2y": self.p_breakdown(2.0),
            "p_breakdown_5y": self.p_breakdown(5.0),
            "mean_agreements_per_run": self.stats.agreements / n if n and not settled else None,
            "mean_cost": {
                aid: float(self.stats.cost_sum[s]) / n if n and not settled else None
                for s, aid in enumerate(self.model.actor_ids[:2])
            },
            "terms": self.terms(),
            "settlement_reasons": self.settlement_reasons(),
            "agreements": self.agreements(),
            "trust_start": self.trust_start(),
        }
        if settled:  # said only in this mode: the default summary is unchanged
            doc["until"] = "settlement"
            doc["not_simulated"] = dict(NOT_SIMULATED)
        return doc


_PARTIAL_FIELDS = (
    "p_agreement",
    "p_agreement_ci",
    "median_periods_to_agreement",
    "p_breakdown_1y",
    "terms",
    "durability",
    "by_track",
)
"""A partial bundle's fields left null with ``until="settlement"``."""


def _quantile_record(counts: NDArray[np.int64]) -> dict[str, float | None]:
    """q05..q95 of binned terms on the 0-100 scale; None (JSON null) when no run agreed."""
    if int(counts.sum()) == 0:
        return {f"q{round(q * 100):02d}": None for q in QUANTILES}
    qs = hist_quantiles(counts, 0.0, 100.0)
    return {f"q{round(q * 100):02d}": v for q, v in zip(QUANTILES, qs, strict=True)}


def _median(hist: NDArray[np.int64], n: int) -> int | None:
    """Median period of first agreement over all runs (None when under half agree)."""
    cum = np.cumsum(hist)
    if n and cum.size and cum[-1] >= n / 2:
        return int(np.searchsorted(cum, n / 2, side="left"))
    return None

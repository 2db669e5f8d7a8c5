"""Replaying a scenario's ledger: trust trajectories, snapshots and explanations.

The engine keeps every (trustee, dimension, truster) cell of a rule's state in two NumPy
arrays and applies the compiled impulses (:mod:`detente.trust.events`) date by date:

1. forgetting since the previous date (good evidence half-life ``half_life_good`` days, bad
   ``half_life_bad`` days, bad memories last longer);
2. every impulse of the date, with weights computed from the state at the *start* of the
   date (self-report discounts, contact), so the order of entries on one date does not
   matter;
3. source-accuracy updates from the date's resolutions (they affect later dates only).

Output streams in chunks of column arrays (memory does not grow with the ledger).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import betainc

from detente.errors import InputError
from detente.trust.events import Compiled, compile_scenario
from detente.trust.opinion import Opinion, reading
from detente.trust.resolution import Resolution
from detente.trust.rules import DIMENSIONS, UpdateRule, get_rule

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["RECORD_COLUMNS", "ReplaySettings", "TrustHistory", "replay"]

FloatArray = NDArray[np.float64]
Chunk = dict[str, NDArray[Any]]

RECORD_COLUMNS = (
    "date",
    "truster",
    "trustee",
    "dimension",
    "belief",
    "disbelief",
    "uncertainty",
    "expected",
    "reading",
    "cause",
)
"""Columns of a trajectory record; ``cause`` is a ledger entry id or ``prior``."""

PRIOR_CAUSE = "prior"
FORGETTING = "(forgetting)"


@dataclass(frozen=True)
class ReplaySettings:
    """Replay parameters (defaults: see docs/explanation/trust-model.md)."""

    half_life_good: float = 365.0
    """Days for positive evidence to halve."""
    half_life_bad: float = 3 * 365.0
    """Days for negative evidence to halve (longer: bad memories last)."""
    chunk_rows: int = 4096
    """Impulses buffered per output chunk."""


def _accuracy(alpha: float, beta: float) -> float:
    """TRAVOS-style accuracy: Beta(alpha, beta) mass above 1/2 (Teacy et al. 2006)."""
    return float(1.0 - betainc(alpha, beta, 0.5))


class _Engine:
    """One pass over the compiled impulses (internal)."""

    def __init__(
        self,
        c: Compiled,
        rule: UpdateRule,
        settings: ReplaySettings,
        trusters: NDArray[np.bool_],
        trustees: NDArray[np.bool_],
    ) -> None:
        self.c, self.rule, self.settings = c, rule, settings
        self.trusters, self.trustees = trusters, trustees
        n = len(c.actors)
        self.n = n
        self.X, self.Y = rule.from_evidence(c.prior_r, c.prior_s, c.prior_a, c.W)
        self.A = c.prior_a
        self.alpha = np.array([p[0] for p in c.source_prior] + [1.0])
        self.beta = np.array([p[1] for p in c.source_prior] + [1.0])
        self.acc = np.array([_accuracy(a, b) for a, b in zip(self.alpha, self.beta, strict=True)])
        self.acc[-1] = 1.0  # index -1: no source (already weighed by credibility)
        self.others = ~np.eye(n, dtype=bool)  # [trustee, truster]: nobody trusts itself
        self.coefs = [
            None if t.contact else rule.increments(np.array(t.sign), np.array(t.strength))
            for t in c.templates
        ]
        self.dim_mask = np.array(
            [[s != 0 for s in t.strength] for t in c.templates], dtype=bool
        ).reshape(len(c.templates), len(DIMENSIONS))
        self.day = c.start_day
        self.track: tuple[int, int, int] | None = None
        self.contributions: dict[tuple[int, int], float] = {}
        self.forgetting = 0.0

    # -- helpers ----------------------------------------------------------------------
    def expected_of(self, X: FloatArray, Y: FloatArray, A: FloatArray) -> FloatArray:
        r, s = self.rule.to_evidence(X, Y, A, self.c.W)
        out: FloatArray = (r + A * self.c.W) / (r + s + self.c.W)
        return out

    def _tracked(self) -> float:
        assert self.track is not None
        i, j, k = self.track
        return float(self.expected_of(self.X[j, k, i], self.Y[j, k, i], self.A[j, k, i]))

    def _decay_to(self, day: int) -> None:
        dt_days = day - self.day
        if dt_days <= 0:
            return
        before = self._tracked() if self.track else 0.0
        fp = 2.0 ** (-dt_days / self.settings.half_life_good)
        fn = 2.0 ** (-dt_days / self.settings.half_life_bad)
        self.X, self.Y = self.rule.decay(self.X, self.Y, self.A, fp, fn)
        self.day = day
        if self.track:
            self.forgetting += self._tracked() - before

    # -- the pass ---------------------------------------------------------------------
    def run(self, record: bool) -> Iterator[Chunk]:
        c, rule, W = self.c, self.rule, self.c.W
        imps, ups = c.impulses, c.source_updates
        n, nd = self.n, len(DIMENSIONS)
        cap = self.settings.chunk_rows
        bx = np.empty((cap, nd, n))
        by = np.empty((cap, nd, n))
        meta = np.empty((cap, 4), dtype=np.int64)  # day, cause, trustee, template
        tmask = np.empty((cap, n), dtype=bool)
        fill = 0
        if record:
            yield self._prior_chunk()
        N, i, u = len(imps), 0, 0
        while i < N:
            day = imps[i][0]
            self._decay_to(day)
            j = i
            while j < N and imps[j][0] == day:
                j += 1
            X0, Y0 = (self.X.copy(), self.Y.copy()) if j - i > 1 else (self.X, self.Y)
            for _, cause, tj, tpl, weight, src, self_rep, parts in imps[i:j]:
                if parts is None:
                    w = self.others[tj] * (weight * self.acc[src])
                else:
                    w = np.zeros(n)
                    w[list(parts)] = weight * self.acc[src]
                    w[tj] = 0.0
                if self_rep:
                    k = 2  # integrity
                    w = w * self.expected_of(X0[tj, k], Y0[tj, k], self.A[tj, k])
                before = self._tracked() if self.track and self.track[1] == tj else None
                coef = self.coefs[tpl]
                if coef is None:
                    rel = np.array(c.templates[tpl].strength)[:, None]
                    dx, dy = rule.contact(X0[tj], Y0[tj], self.A[tj], W)
                    self.X[tj] += dx * rel * w
                    self.Y[tj] += dy * rel * w
                else:
                    self.X[tj] += coef[0][:, None] * w
                    self.Y[tj] += coef[1][:, None] * w
                if before is not None:
                    key = (cause, day)
                    self.contributions[key] = (
                        self.contributions.get(key, 0.0) + self._tracked() - before
                    )
                if record and self.trustees[tj]:
                    bx[fill], by[fill] = self.X[tj], self.Y[tj]
                    meta[fill] = (day, cause, tj, tpl)
                    tmask[fill] = (w > 0) & self.trusters
                    fill += 1
                    if fill == cap:
                        yield self._chunk(bx, by, meta, tmask, fill)
                        fill = 0
            while u < len(ups) and ups[u][0] <= day:
                _, s, hit = ups[u]
                if hit:
                    self.alpha[s] += 1.0
                else:
                    self.beta[s] += 1.0
                self.acc[s] = _accuracy(self.alpha[s], self.beta[s])
                u += 1
            i = j
        self._decay_to(c.end_day)
        if record and fill:
            yield self._chunk(bx, by, meta, tmask, fill)

    def _prior_chunk(self) -> Chunk:
        n = self.n
        mask = (self.others & self.trusters[None, :] & self.trustees[:, None])[:, None, :]
        mask = np.broadcast_to(mask, self.X.shape)
        jj, kk, ii = np.nonzero(mask)
        r, s = self.rule.to_evidence(self.X, self.Y, self.A, self.c.W)
        return self._columns(
            np.full(len(jj), self.c.start_day), np.full(len(jj), -1), ii, jj, kk,
            r[jj, kk, ii], s[jj, kk, ii], self.A[jj, kk, ii],
        )  # fmt: skip
        _ = n

    def _chunk(
        self,
        bx: FloatArray,
        by: FloatArray,
        meta: NDArray[np.int64],
        tmask: NDArray[np.bool_],
        fill: int,
    ) -> Chunk:
        m = meta[:fill]
        A = self.A[m[:, 2]]
        r, s = self.rule.to_evidence(bx[:fill], by[:fill], A, self.c.W)
        mask = self.dim_mask[m[:, 3]][:, :, None] & tmask[:fill][:, None, :]
        rows, kk, ii = np.nonzero(mask)
        return self._columns(
            m[rows, 0], m[rows, 1], ii, m[rows, 2], kk,
            r[rows, kk, ii], s[rows, kk, ii], A[rows, kk, ii],
        )  # fmt: skip

    def _columns(self, day: Any, cause: Any, ii: Any, jj: Any, kk: Any, r: Any, s: Any, a: Any) -> Chunk:
        tot = r + s + self.c.W
        b, d, uu = r / tot, s / tot, self.c.W / tot
        return {
            "day": day, "cause": cause, "truster": ii, "trustee": jj, "dimension": kk,
            "belief": b, "disbelief": d, "uncertainty": uu, "expected": b + a * uu,
        }  # fmt: skip


class TrustHistory:
    """The result of replaying a ledger: trajectories (streamed), snapshots, explanations.

    Build it with :func:`replay`. Nothing is stored but the compiled ledger; every query
    re-runs the (fast) engine.
    """

    def __init__(
        self,
        compiled: Compiled,
        rule: UpdateRule,
        settings: ReplaySettings,
        truster: str | None,
        trustee: str | None,
    ) -> None:
        self.compiled, self.rule, self.settings = compiled, rule, settings
        self.truster, self.trustee = truster, trustee
        actors = compiled.actors
        for label, who in (("truster", truster), ("trustee", trustee)):
            if who is not None and who not in actors:
                raise InputError(
                    f"unknown {label} {who!r}; expected one of: {', '.join(actors)}"
                )

    @property
    def actors(self) -> tuple[str, ...]:
        """Actor ids, in scenario order."""
        return self.compiled.actors

    @property
    def resolutions(self) -> list[Resolution]:
        """How each due commitment or claim with terms resolved (date order)."""
        return list(self.compiled.resolutions)

    def _mask(self, who: str | None) -> NDArray[np.bool_]:
        if who is None:
            return np.ones(len(self.actors), dtype=bool)
        return np.array([a == who for a in self.actors])

    def _engine(self) -> _Engine:
        return _Engine(
            self.compiled,
            self.rule,
            self.settings,
            self._mask(self.truster),
            self._mask(self.trustee),
        )

    def chunks(self) -> Iterator[Chunk]:
        """Trajectory rows as column arrays (integer codes for actors, dimensions, causes;
        ``day`` is a date ordinal; ``cause`` −1 = prior)."""
        yield from self._engine().run(record=True)

    def records(self) -> Iterator[dict[str, Any]]:
        """Tidy trajectory rows (see :data:`RECORD_COLUMNS`), streamed in date order: one
        row per cell an entry moved, plus the priors at the first date."""
        actors, causes = self.actors, self.compiled.causes
        dates: dict[int, dt.date] = {}
        for ch in self.chunks():
            for row in zip(
                ch["day"].tolist(), ch["truster"].tolist(), ch["trustee"].tolist(),
                ch["dimension"].tolist(), ch["belief"].tolist(), ch["disbelief"].tolist(),
                ch["uncertainty"].tolist(), ch["expected"].tolist(), ch["cause"].tolist(),
                strict=True,
            ):  # fmt: skip
                day, i, j, k, b, d, u, e, cause = row
                date = dates.get(day)
                if date is None:
                    date = dates[day] = dt.date.fromordinal(day)
                yield {
                    "date": date,
                    "truster": actors[i],
                    "trustee": actors[j],
                    "dimension": DIMENSIONS[k],
                    "belief": b,
                    "disbelief": d,
                    "uncertainty": u,
                    "expected": e,
                    "reading": reading(b, d, u),
                    "cause": PRIOR_CAUSE if cause < 0 else causes[cause],
                }

    def final_state(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Evidence (r, s, a) arrays ``[trustee, dimension, truster]`` at the history's end
        date (forgetting applied up to it)."""
        eng = self._engine()
        for _ in eng.run(record=False):
            pass
        r, s = self.rule.to_evidence(eng.X, eng.Y, eng.A, self.compiled.W)
        return r, s, eng.A

    def opinions(self) -> dict[tuple[str, str, str], Opinion]:
        """(truster, trustee, dimension) → opinion at the end date, for every pair."""
        r, s, a = self.final_state()
        out: dict[tuple[str, str, str], Opinion] = {}
        W = self.compiled.W
        for j, tee in enumerate(self.actors):
            for i, ter in enumerate(self.actors):
                if i == j:
                    continue
                for k, dim in enumerate(DIMENSIONS):
                    out[(ter, tee, dim)] = Opinion(
                        float(r[j, k, i]), float(s[j, k, i]), float(a[j, k, i]), W
                    )
        return out

    def snapshot(self, date: dt.date | None = None) -> list[dict[str, Any]]:
        """One row per (truster, trustee, dimension) at the end of ``date`` (default: the
        history's end date), honouring the truster/trustee filters."""
        end = dt.date.fromordinal(self.compiled.end_day)
        if date is not None and date != end:
            raise InputError(
                f"this history ends on {end}; replay with as_of={date} for a snapshot then"
            )
        rows = []
        for (ter, tee, dim), op in self.opinions().items():
            if (self.truster and ter != self.truster) or (self.trustee and tee != self.trustee):
                continue
            rows.append(
                {
                    "date": end,
                    "truster": ter,
                    "trustee": tee,
                    "dimension": dim,
                    "belief": op.b,
                    "disbelief": op.d,
                    "uncertainty": op.u,
                    "expected": op.expected,
                    "reading": op.reading(),
                    "r": op.r,
                    "s": op.s,
                }
            )
        return rows

    def explain(
        self, truster: str, trustee: str, dimension: str, top: int = 10
    ) -> list[dict[str, Any]]:
        """The ledger entries that moved ``truster``'s trust in ``trustee`` on ``dimension``
        most: each with its contribution to expected trust (Δ when it was applied), sorted by
        size; a ``(forgetting)`` row gives the decay in between. Contributions of all rows
        (not only the top) plus the prior sum to the final value."""
        for label, who in (("truster", truster), ("trustee", trustee)):
            if who not in self.actors:
                raise InputError(f"unknown {label} {who!r}; expected one of: {', '.join(self.actors)}")
        if truster == trustee:
            raise InputError("truster and trustee must differ")
        if dimension not in DIMENSIONS:
            raise InputError(f"unknown dimension {dimension!r}; expected one of: {', '.join(DIMENSIONS)}")
        if top < 1:
            raise InputError(f"top must be at least 1, got {top}")
        i, j = self.actors.index(truster), self.actors.index(trustee)
        k = DIMENSIONS.index(dimension)
        eng = self._engine()
        eng.track = (i, j, k)
        start = eng._tracked()
        for _ in eng.run(record=False):
            pass
        final = eng._tracked()
        causes = self.compiled.causes
        resolved = {(r.entry_id, r.date): r for r in self.compiled.resolutions}
        rows: list[dict[str, Any]] = []
        for (cid, day), delta in eng.contributions.items():
            if delta == 0.0:
                continue
            date = dt.date.fromordinal(day)
            res = resolved.get((causes[cid], date))
            note = (
                f"resolved {res.outcome}; decided by "
                + (", ".join(v.entry_id for v in res.deciding) or "nothing")
                if res is not None
                else "entry"
            )
            rows.append({"cause": causes[cid], "date": date, "contribution": delta, "note": note})
        if eng.forgetting != 0.0:
            rows.append(
                {"cause": FORGETTING, "date": None, "contribution": eng.forgetting, "note": ""}
            )
        rows.sort(key=lambda r: -abs(r["contribution"]))
        out = []
        for rank, row in enumerate(rows[:top], start=1):
            out.append(
                {
                    "rank": rank,
                    "truster": truster,
                    "trustee": trustee,
                    "dimension": dimension,
                    **row,
                    "prior": start,
                    "final": final,
                }
            )
        return out


def replay(
    scenario: Scenario,
    *,
    rule: str | UpdateRule = "evidence",
    truster: str | None = None,
    trustee: str | None = None,
    as_of: dt.date | None = None,
    settings: ReplaySettings | None = None,
) -> TrustHistory:
    """Replay ``scenario``'s ledger up to ``as_of`` (default meta.as_of) with ``rule``."""
    r = get_rule(rule) if isinstance(rule, str) else rule
    compiled = compile_scenario(scenario, as_of=as_of)
    return TrustHistory(compiled, r, settings or ReplaySettings(), truster, trustee)

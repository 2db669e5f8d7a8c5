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
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError
from detente.trust.events import Compiled, accuracy, compile_scenario
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
SMALL_GROUP = 12
"""Dates with at most this many impulses add them one by one (cheaper than grouping)."""
FORGETTING = "(forgetting)"


@dataclass(frozen=True)
class ReplaySettings:
    """Replay parameters (defaults: see docs/explanation/trust-model.md)."""

    half_life_good: float = 2 * 365.0
    """Days for positive evidence to halve."""
    half_life_bad: float = 6 * 365.0
    """Days for negative evidence to halve (longer: bad memories last)."""
    chunk_rows: int = 4096
    """Impulses buffered per output chunk."""


class _Engine:
    """One pass over the compiled impulses (internal).

    State ``S[trustee, 0|1, dimension, truster]`` holds the rule's (x, y) so one NumPy
    operation updates both halves of a trustee's column.
    """

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
        x, y = rule.from_evidence(c.prior_r, c.prior_s, c.prior_a, c.W)
        self.S = np.stack([x, y], axis=1)
        self.A = c.prior_a
        self.alpha = np.array([p[0] for p in c.source_prior] + [1.0])
        self.beta = np.array([p[1] for p in c.source_prior] + [1.0])
        self.acc = np.array([accuracy(a, b) for a, b in zip(self.alpha, self.beta, strict=True)])
        self.acc[-1] = 1.0  # index -1: no source (already weighed by credibility)
        self.others = ~np.eye(n, dtype=bool)  # [trustee, truster]: nobody trusts itself
        nd = len(DIMENSIONS)
        n_tpl = len(c.templates)
        self.coef_table = np.zeros((n_tpl, 2, nd))
        for k, tp in enumerate(c.templates):
            if not tp.contact:
                self.coef_table[k] = rule.increments(np.array(tp.sign), np.array(tp.strength))
        self.rel_table = np.array([tp.strength for tp in c.templates]).reshape(n_tpl, nd)
        self.is_contact = np.array([tp.contact for tp in c.templates], dtype=bool)
        self.dim_mask = np.array(
            [[s != 0 for s in t.strength] for t in c.templates], dtype=bool
        ).reshape(len(c.templates), nd)
        self.day = c.start_day
        self.track: tuple[int, int, int] | None = None
        self.contributions: dict[tuple[int, int], float] = {}
        self.forgetting = 0.0

    @property
    def X(self) -> FloatArray:
        """The rule's first state component ``[trustee, dimension, truster]``."""
        return self.S[:, 0]

    @property
    def Y(self) -> FloatArray:
        """The rule's second state component."""
        return self.S[:, 1]

    # -- helpers ----------------------------------------------------------------------
    def expected_of(self, X: FloatArray, Y: FloatArray, A: FloatArray) -> FloatArray:
        r, s = self.rule.to_evidence(X, Y, A, self.c.W)
        out: FloatArray = (r + A * self.c.W) / (r + s + self.c.W)
        return out

    def _tracked(self) -> float:
        assert self.track is not None
        i, j, k = self.track
        S = self.S
        return float(self.expected_of(S[j, 0, k, i], S[j, 1, k, i], self.A[j, k, i]))

    def _decay_to(self, day: int) -> None:
        dt_days = day - self.day
        if dt_days <= 0:
            return
        before = self._tracked() if self.track else 0.0
        fp = 2.0 ** (-dt_days / self.settings.half_life_good)
        fn = 2.0 ** (-dt_days / self.settings.half_life_bad)
        x, y = self.rule.decay(self.S[:, 0], self.S[:, 1], self.A, fp, fn)
        self.S[:, 0], self.S[:, 1] = x, y
        self.day = day
        if self.track:
            self.forgetting += self._tracked() - before

    # -- the pass ---------------------------------------------------------------------
    def _increments(
        self, group: list[Any]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], FloatArray, FloatArray]:
        """(trustees, templates, truster weights (g, n), increments (g, 2, 4, n)) for one
        date's impulses, all computed from the state at the start of the date."""
        _, _, tjs, tpls, weights, srcs, selfs, parts = zip(*group, strict=True)
        S, A = self.S, self.A
        tj = np.fromiter(tjs, dtype=np.int64, count=len(group))
        tpl = np.fromiter(tpls, dtype=np.int64, count=len(group))
        base = np.fromiter(weights, dtype=np.float64, count=len(group))
        base *= self.acc[np.fromiter(srcs, dtype=np.int64, count=len(group))]
        w = self.others[tj] * base[:, None]
        limited = [(row, p) for row, p in enumerate(parts) if p is not None]
        if limited:  # impulses that reach only some trusters (contact among participants)
            rows = np.array([row for row, _ in limited])
            rr = np.array([row for row, p in limited for _ in p], dtype=np.int64)
            cc = np.array([i for _, p in limited for i in p], dtype=np.int64)
            w[rows] = 0.0
            w[rr, cc] = base[rr]
            w[rows, tj[rows]] = 0.0
        if any(selfs):
            sel = np.flatnonzero(np.fromiter(selfs, dtype=bool, count=len(group)))
            ts = tj[sel]
            w[sel] *= self.expected_of(S[ts, 0, 2], S[ts, 1, 2], A[ts, 2])
        inc = self.coef_table[tpl][:, :, :, None] * w[:, None, None, :]
        ct = np.flatnonzero(self.is_contact[tpl])
        if len(ct):
            tc = tj[ct]
            dx, dy = self.rule.contact(S[tc, 0], S[tc, 1], A[tc], self.c.W)
            rw = self.rel_table[tpl[ct]][:, :, None] * w[ct][:, None, :]
            inc[ct, 0] += dx * rw
            inc[ct, 1] += dy * rw
        return tj, tpl, w, inc

    def _track_group(self, group: list[Any], tj: NDArray[np.int64], inc: FloatArray) -> None:
        """Sequential contributions of the date's impulses to the tracked cell."""
        assert self.track is not None
        i, j, k = self.track
        x, y, a = self.S[j, 0, k, i], self.S[j, 1, k, i], self.A[j, k, i]
        before = float(self.expected_of(x, y, a))
        for row in np.flatnonzero(tj == j):
            x, y = x + inc[row, 0, k, i], y + inc[row, 1, k, i]
            after = float(self.expected_of(x, y, a))
            key = (group[row][1], group[row][0])
            self.contributions[key] = self.contributions.get(key, 0.0) + after - before
            before = after

    def run(self, record: bool) -> Iterator[Chunk]:
        c, S = self.c, self.S
        ups = c.source_updates
        n, nd = self.n, len(DIMENSIONS)
        cap = self.settings.chunk_rows
        bs = np.empty((cap, 2, nd, n))
        bw = np.empty((cap, n))
        bmeta = np.empty((cap, 4), dtype=np.int64)
        fill = 0
        if record:
            yield self._prior_chunk()
        u, n_ups = 0, len(ups)
        for day, group_iter in groupby(c.impulses, key=itemgetter(0)):
            group = list(group_iter)
            self._decay_to(day)
            tj, tpl, w, inc = self._increments(group)
            if self.track is not None:
                self._track_group(group, tj, inc)
            if len(tj) <= SMALL_GROUP:
                for row, j in enumerate(tj.tolist()):
                    S[j] += inc[row]
            else:  # sum the date's increments per trustee, then add once
                order = np.argsort(tj, kind="stable")
                ts = tj[order]
                change = np.ones(len(ts), dtype=bool)
                np.not_equal(ts[1:], ts[:-1], out=change[1:])
                starts = np.flatnonzero(change)
                S[ts[starts]] += np.add.reduceat(inc[order], starts, axis=0)
            if record:
                keep = self.trustees[tj]
                g = int(keep.sum())
                if fill + g > cap:
                    if fill:
                        yield self._chunk(bs, bw, bmeta, fill)
                        fill = 0
                    if g > cap:
                        cap = g
                        bs, bw = np.empty((cap, 2, nd, n)), np.empty((cap, n))
                        bmeta = np.empty((cap, 4), dtype=np.int64)
                sl = slice(fill, fill + g)
                tk = tj[keep]
                bs[sl] = S[tk]  # the state at the end of the date
                bw[sl] = w[keep]
                bmeta[sl, 0] = day
                bmeta[sl, 1] = [r[1] for r, k in zip(group, keep, strict=True) if k]
                bmeta[sl, 2] = tk
                bmeta[sl, 3] = tpl[keep]
                fill += g
            while u < n_ups and ups[u][0] <= day:
                _, s, hit = ups[u]
                if hit:
                    self.alpha[s] += 1.0
                else:
                    self.beta[s] += 1.0
                self.acc[s] = accuracy(self.alpha[s], self.beta[s])
                u += 1
        self._decay_to(c.end_day)
        if record and fill:
            yield self._chunk(bs, bw, bmeta, fill)

    def _prior_chunk(self) -> Chunk:
        mask = (self.others & self.trusters[None, :] & self.trustees[:, None])[:, None, :]
        mask = np.broadcast_to(mask, self.A.shape)
        jj, kk, ii = np.nonzero(mask)
        r, s = self.rule.to_evidence(self.S[:, 0], self.S[:, 1], self.A, self.c.W)
        return self._columns(
            np.full(len(jj), self.c.start_day), np.full(len(jj), -1), ii, jj, kk,
            r[jj, kk, ii], s[jj, kk, ii], self.A[jj, kk, ii],
        )  # fmt: skip

    def _chunk(self, bs: FloatArray, bw: FloatArray, bmeta: NDArray[np.int64], fill: int) -> Chunk:
        meta = bmeta[:fill]
        nd, n = len(DIMENSIONS), self.n
        tmask = (bw[:fill] > 0) & self.trusters[None, :]
        mask = self.dim_mask[meta[:, 3]][:, :, None] & tmask[:, None, :]
        flat = np.flatnonzero(mask)
        rows, rem = np.divmod(flat, nd * n)
        kk, ii = np.divmod(rem, n)
        tee = meta[rows, 2]
        x = bs[:fill, 0].reshape(-1)[flat]
        y = bs[:fill, 1].reshape(-1)[flat]
        a = self.A.reshape(-1)[(tee * nd + kk) * n + ii]
        r, s = self.rule.to_evidence(x, y, a, self.c.W)
        return self._columns(meta[rows, 0], meta[rows, 1], ii, tee, kk, r, s, a)

    def _columns(
        self, day: Any, cause: Any, ii: Any, jj: Any, kk: Any, r: Any, s: Any, a: Any
    ) -> Chunk:
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
        scenario: Scenario | None = None,
    ) -> None:
        self.compiled, self.rule, self.settings = compiled, rule, settings
        self.truster, self.trustee = truster, trustee
        self.scenario = scenario
        actors = compiled.actors
        for label, who in (("truster", truster), ("trustee", trustee)):
            if who is not None and who not in actors:
                raise InputError(f"unknown {label} {who!r}; expected one of: {', '.join(actors)}")

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
        ``day`` is a date ordinal; ``cause`` −1 = prior). Values are the state at the end of
        the row's date; an entry with several impulses on one date may repeat a row here
        (:meth:`records` drops the repeats)."""
        yield from self._engine().run(record=True)

    def records(self) -> Iterator[dict[str, Any]]:
        """Tidy trajectory rows (see :data:`RECORD_COLUMNS`), streamed in date order: one
        row per cell an entry moved, plus the priors at the first date."""
        actors, causes = self.actors, self.compiled.causes
        dates: dict[int, dt.date] = {}
        seen: set[tuple[int, int, int, int, int]] = set()
        seen_day = -1
        for ch in self.chunks():
            for row in zip(
                ch["day"].tolist(), ch["truster"].tolist(), ch["trustee"].tolist(),
                ch["dimension"].tolist(), ch["belief"].tolist(), ch["disbelief"].tolist(),
                ch["uncertainty"].tolist(), ch["expected"].tolist(), ch["cause"].tolist(),
                strict=True,
            ):  # fmt: skip
                day, i, j, k, b, d, u, e, cause = row
                if day != seen_day:
                    seen, seen_day = set(), day
                key = (day, i, j, k, cause)
                if key in seen:  # one entry with several impulses on a date: one row
                    continue
                seen.add(key)
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
        r, s = self.rule.to_evidence(eng.S[:, 0], eng.S[:, 1], eng.A, self.compiled.W)
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
        history's end date; an earlier date replays the ledger up to it, as ``as_of`` would),
        honouring the truster/trustee filters."""
        end = dt.date.fromordinal(self.compiled.end_day)
        if date is not None and date != end:
            if self.scenario is None or date > end:
                raise InputError(f"no snapshot on {date}: this history ends on {end}")
            return TrustHistory(
                compile_scenario(self.scenario, as_of=date),
                self.rule,
                self.settings,
                self.truster,
                self.trustee,
                self.scenario,
            ).snapshot()
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
                raise InputError(
                    f"unknown {label} {who!r}; expected one of: {', '.join(self.actors)}"
                )
        if truster == trustee:
            raise InputError("truster and trustee must differ")
        if dimension not in DIMENSIONS:
            raise InputError(
                f"unknown dimension {dimension!r}; expected one of: {', '.join(DIMENSIONS)}"
            )
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
    return TrustHistory(compiled, r, settings or ReplaySettings(), truster, trustee, scenario)

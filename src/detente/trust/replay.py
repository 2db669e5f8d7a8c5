"""Replaying a scenario's ledger: trust trajectories, snapshots and explanations.

The engine keeps every (trustee, dimension, truster) cell of a rule's state in two NumPy
arrays and applies the compiled impulses (:mod:`detente.trust.events`) date by date:

1. forgetting since the previous date (good evidence half-life ``half_life_good`` days, bad
   ``half_life_bad`` days, bad memories last longer), applied lazily: only to the trustees
   the date's impulses touch, from the date each was last brought up to date (and to all at
   the end), which equals sweeping every cell every date;
2. every impulse of the date, with weights computed from the state at the *start* of the
   date (self-report discounts, contact), so the order of entries on one date does not
   matter;
3. source-accuracy updates from resolutions (they affect later dates only).

Impulses are read in blocks of whole dates; everything that does not depend on the trust
state (source accuracies, truster weights, act increments) is computed per block, so a date
costs a few small NumPy operations. Output streams in chunks of column arrays, one per block
(memory does not grow with the ledger).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError
from detente.trust.events import Compiled, Impulse, accuracy, compile_scenario
from detente.trust.opinion import Opinion, reading
from detente.trust.resolution import Resolution
from detente.trust.rules import DIMENSIONS, EvidenceRule, UpdateRule, get_rule

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["RECORD_COLUMNS", "ReplaySettings", "TrustHistory", "known_pairs", "replay"]

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
ONEHOT_CELLS = 1 << 21
"""Largest padded (dates × trustees × rows) summing matrix a block builds (16 MiB)."""
SMALL_GROUP = 12
"""Dates with at most this many impulses add them one by one (cheaper than summing)."""
FORGETTING = "(forgetting)"


@dataclass(frozen=True)
class ReplaySettings:
    """Replay parameters (defaults: see docs/explanation/trust-model.md)."""

    half_life_good: float = 2 * 365.0
    """Days for positive evidence to halve."""
    half_life_bad: float = 6 * 365.0
    """Days for negative evidence to halve (longer: bad memories last)."""
    chunk_rows: int = 4096
    """Impulses per block (and output chunk); a block never splits a date."""


class _Block:
    """A run of whole dates of impulses as column arrays, with everything that does not
    depend on the trust state precomputed (internal)."""

    __slots__ = (
        "bounds", "cause", "contact_pos", "contact_rows", "days", "group_day", "group_start",
        "group_trustee", "inc", "onehot", "perm", "rw", "self_pos", "self_rows", "tj", "tpl", "w",
    )  # fmt: skip

    def __init__(self, eng: _Engine, buf: list[Impulse]) -> None:
        g = len(buf)
        days, causes, tjs, tpls, weights, srcs, selfs, parts, views = zip(*buf, strict=True)
        self.days = np.fromiter(days, dtype=np.int64, count=g)
        self.cause = np.fromiter(causes, dtype=np.int64, count=g)
        self.tj = tj = np.fromiter(tjs, dtype=np.int64, count=g)
        self.tpl = tpl = np.fromiter(tpls, dtype=np.int64, count=g)
        src = np.fromiter(srcs, dtype=np.int64, count=g)
        base = np.fromiter(weights, dtype=np.float64, count=g) * eng.accuracies(self.days, src)
        w = eng.others[tj] * base[:, None]
        viewed = [(row, v) for row, v in enumerate(views) if v is not None]
        if viewed:  # observer-relative readings (per-truster factors)
            vrows = np.array([row for row, _ in viewed])
            w[vrows] *= np.array([v for _, v in viewed])
        limited = [(row, p) for row, p in enumerate(parts) if p is not None]
        if limited:  # impulses that reach only some trusters (contact among participants)
            rows = np.array([row for row, _ in limited])
            rr = np.array([row for row, p in limited for _ in p], dtype=np.int64)
            cc = np.array([i for _, p in limited for i in p], dtype=np.int64)
            w[rows] = 0.0
            w[rr, cc] = base[rr]
            w[rows, tj[rows]] = 0.0
        self.w = w
        self.inc = eng.coef_table[tpl][:, :, :, None] * w[:, None, None, :]
        change = np.ones(g, dtype=bool)
        np.not_equal(self.days[1:], self.days[:-1], out=change[1:])
        starts = np.flatnonzero(change)
        ends = np.append(starts[1:], g)
        self_rows = np.flatnonzero(np.fromiter(selfs, dtype=bool, count=g))
        contact_rows = np.flatnonzero(eng.is_contact[tpl])
        self.self_rows, self.contact_rows = self_rows, contact_rows
        self.rw = eng.rel_table[tpl[contact_rows]][:, :, None] * w[contact_rows][:, None, :]
        # (date, trustee) groups: the impulses of one date on one trustee are summed and
        # added once; ``perm`` lists the rows group by group.
        self.perm = perm = np.argsort(self.days * len(eng.others) + tj, kind="stable")
        key = (self.days * len(eng.others) + tj)[perm]
        gchange = np.ones(g, dtype=bool)
        np.not_equal(key[1:], key[:-1], out=gchange[1:])
        gstarts = np.flatnonzero(gchange)
        self.group_start, self.group_trustee = gstarts, tj[perm[gstarts]]
        gfirst = np.searchsorted(gstarts, starts)  # each date's first group
        row_group = np.empty(g, dtype=np.int64)  # each row's group, counted from its date's
        row_group[perm] = np.cumsum(gchange) - 1
        row_group -= gfirst[np.cumsum(change) - 1]
        self.self_pos, self.contact_pos = row_group[self_rows], row_group[contact_rows]
        self.group_day = self.days[perm[gstarts]]
        gends = np.searchsorted(gstarts, ends)
        # per date, a 0/1 matrix (trustee group × row) that sums the date's increments per
        # trustee in one product (skipped if a block's dates are too uneven to pad cheaply)
        n_dates, widest = len(starts), int((ends - starts).max())
        most = int((gends - gfirst).max())
        self.onehot: FloatArray | None = None
        if n_dates * widest * most <= ONEHOT_CELLS:
            date_of = np.cumsum(change) - 1
            self.onehot = np.zeros((n_dates, most, widest))
            self.onehot[date_of, row_group, np.arange(g) - starts[date_of]] = 1.0
        self.bounds = list(
            zip(
                self.days[starts].tolist(), starts.tolist(), ends.tolist(),
                gfirst.tolist(), gends.tolist(),
                np.searchsorted(self_rows, starts).tolist(),
                np.searchsorted(self_rows, ends).tolist(),
                np.searchsorted(contact_rows, starts).tolist(),
                np.searchsorted(contact_rows, ends).tolist(),
                strict=True,
            )
        )  # fmt: skip


class _Engine:
    """One pass over the compiled impulses (internal).

    State ``S[trustee, 0|1, dimension, truster]`` holds the rule's (x, y) so one NumPy
    operation updates both halves of a trustee's column. Forgetting is lazy: ``last[j]`` is
    the date trustee ``j``'s column was last brought up to date, and a column is decayed only
    when an impulse touches it (and at the end). Every supported rule forgets by a factor
    per half (``f^a·f^b = f^(a+b)``), so this equals decaying every column every date.
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
        self.A = c.prior_a.copy()  # dated priors may reset base rates
        self.r_next = 0  # next dated prior to apply
        self.zero_base = bool((self.A[:, 2] == 0).any())
        """Some integrity base rate is 0 (so a self-report can be discounted to nothing)."""
        self.alpha = np.array([p[0] for p in c.source_prior] + [1.0])
        self.beta = np.array([p[1] for p in c.source_prior] + [1.0])
        self.acc = np.array([accuracy(a, b) for a, b in zip(self.alpha, self.beta, strict=True)])
        self.acc[-1] = 1.0  # index -1: no source (already weighed by credibility)
        self.u = 0  # next source-accuracy update to apply
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
        self.last = np.full(n, c.start_day, dtype=np.int64)
        self.rates = np.array([-1.0 / settings.half_life_good, -1.0 / settings.half_life_bad])
        self.evidence_state = type(rule) is EvidenceRule
        """The state is the evidence (fast paths for forgetting, discounts and contact)."""
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

    def accuracies(self, days: NDArray[np.int64], src: NDArray[np.int64]) -> FloatArray:
        """Learned accuracy of each impulse's source on its date: updates dated before the
        date count (the state of the source tables is advanced past ``days[-1] - 1``)."""
        out: FloatArray = self.acc[src]
        ups, last = self.c.source_updates, int(days[-1])
        while self.u < len(ups) and ups[self.u][0] < last:
            day, s, hit = ups[self.u]
            if hit:
                self.alpha[s] += 1.0
            else:
                self.beta[s] += 1.0
            self.acc[s] = accuracy(self.alpha[s], self.beta[s])
            out[(days > day) & (src == s)] = self.acc[s]
            self.u += 1
        return out

    def _decay(self, tj: NDArray[np.int64], day: int) -> FloatArray:
        """Bring the columns of trustees ``tj`` (no repeats) forward to ``day``; returns
        them."""
        gap = day - self.last[tj]
        tracked = self.track is not None and bool(np.any(tj == self.track[1]))
        before = self._tracked() if tracked else 0.0
        f = np.exp2(gap[:, None] * self.rates)  # (g, 2): good, bad
        St: FloatArray
        if self.evidence_state:  # evidence rule: x·f+, y·f-
            St = self.S[tj] * f[:, :, None, None]
        else:
            St = self.S[tj]
            fp, fn = f[:, 0, None, None], f[:, 1, None, None]
            x, y = self.rule.decay(St[:, 0], St[:, 1], self.A[tj], fp, fn)
            St = np.stack([x, y], axis=1)
        self.S[tj] = St
        self.last[tj] = day
        if tracked:
            self.forgetting += self._tracked() - before
        return St

    def _block_decay(self, b: _Block) -> FloatArray:
        """Evidence-rule forgetting factors ``(group, good|bad)`` for every (date, trustee)
        group of a block, from each trustee's previous touch; advances :attr:`last` to the
        block's end (the block must then be run)."""
        o = np.argsort(b.group_trustee, kind="stable")  # by trustee, then date
        gu, gd = b.group_trustee[o], b.group_day[o]
        first = np.ones(len(gu), dtype=bool)
        np.not_equal(gu[1:], gu[:-1], out=first[1:])
        prev = np.empty_like(gd)
        prev[1:] = gd[:-1]
        prev[first] = self.last[gu[first]]
        gap = np.empty_like(gd)
        gap[o] = gd - prev
        final = np.append(first[1:], True)
        self.last[gu[final]] = gd[final]
        out: FloatArray = np.exp2(gap[:, None] * self.rates)
        return out

    def _blocks(self) -> Iterator[_Block]:
        """The impulses in blocks of about ``chunk_rows``, never splitting a date nor
        straddling a dated prior."""
        size = self.settings.chunk_rows
        if not self.c.resets:
            yield from self._plain_blocks(size)
            return
        cuts = iter(sorted({t[0] for t in self.c.resets}))
        cut = next(cuts, None)
        buf: list[Impulse] = []
        for imp in self.c.impulses:
            day = imp[0]
            if buf and day != buf[-1][0]:
                reset_between = cut is not None and day > cut
                if reset_between:
                    while cut is not None and cut < day:
                        cut = next(cuts, None)
                if reset_between or len(buf) >= size:
                    yield _Block(self, buf)
                    buf = []
            buf.append(imp)
        if buf:
            yield _Block(self, buf)

    def _plain_blocks(self, size: int) -> Iterator[_Block]:
        """:meth:`_blocks` without dated priors: ``size`` impulses, then the rest of the last
        date."""
        it = iter(self.c.impulses)
        carry: list[Impulse] = []
        while True:
            buf = carry + list(islice(it, size - len(carry)))
            if not buf:
                return
            carry = []
            last = buf[-1][0]
            for imp in it:
                if imp[0] != last:
                    carry = [imp]
                    break
                buf.append(imp)
            yield _Block(self, buf)

    def _apply_resets(self, before: int, record: bool) -> Chunk | None:
        """Apply the dated priors dated before day ``before``: each replaces its pair's
        state at the end of its date. Returns their trajectory rows if ``record``."""
        resets, W = self.c.resets, self.c.W
        rows: list[tuple[int, int, int, int]] = []
        while self.r_next < len(resets) and resets[self.r_next][0] < before:
            day, j, i, r, s, a, given = resets[self.r_next]
            self.r_next += 1
            self._decay(np.array([j]), day)
            tracked = self.track is not None and self.track[:2] == (i, j)
            before_value = self._tracked() if tracked else 0.0
            x, y = self.rule.from_evidence(r, s, a, W)
            ks = np.flatnonzero(given)
            self.S[j, 0, ks, i], self.S[j, 1, ks, i], self.A[j, ks, i] = x[ks], y[ks], a[ks]
            self.zero_base = self.zero_base or bool((a[ks] == 0).any())
            if tracked:
                key = (-1, day)
                delta = self._tracked() - before_value
                self.contributions[key] = self.contributions.get(key, 0.0) + delta
            if record and self.trusters[i] and self.trustees[j]:
                rows.extend((day, i, j, int(k)) for k in ks)
        if not rows:
            return None
        day_, ii, jj, kk = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
        xs, ys, aa = self.S[jj, 0, kk, ii], self.S[jj, 1, kk, ii], self.A[jj, kk, ii]
        re, se = self.rule.to_evidence(xs, ys, aa, W)
        return self._columns(day_, np.full(len(ii), -1), ii, jj, kk, re, se, aa)

    # -- the pass ---------------------------------------------------------------------
    def _track_date(self, b: _Block, lo: int, hi: int, day: int) -> None:
        """Sequential contributions of the date's impulses to the tracked cell."""
        assert self.track is not None
        i, j, k = self.track
        x, y, a = self.S[j, 0, k, i], self.S[j, 1, k, i], self.A[j, k, i]
        before = float(self.expected_of(x, y, a))
        for row in (lo + np.flatnonzero(b.tj[lo:hi] == j)).tolist():
            x, y = x + b.inc[row, 0, k, i], y + b.inc[row, 1, k, i]
            after = float(self.expected_of(x, y, a))
            key = (int(b.cause[row]), day)
            self.contributions[key] = self.contributions.get(key, 0.0) + after - before
            before = after

    def _run_block(self, b: _Block, states: FloatArray | None) -> None:
        """Apply a block date by date; ``states`` (if given) receives each impulse's
        trustee column at the end of its date."""
        S, A, W = self.S, self.A, self.c.W
        inc, w, tj_all = b.inc, b.w, b.tj
        tl = tj_all.tolist()
        evidence = self.evidence_state
        F = self._block_decay(b) if evidence and self.track is None else None
        M = b.onehot
        for date, (day, lo, hi, g0, g1, s0, s1, c0, c1) in enumerate(b.bounds):
            tj = tj_all[lo:hi]
            touched = b.group_trustee[g0:g1]  # the date's trustees, each once
            # forgetting (with block-wide factors if F is given; S is then set below)
            St = self._decay(touched, day) if F is None else S[touched] * F[g0:g1, :, None, None]
            # weights from the state at the start of the date
            fast = evidence and (s1 > s0 or c1 > c0)
            if fast:  # expected trust of the date's trustees, every dimension and truster
                E = (St[:, 0] + A[touched] * W) / (St[:, 0] + St[:, 1] + W)
            if s1 > s0:  # self-reports: discounted by trust in the reporter's integrity
                rows = b.self_rows[s0:s1]
                if fast:
                    e = E[b.self_pos[s0:s1], 2]
                else:
                    ts = tj_all[rows]
                    e = self.expected_of(S[ts, 0, 2], S[ts, 1, 2], A[ts, 2])
                inc[rows] *= e[:, None, None, :]
                if self.zero_base and not e.all():  # discounted to nothing: no row
                    w[rows] *= e
            if c1 > c0:  # contacts: uncertainty falls, expectation stays
                rows = b.contact_rows[c0:c1]
                rw = b.rw[c0:c1]
                if fast:  # the evidence rule's contact: (P, 1 − P) per unit
                    dx = E[b.contact_pos[c0:c1]] * rw
                    inc[rows, 0] = dx
                    inc[rows, 1] = rw - dx
                else:
                    tc = tj_all[rows]
                    cx, cy = self.rule.contact(S[tc, 0], S[tc, 1], A[tc], W)
                    inc[rows, 0] += cx * rw
                    inc[rows, 1] += cy * rw
            if self.track is not None:
                self._track_date(b, lo, hi, day)
            if M is not None:  # sum the date's increments per trustee, then add once
                g = hi - lo
                sums = M[date, : g1 - g0, :g] @ inc[lo:hi].reshape(g, -1)
                S[touched] = St + sums.reshape(St.shape)
            else:
                if F is not None:
                    S[touched] = St
                if hi - lo <= SMALL_GROUP:
                    for row in range(lo, hi):
                        S[tl[row]] += inc[row]
                else:  # the same sums by sorting
                    order, firsts = b.perm[lo:hi], b.group_start[g0:g1] - lo
                    S[touched] += np.add.reduceat(inc[order], firsts, axis=0)
            if states is not None:
                states[lo:hi] = S[tj]  # the state at the end of the date
        return None

    def run(self, record: bool) -> Iterator[Chunk]:
        if record:
            yield self._prior_chunk()
        for b in self._blocks():
            reset_rows = self._apply_resets(int(b.days[0]), record)
            if reset_rows is not None:
                yield reset_rows
            if not record:
                self._run_block(b, None)
                continue
            states = np.empty_like(b.inc)
            self._run_block(b, states)
            keep = self.trustees[b.tj]
            if keep.all():
                yield self._chunk(states, b.w, b.days, b.cause, b.tj, b.tpl)
            elif keep.any():
                yield self._chunk(
                    states[keep], b.w[keep], b.days[keep], b.cause[keep], b.tj[keep],
                    b.tpl[keep],
                )  # fmt: skip
        reset_rows = self._apply_resets(self.c.end_day + 1, record)
        if reset_rows is not None:
            yield reset_rows
        self._decay(np.arange(self.n), self.c.end_day)

    def _prior_chunk(self) -> Chunk:
        mask = (self.others & self.trusters[None, :] & self.trustees[:, None])[:, None, :]
        mask = np.broadcast_to(mask, self.A.shape)
        jj, kk, ii = np.nonzero(mask)
        r, s = self.rule.to_evidence(self.S[:, 0], self.S[:, 1], self.A, self.c.W)
        return self._columns(
            np.full(len(jj), self.c.start_day), np.full(len(jj), -1), ii, jj, kk,
            r[jj, kk, ii], s[jj, kk, ii], self.A[jj, kk, ii],
        )  # fmt: skip

    def _chunk(
        self,
        states: FloatArray,
        w: FloatArray,
        days: NDArray[np.int64],
        cause: NDArray[np.int64],
        tj: NDArray[np.int64],
        tpl: NDArray[np.int64],
    ) -> Chunk:
        tmask = (w > 0) & self.trusters[None, :]
        mask = self.dim_mask[tpl][:, :, None] & tmask[:, None, :]
        rows, kk, ii = np.nonzero(mask)
        tee = tj[rows]
        x = states[rows, 0, kk, ii]
        y = states[rows, 1, kk, ii]
        a = self.A[tee, kk, ii]
        r, s = self.rule.to_evidence(x, y, a, self.c.W)
        return self._columns(days[rows], cause[rows], ii, tee, kk, r, s, a)

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
        self._readings: tuple[FloatArray, FloatArray] | None = None
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
        (not only the top) plus the prior sum to the final value. Every row also carries
        ``prior_only`` (the priors alone) and ``ledger_only`` (the ledger alone) readings of
        the cell at the end date, so the two sources are reported separately."""
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
            if cid < 0:  # a dated prior replaced the state
                rows.append({"cause": PRIOR_CAUSE, "date": date, "contribution": delta,
                             "note": "dated prior"})  # fmt: skip
                continue
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
        prior_only = ledger_only = None
        if self.scenario is not None:  # the two readings, reported separately
            if self._readings is None:
                from detente.trust.state import _readings

                end = dt.date.fromordinal(self.compiled.end_day)
                self._readings = _readings(self.scenario, self.rule, end, self.settings)
            po, lo = self._readings
            prior_only, ledger_only = float(po[i, j, k]), float(lo[i, j, k])
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
                    "prior_only": prior_only,
                    "ledger_only": ledger_only,
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


def known_pairs(scenario: Scenario, as_of: dt.date | None = None) -> frozenset[tuple[str, str]]:
    """The (truster, trustee) pairs the scenario says something about up to ``as_of``: a
    trust prior, or a ledger entry that moves the pair. Every other pair sits at the
    default prior; ``detente trust``, :func:`detente.replay_trust` and the simulation's
    ``trust_start`` list only these pairs unless asked for all."""
    known = {(p.truster, p.trustee) for p in scenario.trust}
    history = replay(scenario, as_of=as_of)
    known |= {
        (str(r["truster"]), str(r["trustee"]))
        for r in history.records()
        if r["cause"] != PRIOR_CAUSE
    }
    return frozenset(known)

"""Trust-update rules: plugins sharing one small protocol and one conformance suite.

A rule keeps, per (truster, trustee, dimension) cell, a two-number *state* ``(x, y)`` and says
how evidence moves it. Every rule is **additive in its state** for acts (an act adds
``strength·coefficients``), which makes the order of entries on one date irrelevant; how the
state maps to an evidence opinion ``(r, s)`` (and so to b, d, u, P) is the rule's business.

* :class:`EvidenceRule` (``evidence``): the state is the evidence itself, ``x = r``, ``y = s``
  (Beta reputation, Jøsang & Ismail 2002) with per-dimension weights for good and bad acts.
* :class:`BayesTypeRule` (``bayes``): the state is the log-odds that the trustee is a
  trustworthy type and the total evidence weight. An act of kind k adds
  ``strength·ln(P(k|T)/P(k|U))`` to the log-odds (Kydd 2000; Reeder & Brewer 1979), a tempered
  likelihood when ``strength ≠ 1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from detente.core import TRUST_DIMENSIONS
from detente.errors import InputError
from detente.trust.opinion import Opinion
from detente.trust.vectorised import act_increments

__all__ = [
    "DIMENSIONS",
    "RULES",
    "BayesTypeRule",
    "EvidenceRule",
    "UpdateRule",
    "get_rule",
    "step",
]

FloatArray = NDArray[np.float64]

DIMENSIONS: tuple[str, ...] = TRUST_DIMENSIONS
"""The four trust dimensions, in the order every array uses (defined in :mod:`detente.core`)."""


@runtime_checkable
class UpdateRule(Protocol):
    """What a trust-update rule provides (all methods are pure and work on arrays)."""

    @property
    def name(self) -> str:
        """Registry name of the rule."""
        ...

    @property
    def traits(self) -> frozenset[str]:
        """Declared traits (e.g. ``additive``)."""
        ...

    def from_evidence(
        self, r: FloatArray, s: FloatArray, a: FloatArray, W: float
    ) -> tuple[FloatArray, FloatArray]:
        """State from evidence opinions (the priors)."""
        ...

    def to_evidence(
        self, x: FloatArray, y: FloatArray, a: FloatArray, W: float
    ) -> tuple[FloatArray, FloatArray]:
        """Evidence opinions (r, s) equivalent to the state."""
        ...

    def increments(self, sign: FloatArray, strength: FloatArray) -> FloatArray:
        """(2, 4) state increments for an act: ``sign`` and ``strength`` are per dimension
        (sign +1 good act, −1 misdeed, 0 none; strength ≥ 0)."""
        ...

    def contact(
        self, x: FloatArray, y: FloatArray, a: FloatArray, W: float
    ) -> tuple[FloatArray, FloatArray]:
        """State increments per unit of contact: uncertainty falls, expected trust stays."""
        ...

    def decay(
        self,
        x: FloatArray,
        y: FloatArray,
        a: FloatArray,
        f_pos: float | FloatArray,
        f_neg: float | FloatArray,
    ) -> tuple[FloatArray, FloatArray]:
        """Forgetting: good evidence fades by ``f_pos``, bad by ``f_neg`` (both in (0, 1];
        scalars or arrays broadcasting against ``x``). Must compose: decaying by ``f`` then
        ``g`` equals decaying by ``f·g`` (the replay forgets lazily)."""
        ...


def _default_positivity() -> FloatArray:
    return np.array([2.0, 1.0, 1.0, 1.0])


def _default_negativity() -> FloatArray:
    return np.array([1.0, 3.0, 3.0, 1.5])


@dataclass(frozen=True)
class EvidenceRule:
    """Weighted evidence: a good act adds ``positivity[d]·w`` to r, a misdeed
    ``negativity[d]·w`` to s (defaults: misdeeds weigh 3× for intention and integrity, 1.5×
    for predictability; shown ability weighs 2× for capacity; see the explanation page)."""

    positivity: FloatArray = field(default_factory=_default_positivity)
    negativity: FloatArray = field(default_factory=_default_negativity)
    name: str = "evidence"
    traits: frozenset[str] = frozenset({"additive", "evidence-state"})

    def from_evidence(
        self, r: FloatArray, s: FloatArray, a: FloatArray, W: float
    ) -> tuple[FloatArray, FloatArray]:
        return np.array(r, dtype=np.float64), np.array(s, dtype=np.float64)

    def to_evidence(
        self, x: FloatArray, y: FloatArray, a: FloatArray, W: float
    ) -> tuple[FloatArray, FloatArray]:
        return x, y

    def increments(self, sign: FloatArray, strength: FloatArray) -> FloatArray:
        out = np.zeros((2, len(DIMENSIONS)))
        out[0], out[1] = act_increments(sign, strength, self.positivity, self.negativity)
        return out

    def contact(
        self, x: FloatArray, y: FloatArray, a: FloatArray, W: float
    ) -> tuple[FloatArray, FloatArray]:
        p = (x + a * W) / (x + y + W)
        return p, 1.0 - p

    def decay(
        self,
        x: FloatArray,
        y: FloatArray,
        a: FloatArray,
        f_pos: float | FloatArray,
        f_neg: float | FloatArray,
    ) -> tuple[FloatArray, FloatArray]:
        return x * f_pos, y * f_neg


def _illustrative_table() -> FloatArray:
    # Rows: dimensions; columns: P(good|T), P(good|U), P(bad|T), P(bad|U).
    # references §1 (Reeder & Brewer illustration); capacity mirrors it (shown ability is
    # the diagnostic evidence there).
    return np.array(
        [
            [0.30, 0.05, 0.70, 0.95],
            [0.95, 0.70, 0.05, 0.30],
            [0.95, 0.70, 0.05, 0.30],
            [0.95, 0.70, 0.05, 0.30],
        ]
    )


_EPS = 1e-9


def _logit(p: FloatArray) -> FloatArray:
    q = np.clip(p, _EPS, 1.0 - _EPS)
    out: FloatArray = np.log(q / (1.0 - q))
    return out


@dataclass(frozen=True)
class BayesTypeRule:
    """Bayesian updating over types (Kydd 2000, 2005): log-odds of "trustworthy type" plus a
    log likelihood ratio per act, from ``table`` (per dimension: P(good|T), P(good|U),
    P(bad|T), P(bad|U)). The state is (log-odds, evidence weight n).

    Mapping to an opinion: P = sigmoid(log-odds), u = min(W/(n+W), P/a, (1−P)/(1−a)),
    b = P − a·u, d = 1 − b − u. The uncertainty is that of n units of evidence unless the
    update is so decisive that a smaller u is needed to express P.
    """

    table: FloatArray = field(default_factory=_illustrative_table)
    name: str = "bayes"
    traits: frozenset[str] = frozenset({"additive", "log-odds-state"})

    @property
    def llr(self) -> FloatArray:
        """(2, 4): log likelihood ratio of a good act (row 0) and a misdeed (row 1)."""
        t = self.table
        return np.vstack([np.log(t[:, 0] / t[:, 1]), np.log(t[:, 2] / t[:, 3])])

    def from_evidence(
        self, r: FloatArray, s: FloatArray, a: FloatArray, W: float
    ) -> tuple[FloatArray, FloatArray]:
        p = (r + a * W) / (r + s + W)
        return _logit(p), np.array(r + s, dtype=np.float64)

    def to_evidence(
        self, x: FloatArray, y: FloatArray, a: FloatArray, W: float
    ) -> tuple[FloatArray, FloatArray]:
        p = 1.0 / (1.0 + np.exp(-x))
        ac = np.clip(a, _EPS, 1.0 - _EPS)
        u = np.minimum(np.minimum(W / (y + W), p / ac), (1.0 - p) / (1.0 - ac))
        u = np.maximum(u, _EPS)
        b = np.maximum(p - a * u, 0.0)
        d = np.maximum(1.0 - b - u, 0.0)
        return b * W / u, d * W / u

    def increments(self, sign: FloatArray, strength: FloatArray) -> FloatArray:
        llr = self.llr
        out = np.zeros((2, len(DIMENSIONS)))
        out[0] = np.where(sign > 0, strength * llr[0], np.where(sign < 0, strength * llr[1], 0))
        out[1] = np.where(sign != 0, strength, 0.0)
        return out

    def contact(
        self, x: FloatArray, y: FloatArray, a: FloatArray, W: float
    ) -> tuple[FloatArray, FloatArray]:
        return np.zeros_like(x), np.ones_like(y)

    def decay(
        self,
        x: FloatArray,
        y: FloatArray,
        a: FloatArray,
        f_pos: float | FloatArray,
        f_neg: float | FloatArray,
    ) -> tuple[FloatArray, FloatArray]:
        base = _logit(np.asarray(a, dtype=np.float64))
        dev = x - base
        f = np.where(dev > 0, f_pos, f_neg)
        return base + dev * f, y * f


RULES: dict[str, UpdateRule] = {"evidence": EvidenceRule(), "bayes": BayesTypeRule()}
"""Registered rules by name."""


def get_rule(name: str) -> UpdateRule:
    """The rule registered as ``name`` (InputError listing the choices if unknown)."""
    try:
        return RULES[name]
    except KeyError:
        raise InputError(
            f"unknown trust rule {name!r}; choose one of: {', '.join(sorted(RULES))}"
        ) from None


def step(
    rule: UpdateRule, opinion: Opinion, dimension: str, sign: int, strength: float = 1.0
) -> Opinion:
    """One act applied to one opinion: the scalar form of the replay's update (for tests,
    docs and callers that hold a single opinion)."""
    k = DIMENSIONS.index(dimension)
    a = np.array(opinion.a)
    x, y = rule.from_evidence(np.array(opinion.r), np.array(opinion.s), a, opinion.W)
    sg = np.zeros(len(DIMENSIONS))
    st = np.zeros(len(DIMENSIONS))
    sg[k], st[k] = sign, strength
    inc = rule.increments(sg, st)
    r, s = rule.to_evidence(x + inc[0, k], y + inc[1, k], a, opinion.W)
    return Opinion(float(r), float(s), opinion.a, opinion.W)

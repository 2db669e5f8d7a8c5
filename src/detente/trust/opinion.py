"""Evidence opinions: Beta reputation in subjective-logic form (Jøsang & Ismail 2002).

An :class:`Opinion` holds positive evidence ``r``, negative evidence ``s``, base rate ``a`` and
prior weight ``W``. Belief, disbelief and uncertainty follow Jøsang (2016, §3.5):
``b = r/(r+s+W)``, ``d = s/(r+s+W)``, ``u = W/(r+s+W)``, and expected trust ``P = b + a·u``.
"Unknown" (high ``u``) and "known to cheat" (high ``d``) may share the same ``P`` but are
different opinions; :func:`reading` names the difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["DEFAULT_PRIOR_WEIGHT", "Opinion", "reading"]

DEFAULT_PRIOR_WEIGHT = 2.0
"""Non-informative prior weight W = 2 (Jøsang 2016, eq. 3.11: the uniform Beta prior)."""


@dataclass(frozen=True, slots=True)
class Opinion:
    """A binomial opinion in evidence form: r (positive), s (negative), a (base rate), W."""

    r: float = 0.0
    s: float = 0.0
    a: float = 0.5
    W: float = DEFAULT_PRIOR_WEIGHT

    def __post_init__(self) -> None:
        if not (self.r >= 0.0 and self.s >= 0.0 and math.isfinite(self.r + self.s)):
            raise ValueError(f"evidence must be finite and >= 0, got r={self.r}, s={self.s}")
        if not 0.0 <= self.a <= 1.0:
            raise ValueError(f"base rate must lie in [0, 1], got {self.a}")
        if not self.W > 0.0:
            raise ValueError(f"prior weight W must be > 0, got {self.W}")

    @property
    def b(self) -> float:
        """Belief r/(r+s+W)."""
        return self.r / (self.r + self.s + self.W)

    @property
    def d(self) -> float:
        """Disbelief s/(r+s+W)."""
        return self.s / (self.r + self.s + self.W)

    @property
    def u(self) -> float:
        """Uncertainty W/(r+s+W)."""
        return self.W / (self.r + self.s + self.W)

    @property
    def expected(self) -> float:
        """Expected trust (projected probability) P = b + a·u."""
        return (self.r + self.a * self.W) / (self.r + self.s + self.W)

    @classmethod
    def from_bdu(
        cls, b: float, d: float, u: float, a: float = 0.5, W: float = DEFAULT_PRIOR_WEIGHT
    ) -> Opinion:
        """The opinion with belief ``b``, disbelief ``d``, uncertainty ``u`` (> 0)."""
        if u <= 0.0:
            raise ValueError("uncertainty must be > 0 for an evidence opinion")
        if abs(b + d + u - 1.0) > 1e-9 or min(b, d) < -1e-12:
            raise ValueError(f"need b, d >= 0 and b + d + u = 1, got {b}, {d}, {u}")
        return cls(r=max(b, 0.0) * W / u, s=max(d, 0.0) * W / u, a=a, W=W)

    @classmethod
    def from_expected(
        cls, expected: float, confidence: float, a: float = 0.5, W: float = DEFAULT_PRIOR_WEIGHT
    ) -> Opinion:
        """The opinion with expected trust ``expected`` and uncertainty ``1 − confidence``."""
        u = 1.0 - confidence
        b = expected - a * u
        d = 1.0 - b - u
        if b < -1e-9 or d < -1e-9:
            raise ValueError(
                f"expected {expected} is impossible with confidence {confidence}, base rate {a}"
            )
        return cls.from_bdu(max(b, 0.0), max(d, 0.0), u, a, W)

    def fuse(self, other: Opinion) -> Opinion:
        """Cumulative fusion of independent opinions: evidence adds (Jøsang 2016, eq. 12.18).

        Both opinions must share ``W``; the base rate is the evidence-weighted mean.
        """
        if self.W != other.W:
            raise ValueError("cumulative fusion needs the same prior weight W")
        n1, n2 = self.r + self.s, other.r + other.s
        a = (self.a + other.a) / 2 if n1 + n2 == 0 else (self.a * n1 + other.a * n2) / (n1 + n2)
        return Opinion(self.r + other.r, self.s + other.s, a, self.W)

    def discount(self, other: Opinion) -> Opinion:
        """Probability-sensitive trust discounting (Jøsang 2016, eq. 14.6).

        ``self`` is A's trust in advisor B; ``other`` is B's opinion about x; the result is A's
        derived opinion about x: b = P·b_B, d = P·d_B, u = 1 − P·(b_B + d_B), a = a_B.
        """
        p = self.expected
        b, d = p * other.b, p * other.d
        return Opinion.from_bdu(b, d, 1.0 - b - d, other.a, other.W)

    def decayed(self, factor_pos: float, factor_neg: float | None = None) -> Opinion:
        """Forgetting: r ← λ⁺·r, s ← λ⁻·s (one factor for both if ``factor_neg`` is None)."""
        fn = factor_pos if factor_neg is None else factor_neg
        return Opinion(self.r * factor_pos, self.s * fn, self.a, self.W)

    def reading(self) -> str:
        """A word for the opinion: see :func:`reading`."""
        return reading(self.b, self.d, self.u)


def reading(b: float, d: float, u: float) -> str:
    """Name an opinion so that "unknown" and "known to cheat" never look alike.

    ``unknown`` if u ≥ 0.5; else ``distrusted`` if d ≥ 0.5, ``trusted`` if b ≥ 0.5, ``mixed``.
    """
    if u >= 0.5:
        return "unknown"
    if d >= 0.5:
        return "distrusted"
    if b >= 0.5:
        return "trusted"
    return "mixed"

"""One trust state: every engine reads trust at a date through :func:`trust_state`.

``trust_state(scenario, as_of=None)`` replays the scenario's ledger (with its dated and
undated priors, see docs/explanation/trust-model.md) up to ``as_of`` (default
``meta.as_of``) and returns a :class:`TrustState`: per (truster, trustee, dimension) the
evidence ``r``, ``s``, the base rate ``a`` and the expected value, the *prior-only* and
*ledger-only* readings (the same replay without the ledger, and without the priors), and
the compliance matrix per commitment kind. Bargaining (``scenario_compliance``), the report
and the simulation's starting state are all read from it, so they cannot disagree.

Arrays are indexed ``[truster, trustee, dimension]`` (dimension order :data:`DIMENSIONS`);
the diagonal (an actor's trust in itself) is not defined and holds the no-evidence opinion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError
from detente.trust.behaviour import COMPLIANCE_WEIGHTS, compliance_probability
from detente.trust.opinion import reading
from detente.trust.replay import ReplaySettings, replay
from detente.trust.rules import DIMENSIONS, UpdateRule

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["TrustState", "trust_state"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class TrustState:
    """Replayed trust at one date (build it with :func:`trust_state`)."""

    as_of: dt.date
    actors: tuple[str, ...]
    rule: str
    W: float
    r: FloatArray
    """Positive evidence ``[truster, trustee, dimension]``."""
    s: FloatArray
    """Negative evidence ``[truster, trustee, dimension]``."""
    a: FloatArray
    """Base rates ``[truster, trustee, dimension]``."""
    scenario: Scenario = field(repr=False, compare=False)
    settings: ReplaySettings | None = field(default=None, repr=False, compare=False)
    rule_obj: str | UpdateRule = field(default="evidence", repr=False, compare=False)

    @cached_property
    def _readings(self) -> tuple[FloatArray, FloatArray]:
        return _readings(self.scenario, self.rule_obj, self.as_of, self.settings)

    @property
    def prior_only(self) -> FloatArray:
        """Expected trust from the priors alone (no ledger entry applied; computed on
        first use)."""
        return self._readings[0]

    @property
    def ledger_only(self) -> FloatArray:
        """Expected trust from the ledger alone (every prior dropped; computed on first
        use)."""
        return self._readings[1]

    @property
    def expected(self) -> FloatArray:
        """Expected trust ``P = (r + a·W) / (r + s + W)`` per cell."""
        out: FloatArray = (self.r + self.a * self.W) / (self.r + self.s + self.W)
        return out

    def index(self, actor: str) -> int:
        """Position of ``actor`` on the first two axes."""
        try:
            return self.actors.index(actor)
        except ValueError:
            raise InputError(
                f"unknown actor {actor!r}; expected one of: {', '.join(self.actors)}"
            ) from None

    def value(self, truster: str, trustee: str, dimension: str) -> float:
        """Expected trust of one cell."""
        if dimension not in DIMENSIONS:
            raise InputError(
                f"unknown dimension {dimension!r}; expected one of: {', '.join(DIMENSIONS)}"
            )
        i, j, k = self.index(truster), self.index(trustee), DIMENSIONS.index(dimension)
        return float(self.expected[i, j, k])

    def compliance(self, kind: str = "military") -> dict[tuple[str, str], float]:
        """(truster, trustee) → P(trustee complies with a commitment of ``kind``)
        (:func:`~detente.trust.behaviour.compliance_probability` of the expected values)."""
        if kind not in COMPLIANCE_WEIGHTS:
            raise InputError(
                f"unknown commitment kind {kind!r}; expected one of: "
                f"{', '.join(COMPLIANCE_WEIGHTS)}"
            )
        P = self.expected
        return {
            (ter, tee): compliance_probability(P[i, j], kind)
            for i, ter in enumerate(self.actors)
            for j, tee in enumerate(self.actors)
            if i != j
        }

    def compliance_matrices(self) -> dict[str, dict[tuple[str, str], float]]:
        """:meth:`compliance` for every commitment kind."""
        return {kind: self.compliance(kind) for kind in COMPLIANCE_WEIGHTS}

    def pair_arrays(self, truster: str, trustee: str) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(r, s, a) 4-vectors of one ordered pair: what the simulation starts from."""
        i, j = self.index(truster), self.index(trustee)
        return self.r[i, j].copy(), self.s[i, j].copy(), self.a[i, j].copy()

    def records(self) -> list[dict[str, Any]]:
        """One row per (truster, trustee, dimension): ``truster, trustee, dimension, r, s,
        base_rate, belief, disbelief, uncertainty, expected, reading, prior_only,
        ledger_only`` (the ``trust_start`` records of a simulation)."""
        P = self.expected
        out: list[dict[str, Any]] = []
        for i, ter in enumerate(self.actors):
            for j, tee in enumerate(self.actors):
                if i == j:
                    continue
                for k, dim in enumerate(DIMENSIONS):
                    r, s = float(self.r[i, j, k]), float(self.s[i, j, k])
                    tot = r + s + self.W
                    b, d, u = r / tot, s / tot, self.W / tot
                    out.append(
                        {
                            "truster": ter,
                            "trustee": tee,
                            "dimension": dim,
                            "r": r,
                            "s": s,
                            "base_rate": float(self.a[i, j, k]),
                            "belief": b,
                            "disbelief": d,
                            "uncertainty": u,
                            "expected": float(P[i, j, k]),
                            "reading": reading(b, d, u),
                            "prior_only": float(self.prior_only[i, j, k]),
                            "ledger_only": float(self.ledger_only[i, j, k]),
                        }
                    )
        return out


def _expected_tjk(scenario: Scenario, rule: str | UpdateRule, as_of: dt.date | None,
                  settings: ReplaySettings | None) -> tuple[FloatArray, FloatArray, FloatArray,
                                                            float, tuple[str, ...]]:  # fmt: skip
    hist = replay(scenario, rule=rule, as_of=as_of, settings=settings)
    r, s, a = hist.final_state()  # [trustee, dimension, truster]
    return (
        np.transpose(r, (2, 0, 1)),
        np.transpose(s, (2, 0, 1)),
        np.transpose(a, (2, 0, 1)),
        hist.compiled.W,
        hist.actors,
    )


def _readings(
    scenario: Scenario,
    rule: str | UpdateRule,
    as_of: dt.date | None,
    settings: ReplaySettings | None,
) -> tuple[FloatArray, FloatArray]:
    """Expected trust from the priors alone and from the ledger alone."""
    out = []
    for update in ({"ledger": ()}, {"trust": ()}):
        r, s, a, W, _ = _expected_tjk(scenario.model_copy(update=update), rule, as_of, settings)
        out.append((r + a * W) / (r + s + W))
    return out[0], out[1]


def trust_state(
    scenario: Scenario,
    as_of: dt.date | None = None,
    *,
    rule: str | UpdateRule = "evidence",
    settings: ReplaySettings | None = None,
) -> TrustState:
    """The replayed trust of every ordered pair at the end of ``as_of`` (default
    ``meta.as_of``): the one trust state bargaining, the report and the simulation use."""
    r, s, a, W, actors = _expected_tjk(scenario, rule, as_of, settings)
    return TrustState(
        as_of=as_of or scenario.meta.as_of,
        actors=actors,
        rule=rule if isinstance(rule, str) else type(rule).__name__,
        W=W,
        r=r,
        s=s,
        a=a,
        scenario=scenario,
        settings=settings,
        rule_obj=rule,
    )

"""``IssueData``: one issue as arrays, the only input every forecast model sees.

An issue is a one-dimensional policy scale (for example 0–100, or the 4–10 "year a standard
starts" scale of the emission-standards case). Each actor with a stated position contributes
one entry to ``positions``, ``saliences`` and ``capabilities``; the arrays are aligned with
``actors``. ``status_quo`` and ``outcome`` are on the same scale, or ``None`` when unknown.

Build instances with :func:`make_issue`, which validates once and freezes the arrays; inside the
package the types are trusted (style guide §3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.errors import InputError

__all__ = ["FloatArray", "IssueData", "WarContext", "make_issue", "replace_inputs"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class WarContext:
    """What a scenario file adds to an issue: red lines, vetoes and the war lottery.

    Built by :mod:`detente.forecast.scenario_adapter` from the scenario and
    :func:`detente.bargaining.build_problem`; ``None`` for issues read from a long CSV.

    Attributes:
        contested: fighting moves this issue (the status quo is the line of contact).
        lo, hi: each actor's red lines (acceptable range), aligned with the issue's actors;
            the scale ends when the actor states none.
        veto: whether each actor's consent is needed for a settlement.
        belligerents: the war's two sides ``(A, B)``, or ``()`` without a war model.
        p_a, p_b, stalemate: probabilities that continued fighting ends with A's terms, B's
            terms, or the line where it is (``p_a + p_b + stalemate = 1``).
        terms_a, terms_b: the value each side imposes on this issue if it prevails.
    """

    contested: bool
    lo: FloatArray
    hi: FloatArray
    veto: BoolArray
    belligerents: tuple[str, ...] = ()
    p_a: float = 0.0
    p_b: float = 0.0
    stalemate: float = 1.0
    terms_a: float | None = None
    terms_b: float | None = None

    @property
    def has_war(self) -> bool:
        """Whether a war lottery is defined for this issue."""
        return len(self.belligerents) == 2 and self.terms_a is not None


@dataclass(frozen=True, eq=False)
class IssueData:
    """One issue, as aligned read-only arrays (one entry per actor with a position).

    Attributes:
        issue_id: the issue's identifier.
        actors: actor ids, aligned with the arrays.
        positions: each actor's ideal point on the issue scale.
        saliences: how much the issue matters to each actor (>= 0; any common unit).
        capabilities: each actor's power or voting weight (>= 0; any common unit).
        status_quo: the reversion point if no agreement is reached, or ``None``.
        outcome: the observed outcome (for backtests), or ``None``.
        capability_source: where the capabilities come from (``"data"`` for a column of the
            input, or a named source); ``None`` when none were given and all are 1.0.
        context: red lines, vetoes and the war lottery of a scenario issue (or ``None``).
    """

    issue_id: str
    actors: tuple[str, ...]
    positions: FloatArray
    saliences: FloatArray
    capabilities: FloatArray
    status_quo: float | None = None
    outcome: float | None = None
    capability_source: str | None = None
    context: WarContext | None = None

    @property
    def n_actors(self) -> int:
        """Number of actors with a position."""
        return len(self.actors)

    @property
    def weights(self) -> FloatArray:
        """Capability × salience, the compromise model's weights."""
        w: FloatArray = self.capabilities * self.saliences
        return w


def _frozen(values: Sequence[float] | FloatArray, name: str, n: int, issue_id: str) -> FloatArray:
    arr = np.array(values, dtype=np.float64)
    if arr.shape != (n,):
        raise InputError(f"issue {issue_id!r}: {name} has {arr.size} values for {n} actors")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"issue {issue_id!r}: {name} must be finite numbers")
    arr.setflags(write=False)
    return arr


def make_issue(
    issue_id: str,
    actors: Sequence[str],
    positions: Sequence[float] | FloatArray,
    saliences: Sequence[float] | FloatArray | None = None,
    capabilities: Sequence[float] | FloatArray | None = None,
    *,
    status_quo: float | None = None,
    outcome: float | None = None,
    capability_source: str | None = "data",
    context: WarContext | None = None,
) -> IssueData:
    """Validate and freeze one issue. ``None`` saliences or capabilities mean "all equal" (1.0).

    ``capability_source`` names where given capabilities come from (default ``"data"``); it is
    recorded as ``None`` whenever ``capabilities`` is ``None`` (no capabilities given).

    Raises :class:`~detente.errors.InputError` for duplicate actors, misaligned arrays,
    non-finite values or negative saliences/capabilities, or weights that are all zero.
    """
    ids = tuple(str(a) for a in actors)
    n = len(ids)
    if len(set(ids)) != n:
        dup = sorted({a for a in ids if ids.count(a) > 1})
        raise InputError(f"issue {issue_id!r}: actor(s) listed twice: {', '.join(dup)}")
    pos = _frozen(positions, "positions", n, issue_id)
    sal = _frozen(np.ones(n) if saliences is None else saliences, "saliences", n, issue_id)
    cap = _frozen(np.ones(n) if capabilities is None else capabilities, "capabilities", n, issue_id)
    for name, arr in (("saliences", sal), ("capabilities", cap)):
        if np.any(arr < 0):
            raise InputError(f"issue {issue_id!r}: {name} must be >= 0")
    if n and not np.any(sal * cap > 0):
        raise InputError(f"issue {issue_id!r}: every actor has zero capability × salience")
    for name, v in (("status_quo", status_quo), ("outcome", outcome)):
        if v is not None and not np.isfinite(v):
            raise InputError(f"issue {issue_id!r}: {name} must be a finite number")
    return IssueData(
        issue_id=str(issue_id),
        actors=ids,
        positions=pos,
        saliences=sal,
        capabilities=cap,
        status_quo=None if status_quo is None else float(status_quo),
        outcome=None if outcome is None else float(outcome),
        capability_source=None if capabilities is None else capability_source,
        context=context,
    )


def replace_inputs(
    issue: IssueData, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
) -> IssueData:
    """A copy of ``issue`` with new (already valid) actor arrays: used by the Monte Carlo."""
    return IssueData(
        issue_id=issue.issue_id,
        actors=issue.actors,
        positions=positions,
        saliences=saliences,
        capabilities=capabilities,
        status_quo=issue.status_quo,
        outcome=issue.outcome,
        capability_source=issue.capability_source,
        context=issue.context,
    )

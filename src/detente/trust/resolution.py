"""Ledger resolution: is a commitment (or a claim with terms) kept, partly kept, broken or
unverifiable, and which observations decided it?

Each observation or event that refers to the entry gives a verdict: its ``assessment`` if
stated, else a verdict computed from ``value``/``baseline`` against the matching term (same
indicator, and region if both name one), else the kind of event (a violation or offensive
says "broken"; an exchange, gesture or signed agreement says "kept"). Verdicts score
kept 1, partly kept 0.5, broken 0 and are averaged with weights = their *credibility*
(verification confidence × the prior accuracy of their source). The entry is

* ``unverifiable`` if the total credibility is below :data:`MIN_CREDIBILITY` (including no
  verdict at all) — never counted as kept;
* ``kept`` if the weighted score ≥ 0.8, ``broken`` if ≤ 0.2, else ``partly_kept``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from detente.scenario.schema import (
    CommitmentTerm,
    Direction,
    EventType,
)

__all__ = [
    "BROKEN_EVENTS",
    "KEPT_EVENTS",
    "MIN_CREDIBILITY",
    "SCORES",
    "Resolution",
    "Verdict",
    "combine",
    "term_verdict",
]

MIN_CREDIBILITY = 0.5
"""Least total credibility for a verdict (e.g. one independently verified report, 0.9·0.8)."""

SCORES = {"kept": 1.0, "partly_kept": 0.5, "broken": 0.0}
KEPT_EVENTS = frozenset(
    {EventType.prisoner_exchange, EventType.gesture, EventType.agreement_signed}
)
BROKEN_EVENTS = frozenset(
    {EventType.violation, EventType.offensive, EventType.atrocity, EventType.agreement_ended}
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One ledger entry's verdict on a commitment, with its credibility (0–1)."""

    entry_id: str
    source: str
    verdict: str
    credibility: float


@dataclass(frozen=True, slots=True)
class Resolution:
    """How a commitment or claim resolved, on which date, decided by which verdicts."""

    entry_id: str
    by: str
    date: dt.date
    outcome: str
    score: float | None
    credibility: float
    deciding: tuple[Verdict, ...]

    def as_record(self) -> dict[str, object]:
        """A flat record for tables and JSON."""
        return {
            "entry": self.entry_id,
            "by": self.by,
            "date": self.date,
            "outcome": self.outcome,
            "score": self.score,
            "credibility": round(self.credibility, 4),
            "deciding": [v.entry_id for v in self.deciding],
        }


def term_verdict(term: CommitmentTerm, value: float, baseline: float | None) -> str | None:
    """Verdict on one term from an observed ``value`` (and the pre-commitment ``baseline``).

    The share of the promised change achieved decides: all of it → kept, at least half →
    partly kept, less → broken. cease: the promised change is baseline → 0 (without a
    baseline only 0 counts as kept); decrease/increase by ``size`` (default 0.5): baseline →
    baseline·(1 ∓ size); complete: 0 → ``size`` (the target count; without one, any positive
    value is kept). maintain: within 10 % of baseline → kept, within 25 % → partly kept.
    ``None`` if the term cannot be judged from these numbers (no baseline where needed).
    """
    d = term.direction
    if d is Direction.complete:
        if term.size is None or term.size <= 0:
            return "kept" if value > 0 else "broken"
        return _by_share(value / term.size)
    if d is Direction.cease:
        if value <= 0:
            return "kept"
        if baseline is None or baseline <= 0:
            return "broken"
        return _by_share((baseline - value) / baseline)
    if baseline is None:
        return None
    if d is Direction.maintain:
        gap = abs(value - baseline) / max(abs(baseline), 1e-9)
        return "kept" if gap <= 0.1 else ("partly_kept" if gap <= 0.25 else "broken")
    size = 0.5 if term.size is None else term.size
    promised = abs(baseline) * size
    if promised <= 0:
        return "kept"
    change = baseline - value if d is Direction.decrease else value - baseline
    return _by_share(change / promised)


def _by_share(share: float) -> str:
    return "kept" if share >= 1.0 - 1e-9 else ("partly_kept" if share >= 0.5 else "broken")


def combine(verdicts: list[Verdict]) -> tuple[str, float | None, float, tuple[Verdict, ...]]:
    """(outcome, score, total credibility, deciding verdicts by credibility) from verdicts."""
    usable = [v for v in verdicts if v.verdict in SCORES and v.credibility > 0]
    total = sum(v.credibility for v in usable)
    deciding = tuple(sorted(usable, key=lambda v: (-v.credibility, v.entry_id)))
    if total < MIN_CREDIBILITY:
        return "unverifiable", None, total, deciding
    score = sum(SCORES[v.verdict] * v.credibility for v in usable) / total
    outcome = "kept" if score >= 0.8 else ("broken" if score <= 0.2 else "partly_kept")
    return outcome, score, total, deciding

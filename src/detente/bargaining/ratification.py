"""What a red-line move past a ratification commitment needs, for the reports.

A public commitment that names a ``ratification`` (Ukraine's Constitution: a change of
territory only by an all-Ukrainian referendum) makes a settlement that takes the actor's red
line past its ``level`` depend on the ratifiers' acceptance (Putnam 1988; the model is in
:mod:`detente.bargaining.redlines`, whose :func:`~detente.bargaining.redlines.ratified` decides
and the simulation's ``MoveSet.ratified`` applies). The analysis (``analyze``,
``what-it-takes``) prices such a move like any other crossing; this module says, next to each
move it reports, whether the move needs ratification, by whom, the latest measured acceptance
dated by ``as_of`` and whether it clears the majority. Reporting only: no figure depends on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.bargaining.redlines import past_level, ratified

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["Ratification", "move_ratification", "ratification_note", "ratifications"]


@dataclass(frozen=True)
class Ratification:
    """A public commitment naming a ratification, as read at a date (one actor, one issue)."""

    actor: str
    issue: str
    by: str  # who must ratify (``PublicCommitment.ratification``)
    level: float  # past this point a settlement needs ratification
    majority: float
    share: float | None  # latest acceptance share dated by as_of (None: none measured)
    measured: dt.date | None  # its date
    note: str | None  # what was asked, by whom
    sources: tuple[str, ...]  # the share's sources

    def needed(self, to: float, is_min: bool) -> bool:
        """Whether a line moved to ``to`` lies past ``level`` (a minimum below it, a maximum
        above it: :func:`~detente.bargaining.redlines.past_level`)."""
        return bool(past_level(to, is_min, self.level))

    def record(self, to: float, is_min: bool) -> dict[str, Any] | None:
        """The ``ratification`` field of a reported move to ``to``: None when the move stays
        on the actor's side of ``level``; else who must ratify, the level, the majority, the
        latest share (None: unknown) with its date, note and sources, and ``ratified``: True or
        False as the ratifiers' share clears the majority or not, None when no share is known
        (the actor's own evaluation then stands in, as in the simulation)."""
        if not self.needed(to, is_min):
            return None
        ok = None
        if self.share is not None:
            ok = ratified([to], [is_min], [self.level], [self.share], self.majority)
        return {
            "by": self.by,
            "level": self.level,
            "majority": self.majority,
            "share": None if self.share is None else round(self.share, 6),
            "share_date": None if self.measured is None else self.measured.isoformat(),
            "share_note": self.note,
            "share_sources": list(self.sources),
            "ratified": ok,
        }


def ratifications(
    scenario: Scenario, as_of: dt.date | None = None
) -> dict[tuple[str, str], Ratification]:
    """(actor, issue) → the ratification commitment current at ``as_of`` (default
    ``meta.as_of``: the latest public commitment on or before it, when it names a
    ``ratification``) with the latest acceptance share dated on or before that day."""
    when = as_of or scenario.meta.as_of
    out: dict[tuple[str, str], Ratification] = {}
    for key, c in scenario.current_commitments(when).items():
        if c.ratification is None:
            continue
        known = [a for a in c.acceptance if a.date <= when]
        last = max(known, key=lambda a: a.date) if known else None
        out[key] = Ratification(
            actor=c.actor,
            issue=c.issue,
            by=c.ratification,
            level=float(c.level),
            majority=float(c.majority),
            share=None if last is None else last.share,
            measured=None if last is None else last.date,
            note=None if last is None else last.note,
            sources=() if last is None else tuple(last.sources),
        )
    return out


def move_ratification(
    table: Mapping[tuple[str, str], Ratification],
    actor: str,
    issue: str,
    bound: str,
    to: float,
) -> dict[str, Any] | None:
    """The ``ratification`` field of ``actor``'s ``bound`` (``min``/``max``) line on ``issue``
    moved to ``to`` (:meth:`Ratification.record`; None without such a commitment)."""
    r = table.get((actor, issue))
    return None if r is None else r.record(float(to), bound == "min")


def ratification_note(actor: str, issue: str, rec: Mapping[str, Any]) -> str:
    """One sentence for a text report: ``UA crimea: needs an all-Ukrainian referendum;
    latest acceptance 0.38 (KIIS …, 2025-10-01) not above the majority 0.5``."""
    head = f"{actor} {issue}: past {rec['level']:g} needs {_article(rec['by'])}"
    if rec["share"] is None:
        return f"{head}; no acceptance measured (the actor's own evaluation stands in)"
    verdict = "above" if rec["ratified"] else "not above"
    return (
        f"{head}; latest acceptance {rec['share']:.2f} ({rec['share_note']}, "
        f"{rec['share_date']}) {verdict} the majority {rec['majority']:g}"
    )


def _article(by: str) -> str:
    return ("an " if by[:1].lower() in "aeiou" else "a ") + by

"""Which tracks can settle which bundle: the talks' channels as seen by the bargaining analysis.

A bundle can be agreed only where someone can agree it. The scenario's tracks
(:mod:`detente.scenario.tracks`) say who sits where and what each channel can settle; the
refusals holding at ``as_of`` close the tracks on which the refusing and the refused would
meet at a refused level (a leaders' refusal closes the leaders' track, not a military one);
a track whose agreements need endorsement counts only if the endorsing track is open. A bundle
that no open track can settle is out of reach whatever its zone (docs/explanation/tracks.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.scenario.tracks import (
    TrackStatus,
    bundle_tracks,
    effective_tracks,
    track_status,
    withdrawal_date,
)

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["TrackView", "track_view"]


@dataclass(frozen=True)
class TrackView:
    """The tracks of a scenario at a date: per bundle, the open tracks that can settle it and
    the closed ones that could; and the documents of the tracks and refusals."""

    by_bundle: dict[str, tuple[tuple[str, ...], tuple[TrackStatus, ...]]]
    tracks: list[dict[str, Any]]
    refusals: list[dict[str, Any]]
    mediators: list[dict[str, Any]]

    def bundle_document(self, bundle: str) -> dict[str, Any]:
        """``tracks`` (ids of the open tracks that can settle it; empty when none can) and
        ``closed_tracks`` (those that could, with why they cannot)."""
        able, closed = self.by_bundle.get(bundle, ((), ()))
        return {
            "tracks": list(able),
            "closed_tracks": [
                {"track": c.track, "reason": c.reason, "refusals": list(c.refusals)} for c in closed
            ],
        }


def track_view(scenario: Scenario, as_of: dt.date | None = None) -> TrackView:
    """The :class:`TrackView` of ``scenario`` at ``as_of`` (default ``meta.as_of``)."""
    when = as_of or scenario.meta.as_of
    tracks = []
    for t in effective_tracks(scenario):
        st = track_status(scenario, t, when)
        tracks.append(
            {
                "id": t.id,
                "name": t.name,
                "participants": [
                    {"actor": p.actor, "level": p.level.value} for p in t.participants
                ],
                "mediator": t.mediator,
                "host": t.host,
                "cadence": t.cadence,
                "bundles": list(t.bundles),
                "endorsement": t.endorsement,
                "unofficial": t.track_two is not None,
                "open": st.open,
                "closed_reason": st.reason,
                "closed_by": list(st.refusals),
                "sources": list(t.sources),
                "assumption": t.assumption,
            }
        )
    refusals = [
        {
            "id": r.id,
            "by": r.by,
            "refuses": r.refuses,
            "levels": [lv.value for lv in r.levels],
            "reason": r.reason.value,
            "text": r.text,
            "since": r.since.isoformat(),
            "until": None if r.until is None else r.until.isoformat(),
            "active": r.active(when),
            "sources": list(r.sources),
        }
        for r in scenario.refusals
    ]
    mediators = []
    for m in scenario.mediators:
        gone = withdrawal_date(scenario, m.actor)
        mediators.append(
            {
                "actor": m.actor,
                "leverage": [
                    {"kind": lv.kind.value, "on": lv.on, "cost_of_fighting": lv.cost_of_fighting}
                    for lv in m.leverage
                ],
                "withdrawal_date": None if gone is None else gone.isoformat(),
                "withdraws_after_stalled_rounds": (
                    None if m.withdrawal is None else m.withdrawal.after_stalled_rounds
                ),
                "withdrawn": gone is not None and gone <= when,
            }
        )
    return TrackView(bundle_tracks(scenario, when), tracks, refusals, mediators)

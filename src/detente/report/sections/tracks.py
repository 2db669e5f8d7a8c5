"""Report section: who talks to whom — the tracks, who refuses to meet whom, the mediators,
and which tracks can settle each bundle at ``as_of`` (docs/explanation/tracks.md).

Omitted when the scenario declares no tracks, refusals or mediators (then the one implicit
track, the veto parties' leaders, settles everything and there is nothing to show).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.labels import Names
from detente.report.base import DataTable, ReportContext, Section, html_table

if TYPE_CHECKING:
    from detente.bargaining.tracks import TrackView

__all__ = ["build"]


def build(ctx: ReportContext) -> Section | None:
    """The tracks section, or ``None`` without tracks, refusals or mediators."""
    from detente.bargaining.tracks import track_view

    s = ctx.scenario
    if not (s.tracks or s.refusals or s.mediators):
        return None
    a = ctx.cache.get("bargaining")
    view: TrackView = a.tracks if a is not None and a.tracks is not None else track_view(s)
    n = Names.of(s)
    track_rows = [
        {
            "track": t["name"],
            "who (level)": "; ".join(
                f"{n.actor(p['actor'])} ({p['level']})" for p in t["participants"]
            ),
            "mediator / host": " / ".join(n.actor(x) for x in (t["mediator"], t["host"]) if x)
            or None,
            "can settle": ", ".join(n.bundle(b) for b in t["bundles"])
            or ("(Track II)" if t["unofficial"] else None),
            "endorsed by": n.track(t["endorsement"]) if t["endorsement"] else None,
            f"open on {s.meta.as_of}": t["open"],
            "why closed": None
            if t["open"]
            else n.words(f"{t['closed_reason']} {', '.join(t['closed_by'])}".strip()),
        }
        for t in view.tracks
    ]
    refusal_rows = [
        {
            "who": n.actor(r["by"]),
            "refuses to meet": n.actor(r["refuses"]),
            "levels": ", ".join(r["levels"]),
            "reason": n.words(str(r["reason"])) if r["reason"] else None,
            "since": r["since"],
            "until": r["until"],
            f"holds on {s.meta.as_of}": r["active"],
        }
        for r in view.refusals
    ]
    bundle_rows = [
        {
            "bundle": n.bundle(b),
            "open tracks that can settle it": ", ".join(n.track(x) for x in able) or "none",
            "closed tracks": "; ".join(
                f"{n.track(c.track)} ({n.words(c.reason or '')})" for c in closed
            )
            or None,
        }
        for b, (able, closed) in view.by_bundle.items()
    ]
    parts = [
        "<p>Which channels of talks exist, who refuses to meet whom, and which bundles each "
        "open channel can settle. A refusal closes the tracks on which the two would meet at "
        "a refused level.</p>",
        html_table(track_rows, caption="Tracks"),
        html_table(refusal_rows, caption="Who refuses to meet whom"),
        html_table(bundle_rows, caption="Bundles and the tracks that can settle them"),
    ]
    data = [
        DataTable("tracks", "Tracks", track_rows),
        DataTable("refusals", "Who refuses to meet whom", refusal_rows),
        DataTable("bundles", "Bundles and the tracks that can settle them", bundle_rows),
    ]
    if view.mediators:
        mediator_rows = [
            {
                "mediator": n.actor(m["actor"]),
                "leverage": "; ".join(
                    f"{lv['kind']} on {n.actor(lv['on'])} ({lv['cost_of_fighting']:+g}/period)"
                    for lv in m["leverage"]
                )
                or None,
                "withdraws": m["withdrawal_date"]
                or (
                    f"after {m['withdraws_after_stalled_rounds']} stalled rounds"
                    if m["withdraws_after_stalled_rounds"]
                    else None
                ),
                f"withdrawn by {s.meta.as_of}": m["withdrawn"],
            }
            for m in view.mediators
        ]
        data.append(DataTable("mediators", "Mediators", mediator_rows))
        parts.append(html_table(mediator_rows, caption="Mediators"))
    closed = sum(1 for able, _ in view.by_bundle.values() if not able)
    summary = (
        f"{len(view.tracks)} tracks, {sum(r['active'] for r in view.refusals)} refusal(s) holding; "
        f"{closed} bundle(s) no open track can settle"
    )
    return Section("tracks", "Who talks to whom", "".join(parts), summary, tuple(data))

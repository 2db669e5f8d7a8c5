"""The scenario page's tracks panel: which channel of talks can settle each bundle, who refuses
to meet whom, the mediators, and the tracks that are closed and why.

Everything comes from the ``detente.analyze`` document (``tracks``, ``refusals``,
``mediators``, and each bundle's ``tracks`` / ``closed_tracks``; docs/explanation/tracks.md):
this module only turns them into table rows with names in words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["TABLES", "routes", "tracks_panel"]

TABLES = ("tracks", "bundles", "refusals", "mediators")
"""The panel's tables, each downloadable as CSV or JSON."""

_REASONS = {
    "refused": "a refusal holds",
    "ended": "ended",
    "not_started": "not started",
    "endorsement_closed": "its endorsing track is closed",
    "mediator_withdrew": "its mediator withdrew",
}


def _reason(code: str | None) -> str:
    return "" if code is None else _REASONS.get(code, code.replace("_", " "))


def tracks_panel(doc: dict[str, Any], actors: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The panel's tables from an analysis document (``actors``: id -> name).

    ``tracks``: one row per track (who sits there at which level, mediator and host, what it
    can settle, open or closed at ``as_of`` and why); ``bundles``: per bundle the open tracks
    that can settle it and the closed ones that could; ``refusals`` and ``mediators``.
    """
    tracks = doc.get("tracks") or []
    track_names = {t["id"]: t["name"] for t in tracks}
    bundle_names = {b["id"]: b.get("name") or b["id"] for b in doc.get("bundles") or []}

    def who(a: str | None) -> str:
        return "" if a is None else actors.get(a, a)

    track_rows = [
        {
            "track_id": t["id"],
            "track": t["name"],
            "participants": "; ".join(
                f"{who(p['actor'])} ({p['level']})" for p in t.get("participants") or []
            ),
            "mediator": who(t.get("mediator")),
            "host": who(t.get("host")),
            "can_settle": ", ".join(bundle_names.get(b, b) for b in t.get("bundles") or []),
            "endorsement": track_names.get(t.get("endorsement") or "", t.get("endorsement") or ""),
            "unofficial": bool(t.get("unofficial")),
            "open": bool(t.get("open")),
            "why_closed": "" if t.get("open") else _reason(t.get("closed_reason")),
            "closed_by": ", ".join(t.get("closed_by") or []),
            "cadence": t.get("cadence"),
            "assumption": t.get("assumption") or "",
        }
        for t in tracks
    ]
    bundle_rows = [
        {
            "bundle_id": b["id"],
            "bundle": bundle_names[b["id"]],
            "zone": "open" if b.get("zone_exists") else "closed",
            "open_tracks": ", ".join(track_names.get(x, x) for x in b.get("tracks") or []),
            "in_reach": bool(b.get("tracks")),
            "closed_tracks": "; ".join(
                f"{track_names.get(c['track'], c['track'])} ({_reason(c['reason'])}"
                + (f": {', '.join(c['refusals'])}" if c.get("refusals") else "")
                + ")"
                for c in b.get("closed_tracks") or []
            ),
        }
        for b in doc.get("bundles") or []
    ]
    refusal_rows = [
        {
            "refusal_id": r["id"],
            "by": who(r["by"]),
            "refuses": who(r["refuses"]),
            "levels": ", ".join(r.get("levels") or []),
            "reason": str(r.get("reason") or "").replace("_", " "),
            "since": r.get("since"),
            "until": r.get("until"),
            "holds": bool(r.get("active")),
            "text": r.get("text") or "",
        }
        for r in doc.get("refusals") or []
    ]
    mediator_rows = [
        {
            "mediator": who(m["actor"]),
            "leverage": "; ".join(
                f"{lv['kind'].replace('_', ' ')} on {who(lv['on'])} "
                f"({lv['cost_of_fighting']:+g} cost of fighting per period)"
                for lv in m.get("leverage") or []
            ),
            "withdraws": m.get("withdrawal_date")
            or (
                f"after {m['withdraws_after_stalled_rounds']} stalled rounds"
                if m.get("withdraws_after_stalled_rounds")
                else ""
            ),
            "withdrawn": bool(m.get("withdrawn")),
        }
        for m in doc.get("mediators") or []
    ]
    return {
        "tracks": track_rows,
        "bundles": bundle_rows,
        "refusals": refusal_rows,
        "mediators": mediator_rows,
    }


def routes(
    entry_of: Callable[[Request], Any],
    seed_of: Callable[[Request], int],
    analysis: Callable[[Any, int], Any],
    download: Callable[[list[dict[str, Any]], str, str], Response],
) -> list[Route]:
    """``/scenario/{sid}/tracks/{table}.{csv|json}``: a table of the panel as data."""
    import asyncio

    async def tracks_download(request: Request) -> Response:
        e = entry_of(request)
        table = request.path_params["table"]
        if table not in TABLES:
            raise HTTPException(404, f"Tracks tables are {', '.join(TABLES)}")
        a = await asyncio.to_thread(analysis, e, seed_of(request))
        rows = tracks_panel(a.to_dict(), {x.id: x.name for x in e.scenario.actors})[table]
        return download(rows, request.path_params["fmt"], f"{e.id}-tracks-{table}")

    return [Route("/scenario/{sid}/tracks/{table}.{fmt:str}", tracks_download)]

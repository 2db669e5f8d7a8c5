"""The workspace's trainer mode: play one side against a strategy (:mod:`detente.simulate.play`).

The session lives in the page address only (scenario id, side, strategy, bundle, seed and the
move list), so every page is a permalink that replays it, and users share nothing: the server
keeps no session state. A move is a GET with ``act`` (``offer`` with one ``x.<issue>`` value per
issue of the bundle, ``accept`` or ``reject``): the server appends it to the move list and
answers with the canonical address (a redirect, or for HTMX the updated session with
``HX-Push-Url``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from detente.api.numbers import ISSUE_VALUE, in_range, query, real
from detente.core import DEFAULT_SEED
from detente.errors import DetenteError, OptionValueError
from detente.scenario.load import ScenarioError
from detente.simulate.play import PlayState, offer, parse_moves, replay, respond, start
from detente.simulate.strategies import STRATEGIES
from detente.web.charts import to_json
from detente.web.store import Entry, ScenarioStore

__all__ = ["play_chart", "play_routes", "play_rows"]

Render = Callable[..., Response]
Download = Callable[[list[dict[str, Any]], str, str], Response]


def play_rows(state: PlayState) -> list[dict[str, Any]]:
    """The transcript as a table: one row per offer (the trainee's and the counters), with
    each belligerent's utility, the model's verdict and the opponent's answer."""
    g = state.game
    a_id, b_id = g.model.actor_ids[:2]
    rows = []
    for t in state.turns:
        for who, card in (("trainee", t.offer), ("opponent", t.counter)):
            if card is None:
                continue
            rows.append(
                {
                    "round": t.round,
                    "by": g.names.get(card.by, card.by),
                    "role": who,
                    **{f"term.{k}": v for k, v in card.terms.items()},
                    f"utility.{a_id}": _r(card.utility.get(a_id)),
                    f"utility.{b_id}": _r(card.utility.get(b_id)),
                    "in_zone": card.in_zone,
                    "in_zone_distrust": card.in_zone_distrust,
                    "red_lines_crossed": len(card.crossed),
                    "crossing_cost": _r(sum(c["cost"] for c in card.crossed)),
                    "concession": _r(card.concession),
                    "likely_acceptance": _r(card.acceptance),
                    "outcome": (
                        ("accepted" if t.accepted else t.reason)
                        if who == "trainee"
                        else (t.response or "pending")
                    ),
                    "verdict": card.verdict,
                }
            )
    return rows


def _r(v: float | None) -> float | None:
    return None if v is None else round(float(v), 4)


def play_chart(state: PlayState, title: str) -> dict[str, Any]:
    """Both belligerents' utility of every offer, round by round."""
    g = state.game
    long = []
    for t in state.turns:
        for role, card in (("trainee's offer", t.offer), ("opponent's counter", t.counter)):
            if card is None:
                continue
            for aid in g.model.actor_ids[:2]:
                if aid in card.utility:
                    long.append(
                        {
                            "round": t.round,
                            "offer": role,
                            "party": g.names.get(aid, aid),
                            "utility": round(card.utility[aid], 4),
                            "verdict": card.verdict,
                        }
                    )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 480,
        "data": {"values": long},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {
                "field": "round",
                "type": "ordinal",
                "title": "Round",
                "axis": {"labelAngle": 0},
            },
            "y": {
                "field": "utility",
                "type": "quantitative",
                "title": "Utility of the offer (0–1)",
            },
            "color": {"field": "party", "type": "nominal", "title": "Utility to"},
            "strokeDash": {"field": "offer", "type": "nominal", "title": "Offer"},
            "tooltip": [
                {"field": "round", "title": "Round"},
                {"field": "offer", "title": "Offer"},
                {"field": "party", "title": "Utility to"},
                {"field": "utility", "title": "Utility", "format": ".3f"},
                {"field": "verdict", "title": "The model's verdict"},
            ],
        },
    }


def _params(request: Request) -> dict[str, Any]:
    q = request.query_params
    from detente.api.numbers import SEED, query

    try:
        seed = int(query(q.get("seed", str(DEFAULT_SEED)), SEED))
    except ValueError as err:
        raise HTTPException(400, str(err)) from None
    strategy = q.get("strategy", "linear")
    if strategy not in STRATEGIES:
        raise HTTPException(
            400, f"strategy: unknown strategy; expected one of: {', '.join(STRATEGIES)}"
        )
    moves = q.get("moves", "")
    if len(moves) > 4000:
        raise HTTPException(400, "moves: the move list is too long")
    return {
        "side": q.get("side") or None,
        "strategy": strategy,
        "bundle": q.get("bundle", "settlement"),
        "seed": seed,
        "moves": moves,
    }


def _canonical(sid: str, state: PlayState) -> str:
    d = state.to_dict()
    query = {
        "side": d["side"],
        "strategy": d["strategy"],
        "bundle": d["bundle"],
        "seed": d["seed"],
    }
    if d["moves"]:
        query["moves"] = d["moves"]
    return f"/scenario/{sid}/play?{urlencode(query, safe=':,~')}"


def _issue_value(text: str) -> float:
    """A value of ``moves=`` read by the one numeric parser (ValueError saying what is wrong)."""
    try:
        return real(text, ISSUE_VALUE)
    except OptionValueError as err:
        raise ValueError(err.detail) from None


def play_routes(store: ScenarioStore, render: Render, download: Download) -> list[Route]:
    """The trainer mode's routes (registered by :func:`detente.web.app.create_app`)."""

    def entry_of(request: Request) -> Entry:
        try:
            return store.get(request.path_params["sid"])
        except KeyError:
            raise HTTPException(404, "No such scenario") from None
        except ScenarioError as err:
            raise HTTPException(422, str(err)) from None

    def session(e: Entry, p: dict[str, Any]) -> PlayState:
        key = ("play", e.sha256, p["side"], p["strategy"], p["bundle"], p["seed"])
        try:
            fresh = store.cache.get_or_make(
                key,
                lambda: start(
                    e.scenario,
                    side=p["side"],
                    strategy=p["strategy"],
                    bundle=p["bundle"],
                    seed=p["seed"],
                ),
            )
            moves = parse_moves(p["moves"], len(fresh.game.issues), number=_issue_value)
            return replay(fresh, moves)
        except DetenteError as err:
            raise HTTPException(400, str(err)) from None

    def act(state: PlayState, request: Request) -> PlayState:
        q = request.query_params
        what = q.get("act")
        try:
            if what == "offer":
                terms = {}
                for iid in state.game.issues:
                    raw = q.get(f"x.{iid}")
                    if raw is None:
                        raise HTTPException(400, f"x.{iid}: missing a value for this issue")
                    try:  # the one numeric parser, on the issue's 0..100 scale
                        terms[iid] = float(query(raw, in_range(f"x.{iid}", 0.0, 100.0)))
                    except ValueError as err:
                        raise HTTPException(400, str(err)) from None
                return offer(state, terms)
            if what in ("accept", "reject"):
                return respond(state, what == "accept")
        except DetenteError as err:
            raise HTTPException(400, str(err)) from None
        raise HTTPException(400, "act must be offer, accept or reject")

    def context(e: Entry, state: PlayState) -> dict[str, Any]:
        g = state.game
        s = e.scenario
        issues = {i.id: i for i in s.issues}
        last = next((t.offer for t in reversed(state.turns) if t.offer), None)
        ideal = g.model.ideal[g.human]
        sliders = []
        for iid, k in zip(g.issues, g.columns, strict=True):
            i = issues[iid]
            value = last.terms[iid] if last else float(ideal[k])
            sliders.append(
                {
                    "id": iid,
                    "name": i.name,
                    "value": int(value) if float(value).is_integer() else round(value, 2),
                    "status_quo": i.status_quo,
                    "anchors": "; ".join(f"{a.value:g}: {a.label}" for a in i.anchors),
                }
            )
        base = f"/scenario/{e.id}/play"
        d = state.to_dict()
        hidden = {k: d[k] for k in ("side", "strategy", "bundle", "seed", "moves")}
        permalink = _canonical(e.id, state)
        reset = {k: hidden[k] for k in ("side", "strategy", "bundle", "seed")}
        return {
            "reset": f"{base}?{urlencode(reset)}",
            "e": e,
            "s": s,
            "state": state,
            "game": g,
            "names": g.names,
            "side_name": g.names.get(g.side, g.side),
            "opponent_name": g.names.get(g.opponent, g.opponent),
            "sliders": sliders,
            "hidden": hidden,
            "permalink": permalink,
            "data_query": permalink.split("?", 1)[1],
            "base": base,
            "chart": play_chart(
                state,
                f"Utility of each offer to both sides, round by round: "
                f"{g.names.get(g.side, g.side)} (you) against "
                f"{g.names.get(g.opponent, g.opponent)} ({g.strategy.name})",
            ),
            "strategies": STRATEGIES,
            "belligerents": g.model.actor_ids[:2],
            "bundles": [b.id for b in g.model.agenda.bundles if b.on_agenda],
            "counter": state.turns[-1].counter if state.awaiting_response else None,
        }

    async def play_page(request: Request) -> Response:
        e = entry_of(request)
        p = _params(request)
        state = await asyncio.to_thread(session, e, p)
        if "act" in request.query_params:
            state = await asyncio.to_thread(act, state, request)
            url = _canonical(e.id, state)
            if not request.headers.get("HX-Request"):
                return RedirectResponse(url, status_code=303)
            resp = render(request, "play_session.html", **context(e, state))
            resp.headers["HX-Push-Url"] = url
            return resp
        tpl = "play_session.html" if request.headers.get("HX-Request") else "play.html"
        return render(request, tpl, **context(e, state))

    async def play_download(request: Request) -> Response:
        e = entry_of(request)
        state = await asyncio.to_thread(session, e, _params(request))
        return download(play_rows(state), request.path_params["fmt"], f"{e.id}-play")

    async def play_state(request: Request) -> Response:
        e = entry_of(request)
        state = await asyncio.to_thread(session, e, _params(request))
        doc = {**state.to_dict(), "finished": state.finished, "transcript": play_rows(state)}
        return Response(
            to_json(doc),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{e.id}-play-session.json"'},
        )

    return [
        Route("/scenario/{sid}/play", play_page),
        Route("/scenario/{sid}/play/session.json", play_state),
        Route("/scenario/{sid}/play.{fmt:str}", play_download),
    ]

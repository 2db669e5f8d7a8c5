"""The Starlette application of the workspace: routes, templates, downloads, simulation stream.

Every page is a GET whose URL reproduces it (scenario id, content hash, seed, what-if values);
the only mutating request is the upload, which stores the parsed scenario under its hash.
"""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import detente
from detente.api.common import parse_date
from detente.api.numbers import WEB_RUNS
from detente.core import DEFAULT_SEED, TRUST_DIMENSIONS
from detente.errors import DetenteError
from detente.report.base import in_force_text, period_unit, term_text
from detente.scenario import dump_scenario
from detente.web.charts import (
    bundle_rows,
    download,
    to_json,
    trust_chart,
    zone_chart,
    zone_rows,
)
from detente.web.jobs import JobRegistry
from detente.web.monitorview import EventSource
from detente.web.monitorview import routes as monitor_routes
from detente.web.play import play_routes
from detente.web.store import Entry, ScenarioStore
from detente.web.tracksview import routes as tracks_routes
from detente.web.tracksview import tracks_panel
from detente.web.trustview import parse_window, trust_series, trust_trajectory_chart
from detente.web.whatif import (
    GROUPS,
    NOTES,
    apply_all_edits,
    apply_edits,
    knobs,
    simulation_choices,
    slider_document,
    toggles,
)

__all__ = ["MAX_RUNS", "MAX_UPLOAD_BYTES", "create_app"]

MAX_UPLOAD_BYTES = 1_000_000
"""Largest scenario upload accepted (bytes); the shipped scenarios are under 200 kB."""
MAX_RUNS = int(WEB_RUNS.maximum)
"""Most simulation runs one request may ask for."""
MAX_COMPARE = 8
MAX_COMPARE_RUNS = 1000
"""Most simulation runs per snapshot when comparing P(agreement) per bundle."""
STATIC = Path(__file__).parent / "static"
_JOBS: set[asyncio.Task[None]] = set()
"""Running simulation threads (strong references until they finish; never read)."""
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def create_app(
    scenarios_dir: str | Path | None = None,
    *,
    cache_size: int = 64,
    event_store: str | Path | None = None,
    shipped_events: bool = True,
    events: EventSource | None = None,
    shared_dir: str | Path | None = None,
) -> Starlette:
    """The workspace app serving the scenarios of ``scenarios_dir`` (default: shipped ones);
    its Monitor view shows ``event_store`` (a store made by ``detente monitor ingest``), or
    with ``shipped_events`` the repository's UCDP sample when there is one (or ``events``, an
    :class:`~detente.web.monitorview.EventSource` already opened).

    ``shared_dir`` is a directory shared by the worker processes serving one address
    (``detente serve --workers N``): uploads and running simulations' stop flags live there,
    so any worker can open an upload or stop a simulation (web/jobs.py); None: one process.
    """
    shared = None if shared_dir is None else Path(shared_dir)
    store = ScenarioStore(
        None if scenarios_dir is None else Path(scenarios_dir),
        cache_size=cache_size,
        shared=None if shared is None else shared / "uploads",
    )
    jobs = JobRegistry(None if shared is None else shared / "jobs")
    env = Environment(
        loader=PackageLoader("detente.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.globals["version"] = detente.__version__

    def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(request=request, url=str(request.url), **ctx)
        return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP})

    def entry_of(request: Request) -> Entry:
        try:
            return store.get(request.path_params["sid"])
        except KeyError:
            raise HTTPException(404, "No such scenario") from None
        except detente.ScenarioError as err:
            raise HTTPException(422, str(err)) from None

    def seed_of(request: Request) -> int:
        from detente.api.numbers import SEED, query

        try:
            return int(query(request.query_params.get("seed", str(DEFAULT_SEED)), SEED))
        except ValueError as err:
            raise HTTPException(400, str(err)) from None

    async def home(request: Request) -> Response:
        return render(request, "home.html", scenarios=store.listing())

    async def scenario_page(request: Request) -> Response:
        e = entry_of(request)
        seed = seed_of(request)
        a = await asyncio.to_thread(store.analysis, e, seed)
        doc = a.to_dict()
        s = e.scenario
        rows = zone_rows(doc, {i.id: i.name for i in s.issues})
        chart = zone_chart(rows, f"Zone of agreement per issue, {s.meta.name}")
        bundles = bundle_rows(doc, {i.id: i.name for i in s.issues})
        since = {x.bundle: x.since.isoformat() for x in s.agreements_in_force}
        for b in bundles:  # an agreement in force at as_of: not a deal still to reach
            if b["bundle_id"] in since:
                b["in_force_since"] = since[b["bundle_id"]]
        return render(
            request,
            "scenario.html",
            e=e,
            s=s,
            doc=doc,
            seed=seed,
            rows=rows,
            bundles=bundles,
            chart=chart,
            names={x.id: x.name for x in s.actors},
            issue_names={i.id: i.name for i in s.issues},
            tracks=tracks_panel(doc, {x.id: x.name for x in s.actors}),
        )

    async def zone_data(request: Request) -> Response:
        e = entry_of(request)
        a = await asyncio.to_thread(store.analysis, e, seed_of(request))
        rows = zone_rows(a.to_dict(), {i.id: i.name for i in e.scenario.issues}, e.id)
        return download(rows, request.path_params["fmt"], f"{e.id}-zone")

    async def analysis_json(request: Request) -> Response:
        e = entry_of(request)
        a = await asyncio.to_thread(store.analysis, e, seed_of(request))
        return Response(
            to_json(a.to_dict()),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{e.id}-analysis.json"'},
        )

    def _whatif(request: Request) -> tuple[Entry, int, Any, list[Any], list[str]]:
        e = entry_of(request)
        seed = seed_of(request)
        edited, changes, problems = apply_edits(e.scenario, dict(request.query_params))
        return e, seed, edited, changes, problems

    async def whatif_page(request: Request) -> Response:
        e, seed, edited, changes, problems = _whatif(request)
        distances = request.query_params.get("distances") == "1"
        ctx = await asyncio.to_thread(
            _whatif_ctx, e, seed, edited, changes, problems, distances=distances
        )
        tpl = "whatif_result.html" if request.headers.get("HX-Request") else "whatif.html"
        values = {c.key: c.after for c in changes}
        return render(
            request,
            tpl,
            e=e,
            s=e.scenario,
            seed=seed,
            knobs=knobs(e.scenario),
            toggles=toggles(e.scenario),
            groups=GROUPS,
            notes=NOTES,
            values=values,
            query=request.url.query,
            distances=distances,
            **ctx,
        )

    def _whatif_ctx(
        e: Entry,
        seed: int,
        edited: Any,
        changes: list[Any],
        problems: list[str],
        *,
        distances: bool = False,
    ) -> dict[str, Any]:
        """The what-if zone and bundles. A slider move analyses the edited scenario without the
        package search (``packages=False``: every zone as the full analysis, closed bundles'
        distances not computed; :func:`~detente.web.whatif.slider_document`, no manifest);
        ``distances`` asks for the full analysis. ``cache`` says
        whether the edited analysis was computed ("miss") or found ("hit")."""
        base = store.analysis(e, seed).document  # read only: no copy
        key = tuple((c.key, c.after) for c in changes)
        full_key = ("whatif", e.sha256, seed, key, "full")
        found = store.cache.get(full_key)
        if not changes:
            now, cache = base, "hit"
        elif found is not None:
            now, cache = found, "hit"
        elif distances:
            now, cache = (
                store.cache.get_or_make(
                    full_key, lambda: detente.analyze(edited, seed=seed).document
                ),
                "miss",
            )
        else:
            zone_key = ("whatif", e.sha256, seed, key, "zone")
            cache = "miss" if store.cache.get(zone_key) is None else "hit"
            now = store.cache.get_or_make(zone_key, lambda: slider_document(edited, seed))
        names = {i.id: i.name for i in e.scenario.issues}
        rows = zone_rows(now, names, "what if")
        before = zone_rows(base, names, "as written")
        chart = zone_chart(before + rows, "Zone of agreement per issue: as written and what if")
        then = {b["bundle_id"]: b for b in bundle_rows(base, names, "as written")}
        skipped = {b["id"] for b in now.get("bundles") or [] if b["search"]["method"] == "skipped"}
        bundles = [
            {**b, "before": then.get(b["bundle_id"]), "skipped": b["bundle_id"] in skipped}
            for b in bundle_rows(now, names, "what if")
        ]
        return {
            "cache": cache,
            "skipped": bool(skipped),
            "bundles": bundles,
            "changes": changes,
            "problems": problems,
            "rows": rows,
            "before": before,
            "doc": now,
            "base": base,
            "chart": chart,
        }

    async def whatif_yaml(request: Request) -> Response:
        e = entry_of(request)
        edited, changes, problems = apply_all_edits(e.scenario, dict(request.query_params))
        if problems:
            raise HTTPException(400, "; ".join(problems))
        head = "".join(f"# what-if: {c.label}: {c.before} -> {c.after}\n" for c in changes)
        text = f"# edited from {e.id} (sha256 {e.sha256})\n" + head + dump_scenario(edited)
        return Response(
            text,
            media_type="application/yaml",
            headers={"Content-Disposition": f'attachment; filename="{e.id}-whatif.yaml"'},
        )

    async def whatif_zone(request: Request) -> Response:
        e, seed, edited, changes, problems = _whatif(request)
        ctx = await asyncio.to_thread(_whatif_ctx, e, seed, edited, changes, problems)
        r = download(ctx["before"] + ctx["rows"], request.path_params["fmt"], f"{e.id}-whatif-zone")
        r.headers["X-Detente-Cache"] = ctx["cache"]  # the load benchmark counts hits
        return r

    async def upload_form(request: Request) -> Response:
        return render(request, "upload.html", problems=None, cap=MAX_UPLOAD_BYTES)

    async def upload(request: Request) -> Response:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_UPLOAD_BYTES + 4096:
            return _too_big(request)
        try:
            form = await request.form(max_files=1, max_fields=1, max_part_size=MAX_UPLOAD_BYTES)
        except HTTPException:
            return _too_big(request)
        try:
            item = form.get("file")
            if item is None or isinstance(item, str):
                return render(
                    request,
                    "upload.html",
                    400,
                    problems=["Choose a scenario file."],
                    cap=MAX_UPLOAD_BYTES,
                )
            data = await item.read(MAX_UPLOAD_BYTES + 1)
            filename = item.filename
        finally:
            await form.close()
        if len(data) > MAX_UPLOAD_BYTES:
            return _too_big(request)
        name = Path(filename or "upload.yaml").name[:100]
        try:
            e = await asyncio.to_thread(store.add_upload, data, name)
        except detente.ScenarioError as err:
            return render(
                request,
                "upload.html",
                400,
                problems=[str(p) for p in err.problems],
                cap=MAX_UPLOAD_BYTES,
            )
        return RedirectResponse(f"/scenario/{e.id}", status_code=303)

    def _too_big(request: Request) -> Response:
        msg = f"The file is larger than the upload limit of {MAX_UPLOAD_BYTES:,} bytes."
        return render(request, "upload.html", 413, problems=[msg], cap=MAX_UPLOAD_BYTES)

    def _compare_ctx(request: Request) -> tuple[list[Entry], int]:
        ids = request.query_params.getlist("id")[:MAX_COMPARE]
        entries = []
        for sid in ids:
            try:
                entries.append(store.get(sid))
            except KeyError:
                raise HTTPException(404, "No such scenario") from None
        return entries, seed_of(request)

    def _compare_data(entries: list[Entry], seed: int) -> dict[str, Any]:
        zones, trust, red, summary = [], [], [], []
        for e in entries:
            s = e.scenario
            doc = store.analysis(e, seed).to_dict()
            label = f"{s.meta.name} ({s.meta.as_of})"
            zones += zone_rows(doc, {i.id: i.name for i in s.issues}, label)
            summary.append(
                {
                    "scenario": label,
                    "id": e.id,
                    "exists": doc["zone"]["exists"],
                    "radius": doc["zone"].get("radius"),
                    "bundles": _bundles(doc),
                }
            )
            names = {a.id: a.name for a in s.actors}
            for p in s.positions:
                if p.acceptable is not None:
                    red.append(
                        {
                            "scenario": label,
                            "actor": names.get(p.actor, p.actor),
                            "issue": p.issue,
                            "low": p.acceptable[0],
                            "high": p.acceptable[1],
                        }
                    )
            veto = {a.id for a in s.actors if a.veto}
            for r in store.trust(e).snapshot():
                if r["truster"] in veto and r["trustee"] in veto:
                    trust.append(
                        {
                            "scenario": label,
                            "pair": f"{r['truster']} → {r['trustee']}",
                            "dimension": r["dimension"],
                            "expected": r["expected"],
                            "uncertainty": r["uncertainty"],
                        }
                    )
        return {"zones": zones, "trust": trust, "red_lines": red, "summary": summary}

    async def compare_page(request: Request) -> Response:
        entries, seed = _compare_ctx(request)
        data = await asyncio.to_thread(_compare_data, entries, seed) if len(entries) >= 2 else None
        charts = None
        if data:
            charts = {
                "zone": zone_chart(
                    data["zones"], "Zone of agreement per issue, snapshot by snapshot"
                ),
                "trust": trust_chart(
                    data["trust"], "Trust between the veto parties on four dimensions"
                ),
            }
        return render(
            request,
            "compare.html",
            scenarios=store.listing(),
            data=data,
            charts=charts,
            chosen=[e.id for e in entries],
            seed=seed,
            sim_runs=request.query_params.get("runs"),
            query=request.url.query,
        )

    async def compare_download(request: Request) -> Response:
        entries, seed = _compare_ctx(request)
        table = request.path_params["table"]
        if len(entries) < 2 or table not in ("zones", "trust", "red_lines", "summary"):
            raise HTTPException(404, "Choose two or more scenarios and a known table")
        data = await asyncio.to_thread(_compare_data, entries, seed)
        return download(data[table], request.path_params["fmt"], f"compare-{table}")

    def _agreements_data(entries: list[Entry], seed: int, runs: int) -> list[dict[str, Any]]:
        """P(agreement) per bundle for each snapshot (one simulation each, cached)."""
        rows = []
        for e in entries:
            s = e.scenario
            r = store.cache.get_or_make(
                ("simulate", e.sha256, seed, runs),
                functools.partial(detente.simulate, e.scenario, runs=runs, seed=seed),
            )
            names = {
                b["bundle_id"]: b["bundle"]
                for b in bundle_rows(store.analysis(e, seed).to_dict(), {})
            }
            for a in r.summary().get("agreements") or []:
                lo, hi = a["p_agreement_ci"]
                label = in_force_text(a, period_unit(s))
                rows.append(
                    {
                        "scenario": f"{s.meta.name} ({s.meta.as_of})",
                        "bundle_id": a["bundle"],
                        "bundle": names.get(a["bundle"], a["bundle"]),
                        "p_agreement": a["p_agreement"],
                        "ci_low": lo,
                        "ci_high": hi,
                        "runs": r.summary()["runs"],
                        "seed": seed,
                    }
                    | ({"in_force_at_start": label} if label is not None else {})
                    | (
                        {"fixed_term": term}
                        if (term := term_text(a, period_unit(s))) is not None
                        else {}
                    )
                )
        return rows

    async def compare_agreements(request: Request) -> Response:
        entries, seed = _compare_ctx(request)
        runs = min(_runs(request), MAX_COMPARE_RUNS)
        if len(entries) < 2:
            raise HTTPException(404, "Choose two or more scenarios")
        rows = await asyncio.to_thread(_agreements_data, entries, seed, runs)
        fmt = request.path_params.get("fmt")
        if fmt:
            return download(rows, fmt, "compare-agreements")
        snapshots = list(dict.fromkeys(r["scenario"] for r in rows))
        table: dict[str, dict[str, Any]] = {}
        for r in rows:
            table.setdefault(r["bundle"], {})[r["scenario"]] = r
        return render(
            request,
            "compare_agreements.html",
            snapshots=snapshots,
            table=table,
            runs=runs,
            seed=seed,
            query=request.url.query,
        )

    async def simulate_page(request: Request) -> Response:
        e = entry_of(request)
        runs = _runs(request)
        params = dict(request.query_params)
        _edited, changes, problems = apply_all_edits(e.scenario, params)
        chosen = {c.key: c.after for c in changes}
        return render(
            request,
            "simulate.html",
            e=e,
            s=e.scenario,
            seed=seed_of(request),
            runs=runs,
            choices=simulation_choices(e.scenario),
            chosen=chosen,
            changes=changes,
            problems=problems,
            query=request.url.query,
        )

    async def simulate_stream(request: Request) -> Response:
        e = entry_of(request)
        seed, runs = seed_of(request), _runs(request)
        scenario, _changes, problems = apply_all_edits(e.scenario, dict(request.query_params))
        if problems:
            raise HTTPException(400, "; ".join(problems))
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        job = secrets.token_hex(16)
        cancel = jobs.start(job)

        def progress(done: int, total: int) -> None:
            loop.call_soon_threadsafe(
                queue.put_nowait, ("progress", {"done": done, "total": total})
            )
            if cancel.is_set() or jobs.stopped(job):
                raise KeyboardInterrupt  # the engine keeps finished blocks and stops

        def work() -> None:
            try:
                # One block (1,024 runs) per task, so progress arrives as each block finishes
                # and a stop request takes effect after the block under way (the result is
                # the same bytes for any executor).
                with ThreadPoolExecutor(max_workers=1) as pool:
                    r = detente.simulate(
                        scenario, runs=runs, seed=seed, progress=progress, executor=pool
                    )
                summary = r.summary()
                names = {
                    b["bundle_id"]: b["bundle"]
                    for b in bundle_rows(store.analysis(e, seed).to_dict(), {})
                }
                agreements = [
                    {
                        **a,
                        "name": names.get(a["bundle"], a["bundle"]),
                        "in_force": in_force_text(a, period_unit(scenario)),
                        "fixed_term": term_text(a, period_unit(scenario)),
                    }
                    for a in summary.get("agreements") or []
                ]
                html = env.get_template("simulate_result.html").render(
                    summary=summary,
                    agreements=agreements,
                    manifest=r.manifest,
                    complete=r.complete,
                    runs_requested=runs,
                )
                loop.call_soon_threadsafe(queue.put_nowait, ("result", html))
            except KeyboardInterrupt:  # cancelled before any block finished
                loop.call_soon_threadsafe(queue.put_nowait, ("failed", "cancelled"))
            except Exception as exc:  # shown to the user, never a traceback
                loop.call_soon_threadsafe(queue.put_nowait, ("failed", str(exc)))

        async def events() -> Any:
            task = asyncio.create_task(asyncio.to_thread(work))
            _JOBS.add(task)
            task.add_done_callback(_JOBS.discard)
            try:
                yield f"event: job\ndata: {job}\n\n"
                while True:
                    kind, payload = await queue.get()
                    data = payload if isinstance(payload, str) else json.dumps(payload)
                    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
                    yield f"event: {kind}\n{lines}\n"
                    if kind != "progress":
                        break
            finally:
                cancel.set()  # a client that leaves stops the run at its next block
                jobs.finish(job)

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    async def simulate_cancel(request: Request) -> Response:
        """Stop a running simulation at its next block (it then reports its finished runs)."""
        if not jobs.stop(request.path_params["job"]):
            raise HTTPException(404, "No such running simulation")
        return Response(status_code=204)

    def _trust_ctx(request: Request) -> dict[str, Any]:
        e = entry_of(request)
        s = e.scenario
        replay = store.trust(e)
        records = replay.records()
        actors = {a.id: a.name for a in s.actors}
        pairs = sorted({(r["truster"], r["trustee"]) for r in records})
        veto = [a.id for a in s.actors if a.veto]
        default = (veto[0], veto[1]) if len(veto) >= 2 else (pairs[0] if pairs else ("", ""))
        q = request.query_params
        truster, trustee = q.get("truster", default[0]), q.get("trustee", default[1])
        if (truster, trustee) not in pairs:
            if "truster" in q or "trustee" in q:
                raise HTTPException(404, "No trust is recorded for this pair")
            truster, trustee = default
        dates = sorted(str(r["date"]) for r in records) or [s.meta.as_of.isoformat()]
        first = parse_date(dates[0], "date")
        assert first is not None
        start, end, problems = parse_window(q, first, s.meta.as_of)
        rows = trust_series(records, truster, trustee, start, end)
        moves = []
        if (truster, trustee) in pairs:
            for d in TRUST_DIMENSIONS:
                for m in replay.explain(truster, trustee, str(d), top=10).records():
                    if start.isoformat() <= str(m["date"]) <= end.isoformat():
                        moves.append({"dimension": str(d), **m})
        moves.sort(key=lambda m: -abs(m.get("contribution") or 0.0))
        texts = {entry.id: entry.text for entry in s.ledger}
        for m in moves:
            m["what"] = texts.get(str(m["cause"]), "")
        who = f"{actors.get(truster, truster)} → {actors.get(trustee, trustee)}"
        return {
            "e": e,
            "s": s,
            "actors": actors,
            "pairs": pairs,
            "truster": truster,
            "trustee": trustee,
            "start": start,
            "end": end,
            "problems": problems,
            "rows": rows,
            "moves": moves[:15],
            "chart": trust_trajectory_chart(
                rows, f"Trust of {who}, {start.isoformat()} to {end.isoformat()}"
            ),
        }

    async def trust_page(request: Request) -> Response:
        ctx = await asyncio.to_thread(_trust_ctx, request)
        return render(request, "trust.html", query=request.url.query, **ctx)

    async def trust_download(request: Request) -> Response:
        ctx = await asyncio.to_thread(_trust_ctx, request)
        stem = f"{ctx['e'].id}-trust-{ctx['truster']}-{ctx['trustee']}"
        return download(ctx["rows"], request.path_params["fmt"], stem)

    def _runs(request: Request) -> int:
        from detente.api.numbers import WEB_RUNS, query

        try:
            return int(query(request.query_params.get("runs", "200"), WEB_RUNS))
        except ValueError as err:
            raise HTTPException(400, str(err)) from None

    async def not_found(request: Request, exc: Exception) -> Response:
        code = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "Internal error"
        return render(request, "error.html", code, code=code, detail=detail)

    async def bad_input(request: Request, exc: Exception) -> Response:
        """A scenario the request's computation cannot take (e.g. a simulation of an uploaded
        scenario without a war model): 400 with the located message, never a 500."""
        return render(request, "error.html", 400, code=400, detail=str(exc))

    routes = [
        Route("/", home),
        Route("/upload", upload_form, methods=["GET"]),
        Route("/upload", upload, methods=["POST"]),
        Route("/compare", compare_page),
        Route("/compare/agreements", compare_agreements),
        Route("/compare/agreements.{fmt:str}", compare_agreements),
        Route("/compare/{table}.{fmt:str}", compare_download),
        Route("/scenario/{sid}", scenario_page),
        Route("/scenario/{sid}/zone.{fmt:str}", zone_data),
        Route("/scenario/{sid}/analysis.json", analysis_json),
        Route("/scenario/{sid}/whatif", whatif_page),
        Route("/scenario/{sid}/whatif.yaml", whatif_yaml),
        Route("/scenario/{sid}/whatif-zone.{fmt:str}", whatif_zone),
        Route("/scenario/{sid}/simulate", simulate_page),
        Route("/scenario/{sid}/trust", trust_page),
        Route("/scenario/{sid}/trust.{fmt:str}", trust_download),
        Route("/scenario/{sid}/simulate/stream", simulate_stream),
        Route("/simulate/{job}/cancel", simulate_cancel, methods=["POST"]),
        *monitor_routes(render, store, events or EventSource(event_store, shipped=shipped_events)),
        *tracks_routes(entry_of, seed_of, store.analysis, download),
        *play_routes(store, render, download),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(
        routes=routes, exception_handlers={HTTPException: not_found, DetenteError: bad_input}
    )


def _bundles(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The analysis's bundles (partial deals): name, zone open or closed, distance."""
    return [
        {"name": b["bundle"], "exists": b["zone"] == "open", "distance": b["distance"]}
        for b in bundle_rows(doc, {})
    ]

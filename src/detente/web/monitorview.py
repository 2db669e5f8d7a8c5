"""The workspace's Monitor view: what the parties said and did on one timeline, for an event
store, with a scenario's ledger claims and the flags raised on them.

The numbers are those of ``detente monitor``: the say/do series are the engine's
:func:`detente.monitor.measures.dyad_measures` (what ``detente monitor measures`` runs), the
flags and claim verdicts are :func:`detente.api.monitor.flags` and
:func:`detente.api.monitor.verify` (what ``detente monitor flags`` / ``verify`` run), and the
claims on the timeline are the engine's :func:`detente.monitor.verify.claims_from_scenario`.
This module only picks, labels and draws them.

The store is the one given to ``detente serve --store PATH`` (opened read-only), or else the
UCDP GED Ukraine sample shipped in a source checkout (``data/events/``), ingested once into a
temporary directory the server creates and removes. No request names a path: the page's
parameters are a scenario id, a dyad listed by the store, a region name, a window and dates.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import detente
from detente.api.monitor import open_store
from detente.errors import InputError
from detente.labels import FLAG_LABELS
from detente.web.charts import download
from detente.web.store import Entry, LRUCache, ScenarioStore

__all__ = [
    "ATTRIBUTION",
    "MAX_PERIODS",
    "SHIPPED_EVENTS",
    "EventSource",
    "MonitorQuery",
    "monitor_chart",
    "parse_query",
    "routes",
    "shipped_events",
]

SHIPPED_EVENTS = "ucdp_ged_ukraine_2014_2022.csv"
SHIPPED_SHA256 = "55325a27c935e8248525121ad655112785d3d6df36b97d1e679a577a8b0877a4"
"""The UCDP GED Ukraine sample of the repository (data/README.md), checked before use."""
ATTRIBUTION = (
    "Event data: UCDP Georeferenced Event Dataset, Ukraine, 22 Jan 2014 – 23 Feb 2022 "
    "(Uppsala Conflict Data Program; Sundberg and Melander 2013, “Introducing the UCDP "
    "Georeferenced Event Dataset”, Journal of Peace Research 50(4)), CC BY 4.0."
)
MAX_PERIODS = 1500
"""Most windows one timeline may hold (about four years of days)."""
MAX_REGION = 60
CLASSES = {
    "vcoop": "verbal cooperation",
    "mcoop": "material cooperation",
    "vconf": "verbal conflict",
    "mconf": "material conflict",
}
SERIES = {"count": "Events", "goldstein": "Goldstein sum"}
_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def shipped_events() -> Path | None:
    """The UCDP sample of a source checkout (not part of the installed package), if present
    and unmodified."""
    path = Path(detente.__file__).resolve().parents[2] / "data" / "events" / SHIPPED_EVENTS
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return path if hashlib.sha256(data).hexdigest() == SHIPPED_SHA256 else None


class EventSource:
    """The server's event store: ``store`` (an existing store, opened read-only), or with
    ``shipped`` the repository's UCDP sample ingested on first use into a temporary directory
    owned by this object (removed when it is collected or the process exits).

    Store access is serialised (one DuckDB connection at a time); results are cached by the
    store file's size and modification time and the request's options.
    """

    def __init__(
        self, store: str | Path | None = None, *, shipped: bool = True, cache_size: int = 32
    ) -> None:
        self.given = None if store is None else Path(store)
        self.sample = None if store is not None or not shipped else shipped_events()
        self.cache = LRUCache(cache_size)
        self._lock = threading.Lock()
        self._ingested: Path | None = None

    @property
    def available(self) -> bool:
        """Is there a store to show (given, or the sample to ingest)?"""
        return self.given is not None or self.sample is not None

    @property
    def attribution(self) -> str | None:
        """The credit the shipped sample's licence asks for (None for a given store)."""
        return ATTRIBUTION if self.given is None and self.sample is not None else None

    def _path(self) -> Path:
        """The store file (ingesting the sample first if needed); call under the lock."""
        if self.given is not None:
            return self.given
        if self.sample is None:
            raise InputError("no event store: start the workspace with --store PATH")
        if self._ingested is None:
            tmp = tempfile.mkdtemp(prefix="detente-serve-events-")
            weakref.finalize(self, shutil.rmtree, tmp, ignore_errors=True)  # also at exit
            db = Path(tmp) / "ucdp-ukraine.duckdb"
            open_store(db).ingest(self.sample, input_format="ucdp")
            self._ingested = db
        return self._ingested

    def _cached(self, key: tuple[Any, ...], make: Callable[[Path], Any]) -> Any:
        """``make(store path)``, cached by ``key`` and the store file's size and mtime;
        InputError (located) when the store cannot be read."""
        import duckdb

        with self._lock:
            path = self._path()
            try:
                st = path.stat()
            except FileNotFoundError:
                raise InputError(
                    f"{path}: no such event store (make one with `detente monitor ingest`)"
                ) from None
            except OSError as exc:
                raise InputError(f"{path}: cannot read the event store ({exc.strerror})") from None
            full = (*key, str(path), st.st_size, st.st_mtime_ns)
            hit = self.cache.get(full)
            if hit is not None:
                return hit
            try:
                value = make(path)
            except duckdb.Error as exc:
                raise InputError(
                    f"{path.name}: not an event store made by `detente monitor ingest` "
                    f"({type(exc).__name__})"
                ) from None
            self.cache.put(full, value)
            return value

    def check(self) -> None:
        """Open the store once (InputError, located, if it is not a readable event store)."""
        if self.given is not None:
            self.overview()

    def overview(self) -> dict[str, Any]:
        """What the store holds: event count, files (name, SHA-256), first and last event
        date, dyads (with their event totals, most first) and regions."""
        from detente.api.monitor import connect, store_state
        from detente.monitor.measures import dyad_measures

        def make(path: Path) -> dict[str, Any]:
            with connect(path, read_only=True) as store:
                state = store_state(store)
                first, last = store.con.execute(
                    "SELECT min(date), max(date) FROM events"
                ).fetchone() or (None, None)
                years = dyad_measures(store, window="year", by_region=False)
                regions = dyad_measures(store, window="year")
            totals: dict[tuple[str | None, str | None], float] = {}
            for r in years:
                n = sum(r[f"{c}_n"] for c in CLASSES)
                key = (r["actor1"], r["actor2"])
                totals[key] = totals.get(key, 0.0) + n
            dyads = [
                {"a1": a1, "a2": a2, "events": n, "key": f"{a1 or ''}|{a2 or ''}"}
                for (a1, a2), n in sorted(totals.items(), key=lambda kv: (-kv[1], str(kv[0])))
            ]
            return {
                "events": state["events"],
                "files": [
                    {"name": Path(f["path"]).name, "sha256": f["sha256"]} for f in state["files"]
                ],
                "first": first,
                "last": last,
                "dyads": dyads,
                "regions": sorted({str(r["region"]) for r in regions if r["region"]}),
            }

        return self._cached(("overview",), make)  # type: ignore[no-any-return]

    def series(self, q: MonitorQuery) -> list[dict[str, Any]]:
        """The dyad's measures per window (``dyad_measures`` over all the regions matching
        ``q.region``, summed by the engine)."""
        from detente.api.monitor import connect
        from detente.monitor.measures import dyad_measures

        def make(path: Path) -> list[dict[str, Any]]:
            with connect(path, read_only=True) as store:
                recs = dyad_measures(
                    store,
                    window=q.window,
                    start=q.start,
                    end=q.end + dt.timedelta(days=1),
                    actor=q.a1 or q.a2,
                    region=q.region or None,
                    by_region=False,
                )
            return [
                {**r, "period": _iso(r["period"]), "region": q.region or None}
                for r in recs
                if r["actor1"] == q.a1 and r["actor2"] == q.a2
            ]

        return self._cached(  # type: ignore[no-any-return]
            ("series", q.window, q.a1, q.a2, q.region, q.start, q.end), make
        )

    def judged(self, entry: Entry) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The flags and the claim verdicts (observation entries) of a scenario's ledger
        claims and commitments against the store (``detente monitor flags`` / ``verify``)."""

        def make(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            m = open_store(path)
            return m.flags(entry.scenario).records(), m.verify(entry.scenario).records()

        return self._cached(("judged", entry.sha256), make)  # type: ignore[no-any-return]


def _iso(d: Any) -> str:
    return d.isoformat() if isinstance(d, dt.date) else str(d)


@dataclass(frozen=True)
class MonitorQuery:
    """The page's options (all from query parameters; every one shown in the permalink)."""

    window: str
    a1: str | None
    a2: str | None
    region: str
    start: dt.date
    end: dt.date
    """The last day shown (inclusive)."""
    series: str
    scenario: str | None


def _date(params: Mapping[str, str], key: str, default: dt.date) -> dt.date:
    """The date in ``key`` by the CLI's rules (``YYYY-MM-DD``, a day that exists), or
    ``default``; ValueError with the located message otherwise. The event store's dates are
    not a scenario's, so no ``meta.as_of`` bounds them (as ``detente monitor``'s dates)."""
    from detente.web.dates import query_date

    try:
        day = query_date(params, key)
    except InputError as err:
        raise ValueError(str(err)) from None
    return default if day is None else day


_SPAN = {"day": 1, "week": 7, "month": 30.44, "quarter": 91.3, "year": 365.25}


def parse_query(params: Mapping[str, str], overview: Mapping[str, Any]) -> MonitorQuery:
    """The options of a request; ValueError (said in words) for any bad one."""
    from detente.monitor.measures import WINDOWS

    window = params.get("window") or "month"
    if window not in WINDOWS:
        raise ValueError(f"window must be one of {', '.join(WINDOWS)}")
    dyads = overview["dyads"]
    key = params.get("dyad") or (dyads[0]["key"] if dyads else "|")
    found = next((d for d in dyads if d["key"] == key), None)
    if found is None:
        raise ValueError("dyad: the store holds no events of this pair of actors")
    region = (params.get("region") or "").strip()
    if len(region) > MAX_REGION or not all(c.isprintable() for c in region):
        raise ValueError(f"region must be a name of at most {MAX_REGION} printable characters")
    first = overview["first"] or dt.date.today()
    last = overview["last"] or first
    start, end = _date(params, "from", first), _date(params, "to", last)
    if start > end:
        raise ValueError(f"the window starts ({start}) after it ends ({end})")
    periods = (end - start).days / _SPAN[window]
    if periods > MAX_PERIODS:
        raise ValueError(
            f"{periods:,.0f} {window}s is more than the {MAX_PERIODS:,} a timeline shows: "
            "choose a longer window or a shorter span"
        )
    series = params.get("series") or "count"
    if series not in SERIES:
        raise ValueError("series must be count or goldstein")
    scenario = params.get("scenario") or None
    return MonitorQuery(window, found["a1"], found["a2"], region, start, end, series, scenario)


def _dt(d: dt.date) -> dict[str, int]:
    """A Vega-Lite DateTime (month 1-12)."""
    return {"year": d.year, "month": d.month, "date": d.day}


def claim_rows(entry: Entry | None, names: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per measurable term of the scenario's ledger claims and commitments (what the
    flags and verdicts judge), dated at the term's start."""
    if entry is None:
        return []
    from detente.monitor.verify import claims_from_scenario

    rows = []
    for led, c in claims_from_scenario(entry.scenario):
        rows.append(
            {
                "date": c.start.isoformat(),
                "ledger_id": led.id,
                "kind": led.kind,
                "by": names.get(c.actor, c.actor),
                "counterpart": None if c.counterpart is None else names.get(c.counterpart),
                "direction": c.direction,
                "region": c.region,
                "deadline": None if c.deadline is None else c.deadline.isoformat(),
                "text": led.text,
            }
        )
    return rows


def flag_rows(records: list[dict[str, Any]], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The flags as table rows: evidence reduced to the rate ratio, its interval, the reason
    and whether the party gained ground."""
    rows = []
    for r in sorted(records, key=lambda r: str(r["date"])):
        ev = r.get("evidence") or {}
        rows.append(
            {
                "date": r["date"],
                "kind": FLAG_LABELS.get(r["kind"], r["kind"]),
                "actor": names.get(r["actor"], r["actor"]),
                "ledger_id": r.get("ref"),
                "region": r.get("region"),
                "measure": ev.get("measure"),
                "rate_ratio": ev.get("rate_ratio"),
                "ci_low": ev.get("ci_low"),
                "ci_high": ev.get("ci_high"),
                "ground": ev.get("ground"),
                "reason": ev.get("reason", ""),
            }
        )
    return rows


def verdict_rows(records: list[dict[str, Any]], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The claim verdicts (observation entries of ``detente monitor verify``) as table rows."""
    return [
        {
            "ledger_id": ", ".join(r.get("refers_to") or []),
            "about": names.get(r.get("about") or "", r.get("about")),
            "judged_until": r.get("date"),
            "assessment": r.get("assessment"),
            "verification": str(r.get("verification") or "").replace("_", " "),
            "region": r.get("region"),
            "value": r.get("value"),
            "baseline": r.get("baseline"),
            "indicator": r.get("indicator"),
            "text": r.get("text", ""),
        }
        for r in records
    ]


def _inside(rows: list[dict[str, Any]], q: MonitorQuery) -> list[dict[str, Any]]:
    lo, hi = q.start.isoformat(), q.end.isoformat()
    return [r for r in rows if lo <= str(r["date"]) <= hi]


def _line_panel(
    title: str,
    values: list[dict[str, Any]],
    y: tuple[str, str, str, str],
    color: str,
    x: dict[str, Any],
    per: str,
    rules: list[dict[str, Any]],
) -> dict[str, Any]:
    """One single-series panel of the monitor chart: ``y`` = (field, axis title, tooltip
    title, number format), a line with points in ``color``, the claims' ``rules`` on top."""
    field, axis_title, tip_title, fmt = y
    return {
        "title": title,
        "width": 720,
        "height": 120,
        "layer": [
            {
                "data": {"values": values},
                "mark": {"type": "line", "point": {"color": color}, "color": color},
                "encoding": {
                    "x": x,
                    "y": {"field": field, "type": "quantitative", "title": axis_title},
                    "tooltip": [
                        {"field": "date", "type": "temporal", "title": f"{per.title()} of"},
                        {"field": field, "title": tip_title, "format": fmt},
                    ],
                },
            },
            *rules,
        ],
    }


def monitor_chart(
    series: list[dict[str, Any]],
    claims: list[dict[str, Any]],
    flags: list[dict[str, Any]],
    q: MonitorQuery,
    title: str,
) -> dict[str, Any]:
    """Panels on one time axis: events (or Goldstein sums) per window by class, fatalities,
    the say/do gap (when the store has verbal and material events), and the flags; the
    ledger claims as vertical rules on each panel. Tooltips on every mark."""
    per = q.window
    x = {
        "field": "date",
        "type": "temporal",
        "title": "Date",
        "scale": {"domain": [_dt(q.start), _dt(q.end)]},
        # months with their year on spans of a few years (ticks need not fall in January)
        "axis": {"format": "%b %Y" if (q.end - q.start).days <= 3 * 366 else "%Y"},
    }
    rules: list[dict[str, Any]] = []
    if claims:
        rules = [
            {
                "data": {"values": claims},
                "mark": {"type": "rule", "color": "#636363", "strokeDash": [4, 3]},
                "encoding": {
                    "x": x,
                    "tooltip": [
                        {"field": "date", "type": "temporal", "title": "Claim from"},
                        {"field": "ledger_id", "title": "Ledger entry"},
                        {"field": "by", "title": "By"},
                        {"field": "direction", "title": "Promised to"},
                        {"field": "region", "title": "Region"},
                        {"field": "deadline", "title": "Deadline"},
                        {"field": "text", "title": "What was said"},
                    ],
                },
            }
        ]
    suffix = "_n" if q.series == "count" else "_g"
    long = [
        {"date": r["period"], "class": label, "value": r[k + suffix]}
        for r in series
        for k, label in CLASSES.items()
        if r[k + "_n"]
    ]
    what = SERIES[q.series]
    panels: list[dict[str, Any]] = []
    panels.append(
        {
            "title": f"{what} per {per}, by kind of event",
            "width": 720,
            "height": 160,
            "layer": [
                {
                    "data": {"values": long},
                    "mark": {"type": "line", "point": True},
                    "encoding": {
                        "x": x,
                        "y": {"field": "value", "type": "quantitative", "title": f"{what}"},
                        "color": {"field": "class", "type": "nominal", "title": "Kind of event"},
                        "tooltip": [
                            {"field": "date", "type": "temporal", "title": f"{per.title()} of"},
                            {"field": "class", "title": "Kind of event"},
                            {"field": "value", "title": what, "format": ",.4~g"},
                        ],
                    },
                },
                *rules,
            ],
        }
    )
    deaths = [{"date": r["period"], "fatalities": r["fatalities"]} for r in series]
    panels.append(
        _line_panel(
            f"Deaths per {per} (best estimate)",
            deaths,
            ("fatalities", "Deaths", "Deaths", ",.0f"),
            "#a50f15",
            x,
            per,
            rules,
        )
    )
    gap = [
        {"date": r["period"], "gap": r["say_do_gap"]} for r in series if r["say_do_gap"] is not None
    ]
    if gap:
        panels.append(
            _line_panel(
                "Say/do gap: mean Goldstein of words minus that of deeds",
                gap,
                ("gap", "Gap (Goldstein points)", "Say/do gap", "+.2f"),
                "#08519c",
                x,
                per,
                rules,
            )
        )
    if flags:
        panels.append(
            {
                "title": "Flags raised on the ledger's claims",
                "width": 720,
                "height": 110,
                "layer": [
                    {
                        "data": {"values": flags},
                        "mark": {"type": "point", "filled": True, "size": 90},
                        "encoding": {
                            "x": x,
                            "y": {"field": "kind", "type": "nominal", "title": "Flag"},
                            "color": {
                                "field": "kind",
                                "type": "nominal",
                                "title": "Flag",
                                "scale": {
                                    "domain": list(FLAG_LABELS.values()),
                                    "range": [
                                        "#d62728",
                                        "#2ca02c",
                                        "#ff7f0e",
                                        "#1f77b4",
                                        "#7f7f7f",
                                    ],
                                },
                            },
                            "shape": {
                                "field": "kind",
                                "type": "nominal",
                                "title": "Flag",
                                "scale": {"domain": list(FLAG_LABELS.values())},
                            },
                            "tooltip": [
                                {"field": "date", "type": "temporal", "title": "Claim from"},
                                {"field": "kind", "title": "Flag"},
                                {"field": "actor", "title": "Party"},
                                {"field": "ledger_id", "title": "Ledger entry"},
                                {"field": "region", "title": "Region"},
                                {"field": "rate_ratio", "title": "Rate ratio", "format": ".3~g"},
                                {"field": "ground", "title": "Ground"},
                                {"field": "reason", "title": "Why"},
                            ],
                        },
                    },
                    *rules,
                ],
            }
        )
    return {
        "$schema": _SCHEMA,
        "title": title,
        "vconcat": panels,
        "resolve": {"scale": {"color": "independent", "shape": "independent"}},
    }


DOWNLOADS = ("series", "claims", "flags", "verdicts")


def routes(
    render: Callable[..., Response], scenarios: ScenarioStore, source: EventSource
) -> list[Route]:
    """``/monitor`` (the page) and ``/monitor/{series|claims|flags|verdicts}.{csv|json}``."""

    def context(request: Request) -> dict[str, Any]:
        if not source.available:
            return {"available": False}
        try:
            overview = source.overview()
        except InputError as err:
            raise HTTPException(503, f"The event store cannot be read: {err}") from None
        try:
            q = parse_query(request.query_params, overview)
        except ValueError as err:
            raise HTTPException(400, str(err)) from None
        entry = None
        if q.scenario is not None:
            try:
                entry = scenarios.get(q.scenario)
            except KeyError:
                raise HTTPException(404, "No such scenario") from None
            except detente.ScenarioError as err:
                raise HTTPException(422, str(err)) from None
        names: dict[str, str] = {}
        if entry is not None:
            names = {a.id: a.name for a in entry.scenario.actors}
        try:
            series = source.series(q)
            flags, verdicts = source.judged(entry) if entry is not None else ([], [])
        except InputError as err:
            raise HTTPException(503, f"The event store cannot be read: {err}") from None
        claims = claim_rows(entry, names)
        flag_table = flag_rows(flags, names)
        dyad = " – ".join(names.get(a, a) if a else "unmapped" for a in (q.a1, q.a2))
        where = q.region or "all regions"
        title = f"Say and do, {dyad}, {where}, {q.start} to {q.end}, per {q.window}"
        chart = monitor_chart(series, _inside(claims, q), _inside(flag_table, q), q, title)
        return {
            "available": True,
            "overview": overview,
            "q": q,
            "entry": entry,
            "names": names,
            "dyad": dyad,
            "series": series,
            "claims": claims,
            "flags": flag_table,
            "verdicts": verdict_rows(verdicts, names),
            "chart": chart,
            "has_verbal": any(r["vcoop_n"] or r["vconf_n"] for r in series),
        }

    async def monitor_page(request: Request) -> Response:
        ctx = await asyncio.to_thread(context, request)
        return render(
            request,
            "monitor.html",
            scenarios=scenarios.listing(),
            attribution=source.attribution,
            query=request.url.query,
            windows=("day", "week", "month", "quarter", "year"),
            **ctx,
        )

    async def monitor_download(request: Request) -> Response:
        table = request.path_params["table"]
        if table not in DOWNLOADS:
            raise HTTPException(404, f"Monitor downloads are {', '.join(DOWNLOADS)}")
        ctx = await asyncio.to_thread(context, request)
        if not ctx["available"]:
            raise HTTPException(404, "No event store: start the workspace with --store PATH")
        return download(ctx[table], request.path_params["fmt"], f"monitor-{table}")

    return [
        Route("/monitor", monitor_page),
        Route("/monitor/{table}.{fmt:str}", monitor_download),
    ]

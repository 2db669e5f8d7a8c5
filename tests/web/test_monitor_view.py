"""The workspace's Monitor view and tracks panel: routes, numbers equal to ``detente monitor``
and ``detente analyze``, downloads, escaping, no paths from requests, and bad parameters as
400 pages with the reason (never a traceback)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.monitor.conftest import ICEWS_HEADER, icews_row, write
from typer.testing import CliRunner

import detente
from detente.web import create_app
from detente.web.monitorview import EventSource, shipped_events
from detente.web.store import default_dir

SAMPLE = shipped_events()
needs_sample = pytest.mark.skipif(SAMPLE is None, reason="not a source checkout (no data/)")
MINSK = "scenario=ukraine-2022-03&window=week&from=2014-06-01&to=2015-12-31"
PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def shipped() -> Iterator[TestClient]:
    """The shipped scenarios and the shipped UCDP sample (ingested once for the module)."""
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture(scope="module")
def ucdp_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The UCDP sample ingested by the front door, as a user's store made by the CLI."""
    assert SAMPLE is not None
    db = tmp_path_factory.mktemp("events") / "ucdp.duckdb"
    detente.monitor.open_store(db).ingest(SAMPLE)
    return db


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@needs_sample
def test_monitor_page_draws_the_timeline_with_claims_and_flags(shipped: TestClient) -> None:
    r = shipped.get(f"/monitor?{MINSK}")
    assert r.status_code == 200, r.text
    html = r.text
    assert "UCDP Georeferenced Event Dataset" in html and "CC BY 4.0" in html  # attribution
    assert "55325a27c935e824" in html  # the store's file hash
    spec = json.loads(html.split('id="monitor-chart">', 1)[1].split("</script>", 1)[0])
    assert spec["title"].startswith("Say and do, Ukraine – Russia, all regions, 2014-06-01")
    titles = [p["title"] for p in spec["vconcat"]]
    assert titles[0] == "Events per week, by kind of event"
    assert "Deaths per week (best estimate)" in titles
    assert "Flags raised on the ledger's claims" in titles
    for panel in spec["vconcat"]:
        for layer in panel["layer"]:
            enc = layer["encoding"]
            assert layer["data"]["values"], panel["title"]  # no empty layers
            assert enc["tooltip"], panel["title"]
            assert enc["x"]["title"] == "Date"
            if "y" in enc:
                assert enc["y"].get("title"), panel["title"]
    rules = [lay for p in spec["vconcat"] for lay in p["layer"] if lay["mark"]["type"] == "rule"]
    dates = {v["date"] for v in rules[0]["data"]["values"]}
    assert {"2014-09-05", "2015-02-15"} <= dates  # Minsk I and Minsk II's cease-fire
    flags = next(p for p in spec["vconcat"] if p["title"].startswith("Flags"))
    kinds = {(v["date"], v["kind"]) for v in flags["layer"][0]["data"]["values"]}
    assert ("2014-09-05", "peace offensive") in kinds
    assert 'id="monitor-flags"' in html and 'id="monitor-verdicts"' in html


@needs_sample
def test_monitor_numbers_are_those_of_detente_monitor(shipped: TestClient, ucdp_db: Path) -> None:
    """Series, flags and verdicts downloaded from the page equal the CLI's front door."""
    m = detente.monitor.open_store(ucdp_db)
    s = detente.load_scenario(default_dir() / "ukraine-2022-03.yaml")
    q = "scenario=ukraine-2022-03&window=year&dyad=UA|RU"
    series = _rows(shipped.get(f"/monitor/series.csv?{q}").text)
    by_region = m.measures(window="year").records()
    for year in ("2014", "2015", "2019"):
        page = sum(float(r["fatalities"]) for r in series if r["period"].startswith(year))
        cli = sum(
            r["fatalities"]
            for r in by_region
            if r["period"].startswith(year) and (r["actor1"], r["actor2"]) == ("UA", "RU")
        )
        assert page == pytest.approx(cli) and page > 0
    flags = shipped.get(f"/monitor/flags.json?{q}").json()
    cli_flags = m.flags(s).records()
    assert len(flags) == len(cli_flags) > 5
    assert sorted((f["date"], f["rate_ratio"]) for f in flags) == sorted(
        (f["date"], f["evidence"].get("rate_ratio")) for f in cli_flags
    )
    verdicts = shipped.get(f"/monitor/verdicts.json?{q}").json()
    cli_obs = m.verify(s).records()
    assert [v["assessment"] for v in verdicts] == [o["assessment"] for o in cli_obs]
    assert any(v["ledger_id"] == "C02_minsk1_RU" and v["assessment"] == "broken" for v in verdicts)
    claims = shipped.get(f"/monitor/claims.csv?{q}")
    assert claims.headers["content-disposition"] == 'attachment; filename="monitor-claims.csv"'
    assert "C03_minsk2_RU" in claims.text


@needs_sample
def test_monitor_region_and_window_options(shipped: TestClient) -> None:
    base = "window=month&from=2015-01-01&to=2015-12-31"
    everywhere = _rows(shipped.get(f"/monitor/series.csv?{base}").text)
    donbas = _rows(shipped.get(f"/monitor/series.csv?{base}&region=Donbas").text)
    luhansk = _rows(shipped.get(f"/monitor/series.csv?{base}&region=Luhansk").text)
    assert len(everywhere) == 12
    assert {r["region"] for r in donbas} == {"Donbas"}

    def total(rows: list[dict[str, str]]) -> float:
        return sum(float(r["fatalities"]) for r in rows)

    assert total(luhansk) < total(donbas) <= total(everywhere)
    gold = shipped.get(f"/monitor?{base}&series=goldstein").text
    assert "Goldstein sum per month" in gold
    nothing = shipped.get(f"/monitor?{base}&region=Atlantis")
    assert nothing.status_code == 200 and "No events of these parties in Atlantis" in nothing.text


@needs_sample
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("window=fortnight", "window must be one of"),
        ("window=day", "choose a longer window or a shorter span"),
        ("dyad=XX|YY", "no events of this pair"),
        ("from=2015-13-01", "from: expected YYYY-MM-DD, got '2015-13-01'"),
        ("from=2016-01-01&to=2015-01-01", "starts (2016-01-01) after it ends"),
        ("region=" + "x" * 61, "at most 60 printable characters"),
        ("region=Don%0Abas", "printable characters"),
        ("series=deaths", "series must be count or goldstein"),
    ],
)
def test_bad_parameters_are_400_with_the_reason(
    shipped: TestClient, query: str, message: str
) -> None:
    for url in (f"/monitor?{query}", f"/monitor/series.csv?{query}"):
        r = shipped.get(url)
        assert r.status_code == 400, (url, r.text)
        assert message in r.text.replace("&#39;", "'")
        assert "Traceback" not in r.text


@needs_sample
def test_unknown_scenario_table_and_format(shipped: TestClient) -> None:
    assert shipped.get("/monitor?scenario=nope").status_code == 404
    assert shipped.get("/monitor?scenario=../../etc/passwd").status_code == 404
    assert shipped.get("/monitor/secrets.csv").status_code == 404
    r = shipped.get("/monitor/series.xlsx")
    assert r.status_code == 404 and "Downloads are .csv or .json" in r.text


@needs_sample
def test_requests_name_no_path_and_text_is_escaped(shipped: TestClient, tmp_path: Path) -> None:
    r = shipped.get("/monitor", params={"region": PAYLOAD, "store": str(tmp_path), "db": "/x"})
    assert r.status_code == 200
    assert PAYLOAD not in r.text and "<script>alert" not in r.text
    assert "&lt;script&gt;alert(1)" in r.text  # shown in the form, escaped
    assert "detente-serve-events" not in r.text  # the server's directory is never shown
    assert str(Path(detente.__file__).parents[2]) not in r.text
    assert list(tmp_path.iterdir()) == []


def _icews_store(tmp_path: Path) -> Path:
    """A store with words and deeds: ICEWS consultations (verbal cooperation, CAMEO 040) and
    fighting (190) between Russia and Ukraine over eight weeks of 2020."""
    day = dt.date(2020, 1, 6)
    lines = [ICEWS_HEADER]
    for k in range(56):
        d = (day + dt.timedelta(days=k)).isoformat()
        lines.append(icews_row(f"v{k}", d, "040"))
        if k % 2:
            lines.append(icews_row(f"m{k}", d, "190"))
    events = write(tmp_path / "icews.tsv", lines)
    db = tmp_path / "words.duckdb"
    detente.monitor.open_store(db).ingest(events, input_format="icews")
    return db


def test_a_given_store_with_words_and_deeds_draws_the_gap(served: Path, tmp_path: Path) -> None:
    db = _icews_store(tmp_path)
    with TestClient(create_app(served, event_store=db)) as c:
        r = c.get("/monitor?window=week")
        assert r.status_code == 200, r.text
        assert "UCDP" not in r.text  # no attribution for the user's own store
        spec = json.loads(r.text.split('id="monitor-chart">', 1)[1].split("</script>", 1)[0])
        gap = next(p for p in spec["vconcat"] if p["title"].startswith("Say/do gap"))
        values = gap["layer"][0]["data"]["values"]
        assert len(values) >= 8 and all(v["gap"] > 0 for v in values)  # says > does
        rows = _rows(c.get("/monitor/series.csv?window=week").text)
        cli = detente.monitor.open_store(db).measures(window="week").records()
        assert [float(r["say_do_gap"]) for r in rows] == [
            pytest.approx(x["say_do_gap"]) for x in cli if x["actor1"] == "RU"
        ]


def test_no_store_says_how_to_open_one(served: Path) -> None:
    with TestClient(create_app(served, shipped_events=False)) as c:
        r = c.get("/monitor")
        assert r.status_code == 200
        assert "detente serve --store" in r.text
        assert c.get("/monitor/series.csv").status_code == 404


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    from detente.cli.app import app
    from detente.errors import InputError

    text = tmp_path / "events.csv"
    text.write_text("date,actor\n2020-01-01,RU\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a DuckDB event store"):
        EventSource(text).check()
    r = CliRunner().invoke(app, ["serve", "--store", str(text)])
    assert r.exit_code != 0 and "not a DuckDB event store" in r.output
    assert "Traceback" not in r.output
    r = CliRunner().invoke(app, ["serve", "--store", str(tmp_path / "none.duckdb")])
    assert r.exit_code != 0 and "no such event store" in r.output


def test_series_are_cached_per_store_and_options(tmp_path: Path) -> None:
    db = _icews_store(tmp_path)
    source = EventSource(db)
    from detente.web.monitorview import parse_query

    q = parse_query({"window": "week"}, source.overview())
    assert source.series(q) is source.series(q)
    assert source.series(q) is not source.series(
        parse_query({"window": "month"}, source.overview())
    )


def test_tracks_panel_on_the_teaching_case(client: TestClient) -> None:
    html = client.get("/scenario/teaching").text
    assert "Tracks: who talks to whom" in html
    assert "Talks between the veto parties&#39; leaders (implicit)" in html
    rows = client.get("/scenario/teaching/tracks/bundles.json").json()
    assert [(r["bundle_id"], r["in_reach"]) for r in rows] == [("settlement", True)]
    r = client.get("/scenario/teaching/tracks/refusals.csv")
    assert r.status_code == 200 and r.text.strip() == ""
    assert client.get("/scenario/teaching/tracks/secrets.csv").status_code == 404
    assert client.get("/scenario/teaching/tracks/tracks.xml").status_code == 404
    assert client.get("/scenario/nope/tracks/tracks.csv").status_code == 404


def test_tracks_panel_matches_the_analysis(shipped: TestClient) -> None:
    doc = detente.analyze(detente.load_scenario(default_dir() / "ukraine-2026-06.yaml")).to_dict()
    rows = shipped.get("/scenario/ukraine-2026-06/tracks/bundles.json").json()
    assert {r["bundle_id"]: r["in_reach"] for r in rows} == {
        b["id"]: bool(b["tracks"]) for b in doc["bundles"]
    }
    assert not {r["bundle_id"]: r["in_reach"] for r in rows}["settlement"]
    tracks = shipped.get("/scenario/ukraine-2026-06/tracks/tracks.json").json()
    assert [t["open"] for t in tracks] == [t["open"] for t in doc["tracks"]]
    leaders = next(t for t in tracks if t["track_id"] == "leaders")
    assert leaders["why_closed"] == "a refusal holds" and leaders["closed_by"] == "ru_legitimacy"
    html = shipped.get("/scenario/ukraine-2026-06").text
    assert 'id="track-refusals"' in html and "none: out of reach" in html


def test_every_worker_of_serve_opens_the_given_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``detente serve --workers N --store DB``: each uvicorn worker builds its app from the
    environment ``serve`` sets (:func:`detente.cli.serve.app_from_env`), and its Monitor page
    shows that store, not the shipped sample."""
    from detente.cli import serve

    db = _icews_store(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setenv(serve._ENV_SCENARIOS, "")
    monkeypatch.setenv(serve._ENV_SHARED, str(shared))
    monkeypatch.setenv(serve._ENV_STORE, str(db))
    with TestClient(serve.app_from_env()) as c:
        r = c.get("/monitor?window=week")
        assert r.status_code == 200, r.text
        assert "UCDP" not in r.text  # the given store, not the shipped sample
        assert "Say/do gap" in r.text  # only the ICEWS store has words and deeds

"""Each page of the workspace renders, links reproduce pages, downloads are valid data."""

from __future__ import annotations

import csv
import io
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from starlette.testclient import TestClient

from detente.scenario import parse_scenario
from detente.web import create_app
from detente.web.store import LRUCache, default_dir


def _zone(client: TestClient, query: str) -> dict[str, list[dict[str, object]]]:
    r = client.get(f"/scenario/teaching/whatif-zone.json?{query}")
    assert r.status_code == 200
    rows = r.json()
    return {
        "as written": [x for x in rows if x["scenario"] == "as written"],
        "what if": [x for x in rows if x["scenario"] == "what if"],
    }


def test_home_lists_the_shipped_scenarios_by_name() -> None:
    with TestClient(create_app()) as c:
        page = c.get("/").text
    for path in sorted(default_dir().glob("*.yaml")):
        name = re.search(r"^  name: (.+)$", path.read_text(encoding="utf-8"), re.M)
        assert name is not None
        assert name.group(1).replace("'", "&#39;") in page, path.name


def test_every_page_renders(client: TestClient) -> None:
    pages = {
        "/": "Ash Valley variant",
        "/scenario/teaching": "Positions and red lines",
        "/scenario/teaching/whatif": "Changed values",
        "/scenario/teaching/simulate": "Progress",
        "/compare": "Compare snapshots",
        "/compare?id=teaching&id=variant": "Trust on four dimensions",
        "/upload": "Upload a scenario",
    }
    for url, text in pages.items():
        r = client.get(url)
        assert r.status_code == 200, url
        assert text in r.text, url
        assert "Content-Security-Policy" in r.headers
        # nothing from another origin: every script and stylesheet is vendored
        assert not re.search(r'(src|href)="(https?:)?//', r.text.split("<main")[0]), url


def test_scenario_page_shows_actors_issues_ledger_and_sources(client: TestClient) -> None:
    html = client.get("/scenario/teaching").text
    for text in ("Norland", "Sudmark", "Ash Valley", "Ledger", "Sources", "Zone of agreement"):
        assert text in html


def test_vendored_assets_are_served() -> None:
    with TestClient(create_app()) as c:
        for name in ("htmx.min.js", "vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):
            r = c.get(f"/static/vendor/{name}")
            assert r.status_code == 200
            assert len(r.content) > 10_000
        assert c.get("/static/app.js").status_code == 200


def test_whatif_moving_a_red_line_changes_the_zone(client: TestClient) -> None:
    # Norland's red line on the valley is [50, 100]: raising its floor to 60 narrows the zone
    before = _zone(client, "")
    after = _zone(client, "p0.lo=60")
    valley_before = next(r for r in before["what if"] if r["issue_id"] == "valley")
    valley_after = next(r for r in after["what if"] if r["issue_id"] == "valley")
    assert valley_before["zone_low"] == 50.0
    assert valley_after["zone_low"] == 60.0
    assert after["as written"] == before["as written"]
    # the page lists the changed value, and the HTMX request gets only the partial
    r = client.get("/scenario/teaching/whatif?p0.lo=60", headers={"HX-Request": "true"})
    assert "<html" not in r.text
    assert "Norland on Ash Valley: lowest acceptable" in r.text
    assert "60" in r.text


def test_whatif_closes_the_zone_and_rejects_invalid_edits(client: TestClient) -> None:
    # Sudmark's ceiling below Norland's floor: no deal on the valley
    r = client.get("/scenario/teaching/whatif?p0.lo=70")
    assert "What if: <strong>closed</strong>" in r.text
    # a red line that excludes the actor's own ideal point is refused, not applied
    r = client.get("/scenario/teaching/whatif?p0.hi=55")
    assert "Not applied" in r.text
    assert "Nothing changed yet" in r.text
    r = client.get("/scenario/teaching/whatif?p0.lo=abc&cost.NOR=9e99")
    assert "is not a number" in r.text
    assert "is out of range" in r.text


def test_whatif_scenario_downloads_as_yaml_that_loads(client: TestClient) -> None:
    r = client.get("/scenario/teaching/whatif.yaml?p0.lo=60&cost.SUD=0.01")
    assert r.status_code == 200
    s = parse_scenario(r.content, name="whatif.yaml")
    assert s.positions[0].acceptable == (60.0, 100.0)
    assert next(a for a in s.actors if a.id == "SUD").cost_of_fighting == 0.01
    assert b"# what-if:" in r.content


def test_downloads_are_valid_csv_and_json(client: TestClient) -> None:
    for url in (
        "/scenario/teaching/zone.csv",
        "/scenario/teaching/whatif-zone.csv?p0.lo=60",
        "/compare/zones.csv?id=teaching&id=variant",
        "/compare/trust.csv?id=teaching&id=variant",
        "/compare/red_lines.csv?id=teaching&id=variant",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert rows, url
    for url in (
        "/scenario/teaching/zone.json",
        "/scenario/teaching/analysis.json",
        "/compare/summary.json?id=teaching&id=variant",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
        json.loads(r.text)
    doc = client.get("/scenario/teaching/analysis.json?seed=7").json()
    assert doc["manifest"]["seed"] == 7
    assert client.get("/scenario/teaching/zone.xml").status_code == 404
    assert client.get("/compare/zones.csv?id=teaching").status_code == 404


def test_compare_shows_both_snapshots_and_trust(client: TestClient) -> None:
    html = client.get("/compare?id=teaching&id=variant").text
    assert "Ash Valley (teaching case)" in html
    assert "Ash Valley variant" in html
    assert "compare-trust" in html
    trust = client.get("/compare/trust.json?id=teaching&id=variant").json()
    assert {r["dimension"] for r in trust} == {
        "capacity",
        "peaceful_intention",
        "integrity",
        "predictability",
    }


def test_permalinks_reproduce_the_page(client: TestClient) -> None:
    url = "/scenario/teaching/whatif?seed=3&p0.lo=60"
    first, second = client.get(url).text, client.get(url).text
    assert first == second
    assert 'rel="bookmark"' in first
    assert "seed=3&amp;p0.lo=60" in first
    page = client.get("/scenario/teaching?seed=5").text
    assert "seed 5" in page


def test_bad_seed_and_runs_are_refused(client: TestClient) -> None:
    assert client.get("/scenario/teaching?seed=-1").status_code == 400
    assert client.get("/scenario/teaching/simulate?runs=0").status_code == 400
    assert client.get("/scenario/teaching/simulate?runs=999999").status_code == 400


def test_simulation_streams_progress_then_the_result(client: TestClient) -> None:
    with client.stream("GET", "/scenario/teaching/simulate/stream?runs=20&seed=1") as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    assert body.index("event: progress") < body.index("event: result")
    assert '"total": 20' in body
    assert "p agreement" in body


def test_concurrent_users_are_isolated(client: TestClient) -> None:
    def zone(lo: int) -> object:
        return _zone(client, f"p0.lo={lo}")["what if"][0]["zone_low"]

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(zone, [50, 55, 60, 50, 55, 60]))
    assert results == [50.0, 55.0, 60.0, 50.0, 55.0, 60.0]


def test_the_cache_is_bounded() -> None:
    cache = LRUCache(2)
    for k in range(5):
        cache.put(k, k)
    assert cache.get(0) is None
    assert cache.get(4) == 4
    assert cache.get_or_make(3, lambda: 99) == 3


def test_a_scenario_that_does_not_load_is_listed_with_its_error(served: Path) -> None:
    (served / "broken.yaml").write_text("schema_version: 1\nmeta: {}\n", encoding="utf-8")
    with TestClient(create_app(served)) as c:
        html = c.get("/").text
        assert "does not load" in html
        r = c.get("/scenario/broken")
        assert r.status_code == 422
        assert "broken.yaml:2" in r.text


def test_every_layer_of_the_zone_chart_has_an_axis_title_in_words() -> None:
    """With the zone closed only the status-quo ticks are drawn: their x axis must carry the
    words, not the field name ``status_quo``."""
    from detente.web.charts import zone_chart

    closed = [
        {
            "issue": "Ash Valley",
            "scenario": "",
            "zone_low": None,
            "zone_high": None,
            "no_distrust_low": None,
            "no_distrust_high": None,
            "status_quo": 60.0,
        }
    ]
    spec = zone_chart(closed, "Zone of agreement")
    layers = spec.get("layer") or [lay for p in spec.get("vconcat", []) for lay in p["layer"]]
    assert layers
    for lay in layers:
        x = lay["encoding"]["x"]
        assert x.get("title") and "_" not in x["title"], x

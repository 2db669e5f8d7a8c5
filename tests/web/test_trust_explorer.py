"""The trust explorer: one pair's trajectories in a date window, the entries that moved them,
downloads, and refusals."""

from __future__ import annotations

import csv
import io
import json

from starlette.testclient import TestClient

from detente.web.trustview import trust_series


def test_trust_page_shows_the_pair_its_window_and_what_moved_it(client: TestClient) -> None:
    html = client.get("/scenario/teaching/trust").text
    assert "Trust explorer: Ash Valley (teaching case)" in html
    assert 'id="trust-chart"' in html
    spec = json.loads(
        html.split('<script type="application/json" id="trust-chart">')[1].split("</script>")[0]
    )
    assert spec["layer"][0]["params"][0]["bind"] == "scales"  # zoomable in time
    assert "Norland → Sudmark" in spec["title"]
    assert 'id="trust-moves"' in html


def test_trust_download_is_the_charted_series(client: TestClient) -> None:
    r = client.get("/scenario/teaching/trust.csv?truster=SUD&trustee=NOR")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {r["dimension"] for r in rows} == {
        "capacity",
        "integrity",
        "peaceful_intention",
        "predictability",
    }
    assert all(0.0 <= float(r["expected"]) <= 1.0 for r in rows)
    assert client.get("/scenario/teaching/trust.json?truster=SUD&trustee=NOR").json() == [
        {**r, **{k: float(r[k]) for k in ("expected", "low", "high")}} for r in rows
    ]


def test_trust_window_and_bad_input(client: TestClient) -> None:
    assert client.get("/scenario/teaching/trust?truster=NOR&trustee=XX").status_code == 404
    bad = client.get("/scenario/teaching/trust?from=yesterday")  # q18: a 400, as the CLI
    assert bad.status_code == 400 and "from: expected YYYY-MM-DD" in bad.text
    html = client.get("/scenario/teaching/trust?from=2024-06-30&to=2024-06-01").text
    assert "showing it reversed" in html


def test_series_carries_the_state_into_the_window_and_to_its_end() -> None:
    import datetime as dt

    recs = [
        {
            "date": "2020-01-01",
            "truster": "A",
            "trustee": "B",
            "dimension": "integrity",
            "belief": 0.2,
            "disbelief": 0.1,
            "uncertainty": 0.7,
            "expected": 0.55,
            "reading": "unknown",
            "cause": "prior",
        },
        {
            "date": "2021-06-01",
            "truster": "A",
            "trustee": "B",
            "dimension": "integrity",
            "belief": 0.5,
            "disbelief": 0.1,
            "uncertainty": 0.4,
            "expected": 0.7,
            "reading": "trusted",
            "cause": "E1",
        },
        {
            "date": "2021-06-01",
            "truster": "B",
            "trustee": "A",
            "dimension": "integrity",
            "belief": 0.0,
            "disbelief": 0.0,
            "uncertainty": 1.0,
            "expected": 0.5,
            "reading": "unknown",
            "cause": "E1",
        },
    ]
    rows = trust_series(recs, "A", "B", dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert [(r["date"], r["expected"], r["cause"]) for r in rows] == [
        ("2021-01-01", 0.55, "(state at the window's start)"),
        ("2021-06-01", 0.7, "E1"),
        ("2021-12-31", 0.7, "(state at the window's end)"),
    ]

"""The trainer mode's routes: a session lives in its address, moves append to it, bad input is
a 400 with the located message, and concurrent sessions share nothing."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

BASE = "/scenario/teaching/play"
SETUP = "side=NOR&strategy=tit_for_tat&bundle=settlement&seed=3"


def _move(client: TestClient, url: str, **params: str) -> str:
    """Make a move from the page at ``url``; return the canonical address it redirects to."""
    q = "&".join(f"{k}={v}" for k, v in params.items())
    r = client.get(f"{url}&{q}", follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    return str(r.headers["location"])


def test_scenario_page_links_to_the_trainer(client: TestClient) -> None:
    html = client.get("/scenario/teaching").text
    assert 'href="/scenario/teaching/play?seed=' in html


def test_play_two_rounds_through_the_address(client: TestClient) -> None:
    r = client.get(f"{BASE}?{SETUP}")
    assert r.status_code == 200
    assert "No moves yet" in r.text
    assert 'name="x.valley"' in r.text and 'name="x.demilitarisation"' in r.text
    url = _move(
        client, f"{BASE}?{SETUP}", act="offer", **{"x.valley": "90", "x.demilitarisation": "80"}
    )
    assert url == f"{BASE}?{SETUP}&moves=o:90,80"
    url = _move(client, url, act="reject")
    url = _move(client, url, act="offer", **{"x.valley": "80", "x.demilitarisation": "70"})
    assert parse_qs(urlsplit(url).query)["moves"] == ["o:90,80~r~o:80,70"]
    html = client.get(url).text
    assert html.count('<tr class="play-you">') == 2 and html.count('<tr class="play-them">') == 2
    assert "A concession by Norland on" in html
    assert "still crosses Sudmark&#39;s stated red line on Ash Valley" in html
    assert "you rejected" in html and "awaiting your answer" in html
    assert 'id="play-chart"' in html
    # the permalink reproduces the page (the footer's permalink is the page's own address)
    again = client.get(url).text
    strip = re.compile(r"<footer>.*</footer>", re.S)
    assert strip.sub("", again) == strip.sub("", html)
    # the counter can be accepted: the talks end
    done = client.get(_move(client, url, act="accept")).text
    assert "Agreement in round 2" in done and 'id="play-offer"' not in done


def test_htmx_moves_return_the_session_and_push_the_permalink(client: TestClient) -> None:
    r = client.get(
        f"{BASE}?{SETUP}&act=offer&x.valley=90&x.demilitarisation=80",
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert r.headers["HX-Push-Url"] == f"{BASE}?{SETUP}&moves=o:90,80"
    assert "<html" not in r.text and 'id="play-transcript"' in r.text


def test_downloads_are_the_transcript(client: TestClient) -> None:
    q = f"{SETUP}&moves=o:90,80~r~o:80,70"
    rows = list(csv.DictReader(io.StringIO(client.get(f"{BASE}.csv?{q}").text)))
    assert [(r["round"], r["role"]) for r in rows] == [
        ("1", "trainee"),
        ("1", "opponent"),
        ("2", "trainee"),
        ("2", "opponent"),
    ]
    assert rows[0]["term.valley"] == "90.0" and rows[1]["outcome"] == "reject"
    data = json.loads(client.get(f"{BASE}.json?{q}").text)
    assert data[2]["concession"] == pytest.approx(0.1, abs=1e-3)
    doc = json.loads(client.get(f"{BASE}/session.json?{q}").text)
    assert doc["moves"] == "o:90,80~r~o:80,70" and doc["strategy"] == "tit_for_tat"
    assert len(doc["scenario_sha256"]) == 64 and len(doc["transcript"]) == 4
    assert client.get(f"{BASE}.xml?{q}").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("seed=abc", "seed: &#39;abc&#39; is not a number"),
        ("strategy=nope", "strategy: unknown strategy"),
        ("side=LAK", "side: &#39;LAK&#39; is not a belligerent"),
        ("bundle=nope", "bundle: unknown bundle &#39;nope&#39;"),
        ("moves=o:1,2,3", "moves: move 1: an offer lists 2 value(s)"),
        ("moves=o:50,20~o:150,20", "move 2, value 1: &#39;150&#39; is out of range"),
        ("moves=zz", "move 1 &#39;zz&#39;"),
        ("act=dance", "act must be offer, accept or reject"),
        ("act=accept", "no counter-offer to answer"),
        ("act=offer&x.valley=50", "x.demilitarisation: missing a value"),
        ("act=offer&x.valley=abc&x.demilitarisation=1", "x.valley: &#39;abc&#39; is not a"),
        ("act=offer&x.valley=500&x.demilitarisation=1", "x.valley: &#39;500&#39; is out of"),
    ],
)
def test_bad_parameters_are_400_with_the_located_message(
    client: TestClient, query: str, message: str
) -> None:
    r = client.get(f"{BASE}?{query}", follow_redirects=False)
    assert r.status_code == 400
    assert message in r.text


def test_markup_in_parameters_is_escaped(client: TestClient) -> None:
    evil = "%3Cscript%3Ealert(1)%3C/script%3E"
    for q in (f"side={evil}", f"bundle={evil}", f"moves={evil}"):
        r = client.get(f"{BASE}?{q}")
        assert r.status_code == 400
        assert "<script>alert" not in r.text and "&lt;script&gt;alert(1)" in r.text


@pytest.mark.parametrize(
    "sid", ["..%2Fsecret", "secret", "%2e%2e", "..%2F..%2Fetc%2Fpasswd", "no-such-scenario"]
)
def test_no_file_paths_from_the_address(client: TestClient, sid: str) -> None:
    assert client.get(f"/scenario/{sid}/play").status_code == 404
    assert client.get(f"/scenario/{sid}/play.csv").status_code == 404


def test_concurrent_sessions_share_nothing(client: TestClient) -> None:
    """Two trainees' interleaved moves: each page shows only its own session (the state is
    the address; the server keeps none)."""
    a = f"{BASE}?{SETUP}"
    b = f"{BASE}?side=SUD&strategy=hardliner&bundle=settlement&seed=3"
    a = _move(client, a, act="offer", **{"x.valley": "90", "x.demilitarisation": "80"})
    b = _move(client, b, act="offer", **{"x.valley": "10", "x.demilitarisation": "0"})
    a = _move(client, a, act="reject")
    b = _move(client, b, act="reject")
    a = _move(client, a, act="offer", **{"x.valley": "80", "x.demilitarisation": "70"})
    assert parse_qs(urlsplit(a).query)["moves"] == ["o:90,80~r~o:80,70"]
    assert parse_qs(urlsplit(b).query)["moves"] == ["o:10,0~r"]
    ha, hb = client.get(a).text, client.get(b).text
    assert ha.count('<tr class="play-you">') == 2 and hb.count('<tr class="play-you">') == 1
    assert "You play <strong>Norland</strong>" in ha
    assert "You play <strong>Sudmark</strong>" in hb

"""Bundles (partial deals) in the what-if, scenario, compare and simulation pages; sliders for
red lines in force only; a running simulation stopped from the page."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

from detente.scenario import load_scenario
from detente.web import create_app
from detente.web.store import default_dir
from detente.web.whatif import knobs


def _bundle_row(html: str, bundle: str) -> str:
    m = re.search(rf'<tr data-bundle="{bundle}" data-zone="(open|closed)"([^>]*)>', html)
    assert m is not None, html
    return m.group(1) + m.group(2)


def test_whatif_shows_each_bundles_zone_as_written_and_what_if(client: TestClient) -> None:
    html = client.get("/scenario/teaching/whatif").text
    assert _bundle_row(html, "settlement") == "open"
    # Norland's floor on the valley above Sudmark's ceiling: the settlement's zone closes
    html = client.get("/scenario/teaching/whatif?p0.lo=70").text
    assert _bundle_row(html, "settlement") == 'closed class="changed"'
    assert "Zone per bundle: as written and what if" in html
    page = client.get("/scenario/teaching").text
    assert _bundle_row(page, "settlement") == "open"
    assert "Full settlement" in page


def test_compare_reports_whether_each_bundle_is_open(client: TestClient) -> None:
    html = client.get("/compare?id=teaching&id=variant").text
    assert html.count("Full settlement: open") == 2


def test_sliders_only_for_red_lines_in_force() -> None:
    s = load_scenario(default_dir() / "ukraine-2026-06.yaml")
    current = {id(p) for p in s.current_positions().values()}
    keys = [m for k in knobs(s) if (m := re.fullmatch(r"p(\d+)\.(lo|hi|cx)", k.key))]
    idx = {int(m.group(1)) for m in keys}
    assert idx and all(id(s.positions[i]) in current for i in idx)
    superseded = [
        i for i, p in enumerate(s.positions) if p.acceptable is not None and id(p) not in current
    ]
    assert superseded and not idx & set(superseded)


def _events(lines: list[str]) -> list[tuple[str, str]]:
    out, kind = [], ""
    for line in lines:
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            out.append((kind, line[6:]))
    return out


def test_simulation_result_lists_p_agreement_per_bundle(client: TestClient) -> None:
    with client.stream("GET", "/scenario/teaching/simulate/stream?runs=40&seed=2") as r:
        body = "".join(r.iter_text())
    assert body.startswith("event: job\n")
    assert 'id="bundle-agreements"' in body
    assert '<tr data-bundle="settlement"><th scope="row">Full settlement</th>' in body


def test_a_running_simulation_stops_when_asked_and_keeps_finished_runs() -> None:
    with TestClient(create_app()) as c:
        with c.stream("GET", "/scenario/teaching/simulate/stream?runs=5000&seed=3") as r:
            lines = r.iter_lines()
            seen: list[str] = []
            for line in lines:
                seen.append(line)
                if line.startswith("data: ") and len(_events(seen)) == 2:
                    break  # the job id, then the first progress event
            kind, job = _events(seen)[0]
            assert kind == "job" and re.fullmatch(r"[0-9a-f]{32}", job)
            assert c.post(f"/simulate/{job}/cancel").status_code == 204
            seen += list(lines)
        events = _events(seen)
        assert events[-1][0] == "result"
        done = [e for e in events if e[0] == "progress"]
        assert done and '"total": 5000' in done[-1][1]
        result = "\n".join(d for k, d in events if k == "result")
        m = re.search(r"stopped early: (\d+) of 5000 runs finished", result)
        assert m is not None and 0 < int(m.group(1)) < 5000
        assert c.post(f"/simulate/{job}/cancel").status_code == 404  # finished: gone
        assert c.post("/simulate/nope/cancel").status_code == 404


def test_compare_simulates_p_agreement_per_bundle_on_request(client: TestClient) -> None:
    page = client.get("/compare?id=teaching&id=variant").text
    assert "Simulate P(agreement) per bundle" in page
    page = client.get("/compare?id=teaching&id=variant&runs=60").text
    assert 'hx-get="/compare/agreements?id=teaching&amp;id=variant&amp;runs=60"' in page
    html = client.get("/compare/agreements?id=teaching&id=variant&runs=60").text
    assert "<html" not in html and 'id="compare-agreements"' in html
    assert "Full settlement" in html and "60 runs per snapshot" in html
    rows = client.get("/compare/agreements.json?id=teaching&id=variant&runs=60").json()
    assert [r["bundle_id"] for r in rows] == ["settlement", "settlement"]
    assert all(r["ci_low"] <= r["p_agreement"] <= r["ci_high"] for r in rows)
    # the two files differ only in their name: same seed, same answer
    assert rows[0]["p_agreement"] == rows[1]["p_agreement"]
    assert client.get("/compare/agreements?id=teaching&runs=60").status_code == 404
    assert client.get("/compare/agreements?id=teaching&id=variant&runs=0").status_code == 400


def test_simulation_what_if_protocol_and_strategies(client: TestClient) -> None:
    q = "runs=30&seed=4&protocol=alternating&strategy.NOR=hardliner"
    page = client.get(f"/scenario/teaching/simulate?{q}").text
    assert "Changed for this simulation" in page
    assert re.search(r"Norland: negotiation strategy</th><td>[^<]*</td><td>hardliner", page)
    assert f'data-stream="/scenario/teaching/simulate/stream?{q.replace("&", "&amp;")}"' in page
    with client.stream("GET", f"/scenario/teaching/simulate/stream?{q}") as r:
        body = "".join(r.iter_text())
    assert "NOR: hardliner" in body and "protocol</th><td>alternating" in body
    text = client.get(f"/scenario/teaching/whatif.yaml?{q}").text
    assert "# what-if: Norland: negotiation strategy:" in text and "-> hardliner" in text
    # an unknown name is refused with the allowed ones, and nothing runs
    page = client.get("/scenario/teaching/simulate?strategy.NOR=nice").text
    assert "is not one of" in page and "data-stream" not in page
    assert client.get("/scenario/teaching/simulate/stream?strategy.NOR=nice").status_code == 400


def test_a_scenario_the_simulation_cannot_take_is_a_located_400(served: Path) -> None:
    """Comparing P(agreement) with a scenario without a war model (the simulation needs one)
    answers 400 with the message, never a 500."""
    text = (served / "teaching.yaml").read_text(encoding="utf-8")
    head = text[: text.index("\nwar:")] + "\n"
    (served / "nowar.yaml").write_text(
        head.replace("name: Ash Valley (teaching case)", "name: Ash Valley, no war", 1), "utf-8"
    )
    with TestClient(create_app(served)) as c:
        r = c.get("/compare/agreements?id=nowar&id=teaching&runs=50")
        assert r.status_code == 400, r.text[:300]
        assert "war" in r.text and "Internal error" not in r.text
        assert c.get("/compare/agreements.json?id=nowar&id=teaching&runs=50").status_code == 400

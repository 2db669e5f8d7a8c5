"""The what-if sliders analyse without the package search; distances on request; cache header."""

from __future__ import annotations

import re

from starlette.testclient import TestClient


def _settlement(html: str) -> str:
    m = re.search(r'<tr data-bundle="settlement" data-zone="closed"[^>]*>(.*?)</tr>', html, re.S)
    assert m is not None, html
    return m.group(1)


def test_slider_skips_distances_until_asked(client: TestClient) -> None:
    # Norland's floor above Sudmark's ceiling closes the settlement
    html = client.get("/scenario/teaching/whatif?p0.lo=70").text
    assert "closed (distance not computed)" in _settlement(html)
    assert 'id="distances-skipped"' in html
    assert 'name="distances" value="1">' in html  # the box, not ticked
    html = client.get("/scenario/teaching/whatif?p0.lo=70&distances=1").text
    row = _settlement(html)
    assert "not computed" not in row and re.search(r"closed \(distance [0-9.]+\)", row)
    assert 'id="distances-skipped"' not in html
    assert 'name="distances" value="1" checked>' in html
    # the zone itself is the same either way
    a = client.get("/scenario/teaching/whatif?p0.lo=70", headers={"HX-Request": "1"}).text
    b = client.get(
        "/scenario/teaching/whatif?p0.lo=70&distances=1", headers={"HX-Request": "1"}
    ).text
    zone = re.compile(r"<table>\s*<caption>What if: zone per issue.*?</table>", re.S)
    za, zb = zone.search(a), zone.search(b)
    assert za is not None and zb is not None and za.group(0) == zb.group(0)


def test_zone_download_says_whether_it_was_recomputed(client: TestClient) -> None:
    url = "/scenario/teaching/whatif-zone.json?p0.lo=61"
    first, again = client.get(url), client.get(url)
    assert first.headers["X-Detente-Cache"] == "miss"
    assert again.headers["X-Detente-Cache"] == "hit"
    assert first.json() == again.json()
    assert client.get(url.replace("61", "62")).headers["X-Detente-Cache"] == "miss"
    assert client.get("/scenario/teaching/whatif-zone.json").headers["X-Detente-Cache"] == "hit"


def test_a_slider_move_computes_the_api_document_without_its_manifest() -> None:
    """slider_document is detente.analyze(edited, packages=False).document minus the manifest
    (the edited scenario's canonical hash), for random edits of both shipped kinds."""
    import random

    import detente
    from detente.web.store import ScenarioStore
    from detente.web.whatif import apply_edits, knobs, slider_document

    store = ScenarioStore()
    rng = random.Random(5)
    for sid, n in (("teaching", 4), ("ukraine-2026-06", 2)):
        s = store.get(sid).scenario
        ks = knobs(s)
        done = 0
        while done < n:
            k = rng.choice(ks)
            edited, changes, _ = apply_edits(s, {k.key: f"{rng.uniform(k.low, k.high):.2f}"})
            if not changes:
                continue
            done += 1
            api = dict(detente.analyze(edited, seed=7, packages=False).document)
            assert "manifest" in api
            del api["manifest"]
            assert slider_document(edited, 7) == api

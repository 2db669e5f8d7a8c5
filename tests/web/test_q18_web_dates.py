"""The workspace reads dates by the CLI's rules (branch q18, item 2): only ``YYYY-MM-DD`` and a
day that exists (``detente.api.common.parse_date``, the CLI's one parser; Python's
``date.fromisoformat`` also reads ``20240201`` and ``2024-W05-1``), and a trust window never
past the scenario's own date (the CLI's ``--as-of`` rule). A bad date is a 400 page with the
located message, on the page and on its downloads alike (a download used to get the default
window silently), never a 500 or a traceback."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from detente.web.monitorview import shipped_events

TRUST = "/scenario/teaching/trust"
OWN = "2024-06-30"  # meta.as_of of teaching.yaml


def _text(r: object) -> str:
    return str(getattr(r, "text", "")).replace("&#39;", "'").replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=20240201", "from: expected YYYY-MM-DD, got '20240201'"),
        ("from=2024-W05-1", "from: expected YYYY-MM-DD, got '2024-W05-1'"),
        ("to=2024W051", "to: expected YYYY-MM-DD, got '2024W051'"),
        ("to=2024-02-30", "to: expected YYYY-MM-DD, got '2024-02-30' (day is out of range"),
        ("from=yesterday", "from: expected YYYY-MM-DD, got 'yesterday'"),
        ("to=2024-07-01", f"to: 2024-07-01 is after the scenario's own date {OWN} (meta.as_of)"),
        ("from=2030-01-01", f"from: 2030-01-01 is after the scenario's own date {OWN}"),
    ],
)
@pytest.mark.parametrize("path", [TRUST, f"{TRUST}.csv", f"{TRUST}.json"])
def test_a_bad_trust_date_is_a_400_with_the_cli_message(
    client: TestClient, path: str, query: str, message: str
) -> None:
    r = client.get(f"{path}?{query}")
    assert r.status_code == 400, (path, query, r.status_code)
    assert message in _text(r)
    assert "Traceback" not in r.text


def test_a_long_bad_value_is_cut_in_the_message(client: TestClient) -> None:
    r = client.get(f"{TRUST}?from={'9' * 5000}")
    assert r.status_code == 400
    assert f"from: expected YYYY-MM-DD, got '{'9' * 40}…'" in _text(r)
    assert f"got '{'9' * 41}" not in _text(r)  # (the page's permalink holds the address)


def test_good_dates_still_draw_the_window(client: TestClient) -> None:
    r = client.get(f"{TRUST}?from=2024-01-01&to={OWN}")
    assert r.status_code == 200
    assert f"2024-01-01 to {OWN}" in r.text
    back = client.get(f"{TRUST}?from={OWN}&to=2024-01-01")  # backwards: shown reversed, said
    assert back.status_code == 200 and "showing it reversed" in back.text
    assert client.get(f"{TRUST}.csv?to={OWN}").status_code == 200


needs_sample = pytest.mark.skipif(shipped_events() is None, reason="no shipped event sample")


@needs_sample
@pytest.mark.parametrize("value", ["20150101", "2015-W01-1", "2015-02-29"])
def test_the_monitor_refuses_the_forms_the_cli_refuses(value: str) -> None:
    from detente.web import create_app

    with TestClient(create_app()) as c:
        for url in (f"/monitor?from={value}", f"/monitor/series.csv?to={value}"):
            r = c.get(url)
            assert r.status_code == 400, (url, r.status_code)
            assert "expected YYYY-MM-DD, got" in _text(r)
            assert "Traceback" not in r.text

"""Qualitative facts the replayed Russia–Ukraine ledger must show (shipped scenarios)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.scenario import Scenario, load_scenario
from detente.trust import Opinion, replay

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
LATEST = SCENARIOS / "ukraine-2026-06.yaml"
pytestmark = pytest.mark.skipif(not LATEST.is_file(), reason="shipped scenario not present")


@pytest.fixture(scope="module")
def ukraine() -> Scenario:
    return load_scenario(LATEST)


def _ua_in_ru(s: Scenario, day: str, dim: str) -> Opinion:
    return replay(s, as_of=dt.date.fromisoformat(day)).opinions()[("UA", "RU", dim)]


def test_kyiv_goodwill_claim_and_what_followed_lower_integrity(ukraine: Scenario) -> None:
    before = _ua_in_ru(ukraine, "2022-03-28", "integrity")
    after = _ua_in_ru(ukraine, "2022-04-06", "integrity")
    assert after.expected < before.expected
    res = {r.entry_id: r for r in replay(ukraine).resolutions}
    assert res["CL_kyiv_goodwill"].outcome == "broken"
    assert "E_bucha" in [v.entry_id for v in res["CL_kyiv_goodwill"].deciding]


def test_kept_exchanges_raise_predictability_without_restoring_integrity(
    ukraine: Scenario,
) -> None:
    pred0 = _ua_in_ru(ukraine, "2025-03-18", "predictability")
    pred1 = _ua_in_ru(ukraine, "2025-06-01", "predictability")
    int0 = _ua_in_ru(ukraine, "2025-03-18", "integrity")
    int1 = _ua_in_ru(ukraine, "2025-06-01", "integrity")
    assert pred1.expected > pred0.expected + 0.1
    assert pred1.u < pred0.u
    assert int1.expected - int0.expected < pred1.expected - pred0.expected
    assert int1.reading() == "distrusted"
    prior = replay(ukraine).opinions()  # integrity stays below the opening prior
    first = next(iter(replay(ukraine, truster="UA", trustee="RU").records()))
    assert int1.expected < 0.5 and first["cause"] == "prior"
    assert prior[("UA", "RU", "integrity")].reading() == "distrusted"


def test_every_shipped_scenario_replays() -> None:
    for path in sorted(SCENARIOS.glob("*.yaml")):
        s = load_scenario(path)
        hist = replay(s)
        for r in hist.snapshot():
            assert r["belief"] + r["disbelief"] + r["uncertainty"] == pytest.approx(1.0)

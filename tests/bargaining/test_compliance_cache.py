"""The compliance cache (bargaining.distrust.scenario_compliance): a what-if edit the trust
replay does not read reuses the replay, an edit it reads replays again, and a cached answer
always equals a fresh replay."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from detente.bargaining import distrust
from detente.bargaining.distrust import compliance_key, scenario_compliance
from detente.scenario import Scenario, load_scenario
from detente.trust import trust_state
from detente.web.whatif import apply_edits, knobs, toggles

SCENARIOS = Path(__file__).parents[2] / "scenarios"


def _fresh(s: Scenario) -> dict[tuple[str, str], float]:
    """The replay without the cache."""
    return {(a, b): float(v) for (a, b), v in trust_state(s).compliance("military").items()}


@pytest.mark.parametrize("sid", ["teaching", "ukraine-2026-06"])
def test_every_what_if_edit_keeps_the_key_and_the_cached_answer_equals_a_fresh_replay(
    sid: str,
) -> None:
    s = load_scenario(SCENARIOS / f"{sid}.yaml")
    key = compliance_key(s, None, "military")
    rng = random.Random(3)
    edits = [{t.key: "off"} for t in toggles(s)]
    for k in knobs(s):
        value = k.low + (k.high - k.low) * rng.random()
        edits.append({k.key: f"{value:.2f}"})
    applied = 0
    for params in edits:
        edited, changes, _ = apply_edits(s, params)
        if not changes:
            continue  # refused by the format (e.g. a red line excluding the ideal point)
        applied += 1
        assert compliance_key(edited, None, "military") == key, params
        assert scenario_compliance(edited)[0] == _fresh(edited), params
    assert applied >= len(edits) // 2


def test_an_edit_the_replay_reads_changes_the_key_and_the_answer() -> None:
    s = load_scenario(SCENARIOS / "ukraine-2026-06.yaml")
    before = scenario_compliance(s)[0]
    data = s.model_dump(mode="python")
    data["ledger"] = data["ledger"][: len(data["ledger"]) // 2]  # half the record
    cut = Scenario.model_validate(data)
    assert compliance_key(cut, None, "military") != compliance_key(s, None, "military")
    after = scenario_compliance(cut)[0]
    assert after == _fresh(cut)
    assert after != before
    # the date and the commitment kind are in the key too
    assert compliance_key(s, s.meta.as_of, "military") != compliance_key(s, None, "military")
    assert compliance_key(s, None, "economic") != compliance_key(s, None, "military")


def test_the_cache_is_bounded_and_answers_are_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distrust, "COMPLIANCE_CACHE_SIZE", 2)
    s = load_scenario(SCENARIOS / "teaching.yaml")
    for kind in ("military", "economic", "political"):
        scenario_compliance(s, kind=kind)
    assert len(distrust._compliance_cache) <= 2
    got = scenario_compliance(s)[0]
    got.clear()  # a caller changing its answer does not change the cache's
    assert scenario_compliance(s)[0] == _fresh(s)

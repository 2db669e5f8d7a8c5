"""The shipped scenarios: strict validity, dating, coverage, orientation, up-to-date outputs."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from detente.scenario import Scenario, ScenarioError, load_scenario, parse_scenario

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
ALL_FILES = sorted(SCENARIOS.glob("*.yaml"))
UKRAINE = sorted(SCENARIOS.glob("ukraine-*.yaml"))

ISSUES = {
    "crimea", "donetsk", "luhansk", "zaporizhzhia_kherson", "nato_neutrality",
    "security_guarantees", "army_size", "sanctions", "assets_reparations", "accountability",
    "prisoners", "children", "language_church", "elections", "ceasefire_sequencing",
    "black_sea", "energy_strikes", "znpp",
}  # fmt: skip
TERRITORY = {"crimea", "donetsk", "luhansk", "zaporizhzhia_kherson"}
# Named proposals and the date each was made (facts.yaml timeline).
PROPOSALS = {
    "istanbul_communique": "2022-03-29",
    "musk_plan": "2022-10-03",
    "peace_formula": "2022-11-15",
    "china_12_points": "2023-02-24",
    "russia_june_2024": "2024-06-14",
    "plan_28": "2025-11-20",
    "framework_20": "2025-12-23",
}
TRUST_PAIRS = {
    ("UA", "RU"), ("RU", "UA"), ("UA", "US"), ("UA", "EU"), ("RU", "US"), ("US", "RU"),
    ("EU", "RU"),
}  # fmt: skip


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_reference", SCENARIOS / "build_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_reference", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ukraine() -> dict[str, Scenario]:
    return {p.stem: load_scenario(p, strict=True) for p in UKRAINE}


def test_six_snapshots_and_teaching_exist() -> None:
    names = {p.stem for p in UKRAINE}
    assert names == {
        "ukraine-2022-03", "ukraine-2022-11", "ukraine-2023-12",
        "ukraine-2025-05", "ukraine-2025-11", "ukraine-2026-06",
    }  # fmt: skip
    assert (SCENARIOS / "teaching.yaml").exists()


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_file_loads_strictly(path: Path) -> None:
    s = load_scenario(path, strict=True)
    limit = s.meta.as_of
    dated = [p.date for p in s.positions] + [e.date for e in s.ledger]
    dated += [pr.date for pr in s.proposals]
    assert all(d is None or d <= limit for d in dated)


def test_as_of_matches_file_name(ukraine: dict[str, Scenario]) -> None:
    for name, s in ukraine.items():
        assert name == f"ukraine-{s.meta.as_of:%Y-%m}"
    assert ukraine["ukraine-2026-06"].meta.as_of == dt.date(2026, 6, 23)


def test_required_actors(ukraine: dict[str, Scenario]) -> None:
    for s in ukraine.values():
        assert len(s.actors) <= 10
        ids = {a.id for a in s.actors}
        assert {"RU", "RU_MIL", "UA", "UA_MIL", "US", "EU", "UK", "TR", "CN"} <= ids
        for state in ("RU", "UA"):
            a = s.actor(state)
            assert a.veto and a.belligerent and a.kind.value == "state"
            faction = s.actor(f"{state}_MIL")
            assert faction.kind.value == "faction" and faction.parent == state
            assert faction.control is not None
        assert s.actor("TR").kind.value == "mediator"
        assert {a.id for a in s.veto_actors} == {"RU", "UA"}
        providers = {sup.provider for sup in s.actor("UA").support}
        assert {"US", "EU", "UK"} <= providers


def test_us_aid_level_reflects_2025_pause(ukraine: dict[str, Scenario]) -> None:
    def us_level(s: Scenario) -> float:
        return next(x.level for x in s.actor("UA").support if x.provider == "US")

    assert us_level(ukraine["ukraine-2022-11"]) == 1.0
    for name in ("ukraine-2025-05", "ukraine-2025-11", "ukraine-2026-06"):
        assert us_level(ukraine[name]) < 0.5


def test_issues_scales_and_status_quo(ukraine: dict[str, Scenario]) -> None:
    for s in ukraine.values():
        assert {i.id for i in s.issues} == ISSUES
        for i in s.issues:
            values = {a.value for a in i.anchors}
            assert {0.0, 100.0} <= values and len(values) >= 3, i.id
            assert i.contested == (i.id in TERRITORY)
    # DeepState, 1 Jan 2026: Luhansk 99.6%, Donetsk 78.1% (the June 2026 snapshot's anchor)
    latest = ukraine["ukraine-2026-06"]
    assert latest.issue("luhansk").status_quo == pytest.approx(99.6)
    assert 78 <= latest.issue("donetsk").status_quo <= 80
    # Russian-held share of Donetsk never falls between snapshots after 2022
    donetsk = [ukraine[n].issue("donetsk").status_quo for n in sorted(ukraine)]
    assert donetsk == sorted(donetsk)


def test_proposals_present_exactly_when_made(ukraine: dict[str, Scenario]) -> None:
    for s in ukraine.values():
        ids = {p.id for p in s.proposals}
        due = {
            pid for pid, date in PROPOSALS.items() if dt.date.fromisoformat(date) <= s.meta.as_of
        }
        assert due <= ids, s.meta.as_of
        for pid, date in PROPOSALS.items():
            if dt.date.fromisoformat(date) > s.meta.as_of:
                assert pid not in ids


def test_veto_actors_have_current_positions_on_every_issue(
    ukraine: dict[str, Scenario],
) -> None:
    for s in ukraine.values():
        current = s.current_positions()
        for actor in ("RU", "UA"):
            assert {i for a, i in current if a == actor} == ISSUES, (s.meta.as_of, actor)


def test_orientation_russia_never_left_of_ukraine(ukraine: dict[str, Scenario]) -> None:
    for s in ukraine.values():
        cur = s.current_positions()
        for hawk, dove in (("RU", "UA"), ("RU_MIL", "UA_MIL")):
            for issue in ISSUES:
                if (hawk, issue) in cur and (dove, issue) in cur:
                    assert cur[hawk, issue].ideal >= cur[dove, issue].ideal, (s.meta.as_of, issue)
        assert s.war is not None
        ru, ua = s.war.victory_terms["RU"], s.war.victory_terms["UA"]
        assert all(ru[i] >= ua[i] for i in ISSUES)
        assert cur["RU", "crimea"].ideal == 100 and cur["UA", "crimea"].ideal == 0


def test_red_lines_from_statements(ukraine: dict[str, Scenario]) -> None:
    # June 2024 terms: withdrawal from all four regions -> Russia accepts only >= 95 there
    s = ukraine["ukraine-2025-05"]
    cur = s.current_positions()
    for issue in ("donetsk", "luhansk", "zaporizhzhia_kherson"):
        acc = cur["RU", issue].acceptable
        assert acc is not None and acc[0] >= 95
    # Ukraine: no recognition of the annexation of Crimea (50 = control without recognition)
    for s in ukraine.values():
        acc = s.current_positions()["UA", "crimea"].acceptable
        assert acc is not None and acc[1] <= 50


def test_trust_priors(ukraine: dict[str, Scenario]) -> None:
    for s in ukraine.values():
        pairs = {(t.truster, t.trustee) for t in s.trust}
        assert pairs >= TRUST_PAIRS
        for t in s.trust:
            assert t.integrity is not None


def test_ledger_kyiv_goodwill_and_grain(ukraine: dict[str, Scenario]) -> None:
    first = {e.id: e for e in ukraine["ukraine-2022-03"].ledger}
    assert "C04_kyiv_reduction" in first
    assert not any(getattr(e, "refers_to", ()) for e in first.values() if e.date.year == 2022)
    later = {e.id: e for e in ukraine["ukraine-2022-11"].ledger}
    obs = later["O_kyiv_withdrawal"]
    assert obs.kind == "observation" and "C04_kyiv_reduction" in obs.refers_to
    assert later["E_bucha"].kind == "event"
    grain = {e.id: e for e in ukraine["ukraine-2023-12"].ledger}
    assert grain["E_grain_end"].date == dt.date(2023, 7, 17)
    swaps = [e for e in ukraine["ukraine-2025-05"].ledger if e.kind == "observation"]
    assert any(e.assessment is not None and e.assessment.value == "kept" for e in swaps)
    may26 = {e.id: e for e in ukraine["ukraine-2026-06"].ledger}
    assert may26["O_may26_RU"].kind == "observation"


def test_fortna_hazard_ratios(ukraine: dict[str, Scenario]) -> None:
    for s in ukraine.values():
        mech = {m.id: m for m in s.mechanisms}
        assert mech["peacekeepers"].hazard_ratio == pytest.approx(0.54)
        assert mech["osce_monitors"].hazard_ratio == pytest.approx(0.88)
        kinds = {m.kind.value for m in s.mechanisms}
        assert {"monitors", "peacekeepers", "dmz", "guarantee", "staged_sanctions"} <= kinds
        assert {"joint_commission", "ratification", "security_guarantee"} <= kinds


def test_partisan_sources_are_flagged(ukraine: dict[str, Scenario]) -> None:
    src = ukraine["ukraine-2026-06"].meta.sources
    assert src["S_ist10"].reliability.value == "partisan"  # TASS
    assert src["S_jun26_6"].reliability.value == "low"  # low-prominence analysis site
    assert src["S_ds1"].reliability.value == "medium"


def test_generated_files_are_up_to_date() -> None:
    builder = _builder()
    for name in builder.SNAPSHOTS:
        text = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
        assert builder.render(name) == text, f"{name}.yaml is stale: run build_reference.py"


def test_strict_rejects_an_untraced_number() -> None:
    text = (SCENARIOS / "teaching.yaml").read_text(encoding="utf-8")
    broken = text.replace(
        "    assumption: neutral neighbour that hosts talks and can send monitors\n", ""
    )
    assert broken != text
    parse_scenario(broken, name="t.yaml")  # fine without strict
    with pytest.raises(ScenarioError, match="no `sources` and no `assumption`"):
        parse_scenario(broken, name="t.yaml", strict=True)


def test_teaching_scenario_is_small() -> None:
    path = SCENARIOS / "teaching.yaml"
    s = load_scenario(path, strict=True)
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 160
    assert len(s.issues) == 2 and len(s.proposals) == 2 and len(s.mechanisms) == 1
    assert sum(a.belligerent for a in s.actors) == 2
    kinds = [e.kind for e in s.ledger]
    assert "commitment" in kinds and "observation" in kinds
    assert s.war is not None


def test_red_lines_disjoint_on_donetsk_after_2022(ukraine: dict[str, Scenario]) -> None:
    """The pattern docs/explanation/ukraine-scenarios.md describes: at Istanbul 2022 the veto
    parties' red lines overlap everywhere except on Crimea (which the communique deferred
    rather than settled), and never on Donetsk afterwards."""

    def disjoint(s: Scenario) -> set[str]:
        cur = s.current_positions()
        out = set()
        for issue in ISSUES:
            ru, ua = cur["RU", issue].acceptable, cur["UA", issue].acceptable
            if ru is not None and ua is not None and (ru[0] > ua[1] or ua[0] > ru[1]):
                out.add(issue)
        return out

    assert disjoint(ukraine["ukraine-2022-03"]) == {"crimea"}
    for name in sorted(ukraine)[1:]:
        assert "donetsk" in disjoint(ukraine[name]), name
    assert {"crimea", "security_guarantees"} <= disjoint(ukraine["ukraine-2026-06"])


# The only records in the facts of early events, published after the snapshot that cites them
# (explained in docs/explanation/ukraine-scenarios.md): talks in Feb-Mar 2022, grain volumes.
LATER_RECORDS = {"S_ist5", "S_grain1", "S_grain2", "S_grain4"}


def test_sources_published_by_as_of(ukraine: dict[str, Scenario]) -> None:
    """No look-ahead: a snapshot cites only what was published by its date (listed exceptions)."""
    for s in ukraine.values():
        as_of = s.meta.as_of.isoformat()
        late = {
            sid
            for sid, src in s.meta.sources.items()
            if src.date is not None and src.date > as_of[: len(src.date)]
        }
        assert late <= LATER_RECORDS, (as_of, late - LATER_RECORDS)

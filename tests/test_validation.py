"""validation/score.py: the published score is current, every check kind scores, malformed
checks and reserved negotiations are refused."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from tests.repo_scripts import validation_score as _score

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "bargaining" / "fixtures" / "border.yaml"


def test_published_score_is_current() -> None:
    assert _score().main(["--check"]) == 0, "run .venv/bin/python validation/score.py"


CASE = """
id: {cid}
name: {name}
period: "2025"
category: partial
what_happened: fictional border war used to test the scorer
sources: []
expectations:
{exps}
"""

CHECKS = {
    "zone_closed": ("{kind: zone, exists: false}", "pass"),
    "zone_nd": ("{kind: zone, exists: true, distrust: false}", "pass"),
    "priced": ("{kind: zone, exists: true, red_lines: priced}", None),
    "army_open": (
        "{kind: bundle_zone, bundle: {issues: [army], ceasefire: false}, exists: true}",
        None,
    ),
    "freeze": ("{kind: proposal_accepted, proposal: freeze, accepted: true, by: E}", None),
    "maximal": ("{kind: proposal_accepted, proposal: maximal, accepted: false}", "pass"),
    "dist": ("{kind: distance, bundle: settlement, op: '>=', value: 0}", "pass"),
    "order": ("{kind: distance_order, less: [settlement, settlement], strict: false}", "pass"),
    "block": ("{kind: blocking, bundle: settlement, issue: alignment, blocked: false}", None),
    "crossed": (
        "{kind: red_line_crossed, proposal: maximal, actor: W, issue: province, crossed: true}",
        "pass",
    ),
    "outcome": ("{kind: outcome_in_zone, inside: true}", "not_yet_scorable"),
    "uses": (
        "{kind: cheapest_package_uses, bundle: settlement, lever: red_line, uses: true}",
        None,
    ),
    "later": ("{kind: p_agreement, bundle: settlement, periods: 52, op: '>', value: 0.5}", None),
    "period": ("{kind: agreement_period, bundle: settlement, op: '>', value: 0}", None),
    "brk": ("{kind: breakdown_1y, op: '<', value: 1.01}", None),
    "army_p": (
        "{kind: p_agreement, bundle: {issues: [army], ceasefire: false}, periods: 26, op: '>=', "
        "value: 0}",
        None,
    ),
    "undeclared": ("{kind: bundle_zone, bundle: humanitarian, exists: true}", "not_yet_scorable"),
}


def _case(root: Path, cid: str, checks: dict[str, str], name: str = "Border war") -> None:
    d = root / "cases" / cid
    d.mkdir(parents=True)
    shutil.copy(FIXTURE, d / "scenario.yaml")
    exps = "\n".join(
        f"  - {{id: {k}, written: 2026-12-01, statement: s, check: {v}}}" for k, v in checks.items()
    )
    (d / "case.yaml").write_text(CASE.format(cid=cid, name=name, exps=exps), encoding="utf-8")


def test_every_kind_scores(tmp_path: Path) -> None:
    mod = _score()
    _case(tmp_path, "border", {k: v for k, (v, _) in CHECKS.items()})
    scores, summaries = mod.score_cases(tmp_path / "cases")
    got = {s.expectation: s.status for s in scores}
    assert summaries[0]["category"] == "partial" and set(got) == set(CHECKS)
    for key, (_, expected) in CHECKS.items():
        assert got[key] in {"pass", "miss", "not_yet_scorable"}
        if expected is not None:
            assert got[key] == expected, (key, got[key])
    text = mod.render(scores, summaries)
    assert "| border | zone_closed | zone | pass |" in text


@pytest.mark.parametrize(
    "check",
    [
        "{kind: no_such_kind}",
        "{kind: zone}",
        "{kind: proposal_accepted, proposal: nope, accepted: true}",
        "{kind: bundle_zone, bundle: {issues: [nope]}, exists: true}",
    ],
)
def test_malformed_checks_are_errors(tmp_path: Path, check: str) -> None:
    mod = _score()
    _case(tmp_path, "border", {"bad": check})
    with pytest.raises(mod.CheckError, match="bad"):
        mod.score_cases(tmp_path / "cases")
    assert mod.main(["--cases", str(tmp_path / "cases"), "--json"]) == 2


def test_reserved_negotiations_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = _score()
    # a fictional entry stands in for the reserved list (whose cases are never written here)
    monkeypatch.setattr(mod, "RESERVED", (("border war", "2025"),))
    _case(tmp_path, "talks", {"z": "{kind: zone, exists: false}"})
    with pytest.raises(mod.CheckError, match="reserved"):
        mod.score_cases(tmp_path / "cases")


def _simscore() -> ModuleType:
    _score()
    return sys.modules["validation_simscore"]


def test_simulation_kinds_read_the_cache(tmp_path: Path) -> None:
    """The simulation-scored kinds go through detente.simulate once per (case, horizon,
    bundle), are cached, and a read-only cache that lacks one fails loudly (never a pass)."""
    mod, sim = _score(), _simscore()
    _case(tmp_path, "border", {k: CHECKS[k][0] for k in ("later", "period", "brk", "army_p")})
    cache = sim.Cache(tmp_path / "cases", tmp_path / "simulated.json", allow_run=True)
    scores, _ = mod.score_cases(tmp_path / "cases", cache)
    assert {s.status for s in scores} <= {"pass", "miss", "not_yet_scorable"}
    # settlement within 52 weeks, the 156-week horizon, and the inline bundle within 26 weeks
    assert cache.ran == 3 and len(cache.used) == 3
    text = cache.document()
    (tmp_path / "simulated.json").write_text(text, encoding="utf-8")
    again = sim.Cache(tmp_path / "cases", tmp_path / "simulated.json", allow_run=False)
    scores2, _ = mod.score_cases(tmp_path / "cases", again)
    assert [s.__dict__ for s in scores2] == [s.__dict__ for s in scores]
    assert again.ran == 0 and again.document() == text
    empty = sim.Cache(tmp_path / "cases", tmp_path / "none.json", allow_run=False)
    with pytest.raises(sim.Stale):
        mod.score_cases(tmp_path / "cases", empty)
    # a changed scenario makes the cached figure stale
    scen = tmp_path / "cases" / "border" / "scenario.yaml"
    scen.write_text(scen.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with pytest.raises(sim.Stale):
        mod.score_cases(tmp_path / "cases", again)
    # so does a change to the engine's source (another engine hash)
    scen.write_text(scen.read_text(encoding="utf-8").removesuffix("\n# edited\n"), "utf-8")
    fresh = sim.Cache(tmp_path / "cases", tmp_path / "simulated.json", allow_run=False)
    mod.score_cases(tmp_path / "cases", fresh)  # the same scenario and engine: current
    fresh.engine = "0" * 64
    with pytest.raises(sim.Stale):
        mod.score_cases(tmp_path / "cases", fresh)


def test_pooled_breakdown_and_bundle_resolution() -> None:
    sim = _simscore()
    recs = [
        {"bundle": "settlement", "p_agreement": 0.2, "p_breakdown_1y": 0.5},
        {"bundle": "truce", "p_agreement": 0.6, "p_breakdown_1y": 0.1},
        {"bundle": "swap", "p_agreement": 0.0, "p_breakdown_1y": None},
    ]
    assert sim.pooled_breakdown({"agreements": recs}) == pytest.approx(0.2)
    assert sim.pooled_breakdown({"agreements": recs[2:]}) is None

    from detente import load_scenario

    s = load_scenario(REPO / "validation" / "cases" / "minsk_i_2014" / "scenario.yaml")
    declared = {"issues": ["humanitarian", "line"], "ceasefire": True}
    assert sim.resolve(s, declared) == ("ceasefire_humanitarian", None)
    assert sim.resolve(s, "settlement") == ("settlement", None)
    bid, extra = sim.resolve(s, {"issues": ["line"], "ceasefire": True})
    assert bid == sim.INLINE_ID and extra is not None


@pytest.mark.slow
def test_simulated_cache_is_what_the_engine_gives() -> None:
    """Rerun every simulation of the development set: the committed cache (and so the
    published score) is what the current engine gives."""
    mod, sim = _score(), _simscore()
    cases = REPO / "validation" / "cases"
    fresh = sim.Cache(cases, sim.CACHE, allow_run=True)
    fresh.entries = {}
    mod.score_cases(cases, fresh)
    assert fresh.document() == sim.CACHE.read_text(encoding="utf-8"), (
        "run .venv/bin/python validation/score.py --simulate"
    )

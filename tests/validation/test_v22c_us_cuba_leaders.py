"""v22c: the leaders in office in ``us_cuba_2014`` (validation/v22c_expectations.md).

Both belligerents state ``leader_since``, each date cited by a source of the case: Obama's
inauguration (2009-01-20) and Raúl Castro's assumption of Fidel's duties (2006-07-31; elected
president 2008-02-24, cited beside it). The US refusal of presidential contact (since 1996) is
therefore a predecessor's: its price is halved (since branch v23a the price of signing the
envoys' text, 0.199 -> 0.099, below the US gain 0.137, so the US signs; before, the meeting
rule's 0.80 -> 0.40, above the gain 0.175). The positions are all
dated after both dates, so the analysis' predecessor mask stays empty."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "validation" / "cases" / "us_cuba_2014" / "scenario.yaml"

LEADERS = {  # actor -> (leader_since, the source the date is read from)
    "US": (dt.date(2009, 1, 20), "S_obama"),
    "CU": (dt.date(2006, 7, 31), "S_raul_2006"),
}


def _lifting_why() -> ModuleType:
    key = "validation_lifting_why"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, ROOT / "validation" / "lifting_why.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


def test_both_leaders_are_dated_and_sourced() -> None:
    from detente.scenario import load_scenario

    sc = load_scenario(CASE)
    actors = {a.id: a for a in sc.actors}
    for aid, (since, source) in LEADERS.items():
        assert actors[aid].leader_since == since
        assert source in actors[aid].sources
        assert source in sc.meta.sources
        assert sc.meta.sources[source].reliability == "high"
    # the formal election is cited beside the date used for Cuba
    assert "S_raul_2008" in actors["CU"].sources


def test_the_positions_are_not_a_predecessors() -> None:
    from detente.bargaining.problem import build_problem
    from detente.scenario import load_scenario

    p = build_problem(load_scenario(CASE))
    assert not np.asarray(p.leader_change).any()


def _without_leaders() -> object:
    from ruamel.yaml import YAML

    from detente.scenario import parse_scenario

    data = YAML(typ="safe").load(CASE.read_text(encoding="utf-8"))
    for a in data["actors"]:
        a.pop("leader_since", None)
    return parse_scenario(json.dumps(data, default=str), name="us_cuba_no_leaders.json")


def test_the_refusal_is_a_predecessors_and_its_signature_price_is_halved_below_the_gain() -> None:
    """Since branch v23a (v21a re-landed) the US refusal closes only the presidents' summit,
    which only signs: a refusal to sign, no longer priced by the meeting rule (its row there
    is gone) but at the signature of the envoys' first text: half of one whole-scale crossing
    for the predecessor's refusal (0.199 -> 0.099), below the US gain from that text (0.137),
    so the US signs it (validation/v23a_expectations.md). Before v23a this test read the
    meeting rule's price (0.80 -> 0.40, above the gain 0.175: no lift)."""
    from detente.scenario import load_scenario
    from detente.simulate.model import build_model

    lw = _lifting_why()
    tt = build_model(load_scenario(CASE)).tracks
    assert tt is not None and tt.refusal_lead is not None
    assert tt.refusal_ids == ("no_presidential_contact",)
    assert list(tt.refusal_lead) == [1.0]
    assert tt.signs is not None and bool(tt.signs[0])
    assert lw.diagnose("us_cuba_2014", CASE, runs=20, seed=20261122, periods=2) == []
    weeks = 40  # the envoys' first text (normalisation) comes in a median week 33
    (row,) = lw.diagnose_signing("us_cuba_2014", CASE, runs=20, seed=20261122, periods=weeks)
    (base,) = lw.diagnose_signing(
        "no leaders", _without_leaders(), runs=20, seed=20261122, periods=weeks
    )
    assert base["price"] == pytest.approx(0.199, abs=0.002)
    assert row["price"] == pytest.approx(base["price"] / 2, rel=0.01)
    assert row["gain"] == pytest.approx(0.137, abs=0.002)
    assert row["price"] < row["gain"] < base["price"]
    assert row["signed"] == row["texts"] > 0.5 and base["signed"] == 0.0

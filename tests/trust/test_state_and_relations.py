"""One trust state (no entry counted twice) and observer-relative evidence."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pytest
from tests.trust.conftest import make_scenario

from detente.bargaining.distrust import scenario_compliance
from detente.scenario import Scenario
from detente.scenario import load_scenario as _load_scenario
from detente.trust import DIMENSIONS, compliance_matrix, replay, trust_state
from detente.trust.events import RELATION_FACTOR

load_scenario = functools.cache(_load_scenario)

SCENARIOS = sorted(Path(__file__).parents[2].joinpath("scenarios").glob("*.yaml"))
PI = DIMENSIONS.index("peaceful_intention")


def _violation(day: str, by: str = "A", against: str = "B") -> dict[str, Any]:
    return {"kind": "event", "id": f"v{day}{by}", "date": day, "type": "violation", "by": by,
            "against": against, "magnitude": 1.0, "verification": "monitor_verified"}  # fmt: skip


PRIOR = {"truster": "B", "trustee": "A", "integrity": {"positive": 3, "negative": 1},
         "assumption": "t"}  # fmt: skip


def test_an_undated_prior_is_the_view_at_as_of_and_no_entry_counts_twice() -> None:
    """An undated prior is the view at ``as_of``: the entries before it are in it, so the
    reading equals the prior whatever the ledger held, and ledger-only / prior-only are
    reported separately."""
    ledger = [_violation(f"2023-0{m}-01") for m in range(1, 9)]
    st = trust_state(make_scenario(ledger, [PRIOR]))
    k = DIMENSIONS.index("integrity")
    assert st.expected[1, 0, k] == pytest.approx((3 + 1) / (3 + 1 + 2), abs=1e-15)
    assert st.prior_only[1, 0, k] == pytest.approx(st.expected[1, 0, k], abs=1e-15)
    alone = trust_state(make_scenario(ledger))
    assert st.ledger_only[1, 0, k] == pytest.approx(alone.expected[1, 0, k], abs=1e-15)
    assert st.ledger_only[1, 0, k] < st.expected[1, 0, k]


def test_a_dated_prior_takes_each_later_entry_once() -> None:
    """Prior dated 2023-05-01, one violation after it: the state is the prior (forgotten to
    the entry's date) plus that entry's evidence exactly once; the earlier entries add
    nothing (they are in the prior)."""
    before = [_violation(f"2023-0{m}-01") for m in range(1, 5)]
    after = [_violation("2023-06-01")]
    dated = [dict(PRIOR, date="2023-05-01")]
    one = trust_state(make_scenario(before[:1] + after, dated), dt.date(2023, 6, 1))
    both = trust_state(make_scenario(before + after, dated), dt.date(2023, 6, 1))
    k = DIMENSIONS.index("integrity")
    assert both.r[1, 0, k] == pytest.approx(one.r[1, 0, k], abs=1e-12)
    assert both.s[1, 0, k] == pytest.approx(one.s[1, 0, k], abs=1e-12)
    # prior s = 1 forgotten for 31 days, plus the violation's own evidence once
    s_prior = 1 * 2 ** (-31 / (6 * 365))
    entry = trust_state(make_scenario(after), dt.date(2023, 6, 1)).s[1, 0, k]
    assert entry > 0
    assert one.s[1, 0, k] == pytest.approx(s_prior + entry, abs=1e-12)


def test_compliance_everywhere_is_read_from_the_one_state() -> None:
    scen = load_scenario(SCENARIOS[-1])
    st = trust_state(scen)
    q, _ = scenario_compliance(scen)
    assert q == st.compliance("military") == compliance_matrix(scen)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_trust_state_records_equal_the_snapshot(path: Path) -> None:
    scen = load_scenario(path)
    rows = {(r["truster"], r["trustee"], r["dimension"]): r for r in trust_state(scen).records()}
    for snap in replay(scen).snapshot():
        rec = rows[(snap["truster"], snap["trustee"], snap["dimension"])]
        assert rec["expected"] == pytest.approx(snap["expected"], abs=1e-9)


# -- observer-relative evidence ------------------------------------------------------------
def _war_scenario(ledger: list[dict[str, Any]]) -> Scenario:
    """A and C at war; B is C's enemy (on A's side via support); D is a third party; E
    supports C."""
    base = make_scenario(ledger).model_dump(mode="json", exclude_none=True)
    base["actors"] = [
        {"id": "A", "name": "A", "kind": "state", "belligerent": True},
        {"id": "C", "name": "C", "kind": "state", "belligerent": True,
         "support": [{"id": "e_aid", "provider": "E"}]},
        {"id": "B", "name": "B", "kind": "state",
         "support": [{"id": "a_aid", "provider": "A"}]},
        {"id": "D", "name": "D", "kind": "state"},
        {"id": "E", "name": "E", "kind": "state"},
    ]  # fmt: skip
    base["actors"][0]["support"] = [{"id": "b_aid", "provider": "B"}]
    base["war"] = {"belligerents": ["A", "C"]}
    return Scenario.model_validate(base)


def test_hostile_act_against_my_enemy_does_not_lower_my_trust_in_its_intention() -> None:
    """A's offensive against C: B (C's enemy, A's ally) keeps its trust in A's peaceful
    intention; C (the target) loses most, E (C's ally) less, D (third party) less still,
    in the documented ratios (RELATION_FACTOR)."""
    act = {"kind": "event", "id": "off", "date": "2023-03-01", "type": "offensive", "by": "A",
           "against": "C", "magnitude": 1.0, "verification": "monitor_verified"}  # fmt: skip
    st = trust_state(_war_scenario([act]))
    quiet = trust_state(_war_scenario([]))
    a = st.index("A")
    s = {o: float(st.s[st.index(o), a, PI]) for o in "BCDE"}
    assert float(st.expected[st.index("B"), a, PI]) == pytest.approx(
        float(quiet.expected[st.index("B"), a, PI]), abs=1e-15
    )
    assert s["B"] == 0.0
    for obs, rel in (("E", "ally_of_target"), ("D", "third_party")):
        assert s[obs] == pytest.approx(s["C"] * RELATION_FACTOR[rel], abs=1e-12)
    assert s["C"] > s["E"] > s["D"] > s["B"]


def test_a_clients_own_recapture_does_not_count_against_its_patron() -> None:
    """A faction (client) of B attacks B's enemy C: B's intention reading of the spill is
    read by B's allies as an act against their enemy (no loss), by C as the target."""
    act = {"kind": "event", "id": "rec", "date": "2023-03-01", "type": "offensive", "by": "H",
           "against": "C", "magnitude": 1.0, "verification": "monitor_verified"}  # fmt: skip
    base = _war_scenario([act]).model_dump(mode="json", exclude_none=True)
    base["actors"].append({"id": "H", "name": "H", "kind": "faction", "parent": "A",
                           "control": 0.5})  # fmt: skip
    st = trust_state(Scenario.model_validate(base))
    a, h = st.index("A"), st.index("H")
    assert float(st.s[st.index("B"), a, PI]) == 0.0  # ally of the actor
    assert float(st.s[st.index("B"), h, PI]) == 0.0
    assert float(st.s[st.index("C"), a, PI]) > 0.0  # the target


def _offensive(by: str, against: str) -> dict[str, Any]:
    return {"kind": "event", "id": f"off_{by}", "date": "2023-03-01", "type": "offensive",
            "by": by, "against": against, "magnitude": 1.0,
            "verification": "monitor_verified"}  # fmt: skip


def test_explicit_relations_override_the_derived_sides() -> None:
    """D (a derived third party) declared C's enemy reads A's offensive on C as no threat;
    declared C's ally, it reads it as an ally of the target."""
    base = _war_scenario([_offensive("A", "C")]).model_dump(mode="json", exclude_none=True)
    out = {}
    for kind in ("enemy", "ally", "neutral"):
        doc = dict(base, relations=[{"a": "D", "b": "C", "kind": kind, "assumption": "t"}])
        st = trust_state(Scenario.model_validate(doc))
        out[kind] = float(st.s[st.index("D"), st.index("A"), PI])
        target = float(st.s[st.index("C"), st.index("A"), PI])
    assert out["enemy"] == 0.0
    assert out["ally"] == pytest.approx(target * RELATION_FACTOR["ally_of_target"])
    assert out["neutral"] == pytest.approx(target * RELATION_FACTOR["third_party"])


def test_per_observer_perceptions_separate_observers_of_the_same_event() -> None:
    """Two allies of the target (B via an explicit relation, E via support) read the same
    offensive differently when one discounts the entry."""
    base = _war_scenario([_offensive("A", "C")]).model_dump(mode="json", exclude_none=True)
    base["relations"] = [{"a": "B", "b": "C", "kind": "ally", "assumption": "t"}]
    same = trust_state(Scenario.model_validate(base))
    a, b, e = same.index("A"), same.index("B"), same.index("E")
    assert same.expected[b, a, PI] == pytest.approx(same.expected[e, a, PI], abs=1e-15)
    base["perceptions"] = [{"observer": "B", "entry": "off_A", "weight": 0.5,
                            "assumption": "t"}]  # fmt: skip
    st = trust_state(Scenario.model_validate(base))
    assert float(st.s[b, a, PI]) == pytest.approx(0.5 * float(st.s[e, a, PI]), abs=1e-12)


def test_bad_perceptions_are_located_errors() -> None:
    from detente.errors import InputError

    base = _war_scenario([_offensive("A", "C")]).model_dump(mode="json", exclude_none=True)
    base["perceptions"] = [{"observer": "B", "entry": "nope", "assumption": "t"}]
    with pytest.raises(InputError, match=r"perceptions\[0\].*nope"):
        trust_state(Scenario.model_validate(base))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_explain_reports_prior_only_and_ledger_only_readings(path: Path) -> None:
    scen = load_scenario(path)
    st = trust_state(scen)
    rows = replay(scen).explain("UA" if "UA" in st.actors else st.actors[0],
                                "RU" if "RU" in st.actors else st.actors[1],
                                "integrity", top=1000)  # fmt: skip
    if not rows:
        return
    i, j = st.index(rows[0]["truster"]), st.index(rows[0]["trustee"])
    k = DIMENSIONS.index("integrity")
    assert rows[0]["prior_only"] == pytest.approx(float(st.prior_only[i, j, k]), abs=1e-12)
    assert rows[0]["ledger_only"] == pytest.approx(float(st.ledger_only[i, j, k]), abs=1e-12)
    total = rows[0]["prior"] + sum(r["contribution"] for r in rows)
    assert total == pytest.approx(rows[0]["final"], abs=1e-9)
    assert rows[0]["final"] == pytest.approx(float(st.expected[i, j, k]), abs=1e-9)

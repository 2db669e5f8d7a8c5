"""The what-if view's assumptions beyond red-line bounds and costs of fighting: crossing costs
(``pN.cx``), aid (``aid.ACTOR.LINE``), payments (``pay.ID``, ``pay.ID.amount``) and mechanisms
(``mech.ID``, ``mech.ID.FIELD``): each applied, listed, downloadable, refused when invalid, and
felt by the analysis in the direction the model's definition gives."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import detente
from detente.bargaining.problem import build_problem
from detente.scenario import Scenario, dump_scenario, load_scenario, parse_scenario
from detente.web import create_app
from detente.web.store import default_dir
from detente.web.whatif import GROUPS, apply_all_edits, apply_edits, knobs, toggles

TEACHING = default_dir() / "teaching.yaml"


def _rich(names: dict[str, str] | None = None) -> Scenario:
    """The teaching case with aid to Sudmark, a payment and a security guarantee, both in the
    river-split proposal (the shipped case has none of them); ``names`` renames actors."""
    d: dict[str, Any] = load_scenario(TEACHING).model_dump(mode="python")
    for a in d["actors"]:
        a["name"] = (names or {}).get(a["id"], a["name"])
    sud = next(a for a in d["actors"] if a["id"] == "SUD")
    sud["support"] = [
        {
            "id": "lak_aid",
            "provider": "LAK",
            "capability": 20.0,
            "cost_relief": 0.002,
            "level": 0.5,
            "assumption": "test",
        }
    ]
    d["payments"] = [
        {
            "id": "rebuild",
            "name": "Reconstruction fund",
            "payer": "LAK",
            "payee": "SUD",
            "amount": 0.05,
            "cost": 0.01,
            "assumption": "test",
        }
    ]
    d["mechanisms"] = [
        *d["mechanisms"],
        {
            "id": "lak_guarantee",
            "kind": "security_guarantee",
            "name": "Lakeland guarantee",
            "beneficiary": "SUD",
            "fallback_gain": 0.1,
            "assumption": "test",
        },
    ]
    split = next(p for p in d["proposals"] if p["id"] == "river_split")
    split["mechanisms"] = ["monitors", "lak_guarantee"]
    split["payments"] = ["rebuild"]
    return Scenario.model_validate(d)


@pytest.fixture
def rich_client(tmp_path: Path) -> Any:
    d = tmp_path / "served"
    d.mkdir()
    (d / "rich.yaml").write_text(dump_scenario(_rich()), encoding="utf-8")
    marked = {"SUD": "<i>Sud</i> & co", "LAK": "Lakeland\nschema_version: 2 <script>x</script>"}
    (d / "marked.yaml").write_text(dump_scenario(_rich(marked)), encoding="utf-8")
    with TestClient(create_app(d)) as c:
        yield c


def _scores(s: Scenario) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["proposal"], r["actor"]): r for r in detente.score_proposals(s).records()}


def _edited(s: Scenario, **params: str) -> Scenario:
    edited, changes, problems = apply_all_edits(s, params)
    assert not problems and len(changes) == len(params), (changes, problems)
    return edited


# ------------------------------------------------------------------------------- the knobs


def test_knobs_cover_crossing_costs_aid_payments_and_mechanisms() -> None:
    s = _rich()
    keys = {k.key: k for k in knobs(s)}
    # crossing cost of each red line in force; unset = the global default, 0.2
    assert keys["p0.cx"].value == 0.2 and keys["p0.cx"].low == 0.0
    assert "p1.cx" not in keys  # Norland states no red line on the strip
    assert keys["aid.SUD.lak_aid"].value == 0.5 and keys["aid.SUD.lak_aid"].high == 1.0
    assert keys["pay.rebuild.amount"].value == 0.05
    assert keys["mech.monitors.detection"].value == 0.6
    assert keys["mech.monitors.hazard_ratio"].low > 0.0  # the format needs a ratio > 0
    assert keys["mech.lak_guarantee.fallback_gain"].value == 0.1
    assert "mech.monitors.leverage" not in keys  # only the numbers a mechanism states
    assert [t.key for t in toggles(s)] == ["mech.monitors", "mech.lak_guarantee", "pay.rebuild"]
    assert {k.group for k in keys.values()} | {t.group for t in toggles(s)} == set(GROUPS)
    # an untouched slider lies on its step grid, so a browser does not move it
    for k in keys.values():
        n = (k.value - k.low) / k.step
        assert abs(n - round(n)) < 1e-6, k


def test_ukraine_snapshot_offers_aid_payment_and_guarantee_knobs() -> None:
    s = load_scenario(default_dir() / "ukraine-2026-06.yaml")
    keys = {k.key for k in knobs(s)} | {t.key for t in toggles(s)}
    assert {"aid.UA.european_aid", "aid.UA.us_military_aid", "pay.agri_market_access"} <= keys
    assert {"mech.us_guarantee", "mech.us_guarantee.leverage", "mech.art5_guarantee"} <= keys
    # switching a mechanism off removes it and every reference to it, and the result loads
    named = [p.id for p in s.proposals if "art5_guarantee" in p.mechanisms]
    assert named
    edited = _edited(s, **{"mech.art5_guarantee": "off"})
    assert "art5_guarantee" not in {m.id for m in edited.mechanisms}
    assert all("art5_guarantee" not in p.mechanisms for p in edited.proposals)
    assert all("art5_guarantee" not in st.mechanisms for p in edited.proposals for st in p.stages)
    assert parse_scenario(dump_scenario(edited)) == edited


# -------------------------------------------------------- the analysis responds as defined


def test_switching_monitors_off_leaves_the_split_no_better_than_the_freeze() -> None:
    # Both proposals settle every issue and stop the fighting, so they face the same distrust
    # state; the split adds monitors, which raise compliance Q' = Q + (1 - Q)·½·d, and a
    # threshold t = max(need, vc + (need - vc)/q) falls as q rises. Without the monitors (and
    # the guarantee, which helps Sudmark only), the split's thresholds are the freeze's.
    s = load_scenario(TEACHING)
    before = _scores(s)
    after = _scores(_edited(s, **{"mech.monitors": "off"}))
    for actor in ("NOR", "SUD"):
        assert before[("river_split", actor)]["threshold"] < before[("freeze", actor)]["threshold"]
        assert after[("river_split", actor)]["threshold"] == pytest.approx(
            after[("freeze", actor)]["threshold"], abs=1e-12
        )
        assert after[("freeze", actor)] == before[("freeze", actor)]


def test_switching_a_security_guarantee_off_raises_its_beneficiarys_threshold() -> None:
    # A security guarantee raises the beneficiary's value if the deal breaks,
    # vc' = min(v, vc + g); t = vc + (need - vc)/q falls with vc when q < 1. Only Sudmark,
    # the beneficiary, is concerned.
    s = _rich()
    before = _scores(s)
    after = _scores(_edited(s, **{"mech.lak_guarantee": "off"}))
    assert after[("river_split", "SUD")]["threshold"] > before[("river_split", "SUD")]["threshold"]
    assert after[("river_split", "NOR")]["threshold"] == before[("river_split", "NOR")]["threshold"]
    # below the cap (vc + g = v: here v - vc is about 0.015) a larger gain, a lower threshold;
    # no gain at all is no guarantee
    t = [
        _scores(_edited(s, **{"mech.lak_guarantee.fallback_gain": g}))[("river_split", "SUD")][
            "threshold"
        ]
        for g in ("0", "0.005", "0.01")
    ]
    assert t[0] == after[("river_split", "SUD")]["threshold"]
    assert t[0] > t[1] > t[2] >= before[("river_split", "SUD")]["threshold"]


def test_a_payment_adds_its_amount_to_the_payees_utility() -> None:
    # A payment is paid on signature: +amount to the payee's value, -cost to the payer's.
    s = _rich()
    before = _scores(s)
    off = _scores(_edited(s, **{"pay.rebuild": "off"}))
    more = _scores(_edited(s, **{"pay.rebuild.amount": "0.2"}))
    sud = [x[("river_split", "SUD")]["utility"] for x in (off, before, more)]
    assert sud[1] - sud[0] == pytest.approx(0.05, abs=1e-6)
    assert sud[2] - sud[0] == pytest.approx(0.2, abs=1e-6)
    lak = [x[("river_split", "LAK")]["utility"] for x in (off, before)]
    assert lak[0] - lak[1] == pytest.approx(0.01, abs=1e-6)
    assert off[("freeze", "SUD")] == before[("freeze", "SUD")]


def test_more_aid_shifts_the_war_towards_its_recipient() -> None:
    # Support adds capability·level to the recipient's capability, so P(Norland prevails)
    # = (1 - stalemate)·c_N / (c_N + c_S) falls as Sudmark's aid rises, and its cost relief
    # lowers Sudmark's cost of fighting: Sudmark's value of fighting on rises, Norland's falls.
    s = _rich()
    low, high = (build_problem(_edited(s, **{"aid.SUD.lak_aid": v})) for v in ("0", "1"))
    assert low.p_a == pytest.approx(0.5 * 60 / (60 + 40))  # no aid: capabilities alone
    assert high.p_a == pytest.approx(0.5 * 60 / (60 + 40 + 20))
    nor, sud = low.index("NOR"), low.index("SUD")
    assert high.reservation[sud] > low.reservation[sud]
    assert high.reservation[nor] < low.reservation[nor]


def test_a_dearer_red_line_makes_a_closed_bundle_dearer_to_open() -> None:
    # Norland's floor at 70 above Sudmark's ceiling at 65 closes the settlement: any package
    # crosses one of the two red lines by 5 points at least, at κ·5/100 times the crosser's
    # price weight. Crossing costs are linear in the base cost, and a dearer crossing can
    # only raise the cheapest package's price.
    s = load_scenario(TEACHING)
    closed = {"p0.lo": "70"}
    base = detente.analyze(_edited(s, **closed)).to_dict()
    dear = detente.analyze(_edited(s, **closed, **{"p0.cx": "1", "p2.cx": "1"})).to_dict()
    kappa = dear["red_line_crossing"]["kappa"]
    base_kappa = base["red_line_crossing"]["kappa"]
    for actor in ("NOR", "SUD"):
        assert kappa[actor]["valley"] == pytest.approx(5 * base_kappa[actor]["valley"])

    def distance(doc: dict[str, Any]) -> float:
        b = next(b for b in doc["bundles"] if b["id"] == "settlement")
        assert not b["zone_exists"]
        return float(b["distance"])

    w = dear["red_line_crossing"]["price_weight"]
    floor = min(w[a] * kappa[a]["valley"] for a in ("NOR", "SUD")) * 5 / 100
    assert distance(dear) >= floor - 1e-6  # the document rounds to 6 decimals
    assert distance(dear) > distance(base) > 0


# ---------------------------------------------------------------------- the page and file


def test_each_new_knob_is_applied_listed_and_kept_in_the_address(rich_client: TestClient) -> None:
    q = (
        "p0.lo=70&p0.cx=0.5&aid.SUD.lak_aid=0.8&pay.rebuild.amount=0.1"
        "&mech.monitors.detection=0.9&mech.lak_guarantee=off"
    )
    r = rich_client.get(f"/scenario/rich/whatif?{q}")
    assert r.status_code == 200
    assert "Not applied" not in r.text
    table = r.text.split("<h2>Changed values</h2>", 1)[1].split("</table>", 1)[0]
    for label, before, after in (
        ("Norland on Ash Valley: cost of crossing the red line (per 100 points)", "0.2", "0.5"),
        ("Sudmark: level of support lak_aid from Lakeland (0 stopped, 1 full)", "0.5", "0.8"),
        ("Reconstruction fund: worth to Sudmark", "0.05", "0.1"),
        ("Lakeland monitoring mission: probability a violation is detected", "0.6", "0.9"),
        ("Lakeland guarantee (security_guarantee)", "on", "off"),
    ):
        assert f'<th scope="row">{label}</th><td>{before}</td><td>{after}</td>' in table, label
    # the form shows the values the address holds, each input labelled
    assert 'name="p0.cx" min="0.0" max="2.0" step="0.02" value="0.5"' in r.text
    assert re.search(r'<option value="off" selected>[^<]*</option>', r.text)
    for m in re.finditer(r'<(?:input|select) id="([^"]+)"', r.text):
        assert f'<label for="{m.group(1)}">' in r.text, m.group(1)
    # the groups holding a change are open
    assert re.search(r"<details class=\"knobs\" open>\s*<summary>Aid \(support lines\)", r.text)
    # the download holds every change and loads
    y = rich_client.get(f"/scenario/rich/whatif.yaml?{q}")
    assert y.status_code == 200
    assert y.text.count("# what-if: ") == 6
    s = parse_scenario(y.content, name="whatif.yaml")
    assert s.positions[0].acceptable == (70.0, 100.0) and s.positions[0].crossing_cost == 0.5
    assert next(a for a in s.actors if a.id == "SUD").support[0].level == 0.8
    assert s.payments[0].amount == 0.1
    assert [m.id for m in s.mechanisms] == ["monitors"]
    assert s.mechanisms[0].detection == 0.9
    split = next(p for p in s.proposals if p.id == "river_split")
    assert split.mechanisms == ("monitors",) and split.payments == ("rebuild",)


def test_mechanisms_leave_the_zone_and_move_no_slider_untouched(rich_client: TestClient) -> None:
    # The zone of agreement uses the distrust state before any mechanism and hard red lines
    # (bargaining/analysis.py); mechanisms, payments and crossing prices enter the packages
    # and the proposals. Withdrawing them leaves the zone as written.
    q = "mech.monitors=off&mech.lak_guarantee=off&pay.rebuild=off&p0.cx=1"
    rows = rich_client.get(f"/scenario/rich/whatif-zone.json?{q}").json()
    written = [{**r, "scenario": ""} for r in rows if r["scenario"] == "as written"]
    edited = [{**r, "scenario": ""} for r in rows if r["scenario"] == "what if"]
    assert written and edited == written
    # a form sent back untouched (every slider and switch at its value) changes nothing
    form = {k.key: str(k.value) for k in knobs(_rich())} | {t.key: "on" for t in toggles(_rich())}
    page = rich_client.get("/scenario/rich/whatif", params=form).text
    assert "Nothing changed yet" in page and "Not applied" not in page


def test_downloaded_scenario_loads_from_a_file(rich_client: TestClient, tmp_path: Path) -> None:
    y = rich_client.get("/scenario/rich/whatif.yaml?pay.rebuild=off&p2.cx=2&mech.monitors=off")
    assert y.status_code == 200, y.text
    path = tmp_path / "whatif.yaml"
    path.write_bytes(y.content)
    s = detente.load_scenario(path)
    assert s.payments == () and s.positions[2].crossing_cost == 2.0
    assert [m.id for m in s.mechanisms] == ["lak_guarantee"]
    assert next(p for p in s.proposals if p.id == "river_split").payments == ()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("p0.cx=abc", "is not a number"),
        ("p0.cx=2.5", "is out of range"),
        ("p0.cx=-0.1", "is out of range"),
        ("aid.SUD.lak_aid=1.5", "is out of range"),
        ("aid.SUD.lak_aid=nan", "is not a finite number"),
        ("pay.rebuild.amount=inf", "is not a finite number"),
        ("pay.rebuild=maybe", "is not on or off"),
        ("mech.monitors=0", "is not on or off"),
        ("mech.monitors.hazard_ratio=0", "is out of range"),
        ("mech.monitors.detection=2", "is out of range"),
    ],
)
def test_invalid_values_are_listed_not_applied(
    rich_client: TestClient, query: str, message: str
) -> None:
    r = rich_client.get(f"/scenario/rich/whatif?{query}", headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "Not applied" in r.text and message in r.text
    assert "Nothing changed yet" in r.text
    assert rich_client.get(f"/scenario/rich/whatif.yaml?{query}").status_code == 400


def test_a_number_of_a_mechanism_switched_off_is_moot(rich_client: TestClient) -> None:
    params = {"mech.monitors": "off", "mech.monitors.detection": "0.9"}
    _s, changes, problems = apply_edits(_rich(), params)
    assert [c.key for c in changes] == ["mech.monitors"] and not problems
    q = "&".join(f"{k}={v}" for k, v in params.items())
    r = rich_client.get(f"/scenario/rich/whatif?{q}", headers={"HX-Request": "true"})
    assert "probability a violation is detected" not in r.text.split("Zone of agreement")[0]


def test_markup_in_names_is_escaped_and_labels_stay_on_one_line(
    rich_client: TestClient,
) -> None:
    q = "aid.SUD.lak_aid=0.7&pay.rebuild.amount=0.2&mech.monitors=off"
    r = rich_client.get(f"/scenario/marked/whatif?{q}")
    assert r.status_code == 200
    assert "<i>Sud</i>" not in r.text and "<script>x</script>" not in r.text
    assert "&lt;i&gt;Sud&lt;/i&gt; &amp; co: level of support lak_aid from Lakeland" in r.text
    assert "&lt;script&gt;x&lt;/script&gt;" in r.text
    bad = rich_client.get("/scenario/marked/whatif?aid.SUD.lak_aid=<b>x</b>").text
    assert "<b>x</b>" not in bad and "&lt;b&gt;x&lt;/b&gt;" in bad
    # a name with a line break cannot leave the comment lines of the downloaded file
    y = rich_client.get(f"/scenario/marked/whatif.yaml?{q}")
    assert y.status_code == 200
    heads = [line for line in y.text.splitlines() if line.startswith("# what-if:")]
    assert len(heads) == 3
    s = parse_scenario(y.content, name="whatif.yaml")
    assert s.schema_version == 1 and s.actor("LAK").name.startswith("Lakeland\n")


def _rows(summary: dict[str, Any]) -> set[str]:
    """The summary table rows the simulation result shows (simulate_result.html)."""
    out = set()
    for k, v in summary.items():
        if isinstance(v, float):
            out.add(f'<th scope="row">{k.replace("_", " ")}</th><td>{v:.4g}</td>')
    return out


def test_a_simulation_runs_the_what_if(rich_client: TestClient) -> None:
    params = {"aid.SUD.lak_aid": "0", "mech.lak_guarantee": "off", "cost.SUD": "0.02"}
    q = "runs=40&seed=2&protocol=alternating&" + "&".join(f"{k}={v}" for k, v in params.items())
    page = rich_client.get(f"/scenario/rich/simulate?{q}").text
    table = page.split("Changed for this simulation", 1)[1].split("</table>", 1)[0]
    for label in ("level of support lak_aid", "Lakeland guarantee", "cost of fighting", "protocol"):
        assert label in table, label
    # the talks-settings form carries the other values, so setting it keeps them
    assert '<input type="hidden" name="aid.SUD.lak_aid" value="0.0">' in page
    assert '<input type="hidden" name="mech.lak_guarantee" value="off">' in page
    assert 'type="hidden" name="protocol"' not in page
    with rich_client.stream("GET", f"/scenario/rich/simulate/stream?{q}") as r:
        body = "".join(r.iter_text())
    edited = _edited(_rich(), **params, protocol="alternating")
    expected = _rows(detente.simulate(edited, runs=40, seed=2).summary())
    as_written = _rows(detente.simulate(_rich(), runs=40, seed=2).summary())
    assert expected and expected != as_written
    assert all(row in body for row in expected)
    bad = rich_client.get("/scenario/rich/simulate/stream?aid.SUD.lak_aid=7")
    assert bad.status_code == 400

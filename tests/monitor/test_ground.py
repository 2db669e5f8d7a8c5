"""Claim deadlines, and whether a party gains ground while it makes a peace overture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.monitor.claims import Claim, ClaimParams, check_claim, windows
from detente.monitor.flags import DeescalationParams, flag_claim, ground_assessment
from detente.monitor.store import EventStore
from detente.monitor.verify import claims_from_scenario
from detente.scenario import parse_scenario

from .conftest import gdelt_row, write

T = dt.date(2020, 4, 1)
DAY = dt.timedelta(days=1)
CLAIM = Claim(actor="RU", start=T, direction="cease", region="Donetsk", counterpart="UA")


def counts_file(tmp_path: Path, gains: dict[str, float], name: str = "c.csv") -> Path:
    """Steady fighting by RU 90 days before and 28 days after T; daily territory gains after."""
    lines = ["date,actor,region,indicator,value,source"]
    for d in range(-90, 28):
        day = (T + d * DAY).isoformat()
        lines.append(f"{day},RU,Donetsk oblast,ceasefire_violations,{10 + d % 3},mission")
        if d >= 0:
            lines += [
                f"{day},{actor},Donetsk oblast,territory_gain,{km2},mission"
                for actor, km2 in gains.items()
            ]
    return write(tmp_path / name, lines)


def po_flag(store: EventStore, claim: Claim = CLAIM) -> dict[str, object]:
    (flag,) = [f for f in flag_claim(store, claim) if f.kind == "peace_offensive"]
    return flag.evidence


def test_territory_counts_gain_and_are_not_fighting(tmp_path: Path) -> None:
    with EventStore(tmp_path / "a.duckdb") as plain, EventStore(tmp_path / "b.duckdb") as gain:
        plain.ingest(counts_file(tmp_path, {}, "plain.csv"))
        rep = gain.ingest(counts_file(tmp_path, {"RU": 3.0, "UA": 1.0}))
        assert rep.balanced and rep.rows_loaded == 118 + 2 * 28
        # territory rows are class "other": the claim test sees the same fighting
        a, b = check_claim(plain, CLAIM), check_claim(gain, CLAIM)
        assert a.comparison == b.comparison and a.outcome == b.outcome == "broken"
        ev = po_flag(gain)
        assert ev["ground"] == "gained"
        assert ev["ground_evidence"] == {
            "verdict": "gained",
            "method": "territory_counts",
            "indicator": "territory_gain",
            "own": 84.0,
            "counterpart": 28.0,
            "net": 56.0,
        }
        assert "gained ground" in str(ev["reason"])
        assert po_flag(plain)["ground"] == "not assessed"


def test_territory_counts_counterpart_gains_more(tmp_path: Path) -> None:
    with EventStore(tmp_path / "s.duckdb") as store:
        store.ingest(counts_file(tmp_path, {"RU": 1.0, "UA": 2.0}))
        ev = po_flag(store)
        assert ev["ground"] == "not gained"
        assert "gained ground" not in str(ev["reason"])


def gdelt_store(tmp_path: Path, post_ru_share: float) -> EventStore:
    """10 conflict events a day between RU and UA; RU initiates half before T, then a share."""
    lines, gid = [], 0
    for d in range(-90, 28):
        date = (T + d * DAY).strftime("%Y%m%d")
        n_ru = 5 if d < 0 else round(10 * post_ru_share)
        for k in range(10):
            gid += 1
            a1, a2 = ("RUS", "UKR") if k < n_ru else ("UKR", "RUS")
            lines.append(gdelt_row(2, gid, date=date, code="190", a1=a1, a2=a2))
    store = EventStore(tmp_path / "g.duckdb")
    store.ingest(write(tmp_path / "g.export.CSV", lines))
    return store


def test_initiative_share_from_cameo_events(tmp_path: Path) -> None:
    with gdelt_store(tmp_path, 0.8) as store:
        ev = po_flag(store)
        assert ev["ground"] == "gained"
        g = ev["ground_evidence"]
        assert isinstance(g, dict)
        assert g["method"] == "initiative_share"
        assert g["baseline_share"] == 0.5 and g["judged_share"] == 0.8
        args = {
            "actor": "RU",
            "counterpart": "UA",
            "region": "Donetsk",
            "baseline": (T - 90 * DAY, T),
            "post": (T, T + 28 * DAY),
        }
        strict = DeescalationParams(initiative_rise=0.4)
        assert ground_assessment(store, params=strict, **args)["verdict"] == "not gained"
        few = DeescalationParams(initiative_min_events=10_000)
        assert ground_assessment(store, params=few, **args)["verdict"] == "not assessed"
        # UA's view of the same events: its share fell
        ua = args | {"actor": "UA", "counterpart": "RU"}
        assert ground_assessment(store, **ua)["verdict"] == "not gained"


def test_initiative_share_ignores_formats_without_initiator(
    ucdp_store: EventStore,
) -> None:
    claim = Claim(
        actor="RU",
        start=dt.date(2015, 2, 15),
        direction="cease",
        region="Donbas",
        deadline=dt.date(2015, 2, 18),
        counterpart="UA",
    )
    ev = po_flag(ucdp_store, claim)
    assert ev["ground"] == "not assessed"


SCENARIO = """
schema_version: 1
meta: {{name: deadlines, as_of: 2021-01-01}}
actors:
  - {{id: RU, name: Russia, kind: state, belligerent: true}}
  - {{id: UA, name: Ukraine, kind: state, belligerent: true}}
issues:
  - id: donbas
    name: Donbas
    anchors: [{{value: 0, label: UA}}, {{value: 100, label: RU}}]
    status_quo: 30
positions: []
ledger:
  - kind: claim
    id: c1
    date: 2015-02-15
    by: RU
    to: [UA]
    {claim_deadline}
    terms:
      - {{indicator: fighting, region: Donbas, direction: cease, deadline: 2015-02-18}}
      - {{indicator: fighting, region: Luhansk, direction: cease}}
  - kind: commitment
    id: m1
    date: 2015-02-15
    by: RU
    deadline: 2015-03-31
    terms:
      - {{indicator: fighting, direction: cease, deadline: 2015-02-28}}
      - {{indicator: fighting, direction: cease}}
"""


@pytest.mark.parametrize(
    ("claim_deadline", "expected"),
    [
        ("deadline: 2015-02-20", [dt.date(2015, 2, 20), dt.date(2015, 2, 20)]),
        ("", [dt.date(2015, 2, 18), None]),
    ],
)
def test_claim_deadline_closes_the_judged_window(
    claim_deadline: str, expected: list[dt.date | None]
) -> None:
    scen = parse_scenario(SCENARIO.format(claim_deadline=claim_deadline), name="d.yaml")
    got = {(c.ref, c.region): c for _e, c in claims_from_scenario(scen)}
    assert [got[("c1", "Donbas")].deadline, got[("c1", "Luhansk")].deadline] == expected
    # commitments: the term's deadline first, then the entry's
    m = [c.deadline for _e, c in claims_from_scenario(scen) if c.ref == "m1"]
    assert m == [dt.date(2015, 2, 28), dt.date(2015, 3, 31)]
    claim = got[("c1", "Luhansk")]
    _base, post = windows(claim, ClaimParams())
    assert post[1] == (claim.deadline or claim.start + 27 * DAY) + DAY

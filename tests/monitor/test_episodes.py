"""The two say/do episodes in the real UCDP GED file (references §5).

Source: UCDP Georeferenced Event Dataset (Sundberg & Melander 2013), CC BY 4.0, Ukraine
2014 – Feb 2022, at data/events/ucdp_ged_ukraine_2014_2022.csv. Expected: Minsk II (in
force 15 Feb 2015) is contradicted over 15–18 Feb 2015 (deaths ≈ 21/day); the July 2020
measures (in force 27 Jul 2020) are a genuine de-escalation; never the other way round.
The thresholds are the documented defaults of ClaimParams / DeescalationParams.
"""

from __future__ import annotations

import datetime as dt

from detente.monitor.claims import Claim, check_claim
from detente.monitor.flags import flag_claim
from detente.monitor.store import EventStore
from detente.monitor.verify import verify_scenario
from detente.scenario import load_scenario

from .conftest import FIXTURES

MINSK = Claim(
    actor="RU",
    start=dt.date(2015, 2, 15),
    direction="cease",
    region="Donbas",
    deadline=dt.date(2015, 2, 18),
    counterpart="UA",
    ref="minsk2",
)
JULY_2020 = Claim(
    actor="RU",
    start=dt.date(2020, 7, 27),
    direction="cease",
    region="Donbas",
    counterpart="UA",
    ref="july2020",
)


def kinds(store: EventStore, claim: Claim) -> set[str]:
    return {f.kind for f in flag_claim(store, claim)}


def test_minsk_ii_contradicted_15_to_18_february(ucdp_store: EventStore) -> None:
    res = check_claim(ucdp_store, MINSK)
    assert res.outcome == "broken"
    assert res.measure == "fatalities"
    assert res.comparison is not None
    assert res.comparison.post_days == 4
    # references §5: deaths stayed ≈ 21.5/day on 15–18 Feb
    assert 15 < res.comparison.post_rate < 30
    k = kinds(ucdp_store, MINSK)
    assert "claim_broken" in k
    assert "peace_offensive" in k
    assert not k & {"claim_kept", "genuine_deescalation"}


def test_july_2020_genuine_deescalation(ucdp_store: EventStore) -> None:
    res = check_claim(ucdp_store, JULY_2020)
    assert res.outcome != "broken"
    k = kinds(ucdp_store, JULY_2020)
    assert "genuine_deescalation" in k
    assert not k & {"claim_broken", "peace_offensive"}


def test_never_the_other_way_round_whole_country(ucdp_store: EventStore) -> None:
    """Same verdicts without the region filter (all UCDP events in Ukraine)."""
    minsk = Claim(actor="RU", start=MINSK.start, deadline=MINSK.deadline, counterpart="UA")
    july = Claim(actor="RU", start=JULY_2020.start, counterpart="UA")
    assert check_claim(ucdp_store, minsk).outcome == "broken"
    assert "genuine_deescalation" not in kinds(ucdp_store, minsk)
    assert "genuine_deescalation" in kinds(ucdp_store, july)
    assert check_claim(ucdp_store, july).outcome != "broken"


def test_verify_scenario_writes_observations(ucdp_store: EventStore) -> None:
    scen = load_scenario(FIXTURES / "donbas_claims.yaml")
    verified = verify_scenario(scen, ucdp_store)
    obs = {v.observation["refers_to"][0]: v.observation for v in verified}
    assert obs["minsk2_ceasefire"]["assessment"] == "broken"
    assert obs["july2020_measures"]["assessment"] in ("kept", "unverifiable")
    assert all(o["verification"] == "independently_verified" for o in obs.values())
    # the entries are valid ledger observations of the scenario format
    from detente.scenario.schema import ObservationEntry

    for o in obs.values():
        ObservationEntry.model_validate(o)
    flags = {f.kind for v in verified for f in v.flags if f.ref == "july2020_measures"}
    assert "genuine_deescalation" in flags


def test_observations_feed_the_trust_engine(ucdp_store: EventStore) -> None:
    """verify's entries, pasted into the ledger, resolve Minsk II as broken in trust replay."""
    import io

    from ruamel.yaml import YAML

    from detente.scenario import parse_scenario
    from detente.trust import replay

    path = FIXTURES / "donbas_claims.yaml"
    obs = [v.observation for v in verify_scenario(load_scenario(path), ucdp_store)]
    yaml = YAML()
    doc = yaml.load(path.read_text(encoding="utf-8"))
    doc["ledger"].extend(obs)
    buf = io.StringIO()
    yaml.dump(doc, buf)
    merged = parse_scenario(buf.getvalue().encode(), name="merged.yaml")
    history = replay(merged, truster="UA", trustee="RU")
    outcome = {r.entry_id: r.outcome for r in history.resolutions}
    assert outcome["minsk2_ceasefire"] == "broken"
    assert history.opinions()[("UA", "RU", "integrity")].s > 0

"""Build the six Russia–Ukraine reference snapshots from one set of dated tables.

    .venv/bin/python scenarios/build_reference.py          # rewrite scenarios/ukraine-*.yaml
    .venv/bin/python scenarios/build_reference.py --check  # exit 1 if a file is out of date

The tables (``ukraine_issues.py``, ``ukraine_positions.py``, ``ukraine_ledger.py``,
``ukraine_tracks.py`` (who talks to whom) and the
actors, trust, mechanisms, proposals and war settings below) hold every dated item once; a
snapshot keeps what is dated on or before its ``as_of``. Source records come from
``data/ukraine-sources.json``, a copy of the source table of the shared facts file with a
reliability grade (partisan / low / medium / high) derived from its reliability notes.
Every output is validated with ``detente.scenario.parse_scenario(strict=True)``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from ukraine_issues import FIGURE_DATE, FIGURE_OF, ISSUES, status_quo  # noqa: E402
from ukraine_ledger import LEDGER  # noqa: E402
from ukraine_positions import (  # noqa: E402
    ACCEPTANCE,
    CONSTITUTION,
    CONSTITUTION_ISSUES,
    DONETSK_AUG25_MAP,
    DONETSK_ZONE,
    LINE_FIGURES,
    POSITIONS,
    PUBLIC_COMMITMENTS,
    ZK_AUG25,
)
from ukraine_tracks import extra_actors, refusals, tracks  # noqa: E402

from detente.scenario import parse_scenario  # noqa: E402

D = dict[str, Any]

FORTNA = "Fortna 2004, 'Does Peacekeeping Keep Peace?', Int. Studies Quarterly 48(2)"

SNAPSHOTS: dict[str, D] = {
    "ukraine-2022-03": {
        "as_of": "2022-03-30",
        "name": "Russia–Ukraine, Istanbul round (March 2022)",
        "description": "The day after the Istanbul communique: Ukraine offers neutrality for "
        "binding guarantees; Russia announces a 'drastic reduction' near Kyiv.",
    },
    "ukraine-2022-11": {
        "as_of": "2022-11-16",
        "name": "Russia–Ukraine after the Kharkiv and Kherson counteroffensives (Nov 2022)",
        "description": "After the annexation declaration and Kherson's liberation; Zelensky's "
        "10-point Peace Formula; the Musk plan; the grain deal working.",
    },
    "ukraine-2023-12": {
        "as_of": "2023-12-15",
        "name": "Russia–Ukraine after the failed counteroffensive (Dec 2023)",
        "description": "Static front after the 2023 counteroffensive; grain deal ended; US aid "
        "stalled; China's 12 points; ICC warrants.",
    },
    "ukraine-2025-05": {
        "as_of": "2025-05-26",
        "name": "Russia–Ukraine, Istanbul direct talks (May 2025)",
        "description": "First direct talks since 2022; 1,000-for-1,000 exchange kept; energy "
        "moratorium and truces disputed; US aid paused and no new US aid.",
    },
    "ukraine-2025-11": {
        "as_of": "2025-11-22",
        "name": "Russia–Ukraine, the US 28-point plan (Nov 2025)",
        "description": "Two days after the 28-point draft; after Anchorage, the Coalition of "
        "the Willing pledge and US oil sanctions.",
    },
    "ukraine-2026-06": {
        "as_of": "2026-06-23",
        "name": "Russia–Ukraine, latest (June 2026)",
        "description": "After the 20-point framework, the Paris Declaration, trilateral rounds "
        "and the partly kept May 2026 cease-fire; Putin revives the Istanbul framework.",
    },
}


def _t(sources: tuple[str, ...] = (), assumption: str | None = None) -> D:
    out: D = {}
    if sources:
        out["sources"] = list(dict.fromkeys(sources))
    if assumption:
        out["assumption"] = assumption
    return out


def _era(as_of: str, table: list[tuple[str, Any]]) -> Any:
    """The last value of a (from-date, value) table that applies at ``as_of``."""
    return [v for start, v in table if start <= as_of][-1]


# ---------------------------------------------------------------------------------- actors
def actors(as_of: str) -> list[D]:
    ru_cap = _era(as_of, [
        ("2022", (86, (), "defence $bn/yr: SIPRI 2022 (~$86bn), recalled, not in facts.yaml")),
        ("2023", (109, (), "defence $bn/yr: SIPRI 2023 (~$109bn), recalled")),
        ("2025-04", (149, ("S_sipri",), None)),
        ("2026", (149, ("S_sipri", "S_rubud"), "2024 level kept (2026 plan: 5.6% of GDP)")),
    ])  # fmt: skip
    ua_cap = _era(as_of, [
        ("2022", (44, (), "own defence spending $bn/yr: SIPRI 2022 (~$44bn), recalled")),
        ("2023", (65, (), "own defence spending $bn/yr: SIPRI 2023 (~$65bn), recalled")),
        ("2025-04", (64.7, ("S_sipri",), None)),
    ])  # fmt: skip
    us_level = _era(as_of, [
        ("2022", (0.5, (), "aid ramping up in the first weeks of the war")),
        ("2022-06", (1.0, (), "full flow of US aid in 2022")),
        ("2023-10", (0.5, (), "US supplemental stalled from autumn 2023 (not in facts)")),
        ("2025-02-28", (0.2, ("S_kiel1", "S_feb28", "S_jed25_1"),
                        "no new US aid after 20 Jan 2025; pause 28 Feb-11 Mar")),
        ("2025-06", (0.1, ("S_kiel1", "S_kiel2"), "no new US allocations in 2025")),
        ("2026", (0.1, ("S_kiel4",), "total military aid -13% in 2025, Europe +67%")),
    ])  # fmt: skip
    eu_cap = _era(as_of, [
        ("2022", (20, (), "Europe ~EUR24bn/yr 2022-25 (Kiel) minus UK ~4")),
        ("2025-08", (20, ("S_kiel2",), "EUR80.5bn Feb 2022-Jun 2025 incl. UK, minus UK ~4")),
        ("2026", (33, ("S_kiel4",), "European military aid +67% in 2025 vs 2022-24")),
    ])  # fmt: skip
    eu_level = 0.4 if as_of < "2022-06" else 1.0

    def support(
        sid: str, provider: str, cap: float, relief: float, level: float, resp: float, tr: D
    ) -> D:
        return {"id": sid, "provider": provider, "capability": cap, "cost_relief": relief,
                "level": level, "responsiveness": resp, **tr}  # fmt: skip

    us_tr = _t(
        us_level[1],
        f"US military aid ~$21bn/yr at full level (Kiel: EUR64.6bn over "
        f"40 months); level: {us_level[2]}",
    )
    ua_support = [
        support("us_military_aid", "US", 21, 0.0010, us_level[0], 0.5, us_tr),
        support("european_aid", "EU", eu_cap[0], 0.0012, eu_level, 0.2,
                _t(eu_cap[1], f"{eu_cap[2]}; cost relief: financial aid (Kiel: Europe EUR138bn "
                   "vs US EUR115bn to Feb 2025) eases Ukraine's burden")),
        support("uk_military_aid", "UK", 4, 0.0002, 1.0, 0.1,
                _t((), "UK share of European aid (~$4bn/yr) assumed; not split in the facts")),
    ]  # fmt: skip
    cost_src: tuple[str, ...] = ()
    if as_of >= "2025-04":
        cost_src = ("S_sipri", "S_csis2") if as_of >= "2026" else ("S_sipri",)
    cost_note = (
        "weekly cost in utility units: 104 weeks of war cost 0.42 (RU) / 0.62 (UA) of the "
        "gap between best and worst settlement, undiscounted; Ukraine spends 34% of GDP vs "
        "Russia 7.1%, Russia ~35k casualties a month in 2025"
    )
    return [
        {"id": "RU", "name": "Russia", "kind": "state", "veto": True, "belligerent": True,
         "capability": ru_cap[0], "cost_of_fighting": 0.004, "discount": 0.997, "risk": 0.8,
         **_t(ru_cap[1] + cost_src, "; ".join(x for x in (ru_cap[2], cost_note,
              "δ 0.997/week: regime frames the war as long attrition; risk 0.8: "
              "risk-acceptant (launched the invasion)") if x))},
        {"id": "RU_MIL", "name": "Russian military and hard-liners", "kind": "faction",
         "parent": "RU", "capability": 10, "cost_of_fighting": 0.002, "discount": 0.998,
         "risk": 0.6, "control": 0.8,
         **_t((), "spoiler faction; control 0.8: the Kremlin commands the forces, but "
              "hard-line milbloggers and commanders constrain concessions")},
        {"id": "UA", "name": "Ukraine", "kind": "state", "veto": True, "belligerent": True,
         "capability": ua_cap[0], "cost_of_fighting": 0.006, "discount": 0.995, "risk": 1.0,
         "support": ua_support,
         **_t(ua_cap[1] + cost_src, "; ".join(x for x in (ua_cap[2], cost_note) if x))},
        {"id": "UA_MIL", "name": "Ukrainian military command and veterans", "kind": "faction",
         "parent": "UA", "capability": 8, "cost_of_fighting": 0.003, "discount": 0.996,
         "risk": 0.8, "control": 0.9,
         **_t((), "civilian control is firm (0.9); the faction resists ceding held land")},
        {"id": "US", "name": "United States", "kind": "state",
         "capability": 40 if as_of < "2025" else 60,
         **_t((), "non-belligerent capability = leverage on this war in $bn-equivalent: "
              "aid and sanctions; from 2025 also mediator with secondary-sanction threats")},
        {"id": "EU", "name": "European states and the EU", "kind": "coalition",
         "capability": 35, **_t((), "leverage: aid, sanctions, frozen assets")},
        {"id": "UK", "name": "United Kingdom", "kind": "state", "capability": 10,
         **_t((), "leverage: aid, training, co-lead of the reassurance force")},
        {"id": "TR", "name": "Turkey", "kind": "mediator", "capability": 10,
         **_t((), "host of the 2022 and 2025 Istanbul talks; Black Sea straits")},
        {"id": "CN", "name": "China", "kind": "state", "capability": 30,
         **_t((), "Russia's main economic partner; leverage assumed, not in facts.yaml")},
    ]  # fmt: skip


# ----------------------------------------------------------------------------------- trust
def _et(expected: float, confidence: float) -> D:
    return {"expected": expected, "confidence": confidence}


def _ev(pos: float, neg: float) -> D:
    return {"positive": pos, "negative": neg}


def _formed(as_of: str, *starts: str) -> str:
    """The date a prior's view was formed: the latest of ``starts`` (era starts, event
    dates) on or before ``as_of`` (a year or month is read as its first day). Dated priors
    are applied then and the ledger entries after it are replayed on top (no entry twice)."""
    day = max(s for s in starts if s <= as_of)
    return day + "-01-01"[len(day) - 4 :] if len(day) < 10 else day


INVASION = "2022-02-24"
"""Full-scale invasion: the views no later source revises are dated to it (assumption)."""


def trust(as_of: str) -> list[D]:
    late = as_of >= "2025"
    eras_ua_ru = ["2022", "2022-04", "2023-07-17", "2025-05", "2025-07", "2026-05"]
    eras_ua_us = ["2022", "2025-02-28", "2025-11-20", "2025-12"]
    integ_ua_ru = _era(as_of, [
        ("2022", _ev(0, 3)), ("2022-04", _ev(1, 4)), ("2023-07-17", _ev(1, 5)),
        ("2025-05", _ev(3, 6)), ("2025-07", _ev(4, 6)), ("2026-05", _ev(5, 7)),
    ])  # fmt: skip
    ua_us = _era(as_of, [
        ("2022", (0.6, 0.6, ())), ("2025-02-28", (0.45, 0.5, ("S_feb28",))),
        ("2025-11-20", (0.35, 0.5, ("S_28_9",))), ("2025-12", (0.3, 0.6, ("S_kiis9",))),
    ])  # fmt: skip
    return [
        {"truster": "UA", "trustee": "RU", "date": _formed(as_of, *eras_ua_ru),
         "capacity": _et(0.75, 0.6),
         "peaceful_intention": _ev(0, 6 if as_of < "2022-04" else 8),
         "integrity": integ_ua_ru, "predictability": _et(0.35, 0.4),
         **_t(("S_bud2", "S_minsk1") + (("S_kyiv2",) if as_of >= "2022-04" else ()),
              "integrity counts the ledger: Budapest and both Minsk accords broken, later "
              "kept swaps and partly kept truces; intention: 2014 and 2022 invasions, Bucha; "
              "capacity high: the Kremlin controls its forces")},
        {"truster": "RU", "trustee": "UA", "date": _formed(as_of, INVASION, "2022-12-07"),
         "capacity": _et(0.45, 0.4),
         "peaceful_intention": _ev(1, 3), "integrity": _ev(1, 3 if as_of < "2022-12-07" else 4),
         "predictability": _et(0.45, 0.4),
         **_t(("S_minsk1",) + (("S_merkel",) if as_of >= "2022-12-07" else ()),
              "Moscow blames Kyiv for Minsk II; cites Merkel's 'time for Ukraine' remark; "
              "doubts Kyiv's control over 'nationalist formations' (its own framing)")},
        {"truster": "UA", "trustee": "US", "date": _formed(as_of, *eras_ua_us),
         "capacity": _et(0.85, 0.75),
         "peaceful_intention": _et(0.85, 0.75), "integrity": _et(ua_us[0], ua_us[1]),
         "predictability": _et(ua_us[0], ua_us[1]),
         **_t(("S_bud1",) + ua_us[2],
              "Budapest assurances were not enforced; 2025 aid pause and the 28-point draft; "
              "trust in the US fell from 41% to 21% (KIIS, Dec 2025)")},
        {"truster": "UA", "trustee": "EU", "date": _formed(as_of, INVASION, "2025", "2026"),
         "capacity": _et(0.65 if late else 0.55, 0.5),
         "peaceful_intention": _et(0.9, 0.8), "integrity": _et(0.75, 0.5),
         "predictability": _et(0.7, 0.5),
         **_t(("S_kiel4",) if as_of >= "2026" else (),
              "steady aid, rising in 2025 (+67%); slow and divided decisions (assets loan "
              "deferred); capacity limited without the US")},
        {"truster": "RU", "trustee": "US",
         "date": _formed(as_of, INVASION, "2022-12", "2025"), "capacity": _et(0.7, 0.5),
         "peaceful_intention": _et(0.3, 0.5),
         "integrity": _ev(0, 4) if not late else _et(0.3, 0.5),
         "predictability": _et(0.3 if late else 0.45, 0.4),
         **_t(("S_merkel2",) if as_of >= "2022-12" else (),
              "Moscow's grievance narrative (NATO enlargement, Minsk 'to give Ukraine time'); "
              "a 2025 thaw (Riyadh, Anchorage) but oil sanctions and shifting US demands")},
        {"truster": "US", "trustee": "RU",
         "date": _formed(as_of, INVASION, "2025", "2025-10-22"), "capacity": _et(0.75, 0.5),
         "peaceful_intention": _ev(0, 4) if not late else _et(0.3, 0.4),
         "integrity": _ev(0, 4),
         "predictability": _et(0.4, 0.4),
         **_t(("S_bud2",) + (("S_sanc1",) if as_of >= "2025-10-22" else ()),
              "Budapest signatory violated by Russia; in 2025 Washington tested Moscow's "
              "intent, then sanctioned it for 'refusal to end this senseless war'")},
        {"truster": "EU", "trustee": "RU", "date": INVASION, "capacity": _et(0.75, 0.5),
         "peaceful_intention": _ev(0, 6), "integrity": _ev(0, 5),
         "predictability": _et(0.35, 0.5),
         **_t(("S_minsk1", "S_minsk4"),
              "France and Germany mediated Minsk II and saw it fail; full-scale invasion")},
        {"truster": "RU", "trustee": "EU", "date": _formed(as_of, INVASION, "2022-12-07"),
         "integrity": _ev(0, 3),
         "peaceful_intention": _ev(0, 3),
         **_t(("S_merkel",) if as_of >= "2022-12-07" else (),
              "Moscow reads Minsk as a Western ruse and European troops as hostile")},
    ]  # fmt: skip


# ------------------------------------------------------------------------------ mechanisms
def mechanisms(as_of: str) -> list[D]:
    out: list[D] = [
        {"id": "osce_monitors", "kind": "monitors", "name": "OSCE-style unarmed monitors",
         "detection": 0.5, "hazard_ratio": 0.88, "cost": {"RU": 0.0002, "UA": 0.0002},
         **_t(("S_minsk1",), f"the OSCE SMM logged violations but rarely attributed them "
              f"(detection 0.5); HR 0.88 for monitoring-only missions, not significant: {FORTNA}")},
        {"id": "peacekeepers", "kind": "peacekeepers", "name": "UN-mandated peacekeepers",
         "hazard_ratio": 0.54, "loss_if_cheated": 0.6, "cost": {"RU": 0.001},
         **_t((), f"HR 0.54 unadjusted (95% CI 0.30-0.97): {FORTNA}; hypothetical here, Russia "
              "holds a UNSC veto; loss_if_cheated judgement")},
        {"id": "dmz", "kind": "dmz", "name": "Demilitarised zone along the line",
         "hazard_ratio": 0.8, "loss_if_cheated": 0.8, "cost": {"UA": 0.001, "RU": 0.0005},
         **_t(("S_28_1", "S_20_2") if as_of >= "2025-12-23" else (),
              "Fortna (2003) finds DMZs lengthen interstate peace; HR 0.8 is a judgement "
              "(per-mechanism HRs not in references.md)")},
        {"id": "us_guarantee", "kind": "guarantee", "name": "US third-party guarantee",
         "guarantor": "US", "leverage": 0.5 if as_of >= "2025-12-28" else 0.4,
         "cost": {"US": 0.0003},
         **_t(("S_mal1", "S_ber1") if as_of >= "2025-12-28" else (),
              "leverage: sanctions and aid over Russia, limited by Congress and by no US "
              "troops; 15-year term offered Dec 2025")},
        {"id": "staged_sanctions", "kind": "staged_sanctions",
         "name": "Staged sanctions relief with snapback",
         "beneficiary": "RU",
         "schedule": [{"after_periods": 13, "fraction": 0.25},
                      {"after_periods": 26, "fraction": 0.25},
                      {"after_periods": 52, "fraction": 0.25}],
         **_t(("S_umem2", "S_28_2") if as_of >= "2025-11-20" else (),
              "quarterly-to-yearly layers; the last quarter tied to reparations (assumed)")},
        {"id": "joint_commission", "kind": "joint_commission",
         "name": "Joint military commission / monitoring centre", "hazard_ratio": 0.9,
         **_t(("S_minsk1",) + (("S_rmem4",) if as_of >= "2025-06-02" else ()),
              "Minsk Trilateral Contact Group precedent; 2025 Russian 'joint monitoring "
              "centre'; HR 0.9 judgement (Fortna 2003: joint commissions help)")},
        {"id": "ratification", "kind": "ratification",
         "name": "Ratification / referendum delay",
         "delay_periods": 9 if as_of >= "2025-12-23" else 13,
         **_t(("S_20_2",) if as_of >= "2025-12-23" else ("S_ist1",),
              "2022: guarantee treaty to be ratified by parliaments (~13 weeks assumed); "
              "2025: a 60-day cease-fire for a referendum (~9 weeks)")},
    ]  # fmt: skip
    if as_of >= "2022-03-29":
        out.append(
            {"id": "istanbul_treaty", "kind": "security_guarantee",
             "name": "Istanbul guarantee treaty (P5 incl. Russia, plus TR, DE, CA, PL, IL)",
             "beneficiary": "UA", "fallback_gain": 0.08,
             **_t(("S_ist1",), "small gain: Russia as a guarantor holds a de facto veto")}
        )  # fmt: skip
    if as_of >= "2025-08-18":
        out.append(
            {"id": "art5_guarantee", "kind": "security_guarantee",
             "name": "Article-5-like guarantee by the US and Europe", "beneficiary": "UA",
             "fallback_gain": 0.15, "cost": {"US": 0.0003, "EU": 0.0005, "UK": 0.0002},
             **_t(("S_wh1", "S_eutoday") + (("S_ber1",) if as_of >= "2025-12-14" else ()),
                  "raises Ukraine's fallback by 0.15 of its utility range (judgement)")}
        )  # fmt: skip
    if as_of >= "2025-09-04":
        out.append(
            {"id": "reassurance_force", "kind": "peacekeepers",
             "name": "Coalition of the Willing reassurance force", "hazard_ratio": 0.75,
             "loss_if_cheated": 0.7, "cost": {"RU": 0.002, "EU": 0.0005, "UK": 0.0003},
             **_t(("S_cw1", "S_cw2") + (("S_par1", "S_par2") if as_of >= "2026-01-06" else ()),
                  f"deployed far from the line, so weaker than interposition ({FORTNA}: 0.54); "
                  "Russia calls such troops 'legitimate targets' (cost to RU)")}
        )  # fmt: skip
    if as_of >= "2025-12-23":
        out.append(
            {"id": "us_monitoring", "kind": "monitors",
             "name": "US-led technical cease-fire monitoring (satellites, drones)",
             "detection": 0.75, "hazard_ratio": 0.88, "cost": {"US": 0.0003},
             **_t(("S_20_7", "S_par2") if as_of >= "2026-01-06" else ("S_20_7",),
                  f"detection 0.75 judgement for technical means; HR as monitors: {FORTNA}")}
        )  # fmt: skip
    return out


# ------------------------------------------------------------------------------- proposals
PROPOSALS: list[D] = [
    {"id": "istanbul_communique", "name": "Istanbul communique", "proposer": "UA",
     "date": "2022-03-29",
     "terms": {"nato_neutrality": 85, "security_guarantees": 30},
     "deferrals": [{"issue": "crimea", "review_periods": 780,
                    "note": "status to be negotiated bilaterally over 15 years (780 weeks); "
                    "Russian control meanwhile; nothing agreed if the talks fail"}],
     "mechanisms": ["istanbul_treaty", "ratification"],
     "note": "Crimea deferred to 15 years of talks; occupied Donbas outside the guarantees "
     "(territory not settled: frozen at the line). Moscow's later account adds army ceilings "
     "and sanctions relief: not included.", **_t(("S_ist1", "S_ist2"))},
    {"id": "musk_plan", "name": "Musk 'peace plan' poll", "date": "2022-10-03",
     "terms": {"crimea": 100, "nato_neutrality": 85},
     "note": "Redo annexation votes under UN supervision: the outcome is unknown, so the four "
     "regions stay at the line; Crimea formally Russian; Ukraine neutral.",
     **_t(("S_musk1", "S_musk2", "S_musk4"))},
    {"id": "peace_formula", "name": "Zelensky's 10-point Peace Formula", "proposer": "UA",
     "date": "2022-11-15",
     "terms": {"crimea": 0, "donetsk": 0, "luhansk": 0, "zaporizhzhia_kherson": 0,
               "accountability": 0, "prisoners": 0, "children": 0, "ceasefire_sequencing": 10,
               "security_guarantees": 25},
     "mechanisms": ["ratification"],
     "note": "Point 9 (security architecture) is unspecified: 25 assumed.",
     **_t(("S_pf1", "S_pf3"), "value of point 9 assumed")},
    {"id": "china_12_points", "name": "China's 12-point position", "proposer": "CN",
     "date": "2023-02-24",
     "terms": {"ceasefire_sequencing": 30, "sanctions": 90, "nato_neutrality": 65,
               "prisoners": 30},
     "note": "No call for withdrawal and no mechanism: territory stays at the line.",
     **_t(("S_cn1", "S_cn2"), "scale values read from general wording")},
    {"id": "russia_june_2024", "name": "Putin's June 2024 terms", "proposer": "RU",
     "date": "2024-06-14",
     "terms": {"crimea": 100, "donetsk": 100, "luhansk": 100, "zaporizhzhia_kherson": 100,
               "nato_neutrality": 100, "security_guarantees": 95, "army_size": 90,
               "sanctions": 100, "language_church": 90, "ceasefire_sequencing": 80},
     "stages": [
         {"name": "withdrawal and NATO renunciation",
          "issues": ["donetsk", "luhansk", "zaporizhzhia_kherson", "nato_neutrality"]},
         {"name": "cease-fire and talks", "issues": ["ceasefire_sequencing"], "start_period": 4},
         {"name": "treaty", "start_period": 26,
          "issues": ["crimea", "security_guarantees", "army_size", "sanctions",
                     "language_church"]}],
     **_t(("S_put24_1", "S_put24_2", "S_put24_4"), "stage periods assumed")},
    {"id": "ukraine_memorandum_2025", "name": "Ukraine's June 2025 memorandum",
     "proposer": "UA", "date": "2025-06-01",
     "terms": {"crimea": 50, "nato_neutrality": 25, "security_guarantees": 10, "army_size": 0,
               "sanctions": 25, "prisoners": 0, "children": 0, "ceasefire_sequencing": 0},
     "mechanisms": ["staged_sanctions", "us_guarantee"],
     "stages": [
         {"name": "full cease-fire and humanitarian steps",
          "issues": ["ceasefire_sequencing", "prisoners", "children"]},
         {"name": "territory from the line of contact", "start_period": 4,
          "issues": ["crimea", "nato_neutrality", "security_guarantees", "army_size",
                     "sanctions"]}],
     "note": "Territory: the line of contact is the starting point (regions stay at the line).",
     **_t(("S_umem1", "S_umem2"), "stage start assumed")},
    {"id": "russia_memorandum_2025", "name": "Russia's June 2025 memorandum",
     "proposer": "RU", "date": "2025-06-02",
     "terms": {"crimea": 100, "donetsk": 100, "luhansk": 100, "zaporizhzhia_kherson": 100,
               "nato_neutrality": 100, "security_guarantees": 100, "army_size": 90,
               "sanctions": 100, "assets_reparations": 100, "accountability": 100,
               "language_church": 100, "elections": 100, "ceasefire_sequencing": 85},
     "mechanisms": ["joint_commission"],
     "stages": [
         {"name": "short truces, bodies", "issues": ["prisoners", "children"]},
         {"name": "30-day cease-fire from the start of withdrawal", "start_period": 1,
          "issues": ["donetsk", "luhansk", "zaporizhzhia_kherson", "security_guarantees"]},
         {"name": "elections within 100 days of lifting martial law", "start_period": 6,
          "issues": ["elections"]},
         {"name": "peace treaty", "start_period": 20,
          "issues": ["crimea", "nato_neutrality", "army_size", "sanctions",
                     "assets_reparations", "accountability", "language_church"]}],
     **_t(("S_rmem1", "S_rmem2", "S_rmem3", "S_rmem4", "S_rmem5"), "stage periods read from "
          "'30 days' and '100 days'; treaty start assumed")},
    {"id": "plan_28", "name": "US 28-point draft", "proposer": "US", "date": "2025-11-20",
     "terms": {"crimea": 75, "donetsk": 100, "luhansk": 100, "zaporizhzhia_kherson": ZK_AUG25[0],
               "nato_neutrality": 80, "security_guarantees": 40, "army_size": 40,
               "sanctions": 50, "assets_reparations": 55, "accountability": 95,
               "prisoners": 0, "children": 10, "language_church": 50, "elections": 60,
               "ceasefire_sequencing": 50},
     "mechanisms": ["dmz", "us_guarantee", "staged_sanctions", "joint_commission"],
     "stages": [
         {"name": "signature and immediate cease-fire",
          "issues": ["ceasefire_sequencing", "prisoners", "children", "accountability"]},
         {"name": "withdrawal from Donetsk; demilitarised zone", "start_period": 4,
          "issues": ["donetsk", "luhansk", "zaporizhzhia_kherson", "crimea"],
          "mechanisms": ["dmz"]},
         {"name": "constitutional non-NATO status, army cap", "start_period": 13,
          "issues": ["nato_neutrality", "army_size", "security_guarantees", "language_church",
                     "elections"], "mechanisms": ["us_guarantee", "joint_commission"]},
         {"name": "phased sanctions relief", "start_period": 26,
          "issues": ["sanctions", "assets_reparations"], "mechanisms": ["staged_sanctions"]}],
     "note": "Amnesty and 'elections within 100 days' wording not captured (reported only); "
     "Donetsk DMZ 'recognised as Russian' scored 100; Kherson/Zaporizhzhia frozen on the line.",
     **_t(("S_28_1", "S_28_2", "S_28_3", "S_28_4", "S_28_7", "S_28_10"),
          "stage periods assumed; only the cease-fire on signing is stated")},
    {"id": "european_counter", "name": "European counter-proposal", "proposer": "EU",
     "date": "2025-11-24",
     "terms": {"crimea": 50, "ceasefire_sequencing": 0, "prisoners": 0, "children": 0,
               "security_guarantees": 25},
     "mechanisms": ["us_monitoring", "art5_guarantee"],
     "note": "Territory discussed only after a full cease-fire (regions stay at the line).",
     **_t(("S_eucp", "S_eucp2"), "guarantee value assumed from 'robust guarantees'")},
    {"id": "framework_20", "name": "US-Ukraine 20-point framework", "proposer": "UA",
     "date": "2025-12-23",
     "terms": {"crimea": 50, "donetsk": DONETSK_ZONE, "nato_neutrality": 50,
               "security_guarantees": 25, "army_size": 20, "prisoners": 0, "children": 0,
               "language_church": 40, "elections": 50, "ceasefire_sequencing": 45},
     "mechanisms": ["us_monitoring", "art5_guarantee", "reassurance_force", "dmz",
                    "ratification", "staged_sanctions"],
     "stages": [
         {"name": "signature, cease-fire, monitoring",
          "issues": ["ceasefire_sequencing", "prisoners", "children", "security_guarantees",
                     "army_size", "crimea", "nato_neutrality", "language_church"],
          "mechanisms": ["us_monitoring", "art5_guarantee"]},
         {"name": "referendum on the Donetsk zone, then staged mutual withdrawal",
          "start_period": 9, "issues": ["donetsk", "elections"],
          "mechanisms": ["ratification", "dmz", "reassurance_force"]}],
     "note": "Donetsk zone (demilitarised or 'free economic zone', mutual withdrawal) scored "
     "half-way between the line (76: the White House map of 18 Aug 2025, S_put5000) and full "
     "withdrawal; explicit NATO ban omitted.",
     **_t(("S_20_1", "S_20_2", "S_20_3", "S_20_4", "S_20_6", "S_20_7"),
          "zone value and stage periods assumed (60-day cease-fire for the referendum)")},
]  # fmt: skip


PROPOSAL_LINES: dict[tuple[str, str], tuple[float, str]] = {
    ("plan_28", "zaporizhzhia_kherson"): ZK_AUG25,
    ("framework_20", "donetsk"): DONETSK_AUG25_MAP,
}
"""(proposal, issue) whose term is read from the line of contact ("frozen on the line", a zone
half-way between the line and full withdrawal) -> (that reading, the date of its figure): dated
at or before the proposal (no look-ahead; ``tests/scenarios/test_dyn13_line_figures.py``)."""


# --------------------------------------------------------------------------------- bundles
def bundles(as_of: str) -> list[D]:
    """The partial agreements the war produced or that were on the table (issue 12)."""
    out: list[D] = [
        {"id": "prisoner_exchange", "name": "Exchange of prisoners and detained civilians",
         "issues": ["prisoners"], "ceasefire": False,
         **_t(("S_ex12", "S_ex2") if as_of >= "2026-03-11" else (),
              "exchanges were agreed while fighting went on")},
        {"id": "humanitarian", "name": "Humanitarian: prisoners and deported children",
         "issues": ["prisoners", "children"], "ceasefire": False,
         **_t(("S_pf1",) if as_of >= "2022-11-15" else (),
              "Peace Formula point 4 and Burgenstock's third point")},
        {"id": "black_sea", "name": "Black Sea shipping (grain corridor)",
         "issues": ["black_sea"], "ceasefire": False,
         **_t(("S_grain1",) if as_of >= "2022-07-22" else (),
              "the 2022 initiative and the 2025 Riyadh arrangement"),
         **({"term": GRAIN_BUNDLE_TERM} if GRAIN_FROM <= as_of < GRAIN_UNTIL else {})},
        {"id": "energy", "name": "Moratorium on strikes on energy infrastructure",
         "issues": ["energy_strikes"], "ceasefire": False,
         **_t(("S_call318_1",) if as_of >= "2025-03-18" else (),
              "the March 2025 moratorium; a partial halt, not a cease-fire"),
         **({"term": ENERGY_TERM} if as_of >= ENERGY_TERM_FROM else {})},
        {"id": "nuclear_safety", "name": "Zaporizhzhia nuclear plant",
         "issues": ["znpp"], "ceasefire": False,
         **_t(("S_burg4",) if as_of >= "2024-06-16" else (),
              "Peace Formula point 1 and Burgenstock's first point")},
        {"id": "ceasefire", "name": "Cease-fire on the line (freeze)",
         "issues": ["ceasefire_sequencing"], "ceasefire": True,
         **_t(("S_jed25_1",) if as_of >= "2025-03-11" else (),
              "a cease-fire settles only its own terms; territory stays at the line, unsettled")},
        {"id": "framework", "name": "Framework: neutrality for guarantees, Crimea deferred",
         "issues": ["nato_neutrality", "security_guarantees", "ceasefire_sequencing"],
         "ceasefire": True,
         "deferrals": [{"issue": "crimea", "review_periods": 780,
                        "note": "15 years of bilateral consultations (Istanbul model)"}],
         **_t(("S_ist1", "S_ist2"), "the Istanbul framework of March 2022")},
    ]  # fmt: skip
    return out


# ------------------------------------------------------------------------- fixed terms
# Terms the partial agreements were made for (branch v16; scenario `bundles[].term`,
# `agreements_in_force[].term`), from facts.yaml: the energy moratorium of 18 March 2025 was
# agreed "for 30 days" (C07, E0404 (Trump-Putin call), E0406: "30 days expired (counted from
# 18 Mar) ... not renewed"); stated on the `energy` bundle from that date (no look-ahead:
# the snapshots before it carry the bundle without a term). Renewal by the veto parties'
# consent: the facts record no renewal clause (Zelensky's proposal to extend the Easter truce
# to 30 days and the moratorium's non-renewal, E0406-E0407, are decisions at the end).
ENERGY_TERM_FROM = "2025-03-18"
ENERGY_TERM: D = {
    "days": 30, "renewal": "by_consent",
    **_t(("S_call318_1", "S_en1", "S_en3"),
         "renewal by consent: the facts state no renewal clause; a renewal for another 30 days; "
         "a moratorium signed anew in a run is assumed to run 30 days like that of 18 March"),
}  # fmt: skip
# The Black Sea Grain Initiative: "initial 120 days; extended in Nov 2022 (120 days), Mar
# 2023 (60 days, by Russia), May 2023 (60 days)" (E0105, C05; S_grain1, S_grain2). At the
# 2022-11-16 snapshot its first term (22 July + 120 days) ends on 19 November 2022; the
# renewal of 17 November is after as_of and not used, nor are the later 60-day renewals.
# The deal's parts (branch v17b, `term.parts`: what each side owes and received; the renewal
# reads the receivers' accounts at as_of, docs/explanation/durability.md). Russia owes safe
# passage (Ukraine's account: the UN Joint Coordination Centre's 4.2 Mt of October 2022,
# ledger O_grain_oct22); the UN owes Russia the memorandum on Russian food and fertiliser
# exports (C05: "parallel facilitation of Russian agri exports"), of which facts.yaml has no
# account dated before the 2022-11-16 snapshot: Russia's "the part concerning Russia has not
# been implemented" (Rosselkhozbank/SWIFT, insurance) is of 17 July 2023 (E0203, C05), after it.
GRAIN_PARTS: list[D] = [
    {"by": "RU", "to": "UA",
     "what": "safe passage for grain ships from three Ukrainian ports, inspections in Turkey",
     "accounts": [{"date": "2022-10-31", "verdict": "kept",
                   "note": "UN JCC: 4.2 Mt shipped in October 2022 (ledger O_grain_oct22)",
                   **_t(("S_grain1", "S_grain4"),
                        "the monitors' monthly figure read as what Ukraine received; "
                        "month-end date for the October volume")}],
     **_t(("S_grain1", "S_grain2"), None)},
    {"by": "UN", "to": "RU",
     "what": "UN-Russia memorandum: facilitation of Russian food and fertiliser exports",
     **_t(("S_grain1", "S_grain2"),
          "no account of its implementation dated before 16 November 2022 in the facts "
          "(Russia's complaint that ended the deal is of 17 July 2023, E0203)")},
]  # fmt: skip
GRAIN_TERM: D = {
    "days": 120, "renewal": "by_consent", "renewal_days": 120, "parts": GRAIN_PARTS,
    **_t(("S_grain1", "S_grain2"),
         "a renewal for the term just served (120 days); the 60-day renewals of March and "
         "May 2023 are after the snapshots that carry the initiative"),
}  # fmt: skip
# The same term on the `black_sea` bundle (fx16v) at the snapshots dated while the initiative
# ran (22 July 2022 to 17 July 2023: 2022-11-16 only), so that a corridor signed anew in a run
# is not open-ended. Not at 2023-12 and later: the initiative's last renewals ran 60 days
# (E0105) and the 2025 Riyadh arrangement states no term (E0404-E0406, never in force), so
# the facts do not give one term for a corridor signed then.
GRAIN_FROM, GRAIN_UNTIL = "2022-07-22", "2023-07-17"
GRAIN_BUNDLE_TERM: D = {
    "days": 120, "renewal": "by_consent", "renewal_days": 120,
    **_t(("S_grain1", "S_grain2"),
         "a corridor signed anew in a run is assumed to be the initiative on its first term "
         "(120 days, renewed by consent for 120 days, E0105)"),
}  # fmt: skip


# ------------------------------------------------------------------- agreements in force
# Partial agreements running at a snapshot's as_of (branch v15; scenario
# `agreements_in_force`): runs start with them in force instead of signing them again in week
# 0. Each row: (took effect, ended (exclusive; the row applies to snapshots dated in
# [start, end)), the scenario entry). Checked against facts.yaml (commitments C05-C13):
# - C05 Black Sea Grain Initiative, 2022-07-22 to Russia's exit on 2023-07-17: in force at
#   2022-11-16 (its first 120-day term ran to 19 Nov; the renewal of 17 Nov is after as_of
#   and not used).
# - C07 energy-strike moratorium, 2025-03-18 to ~16-18 April 2025: no snapshot falls inside.
# - C11 Istanbul exchanges: the 1,000-for-1,000 agreed 16 May 2025 was completed 23-25 May,
#   before the 2025-05-26 snapshot (a completed exchange, not an agreement running); the
#   23 July tranche's completion is not confirmed and no exchange followed until Feb 2026, so
#   nothing shows it running at 2025-11-22 (v15_expectations.md).
# - C13 the 9-11 May 2026 cease-fire expired before 2026-06-23; of its swap only 205-for-205
#   (15 May) is documented.
IN_FORCE: list[tuple[str, str, D]] = [
    ("2022-07-22", "2023-07-17",
     {"bundle": "black_sea", "since": "2022-07-22", "terms": {"black_sea": 50},
      "term": GRAIN_TERM, "term_ends": "2022-11-19",
      "note": "Black Sea Grain Initiative (with the UN-Russia memorandum on Russian food and "
              "fertiliser exports): safe passage from three ports, inspections in Turkey; its "
              "120-day term ran to 19 November 2022 (facts C05)",
      **_t(("S_grain1", "S_grain2"),
           "terms 50: the issue's anchor for the corridor from three ports with joint "
           "inspections")}),
]  # fmt: skip


def agreements_in_force(as_of: str) -> list[D]:
    """The partial agreements running at ``as_of`` (scenario ``agreements_in_force``)."""
    return [entry for start, end, entry in IN_FORCE if start <= as_of < end]


# -------------------------------------------------------------------------------- linkages
# Russia's condition on a cease-fire (issue 13, branch lnk9): "then immediate ceasefire and
# talks" only after Ukraine's withdrawal from the four regions and its renunciation of NATO
# (Putin, 14 June 2024, facts E0302). Stated from that date; still held in 2025 (E0403-E0404,
# E0415, E0418); no longer in this form once Russia agreed the stand-alone 3-day cease-fire
# of 9-11 May 2026 (E0511). Each row: (from, until (exclusive), sources, what was said).
RU_CEASEFIRE_CONDITION = ["donetsk", "luhansk", "zaporizhzhia_kherson", "nato_neutrality"]
CEASEFIRE_LINKAGE_ERAS: list[tuple[str, str, tuple[str, ...], str]] = [
    ("2024-06-14", "2025-03-18", ("S_put24_1", "S_put24_2"),
     "Putin, 14 June 2024: withdrawal from Donetsk, Luhansk, Kherson and Zaporizhzhia and "
     "renunciation of NATO, 'then immediate ceasefire and talks'"),
    ("2025-03-18", "2025-07-23", ("S_put24_1", "S_put24_2", "S_call318_1", "S_call318_2"),
     "Putin, 14 June 2024: withdrawal from the four regions and renunciation of NATO, 'then "
     "immediate ceasefire and talks'; March 2025: no unconditional 30-day cease-fire, further "
     "Kremlin conditions (halt of foreign aid and mobilisation) not issues here"),
    ("2025-07-23", "2026-05-08", ("S_put24_1", "S_put24_2", "S_i3_3", "S_ak2", "S_ak3", "S_rmem1"),
     "Putin, 14 June 2024: withdrawal from the four regions and renunciation of NATO, 'then "
     "immediate ceasefire and talks'; Medinsky, 23 July 2025: a cease-fire only after "
     "'fundamental agreements' on post-war arrangements; Anchorage, August 2025 (reported): "
     "Donetsk to be left, the front frozen in Kherson and Zaporizhzhia, NATO's 'root causes'"),
]  # fmt: skip


def linkages(as_of: str) -> list[D]:
    """Conditions on the scope of an agreement stated at ``as_of`` (scenario ``linkages``)."""
    out: list[D] = []
    for start, until, srcs, said in CEASEFIRE_LINKAGE_ERAS:
        if start <= as_of < until:
            late = start >= "2025-07-23"
            out.append(
                {"id": "ru_no_ceasefire_before_settlement", "actor": "RU", "ceasefire": True,
                 "requires": RU_CEASEFIRE_CONDITION, "note": said,
                 **_t(srcs, "the memorandum of 2 June 2025 (S_rmem1) also offered a 30-day "
                      "cease-fire with a military package instead; an either-or the format "
                      "cannot state, and neither form accepts a stand-alone freeze"
                      if late else None)}
            )  # fmt: skip
    return out


def payments(as_of: str) -> list[D]:
    """Transfers off the issue scales a package may include."""
    if as_of < "2025-03-25":
        return []
    return [
        {"id": "agri_market_access", "name": "US help restoring Russian agricultural exports",
         "payer": "US", "payee": "RU", "amount": 0.01, "cost": 0.002,
         **_t(("S_bs1", "S_bs2"),
              "Riyadh, 25 Mar 2025: the US would help restore Russia's access to world markets "
              "for food and fertiliser; worth 0.01 of Russia's utility range, cost 0.002 to the "
              "US (judgements)")},
    ]  # fmt: skip


# -------------------------------------------------------------------------------------- war
def war(as_of: str) -> D:
    stalemate, vol, shift, tr = _era(as_of, [
        ("2022", (0.3, 3.0, 0.05, ())),
        ("2022-09", (0.35, 2.0, 0.05, ())),
        ("2023-09", (0.55, 0.5, 0.04, ())),
        ("2025", (0.6, 0.5, 0.05, ("S_put24_ist",))),
        ("2026", (0.65, 0.4, 0.05, ("S_ds1", "S_bbg", "S_put24_ist"))),
    ])  # fmt: skip
    front = _era(as_of, [
        ("2022", "a war of movement; the advance on Kyiv has stalled"),
        ("2022-09", "counteroffensives moved the line in autumn 2022"),
        ("2023-09", "the 2023 counteroffensive barely moved the line"),
        ("2025", "slow attrition, small monthly gains"),
        ("2026", "Russia gained 0.72% of Ukraine in all of 2025; net loss in Feb 2026"),
    ])  # fmt: skip
    ru = {"crimea": 100, "donetsk": 100, "luhansk": 100, "zaporizhzhia_kherson": 100,
          "nato_neutrality": 100, "security_guarantees": 100, "army_size": 95,
          "sanctions": 50, "assets_reparations": 70, "accountability": 90,
          "prisoners": 20, "children": 100, "language_church": 100, "elections": 100,
          "ceasefire_sequencing": 100, "black_sea": 80, "energy_strikes": 0,
          "znpp": 100}  # fmt: skip
    ua = {i["id"]: 0 for i in ISSUES} | {"sanctions": 20, "assets_reparations": 20,
                                         "nato_neutrality": 25}  # fmt: skip
    return {
        "belligerents": ["RU", "UA"], "period": "week", "capability_exponent": 1.5,
        "stalemate": stalemate, "horizon_periods": 104, "line_volatility": vol,
        "truce_power_shift": shift, "implementation_periods": 52, "started": "2022-02-24",
        "victory_terms": {"RU": ru, "UA": ua},
        **_t(tr, f"stalemate {stalemate}: chance the line holds ({front}); volatility {vol} "
             f"points/week; truce_power_shift +{shift}: Kyiv objects that a freeze lets Russia "
             "regroup, Putin that it lets Ukraine rearm; "
             "net shift assumed to favour Russia; a Russian victory cannot lift Western "
             "sanctions (50); k 1.5 and the 2-year horizon are judgements; once the war is "
             "decided strikes on energy end (0) and prisoners are returned on the victor's "
             "terms (RU 20, UA 0)"),
    }  # fmt: skip


def simulation(as_of: str) -> D:
    mediator = "TR" if as_of < "2025" else "US"
    strategy = "peace_offensive" if as_of >= "2024-06" else "hardliner"
    why = (
        "reflects offers of talks on unchanged terms under pressure ('peace offensive', "
        "docs/explanation/simulation-model.md), e.g. the Istanbul-basis offers of 2024 and 2026"
        if strategy == "peace_offensive"
        else "reflects the maximal aims stated at this date"
    )
    return {
        "protocol": "single_text", "mediator": mediator,
        "strategies": {"RU": strategy, "UA": "tit_for_tat"}, "talks_every": 2,
        "assumption": f"an assumption, not a finding: RU '{strategy}' {why}; UA "
        "tit-for-tat mirrors the other side's moves (e.g. truces); "
        f"mediator {mediator} hosts or brokers the talks at this date",
    }  # fmt: skip


# --------------------------------------------------------------------------------- builder
def _sources() -> D:
    with (HERE / "data" / "ukraine-sources.json").open(encoding="utf-8") as fh:
        data: D = json.load(fh)
    return data


def _cited(obj: Any, out: set[str]) -> None:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "sources" and isinstance(value, list):
                out.update(value)
            else:
                _cited(value, out)
    elif isinstance(obj, list):
        for value in obj:
            _cited(value, out)


def later_figure(snapshot: str, issue: str) -> str | None:
    """The date of a figure, later than the snapshot's ``as_of``, that the status quo of
    ``issue`` at this snapshot or at the previous one rests on (``figure_date`` in the status-quo
    table); None when both rest on figures known at ``as_of``. A drift estimated from such a
    status quo would use information the parties did not have."""
    names = list(SNAPSHOTS)
    i = names.index(snapshot)
    as_of = SNAPSHOTS[snapshot]["as_of"]
    ends = [(snapshot, as_of)] + ([(names[i - 1], SNAPSHOTS[names[i - 1]]["as_of"])] if i else [])
    dates = [status_quo(name, date)[issue].get(FIGURE_DATE) for name, date in ends]
    later = sorted(d for d in dates if d is not None and d > as_of)
    return later[-1] if later else None


def figure_of(snapshot: str, issue: str) -> str:
    """The date of the front that the status quo of ``issue`` at ``snapshot`` describes: its
    ``figure_of`` (a figure carried forward or back unchanged) or else the snapshot's
    ``as_of`` (a reading or estimate of the front at that date)."""
    as_of = SNAPSHOTS[snapshot]["as_of"]
    dated: str | None = status_quo(snapshot, as_of)[issue].get(FIGURE_OF)
    return dated or as_of


def front_trend(snapshot: str, issue: str) -> D | None:
    """The front's drift on ``issue`` as known at the snapshot's ``as_of``: the engine's own
    front model (a random walk with drift, volatility σ per week) estimated on the move between
    the previous reference snapshot's status quo and this one's: drift = Δ / T (the maximum-
    likelihood estimate of a random walk's drift is the mean step) with drift_sd = σ / √T (its
    standard error), T the weeks between the dates of the front the two values describe
    (:func:`figure_of`), not between the snapshots' dates (a figure carried forward to a later
    snapshot did not move after its own date). None for the first snapshot (no earlier figure:
    no drift, issue 13's default), for an issue the front does not move, where either end's
    status quo rests on a figure dated after the snapshot's ``as_of`` (:func:`later_figure`:
    no look-ahead) and where both ends describe the same date (one figure: no trend)."""
    names = list(SNAPSHOTS)
    i = names.index(snapshot)
    if i == 0:
        return None
    prev = names[i - 1]
    as_of, as_of0 = SNAPSHOTS[snapshot]["as_of"], SNAPSHOTS[prev]["as_of"]
    x1 = status_quo(snapshot, as_of)[issue]
    x0 = status_quo(prev, as_of0)[issue]
    spec = next(row for row in ISSUES if row["id"] == issue)
    if not spec.get("contested") or spec.get("front", {}).get("moves", True) is False:
        return None
    if later_figure(snapshot, issue) is not None:
        return None
    day1, day0 = _figure_dates(snapshot, issue)
    weeks = (dt.date.fromisoformat(day1) - dt.date.fromisoformat(day0)).days / 7.0
    if weeks == 0.0:
        return None
    sigma = float(war(as_of)["line_volatility"])
    drift = (float(x1["status_quo"]) - float(x0["status_quo"])) / weeks
    out: D = {
        "drift": round(drift, 3),
        "drift_sd": round(sigma / math.sqrt(weeks), 3),
    }
    srcs = sorted({*x0.get("sources", []), *x1.get("sources", [])})
    if srcs:
        out["sources"] = srcs
    out["assumption"] = (
        f"the front's trend known at this date: from {x0['status_quo']:g} ({prev}, the front "
        f"of {day0}) to {x1['status_quo']:g} (the front of {day1}) in {weeks:.1f} weeks, the "
        f"mean weekly move, with its standard error sigma/sqrt(T) = {sigma:g}/sqrt({weeks:.1f}) "
        "as drift_sd (random walk with drift, estimated by maximum likelihood)"
    )
    return out


def _figure_dates(snapshot: str, issue: str) -> tuple[str, str]:
    """(this snapshot's, the previous snapshot's) :func:`figure_of` for ``issue``; a located
    ``ValueError`` when this one describes an earlier front than the previous one (a later
    snapshot cannot know less: a data error in the status-quo table, not a drift)."""
    names = list(SNAPSHOTS)
    prev = names[names.index(snapshot) - 1]
    day1, day0 = figure_of(snapshot, issue), figure_of(prev, issue)
    if day1 < day0:
        raise ValueError(
            f"scenarios/ukraine_issues.py STATUS_QUO[{snapshot!r}][{issue!r}]: describes the "
            f"front of {day1}, earlier than {prev}'s ({day0})"
        )
    return day1, day0


def _same_figure(snapshot: str, issue: str) -> bool:
    """Do this snapshot's and the previous one's status quo of a front issue describe the front
    of the same date (:func:`figure_of`)? A reversed order is an error (:func:`_figure_dates`)."""
    names = list(SNAPSHOTS)
    i = names.index(snapshot)
    spec = next(row for row in ISSUES if row["id"] == issue)
    if not i or not spec.get("contested") or spec.get("front", {}).get("moves", True) is False:
        return False
    day1, day0 = _figure_dates(snapshot, issue)
    return day1 == day0


def carried_with_the_front(row: D, snapshot: str) -> D:
    """A position as written into ``snapshot``: a red line stated at the line of contact
    (``at_front``, a bound short of the scale's end read from the line, :data:`LINE_FIGURES`)
    names the line of contact as the snapshot knows it, so its bound is carried with the front
    from the reading at the position's date to the snapshot's starting line (its status quo),
    ``bound + (start − line)``, never past the actor's ideal nor off the 0–100 scale (the
    engine's own rule for a bound at the front, ``simulate/steps/positions.py``
    ``front_lines``; issue 13, branch fix13d). Both figures must be dated at or before the
    snapshot's ``as_of``: a reading of the line dated after it is a located ``ValueError``; a
    status quo resting on a later figure (which leaves the drift out too, :func:`front_trend`)
    carries nothing, and the row's assumption says so. Other rows are returned as they are."""
    key = (row["actor"], row["issue"], row["date"])
    if not row.get("at_front") or key not in LINE_FIGURES:
        return row
    as_of = SNAPSHOTS[snapshot]["as_of"]
    line, line_date = LINE_FIGURES[key]
    sq = status_quo(snapshot, as_of)[row["issue"]]
    start = float(sq["status_quo"])
    start_date = sq.get(FIGURE_DATE) or as_of
    if str(line_date) > as_of:
        raise ValueError(
            f"position {key} in {snapshot}: the reading of the line rests on a figure of "
            f"{line_date}, after as_of {as_of} (no look-ahead)"
        )
    if start_date > as_of:  # as a drift (front_trend): left out, and said, not used
        note = (
            f"not carried with the front: the status quo rests on a figure dated {start_date}, "
            "after as_of (no look-ahead)"
        )
        return dict(
            row, assumption=f"{row['assumption']}; {note}" if row.get("assumption") else note
        )
    move = start - float(line)
    if move == 0.0:
        return row
    ideal = float(row["ideal"])

    def carry(bound: float, lower: bool) -> float | int:
        moved = min(bound + move, ideal) if lower else max(bound + move, ideal)
        value = round(min(max(moved, 0.0), 100.0), 6)
        return int(value) if value == int(value) else value

    lo, hi = (float(v) for v in row["acceptable"])
    new = [carry(lo, True) if lo > 0.0 else row["acceptable"][0],
           carry(hi, False) if hi < 100.0 else row["acceptable"][1]]  # fmt: skip
    note = (
        f"carried with the front to this snapshot's line: {float(line):g} (figure of "
        f"{line_date}) to {start:g} (its status quo, figure of {start_date})"
    )
    out = dict(row, acceptable=new)
    out["assumption"] = f"{row['assumption']}; {note}" if row.get("assumption") else note
    return out


def _published(table: D, sid: str, as_of: str) -> bool:
    """Whether source ``sid`` of ``table`` was published by ``as_of`` (its date, to the
    precision given)."""
    date = table[sid].get("date")
    return date is None or date <= as_of[: len(date)]


def ratification_commitments(as_of: str, status_quo: dict[str, float]) -> list[D]:
    """Ukraine's Constitution on its territory (``ukraine_positions.CONSTITUTION``) as one public
    commitment per territorial issue at this snapshot's status quo, citing only the sources
    published by ``as_of`` (no look-ahead) and the acceptance shares measured and published by
    then."""
    if CONSTITUTION["date"] > as_of:
        return []
    table = _sources()
    out = []
    for issue in CONSTITUTION_ISSUES:
        row = dict(CONSTITUTION, issue=issue, level=status_quo[issue])
        row["sources"] = [sid for sid in CONSTITUTION["sources"] if _published(table, sid, as_of)]
        if not row["sources"]:
            del row["sources"]
        shares = ACCEPTANCE["crimea" if issue == "crimea" else "control"]
        known = [
            dict(a, sources=list(a["sources"]))  # copies: no YAML anchors between issues
            for a in shares
            if a["date"] <= as_of and all(_published(table, sid, as_of) for sid in a["sources"])
        ]
        if known:
            row["acceptance"] = known
        out.append(
            {k: row[k] for k in ("actor", "issue", "level", "date", "act", "ratification")}
            | {k: row[k] for k in ("acceptance", "sources", "assumption") if k in row}
        )
    return out


def build(snapshot: str) -> D:
    """The scenario of one snapshot as plain data (validated by :func:`render`)."""
    spec = SNAPSHOTS[snapshot]
    as_of: str = spec["as_of"]
    sq = status_quo(snapshot, as_of)
    issues = []
    for issue in ISSUES:
        row = {k: v for k, v in issue.items() if k != "anchors"}
        row["anchors"] = [{"value": v, "label": lab} for v, lab in issue["anchors"]]
        row.update({k: v for k, v in sq[issue["id"]].items() if k not in (FIGURE_DATE, FIGURE_OF)})
        trend = front_trend(snapshot, issue["id"])
        if trend is not None and "front" not in row:
            row["front"] = trend
        later = later_figure(snapshot, issue["id"])
        if later is not None and "front" not in row:
            row["assumption"] = (
                f"{row['assumption']}; no front drift: the status quo here or at the "
                f"previous snapshot rests on a figure dated {later}, after as_of (no "
                "look-ahead)"
                if row.get("assumption")
                else f"no front drift: a status quo rests on a figure dated {later}, after as_of"
            )
        elif trend is None and "front" not in row and _same_figure(snapshot, issue["id"]):
            note = (
                "no front drift: this status quo and the previous snapshot's describe the "
                f"front of the same date ({figure_of(snapshot, issue['id'])}): one figure, no "
                "trend"
            )
            row["assumption"] = f"{row['assumption']}; {note}" if row.get("assumption") else note
        issues.append(row)
    body: D = {
        "actors": actors(as_of) + extra_actors(as_of),
        "issues": issues,
        "positions": [carried_with_the_front(r, snapshot) for r in POSITIONS if r["date"] <= as_of],
        "trust": trust(as_of),
        "ledger": [e for e in LEDGER if e["date"] <= as_of],
        "mechanisms": mechanisms(as_of),
        "proposals": [pr for pr in PROPOSALS if pr["date"] <= as_of],
        "bundles": bundles(as_of),
        **({"agreements_in_force": running} if (running := agreements_in_force(as_of)) else {}),
        "payments": payments(as_of),
        **({"linkages": linkages(as_of)} if linkages(as_of) else {}),
        "war": war(as_of),
        "simulation": simulation(as_of),
        "tracks": tracks(as_of),
        "refusals": refusals(as_of),
    }
    committed = [c for c in PUBLIC_COMMITMENTS if c["date"] <= as_of]
    committed += ratification_commitments(as_of, {i["id"]: i["status_quo"] for i in issues})
    if committed:
        body["public_commitments"] = committed
    cited: set[str] = set()
    _cited(body, cited)
    table = _sources()
    sources = {}
    for sid in sorted(cited, key=list(table).index):
        rec = {k: v for k, v in table[sid].items() if v is not None}
        sources[sid] = rec
    meta = {
        "name": spec["name"],
        "description": spec["description"] + " Scales: 0 = the Ukrainian/Western-preferred "
        "end, 100 = the Russian-preferred end (docs/explanation/ukraine-scenarios.md).",
        "as_of": as_of,
        "authors": ["detente contributors"],
        "sources": sources,
    }
    return {"schema_version": 1, "meta": meta, **body}


HEADER = (
    "# GENERATED by scenarios/build_reference.py from its dated tables - do not edit by hand;\n"
    "# change the tables and run `.venv/bin/python scenarios/build_reference.py`.\n"
    "# Scales: 0 = Ukrainian/Western-preferred end, 100 = Russian-preferred end.\n"
    "# What is sourced and what is assumed: docs/explanation/ukraine-scenarios.md\n"
)


def render(snapshot: str) -> str:
    """YAML text of one snapshot, validated strictly before it is returned."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.width = 4096
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(build(snapshot), buf)
    text = HEADER + buf.getvalue()
    parse_scenario(text, name=f"{snapshot}.yaml", strict=True)
    return text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for snapshot in SNAPSHOTS:
        path = HERE / f"{snapshot}.yaml"
        text = render(snapshot)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parent)}")
    if stale:
        print("out of date: " + ", ".join(stale) + "; run scenarios/build_reference.py")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Who talks to whom in the Russia–Ukraine war: dated tracks and refusals (issue 18).

Each row holds a track or refusal once, with the dates it ran or held; a snapshot keeps the
rows that began on or before its ``as_of`` and states an end date only if it is on or before
``as_of`` (a later end is not yet known). A source is dated by the fact of facts.yaml that
cites it for the row (``later_sources``: cited only from that date); a party that joined a
track after its first round is dated too (``joins``: left out before that date), and so is a
bundle a track took up after its first round (``adds``: listed from that date); a track
at which Russia and Ukraine do not both sit settles nothing between them (no bundles).
Participants' levels: ``ministers`` for the
presidential delegations (Medinsky, a presidential aide; Umerov, defence minister),
``military`` for the exchange channel run by the armed forces and intelligence services,
``technical`` for the Riyadh/Jeddah working rounds; the US envoys (Witkoff, Rubio) sit at
``ministers``. Every row cites the facts it comes from; what the facts do not fix is labelled
an assumption.
"""

from __future__ import annotations

from typing import Any

D = dict[str, Any]

ALL_BUNDLES = [
    "settlement", "framework", "ceasefire", "humanitarian", "prisoner_exchange", "black_sea",
    "energy", "nuclear_safety",
]  # fmt: skip


def _p(*pairs: str) -> list[D]:
    """``"RU:ministers"`` → a participant record."""
    return [{"actor": a, "level": lv} for a, lv in (x.split(":") for x in pairs)]


TRACKS: list[D] = [
    {"id": "leaders", "name": "Presidents Putin and Zelensky (a leaders' meeting)",
     "participants": _p("RU:leaders", "UA:leaders"), "bundles": ALL_BUNDLES,
     "since": "2022-02-28", "signature_only": True, "sources": [],
     "later_sources": [("2022-03-29", "S_ist1"), ("2022-03-29", "S_ist2"),
                       ("2025-05-16", "S_i1_1"), ("2025-06", "S_leg"),
                       ("2025-07-23", "S_i3_1"), ("2026-06-15", "S_jun26_4")],
     "assumption": "the presidents have not met since the invasion (Ukraine asked for a "
     "meeting in May 2025 and June 2026); a summit that only signs: the delegations draft the "
     "treaty for the presidents to sign (Istanbul, 29 Mar 2022, endorsement of istanbul_2022); "
     "Putin would meet Zelensky only at a 'final stage' (June 2025); Medinsky: 'leaders meet "
     "only to sign a finished treaty' (E0417). It signs only what the tracks it endorses agree"},
    {"id": "military_exchanges", "name": "Exchanges between the military and intelligence "
     "services (Ukraine's Coordination Headquarters)",
     "participants": _p("RU:military", "UA:military"), "bundles": ["prisoner_exchange"],
     "since": "2022-02-28", "cadence": 4, "sources": [],
     "later_sources": [("2026-03-11", "S_ex12")],
     "assumption": "a standing channel without a mediator: more than 70 exchanges and over "
     "8,000 people freed in four years (Budanov, Mar 2026); about one exchange a month"},
    {"id": "belarus_2022", "name": "Presidential delegations in Belarus (Gomel, Brest)",
     "participants": _p("RU:ministers", "UA:ministers"),
     "bundles": ["ceasefire", "humanitarian", "prisoner_exchange"], "endorsement": "leaders",
     "since": "2022-02-28", "until": "2022-03-07", "cadence": 1, "sources": ["S_ist5"],
     "assumption": "rounds of 28 Feb, 3 and 7 Mar 2022 hosted by Belarus (not an actor of "
     "these scenarios); humanitarian corridors discussed, no cease-fire"},
    {"id": "istanbul_2022", "name": "Istanbul round of the presidential delegations",
     "participants": _p("RU:ministers", "UA:ministers"), "host": "TR", "mediator": "TR",
     "bundles": ["framework", "ceasefire", "humanitarian", "prisoner_exchange"],
     "endorsement": "leaders", "since": "2022-03-29", "until": "2022-04-15", "cadence": 1,
     "sources": ["S_ist1", "S_ist2"],
     "later_sources": [("2023-11", "S_ist6"), ("2023-11", "S_socb"), ("2026-06-23", "S_ist4")],
     # a framework, not a settlement (branch v21b): the draft 'Treaty on Permanent Neutrality
     # and Security Guarantees' traded neutrality for guarantees (E0103; C15: 'neutrality for
     # multilateral guarantees'), left Crimea to 15 years of bilateral consultations and
     # Donbas outside the guarantees (Russia's territory position of 29 Mar 2022, S_ist1;
     # Russia's 2026 summary: Crimea 'outside the scope', S_ist4); Arakhamia (Nov 2023,
     # S_ist6): neutrality was Moscow's 'main' goal. The Russian account's army ceilings,
     # Russian-language status ('in some versions') and sanctions relief (E0103) are not in
     # the framework bundle (an assumption: a Russian account only)
     "assumption": "Istanbul 29 Mar 2022 (Turkey hosting); the draft treaty was worked on "
     "online until about 15 Apr; a treaty would be signed by the presidents (endorsement). "
     "A framework, not a settlement: neutrality for guarantees, Crimea left to 15 years of "
     "talks, Donbas outside the guarantees (E0103, C15); Arakhamia (Nov 2023): neutrality "
     "was Moscow's 'main' goal. The Russian account's army ceilings, language status and "
     "sanctions relief (E0103) are left out (an assumption)"},
    {"id": "antalya_ministers", "name": "Foreign ministers Lavrov and Kuleba (Antalya)",
     "participants": _p("RU:ministers", "UA:ministers"), "mediator": "TR", "host": "TR",
     "bundles": ["humanitarian"], "since": "2022-03-10", "until": "2022-03-10",
     "sources": ["S_ist5"], "assumption": "one meeting, Turkish mediation, no cease-fire"},
    {"id": "grain_initiative", "name": "Black Sea Grain Initiative (UN and Turkey)",
     "participants": _p("RU:technical", "UA:technical"), "mediator": "TR", "host": "TR",
     "shuttle": True, "bundles": ["black_sea"], "since": "2022-07-22", "until": "2023-07-17",
     "cadence": 4, "sources": ["S_grain1", "S_grain2"],
     "assumption": "Russia and Ukraine signed separately with Turkey and the UN (shuttle); the "
     "UN is not an actor of these scenarios; renewals every 60-120 days, reviewed monthly"},
    {"id": "peace_formula_nsa", "name": "Peace Formula meetings of national security advisers",
     "participants": _p("UA:ministers", "US:ministers", "EU:ministers", "CN:ministers"),
     "bundles": [], "since": "2023-08-05", "sources": ["S_jed1", "S_pf1"],
     "assumption": "coalition building without Russia (not invited): it can settle nothing "
     "between the belligerents"},
    {"id": "leader_calls", "name": "US shuttle by leaders' calls (Trump-Putin, Trump-Zelensky)",
     "participants": _p("RU:leaders", "UA:leaders", "US:leaders"), "mediator": "US",
     "shuttle": True, "bundles": ["energy", "prisoner_exchange", "ceasefire"],
     "since": "2025-03-18", "cadence": 4, "sources": ["S_call318_1", "S_call318_3"],
     "later_sources": [("2025-12-28", "S_mal1"), ("2026-05-08", "S_may26_1")],
     "assumption": "the energy moratorium and a 175-for-175 exchange were agreed in the "
     "Trump-Putin call of 18 Mar 2025; the US talks to each side separately. From Anchorage "
     "(E0418) and the White House meeting (E0419) the presidents discuss a settlement's "
     "terms with Trump (E0432, E0511), but a treaty would be signed at a meeting of the two "
     "presidents (E0417), so the calls carry no settlement bundle: the terms are on the "
     "envoys' track, endorsed by that meeting"},
    {"id": "us_envoys", "name": "US envoys' shuttle on the terms of a settlement (Witkoff, "
     "Kellogg, Rubio, Driscoll)",
     "participants": _p("RU:ministers", "UA:ministers", "US:ministers"), "mediator": "US",
     "shuttle": True, "bundles": ["settlement", "framework"], "endorsement": "leaders",
     "since": "2025-02-18", "cadence": 4,
     "joins": [("2025-04-23", "UA")], "adds": [("2025-11-20", "nuclear_safety")],
     "sources": ["S_riy1", "S_riy2"],
     "later_sources": [("2025-04-22", "S_lon1"), ("2025-04-22", "S_lon2"),
                       ("2025-11-20", "S_28_1"), ("2025-11-20", "S_put1121"),
                       ("2025-11-20", "S_28_2"),
                       ("2025-12-02", "S_dec2_1"), ("2025-12-23", "S_20_1"),
                       ("2025-12-23", "S_20_5"),
                       ("2026-01-22", "S_ad1_2"), ("2026-05-08", "S_may26_5"),
                       ("2026-05-08", "S_may26_6")],
     # the Zaporizhzhia plant (branch v21b): the 28-point draft's clause (E0424, S_28_2:
     # restarted under the IAEA, electricity split 50/50), then the 20-point framework's
     # options (E0431, S_20_5: a US-Ukraine-Russia operation proposed by the US, a US-Ukraine
     # venture by Ukraine; Russia wants to keep control, Dec 2025, S_20_3); no earlier envoys'
     # text on the plant is in the facts
     "assumption": "US-Russia teams from Riyadh (E0401, Ukraine absent); with Ukraine from "
     "the US proposal of Apr 2025 (E0408); the 28-point draft (E0424; its ZNPP clause: "
     "nuclear_safety from 20 Nov 2025); Witkoff-Putin (E0427, E0502); the 20-point framework "
     "(E0431). Envoys draft; the presidents would sign at a meeting (endorsement: leaders; "
     "E0413, E0417: 'leaders meet only to sign a finished treaty'). No end: the trilateral "
     "rounds were put on hold (E0508) but US mediation went on (E0511, May 2026)"},
    {"id": "riyadh_jeddah_technical", "name": "Riyadh and Jeddah technical rounds (US-brokered)",
     "participants": _p("RU:technical", "UA:technical", "US:technical"), "mediator": "US",
     "shuttle": True, "bundles": ["black_sea", "energy", "ceasefire"], "since": "2025-03-11",
     "joins": [("2025-03-25", "RU")],
     "sources": ["S_jed25_1"], "later_sources": [("2025-03-25", "S_bs1")],
     "assumption": "Jeddah (US-Ukraine, 11 Mar) and Riyadh (23-25 Mar 2025, separate US "
     "talks with each side) on a cease-fire, Black Sea shipping and energy"},
    {"id": "uae_exchanges", "name": "Prisoner exchanges mediated by the UAE",
     "participants": _p("RU:military", "UA:military"), "mediator": "AE",
     "bundles": ["prisoner_exchange"], "since": "2025-04-19", "cadence": 2,
     "sources": ["S_ea7", "S_ex0419"],
     "assumption": "exchanges run by the two sides' military and intelligence services; UAE "
     "mediation of the 19 Apr and 6 May 2025 swaps"},
    {"id": "istanbul_2025", "name": "Istanbul direct talks (Medinsky - Umerov, chaired by Fidan)",
     "participants": _p("RU:ministers", "UA:ministers"), "mediator": "TR", "host": "TR",
     "bundles": ["prisoner_exchange", "humanitarian", "ceasefire"], "since": "2025-05-16",
     "until": "2025-07-23", "cadence": 4, "sources": ["S_i1_1"],
     "later_sources": [("2025-06-02", "S_i2_1"), ("2025-07-23", "S_i3_1")],
     "assumption": "three rounds (16 May, 2 Jun, 23 Jul 2025) that agreed only exchanges of "
     "prisoners and bodies; the second exchanged memoranda on the terms of a settlement "
     "(E0412-E0414: territory, neutrality, guarantees, army, sanctions), which the delegations "
     "could not sign (a treaty is for the presidents: E0417), so the track carries no "
     "settlement bundle (endorsement is per track, and its exchanges needed none)"},
    {"id": "trilateral_2026", "name": "US-Russia-Ukraine trilateral rounds (Abu Dhabi, Geneva)",
     "participants": _p("RU:military", "UA:ministers", "US:ministers"), "mediator": "US",
     "host": "AE",
     "bundles": ["ceasefire", "prisoner_exchange", "energy", "framework"],
     "adds": [("2026-02-04", "nuclear_safety")],
     "since": "2026-01-23", "until": "2026-02-28", "cadence": 2,
     "sources": ["S_ad1_1"],
     "later_sources": [("2026-02-04", "S_ad2_1"), ("2026-02-17", "S_gva1"),
                       ("2026-02-28", "S_iran1")],
     # the Zaporizhzhia plant (branch v21b) from the second round: E0505 (Ukraine insists on
     # control of the plant), E0506 (Geneva: no progress on territory or the plant); a partial
     # bundle like the energy pause the rounds discussed (E0503)
     "assumption": "Abu Dhabi 23-24 Jan and 4-5 Feb, Geneva 17-18 Feb 2026 (Russia led by "
     "the GRU chief, then Medinsky); put on hold from 28 Feb; territory on the table from "
     "the first round (Russia demands the rest of Donetsk, E0503), but no settlement bundle: a "
     "treaty is for the presidents (E0417); the rounds were led by the military and "
     "ministers. The ZNPP from round 2 (E0505, E0506: no progress), a partial bundle"},
]  # fmt: skip

REFUSALS: list[D] = [
    {"id": "ua_no_talks_with_putin", "by": "UA", "refuses": "RU", "reason": "domestic_law",
     "text": "Presidential decree enacting the security council's decision that negotiations "
     "with President Putin are impossible", "since": "2022-10-04", "until": "2025-05-15",
     "sources": [], "later_sources": [("2025-05-16", "S_i1_1")],
     "assumption": "the decree (4 Oct 2022, after the annexation declaration of 30 Sep) is "
     "recalled, not in facts.yaml; it ends in practice when Zelensky invites Putin to meet in "
     "Istanbul in May 2025 (S_i1_1)"},
    {"id": "ru_legitimacy", "by": "RU", "refuses": "UA", "reason": "legitimacy",
     "text": "Putin does not meet Zelensky, whom he calls illegitimate (term expired 2024); "
     "a meeting only at a 'final stage'", "since": "2025-05-16",
     "sources": ["S_i1_1"], "later_sources": [("2025-06", "S_leg"), ("2025-11-28", "S_zez")],
     "assumption": "Putin did not attend the Istanbul talks despite Zelensky's invitation "
     "(16 May 2025); the legitimacy reason as he stated it publicly (June and Nov 2025)"},
]  # fmt: skip

# The bundles no track drafts at a date, and why (branch v21b): a window [since, until) in
# which no track that carries talks (not ``signature_only``) and has not ended lists the
# bundle, with the facts that say no talks took it up. Documentation of the tables above, not
# written to the snapshots (``detente check`` notes the ones only the presidents' track lists);
# ``tests/scenarios/test_v21b_undrafted.py`` checks it against every snapshot.
UNDRAFTED: list[D] = [
    {"bundle": "settlement", "since": "2022-02-24", "until": "2025-04-23",
     "sources": ["S_ist1", "S_ist2", "S_pf1", "S_jed1", "S_riy1"],
     "why": "Istanbul 2022 drafted a framework, not a settlement (istanbul_2022's assumption; "
     "E0103, C15); the talks collapsed by May 2022 (E0103); the Peace Formula meetings were "
     "held without Russia (E0108, E0204); the US envoys' shuttle takes up the terms from "
     "Riyadh (E0401) but settles nothing between the belligerents until Ukraine joins it with "
     "the US proposal of April 2025 (E0408)"},
    {"bundle": "black_sea", "since": "2022-02-24", "until": "2022-07-22",
     "sources": ["S_grain1", "S_grain2"],
     "why": "no talks on shipping in the facts before the Grain Initiative (E0105)"},
    {"bundle": "black_sea", "since": "2023-07-17", "until": "2025-03-25",
     "sources": ["S_grain1", "S_grain2", "S_bs1"],
     "why": "Russia left the Grain Initiative (E0203); shipping next discussed by both sides "
     "at the Riyadh technical talks of 23-25 Mar 2025 (E0405)"},
    {"bundle": "energy", "since": "2022-02-24", "until": "2025-03-18",
     "sources": ["S_pf1", "S_call318_1"],
     "why": "no talks on strikes on energy infrastructure in the facts before the Trump-Putin "
     "call of 18 Mar 2025 (E0404); the Peace Formula's point 3 (energy security, E0108) was "
     "not put to Russia. The Qatar- or Turkey-mediated talks on an energy-strike moratorium "
     "reported in 2024 are not in the facts (no snapshot falls in 2024)"},
    {"bundle": "nuclear_safety", "since": "2022-02-24", "until": "2025-11-20",
     "sources": ["S_pf1", "S_burg1", "S_burg4", "S_28_2"],
     "why": "no talks between the belligerents on the Zaporizhzhia plant in the facts before "
     "the 28-point draft's clause (E0424); the Peace Formula's point 1 (E0108) and the "
     "Burgenstock communique (E0303) were made without Russia. The IAEA's shuttle (Grossi, "
     "2022-24: the protection zone, the five principles put to the Security Council on 30 May "
     "2023) and the March 2025 US proposal on owning the plants are not in the facts: a gap "
     "of the facts, not a finding that no one talked"},
]  # fmt: skip


def undrafted(as_of: str) -> set[str]:
    """The bundles :data:`UNDRAFTED` says no track drafts at ``as_of``."""
    return {r["bundle"] for r in UNDRAFTED if r["since"] <= as_of < r["until"]}


ACTOR_AE: D = {
    "id": "AE", "name": "United Arab Emirates", "kind": "mediator", "capability": 5,
    "since": "2025-04-19",
    "sources": ["S_ea7", "S_ex0419"],
    "assumption": "mediator of prisoner exchanges and host of the 2026 trilateral rounds; "
    "capability is leverage on this war, assumed small",
}  # fmt: skip


def tracks(as_of: str) -> list[D]:
    """The tracks begun on or before ``as_of`` (an end date only if already passed)."""
    # rows naming AE (the UAE) all begin after it joins (ACTOR_AE["since"])
    return _begun(TRACKS, as_of)


def _begun(rows: list[D], as_of: str) -> list[D]:
    """The rows begun on or before ``as_of``, each as of that date (:func:`_dated`)."""
    return [_dated(row, as_of) for row in rows if row["since"] <= as_of]


def _dated(row: D, as_of: str) -> D:
    """``row`` as of ``as_of``: sources, parties and added bundles dated after it left out (a
    track without both belligerents settles nothing), an end date only if passed."""
    rec = {k: v for k, v in row.items() if k not in ("until", "later_sources", "joins", "adds")}
    rec["sources"] = [*row["sources"], *(s for d, s in row.get("later_sources", ()) if d <= as_of)]
    if "adds" in row:
        rec["bundles"] = [*row["bundles"], *(b for d, b in row["adds"] if d <= as_of)]
    if not rec["sources"]:
        del rec["sources"]
    if "until" in row and row["until"] <= as_of:
        rec["until"] = row["until"]
    later = {a for d, a in row.get("joins", ()) if d > as_of}
    if later:
        rec["participants"] = [p for p in row["participants"] if p["actor"] not in later]
        if not {"RU", "UA"} <= {p["actor"] for p in rec["participants"]}:
            rec["bundles"] = []
    return rec


def refusals(as_of: str) -> list[D]:
    """The refusals stated on or before ``as_of`` (lifted only if lifted by then)."""
    return _begun(REFUSALS, as_of)


def extra_actors(as_of: str) -> list[D]:
    """Mediators the tracks need that the other tables do not have."""
    if ACTOR_AE["since"] > as_of:
        return []
    return [{k: v for k, v in ACTOR_AE.items() if k != "since"}]

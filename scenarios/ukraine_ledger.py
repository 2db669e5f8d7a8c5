"""Dated ledger of the Russia–Ukraine reference scenarios: commitments, claims, observations
and events from facts.yaml (commitments C01-C15 and the timeline). A snapshot keeps every
entry dated on or before its ``as_of``. Used by ``build_reference.py``.
"""

from __future__ import annotations

from typing import Any

Entry = dict[str, Any]
LEDGER: list[Entry] = []


def _add(kind: str, id: str, date: str, text: str, sources: tuple[str, ...], **kw: Any) -> None:
    entry: Entry = {"kind": kind, "id": id, "date": date, "text": text, **kw}
    assume = entry.pop("assume", None)
    if sources:
        entry["sources"] = list(sources)
    if assume:
        entry["assumption"] = assume
    LEDGER.append(entry)


def commitment(id: str, date: str, by: str, text: str, *src: str, **kw: Any) -> None:
    _add("commitment", id, date, text, src, by=by, **kw)


def claim(id: str, date: str, by: str, text: str, *src: str, **kw: Any) -> None:
    _add("claim", id, date, text, src, by=by, **kw)


def observation(
    id: str, date: str, observer: str, about: str, text: str, *src: str, **kw: Any
) -> None:
    _add("observation", id, date, text, src, observer=observer, about=about, **kw)


def event(id: str, date: str, type: str, text: str, *src: str, **kw: Any) -> None:
    _add("event", id, date, text, src, type=type, **kw)


def term(indicator: str, direction: str, **kw: Any) -> dict[str, Any]:
    return {"indicator": indicator, "direction": direction, **kw}


# fmt: off
# --------------------------------------------------------------------------- before 2022
commitment("C01_budapest_RU", "1994-12-05", "RU",
           "Budapest Memorandum: respect Ukraine's sovereignty in its existing borders; no "
           "threat or use of force (assurances, not a defence commitment).",
           "S_bud1", "S_bud2", to=["UA"], domain="political", cost=0.1,
           terms=[term("use_of_force_against_ukraine", "cease")])
commitment("C01_budapest_UA", "1994-12-05", "UA",
           "Budapest Memorandum: Ukraine gives up the Soviet nuclear arsenal on its soil.",
           "S_bud1", to=["RU", "US", "UK"], domain="military", cost=0.9,
           deadline="1996-06-01", terms=[term("nuclear_warheads_on_territory", "cease")],
           assume="deadline: transfer completed in 1996 per the facts (month assumed)")
observation("O_budapest_UA", "1996-06-01", "Budapest signatories", "UA",
            "Ukraine transferred its nuclear weapons (1993-96).", "S_bud1",
            verification="independently_verified", refers_to=["C01_budapest_UA"],
            assessment="kept", assume="date: completion in 1996, month assumed")
observation("O_budapest_2014", "2014-03-18", "Chatham House", "RU",
            "Russia annexes Crimea; Chatham House calls it a violation of the memorandum.",
            "S_bud2", verification="independently_verified",
            refers_to=["C01_budapest_RU"], assessment="broken",
            assume="day of the annexation treaty (the facts give the year only)")
for _by, _other in (("RU", "UA"), ("UA", "RU")):
    commitment(f"C02_minsk1_{_by}", "2014-09-05", _by,
               "Minsk I Protocol: cease-fire, heavy-weapon withdrawal, prisoner exchanges.",
               "S_minsk1", to=[_other], terms=[term("ceasefire_violations", "cease")],
               deadline="2014-09-30", cost=0.2,
               assume="day of signature and a 25-day horizon assumed (facts: Sept 2014)")
    observation(f"O_minsk1_{_by}", "2014-09-30", "OSCE SMM (as relayed)", _by,
                "Minsk I failed; frequent violations by both sides.", "S_minsk1",
                verification="single_source", refers_to=[f"C02_minsk1_{_by}"],
                assessment="broken", assume="date assumed; facts: 'frequent violations'")
commitment("C03_minsk2_RU", "2015-02-12", "RU",
           "Minsk II: cease-fire from 15 Feb 2015, heavy weapons pulled back 50-140 km under "
           "OSCE monitoring, withdrawal of foreign forces.", "S_minsk1", "S_minsk3",
           to=["UA"], guarantors=[], cost=0.3, deadline="2015-03-01",
           terms=[term("ceasefire_violations", "cease", start="2015-02-15"),
                  term("heavy_weapons_withdrawn", "complete")])
commitment("C03_minsk2_UA", "2015-02-12", "UA",
           "Minsk II: cease-fire, heavy-weapon pullback, amnesty, local elections, "
           "constitutional special status for parts of Donbas.", "S_minsk1", "S_minsk3",
           to=["RU"], cost=0.4, deadline="2015-12-31", domain="political",
           terms=[term("ceasefire_violations", "cease", start="2015-02-15"),
                  term("special_status_law", "complete")])
event("E_debaltseve", "2015-02-18", "violation",
      "Debaltseve taken by Russian-backed forces three days after the cease-fire began.",
      "S_minsk2", "S_minsk4", by="RU", against="UA", magnitude=0.7,
      verification="independently_verified", refers_to=["C03_minsk2_RU"])
observation("O_minsk2_RU", "2021-12-31", "OSCE SMM", "RU",
            "OSCE recorded ~200 violations a week in 2016-2020 and >1,000 in 2021; foreign "
            "forces never withdrawn.", "S_minsk1", "S_minsk4",
            verification="monitor_verified", indicator="ceasefire_violations_per_week",
            value=1000, baseline=200, refers_to=["C03_minsk2_RU"], assessment="broken")
observation("O_minsk2_UA", "2021-12-31", "Russia (claim)", "UA",
            "Political provisions (special status, elections) never implemented; Russia "
            "blames Kyiv, Kyiv blames Russian forces.", "S_minsk1", "S_minsk4",
            verification="single_source", refers_to=["C03_minsk2_UA"], assessment="broken")

# ------------------------------------------------------------------------------- 2022
event("E_gomel", "2022-02-28", "talks",
      "First delegation talks in Belarus (further rounds 3 and 7 March): corridors, no "
      "cease-fire.", "S_ist5", actors=["RU", "UA"])
event("E_antalya", "2022-03-10", "talks", "Lavrov-Kuleba meeting in Turkey; no cease-fire.",
      "S_ist5", actors=["RU", "UA", "TR"])
event("E_istanbul22", "2022-03-29", "talks",
      "Istanbul round: Ukraine's neutrality-for-guarantees communique.", "S_ist1", "S_ist2",
      actors=["RU", "UA", "TR"])
commitment("C04_kyiv_reduction", "2022-03-29", "RU",
           "Fomin announces a 'drastic reduction' of military activity near Kyiv and Chernihiv "
           "'to increase mutual trust'.", "S_ist2", "S_ist3", to=["UA", "TR"], cost=0.2,
           deadline="2022-04-05",
           terms=[term("attacks", "decrease", region="kyiv", size=0.5),
                  term("attacks", "decrease", region="chernihiv", size=0.5)],
           assume="size 0.5 and a one-week deadline: 'drastic reduction' has no number")
claim("CL_kyiv_goodwill", "2022-03-29", "RU",
      "The reduction is a goodwill gesture to build trust for the Istanbul talks.",
      "S_ist2", "S_ist3", about="RU", to=["UA"], overture=True)
observation("O_kyiv_withdrawal", "2022-04-02", "UA", "RU",
            "Ukraine says the whole Kyiv region is liberated; Russian forces left Kyiv and "
            "Chernihiv areas and redeployed east and south.", "S_kyiv1", "S_kyiv3",
            verification="independently_verified", region="kyiv",
            indicator="russian_forces_present", refers_to=["C04_kyiv_reduction"],
            assessment="kept")
observation("O_kyiv_intent", "2022-04-02", "UA", "RU",
            "Kyiv and Western governments read the pullback as a forced retreat and "
            "regrouping, not goodwill; Moscow calls it a kept gesture.", "S_kyiv1", "S_kyiv3",
            verification="single_source", refers_to=["CL_kyiv_goodwill"],
            assessment="unverifiable")
event("E_bucha", "2022-04-03", "atrocity",
      "Bodies of ~410 civilians found in Kyiv-area towns after the withdrawal; UN HRMMU "
      "documented at least 50 unlawful killings in Bucha.", "S_kyiv2", "S_un1",
      by="RU", against="UA", magnitude=0.9, verification="monitor_verified",
      refers_to=["CL_kyiv_goodwill"])
commitment("C05_grain_RU", "2022-07-22", "RU",
           "Black Sea Grain Initiative: safe passage for grain from three Ukrainian ports, "
           "inspections in Turkey (120 days, extended).", "S_grain1", "S_grain2",
           to=["UA", "TR"], guarantors=["TR"], domain="economic", cost=0.3,
           deadline="2023-07-17", terms=[term("attacks_on_grain_shipping", "cease")])
observation("O_grain_oct22", "2022-10-31", "UN Joint Coordination Centre", "RU",
            "Corridor working: 4.2 Mt shipped in October 2022.", "S_grain1", "S_grain4",
            verification="monitor_verified", indicator="grain_shipped_mt_per_month", value=4.2,
            refers_to=["C05_grain_RU"], assessment="kept",
            assume="month-end date for the October volume")
event("E_annexation", "2022-09-30", "statement",
      "Russia declares annexation of four partly held regions; the UNGA rejects it.",
      "S_musk1", "S_wikimili", by="RU", against="UA", magnitude=0.8)
event("E_merkel", "2022-12-07", "statement",
      "Merkel: Minsk was 'an attempt to give Ukraine time'; Putin: trust 'almost at zero'.",
      "S_merkel", "S_merkel2", actors=["RU", "EU"], magnitude=0.4)

# ------------------------------------------------------------------------------- 2023-24
event("E_icc", "2023-03-17", "statement",
      "ICC arrest warrants for Putin and Lvova-Belova (deportation of children).", "S_icc",
      against="RU", magnitude=0.5, verification="independently_verified")
observation("O_grain_end", "2023-07-17", "UN Joint Coordination Centre", "RU",
            ">32 Mt exported to 45 countries; volumes fell from 4.2 Mt (Oct 2022) to 1.3 Mt "
            "(May 2023) amid slowed inspections (contested).", "S_grain1", "S_grain2",
            "S_grain4", verification="monitor_verified",
            indicator="grain_shipped_mt_per_month", value=1.3, baseline=4.2,
            refers_to=["C05_grain_RU"], assessment="partly_kept")
# A fixed-term agreement not renewed at its term's end: the May 2023 renewal ran 60 days from
# 18 May, to 17 July 2023, the day Russia ended its participation (facts E0105, E0203, C05).
# `agreement_lapsed`, not `agreement_ended` (fx16v: no broken commitment, no earlier failure;
# docs/explanation/trust-model.md, "Non-renewal"). facts.yaml tags E0203 "violation" too;
# the obstruction it alleges is the monitors' "partly kept" O_grain_end above, and Russia's
# withdrawal of navigation guarantees (a threat) is not encoded as an act of its own.
event("E_grain_end", "2023-07-17", "agreement_lapsed",
      "Russia ends participation in the grain deal: 'the part concerning Russia has not been "
      "implemented'.", "S_grain1", "S_grain3", by="RU", against="UA", magnitude=0.6,
      verification="independently_verified", refers_to=["C05_grain_RU"])
event("E_jeddah23", "2023-08-05", "talks",
      "Jeddah NSA meeting on the Peace Formula (~40 states incl. China; Russia not invited).",
      "S_jed1", "S_jed3", actors=["UA", "US", "EU", "CN"])
event("E_burgenstock", "2024-06-15", "summit",
      "Summit on Peace in Ukraine, Burgenstock: 92 states; communique on nuclear safety, "
      "food, prisoners and children.", "S_burg1", "S_burg2", actors=["UA", "US", "EU", "UK"])
claim("CL_istanbul_basis24", "2024-07-04", "RU",
      "Putin: the 2022 Istanbul drafts 'were not annulled' and can serve as a basis; no "
      "cease-fire that lets Ukraine rearm.", "S_put24_ist", about="RU", overture=True)

# ------------------------------------------------------------------------------- 2025
event("E_riyadh25", "2025-02-18", "talks",
      "US-Russia talks in Riyadh without Ukraine or Europe.", "S_riy1", "S_riy3",
      actors=["US", "RU"])
event("E_aid_pause", "2025-02-28", "aid",
      "After the Oval Office clash the US pauses military aid and intelligence sharing.",
      "S_feb28", by="US", against="UA", magnitude=0.8, cost=0.1)
claim("CL_jeddah_UA", "2025-03-11", "UA",
      "Jeddah: Ukraine ready for an immediate 30-day cease-fire if Russia reciprocates "
      "(conditional offer; Russia did not accept, so it never took effect).",
      "S_jed25_1", "S_call318_1", to=["US", "RU"], about="UA", overture=True)
commitment("C06_jeddah_US", "2025-03-11", "US",
           "Jeddah: the US lifts its pause on intelligence and security assistance.",
           "S_jed25_1", to=["UA"], domain="military", cost=0.2, deadline="2025-03-14",
           terms=[term("aid_deliveries", "increase", size=1.0)],
           assume="size: resumption to the pre-pause level; three-day deadline assumed")
observation("O_jeddah_US", "2025-03-12", "UA", "US", "US intelligence and aid resumed.",
            "S_jed25_1", "S_feb28", verification="independently_verified",
            refers_to=["C06_jeddah_US"], assessment="kept")
commitment("C07_energy_RU", "2025-03-18", "RU",
           "Trump-Putin call: 30-day halt of strikes on energy infrastructure.",
           "S_call318_1", "S_call318_4", to=["US", "UA"], cost=0.2, deadline="2025-04-17",
           terms=[term("strikes_on_energy", "cease")])
commitment("C07_energy_UA", "2025-03-18", "UA",
           "Ukraine joins the 30-day halt of strikes on energy infrastructure.",
           "S_call318_1", "S_en1", to=["US", "RU"], cost=0.2, deadline="2025-04-17",
           terms=[term("strikes_on_energy", "cease")],
           assume="Ukraine's adherence as reported in the mutual accusations")
event("E_swap_0319", "2025-03-19", "prisoner_exchange", "175-for-175 POWs plus 23 wounded.",
      "S_call318_3", actors=["RU", "UA"], cost=0.1, verification="independently_verified")
claim("CL_blacksea", "2025-03-25", "RU",
      "Riyadh Black Sea arrangement: effective only after sanctions on Rosselkhozbank and "
      "others are lifted (never entered into force).", "S_bs1", "S_bs2", "S_bs5",
      about="RU", to=["US", "UA"], overture=True,
      terms=[term("attacks_on_commercial_shipping", "cease")])
observation("O_energy_RU", "2025-04-18", "Reuters", "RU",
            "Moratorium expired amid mutual accusations; reports of Russian drone strikes "
            "hours after the call; Reuters could not verify.", "S_en4", "S_call318_4",
            verification="unverified", refers_to=["C07_energy_RU"], assessment="unverifiable")
observation("O_energy_UA", "2025-04-18", "RU", "UA",
            "Russia claims >120 (later ~130) Ukrainian strikes on Russian energy sites; "
            "unverified.", "S_en2", "S_en4", verification="single_source",
            indicator="strikes_on_energy", value=120, refers_to=["C07_energy_UA"],
            assessment="unverifiable")
commitment("C09_easter_RU", "2025-04-19", "RU",
           "Unilateral Easter truce, 18:00 19 Apr - 00:00 21 Apr 2025.", "S_ea3", to=["UA"],
           cost=0.1, deadline="2025-04-21", terms=[term("attacks", "cease")])
commitment("C09_easter_UA", "2025-04-19", "UA",
           "Ukraine mirrors the Easter truce and proposes 30 days.", "S_ea5", to=["RU"],
           cost=0.1, deadline="2025-04-21", terms=[term("attacks", "cease")])
event("E_swap_0419", "2025-04-19", "prisoner_exchange",
      "UAE-mediated swap: 277 Ukrainians / 246 Russians.", "S_ea7", "S_ex0419",
      actors=["RU", "UA"], cost=0.1)
observation("O_easter_RU", "2025-04-21", "UA", "RU",
            "Intensity fell, no air-raid alerts on 20 Apr; Ukraine reports ~3,000 Russian "
            "violations in 24 h.", "S_ea1", "S_ea5", verification="single_source",
            indicator="violations", value=3000, refers_to=["C09_easter_RU"],
            assessment="partly_kept")
observation("O_easter_UA", "2025-04-21", "RU", "UA",
            "Russia reports >1,300 (later ~4,900) Ukrainian violations.", "S_ea2", "S_ea6",
            verification="single_source", indicator="violations", value=1300,
            refers_to=["C09_easter_UA"], assessment="partly_kept")
commitment("C10_victory_RU", "2025-04-28", "RU",
           "Unilateral Victory Day truce, 8-10 May 2025 (Ukraine asks for 30 days instead).",
           "S_vd1", to=["UA"], cost=0.1, deadline="2025-05-10",
           terms=[term("attacks", "cease", start="2025-05-08")])
event("E_minerals", "2025-04-30", "agreement_signed",
      "US-Ukraine minerals agreement (Reconstruction Investment Fund); needs ratification.",
      "S_min1", "S_min2", actors=["US", "UA"])
event("E_swap_0506", "2025-05-06", "prisoner_exchange", "205-for-205 swap (UAE).",
      "S_ex0419", actors=["RU", "UA"], cost=0.1)
observation("O_victory_RU", "2025-05-09", "UA", "RU",
            "Guided bombs and drones continued; Ukraine claims 734 violations by midday; "
            "Russia says it only responded.", "S_vd2", "S_vd3", verification="single_source",
            indicator="violations", value=734, refers_to=["C10_victory_RU"],
            assessment="broken")
event("E_istanbul25_1", "2025-05-16", "talks",
      "Istanbul direct talks (Medinsky-Umerov, chaired by Fidan); no cease-fire.",
      "S_i1_1", "S_i1_2", actors=["RU", "UA", "TR", "US"])
for _by, _other in (("RU", "UA"), ("UA", "RU")):
    commitment(f"C11_swap1000_{_by}", "2025-05-16", _by,
               "Istanbul: 1,000-for-1,000 prisoner exchange.", "S_i1_1", to=[_other],
               domain="humanitarian", cost=0.2, deadline="2025-05-31",
               terms=[term("prisoners_released", "complete", size=1000)],
               assume="deadline: two weeks assumed")
    observation(f"O_swap1000_{_by}", "2025-05-25", f"{_other} and {_by} (both confirm)", _by,
                "1,000-for-1,000 completed in three stages (390, 307, 303).", "S_ex1", "S_ex2",
                "S_ex3", verification="independently_verified", indicator="prisoners_released",
                value=1000, refers_to=[f"C11_swap1000_{_by}"], assessment="kept")
event("E_swap_0523", "2025-05-23", "prisoner_exchange",
      "1,000-for-1,000 exchange begins (390 incl. 120 civilians), completed 25 May.",
      "S_ex1", "S_ex2", actors=["RU", "UA"], cost=0.2, verification="independently_verified",
      refers_to=["C11_swap1000_RU", "C11_swap1000_UA"])
event("E_istanbul25_2", "2025-06-02", "talks",
      "Istanbul round 2: memoranda exchanged; wounded/under-25 all-for-all and 6,000 bodies "
      "agreed; list of 339 children handed over.", "S_i2_1", "S_i2_3",
      actors=["RU", "UA", "TR"])
commitment("C11_bodies_RU", "2025-06-02", "RU",
           "Istanbul 2: all-for-all exchange of wounded/ill and 18-25-year-old POWs; "
           "6,000 bodies repatriated.", "S_i2_1", to=["UA"], domain="humanitarian", cost=0.2,
           deadline="2025-07-23", terms=[term("bodies_repatriated", "complete", size=6000)],
           assume="deadline: the next round")
observation("O_bodies_RU", "2025-07-23", "RU (claim)", "RU",
            "Russia says ~7,000 Ukrainian bodies returned in total; offers 3,000 more.",
            "S_i3_2", verification="single_source", indicator="bodies_repatriated",
            value=7000, refers_to=["C11_bodies_RU"], assessment="kept")
event("E_tribunal", "2025-06-25", "agreement_signed",
      "Ukraine and the Council of Europe sign the Special Tribunal agreement.", "S_trib1",
      by="UA", against="RU", magnitude=0.5)
event("E_istanbul25_3", "2025-07-23", "talks",
      "Istanbul round 3 (~40 min): 1,200-for-1,200 agreed; working groups proposed.",
      "S_i3_1", "S_i3_2", actors=["RU", "UA", "TR"])
for _by, _other in (("RU", "UA"), ("UA", "RU")):
    commitment(f"C11_swap1200_{_by}", "2025-07-23", _by,
               "Istanbul 3: 1,200-for-1,200 exchange incl. civilians.", "S_i3_1", to=[_other],
               domain="humanitarian", cost=0.2, deadline="2025-10-02",
               terms=[term("prisoners_released", "complete", size=1200)],
               assume="deadline: the last documented swap of the tranche")
    observation(f"O_swap1200_{_by}", "2025-10-02", "both sides", _by,
                "Swaps of 84 (14 Aug), 146 (24 Aug) and 185 (2 Oct); completion of 1,200 not "
                "confirmed.", "S_ex5", "S_ex6", "S_ex7", verification="independently_verified",
                indicator="prisoners_released", value=415,
                refers_to=[f"C11_swap1200_{_by}"], assessment="partly_kept")
event("E_anchorage", "2025-08-15", "summit",
      "Trump-Putin summit in Anchorage: no cease-fire; understandings never published.",
      "S_ak1", "S_ak5", actors=["US", "RU"])
event("E_whitehouse", "2025-08-18", "summit",
      "Trump, Zelensky and European leaders at the White House; security guarantees.",
      "S_wh1", "S_wh2", actors=["US", "UA", "EU", "UK"])
event("E_coalition", "2025-09-04", "summit",
      "Coalition of the Willing: 26 states pledge a post-cease-fire reassurance force.",
      "S_cw1", "S_cw3", actors=["EU", "UK", "UA"])
event("E_us_sanctions", "2025-10-22", "sanctions",
      "US sanctions Rosneft and Lukoil; Budapest summit cancelled; EU 19th package.",
      "S_sanc1", "S_sanc2", "S_sanc3", by="US", against="RU", magnitude=0.7, cost=0.1)

# -------------------------------------------------------------------------- late 2025-26
event("E_berlin", "2025-12-14", "talks",
      "Berlin: Zelensky ready to forgo the NATO bid for Article-5-like guarantees.",
      "S_ber1", "S_ber2", actors=["UA", "US", "EU"])
event("E_eu_loan", "2025-12-18", "aid",
      "EU agrees a EUR90bn loan for 2026-27; Russian assets stay immobilised.",
      "S_assets2", "S_assets3", by="EU", actors=["EU", "UA"], magnitude=0.7, cost=0.3)
event("E_maralago", "2025-12-28", "summit",
      "Trump-Zelensky at Mar-a-Lago: 15-year US guarantee offered; Donbas and ZNPP open.",
      "S_mal1", "S_mal2", actors=["US", "UA"])
claim("CL_residence", "2025-12-29", "RU",
      "Moscow alleges a Ukrainian drone attempt on a Putin residence; Kyiv denies.", "S_res",
      about="UA", to=["US"])
event("E_paris_decl", "2026-01-06", "agreement_signed",
      "Paris Declaration (35 states) and France-UK-Ukraine declaration on a multinational "
      "force after a cease-fire; the US did not sign.", "S_par1", "S_par4", "S_par5",
      actors=["EU", "UK", "UA"])
event("E_abudhabi1", "2026-01-23", "talks",
      "First US-Russia-Ukraine trilateral (Abu Dhabi); Russia demands the rest of Donetsk.",
      "S_ad1_1", "S_ad1_2", actors=["US", "RU", "UA"])
claim("CL_kyiv_pause", "2026-01-29", "US",
      "Trump says Putin agreed not to strike Kyiv and towns for a week in extreme cold; the "
      "Kremlin confirms only the request (outcome not documented).", "S_kp1", "S_kp2",
      about="RU", to=["UA"], overture=True,
      terms=[term("attacks", "cease", region="kyiv", deadline="2026-02-01")])
event("E_abudhabi2", "2026-02-04", "talks",
      "Abu Dhabi round 2: mil-to-mil dialogue; cease-fire monitoring discussed.", "S_ad2_1",
      "S_ad2_2", actors=["US", "RU", "UA"])
event("E_swap_0205", "2026-02-05", "prisoner_exchange", "157-for-157, first in five months.",
      "S_ad2_1", "S_ad2_2", actors=["RU", "UA", "US"], cost=0.1)
event("E_geneva26", "2026-02-17", "talks",
      "Geneva trilateral: progress on monitoring, none on territory or ZNPP.", "S_gva2",
      "S_gva4", actors=["US", "RU", "UA"])
event("E_eu20", "2026-02-23", "sanctions",
      "EU fails to adopt its 20th package; regime extended to Feb 2027.", "S_eu20_1",
      by="EU", against="RU", magnitude=0.3)
event("E_swap_0305", "2026-03-05", "prisoner_exchange", "500-for-500 (200 + 300), US/UAE.",
      "S_ex10", "S_ex11", actors=["RU", "UA", "US"], cost=0.1,
      verification="independently_verified")
commitment("C_easter26_RU", "2026-04-11", "RU",
           "Orthodox Easter cease-fire, 16:00 11 Apr - end of 12 Apr 2026 (outcome not "
           "documented).", "S_ea26_1", "S_ea26_2", to=["UA"], cost=0.1, deadline="2026-04-12",
           terms=[term("attacks", "cease")])
for _by, _other in (("RU", "UA"), ("UA", "RU")):
    commitment(f"C13_may26_{_by}", "2026-05-08", _by,
               "US-brokered suspension of all kinetic activity 9-11 May 2026 and a "
               "1,000-for-1,000 swap.", "S_may26_1", "S_may26_2", to=[_other, "US"],
               guarantors=["US"], cost=0.2, deadline="2026-05-31",
               terms=[term("attacks", "cease", start="2026-05-09", deadline="2026-05-11"),
                      term("prisoners_released", "complete", size=1000)],
               assume="deadline for the swap assumed (not stated)")
observation("O_may26_UA", "2026-05-10", "RU MoD", "UA",
            "Russia alleges >1,000 Ukrainian violations of the 3-day cease-fire.", "S_may26_3",
            verification="single_source", indicator="violations", value=1000,
            refers_to=["C13_may26_UA"], assessment="unverifiable")
observation("O_may26_RU", "2026-05-11", "UA", "RU",
            "Ukraine reports deaths from Russian strikes but does not formally allege a breach.",
            "S_may26_3", verification="single_source", refers_to=["C13_may26_RU"],
            assessment="partly_kept")
event("E_kyiv_strike", "2026-05-14", "offensive",
      "After the truce expires a Russian barrage on Kyiv kills at least 24.", "S_may26_4",
      by="RU", against="UA", magnitude=0.6, verification="independently_verified")
event("E_swap_0515", "2026-05-15", "prisoner_exchange",
      "205-for-205 swap, the only documented part of the announced 1,000-for-1,000.",
      "S_may26_4", actors=["RU", "UA", "US"], cost=0.1,
      refers_to=["C13_may26_RU", "C13_may26_UA"])
for _by in ("RU", "UA"):
    observation(f"O_may26_swap_{_by}", "2026-05-31", "media (AFP)", _by,
                "Only 205 of 1,000 prisoners exchanged by the end of May.", "S_may26_4",
                verification="independently_verified", indicator="prisoners_released",
                value=205, refers_to=[f"C13_may26_{_by}"], assessment="partly_kept",
                assume="no later swap found in the facts up to June 2026")
claim("CL_letter", "2026-06-04", "UA",
      "Zelensky's open letter: meet in a third country; full cease-fire during talks, "
      "overseen by the US; all-for-all exchange.", "S_jun26_2", "S_jun26_3", to=["RU"],
      about="UA", overture=True)
claim("CL_istanbul_basis26", "2026-06-23", "RU",
      "Putin offers to resume talks on the 2022 Istanbul framework; the same day says the "
      "West is 'openly talking about preparing for war'.", "S_jun26_6", "S_jun26_7",
      about="RU", to=["UA"], overture=True)
# fmt: on

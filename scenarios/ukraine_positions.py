"""Dated positions of the Russia–Ukraine reference scenarios (see ``ukraine_issues.py``).

Each row: actor, issue, date, ideal (0 = Ukrainian/Western end, 100 = Russian end), salience,
acceptable range (red lines) or None, a paraphrase, and sources and/or an assumption. A
snapshot keeps every row dated on or before its ``as_of``; the latest row per (actor, issue)
is the current position. Rows dated 2022-02-24 without sources are baseline assumptions
(the facts file records no statement on that issue before the snapshot).
Used by ``build_reference.py``; not a scenario file itself.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]
POSITIONS: list[Row] = []

LINE_FIGURES: dict[tuple[str, str, str], tuple[float, str]] = {}
"""(actor, issue, date) of a position whose value is a reading of the line of contact at its
date ("the current line", "freeze the front lines") -> (that reading, the date of the figure it
rests on). Every figure is dated at or before the position it describes (no look-ahead, issue 13,
branch dyn13; ``tests/scenarios/test_dyn13_line_figures.py``). The builder does not write it."""

WAR_START = "2022-02-24"


def p(
    actor: str,
    issue: str,
    date: str,
    ideal: float,
    salience: float,
    note: str,
    *sources: str,
    acc: tuple[float, float] | None = None,
    assume: str | None = None,
    at_front: bool = False,
    line: tuple[float, str] | None = None,
) -> None:
    """Add one dated position (``at_front``: its red line is the line of contact; ``line``: the
    reading of the line of contact the value rests on and the date of its figure, kept in
    :data:`LINE_FIGURES`)."""
    row: Row = {
        "actor": actor,
        "issue": issue,
        "date": date,
        "ideal": ideal,
        "salience": salience,
    }
    if acc is not None:
        row["acceptable"] = list(acc)
    if at_front:
        row["at_front"] = True
    row["note"] = note
    if sources:
        row["sources"] = list(sources)
    if assume:
        row["assumption"] = assume
    if not sources and not assume:
        raise ValueError(f"position {actor}/{issue}/{date} has neither sources nor assumption")
    POSITIONS.append(row)
    if line is not None:
        LINE_FIGURES[(actor, issue, date)] = line


# Readings of the line of contact known at a position's date (issue 13, branch dyn13): the value,
# the date of the figure, and where it comes from (cited in the positions' assumptions).
DONETSK_JAN25 = (66, "2025-01-31")
"""66 % of Donetsk in January 2025 (europesays.com/it/50188, with Luhansk 99 % and ~18 % of
Ukraine; a web estimate not in the facts dataset, which has no per-oblast figure before December
2025): the status quo of the May 2025 snapshot (``ukraine_issues.py``); ISW's data put Ukraine's
share below a third on 1 December 2024 (AFP, 2 December 2024), within its uncertainty. The
latest independent figure found before May 2025: Russia's General Staff claimed over 75 %
(Rudskoy, February 2025), a partisan claim, not used."""
_JAN25 = (
    "the line known at this date: 66% of Donetsk in Jan 2025 (europesays.com/it/50188, a web "
    "estimate; the facts have no per-oblast figure before Dec 2025; the May 2025 status quo), the "
    "latest independent per-oblast figure found before it (a Russian claim of over 75%, Rudskoy, "
    "Feb 2025, not used)"
)
DONETSK_AUG25 = (70, "2025-08-16")
"""About 70 % of Donetsk in mid-August 2025: Zelensky on 12 August, Russia wants Ukraine to leave
"the remaining 30 % of the Donetsk region that Kyiv still controls" (AP, millenniumpost.in,
15 August 2025), and the Financial Times on 16 August, "Russian forces control about 70 % of
Donetsk" (dnaindia.com, 17 August 2025). Web sources outside the facts dataset; the White House
map of 18 August (76 %, S_put5000) is dated after the position of 17 August."""
ZK_NOV22 = (75, "2022-11-16")
"""Zaporizhzhia–Kherson read at about three quarters after Kherson's right bank was retaken
(the November 2022 snapshot's status quo, carried forward to May 2025 in ``ukraine_issues.py``)."""
ZK_AUG25 = (73, "2025-08-18")
"""The White House map of 18 August 2025 (Zaporizhzhia 73 %, Kherson 73 %; S_put5000, which the
facts give only as an aggregator dated "2025": the map's date is general knowledge): the
November 2025 snapshot's status quo."""
DONETSK_AUG25_MAP = (76, "2025-08-18")
"""The White House map of 18 August 2025 (Donetsk 76 %; S_put5000, which the facts give only as
an aggregator dated "2025": the map's date is general knowledge): the November 2025 snapshot's
status quo, the latest per-oblast figure in the facts before the 20-point framework."""
_AUG25_MAP = "the line (76%: the White House map of 18 Aug 2025, S_put5000)"
DONETSK_ZONE = round((DONETSK_AUG25_MAP[0] + 100) / 2)
"""The 20-point framework's Donetsk zone (mutual withdrawal) counted half-way between the line
and full withdrawal: 88."""


def _baseline(actor: str, rationale: str, rows: dict[str, tuple[float, float]]) -> None:
    for issue, (ideal, sal) in rows.items():
        note = f"Baseline at the invasion: {rationale}"
        p(actor, issue, WAR_START, ideal, sal, note, assume=rationale)


# fmt: off
# ----------------------------------------------------------------------------- baselines
_baseline(
    "RU",
    "maximal aims of the invasion (neutral, 'demilitarised' Ukraine, annexed or 'independent' "
    "Donbas); no dated statement in the facts before Istanbul",
    {
        "crimea": (100, 0.10), "donetsk": (100, 0.12), "luhansk": (100, 0.12),
        "zaporizhzhia_kherson": (90, 0.06), "nato_neutrality": (100, 0.15),
        "security_guarantees": (90, 0.08), "army_size": (95, 0.10), "sanctions": (100, 0.07),
        "assets_reparations": (100, 0.03), "accountability": (100, 0.03),
        "prisoners": (10, 0.02), "children": (100, 0.01), "language_church": (100, 0.06),
        "elections": (60, 0.01), "ceasefire_sequencing": (90, 0.05),
    },
)
_baseline(
    "UA",
    "defence of sovereignty and 1991 borders, constitutional NATO course; no dated "
    "statement in the facts before Istanbul",
    {
        "crimea": (0, 0.08), "donetsk": (0, 0.12), "luhansk": (0, 0.10),
        "zaporizhzhia_kherson": (0, 0.12), "nato_neutrality": (10, 0.10),
        "security_guarantees": (10, 0.14), "army_size": (0, 0.08), "sanctions": (0, 0.05),
        "assets_reparations": (0, 0.03), "accountability": (0, 0.05),
        "prisoners": (0, 0.04), "children": (0, 0.03), "language_church": (5, 0.02),
        "elections": (0, 0.01), "ceasefire_sequencing": (0, 0.05),
    },
)
_baseline(
    "RU_MIL",
    "military and hard-liners: annex all four regions, disarm Ukraine, no freeze",
    {
        "crimea": (100, 0.10), "donetsk": (100, 0.15), "luhansk": (100, 0.12),
        "zaporizhzhia_kherson": (100, 0.12), "nato_neutrality": (100, 0.12),
        "security_guarantees": (100, 0.10), "army_size": (100, 0.12),
        "ceasefire_sequencing": (100, 0.10), "language_church": (100, 0.07),
    },
)
_baseline(
    "UA_MIL",
    "military command and veterans: no ceded land, no caps, no freeze that lets Russia regroup",
    {
        "crimea": (0, 0.08), "donetsk": (0, 0.16), "luhansk": (0, 0.12),
        "zaporizhzhia_kherson": (0, 0.16), "security_guarantees": (10, 0.14),
        "army_size": (0, 0.16), "ceasefire_sequencing": (20, 0.10),
        "nato_neutrality": (10, 0.08),
    },
)
_baseline(
    "US",
    "2022-24 US policy backed Ukraine's sovereignty, aid and sanctions (not in facts.yaml)",
    {
        "crimea": (20, 0.05), "donetsk": (10, 0.10), "luhansk": (10, 0.08),
        "zaporizhzhia_kherson": (10, 0.10), "nato_neutrality": (30, 0.10),
        "security_guarantees": (40, 0.15), "sanctions": (10, 0.15),
        "assets_reparations": (30, 0.07), "ceasefire_sequencing": (30, 0.10),
        "prisoners": (0, 0.03), "children": (0, 0.03), "accountability": (20, 0.05),
    },
)
_baseline(
    "EU",
    "European states backed Ukraine's sovereignty, sanctions and aid (not in facts.yaml)",
    {
        "crimea": (10, 0.06), "donetsk": (5, 0.10), "luhansk": (5, 0.08),
        "zaporizhzhia_kherson": (5, 0.10), "nato_neutrality": (35, 0.06),
        "security_guarantees": (35, 0.12), "sanctions": (10, 0.15),
        "assets_reparations": (30, 0.10), "accountability": (10, 0.08),
        "ceasefire_sequencing": (30, 0.08), "prisoners": (0, 0.04), "children": (0, 0.04),
    },
)
_baseline(
    "UK",
    "the UK backed Ukraine's sovereignty, sanctions and aid (not in facts.yaml)",
    {
        "crimea": (10, 0.08), "donetsk": (5, 0.12), "luhansk": (5, 0.10),
        "zaporizhzhia_kherson": (5, 0.12), "security_guarantees": (25, 0.18),
        "sanctions": (5, 0.15), "ceasefire_sequencing": (30, 0.10),
    },
)
_baseline(
    "TR",
    "mediator: hosts talks, wants a cease-fire and Black Sea navigation (not in facts.yaml)",
    {"ceasefire_sequencing": (20, 0.5), "prisoners": (10, 0.2), "crimea": (20, 0.3)},
)
_baseline(
    "CN",
    "China abstained, opposed sanctions and NATO expansion (not in facts.yaml before 2023)",
    {"ceasefire_sequencing": (40, 0.3), "sanctions": (90, 0.4), "nato_neutrality": (70, 0.3)},
)

# ------------------------------------------------------------------------------- Russia
p("RU", "crimea", "2022-03-29", 100, 0.10,
  "At Istanbul accepted deferring Crimea's status to 15 years of bilateral consultations "
  "(Ukrainian account; written as a deferral in the communique); a settlement of Crimea "
  "itself still had to recognise it as Russian.", "S_ist1", acc=(75, 100),
  assume="red line: Moscow's stated condition of early March 2022 that Kyiv recognise "
  "Crimea as Russian (general knowledge, not in facts.yaml); the deferral clause shows it "
  "accepted leaving the issue open, not a settlement without recognition")
p("RU", "donetsk", "2022-03-29", 100, 0.12,
  "Istanbul framework left occupied Donbas outside the guarantees (Ukrainian account).",
  "S_ist1", "S_ist2", acc=(50, 100), assume="range: Donbas status left open at Istanbul")
p("RU", "luhansk", "2022-03-29", 100, 0.12,
  "Istanbul framework left occupied Donbas outside the guarantees (Ukrainian account).",
  "S_ist1", "S_ist2", acc=(50, 100), assume="range: Donbas status left open at Istanbul")
p("RU", "nato_neutrality", "2022-03-29", 100, 0.18,
  "Neutral, non-aligned, non-nuclear Ukraine: Moscow's central demand, met by Kyiv's offer.",
  "S_ist1", "S_ist3", acc=(75, 100), assume="red line: at least a legal non-NATO status")
p("RU", "security_guarantees", "2022-03-29", 80, 0.08,
  "Negotiated a guarantee treaty with Russia among the guarantors.", "S_ist1", "S_ist2",
  acc=(30, 100),
  assume="range: Russia discussed Ukraine's Art.-5-like draft with itself as guarantor")
for _i in ("donetsk", "luhansk", "zaporizhzhia_kherson"):
    p("RU", _i, "2022-09-30", 100, 0.13,
      "Declared annexation of Donetsk, Luhansk, Zaporizhzhia and Kherson; treats them as "
      "constitutionally Russian.", "S_musk1", "S_wikimili", acc=(70, 100),
      assume="range: annexation law makes ceding held land unacceptable")
p("RU", "accountability", "2023-03-17", 100, 0.04,
  "Rejects ICC jurisdiction; calls the warrants legally void.", "S_icc")
for _i in ("donetsk", "luhansk", "zaporizhzhia_kherson"):
    p("RU", _i, "2024-06-14", 100, 0.13,
      "Ukraine must withdraw from the whole region within its administrative borders "
      "before a cease-fire; recognition in international treaties.",
      "S_put24_1", "S_put24_2", "S_put24_4", acc=(95, 100))
p("RU", "crimea", "2024-06-14", 100, 0.10,
  "Recognition of Crimea and Sevastopol as Russian in international treaties.",
  "S_put24_1", "S_put24_4", acc=(75, 100))
p("RU", "nato_neutrality", "2024-06-14", 100, 0.15,
  "Official renunciation of NATO membership; neutral, non-aligned, non-nuclear status.",
  "S_put24_1", "S_put24_4", acc=(75, 100))
p("RU", "sanctions", "2024-06-14", 100, 0.07, "Lifting of all Western sanctions.", "S_put24_4")
p("RU", "language_church", "2024-06-14", 95, 0.05, "Rights of Russian speakers.", "S_put24_4")
p("RU", "army_size", "2024-06-14", 95, 0.08, "'Demilitarisation and denazification'.",
  "S_put24_4")
p("RU", "ceasefire_sequencing", "2024-06-14", 80, 0.05,
  "Cease-fire and talks only after Ukrainian withdrawal and NATO renunciation.", "S_put24_2")
p("RU", "nato_neutrality", "2025-02-18", 100, 0.15,
  "A refusal to admit Ukraine is 'not enough'; NATO must disavow the 2008 Bucharest pledge.",
  "S_riy2", acc=(75, 100))
p("RU", "security_guarantees", "2025-03-18", 100, 0.10,
  "A full cease-fire requires a halt of foreign military aid and intelligence to Ukraine.",
  "S_call318_1", "S_call318_2", acc=(70, 100), assume="range: no Western troops, aid curbed")
p("RU", "ceasefire_sequencing", "2025-03-18", 90, 0.06,
  "No unconditional 30-day cease-fire; only an energy pause; monitoring, end of "
  "mobilisation and foreign aid first.", "S_call318_1", "S_call318_2", acc=(60, 100),
  assume="range: limited pauses only")
for _i, _v in (("crimea", 100), ("donetsk", 100), ("luhansk", 100), ("zaporizhzhia_kherson", 100)):
    p("RU", _i, "2025-06-02", _v, 0.12,
      "Memorandum: international legal recognition as Russian and full Ukrainian withdrawal.",
      "S_rmem1", "S_rmem2", acc=(95, 100) if _i != "crimea" else (75, 100))
p("RU", "nato_neutrality", "2025-06-02", 100, 0.14,
  "Memorandum: neutrality, termination of incompatible treaties, no third-state military "
  "activity, non-nuclear status.", "S_rmem1", "S_rmem3", acc=(75, 100))
p("RU", "army_size", "2025-06-02", 90, 0.08,
  "Memorandum: caps on the size and weapons of Ukraine's forces; dissolve 'nationalist "
  "formations'.", "S_rmem3", acc=(60, 100), assume="lower bound of the range assumed")
p("RU", "sanctions", "2025-06-02", 100, 0.07,
  "Memorandum: lift all sanctions and ban new ones.", "S_rmem2")
p("RU", "assets_reparations", "2025-06-02", 100, 0.04,
  "Memorandum: mutual renunciation of claims for war damage.", "S_rmem2", "S_rmem3")
p("RU", "accountability", "2025-06-02", 100, 0.04,
  "Memorandum package: mutual amnesty and release of detained civilians.", "S_rmem4")
p("RU", "prisoners", "2025-06-02", 10, 0.02,
  "Supports category-based all-for-all swaps (wounded, under-25) and body repatriation.",
  "S_i2_1")
p("RU", "children", "2025-06-02", 100, 0.01,
  "Medinsky denies abductions ('they only saved them'); agrees to review a list of 339.",
  "S_i2_2", "S_i2_3")
p("RU", "language_church", "2025-06-02", 100, 0.05,
  "Memorandum: Russian an official language; lift restrictions on the UOC.",
  "S_rmem1", "S_rmem2")
p("RU", "elections", "2025-06-02", 100, 0.04,
  "Memorandum: presidential and Rada elections within 100 days of lifting martial law, "
  "before the treaty.", "S_rmem1", "S_rmem4")
p("RU", "ceasefire_sequencing", "2025-07-23", 95, 0.06,
  "Medinsky: cease-fire only after 'fundamental agreements'; leaders meet only to sign.",
  "S_i3_3", "S_i3_4", acc=(60, 100), assume="range as in March 2025")
p("RU", "zaporizhzhia_kherson", "2025-08-15", 100, 0.10,
  "Reported Anchorage offer: freeze the front in Kherson/Zaporizhzhia if Ukraine leaves "
  "all of Donetsk.", "S_ak2", "S_ak3", acc=(70, 100),
  assume="reported, unpublished understanding; range admits the current line")
p("RU", "security_guarantees", "2025-08-20", 85, 0.10,
  "Guarantees by all P5 incl. Russia and China (Istanbul-2022 model); European/NATO troops "
  "'absolutely unacceptable'.", "S_ist9", "S_ist10", acc=(70, 100))
p("RU", "army_size", "2025-11-21", 90, 0.07,
  "Putin: the 28-point plan (600,000 cap) 'could form the basis' of a settlement.",
  "S_put1121", "S_put1121b", acc=(40, 100), assume="acceptance of the cap inferred")
p("RU", "sanctions", "2025-11-21", 100, 0.07,
  "Putin: the 28-point plan (phased relief) 'could form the basis' of a settlement.",
  "S_put1121", acc=(50, 100), assume="acceptance of phased relief inferred")
p("RU", "assets_reparations", "2025-12-12", 100, 0.05,
  "Kremlin calls using the frozen assets for a reparations loan a potential casus belli.",
  "S_assets3", acc=(50, 100), assume="range: no outright confiscation")
p("RU", "donetsk", "2025-12-29", 100, 0.14,
  "Peskov: Kyiv must withdraw from Donbas beyond the administrative boundaries.",
  "S_pes1229", "S_pes1229b", acc=(95, 100))
p("RU", "ceasefire_sequencing", "2025-12-29", 95, 0.06,
  "Ushakov: a temporary cease-fire would only prolong the conflict.", "S_pes1229",
  acc=(60, 100), assume="range as in March 2025")
p("RU", "donetsk", "2026-01-22", 100, 0.14,
  "Ushakov: no lasting settlement without the territory issue 'per the Anchorage formula'.",
  "S_ad1_2", "S_ad1_4", acc=(95, 100))
p("RU", "ceasefire_sequencing", "2026-06-23", 90, 0.06,
  "Putin offers to resume talks on the basis of the 2022 Istanbul framework; same day says "
  "the West prepares for war.", "S_jun26_6", "S_jun26_7", acc=(60, 100),
  assume="range unchanged: no sign of accepting a cease-fire first")

# ------------------------------------------------------------------------------ Ukraine
p("UA", "crimea", "2022-03-29", 0, 0.06,
  "Crimea's status to be negotiated bilaterally over 15 years; excluded from guarantees.",
  "S_ist1", "S_ist2", acc=(0, 50), assume="red line: no recognition of annexation")
p("UA", "donetsk", "2022-03-29", 0, 0.10,
  "Occupied Donbas left outside the proposed guarantees.", "S_ist1", "S_ist2", acc=(0, 60),
  assume="range: tolerated the de facto line during talks, not recognition")
p("UA", "nato_neutrality", "2022-03-29", 10, 0.08,
  "Offered permanent neutrality (no alliances, no foreign bases) for binding multilateral "
  "guarantees; EU accession not excluded.", "S_ist1", "S_ist3", acc=(0, 85))
p("UA", "security_guarantees", "2022-03-29", 20, 0.18,
  "Legally binding, ratified guarantee treaty modelled on Art. 5 (P5 plus Turkey, Germany, "
  "Canada, Poland, Israel): the lesson of the Budapest Memorandum.", "S_ist1", acc=(0, 45),
  assume="upper bound: Kyiv later objected to a Russian veto as guarantor")
p("UA", "nato_neutrality", "2022-09-30", 0, 0.09,
  "Applies for accelerated NATO membership after the annexation declaration; the 2022 "
  "neutrality offer lapsed with the Istanbul talks.", acc=(0, 25),
  assume="Ukraine's NATO application of 30 Sep 2022 is general knowledge, not in facts.yaml; "
  "red line read at the scale's anchor 25 (membership pursued, not offered): an application "
  "pursues membership, so forgoing the bid (50) is beyond it (was read as 50, above the "
  "milder 2025 memorandum, E0414)")
for _i in ("crimea", "donetsk", "luhansk", "zaporizhzhia_kherson"):
    p("UA", _i, "2022-11-15", 0, 0.12 if _i != "crimea" else 0.08,
      "Peace Formula: restore territorial integrity to 1991 borders incl. Crimea; full Russian "
      "withdrawal; 'no Minsk-3'.", "S_pf1", "S_pf3",
      acc=(0, 50) if _i == "crimea" else (0, 30),
      assume="bound on the range: 'no Minsk-3' read as rejecting a freeze at the line")
p("UA", "accountability", "2022-11-15", 0, 0.06,
  "Peace Formula point 7: justice, a special tribunal.", "S_pf1")
p("UA", "prisoners", "2022-11-15", 0, 0.04,
  "Peace Formula point 4: release of all prisoners and deportees (all-for-all).", "S_pf1")
p("UA", "children", "2022-11-15", 0, 0.03,
  "Peace Formula point 4: return of deported children.", "S_pf1")
p("UA", "ceasefire_sequencing", "2022-11-15", 10, 0.05,
  "Peace Formula: withdrawal of Russian troops and cessation of hostilities, then a treaty.",
  "S_pf1")
p("UA", "language_church", "2024-08-24", 0, 0.03,
  "Law banning religious organisations affiliated with the Russian Orthodox Church.",
  "S_uoc", "S_uoc2", acc=(0, 50), assume="range: EU minority standards tolerable")
p("UA", "ceasefire_sequencing", "2025-03-11", 0, 0.07,
  "Accepts an immediate, extendable 30-day cease-fire if Russia does the same.",
  "S_jed25_1", acc=(0, 55), assume="range: cease-fire at signing also acceptable")
for _i, _line, _why in (
    ("donetsk", DONETSK_JAN25, f"; {_JAN25}"),
    ("luhansk", None, ""),
    ("zaporizhzhia_kherson", ZK_NOV22, "; the line read in Nov 2022, carried forward"),
):
    p("UA", _i, "2025-03-11", 0, 0.11,
      "Accepts an immediate cease-fire on the current line (Jeddah); no recognition.",
      "S_jed25_1", acc=(0, _line[0] if _line else 100), at_front=True, line=_line,
      assume=f"a cease-fire on the line implies the line as the temporary limit{_why}")
p("UA", "crimea", "2025-04-22", 0, 0.07,
  "Recognising Crimea as Russian is 'outside our Constitution... This will not happen.'",
  "S_lon2", acc=(0, 50))
p("UA", "donetsk", "2025-06-01", 0, 0.12,
  "Memorandum: no recognition of gains since 2014; the line of contact as the starting "
  "point; territory only after a full cease-fire.", "S_umem1", "S_umem2", at_front=True,
  acc=(0, DONETSK_JAN25[0]), line=DONETSK_JAN25,
  assume=f"range: the current line is the limit; {_JAN25}")
p("UA", "luhansk", "2025-06-01", 0, 0.08, "Memorandum: the line of contact as the starting point.",
  "S_umem1", at_front=True, acc=(0, 100),
  assume="Luhansk is almost wholly occupied; the line is accepted")
p("UA", "zaporizhzhia_kherson", "2025-06-01", 0, 0.11,
  "Memorandum: the line of contact as the starting point.", "S_umem1", at_front=True,
  acc=(0, ZK_NOV22[0]), line=ZK_NOV22,
  assume="range: the current line is the limit (read in Nov 2022, carried forward)")
p("UA", "nato_neutrality", "2025-06-01", 10, 0.07,
  "Memorandum: no obligation of neutrality; NATO subject to Alliance consensus.",
  "S_umem1", acc=(0, 25),
  assume="red line at the scale's anchor 25, whose words the memorandum uses (membership "
  "pursued, subject to Alliance consensus; free choice of the Euro-Atlantic path, E0414): "
  "forgoing the bid (50) is first offered in Berlin, Dec 2025 (E0429); was read as 40")
p("UA", "security_guarantees", "2025-06-01", 10, 0.15,
  "Memorandum: robust guarantees with international participation; no limits on friendly "
  "foreign troops.", "S_umem1", acc=(0, 45))
p("UA", "army_size", "2025-06-01", 0, 0.08, "Memorandum: no limits on Ukraine's forces.",
  "S_umem1", acc=(0, 10))
p("UA", "sanctions", "2025-06-01", 10, 0.04,
  "Memorandum: some sanctions may be lifted gradually, with snapback.",
  "S_umem1", "S_umem2", acc=(0, 50))
p("UA", "children", "2025-06-02", 0, 0.03,
  "Unconditional return of all deported children; list of 339 names handed over.",
  "S_umem1", "S_i2_3")
p("UA", "accountability", "2025-06-25", 0, 0.05,
  "Special Tribunal for the Crime of Aggression signed; 'every Russian war criminal faces "
  "justice, including Putin'.", "S_trib1", "S_pf2")
p("UA", "donetsk", "2025-08-17", 0, 0.13,
  "Rejects withdrawing from Donetsk (Sloviansk-Kramatorsk belt); constitution bars ceding land.",
  "S_ak2", "S_ak4", at_front=True, acc=(0, DONETSK_AUG25[0]), line=DONETSK_AUG25,
  assume="range: the current line as known at this date, about 70% of Donetsk: Zelensky, 12 Aug "
  "2025, Russia wants Ukraine to leave 'the remaining 30%' it controls (AP via "
  "millenniumpost.in, 15 Aug 2025); Financial Times, 16 Aug 2025, 'Russian forces control about "
  "70% of Donetsk' (via dnaindia.com, 17 Aug 2025); not in the facts (the White House map, "
  "76%, is of 18 Aug)")
p("UA", "elections", "2025-12-09", 10, 0.03,
  "No vote under martial law; ready for elections within 60-90 days if partners secure it "
  "and a cease-fire covers voting.", "S_el1", "S_el2", acc=(0, 55))
p("UA", "nato_neutrality", "2025-12-14", 10, 0.05,
  "Ready to forgo the NATO bid for legally binding Art.-5-like guarantees ('a compromise').",
  "S_ber1", "S_ber2", acc=(0, 50))
p("UA", "security_guarantees", "2025-12-14", 15, 0.16,
  "Bilateral US Art.-5-like guarantees plus European, Canadian, Japanese ones; legally binding.",
  "S_ber1", "S_ber2", acc=(0, 35))
p("UA", "assets_reparations", "2025-12-18", 0, 0.04,
  "Urged the EU to use the frozen assets; welcomed their indefinite immobilisation.",
  "S_assets2", "S_assets3")
p("UA", "donetsk", "2025-12-23", 0, 0.13,
  "20-point framework: freeze at the line; in Donetsk a demilitarised / free economic zone "
  "only with mutual withdrawal, international presence and a referendum.",
  "S_20_2", "S_20_3", "S_20_4", acc=(0, DONETSK_ZONE), line=DONETSK_AUG25_MAP,
  assume=f"a mutual-withdrawal zone counted half-way between {_AUG25_MAP} and full withdrawal")
p("UA", "army_size", "2025-12-23", 0, 0.07, "Accepts an 800,000 peacetime force.",
  "S_20_1", "S_20_4", acc=(0, 20))
p("UA", "security_guarantees", "2026-01-06", 20, 0.16,
  "Signed the Paris declarations on a post-cease-fire multinational force.",
  "S_par1", "S_par4", acc=(0, 35))
p("UA", "donetsk", "2026-03-05", 0, 0.13,
  "'Why should we leave our own land that we control?' - rejects ceding the rest of Donetsk.",
  "S_iran2", acc=(0, 88), assume="range kept from the 20-point zone option")
p("UA", "ceasefire_sequencing", "2026-06-04", 0, 0.07,
  "Open letter: ready for a full cease-fire during negotiations, overseen by the US; "
  "leaders' meeting in a third country.", "S_jun26_2", "S_jun26_3", acc=(0, 55))

# ----------------------------------------------------------------------- United States
p("US", "ceasefire_sequencing", "2025-03-11", 0, 0.15,
  "Proposed an immediate 30-day interim cease-fire; 'the ball is in Russia's court'.",
  "S_jed25_1", "S_jed25_2")
p("US", "crimea", "2025-04-22", 80, 0.05,
  "(Reported) proposal to recognise Crimea formally as Russian.", "S_lon1")
p("US", "donetsk", "2025-04-22", DONETSK_JAN25[0], 0.08,
  "(Reported) proposal to freeze the front lines.", "S_lon1", line=DONETSK_JAN25,
  assume=f"freeze = {_JAN25}")
p("US", "zaporizhzhia_kherson", "2025-04-22", ZK_NOV22[0], 0.08,
  "(Reported) proposal to freeze the front lines.", "S_lon1", line=ZK_NOV22,
  assume="freeze = the line, read in Nov 2022 and carried forward (no later per-oblast "
  "figure known at this date)")
p("US", "ceasefire_sequencing", "2025-08-16", 50, 0.12,
  "After Alaska: go 'directly to a Peace Agreement... not a mere Ceasefire Agreement'.",
  "S_ak2")
p("US", "nato_neutrality", "2025-08-18", 75, 0.08,
  "Trump (as reported): Ukraine's NATO entry impossible.", "S_nato_tr")
p("US", "security_guarantees", "2025-08-18", 40, 0.12,
  "US will 'help' the Europeans, the 'first line of defence'; no US ground troops.",
  "S_wh1", "S_eutoday")
p("US", "sanctions", "2025-10-22", 5, 0.12,
  "Sanctions Rosneft and Lukoil citing Putin's refusal to end the war.", "S_sanc1", "S_sanc2")
for _i, _v, _note in (
    ("crimea", 75, "Crimea de facto Russian, incl. by the US"),
    ("donetsk", 100, "Ukraine leaves the part it holds; a DMZ recognised as Russian"),
    ("luhansk", 100, "de facto Russian, incl. by the US"),
    ("zaporizhzhia_kherson", 73, "frozen on the line of contact"),
    ("nato_neutrality", 80, "non-NATO status in Ukraine's constitution and NATO's statutes"),
    ("security_guarantees", 40, "'reliable' US guarantees, no NATO troops in Ukraine"),
    ("army_size", 40, "Ukrainian forces capped at 600,000"),
    ("sanctions", 50, "phased relief, G8 return, snapback if Russia re-invades"),
    ("assets_reparations", 55, "$100bn to US-led reconstruction, rest to a US-Russia vehicle"),
    ("accountability", 95, "(reported) amnesty for all parties; wording not captured"),
    ("prisoners", 0, "all-for-all exchange; return of civilians"),
    ("children", 10, "return of civilians and children"),
    ("language_church", 50, "EU rules on religious tolerance and linguistic minorities"),
    ("elections", 60, "(reported) elections within 100 days; wording not captured"),
):
    p("US", _i, "2025-11-20", _v, 0.08, f"28-point draft: {_note}.", "S_28_1", "S_28_2", "S_28_4",
      line=ZK_AUG25 if _i == "zaporizhzhia_kherson" else None)
p("US", "ceasefire_sequencing", "2025-11-20", 50, 0.10,
  "28-point draft: immediate cease-fire on signing.", "S_28_10", "S_28_1")
p("US", "elections", "2025-12-09", 50, 0.06, "Trump: 'time' for Ukraine to hold elections.",
  "S_el1")
p("US", "donetsk", "2025-12-23", DONETSK_ZONE, 0.08,
  "Proposes a 'free economic zone' in Ukrainian-held Donbas.", "S_20_3", line=DONETSK_AUG25_MAP,
  assume=f"zone counted half-way between {_AUG25_MAP} and full withdrawal")
p("US", "army_size", "2025-12-23", 20, 0.06, "Accepts 800,000 in the 20-point framework.", "S_20_1")
p("US", "security_guarantees", "2025-12-28", 30, 0.12,
  "Offers a 15-year guarantee to be voted by Congress; leads cease-fire monitoring.",
  "S_mal1", "S_ber1", "S_par5")
p("US", "ceasefire_sequencing", "2026-05-08", 30, 0.12,
  "Brokers a 3-day cease-fire (9-11 May) plus swaps as a step to a settlement.", "S_may26_1")

# --------------------------------------------------------------------- Europe, UK, TR, CN
p("EU", "prisoners", "2024-06-16", 0, 0.07,
  "Burgenstock: all POWs released by complete exchange; detained civilians and deported "
  "children returned.", "S_burg1")
p("EU", "accountability", "2025-06-25", 0, 0.08,
  "Backs the Special Tribunal and the register of damage.", "S_trib1", "S_trib3")
p("EU", "army_size", "2025-08-18", 0, 0.08, "No limits on Ukraine's armed forces.", "S_wh3")
p("EU", "nato_neutrality", "2025-08-20", 50, 0.05,
  "Macron: guarantees without NATO membership, a strong Ukrainian army backed by the coalition.",
  "S_macron")
p("EU", "security_guarantees", "2025-09-04", 20, 0.14,
  "Coalition of the Willing: 26 states pledge a reassurance force after a cease-fire.",
  "S_cw1", "S_cw3")
p("EU", "crimea", "2025-11-24", 50, 0.06,
  "European counter-proposal: no recognition of Russian control.", "S_eucp2", "S_eucp",
  acc=(0, 50))
p("EU", "ceasefire_sequencing", "2025-11-24", 0, 0.10,
  "Full unconditional cease-fire first, with US-led monitoring.", "S_eucp2", "S_eucp")
p("EU", "assets_reparations", "2025-12-18", 25, 0.10,
  "~EUR210bn immobilised until Russia pays reparations; EUR90bn loan instead of a "
  "reparations loan.", "S_assets2", "S_assets3")
p("EU", "army_size", "2026-01-06", 20, 0.08,
  "Paris Declaration: an 800,000-strong Ukrainian army sustained by partners.", "S_par2")
p("EU", "security_guarantees", "2026-01-06", 20, 0.14,
  "Paris Declaration: multinational force after a cease-fire, binding support commitments.",
  "S_par2", "S_par3")
p("EU", "sanctions", "2026-02-23", 5, 0.15,
  "Sanctions regime extended to Feb 2027; 20th package stalled.", "S_eu20_1", "S_eu20_2")
p("UK", "ceasefire_sequencing", "2025-03-15", 0, 0.10,
  "Starmer: Russia's 'yes, but' to the 30-day cease-fire 'not good enough'.", "S_uk1")
p("UK", "security_guarantees", "2026-01-06", 20, 0.18,
  "UK and France to set up military hubs in Ukraine after a cease-fire.", "S_par2", "S_uk2")
p("TR", "crimea", "2023-08-23", 5, 0.3,
  "Erdogan: 'Crimea is a part of Ukraine'; never recognised the annexation.", "S_tr1")
p("TR", "prisoners", "2023-08-23", 10, 0.2,
  "Calls for release of jailed Crimean Tatar leaders.", "S_tr1")
p("TR", "ceasefire_sequencing", "2025-07-23", 20, 0.5,
  "Host of the Istanbul talks; a cease-fire as the goal; offers a leaders' summit.",
  "S_i3_1", "S_tr3")
p("CN", "ceasefire_sequencing", "2023-02-24", 30, 0.3,
  "12 points: cease hostilities, resume peace talks (no call for withdrawal).", "S_cn1", "S_cn2")
p("CN", "nato_neutrality", "2023-02-24", 65, 0.3,
  "Abandon 'Cold War mentality'; no bloc expansion at others' expense.", "S_cn1")
p("CN", "sanctions", "2023-02-24", 90, 0.3, "Stop unilateral sanctions.", "S_cn2")
p("CN", "prisoners", "2023-02-24", 30, 0.1,
  "Protect civilians and POWs; support prisoner exchanges.", "S_cn1", "S_cn2")
p("CN", "ceasefire_sequencing", "2024-05-23", 30, 0.3,
  "Six-point consensus with Brazil: de-escalation, conference with both sides.",
  "S_cn3", "S_cn4")
# fmt: on

# fmt: off
# ------------------------------------------------ partial-agreement issues (issue 12)
_baseline(
    "RU",
    "partial-agreement issues, no dated Russian statement in the facts before July 2022 "
    "(Black Sea) or December 2025 (the plant): the ideal is the state Russia's own conduct "
    "created and kept at the invasion (its fleet blockading Ukraine's ports; the plant seized "
    "on 4 March 2022 and held with no international presence); no hindsight from the later "
    "Grain Initiative or the IAEA mission (issue 13)",
    {"black_sea": (100, 0.03), "znpp": (90, 0.02)},
)
_baseline(
    "RU",
    "partial-agreement issues: strikes on the grid from the first days of the invasion; a "
    "preference for more than the status quo (70 vs 60) is a judgement",
    {"energy_strikes": (70, 0.03)},
)
_baseline(
    "UA",
    "partial-agreement issues: exports, the grid and the nuclear plant matter to Ukraine",
    {"black_sea": (0, 0.06), "energy_strikes": (0, 0.05), "znpp": (0, 0.03)},
)
p("RU", "black_sea", "2022-07-22", 50, 0.03,
  "Signs the Black Sea Grain Initiative: a food corridor from three ports with inspections "
  "in Turkey, with a parallel UN memorandum on Russian food and fertiliser exports.",
  "S_grain1", "S_grain2", acc=(50, 100),
  assume="red line: inspections of ships bound for Ukraine (the corridor's terms)")
p("UA", "black_sea", "2022-07-22", 0, 0.06,
  "Signs the Grain Initiative with Turkey and the UN.", "S_grain1", "S_grain2")
p("RU", "black_sea", "2023-07-17", 80, 0.03,
  "Ends participation: 'the part concerning Russia has not been implemented'; withdraws "
  "guarantees for navigation in the north-west Black Sea.", "S_grain1", "S_grain3",
  assume="ideal moved towards the blockade end (value judgement)")
p("RU", "energy_strikes", "2025-03-18", 20, 0.04,
  "Agrees a 30-day mutual halt of strikes on energy infrastructure and offers an energy "
  "pause instead of a full cease-fire.", "S_call318_1", "S_call318_2",
  assume="ideal: a pause without monitoring (near the 30 anchor)")
p("UA", "energy_strikes", "2025-03-18", 0, 0.05,
  "Joins the 30-day halt; later proposes a moratorium on strikes on civilian infrastructure.",
  "S_call318_4", "S_ea1")
p("RU", "znpp", "2025-12-23", 90, 0.02,
  "Wants to retain control of the plant (Reuters account of the talks).", "S_20_3")
p("UA", "znpp", "2025-12-23", 0, 0.03,
  "The plant must stay under Ukrainian administration; rejects joint policing with Russia.",
  "S_20_5", "S_20_6")
p("EU", "znpp", "2024-06-16", 0, 0.04,
  "Burgenstock: the plant under Ukraine's full sovereign control and IAEA supervision.",
  "S_burg4", "S_burg1")
p("EU", "black_sea", "2024-06-16", 0, 0.05,
  "Burgenstock: no attacks on merchant ships and ports.", "S_burg1")
p("EU", "children", "2025-11-24", 0, 0.05,
  "European counter-proposal: unconditional return of all deported children.",
  "S_eucp2", "S_burg1")
# fmt: on


# Public commitments in law (``public_commitments``): every legal act by a belligerent on one
# of the issues that the facts record (events of type ``legal``), at the point of the issue's
# scale that the act writes into law. A snapshot keeps the acts dated on or before its as_of.
# The simulation pulls a stated red line short of such a commitment toward it as the costs of
# fighting mount (docs/explanation/simulation-model.md, "Red lines that move").
_ANNEX = (
    "Russia declares the annexation of Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts "
    "(facts E0106); treats them as constitutionally Russian within their administrative borders"
)
PUBLIC_COMMITMENTS: list[Row] = [
    *(
        {
            "actor": "RU",
            "issue": issue,
            "level": 100,
            "date": "2022-09-30",
            "act": _ANNEX,
            "sources": ["S_musk1", "S_wikimili"],
            "assumption": "level 100: the annexation law claims the whole oblasts (the scale's "
            "administrative-borders anchor)",
        }
        for issue in ("donetsk", "luhansk", "zaporizhzhia_kherson")
    ),
    {
        "actor": "UA",
        "issue": "language_church",
        "level": 3,
        "date": "2024-08-24",
        "act": "Law No. 3894-IX bans religious organisations affiliated with the Russian "
        "Orthodox Church (facts E0305)",
        "sources": ["S_uoc", "S_uoc2"],
        "assumption": "level 3: the status quo the law writes in (the issue's status quo after it)",
    },
    {
        "actor": "UA",
        "issue": "accountability",
        "level": 0,
        "date": "2025-06-25",
        "act": "Agreement with the Council of Europe establishing the Special Tribunal for the "
        "Crime of Aggression against Ukraine (facts E0415)",
        "sources": ["S_trib1", "S_trib3"],
        "assumption": "level 0: the scale's special-tribunal anchor",
    },
]


# Public commitments that name a ratification (``ratification``): Ukraine's Constitution puts a
# change of its territory to an all-Ukrainian referendum. The facts attest the clause from 2025
# only (E0408: recognising Crimea "is outside our Constitution", S_lon2; the 2025-08-17 position:
# the constitution bars ceding territory, S_ak2, S_ak4; E0431: a Donetsk zone "subject to a
# referendum", S_20_2); the date is the Constitution's adoption (28 June 1996, not in the
# facts). The builder writes one commitment per territorial issue into every snapshot, at that
# snapshot's status quo (the line of contact: a settlement past it hands over territory Ukraine
# holds; on Crimea, 50: past it the annexation is recognised), citing only the sources published
# by its as_of, and the acceptance shares measured and published by then (the facts' indicator
# ``public_opinion_ukraine_kiis``; share = accept / (accept + reject), those with a view). The
# simulation crosses Ukraine's line past that level only for a package the shares put inside the
# win-set (above 1/2) (docs/explanation/simulation-model.md, "Red lines that move").
CONSTITUTION_ISSUES = ("crimea", "donetsk", "luhansk", "zaporizhzhia_kherson")
CONSTITUTION: Row = {
    "actor": "UA",
    "date": "1996-06-28",
    "act": "Constitution of Ukraine: the territory is changed only by an all-Ukrainian "
    "referendum (Zelensky: recognising Crimea 'is outside our Constitution', facts E0408; "
    "ceding territory barred, 2025-08-17; a Donetsk zone put to a referendum, E0431)",
    "ratification": "all-Ukrainian referendum",
    "sources": ["S_lon2", "S_ak2", "S_ak4", "S_20_2"],
    "assumption": "date: the Constitution's adoption, 28 June 1996 (not in the facts, which "
    "attest the clause from 2025); level: the snapshot's status quo (the line of contact; "
    "Crimea 50, no recognition): a settlement past it cedes territory Ukraine holds or "
    "recognises the annexation",
}


def _share(date: str, accept: float, reject: float | None, note: str, *src: str) -> Row:
    row: Row = {"date": date, "accept": accept}
    if reject is not None:
        row["reject"] = reject
    return row | {"note": note, "sources": list(src)}


# KIIS, facts ``public_opinion_ukraine_kiis``: the generic question (ready for territorial
# concessions) until the framing experiment of May-June 2025, then the framing that matches the
# crossing (handing over areas Ukraine holds; official recognition). Dated at the end of the
# fieldwork (the month's end where the facts give only the month).
_GENERIC = [
    _share("2023-05-31", 0.10, None, "KIIS May 2023: 10% ready for territorial concessions",
           "S_kiis10"),
    _share("2023-12-31", 0.19, None, "KIIS end-2023: 19% ready for territorial concessions",
           "S_kiis10"),
    _share("2024-02-29", 0.26, None, "KIIS Feb 2024: 26% ready for territorial concessions",
           "S_kiis10"),
    _share("2024-05-31", 0.32, 0.55, "KIIS May 2024: 32% ready for territorial concessions, "
           "55% against any", "S_kiis1", "S_kiis10"),
    _share("2024-12-31", 0.38, 0.51, "KIIS Dec 2024: 38% ready, 51% against", "S_kiis2"),
    _share("2025-03-04", 0.39, 0.50, "KIIS 14 Feb-4 Mar 2025: 39% ready, 50% against, 11% "
           "undecided", "S_kiis2"),
]  # fmt: skip
ACCEPTANCE: dict[str, list[Row]] = {
    "control": [
        *_GENERIC,
        _share("2025-06-03", 0.15, 0.78, "KIIS 15 May-3 Jun 2025, framing experiment: handing "
               "over areas Ukraine controls 15% accept, 78% reject", "S_kiis3", "S_kiis4"),
        _share("2025-12-29", 0.17, 0.75, "KIIS Nov-Dec 2025: the 'Russian plan' (withdrawal "
               "from Donbas, army caps, no guarantees) 17% accept, 75% reject", "S_kiis5",
               "S_kiis6", "S_kiis7"),
    ],
    "crimea": [
        *_GENERIC,
        _share("2025-06-03", 0.24, 0.68, "KIIS 15 May-3 Jun 2025, framing experiment: official "
               "recognition of occupied territory as Russian 24% accept, 68% reject", "S_kiis3",
               "S_kiis4"),
        _share("2025-12-29", 0.33, 0.53, "KIIS 26 Nov-29 Dec 2025: 33% open to some "
               "territorial losses, 53% categorically against", "S_kiis5"),
    ],
}  # fmt: skip

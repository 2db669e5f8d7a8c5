"""Issues of the Russia–Ukraine reference scenarios and their status quo at each snapshot.

Orientation of every scale: 0 = the end Ukraine and its Western backers prefer, 100 = the end
Russia prefers, so that ideal points of different actors are comparable across issues.
Territorial issues measure the share (%) of the region(s) under Russian control after a
settlement; recognition is carried by the ``crimea`` issue only (Crimea's control never changed).
Used by ``build_reference.py``; not a scenario file itself.
"""

from __future__ import annotations

from typing import Any

Traced = dict[str, Any]

ISSUES: list[Traced] = [
    {
        "id": "crimea",
        "category": "territorial",
        "name": "Crimea (and Sevastopol)",
        "description": "Control and legal status of Crimea, annexed by Russia in 2014.",
        "contested": True,
        "front": {
            "moves": False,
            "assumption": "the scale measures recognition (anchors 50-100); Crimea's control "
            "did not change during the war, so the line of contact does not move it",
        },
        "anchors": [
            (0, "returned to Ukrainian control and sovereignty"),
            (25, "phased return to Ukraine agreed, with interim arrangements"),
            (50, "Russian control; annexation recognised by nobody (status quo)"),
            (75, "Russian control recognised de facto by third states (incl. the US)"),
            (100, "Russian sovereignty recognised de jure by Ukraine and internationally"),
        ],
    },
    {
        "id": "donetsk",
        "category": "territorial",
        "name": "Donetsk oblast",
        "description": "Share (%) of Donetsk oblast under Russian control after a settlement.",
        "contested": True,
        "anchors": [
            (0, "entire oblast under Ukrainian control (1991 borders)"),
            (50, "half the oblast under Russian control"),
            (100, "entire oblast Russian within its administrative borders (June 2024 demand)"),
        ],
    },
    {
        "id": "luhansk",
        "category": "territorial",
        "name": "Luhansk oblast",
        "description": "Share (%) of Luhansk oblast under Russian control after a settlement.",
        "contested": True,
        "anchors": [
            (0, "entire oblast under Ukrainian control (1991 borders)"),
            (50, "half the oblast under Russian control"),
            (100, "entire oblast Russian within its administrative borders"),
        ],
    },
    {
        "id": "zaporizhzhia_kherson",
        "category": "territorial",
        "name": "Zaporizhzhia and Kherson oblasts",
        "description": (
            "Area-weighted share (%) of the two oblasts under Russian control after a "
            "settlement (Zaporizhzhia 27,183 km², Kherson 28,461 km²)."
        ),
        "contested": True,
        "anchors": [
            (0, "both oblasts under Ukrainian control"),
            (50, "half the combined area under Russian control"),
            (100, "both oblasts Russian within administrative borders (June 2024 demand)"),
        ],
    },
    {
        "id": "nato_neutrality",
        "category": "security",
        "name": "NATO membership / neutrality",
        "description": "Ukraine's alignment: NATO path, neutrality, limits on alliances.",
        "anchors": [
            (0, "Ukraine joins NATO"),
            (25, "open door: membership pursued, not offered (no Alliance consensus)"),
            (50, "Ukraine forgoes its NATO bid de facto; no legal bar; EU path open"),
            (75, "non-NATO status in Ukraine's constitution and NATO's statutes (28-point plan)"),
            (100, "permanent neutrality, no third-state military activity, treaties terminated"),
        ],
    },
    {
        "id": "security_guarantees",
        "category": "security",
        "name": "Security guarantees and foreign troops",
        "description": "What protects Ukraine after a deal: guarantees, foreign forces, aid.",
        "anchors": [
            (0, "collective defence umbrella with allied forces stationed in Ukraine"),
            (
                25,
                "legally binding Article-5-like guarantees plus a post-ceasefire reassurance force",
            ),
            (50, "Western aid, training and intelligence continue; no binding guarantee"),
            (75, "multilateral guarantees with Russia among guarantors; no Western troops"),
            (100, "no guarantees; end of all foreign military aid, intelligence and presence"),
        ],
    },
    {
        "id": "army_size",
        "category": "military",
        "name": "Limits on Ukraine's armed forces",
        "description": (
            "Ceiling on Ukraine's forces; for a troop ceiling the value is about "
            "100 × (1 − ceiling / 1,000,000)."
        ),
        "anchors": [
            (0, "no limits on size, weapons or deployment"),
            (20, "peacetime ceiling of 800,000 (20-point framework, Paris Declaration)"),
            (40, "ceiling of 600,000 (28-point plan)"),
            (100, "demilitarisation: token force, capped weapon types"),
        ],
    },
    {
        "id": "sanctions",
        "category": "economic",
        "name": "Sanctions on Russia",
        "description": "Western sanctions on Russia and the terms of their relief.",
        "anchors": [
            (0, "all sanctions kept and tightened until withdrawal and reparations"),
            (25, "gradual, conditional relief with snapback (Ukraine's 2025 memorandum)"),
            (50, "phased relief tied to implementation, snapback, G8 return (28-point plan)"),
            (100, "all sanctions lifted and new ones banned (Russia's 2025 memorandum)"),
        ],
    },
    {
        "id": "assets_reparations",
        "category": "economic",
        "name": "Frozen assets and reparations",
        "description": "Russia's immobilised central-bank assets and war-damage claims.",
        "anchors": [
            (0, "Russia pays full reparations; frozen assets confiscated for Ukraine"),
            (25, "assets stay immobilised until Russia pays (EU, Dec 2025)"),
            (55, "assets split into US-led and US-Russian investment vehicles (28-point plan)"),
            (100, "mutual renunciation of damage claims; assets returned"),
        ],
    },
    {
        "id": "accountability",
        "category": "legal",
        "name": "Accountability for war crimes",
        "description": "Special tribunal, ICC warrants and prosecutions vs amnesty.",
        "anchors": [
            (0, "special tribunal for aggression and ICC prosecutions, leaders included"),
            (50, "courts exist but the deal is silent; no extradition of leaders"),
            (100, "blanket mutual amnesty for all acts of the war"),
        ],
    },
    {
        "id": "prisoners",
        "category": "humanitarian",
        "name": "Prisoners of war and detained civilians",
        "description": "Exchange of POWs and detained civilians (both sides want their people "
        "back).",
        "anchors": [
            (0, "all-for-all exchange of POWs and detained civilians"),
            (50, "regular category-based swaps (wounded, young, 1,000-for-1,000)"),
            (100, "no exchanges; all held"),
        ],
    },
    {
        "id": "children",
        "category": "humanitarian",
        "name": "Deported Ukrainian children",
        "description": "Return of children deported or forcibly transferred to Russia or "
        "occupied areas (Ukraine's count: 19,546); 100 × share not returned.",
        "anchors": [
            (0, "all deported children returned, verified"),
            (50, "half returned"),
            (100, "none returned"),
        ],
    },
    {
        "id": "language_church",
        "category": "political",
        "name": "Language and church",
        "description": "Status of the Russian language and of the Moscow-affiliated church.",
        "anchors": [
            (0, "Ukrainian sole state language; ties to the Russian Orthodox Church banned"),
            (50, "EU minority-language and religious-tolerance rules (28-point plan)"),
            (100, "Russian an official language; restrictions on the UOC-MP lifted"),
        ],
    },
    {
        "id": "elections",
        "category": "political",
        "name": "Elections in Ukraine",
        "description": "Timing of Ukrainian elections relative to the settlement.",
        "anchors": [
            (0, "no elections under martial law; vote only after a final peace"),
            (50, "elections soon after signing, secured by partners, ceasefire for the vote"),
            (100, "elections within 100 days of lifting martial law, before any treaty"),
        ],
    },
    {
        "id": "ceasefire_sequencing",
        "category": "ceasefire",
        "name": "Cease-fire sequencing",
        "description": "Does a cease-fire come first, with the deal, or only after it?",
        "anchors": [
            (0, "full unconditional cease-fire first, then talks on everything"),
            (50, "cease-fire on signing a framework agreement"),
            (100, "no cease-fire until a comprehensive treaty on Russia's terms (status quo)"),
        ],
    },
    {
        "id": "black_sea",
        "category": "economic",
        "name": "Black Sea shipping and ports",
        "description": "Commercial navigation to and from Ukraine's Black Sea ports.",
        "anchors": [
            (0, "free commercial navigation; no attacks on ports or merchant ships"),
            (50, "food corridor from three ports with joint inspections (Grain Initiative)"),
            (100, "Ukrainian ports blockaded"),
        ],
    },
    {
        "id": "energy_strikes",
        "category": "military",
        "name": "Strikes on energy infrastructure",
        "description": "Strikes on each other's energy infrastructure (Russian strikes on "
        "Ukraine's grid, Ukrainian strikes on Russian refineries and depots).",
        "anchors": [
            (0, "mutual halt of strikes on energy infrastructure, monitored"),
            (30, "30-day moratorium without agreed monitoring (March 2025)"),
            (100, "unrestricted strikes on each other's energy infrastructure"),
        ],
    },
    {
        "id": "znpp",
        "category": "humanitarian",
        "name": "Zaporizhzhia nuclear power plant",
        "description": "Control of and international presence at the Zaporizhzhia plant.",
        "anchors": [
            (0, "returned to Ukrainian control under IAEA supervision"),
            (50, "Russian-occupied with a permanent IAEA presence"),
            (100, "Russian-operated, no international presence"),
        ],
    },
]

_A = "assumption"
_S = "sources"


FIGURE_DATE = "figure_date"
"""Key of a status quo's trace holding the date of the latest figure it rests on (the builder
strips it from the scenario; ``front_trend`` refuses a drift built on a figure dated after the
snapshot's ``as_of``: no look-ahead)."""

FIGURE_OF = "figure_of"
"""Key of a status quo's trace holding the date of the front its value describes, where that is
not the snapshot's ``as_of``: a figure carried forward to a later snapshot (2026-06: the latest
figures in the facts are of January and February 2026; 2025-11: the White House map of 18 August
2025). Every figure a status quo rests on is dated at or before its snapshot's ``as_of`` (no
look-ahead; ``tests/simulate/test_fix12_no_lookahead.py``). ``front_trend`` divides a
move by the weeks between the dates its two ends describe, and states no drift where both ends
describe the same date (one figure, no trend); the builder strips the key."""


def _sq(
    value: float,
    *,
    sources: tuple[str, ...] = (),
    assumption: str | None = None,
    figure_date: str | None = None,
    figure_of: str | None = None,
) -> Traced:
    out: Traced = {"status_quo": value}
    if sources:
        out[_S] = list(sources)
    if assumption:
        out[_A] = assumption
    if figure_date:
        out[FIGURE_DATE] = figure_date
    if figure_of:
        out[FIGURE_OF] = figure_of
    return out


_NO_2022_MAP = (
    "facts.yaml has no territorial figures before May 2024; approximate share from the "
    "front line at this date"
)
_FIXED_50 = _sq(
    50,
    sources=("S_wikimili",),
    assumption="Russian control since 2014, annexation rejected by the UNGA; unchanged",
)

# snapshot -> issue -> status quo (value and its trace)
STATUS_QUO: dict[str, dict[str, Traced]] = {
    "ukraine-2022-03": {
        "crimea": _FIXED_50,
        "donetsk": _sq(55, assumption=f"{_NO_2022_MAP} (Mariupol besieged)"),
        "luhansk": _sq(90, assumption=f"{_NO_2022_MAP} (Sievierodonetsk still Ukrainian)"),
        "zaporizhzhia_kherson": _sq(80, assumption=f"{_NO_2022_MAP} (Kherson city occupied)"),
    },
    "ukraine-2022-11": {
        "crimea": _FIXED_50,
        "donetsk": _sq(57, assumption=f"{_NO_2022_MAP} (after the Lyman counteroffensive)"),
        "luhansk": _sq(96, assumption=f"{_NO_2022_MAP} (Lysychansk lost, Svatove front)"),
        "zaporizhzhia_kherson": _sq(
            75,
            assumption=f"{_NO_2022_MAP}: right-bank Kherson retaken 11 Nov, Russia holds the "
            "left bank and southern Zaporizhzhia, about three quarters of the two oblasts' area "
            "(a reading of the line at this date, uncertain by about 5 points)",
        ),
    },
    "ukraine-2023-12": {
        "crimea": _FIXED_50,
        "donetsk": _sq(60, assumption=f"{_NO_2022_MAP} (Bakhmut lost, Avdiivka holding)"),
        "luhansk": _sq(98, assumption=_NO_2022_MAP),
        "zaporizhzhia_kherson": _sq(
            75,
            assumption=f"{_NO_2022_MAP}; the 2023 counteroffensive moved the southern line by a "
            "few villages (Robotyne), within the Nov 2022 reading's uncertainty: that reading "
            "carried forward",
            figure_of="2022-11-16",
        ),
    },
    "ukraine-2025-05": {
        "crimea": _FIXED_50,
        "donetsk": _sq(
            66,
            sources=("S_put24_1",),
            assumption="no per-oblast figure in the facts before Dec 2025 (S_put24_1: ~18% of "
            "Ukraine, May 2024); the latest independent per-oblast estimate found, 66% of "
            "Donetsk in Jan 2025 (europesays.com/it/50188, not in the facts), carried forward; "
            "none independent dated Feb-May 2025 (Russia's claim of over 75%, Rudskoy, Feb 2025, "
            "not used); ISW data put Ukraine's share below a third on 1 Dec 2024 (AFP, 2 Dec "
            "2024). Spring 2025 gains not counted (uncertain by about 5 points, mostly upward)",
            figure_date="2025-01-31",
            figure_of="2025-01-31",
        ),
        "luhansk": _sq(99, sources=("S_put24_1",), assumption="nearly all held since 2022"),
        "zaporizhzhia_kherson": _sq(
            75,
            sources=("S_put24_1",),
            assumption="line largely static since Nov 2022: that reading carried forward (no "
            "per-oblast figure in the facts before Dec 2025)",
            figure_of="2022-11-16",
        ),
    },
    "ukraine-2025-11": {
        "crimea": _FIXED_50,
        "donetsk": _sq(
            76,
            sources=("S_put5000", "S_28_5"),
            assumption="the map shown at the White House on 18 Aug 2025 (Luhansk 99%, Donetsk "
            "76%, Zaporizhzhia 73%, Kherson 73%; in the facts through S_put5000, an aggregator "
            "dated only 2025; the map's date is general knowledge), carried forward; Russia "
            "holds almost one-fifth of Ukraine (Reuters, 22 Nov 2025); the autumn's gains "
            "(Pokrovsk) are not counted",
            figure_date="2025-08-18",
            figure_of="2025-08-18",
        ),
        "luhansk": _sq(
            99,
            sources=("S_put5000", "S_28_5"),
            assumption="the White House map of 18 Aug 2025 (99%), carried forward",
            figure_date="2025-08-18",
            figure_of="2025-08-18",
        ),
        "zaporizhzhia_kherson": _sq(
            73,
            sources=("S_put5000", "S_28_5"),
            assumption="the White House map of 18 Aug 2025: Zaporizhzhia 73%, Kherson 73% "
            "(area-weighted 73), carried forward",
            figure_date="2025-08-18",
            figure_of="2025-08-18",
        ),
    },
    "ukraine-2026-06": {
        "crimea": _FIXED_50,
        "donetsk": _sq(
            79,
            sources=("S_ds1", "S_ds2", "S_ds4", "S_bbg", "S_pokr"),
            assumption="78.1% on 1 Jan 2026 (Ukraine held ~22%); small net changes in "
            "Jan-Feb 2026 (Pokrovsk); no later figure in the facts",
            figure_date="2026-02-28",
            figure_of="2026-02-28",
        ),
        "luhansk": _sq(99.6, sources=("S_ds1",), figure_date="2026-01-01", figure_of="2026-01-01"),
        "zaporizhzhia_kherson": _sq(
            73.4,
            sources=("S_ds1",),
            assumption="area-weighted mean of Zaporizhzhia 74.8% and Kherson 72% (1 Jan 2026)",
            figure_date="2026-01-01",
            figure_of="2026-01-01",
        ),
    },
}

# Non-territorial issues: the status quo changes rarely; (from-date, value, trace).
_LATER: dict[str, list[tuple[str, Traced]]] = {
    "nato_neutrality": [
        ("2022-01-01", _sq(25, assumption="Ukraine not a member and not offered membership")),
        ("2025-12-02", _sq(25, sources=("S_rutte",))),
    ],
    "security_guarantees": [
        (
            "2022-01-01",
            _sq(50, assumption="wartime Western aid and intelligence, no binding guarantee"),
        ),
        ("2025-03-11", _sq(50, sources=("S_jed25_1", "S_kiel1"))),
    ],
    "army_size": [("2022-01-01", _sq(0, assumption="no limit on Ukraine's forces"))],
    "sanctions": [
        ("2022-01-01", _sq(5, assumption="Western sanctions in force since Feb-Mar 2022")),
        ("2025-10-22", _sq(3, sources=("S_sanc1", "S_sanc3"))),
    ],
    "assets_reparations": [
        ("2022-01-01", _sq(30, assumption="central-bank assets frozen since 2022, not seized")),
        ("2025-12-12", _sq(25, sources=("S_assets2", "S_assets3"))),
    ],
    "accountability": [
        ("2022-01-01", _sq(45, assumption="ICC investigation open; no warrants yet")),
        ("2023-03-17", _sq(35, sources=("S_icc",))),
        ("2025-06-25", _sq(25, sources=("S_trib1",))),
    ],
    "prisoners": [
        ("2022-01-01", _sq(75, assumption="first small swaps only; most POWs held")),
        (
            "2022-09-21",
            _sq(
                65,
                assumption="exchanges became regular in 2022 (Kyiv later counted >70 since "
                "2022); the date is the large Azovstal swap (general knowledge)",
            ),
        ),
        (
            "2025-05-25",
            _sq(
                55,
                sources=("S_ex2",),
                assumption="1,000-for-1,000 executed; thousands of POWs still held",
            ),
        ),
        ("2026-03-11", _sq(50, sources=("S_ex12", "S_ex10"))),
    ],
    "children": [
        ("2022-01-01", _sq(98, assumption="deportations under way; almost none returned")),
        (
            "2025-03-01",
            _sq(94, sources=("S_kids4", "S_kids5"), assumption="1,247 of 19,546 returned"),
        ),
        ("2026-01-01", _sq(90, sources=("S_kids1", "S_kids4"), assumption="~2,000 returned")),
    ],
    "black_sea": [
        (
            "2022-01-01",
            _sq(
                100,
                sources=("S_grain1",),
                assumption="ports blockaded from the invasion until the July 2022 initiative",
            ),
        ),
        (
            "2022-07-22",
            _sq(
                100,
                sources=("S_grain1", "S_grain2"),
                assumption="the Grain Initiative runs in 120-day terms (the first expiring 19 "
                "Nov 2022): without renewal the ports close again, so the state without "
                "agreement is the blockade (the initiative itself: agreements_in_force)",
            ),
        ),
        (
            "2023-07-17",
            _sq(
                60,
                sources=("S_grain1", "S_grain3"),
                assumption="Russia left the initiative; shipping continues through Ukraine's "
                "own corridor under attack on ports (corridor not in facts.yaml)",
            ),
        ),
        ("2025-03-25", _sq(60, sources=("S_bs1", "S_bs5"))),
    ],
    "energy_strikes": [
        (
            "2022-01-01",
            _sq(60, assumption="strikes on the grid before the systematic campaign of Oct 2022"),
        ),
        (
            "2022-10-10",
            _sq(100, assumption="systematic strikes on Ukraine's grid from October 2022"),
        ),
        ("2025-03-18", _sq(30, sources=("S_call318_1", "S_call318_4"))),
        ("2025-04-18", _sq(100, sources=("S_en1", "S_en2", "S_en4"))),
    ],
    "znpp": [
        (
            "2022-01-01",
            _sq(90, assumption="occupied by Russian forces on 4 March 2022; no IAEA presence yet"),
        ),
        (
            "2022-09-01",
            _sq(50, assumption="permanent IAEA presence since September 2022 (general knowledge)"),
        ),
        ("2025-11-20", _sq(50, sources=("S_28_2",))),
    ],
    "language_church": [
        ("2022-01-01", _sq(10, assumption="2019 language law in force; no church law yet")),
        ("2024-08-24", _sq(3, sources=("S_uoc", "S_uoc2"))),
    ],
    "elections": [("2022-01-01", _sq(0, assumption="martial law since Feb 2022; no elections"))],
    "ceasefire_sequencing": [
        (
            "2022-01-01",
            _sq(100, assumption="without agreement fighting goes on: no cease-fire in force"),
        )
    ],
}


def status_quo(snapshot: str, as_of: str) -> dict[str, Traced]:
    """Issue id -> status-quo trace for a snapshot (territory table, then dated tables)."""
    out = dict(STATUS_QUO[snapshot])
    for issue, rows in _LATER.items():
        current = [trace for start, trace in rows if start <= as_of]
        out[issue] = current[-1]
    return out

"""Synthetic rows in every supported format (no real ACLED rows, ever) and a store fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from detente.monitor.store import EventStore

ROOT = Path(__file__).resolve().parents[2]
UCDP_FILE = ROOT / "data" / "events" / "ucdp_ged_ukraine_2014_2022.csv"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def gdelt_row(
    version: int,
    gid: int,
    *,
    date: str = "20150215",
    code: str = "190",
    a1: str = "RUS",
    a2: str = "UKR",
    place: str = "Donetsk, Donets'ka Oblast', Ukraine",
    added: str | None = None,
) -> str:
    """One GDELT events row (57/58 columns for version 1, 61 for version 2)."""
    n = 58 if version == 1 else 61
    f = [""] * n
    f[0], f[1], f[2], f[3] = str(gid), date, date[:6], date[:4]
    f[5], f[7] = a1, a1[:3]
    f[15], f[17] = a2, a2[:3]
    f[26], f[27], f[28] = code, code[:3], code[:2]
    f[29] = "4"
    f[30] = "-10.0"
    if version == 1:
        f[49], f[50], f[52], f[53], f[54] = "4", place, "UP14", "48.0", "37.8"
        f[56] = added or date
        f[57] = "https://example.org/x"
    else:
        f[51], f[52], f[54], f[56], f[57] = "4", place, "UP14", "48.0", "37.8"
        f[59] = added or date + "120000"
        f[60] = "https://example.org/x"
    return "\t".join(f)


ICEWS_HEADER = (
    "Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\t"
    "CAMEO Code\tIntensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\t"
    "Sentence Number\tPublisher\tCity\tDistrict\tProvince\tCountry\tLatitude\t"
    "Longitude"
)


def icews_row(
    eid: str, date: str, code: str, src: str = "Russia", tgt: str = "Ukraine", city: str = "Donetsk"
) -> str:
    return "\t".join(
        [
            eid,
            date,
            src,
            "Government",
            src,
            "Fight with artillery",
            code,
            "-10.0",
            tgt,
            "Military",
            tgt,
            "42",
            "1",
            "Interfax",
            city,
            "",
            "Donetsk Oblast",
            "Ukraine",
            "48.0",
            "37.8",
        ]
    )


ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,"
    "interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,"
    "latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,"
    "timestamp"
)


def acled_row(
    eid: str,
    date: str,
    event_type: str = "Battles",
    sub: str = "Armed clash",
    inter1: str = "8",
    inter2: str = "1",
    fatalities: str = "2",
) -> str:
    return ",".join(
        [
            eid,
            f'"{date}"',
            "2020",
            "1",
            "Political violence",
            event_type,
            sub,
            "Military Forces of Russia (2000-)",
            "",
            inter1,
            "Military Forces of Ukraine (2019-)",
            "",
            inter2,
            "18",
            "",
            "804",
            "Europe",
            "Ukraine",
            "Donetsk",
            "Bakhmutskyi",
            "",
            "Zaitseve",
            "48.4",
            "38.0",
            "1",
            "Synthetic",
            "National",
            '"synthetic row, not ACLED data"',
            fatalities,
            "",
            "1600000000",
        ]
    )


UCDP_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,"
    "conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,"
    "side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,"
    "source_article,source_office,source_date,source_headline,source_original,"
    "where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,"
    "geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,"
    "date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,"
    "low,gwnoa,gwnob"
)


def ucdp_row(
    eid: str,
    start: str,
    end: str,
    best: str = "3",
    prec: str = "1",
    side_b: str = "DPR",
    adm1: str = "Donetsk oblast",
) -> str:
    return ",".join(
        [
            eid,
            f"UKR-{eid}",
            "2015",
            "True",
            "Clear",
            "1",
            "1",
            "1",
            "Ukraine",
            "2",
            "2",
            f"Government of Ukraine - {side_b}",
            "61",
            "61",
            "Government of Ukraine",
            "5",
            "5",
            side_b,
            "1",
            '"""Synthetic,2015-02-15,headline, with commas"""',
            "Synthetic",
            start,
            "h",
            "o",
            "1",
            "Donetsk",
            "d",
            adm1,
            "",
            "48.0",
            "37.8",
            "POINT (37.8 48)",
            "1",
            "Ukraine",
            "369",
            "Europe",
            "1",
            prec,
            start,
            end,
            "0",
            "0",
            "0",
            best,
            best,
            best,
            best,
            "369",
            "",
        ]
    )


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    with EventStore(tmp_path / "events.duckdb") as s:
        yield s


@pytest.fixture(scope="session")
def ucdp_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EventStore]:
    with EventStore(tmp_path_factory.mktemp("ucdp") / "ucdp.duckdb") as s:
        rep = s.ingest(UCDP_FILE)
        assert rep.balanced
        yield s

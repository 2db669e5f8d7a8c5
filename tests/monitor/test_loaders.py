"""Loader tests per format on synthetic rows (malformed ones too); accounting on every ingest."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from detente.errors import InputError
from detente.monitor.formats import detect_format
from detente.monitor.mapping import load_mapping
from detente.monitor.store import EventStore, IngestReport

from .conftest import (
    ACLED_HEADER,
    ICEWS_HEADER,
    UCDP_HEADER,
    acled_row,
    gdelt_row,
    icews_row,
    ucdp_row,
    write,
)


def ingest(store: EventStore, path: Path, fmt: str | None = None) -> IngestReport:
    rep = store.ingest(path, fmt=fmt)
    assert rep.balanced, rep.record()
    return rep


def rows(store: EventStore, sql: str) -> list[tuple[object, ...]]:
    return store.con.execute(sql).fetchall()


def test_gdelt2_good_and_malformed(store: EventStore, tmp_path: Path) -> None:
    lines = [
        gdelt_row(2, 1, code="190"),
        gdelt_row(2, 2, code="036", a1="UKR", a2="RUS"),
        gdelt_row(2, 3, date="20151301"),  # bad date
        gdelt_row(2, 4, code="999"),  # unknown CAMEO code
        "1\t2\t3",  # wrong column count
        gdelt_row(2, 5, added="2015"),  # bad DATEADDED
        gdelt_row(2, 1, code="190"),  # duplicate id
        "",  # blank line: wrong column count
    ]
    path = write(tmp_path / "20150215.export.CSV", lines)
    assert detect_format(path) == "gdelt2"
    rep = ingest(store, path)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_rejected, rep.duplicates_dropped) == (
        8,
        2,
        5,
        1,
    )
    assert rep.rejected_by_reason["unknown CAMEO code"] == 1
    assert any("wrong column count" in r for r in rep.rejected_by_reason)
    assert [ln for ln, _ in rep.examples] == [3, 4, 5, 6, 8]
    got = rows(
        store,
        "SELECT event_id, actor1, actor2, event_class, cameo_code, goldstein, "
        "region FROM events ORDER BY event_id",
    )
    assert got == [
        ("1", "RU", "UA", "material_conflict", "190", -10.0, "Donetsk"),
        ("2", "UA", "RU", "verbal_cooperation", "036", 4.0, "Donetsk"),
    ]


def test_gdelt1_57_and_58_columns_zipped(store: EventStore, tmp_path: Path) -> None:
    r58 = gdelt_row(1, 10)
    r57 = "\t".join(gdelt_row(1, 11, code="0871").split("\t")[:57])
    bad_added = gdelt_row(1, 12, added="201502151200")  # 2.0 style DATEADDED in a 1.0 file
    plain = write(tmp_path / "20150215.export.CSV", [r58, r57, bad_added])
    zpath = tmp_path / "20150215.export.CSV.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(plain, plain.name)
    assert detect_format(zpath) == "gdelt1"
    rep = ingest(store, zpath)
    assert (rep.rows_loaded, rep.rows_rejected) == (2, 1)
    assert rows(store, "SELECT cameo_code, quad_class FROM events ORDER BY 1") == [
        ("0871", 2),
        ("190", 4),
    ]


def test_gdelt_invalid_utf8_row_rejected(store: EventStore, tmp_path: Path) -> None:
    good = gdelt_row(2, 1).encode()
    bad = gdelt_row(2, 2, place="Donetsk \xff").encode("latin-1")
    path = tmp_path / "x.export.CSV"
    path.write_bytes(good + b"\n" + bad + b"\n")
    rep = ingest(store, path)
    assert rep.rejected_by_reason == {"invalid UTF-8 text": 1}
    assert rep.examples == [(2, "invalid UTF-8 text")]


def test_gdelt2_mentions(store: EventStore, tmp_path: Path) -> None:
    ok = "\t".join(
        [
            "1",
            "20150215120000",
            "20150215130000",
            "1",
            "bbc.co.uk",
            "https://x/1",
            "3",
            "10",
            "20",
            "30",
            "1",
            "80",
            "1000",
            "-2.5",
            "",
            "",
        ]
    )
    bad = ok.replace("20150215130000", "2015021513")
    path = write(tmp_path / "m.mentions.CSV", [ok, bad, ok])
    assert detect_format(path) == "gdelt2-mentions"
    rep = ingest(store, path)
    assert (rep.rows_loaded, rep.rows_rejected, rep.duplicates_dropped) == (1, 1, 1)
    assert rows(store, "SELECT confidence, doc_tone FROM mentions") == [(80.0, -2.5)]


def test_icews_latin1_and_utf8_lines(store: EventStore, tmp_path: Path) -> None:
    lines = [
        ICEWS_HEADER,
        icews_row("1", "2015-02-15", "190", city="Donetsk"),
        icews_row("1", "2015-02-16", "042", src="Ukraine", tgt="Russia"),  # same id, new row
        icews_row("1", "2015-02-15", "190", city="Donetsk"),  # exact repeat: duplicate
        icews_row("2", "15/02/2015", "190"),  # bad date
        icews_row("3", "2015-02-15", "XYZ"),  # bad code
        "too\tfew\tcolumns",
    ]
    path = tmp_path / "icews.tab"
    text = "\n".join(lines[:2]) + "\n"
    path.write_bytes(
        text.encode("utf-8")
        + icews_row("4", "2015-02-17", "190", city="Mariupol’ Zürich").encode("cp1252", "replace")
        + b"\n"
        + ("\n".join(lines[2:]) + "\n").encode("utf-8")
    )
    assert detect_format(path) == "icews"
    rep = ingest(store, path)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_rejected, rep.duplicates_dropped) == (
        7,
        3,
        3,
        1,
    )
    assert rows(store, "SELECT count(DISTINCT event_key) FROM events") == [(3,)]
    places = {r[0] for r in rows(store, "SELECT place FROM events")}
    assert any("Zürich" in p for p in places)  # ISO-8859-1 line decoded
    assert rows(store, "SELECT DISTINCT actor1 FROM events ORDER BY 1") == [("RU",), ("UA",)]


def test_acled_three_date_styles_and_inter_codes(store: EventStore, tmp_path: Path) -> None:
    lines = [
        ACLED_HEADER,
        acled_row("UKR1", "2020-08-14"),
        acled_row("UKR2", "14/08/2020 00:00:00", inter1="External/Other forces"),
        acled_row(
            "UKR3",
            "14 August 2020",
            event_type="Strategic developments",
            sub="Agreement",
            fatalities="0",
        ),
        acled_row("UKR4", "2020-02-30"),  # bad date
        acled_row("UKR5", "2020-08-14", inter1="Martians"),  # bad inter code
        acled_row("UKR6", "2020-08-14", fatalities="many"),  # bad fatalities
        acled_row("UKR1", "2020-08-14"),  # duplicate
        "UKR7,2020-08-14,2020",
    ]  # wrong column count
    path = write(tmp_path / "acled.csv", lines)
    assert detect_format(path) == "acled"
    rep = ingest(store, path)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_rejected, rep.duplicates_dropped) == (
        8,
        3,
        4,
        1,
    )
    assert set(rep.rejected_by_reason) >= {
        "bad date (event_date)",
        "bad inter1 code",
        "bad fatalities",
    }
    got = rows(
        store,
        "SELECT event_id, date, event_class, actor1, actor2, fatalities_best "
        "FROM events ORDER BY 1",
    )
    assert [(g[0], str(g[1]), g[2], g[3], g[4]) for g in got] == [
        ("UKR1", "2020-08-14", "material_conflict", "RU", "UA"),
        ("UKR2", "2020-08-14", "material_conflict", "RU", "UA"),
        ("UKR3", "2020-08-14", "verbal_cooperation", "RU", "UA"),
    ]


def test_ucdp_both_date_styles_and_spans(store: EventStore, tmp_path: Path) -> None:
    lines = [
        UCDP_HEADER,
        ucdp_row("1", "2015-02-15", "2015-02-15", best="4"),
        ucdp_row(
            "2",
            "2/16/2015 12:00:00 AM",
            "2/18/2015 12:00:00 AM",
            best="6",
            prec="2",
            side_b="LPR",
            adm1="Luhansk oblast",
        ),
        ucdp_row("3", "2015-02-31", "2015-02-31"),  # bad date
        ucdp_row("4", "2015-02-15", "2015-02-14"),  # end before start
        ucdp_row("5", "2015-02-15", "2015-02-15", best="-1"),  # bad fatalities
        ucdp_row("1", "2015-02-15", "2015-02-15"),
    ]  # duplicate id
    path = write(tmp_path / "ged.csv", lines)
    assert detect_format(path) == "ucdp"
    rep = ingest(store, path)
    assert (rep.rows_loaded, rep.rows_rejected, rep.duplicates_dropped) == (2, 3, 1)
    got = rows(
        store, "SELECT event_id, date_precision, region, actor1, actor2 FROM events ORDER BY 1"
    )
    assert got == [("1", "day", "Donetsk", "UA", "RU"), ("2", "days", "Luhansk", "UA", "RU")]
    import datetime as dt

    daily = store.daily(start=dt.date(2015, 2, 15), end=dt.date(2015, 2, 19), measure="fatalities")
    assert daily == pytest.approx([4.0, 2.0, 2.0, 2.0])  # 6 deaths spread over 16-18 Feb


def test_ucdp_invalid_utf8_row(store: EventStore, tmp_path: Path) -> None:
    good = ucdp_row("1", "2015-02-15", "2015-02-15").encode()
    bad = ucdp_row("2", "2015-02-15", "2015-02-15", adm1="Donetsk \xe9").encode("latin-1")
    path = tmp_path / "ged.csv"
    path.write_bytes(UCDP_HEADER.encode() + b"\n" + good + b"\n" + bad + b"\n")
    rep = ingest(store, path)
    assert rep.rejected_by_reason == {"invalid UTF-8 text": 1}
    assert rep.examples == [(3, "invalid UTF-8 text")]


def test_counts_format(store: EventStore, tmp_path: Path) -> None:
    lines = [
        "date,actor,region,indicator,value,source",
        "2020-07-26,RU,Donetsk oblast,ceasefire_violations,120,SMM",
        "2020-07-27,RU,Donetsk oblast,ceasefire_violations,4,SMM",
        "2020-07-27,RU,Donetsk oblast,material_cooperation:prisoners_released,3,SMM",
        "2020-07-27,RU,Donetsk oblast,ceasefire_violations,5,SMM",  # duplicate key
        "2020-07-28,RU,Donetsk oblast,ceasefire_violations,-3,SMM",  # negative
        "27.07.2020,RU,Donetsk oblast,ceasefire_violations,3,SMM",  # bad date
        "2020-07-29,,Donetsk oblast,ceasefire_violations,3,SMM",
    ]  # missing actor
    path = write(tmp_path / "counts.csv", lines)
    assert detect_format(path) == "counts"
    rep = ingest(store, path)
    assert (rep.rows_loaded, rep.rows_rejected, rep.duplicates_dropped) == (3, 3, 1)
    assert rows(store, "SELECT event_class, sum(count) FROM events GROUP BY 1 ORDER BY 1") == [
        ("material_conflict", 124.0),
        ("material_cooperation", 3.0),
    ]


def test_reingest_adds_nothing(store: EventStore, tmp_path: Path) -> None:
    path = write(
        tmp_path / "ged.csv",
        [
            UCDP_HEADER,
            ucdp_row("1", "2015-02-15", "2015-02-15"),
            ucdp_row("2", "2015-02-16", "2015-02-16"),
        ],
    )
    first = ingest(store, path)
    second = ingest(store, path)
    assert first.rows_loaded == 2
    assert (second.rows_read, second.rows_loaded, second.duplicates_dropped) == (2, 0, 2)
    assert store.count() == 2
    assert rows(store, "SELECT count(*) FROM files") == [(2,)]


def test_format_override_and_errors(store: EventStore, tmp_path: Path) -> None:
    unknown = write(tmp_path / "x.txt", ["a;b;c"])
    with pytest.raises(InputError, match="cannot detect the format"):
        store.ingest(unknown)
    with pytest.raises(InputError, match="unknown format"):
        store.ingest(unknown, fmt="nope")
    with pytest.raises(InputError, match="no such file"):
        store.ingest(tmp_path / "missing.csv")
    noheader = write(tmp_path / "n.csv", ["date,actor,region,indicator,value"])
    with pytest.raises(InputError, match="lacks column"):
        store.ingest(noheader, fmt="counts")


def test_user_mapping_and_parquet_export(store: EventStore, tmp_path: Path) -> None:
    m = write(tmp_path / "map.csv", ["key,actor", "DPR,DPR_FORCES"])
    mapping = load_mapping(m)
    path = write(tmp_path / "ged.csv", [UCDP_HEADER, ucdp_row("1", "2015-02-15", "2015-02-15")])
    store.ingest(path, mapping=mapping)
    assert rows(store, "SELECT actor2 FROM events") == [("DPR_FORCES",)]
    out = store.export_parquet(tmp_path / "events.parquet")
    import pyarrow.parquet as pq

    assert pq.read_table(out).num_rows == 1
    bad = write(tmp_path / "bad.csv", ["from,to", "a,b"])
    with pytest.raises(InputError, match="expected header"):
        load_mapping(bad)

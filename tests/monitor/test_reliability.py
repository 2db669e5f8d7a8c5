"""Regression tests for the monitor failures of issue 10 (numbered as in the issue)."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing as mp
import os
import zipfile
from pathlib import Path

import pytest

from detente.errors import InputError
from detente.monitor.claims import Claim, check_claim
from detente.monitor.flags import flag_claim
from detente.monitor.measures import measures
from detente.monitor.store import EventStore

from .conftest import FIXTURES, UCDP_HEADER, gdelt_row, ucdp_row, write

COUNTS = FIXTURES / "ceasefire_violations_2020.csv"


# ------------------------------------------------------ 1: --db must be DuckDB or new


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("events.parquet", b"PAR1\x15\x04" + b"\x00" * 64, "a Parquet file"),
        ("events.csv", b"date,actor\n2020-01-01,RU\n", "a text file"),
        ("events.json", b'{"a": 1}\n', "a text file"),
    ],
)
def test_1_existing_non_duckdb_store_is_refused_and_untouched(
    tmp_path: Path, name: str, content: bytes, kind: str
) -> None:
    db = tmp_path / name
    db.write_bytes(content)
    with pytest.raises(InputError, match=f"is {kind}.*, not a DuckDB event store"):
        EventStore(db)
    assert db.read_bytes() == content


def test_1_new_path_and_existing_store_are_fine(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with EventStore(db) as s:
        s.ingest(COUNTS)
    with EventStore(db, read_only=True) as s:
        assert s.count() == 100


# ------------------------------------------- 3: no data is no verdict; missing days


@pytest.mark.parametrize(
    ("actor", "region", "start", "why"),
    [
        ("XX", None, dt.date(2020, 7, 27), "actor 'XX' appears in no stored event"),
        ("RU", "Nowhere", dt.date(2020, 7, 27), "region 'Nowhere' matches no stored event"),
        ("RU", None, dt.date(1990, 7, 27), "no reported day in the baseline window"),
    ],
)
def test_3_window_without_data_is_inconclusive_never_peace_offensive(
    store: EventStore, actor: str, region: str | None, start: dt.date, why: str
) -> None:
    store.ingest(COUNTS)
    claim = Claim(actor=actor, start=start, region=region, overture=True, ref="c")
    flags = flag_claim(store, claim)
    assert [f.kind for f in flags] == ["inconclusive"]
    assert why in flags[0].evidence["reason"]
    result = check_claim(store, claim)
    assert result.outcome == "inconclusive" and result.comparison is None  # verify agrees


def test_3_missing_days_in_a_count_feed_are_not_zero(store: EventStore, tmp_path: Path) -> None:
    """Ten violations a day, reported on weekdays only: the rate is 10/day, not 10·5/7."""
    lines = ["date,actor,region,indicator,value,source"]
    day0 = dt.date(2020, 1, 1)
    for d in range(200):
        day = day0 + dt.timedelta(days=d)
        if day.weekday() < 5:
            lines.append(f"{day},RU,Donetsk oblast,ceasefire_violations,10,mission")
    store.ingest(write(tmp_path / "gaps.csv", lines))
    res = check_claim(store, Claim(actor="RU", start=dt.date(2020, 4, 1), direction="maintain"))
    assert res.comparison is not None
    assert res.comparison.baseline_rate == pytest.approx(10.0)
    assert res.comparison.post_rate == pytest.approx(10.0)
    assert res.comparison.post_days == 20  # 20 weekdays reported in the 28-day window
    assert res.evidence()["post_days_reported"] == 20


# ----------------------------------------------------- 4: non-finite UCDP fatalities


def test_4_ucdp_non_finite_best_is_rejected_and_counted(store: EventStore, tmp_path: Path) -> None:
    rows = [
        ucdp_row(str(i), "2015-02-15", "2015-02-15", best=b)
        for i, b in enumerate(["nan", "inf", "1e400", "-inf", "3"], start=1)
    ]
    rep = store.ingest(write(tmp_path / "ged.csv", [UCDP_HEADER, *rows]), fmt="ucdp")
    assert (rep.rows_read, rep.rows_loaded, rep.rows_rejected) == (5, 1, 4)
    assert rep.balanced
    claim = Claim(actor="RU", start=dt.date(2015, 3, 1), region="Donetsk")
    assert "nan" not in check_claim(store, claim).reason


# ------------------------------------------------------ 8: tracebacks become errors


def test_8_huge_csv_field_is_a_located_error_and_a_failed_ingest(
    store: EventStore, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "big.csv",
        ["date,actor,region,indicator,value,source", "2020-01-01,RU,D,x,1," + "a" * 200_000],
    )
    with pytest.raises(InputError, match=r"big.csv: cannot read the file .*line 2"):
        store.ingest(path, fmt="counts")
    assert store.con.execute("SELECT status FROM files").fetchall() == [("failed",)]


@pytest.mark.parametrize("damage", ["crc", "data"])
def test_8_damaged_zip_is_an_error(store: EventStore, tmp_path: Path, damage: str) -> None:
    text = COUNTS.read_bytes() * 20
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("counts.csv", text)
    raw = bytearray(buf.getvalue())
    if damage == "crc":
        raw[200:260] = b"\x00" * 60
    else:
        for k in range(60, len(raw) - 200, 97):
            raw[k] ^= 0x5A
    path = tmp_path / "counts.zip"
    path.write_bytes(bytes(raw))
    with pytest.raises(InputError, match=r"counts\.zip"):
        store.ingest(path, fmt="counts")


def test_8_gdelt_record_separator_byte_is_a_rejected_row(store: EventStore, tmp_path: Path) -> None:
    lines = [gdelt_row(2, i) for i in range(1, 6)]
    lines[2] = lines[2][:10] + "\x1e" + lines[2][10:]
    rep = store.ingest(write(tmp_path / "e.export.CSV", lines), fmt="gdelt2")
    assert (rep.rows_read, rep.rows_loaded, rep.rows_rejected) == (5, 4, 1)
    assert rep.examples[0][0] == 3 and "0x1E" in rep.examples[0][1]


@pytest.mark.parametrize("day", ["0001-01-05", "9999-12-30"])
def test_8_years_1_and_9999_are_errors(store: EventStore, day: str) -> None:
    store.ingest(COUNTS)
    claim = Claim(actor="RU", start=dt.date.fromisoformat(day))
    with pytest.raises(InputError, match="outside the supported range"):
        check_claim(store, claim)


def test_8_event_rows_dated_year_1_or_9999_are_rejected(store: EventStore, tmp_path: Path) -> None:
    rows = [
        ucdp_row("1", "0001-01-01", "0001-01-01"),
        ucdp_row("2", "9999-12-31", "9999-12-31"),
        ucdp_row("3", "2015-02-15", "2015-02-15"),
    ]
    rep = store.ingest(write(tmp_path / "ged.csv", [UCDP_HEADER, *rows]), fmt="ucdp")
    assert (rep.rows_loaded, rep.rows_rejected) == (1, 2)


# ------------------------------------------------ 9: a killed ingest leaves a record


def _ingest_then_die(db: str, path: str) -> None:  # pragma: no cover - runs in a child
    """Ingest ``path``; die abruptly (no cleanup, like SIGKILL) as the second batch is
    about to commit, after the first batch was committed."""
    calls = {"n": 0}
    record = EventStore._record

    def dying(
        self: EventStore, ingest_id: int, report: object, status: str, error: str = ""
    ) -> None:
        if status == "started":
            calls["n"] += 1
            if calls["n"] == 2:
                os._exit(9)
        record(self, ingest_id, report, status, error)  # type: ignore[arg-type]

    EventStore._record = dying  # type: ignore[method-assign]
    with EventStore(db) as s:
        s.ingest(Path(path), fmt="counts")


def test_9_killed_ingest_is_attributable_and_measures_warn(tmp_path: Path) -> None:
    lines = ["date,actor,region,indicator,value,source"]
    day0 = dt.date(2000, 1, 1)
    lines += [f"{day0 + dt.timedelta(days=d % 5000)},A{d // 5000},R,i,1,s" for d in range(60_000)]
    big = write(tmp_path / "big.csv", lines)
    db = tmp_path / "store.duckdb"
    with EventStore(db) as s:
        s.ingest(COUNTS)
    child = mp.get_context("spawn").Process(target=_ingest_then_die, args=(str(db), str(big)))
    child.start()
    child.join(120)
    assert child.exitcode == 9
    with EventStore(db, read_only=True) as s:
        files = s.con.execute(
            "SELECT sha256, status, rows_loaded FROM files ORDER BY ingest_id"
        ).fetchall()
        stored = dict(
            s.con.execute("SELECT file_sha256, count(*) FROM events GROUP BY 1").fetchall()
        )
        result = measures(s)
    assert files[0][1] == "complete"
    sha, status, loaded = files[1]
    assert status == "started" and loaded == 50_000  # the first batch, committed
    assert stored[sha] == loaded  # every committed row is attributable to the files row
    assert result.warnings and "big.csv" in result.warnings[0]
    assert "interrupted" in result.warnings[0]
    with EventStore(db) as s:  # ingesting the file again completes it: no more warning
        s.ingest(big, fmt="counts")
        assert s.warnings() == []

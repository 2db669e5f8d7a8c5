"""Regression examples for failures the fuzz suites found (issue 10): each was a traceback.

- the random-input property test (tests/scenario/test_properties.py) drew a YAML complex key
  (``? key:`` over a block, ``{a: 1}: x``, ``[a, b]: x``): ruamel raised ``TypeError:
  unhashable type: 'CommentedMap'`` (or ``CommentedSeq``);
- the 10,000-case run (``pytest -m slow tests/fuzz``, 2026-12-01) found seven event files: an
  encrypted zip member (``RuntimeError``), a zip needing version 7.5 (``NotImplementedError``),
  ICEWS headers lacking a column the normaliser reads (a DuckDB binder error hidden by an
  aborted transaction), headers that are not UTF-8 (``UnicodeEncodeError`` in Arrow), and a
  GDELT line holding both 0x1E and invalid UTF-8 (an exception inside pyarrow's row handler).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from detente.errors import InputError
from detente.monitor.store import EventStore
from detente.scenario import ScenarioError, parse_scenario

FIXTURE = Path(__file__).parents[1] / "simulate" / "fixtures" / "two_sides.yaml"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("? {a: 1}\n: 2\n", 1, 3),
        ("[a, b]: 1\n", 1, 1),
        ("meta:\n  {x: 1}: 2\n", 2, 3),
        ("a: {[1]: 2}\n", 1, 5),
    ],
)
def test_complex_yaml_keys_are_located_errors(text: str, line: int, column: int) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text.encode(), name="x.yaml")
    problem = err.value.problems[0]
    assert (problem.line, problem.column) == (line, column)
    assert "a key must be a name or a number" in problem.message


def test_complex_key_over_a_block_in_a_real_scenario() -> None:
    """The property test's shape: ``? issues:`` turns a whole block into a mapping key."""
    text = FIXTURE.read_text(encoding="utf-8").replace("\nissues:", "\n? issues:", 1)
    with pytest.raises(ScenarioError, match="a key must be a name or a number"):
        parse_scenario(text.encode(), name="x.yaml")


def _zip(text: bytes) -> bytearray:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("events.csv", text)
    return bytearray(buf.getvalue())


COUNTS = b"date,actor,region,indicator,value,source\n2020-01-01,RU,Donetsk,attacks,3,x\n"


def test_encrypted_zip_member_is_an_input_error(tmp_path: Path) -> None:
    raw = _zip(COUNTS)
    raw[6] |= 0x01  # local header: general purpose flag "encrypted"
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 8] |= 0x01  # central directory entry: the same flag
    path = tmp_path / "e.zip"
    path.write_bytes(bytes(raw))
    with EventStore(":memory:") as store, pytest.raises(InputError, match=r"e\.zip.*encrypted"):
        store.ingest(path, fmt="counts")


def test_zip_needing_a_newer_version_is_an_input_error(tmp_path: Path) -> None:
    raw = _zip(COUNTS)
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 6] = 75  # "version needed to extract": 7.5
    path = tmp_path / "e.zip"
    path.write_bytes(bytes(raw))
    with EventStore(":memory:") as store, pytest.raises(InputError, match=r"e\.zip.*version"):
        store.ingest(path, fmt="counts")


ICEWS = (
    "Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\tCAMEO Code\t"
    "Intensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\tSentence Number\t"
    "Publisher\tCity\tDistrict\tProvince\tCountry\tLatitude\tLongitude"
)


@pytest.mark.parametrize("column", ["District", "Event Text", "Latitude"])
def test_icews_header_lacking_a_column_the_normaliser_reads(tmp_path: Path, column: str) -> None:
    header = ICEWS.replace(column, "Something Else")
    row = "\t".join(["1", "2020-01-01", "Russia", "", "Russia", "x", "042", "1"] + ["x"] * 12)
    path = tmp_path / "i.tsv"
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    wanted = column.lower().replace(" ", "_")
    with EventStore(":memory:") as store, pytest.raises(InputError, match=f"lacks.*{wanted}"):
        store.ingest(path, fmt="icews")


@pytest.mark.parametrize("fmt", ["acled", "ucdp", "counts"])
def test_header_that_is_not_utf8_is_an_input_error(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"date,act\xdcor,region\n2020-01-01,RU,x\n")
    with EventStore(":memory:") as store, pytest.raises(InputError, match="not valid UTF-8"):
        store.ingest(path, fmt=fmt)


def test_gdelt_line_with_record_separator_and_invalid_utf8_is_one_rejected_row(
    tmp_path: Path,
) -> None:
    from tests.monitor.conftest import gdelt_row

    lines = [gdelt_row(2, i).encode() for i in range(1, 5)]
    lines[1] = lines[1][:10] + b"\x1e\xff\xfe" + lines[1][10:]
    path = tmp_path / "e.export.CSV"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with EventStore(":memory:") as store:
        rep = store.ingest(path, fmt="gdelt2")
    assert (rep.rows_read, rep.rows_loaded, rep.rows_rejected) == (4, 3, 1)
    assert rep.examples[0][0] == 2 and "0x1E" in rep.examples[0][1]

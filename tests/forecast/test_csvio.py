"""The long-CSV reader: valid files parse; every malformed row is located."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import InputError
from detente.forecast.csvio import read_long_csv, read_long_csv_text

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "issue_id,actor,position,salience,capability,status_quo,outcome\n"


def test_fixture_parses_with_defaults() -> None:
    issues = {i.issue_id: i for i in read_long_csv(FIXTURES / "small_backtest.csv")}
    assert list(issues) == ["tariffs", "border", "water", "prisoners", "amnesty", "monitors"]
    assert issues["tariffs"].positions.tolist() == [20.0, 60.0, 40.0, 90.0]
    assert issues["tariffs"].status_quo == 0.0
    assert issues["tariffs"].outcome == 35.0
    assert issues["prisoners"].capabilities.tolist() == [1.0, 1.0, 1.0]
    assert issues["amnesty"].saliences.tolist() == [1.0, 1.0, 1.0]
    assert issues["amnesty"].outcome is None
    assert issues["monitors"].n_actors == 2


def test_columns_in_any_order_and_empty_position_ignored() -> None:
    text = (
        "outcome,status_quo,capability,salience,position,actor,issue_id\n"
        "40,0,1,50,10,a,x\n40,0,1,50,,b,x\n40,0,2,50,90,c,x\n"
    )
    (issue,) = read_long_csv_text(text)
    assert issue.actors == ("a", "c")
    assert issue.capabilities.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x,a,ten,50,1,0,40\n", "t.csv, line 2: column 'position': expected a number, got 'ten'"),
        ("x,a,10,-5,1,0,40\n", "t.csv, line 2: column 'salience': expected a number >= 0"),
        ("x,a,10,50,1,0,nan\n", "t.csv, line 2: column 'outcome': expected a number, got 'nan'"),
        ("x,a,10,50,1,0,40\nx,b,20,50,1,0,41\n", "t.csv, line 3: column 'outcome': expected '40'"),
        ("x,a,10,50,1,0,40\nx,a,20,50,1,0,40\n", "t.csv, line 3: column 'actor': actor 'a'"),
        ("x,a,10,50,1,0\n", "t.csv, line 2: expected 7 fields, got 6"),
        (",a,10,50,1,0,40\n", "t.csv, line 2: column 'issue_id'"),
        ("x,a,10,50,1,0,40\nx,b,20,,1,0,40\n", "t.csv, line 3: column 'salience': expected every"),
    ],
)
def test_bad_rows_are_located(body: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        read_long_csv_text(HEADER + body, "t.csv")
    assert message in str(err.value)


def test_missing_column_and_empty_file() -> None:
    with pytest.raises(InputError, match=r"t.csv, line 1: missing column\(s\) outcome"):
        read_long_csv_text("issue_id,actor,position,salience,capability,status_quo\n", "t.csv")
    with pytest.raises(InputError, match="empty"):
        read_long_csv_text("", "t.csv")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_long_csv(tmp_path / "nope.csv")

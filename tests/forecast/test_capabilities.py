"""Capabilities from an actor table or a named source, recorded with the issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import InputError
from detente.forecast import make_issue
from detente.forecast.capabilities import NAMED_SOURCES, apply_capabilities


def test_named_council_weights() -> None:
    nice = NAMED_SOURCES["eu-council-nice"]
    assert nice["germany"] == nice["de"] == 29.0 and nice["malta"] == 3.0
    # 27 members before Croatia: 345 votes (Treaty of Nice as amended by the 2005 Act of Accession)
    members = {k: v for k, v in nice.items() if len(k) == 2 and k not in ("gb", "gr", "hr")}
    assert sum(members.values()) == 345.0
    old = NAMED_SOURCES["eu-council-1995"]
    assert sum(v for k, v in old.items() if len(k) == 2 and k not in ("gb", "gr")) == 87.0


def test_fills_only_issues_without_capabilities_and_records_the_source() -> None:
    bare = make_issue("x", ["Germany", "FR", "Malta"], [0.0, 50.0, 100.0])
    given = make_issue("y", ["Germany", "FR", "Malta"], [0.0, 50.0, 100.0], None, [1, 1, 1])
    out = apply_capabilities([bare, given], "eu-council-nice")
    assert out[0].capabilities.tolist() == [29.0, 29.0, 3.0]
    assert out[0].capability_source == "eu-council-nice"
    assert out[1].capabilities.tolist() == [1.0, 1.0, 1.0] and out[1].capability_source == "data"


def test_unknown_actors_are_listed() -> None:
    bare = make_issue("x", ["Germany", "COM", "EP"], [0.0, 50.0, 100.0])
    with pytest.raises(InputError, match=r"no capability for COM \(issue x\), EP \(issue x\)"):
        apply_capabilities([bare], "eu-council-nice")


def test_table_with_per_issue_rows(tmp_path: Path) -> None:
    table = tmp_path / "caps.csv"
    table.write_text("actor,capability,issue_id\na,2,\nb,3,\nb,9,y\n", encoding="utf-8")
    issues = [make_issue(i, ["a", "b"], [0.0, 10.0]) for i in ("x", "y")]
    x, y = apply_capabilities(issues, str(table))
    assert x.capabilities.tolist() == [2.0, 3.0]
    assert y.capabilities.tolist() == [2.0, 9.0]
    assert x.capability_source == "table:caps.csv"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("who,capability\n", "expected columns actor,capability"),
        ("actor,capability\na,-1\n", "line 2: column 'capability': expected a number >= 0"),
        ("actor,capability\na,1\na,2\n", "line 3: actor 'a' listed twice"),
    ],
)
def test_bad_tables_are_located(tmp_path: Path, text: str, message: str) -> None:
    table = tmp_path / "caps.csv"
    table.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        apply_capabilities([make_issue("x", ["a"], [0.0])], str(table))


def test_unknown_source_name() -> None:
    with pytest.raises(InputError, match="unknown capability source 'votes'"):
        apply_capabilities([], "votes")

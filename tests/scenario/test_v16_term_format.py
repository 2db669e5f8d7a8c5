"""v16: fixed terms in the scenario format (``bundles[].term``, ``agreements_in_force[].term``
with ``term_ends`` and ``renewals``): a valid statement loads; every mistake is reported with
its file location."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.scenario import ScenarioError, parse_scenario
from detente.scenario.term import term_end_date, term_periods

FIXTURE = Path(__file__).parent / "fixtures" / "valid.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")
BUNDLE = "  - {id: trade_deal, name: Trade reopened, issues: [trade], sources: [S1]%s}\n"


def _text(bundle_extra: str = "", entry: str | None = None) -> str:
    block = "bundles:\n" + BUNDLE % bundle_extra
    if entry is not None:
        block += "agreements_in_force:\n" + entry
    return TEXT.replace("war:\n", block + "war:\n", 1)


def _entry(extra: str) -> str:
    head = "  - {bundle: trade_deal, since: 2024-03-01, terms: {trade: 60}, sources: [S1]"
    return head + extra + "}\n"


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name="case.yaml")
    return [str(p) for p in info.value.problems]


def test_a_bundle_term_and_an_in_force_term_load() -> None:
    s = parse_scenario(
        _text(
            ", term: {days: 30, sources: [S1]}",
            _entry(", term: {days: 120, renewal_days: 60, sources: [S1]}, renewals: [2024-05-01]"),
        ),
        name="case.yaml",
        strict=True,
    )
    (b,) = s.bundles
    assert b.term is not None and (b.term.days, b.term.renewal) == (30, "by_consent")
    (a,) = s.agreements_in_force
    assert a.term is not None and a.term.renewal_days == 60
    assert a.renewals == (dt.date(2024, 5, 1),)
    # no term_ends stated: one term after since (2024-03-01 + 120 days)
    assert term_end_date(a) == dt.date(2024, 6, 29)


def test_days_become_whole_periods() -> None:
    assert term_periods(120, 7.0) == 17  # the grain corridor's 120 days
    assert term_periods(30, 7.0) == 4  # the energy moratorium's 30 days
    assert term_periods(2, 7.0) == 1  # a short truce lasts at least one period


@pytest.mark.parametrize(
    ("bundle_extra", "entry", "expected"),
    [
        (", term: {days: 0}", None, "bundles[0].term.days"),
        (", term: {days: 30, renewal: sometimes}", None, "bundles[0].term.renewal"),
        (", term: {days: 30, weeks: 4}", None, "bundles[0].term.weeks"),
        (
            "",
            _entry(", term_ends: 2024-07-01"),
            "agreements_in_force[0].term_ends: term_ends is given without a term",
        ),
        (
            "",
            _entry(", renewals: [2024-04-01]"),
            "agreements_in_force[0].renewals: renewals are given without a term",
        ),
        (
            "",
            _entry(", term: {days: 30}"),
            "its current term ends 2024-03-31, before meta.as_of 2024-06-01",
        ),
        (
            "",
            _entry(", term: {days: 30}, term_ends: 2024-05-01"),
            "agreements_in_force[0].term_ends: its current term ends 2024-05-01",
        ),
        (
            "",
            _entry(", term: {days: 300}, renewals: [2024-07-01]"),
            "agreements_in_force[0].renewals[0]: renewal 2024-07-01 is not between since",
        ),
        (
            "",
            _entry(", term: {days: 300, renewal: none}, renewals: [2024-04-01]"),
            "renewals are given for a term that cannot be renewed",
        ),
    ],
)
def test_mistakes_are_located(bundle_extra: str, entry: str | None, expected: str) -> None:
    found = _problems(_text(bundle_extra, entry))
    assert any(expected in p for p in found), found
    assert all(p.startswith("case.yaml:") for p in found)

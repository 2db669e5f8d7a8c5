"""``detente check`` on a scenario whose term parts (``term.parts``) and accounts (v17b) are
malformed the ways a user would write them (branch q18, item 5): each is a located error
(file:line:column, the field's path, the reason, exit 1), never a traceback; YAML's own
words for lists and mappings, not Python's ("tuple", "dictionary or instance of")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.app import app

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "scenarios" / "ukraine-2022-11.yaml"  # the one agreement in force with parts
TEXT = SNAPSHOT.read_text(encoding="utf-8")
_START = TEXT.index("    parts:\n", TEXT.index("agreements_in_force:"))
_END = TEXT.index("\n    sources:\n", _START) + 1
PARTS = TEXT[_START:_END]  # the Black Sea initiative's term.parts block
WHERE = "agreements_in_force[0].term.parts"

RU_PART = """    parts:
    - by: RU
      to: UA
      what: safe passage
"""


def _parts(block: str) -> str:
    return TEXT[:_START] + block + TEXT[_END:]


def _account(*lines: str) -> str:
    return RU_PART + "      accounts:\n" + "".join(f"      {ln}\n" for ln in lines)


CASES = [
    (
        "an account without a date",
        _parts(_account("- verdict: kept")),
        f"{WHERE}[0].accounts[0].date: required field is missing",
    ),
    (
        "an account dated after meta.as_of",
        _parts(_account("- {date: 2022-12-01, verdict: kept}")),
        f"{WHERE}[0].accounts[0].date: account dated 2022-12-01 is not between since 2022-07-22 "
        "and meta.as_of 2022-11-16",
    ),
    (
        "an account dated before the agreement",
        _parts(_account("- {date: 2022-07-01, verdict: broken}")),
        "account dated 2022-07-01 is not between since 2022-07-22",
    ),
    (
        "an impossible date",
        _parts(_account("- {date: 2022-13-01, verdict: kept}")),
        f"{WHERE}[0].accounts[0].date: ",
    ),
    (
        "a date in another form",
        _parts(_account("- {date: '20221031', verdict: kept}")),
        "accounts[0].date: expected a date YYYY-MM-DD (got '20221031')",
    ),
    (
        "an empty date",
        _parts(_account("- {date: null, verdict: kept}")),
        "accounts[0].date: expected a date YYYY-MM-DD",
    ),
    (
        "a share instead of a verdict",
        _parts(_account("- {date: 2022-10-31, verdict: 1.5}")),
        "accounts[0].verdict: Input should be 'kept', 'partly_kept' or 'broken' (got 1.5)",
    ),
    (
        "a share beside the verdict",
        _parts(_account("- {date: 2022-10-31, verdict: kept, share: 0.5}")),
        "accounts[0].share: unknown field 'share'",
    ),
    (
        "a verdict misspelt",
        _parts(_account("- {date: 2022-10-31, verdict: partly kept}")),
        "did you mean 'partly_kept'?",
    ),
    (
        "accounts out of order",
        _parts(
            _account("- {date: 2022-10-31, verdict: kept}", "- {date: 2022-09-30, verdict: broken}")
        ),
        f"{WHERE}[0].accounts[1].date: accounts are not oldest first",
    ),
    (
        "a part owed to an unknown party",
        _parts(RU_PART.replace("to: UA", "to: Ukraine")),
        f"{WHERE}[0].to: unknown actor id 'Ukraine'",
    ),
    (
        "a part owed to its debtor",
        _parts(RU_PART.replace("to: UA", "to: RU")),
        f"{WHERE}[0].by: a part owed by 'RU' to itself",
    ),
    (
        "a part without what it is",
        _parts(RU_PART.replace("      what: safe passage\n", "")),
        f"{WHERE}[0].what: required field is missing",
    ),
    ("parts left empty", _parts("    parts:\n"), f"{WHERE}: expected a list"),
    (
        "one account written as a mapping",
        _parts(RU_PART + "      accounts: {date: 2022-10-31, verdict: kept}\n"),
        f"{WHERE}[0].accounts: expected a list",
    ),
    (
        "accounts written as a word",
        _parts(RU_PART + "      accounts: kept\n"),
        f"{WHERE}[0].accounts: expected a list",
    ),
    (
        "a part written as a name",
        _parts("    parts:\n    - RU\n"),
        f"{WHERE}[0]: expected a mapping of fields",
    ),
    (
        "accounts on a bundle's term",
        TEXT.replace(
            "  term:\n    days: 120\n",
            "  term:\n    days: 120\n"
            + _account("- {date: 2022-10-31, verdict: kept}").replace("\n    ", "\n    ", 1),
            1,
        ),
        "term.parts[0].accounts: accounts are given on a bundle's term",
    ),
]


def test_the_blocks_are_where_the_cases_expect() -> None:
    assert PARTS.startswith("    parts:\n    - by: RU\n") and "    - by: UN\n" in PARTS
    assert TEXT.count("  term:\n    days: 120\n") == 2  # the bundle's, then the agreement's


@pytest.mark.parametrize(("case", "text", "message"), CASES, ids=[c[0] for c in CASES])
def test_check_locates_each_malformed_part_or_account(
    tmp_path: Path, case: str, text: str, message: str
) -> None:
    path = tmp_path / "grain.yaml"
    path.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(app, ["check", str(path)], env={"COLUMNS": "400"})
    assert r.exit_code == 1, (case, r.output)
    assert r.exception is None or isinstance(r.exception, SystemExit), (case, r.exception)
    assert "Traceback" not in r.output
    flat = " ".join(r.output.split())
    assert message in flat, (case, flat)
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: ", flat), (case, flat)
    assert "tuple" not in flat and "instance of" not in flat, (case, flat)


def test_a_part_owed_by_a_party_the_scenario_does_not_model_is_valid(tmp_path: Path) -> None:
    """``by`` may name a party outside the scenario (the UN of the memorandum), as the format
    says; the shipped snapshot and a variant owing to another such party both pass."""
    path = tmp_path / "grain.yaml"
    path.write_text(TEXT.replace("    - by: UN\n", "    - by: FAO\n", 1), encoding="utf-8")
    r = CliRunner().invoke(app, ["check", str(path)])
    assert r.exit_code == 0, r.output

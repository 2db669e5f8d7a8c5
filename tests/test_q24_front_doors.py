"""q24 item 1 (review rev22 item 6): the monitor's and serve's remaining usage errors.

On main ``f60b0d0``: ``monitor flags --deadline`` before ``--date`` exited 1 after opening the
store; ``monitor flags SCENARIO --deadline D`` (a claim's term without the ad-hoc claim) was
ignored; ``monitor measures --start`` after ``--end`` exited 0 with an empty result; ``--size``
was ignored with ``--direction cease``; ``monitor ingest --parquet p.txt`` wrote Parquet into a
``.txt`` file; ``serve --host ""`` exited 1; (item 6, a pass of bad values over every option)
``monitor measures --actor ""`` dropped the filter and reported every actor, and an empty
``--region`` or ``--counterpart`` of ``flags`` matched nothing. Each is now a usage error
(exit 2) naming the option, raised before any store is opened or file created (the ``--db``
given below does not exist: opening it would have been an exit 1 "no such store" or a new,
empty store).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from tests.test_q23_front_doors import _check_usage_error
from typer.testing import CliRunner

from detente.errors import InputError, OptionValueError

ROOT = Path(__file__).parents[1]
TEACHING = str(ROOT / "scenarios" / "teaching.yaml")
EVENTS = str(ROOT / "tests" / "monitor" / "fixtures" / "gdelt2_sample.export.CSV")

runner = CliRunner()

CLAIM = ["--actor", "RUS", "--date", "2020-03-01"]

# (arguments after `monitor`, the option named, words of the message)
CASES: list[tuple[list[str], str, list[str]]] = [
    (["flags", *CLAIM, "--deadline", "2020-02-01"], "--deadline",
     ["2020-02-01 is before --date 2020-03-01"]),
    (["flags", TEACHING, "--deadline", "2020-02-01"], "--deadline", ["give --actor and --date"]),
    (["flags", TEACHING, "--size", "0.5"], "--size", ["give --actor and --date"]),
    (["flags", TEACHING, "--region", "Donetsk"], "--region", ["give --actor and --date"]),
    (["flags", TEACHING, "--counterpart", "UKR"], "--counterpart", ["give --actor and --date"]),
    (["flags", *CLAIM, "--size", "0.5"], "--size",
     ["--direction cease", "a fall of 90%", "--direction decrease"]),
    (["flags", *CLAIM, "--direction", "maintain", "--size", "0.5"], "--size",
     ["--direction maintain"]),
    (["measures", "--start", "2020-03-01", "--end", "2020-02-01"], "--end",
     ["2020-02-01 is not after --start 2020-03-01"]),
    (["measures", "--start", "2020-03-01", "--end", "2020-03-01"], "--end", ["is not after"]),
    (["ingest", EVENTS, "--parquet", "p.txt"], "--parquet",
     ["must end in .parquet or .pq", "'p.txt'"]),
    # item 6: an empty name was dropped as no filter (measures: every actor) or matched nothing
    (["measures", "--actor", ""], "--actor", ["empty; give a name"]),
    (["measures", "--region", " "], "--region", ["empty; give a name"]),
    (["flags", "--actor", "", "--date", "2020-03-01"], "--actor", ["empty; give a name"]),
    (["flags", *CLAIM, "--region", ""], "--region", ["empty; give a name"]),
    (["flags", *CLAIM, "--counterpart", ""], "--counterpart", ["empty; give a name"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "option", "words"), CASES, ids=[" ".join(a[:1] + a[-2:]) or "?" for a, _, _ in CASES]
)
def test_a_monitor_usage_error_before_any_store(
    app: typer.Typer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    option: str,
    words: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["monitor", *args, "--db", "new.duckdb"], env={"COLUMNS": "400"})
    _check_usage_error(res, option, words)
    assert list(tmp_path.iterdir()) == []  # no store, no Parquet file


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    from detente.api.monitor import ingest

    db = tmp_path_factory.mktemp("q24") / "events.duckdb"
    ingest(EVENTS, db, input_format="gdelt2")
    return str(db)


def test_the_api_raises_the_same_errors(store: str, tmp_path: Path) -> None:
    from detente.api.monitor import flags, ingest, measures, open_store

    claim: dict[str, Any] = {"actor": "RUS", "date": "2020-03-01"}
    calls: list[tuple[str, Any]] = [
        ("--deadline", lambda: flags(store, **claim, deadline="2020-02-01")),
        ("--deadline", lambda: flags(store, TEACHING, deadline="2020-02-01")),
        ("--size", lambda: flags(store, **claim, size=0.5)),
        ("--end", lambda: measures(store, start="2020-03-01", end="2020-02-01")),
        ("--parquet", lambda: ingest(EVENTS, tmp_path / "x.duckdb", parquet=tmp_path / "p.txt")),
        ("--parquet", lambda: open_store(tmp_path / "y.duckdb").ingest(EVENTS, parquet="p.csv")),
    ]
    for option, call in calls:
        with pytest.raises(OptionValueError) as err:
            call()
        assert err.value.option == option
        assert isinstance(err.value, InputError)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_what_the_options_take_still_works(store: str, tmp_path: Path) -> None:
    from detente.api.monitor import flags, ingest, measures

    claim: dict[str, Any] = {"actor": "RUS", "date": "2020-03-01"}
    flags(store, **claim, deadline="2020-03-01")  # a one-day window
    flags(store, **claim, direction="decrease", size=0.5, deadline="2020-04-01")
    flags(store, TEACHING)
    measures(store, start="2020-01-01", end="2020-01-02")
    assert measures(store, region="*").records() == measures(store).records()  # "*": everywhere
    out = tmp_path / "events.PARQUET"  # the ending's case does not matter
    ingest(EVENTS, tmp_path / "e.duckdb", input_format="gdelt2", parquet=out)
    assert out.stat().st_size > 0


def test_serve_refuses_an_empty_host(app: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from detente.web.monitorview import EventSource

    def must_not_run(*_a: Any, **_k: Any) -> None:
        raise AssertionError("reached")

    monkeypatch.setattr(uvicorn, "run", must_not_run)
    monkeypatch.setattr(EventSource, "check", must_not_run)  # the store: not opened
    for host in ("", "  "):
        res = runner.invoke(app, ["serve", "--host", host], env={"COLUMNS": "400"})
        _check_usage_error(res, "--host", ["empty", "127.0.0.1"])
        assert "detente workspace at" not in res.output


def test_trust_chart_keeps_its_ending_check(app: typer.Typer, tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["trust", TEACHING, "--chart", str(tmp_path / "c.txt")], env={"COLUMNS": "400"}
    )
    _check_usage_error(res, "--chart", ["must end in .svg or .png", "'c.txt'"])


def test_serve_names_a_scenarios_option_that_is_no_directory(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review rev23 finding 6: ``--scenarios FILE`` exited 1 without naming the option."""
    import uvicorn

    def must_not_run(*_a: Any, **_k: Any) -> None:
        raise AssertionError("reached")

    monkeypatch.setattr(uvicorn, "run", must_not_run)
    plain = tmp_path / "plain.txt"
    plain.write_text("not a folder\n")
    res = runner.invoke(
        app, ["serve", "--scenarios", str(plain), "--port", "18766"], env={"COLUMNS": "400"}
    )
    _check_usage_error(res, "--scenarios", ["not a directory"])


def test_serve_names_its_own_store_option(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review rev23 finding 7: ``serve --store TEXTFILE`` said "--db must name a store"."""
    import uvicorn

    def must_not_run(*_a: Any, **_k: Any) -> None:
        raise AssertionError("reached")

    monkeypatch.setattr(uvicorn, "run", must_not_run)
    plain = tmp_path / "events.csv"
    plain.write_text("a,b\n1,2\n")
    res = runner.invoke(
        app, ["serve", "--store", str(plain), "--port", "18768"], env={"COLUMNS": "400"}
    )
    text = " ".join(res.output.replace("│", " ").split())
    assert res.exit_code != 0 and "--store must name a store" in text, text
    assert "--db" not in text and "Traceback" not in res.output
    assert plain.read_text() == "a,b\n1,2\n"  # never written

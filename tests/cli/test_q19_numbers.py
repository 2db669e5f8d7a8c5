"""One parser for numeric options and arguments (branch q19).

On the base (int18) only ``simulate`` and ``what-it-takes --top`` read ``1e3`` and ``2_000``:
``forecast``, ``report``, ``demo`` and ``analyze`` refused them (typer's ``min=``), ``trust
explain --top``, ``forecast backtest --folds/--bootstrap`` and ``sweep --workers`` had no
range at all (``--top 0`` or ``--workers 0`` reached the engines), ``monitor flags --size``
took ``nan`` and ``5``, and the Python API compared ``runs < 1`` on whatever it was given
(``runs=float("nan")`` passed, ``runs=1.5`` ran, ``seed=None`` was a ``TypeError``
traceback). Now every numeric option goes through :mod:`detente.api.numbers`, with one
message naming the option, quoting the value and saying what is accepted.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import detente as d
from detente.cli.app import app
from detente.errors import InputError

REPO = Path(__file__).resolve().parents[2]
TEACHING = str(REPO / "scenarios" / "teaching.yaml")
SWEEP = str(REPO / "sweeps" / "quick.yaml")
EXPLAIN = ["--truster", "SUD", "--trustee", "NOR", "-d", "integrity"]
runner = CliRunner()
WIDE = {"COLUMNS": "400"}


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


# every numeric option of every command: the command line before the option, the option
NUMERIC_OPTIONS: list[tuple[list[str], str]] = [
    (["simulate", TEACHING], "--runs"),
    (["simulate", TEACHING], "--seed"),
    (["simulate", TEACHING], "--periods"),
    (["simulate", TEACHING], "--workers"),
    (["forecast", TEACHING], "--runs"),
    (["forecast", TEACHING], "--seed"),
    (["forecast", "backtest", TEACHING], "--folds"),
    (["forecast", "backtest", TEACHING], "--seed"),
    (["forecast", "backtest", TEACHING], "--bootstrap"),
    (["report", TEACHING], "--runs"),
    (["report", TEACHING], "--seed"),
    (["report", TEACHING], "--trust-window"),
    (["demo"], "--runs"),
    (["demo"], "--seed"),
    (["analyze", TEACHING], "--seed"),
    (["proposals", TEACHING], "--seed"),
    (["what-it-takes", TEACHING], "--seed"),
    (["what-it-takes", TEACHING], "--top"),
    (["trust", "explain", TEACHING, *EXPLAIN], "--top"),
    (["sweep", SWEEP], "--workers"),
    (["serve"], "--port"),
    (["serve"], "--workers"),
    (["monitor", "flags", "--db", "none.duckdb"], "--size"),
]
IDS = [f"{' '.join(a[:2])} {o}" for a, o in NUMERIC_OPTIONS]

# refused by every numeric option, whatever its range
REFUSED = ["1.5e0x", "nan", "inf", "-inf", "1e30", "true", "0x10", "1__0", "", "-1e30"]


@pytest.mark.parametrize(("args", "option"), NUMERIC_OPTIONS, ids=IDS)
@pytest.mark.parametrize("value", REFUSED)
def test_every_numeric_option_refuses_the_same_spellings_with_one_message(
    args: list[str], option: str, value: str
) -> None:
    r = runner.invoke(app, [*args, option, value], env=WIDE)
    flat = _flat(r.output)
    assert r.exit_code == 2, (args, option, value, r.output)
    assert f"Invalid value for '{option}': {value!r} is " in flat, flat
    assert "; expected a " in flat and "Traceback" not in r.output


COUNTS = [(a, o) for a, o in NUMERIC_OPTIONS if o != "--size"]


@pytest.mark.parametrize(("args", "option"), COUNTS, ids=[i for i in IDS if "--size" not in i])
def test_every_count_refuses_fractions(args: list[str], option: str) -> None:
    r = runner.invoke(app, [*args, option, "2.5"], env=WIDE)
    assert r.exit_code == 2, r.output
    assert f"Invalid value for '{option}': '2.5' is not a whole number" in _flat(r.output)


@pytest.mark.parametrize(
    "args",
    [
        ["forecast", TEACHING, "--runs", "1e2", "--seed", "7_000", "-f", "json"],
        ["analyze", TEACHING, "--seed", "1e3", "-f", "json"],
        ["trust", "explain", TEACHING, *EXPLAIN, "--top", "2e0"],
        ["simulate", TEACHING, "--runs", "1e2", "--periods", "1_0", "-f", "json"],
    ],
    ids=["forecast", "analyze", "trust-explain", "simulate"],
)
def test_every_command_accepts_scientific_and_underscored_counts(args: list[str]) -> None:
    r = runner.invoke(app, args, env=WIDE)
    assert r.exit_code == 0, r.output


def test_same_seed_spelled_three_ways_gives_the_same_document() -> None:
    docs = []
    for seed in ("1000", "1_000", "1e3"):
        r = runner.invoke(app, ["forecast", TEACHING, "--runs", "50", "--seed", seed, "-f", "json"])
        assert r.exit_code == 0, r.output
        docs.append(r.stdout.split('"manifest"')[0])
    assert docs[0] == docs[1] == docs[2]


def test_ranges_are_shown_in_help_and_refused_at_their_bounds() -> None:
    r = runner.invoke(app, ["forecast", "backtest", "--help"], env=WIDE)
    assert "--folds INTEGER [2<=x<=10000]" in _flat(r.output), r.output
    r = runner.invoke(app, ["forecast", "backtest", TEACHING, "--folds", "1"], env=WIDE)
    assert r.exit_code == 2 and "'1' is out of range" in _flat(r.output), r.output
    r = runner.invoke(app, ["monitor", "flags", "--db", "x", "--size", "1.5"], env=WIDE)
    assert r.exit_code == 2
    assert "'1.5' is out of range; expected a number from 0 to 1" in _flat(r.output)


def test_runs_beyond_the_parser_range_are_refused_before_the_budgets() -> None:
    r = runner.invoke(app, ["simulate", TEACHING, "--runs", "1e12"], env=WIDE)
    assert r.exit_code == 2, r.output
    assert "'1e12' is out of range; expected a whole number from 1 to 1_000_000_000" in _flat(
        r.output
    )


def test_forecast_runs_within_range_but_beyond_memory_are_refused_with_an_estimate() -> None:
    r = runner.invoke(app, ["forecast", TEACHING, "--runs", "1e9"], env=WIDE)
    assert r.exit_code == 1, r.output
    assert "would need about" in r.output and "DETENTE_MEMORY_BUDGET" in r.output


# --- the Python API: the same parser, a located InputError ------------------------------

API_BAD: list[tuple[str, dict[str, Any], str]] = [
    ("simulate", {"runs": 1.5}, "runs (--runs): 1.5 is not a whole number"),
    ("simulate", {"runs": math.nan}, "runs (--runs): nan is not a finite number"),
    ("simulate", {"runs": True}, "runs (--runs): True is a boolean"),
    ("simulate", {"runs": 10**30}, "runs (--runs): 1000000000000000000000000000000 is out"),
    ("simulate", {"periods": 0}, "periods (--periods): 0 is out of range"),
    ("simulate", {"workers": "many"}, "workers (--workers): 'many' is not a number"),
    ("simulate", {"seed": -1}, "seed (--seed): -1 is out of range"),
    ("forecast", {"runs": math.inf}, "runs (--runs): inf is not a finite number"),
    ("forecast", {"seed": 2.5}, "seed (--seed): 2.5 is not a whole number"),
    ("analyze", {"seed": None}, "seed (--seed): None is a NoneType, not a number"),
    ("analyze", {"seed": "1e400"}, "seed (--seed): '1e400' is out of range"),
    ("score_proposals", {"seed": math.nan}, "seed (--seed): nan is not a finite"),
    ("what_it_takes", {"top": 0.5}, "top (--top): 0.5 is not a whole number"),
    ("report", {"runs": 0}, "runs (--runs): 0 is out of range"),
    ("report", {"trust_window": 2.5}, "trust_window (--trust-window): 2.5 is not a whole"),
    ("backtest", {"folds": 1}, "folds (--folds): 1 is out of range"),
    ("backtest", {"bootstrap": math.nan}, "bootstrap (--bootstrap): nan is not a finite"),
]


@pytest.mark.parametrize(
    ("function", "kwargs", "message"), API_BAD, ids=[f"{f}-{k}" for f, k, _ in API_BAD]
)
def test_api_arguments_give_a_located_input_error(
    function: str, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        getattr(d, function)(TEACHING, **kwargs)
    assert str(caught.value).startswith(message), str(caught.value)
    assert "; expected a " in str(caught.value)


def test_api_explain_top_and_flags_size_use_the_same_parser(tmp_path: Path) -> None:
    from detente.api.monitor import flags

    replay = d.replay_trust(TEACHING)
    with pytest.raises(InputError, match=r"top \(--top\): -1 is out of range"):
        replay.explain("a", "b", "military", top=-1)
    with pytest.raises(InputError, match=r"size \(--size\): nan is not a finite number"):
        flags(tmp_path / "none.duckdb", actor="a", date="2024-01-01", size=math.nan)


def test_api_accepts_what_the_cli_accepts() -> None:
    a = d.simulate(TEACHING, runs="1e2", seed=1e3, periods="1_0")
    b = d.simulate(TEACHING, runs=100, seed=1000, periods=10)
    assert a.summary() == b.summary()


# --- the parser itself: a property over option strings -----------------------------------


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=30) | st.from_regex(r"[+-]?[0-9_.eE]{0,12}", fullmatch=True))
def test_parser_property_over_any_text(text: str) -> None:
    """Any text gives a whole number inside the range or the located error, never anything
    else (no other exception, no NaN, no value outside the range)."""
    from detente.api.numbers import RUNS, SIZE, real, whole
    from detente.errors import OptionValueError

    try:
        n = whole(text, RUNS)
    except OptionValueError as err:
        assert str(err).startswith("runs (--runs): ") and "; expected a whole number" in str(err)
    else:
        assert type(n) is int and 1 <= n <= RUNS.maximum
    try:
        x = real(text, SIZE)
    except OptionValueError as err:
        assert str(err).startswith("size (--size): ")
    else:
        assert type(x) is float and 0.0 <= x <= 1.0


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=10**9))
def test_parser_property_reads_every_spelling_of_a_count(n: int) -> None:
    from detente.api.numbers import RUNS, whole

    assert whole(str(n), RUNS) == n
    assert whole(f"{n:_}", RUNS) == n
    assert whole(f" +{n} ", RUNS) == n
    assert whole(f"{n}.0", RUNS) == n
    assert whole(f"{n:e}".replace("e+0", "e"), RUNS) == int(float(f"{n:e}"))
    assert whole(float(n), RUNS) == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**40), max_value=10**40))
def test_parser_property_refuses_every_count_outside_the_range(n: int) -> None:
    from detente.api.numbers import PERIODS, whole
    from detente.errors import OptionValueError

    if 1 <= n <= PERIODS.maximum:
        assert whole(n, PERIODS) == n
        return
    for value in (n, str(n), f"{n:_}"):
        with pytest.raises(OptionValueError, match="is out of range"):
            whole(value, PERIODS)


def test_every_numeric_cli_option_goes_through_the_one_parser() -> None:
    """Inventory: an option whose Python type is int or float uses ``cli.common.number`` (so a
    new option cannot come back with typer's own ``min=`` and its other spellings)."""
    import typer.main

    root = typer.main.get_command(app)

    def walk(cmd: Any, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
        found = [(path, p) for p in getattr(cmd, "params", [])]
        for name, sub in getattr(cmd, "commands", {}).items():
            found += walk(sub, (*path, name))
        return found

    numeric = []
    for path, param in walk(root, ()):
        desc = getattr(param, "type_descriptor", None)
        annotation = getattr(desc, "annotation", None)
        inner = set(get_args(annotation)) - {type(None)} or {annotation}
        if param.param_type_name != "option" or not inner & {int, float}:
            continue
        parser = getattr(desc.parameter_info, "parser", None)
        assert getattr(parser, "kind", None) is not None, (path, param.name)
        numeric.append((path, param.name))
    assert len(numeric) == len(NUMERIC_OPTIONS), numeric

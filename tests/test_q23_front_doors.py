"""q23 item 1: a bad option value is a usage error (exit 2) on every command.

``detente trust --truster XX``, ``--rule magic``, ``trust explain --dimension love`` and
``detente forecast --model nope`` exited 1 with the engine's message, where the CLI reference
gives 2 for a value the option cannot take (as ``--part nope`` or ``--mechanisms nope`` since
q22). The same held for ``monitor`` (``--direction``, ``--window``, ``--input-format``, which
also left a new, empty store behind), ``sweep --backend`` and ``forecast --capabilities``.
Each is now refused before any work as a usage error naming the option and listing the values
it takes; the Python API raises :class:`~detente.errors.OptionValueError` (an ``InputError``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from detente.errors import InputError, OptionValueError

ROOT = Path(__file__).parents[1]
TEACHING = str(ROOT / "scenarios" / "teaching.yaml")
SWEEP = str(ROOT / "sweeps" / "quick.yaml")
EVENTS = str(ROOT / "tests" / "monitor" / "fixtures" / "gdelt2_sample.export.CSV")
CSV = str(ROOT / "tests" / "forecast" / "fixtures" / "small_backtest.csv")
ACTORS = "NOR, SUD, SUD_GUARD, LAK"

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    from detente.api.monitor import ingest

    db = tmp_path_factory.mktemp("q23") / "events.duckdb"
    ingest(EVENTS, db, input_format="gdelt2")
    return str(db)


# (arguments, the option named, words of the message: the value and what the option takes)
CASES: list[tuple[list[str], str, list[str]]] = [
    (["trust", TEACHING, "--truster", "XX"], "--truster", ["'XX'", ACTORS]),
    (["trust", TEACHING, "--trustee", "XX"], "--trustee", ["'XX'", ACTORS]),
    (["trust", TEACHING, "--rule", "magic"], "--rule", ["'magic'", "bayes, evidence"]),
    (["trust", TEACHING, "--truster", "NOR", "--trustee", "SUD_GUARD"], "--trustee",
     ["known pairs", "NOR→SUD"]),
    (["trust", "explain", TEACHING, "--truster", "NOR", "--trustee", "SUD", "--dimension",
      "love"], "--dimension", ["'love'", "capacity, peaceful_intention, integrity"]),
    (["trust", "explain", TEACHING, "--truster", "XX", "--trustee", "SUD", "--dimension",
      "integrity"], "--truster", ["'XX'", ACTORS]),
    (["trust", "explain", TEACHING, "--truster", "NOR", "--trustee", "NOR", "--dimension",
      "integrity"], "--trustee", ["must differ"]),
    (["trust", "explain", TEACHING, "--truster", "NOR", "--trustee", "SUD", "--dimension",
      "integrity", "--rule", "magic"], "--rule", ["'magic'", "bayes, evidence"]),
    (["forecast", TEACHING, "--model", "nope"], "--model", ["'nope'", "compromise, median"]),
    (["forecast", "run", CSV, "--model", "nope"], "--model", ["'nope'", "compromise"]),
    (["forecast", "backtest", CSV, "--model", "compromise", "--model", "nope"], "--model",
     ["'nope'", "compromise"]),
    (["forecast", CSV, "--capabilities", "votes"], "--capabilities",
     ["'votes'", "eu-council-nice, eu-council-1995"]),
    (["sweep", SWEEP, "--backend", "nope"], "--backend", ["'nope'", "serial, processes, dask"]),
    (["sweep", SWEEP, "--scheduler", "tcp://127.0.0.1:1"], "--scheduler", ["--backend dask"]),
    (["sweep", SWEEP, "--resume"], "--resume", ["--catalog"]),
]  # fmt: skip

STORE_CASES: list[tuple[list[str], str, list[str]]] = [
    (["monitor", "measures", "--window", "fortnight"], "--window",
     ["'fortnight'", "day, week, month, quarter, year"]),
    (["monitor", "flags", "--actor", "RUS", "--date", "2020-01-01", "--direction", "nope"],
     "--direction", ["'nope'", "cease, decrease, maintain"]),
    (["monitor", "flags"], "--actor", ["a scenario or an ad-hoc claim"]),
    (["monitor", "flags", "--actor", "RUS"], "--date", ["needs a date"]),
    (["monitor", "flags", "--date", "2020-01-01"], "--actor", ["needs an actor"]),
    (["monitor", "verify", TEACHING, "--out", "observations.txt"], "--out",
     [".yaml, .yml or .json", "'observations.txt'"]),
]  # fmt: skip


def _id(args: list[str]) -> str:
    return " ".join(Path(a).name if "/" in a else a for a in args)


def _check_usage_error(res: Any, option: str, words: list[str]) -> None:
    assert res.exit_code == 2, res.output
    text = " ".join(res.output.replace("│", " ").split())  # the box's lines joined
    assert f"Invalid value for '{option}'" in text, text
    for word in words:
        assert word in text, (word, text)
    assert "Traceback" not in res.output


@pytest.mark.parametrize(("args", "option", "words"), CASES, ids=[_id(a) for a, _, _ in CASES])
def test_a_bad_option_value_is_a_usage_error_naming_the_option(
    app: typer.Typer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    option: str,
    words: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, args, env={"COLUMNS": "400"})
    _check_usage_error(res, option, words)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "option", "words"),
    STORE_CASES,
    ids=[_id(a) for a, _, _ in STORE_CASES],
)
def test_the_monitors_bad_option_values_are_usage_errors(
    app: typer.Typer,
    store: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    option: str,
    words: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, [*args, "--db", store], env={"COLUMNS": "400"})
    _check_usage_error(res, option, words)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_input_format_leaves_no_new_store(app: typer.Typer, tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    args = ["monitor", "ingest", EVENTS, "--db", str(db), "--input-format", "nope"]
    res = runner.invoke(app, args, env={"COLUMNS": "400"})
    _check_usage_error(res, "--input-format", ["'nope'", "gdelt1, gdelt2"])
    assert not db.exists()  # it was created, empty, before


def test_the_api_raises_option_value_errors(store: str, tmp_path: Path) -> None:
    import detente
    from detente.api import backtest, forecast
    from detente.api.monitor import flags, ingest, measures

    calls: list[tuple[str, Any]] = [
        ("--truster", lambda: detente.replay_trust(TEACHING, truster="XX")),
        ("--rule", lambda: detente.replay_trust(TEACHING, rule="magic")),
        ("--dimension", lambda: detente.replay_trust(TEACHING).explain("NOR", "SUD", "love")),
        ("--model", lambda: forecast(CSV, model="nope")),
        ("--model", lambda: backtest(CSV, models=["nope"])),
        ("--capabilities", lambda: forecast(CSV, capabilities="votes")),
        ("--window", lambda: measures(store, window="fortnight")),
        ("--direction", lambda: flags(store, actor="RUS", date="2020-01-01", direction="up")),
        ("--input-format", lambda: ingest(EVENTS, tmp_path / "x.duckdb", input_format="nope")),
    ]
    for option, call in calls:
        with pytest.raises(OptionValueError) as err:
            call()
        assert err.value.option == option
        assert isinstance(err.value, InputError)  # callers catching InputError still do
    assert not (tmp_path / "x.duckdb").exists()


def test_the_values_the_options_take_still_work(store: str) -> None:
    import detente
    from detente.api import forecast
    from detente.api.monitor import flags, measures

    replay = detente.replay_trust(TEACHING, truster="NOR", trustee="SUD", rule="bayes")
    assert replay.records()
    assert replay.explain("NOR", "SUD", "integrity").records()
    assert forecast(CSV, model="median", runs=10).records()
    assert measures(store, window="month").records()
    flags(store, actor="RUS", date="2020-01-01", direction="decrease", size=0.5)


def _free_text_options() -> set[tuple[str, str]]:
    """(command, option) of every option of the command tree that takes free text: not a
    flag, a number, a date, a path or a fixed choice (an enum)."""
    import enum

    from typer._click import Context
    from typer.main import get_command

    from detente.cli.app import app

    found: set[tuple[str, str]] = set()

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        for p in cmd.get_params(Context(cmd)):
            if p.param_type_name != "option" or getattr(p, "is_flag", False) or p.hidden:
                continue
            desc = getattr(p, "type_descriptor", None)
            info = getattr(desc, "parameter_info", None)
            if getattr(info, "parser", None) is not None:  # numbers, dates, paths
                continue
            annotation = getattr(desc, "annotation", None)
            if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
                continue
            found.add((" ".join(path), p.opts[0]))
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, (*path, name))

    walk(get_command(app), ())
    return found


FREE_TEXT = {
    # names checked against a list (a bad one is a usage error: the cases above)
    ("trust show", "--truster"), ("trust show", "--trustee"), ("trust show", "--rule"),
    ("trust explain", "--truster"), ("trust explain", "--trustee"),
    ("trust explain", "--dimension"), ("trust explain", "--rule"),
    ("forecast run", "--model"), ("forecast backtest", "--model"),
    ("forecast run", "--capabilities"), ("forecast backtest", "--capabilities"),
    ("monitor measures", "--window"), ("monitor flags", "--direction"),
    ("monitor ingest", "--input-format"), ("sweep", "--backend"), ("sweep", "--until"),
    ("sweep", "--scheduler"), ("show", "--part"), ("what-it-takes", "--mechanisms"),
    # names of the event data (any text matches or does not): no list to check against
    ("monitor measures", "--actor"), ("monitor measures", "--region"),
    ("monitor flags", "--actor"), ("monitor flags", "--region"),
    ("monitor flags", "--counterpart"),
    # an address to bind (refused by the system: exit 1, "cannot be read or written")
    ("serve", "--host"),
}  # fmt: skip


def test_every_free_text_option_is_accounted_for() -> None:
    """A new option taking a name must be added here (with a bad-value case above when it
    takes one of a list), so it cannot slip back to exit 1."""
    assert _free_text_options() == FREE_TEXT

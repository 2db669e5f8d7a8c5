"""Front-door defects a newcomer met (branch q17): ``--as-of`` after the scenario's own date was
accepted silently; an impossible date (``2024-02-30``) exited 1 instead of a usage error;
``detente report`` and ``detente demo`` replaced their earlier output without ``--overwrite``;
``--help`` showed ``<bool>`` beside every flag (and ``<str>``, ``{scenario}`` …)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import detente as d
from detente.cli.app import app
from detente.errors import DetenteError, InputError, OptionValueError

REPO = Path(__file__).resolve().parents[2]
TEACHING = str(REPO / "scenarios" / "teaching.yaml")
TEACHING_DATE = "2024-06-30"  # meta.as_of of teaching.yaml
runner = CliRunner()
WIDE = {"COLUMNS": "400"}  # one line per message: no wrapping inside the error box


def _run(args: list[str]) -> Any:
    return runner.invoke(app, args, env=WIDE)


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


AS_OF_COMMANDS = [
    ["analyze", TEACHING],
    ["proposals", TEACHING],
    ["what-it-takes", TEACHING],
    ["trust", TEACHING],
    ["trust", "show", TEACHING],
    ["trust", "explain", TEACHING, "--truster", "A", "--trustee", "B", "--dimension", "integrity"],
    ["trust", "resolutions", TEACHING],
]


def _walk(cmd: Any, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    out = [(path, cmd)]
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        out += _walk(sub, (*path, name))
    return out


def _tree() -> list[tuple[tuple[str, ...], Any]]:
    return _walk(typer.main.get_command(app), ())


def test_every_as_of_option_is_among_the_cases_tested() -> None:
    found = {
        path for path, cmd in _tree() for p in cmd.params if "--as-of" in getattr(p, "opts", [])
    }
    assert found == {
        ("analyze",),
        ("proposals",),
        ("what-it-takes",),
        ("trust", "show"),
        ("trust", "explain"),
        ("trust", "resolutions"),
    }


# 1. --as-of after the scenario's own date ---------------------------------------------------


@pytest.mark.parametrize(
    "args", AS_OF_COMMANDS, ids=lambda a: " ".join(a[:2]).replace(TEACHING, "S")
)
def test_as_of_after_the_scenarios_date_is_a_usage_error(args: list[str]) -> None:
    r = _run([*args, "--as-of", "2024-07-01"])
    text = _flat(r.output)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert "Invalid value for '--as-of'" in text, text
    assert "2024-07-01" in text and TEACHING_DATE in text  # both dates named
    assert "teaching.yaml" in text  # and the scenario


@pytest.mark.parametrize("args", AS_OF_COMMANDS[:3] + AS_OF_COMMANDS[6:])
def test_as_of_on_the_scenarios_date_is_accepted(args: list[str]) -> None:
    r = _run([*args, "--as-of", TEACHING_DATE, "--format", "json"])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize(
    "call",
    [
        lambda: d.analyze(TEACHING, as_of="2024-07-01"),
        lambda: d.score_proposals(TEACHING, as_of=dt.date(2024, 7, 1)),
        lambda: d.what_it_takes(d.load_scenario(TEACHING), as_of="2024-07-01"),
        lambda: d.replay_trust(TEACHING, as_of="2024-07-01"),
    ],
    ids=["analyze", "score_proposals", "what_it_takes", "replay_trust"],
)
def test_the_python_front_door_refuses_a_later_as_of(call: Any) -> None:
    with pytest.raises(OptionValueError) as info:
        call()
    err = info.value
    assert isinstance(err, DetenteError) and err.exit_code == 2
    assert str(err).startswith("as_of (--as-of): 2024-07-01 is after")
    assert TEACHING_DATE in str(err)


def test_the_error_survives_pickling() -> None:
    import pickle

    err = OptionValueError("as_of", "--as-of", "x")
    back = pickle.loads(pickle.dumps(err))
    assert str(back) == str(err) and back.option == "--as-of" and back.detail == "x"


# 2. impossible dates are usage errors in every date option ----------------------------------

_AS_OF_PATHS = [
    ("analyze",),
    ("proposals",),
    ("what-it-takes",),
    ("trust", "show"),  # `detente trust SCENARIO` is `trust show`
    ("trust", "show"),
    ("trust", "explain"),
    ("trust", "resolutions"),
]
DATE_CASES: list[tuple[tuple[str, ...], list[str]]] = [
    *((path, [*a, "--as-of"]) for path, a in zip(_AS_OF_PATHS, AS_OF_COMMANDS, strict=True)),
    (("monitor", "measures"), ["monitor", "measures", "--db", "none.duckdb", "--start"]),
    (("monitor", "measures"), ["monitor", "measures", "--db", "none.duckdb", "--end"]),
    (("monitor", "flags"), ["monitor", "flags", "--db", "none.duckdb", "--date"]),
    (("monitor", "flags"), ["monitor", "flags", "--db", "none.duckdb", "--deadline"]),
]


def test_every_date_option_is_among_the_cases_tested() -> None:
    found = {
        (*path, p.opts[0])
        for path, cmd in _tree()
        for p in cmd.params
        if p.param_type_name == "option" and "YYYY-MM-DD" in (p.help or "")
    }
    tested = {(*path, args[-1]) for path, args in DATE_CASES}
    assert len(found) == 10 and found == tested, found ^ tested


@pytest.mark.parametrize("bad", ["2024-02-30", "2024-13-01", "20240201", "yesterday"])
@pytest.mark.parametrize(
    "args", [a for _, a in DATE_CASES], ids=lambda a: " ".join(a[:2]) + " " + a[-1]
)
def test_an_impossible_date_is_a_usage_error_naming_the_option(args: list[str], bad: str) -> None:
    r = _run([*args, bad])
    text = _flat(r.output)
    assert r.exit_code == 2, r.output
    assert f"Invalid value for '{args[-1]}'" in text and "YYYY-MM-DD" in text, text
    assert repr(bad) in text


def test_the_python_date_parser_names_the_reason() -> None:
    with pytest.raises(InputError, match=r"as_of: expected YYYY-MM-DD, got '2024-02-30' \(day"):
        d.analyze(TEACHING, as_of="2024-02-30")


# 3. report and demo never replace their earlier output without --overwrite -------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_report_refuses_its_earlier_report_without_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "r"
    args = ["report", TEACHING, "--quick", "--runs", "20", "--out", str(out)]
    assert _run(args).exit_code == 0
    page = (out / "report.html").read_bytes()
    (out / "report.html").write_text("<p>read and annotated</p>", encoding="utf-8")
    before = _snapshot(out)
    r = _run([*args, "--seed", "7"])
    text = _flat(r.output)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    assert f"{out} (--out): holds an earlier report (report.html, manifest.json" in text, text
    assert "only with --overwrite" in text
    assert _snapshot(out) == before
    # q20: nor with --overwrite while the page is not as the earlier report wrote it
    r = _run([*args, "--seed", "7", "--overwrite"])
    assert r.exit_code == 1 and "report.html: refusing to overwrite" in _flat(r.output), r.output
    assert _snapshot(out) == before
    (out / "report.html").write_bytes(page)
    r = _run([*args, "--seed", "7", "--overwrite"])
    assert r.exit_code == 0, r.output
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"] == 7


def test_report_overwrite_still_refuses_files_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "report.html").write_text("mine", encoding="utf-8")  # no report manifest beside it
    r = _run(["report", TEACHING, "--quick", "--runs", "20", "--out", str(out), "--overwrite"])
    assert r.exit_code == 1 and "refusing to overwrite" in r.output, r.output
    assert (out / "report.html").read_text(encoding="utf-8") == "mine"


def test_the_python_report_needs_overwrite_true(tmp_path: Path) -> None:
    out = tmp_path / "p"
    d.report(TEACHING, out=out, quick=True, runs=20)
    with pytest.raises(InputError, match=r"overwrite=True in Python"):
        d.report(TEACHING, out=out, quick=True, runs=20)
    assert d.report(TEACHING, out=out, quick=True, runs=20, overwrite=True).path is not None


def test_demo_refuses_its_earlier_output_without_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import detente.cli.scenario_cmds as cmds

    monkeypatch.setattr(cmds, "builtin_scenario", lambda: Path(TEACHING))  # small and quick
    monkeypatch.chdir(tmp_path)
    assert _run(["demo", "--runs", "20"]).exit_code == 0
    before = _snapshot(tmp_path / "detente-demo")
    r = _run(["demo", "--runs", "20", "--seed", "3"])
    text = _flat(r.output)
    assert r.exit_code == 1, r.output
    assert "detente-demo (--out): holds an earlier report (report.html" in text, text
    assert "only with --overwrite" in text
    assert _snapshot(tmp_path / "detente-demo") == before
    r = _run(["demo", "--runs", "20", "--seed", "3", "--overwrite"])
    assert r.exit_code == 0, r.output
    assert _snapshot(tmp_path / "detente-demo") != before


# 4. clean --help ------------------------------------------------------------------------------

NOISE = re.compile(r"<(bool|str|int|float|path|date)[^>]*>|\{[a-z_]+\}|<[a-z|]+>")


def test_every_help_page_is_free_of_type_noise() -> None:
    pages = 0
    for path, _ in _tree():
        r = _run([*path, "--help"])
        assert r.exit_code == 0, (path, r.output)
        assert not NOISE.search(r.output), (path, NOISE.findall(r.output), r.output)
        pages += 1
    assert pages >= 20
    r = _run(["report", "--help"])
    flat = _flat(r.output)
    assert "Usage: detente report [OPTIONS] SCENARIO" in flat
    assert "--seed INTEGER [x>=0]" in flat and "--out -o PATH" in flat
    assert re.search(r"--overwrite Replace an earlier report", flat), flat
    r = _run(["trust", "show", "--help"])
    flat = _flat(r.output)
    assert "--as-of DATE" in flat and "--format -f [table|json|csv]" in flat
    assert re.search(r"--snapshot Only the state", flat), flat
    assert "Usage: detente simulate [OPTIONS] [SCENARIO]" in _flat(
        _run(["simulate", "--help"]).output
    )
    assert "Usage: detente check [OPTIONS] FILES..." in _flat(_run(["check", "--help"]).output)

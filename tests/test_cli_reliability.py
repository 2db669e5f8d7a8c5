"""Issue 10, command-line part: output folders, exit codes, resource guards, escapes, trust."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.app import app

FIXTURES = Path(__file__).parent / "simulate" / "fixtures"
SCEN = str(FIXTURES / "two_sides.yaml")
runner = CliRunner()


def _sim(out: Path, *extra: str, runs: str = "1500") -> object:
    args = ["simulate", SCEN, "--runs", runs, "--periods", "10", "--out", str(out), *extra]
    return runner.invoke(app, args)


# 1. simulate --out never overwrites files it did not create ------------------------------


def test_simulate_refuses_a_foreign_manifest(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "manifest.json").write_text('{"mine": true}\n', encoding="utf-8")
    r = _sim(out)
    assert r.exit_code == 1, r.output
    assert "not empty" in r.output and "--overwrite" in r.output
    assert (out / "manifest.json").read_text(encoding="utf-8") == '{"mine": true}\n'
    assert not list(out.glob("*.parquet"))
    # --overwrite does not touch a folder holding files detente did not write either
    r = _sim(out, "--overwrite")
    assert r.exit_code == 1, r.output
    assert (out / "manifest.json").read_text(encoding="utf-8") == '{"mine": true}\n'


def test_simulate_refuses_foreign_files_even_with_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    for extra in ((), ("--overwrite",)):
        r = _sim(out, *extra)
        assert r.exit_code == 1, r.output
        assert "Traceback" not in r.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_rerun_refuses_then_overwrite_clears_stale_blocks(tmp_path: Path) -> None:
    out = tmp_path / "o"
    r = _sim(out, runs="3000")
    assert r.exit_code == 0, r.output
    assert len(list(out.glob("runs-*.parquet"))) == 3
    first = (out / "summary.json").read_bytes()
    r = _sim(out, runs="500")
    assert r.exit_code == 1, r.output
    assert "--overwrite" in r.output
    assert (out / "summary.json").read_bytes() == first
    r = _sim(out, "--overwrite", runs="500")
    assert r.exit_code == 0, r.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["runs"] == 500
    assert sorted(p.name for p in out.glob("*.parquet")) == [
        "paths-000000.parquet",
        "runs-000000.parquet",
    ]


def test_simulate_out_may_not_be_the_scenario(tmp_path: Path) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text(Path(SCEN).read_text(encoding="utf-8"), encoding="utf-8")
    args = ["simulate", str(scen), "--runs", "50", "--periods", "5", "--out", str(scen)]
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and "refusing to write output over" in r.output, r.output
    assert scen.read_text(encoding="utf-8") == Path(SCEN).read_text(encoding="utf-8")


def test_empty_existing_folder_is_fine(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    r = _sim(out, runs="100")
    assert r.exit_code == 0, r.output
    assert (out / "summary.json").is_file()


# 2. exit codes: usage errors are 2, located at the option ------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--runs", "0"], "Invalid value for '--runs': '0' is out of range"),
        (["--runs", "-5"], "Invalid value for '--runs': '-5' is out of range"),
        (["--runs", "many"], "Invalid value for '--runs': 'many' is not a number"),
        (["--runs", "1.5"], "Invalid value for '--runs': '1.5' is not a whole number"),
        (["--runs", "1e400"], "Invalid value for '--runs': '1e400' is out of range"),
        (["--seed", "-1"], "Invalid value for '--seed': '-1' is out of range"),
        (["--periods", "0"], "Invalid value for '--periods': '0' is out of range"),
        (["--periods", "x"], "Invalid value for '--periods': 'x' is not a number"),
        (["--workers", "0"], "Invalid value for '--workers': '0' is out of range"),
    ],
)
def test_bad_counts_are_usage_errors(args: list[str], message: str) -> None:
    r = runner.invoke(app, ["simulate", SCEN, *args])
    assert r.exit_code == 2, r.output
    assert message in " ".join(r.output.replace("│", " ").split())
    assert "Traceback" not in r.output


def test_counts_accept_scientific_and_underscored_whole_numbers() -> None:
    r = runner.invoke(app, ["simulate", SCEN, "--runs", "2e2", "--periods", "1_0", "-f", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert (doc["runs"], doc["periods"]) == (200, 10)


# 3. resource guards: refused up front with an estimate ----------------------------------


def test_huge_runs_refused_with_a_time_estimate() -> None:
    r = runner.invoke(app, ["simulate", SCEN, "--runs", "1e9"])
    assert r.exit_code == 1, r.output
    assert "1,000,000,000 runs" in r.output and "would take about" in r.output
    assert "DETENTE_TIME_BUDGET" in r.output


def test_huge_periods_refused_with_a_memory_estimate() -> None:
    r = runner.invoke(app, ["simulate", SCEN, "--periods", "1e4", "--workers", "8"])
    assert r.exit_code == 1, r.output
    assert "would need about" in r.output and "GiB" in r.output
    assert "DETENTE_MEMORY_BUDGET" in r.output


def test_budgets_can_be_lowered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_TIME_BUDGET", "1")
    r = runner.invoke(app, ["simulate", SCEN, "--runs", "1e6", "--periods", "100"])
    assert r.exit_code == 1 and "would take about" in r.output, r.output
    monkeypatch.setenv("DETENTE_TIME_BUDGET", "soon")
    r = runner.invoke(app, ["simulate", SCEN, "--runs", "10", "--periods", "5"])
    assert r.exit_code == 1 and "DETENTE_TIME_BUDGET='soon'" in r.output, r.output


# 4. terminal escapes in names are never printed raw --------------------------------------

UNSAFE = "\x1b[2J\x1b]0;pwned\x07\u202eA\x9b31m\r"


def _escaping_scenario(tmp_path: Path) -> Path:
    text = Path(SCEN).read_text(encoding="utf-8")
    text = text.replace(
        "name: Side A,", 'name: "Side \\e[2J\\e]0;pwned\\a\\u202eA\\x9b31m\\r",'
    ).replace("name: Two sides (simulation fixture)", 'name: "Two \\e[31msides"')
    path = tmp_path / "escapes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _raw_controls(text: str) -> list[str]:
    return [
        c
        for c in text
        if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u2066"
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["show"],
        ["show", "--part", "actors", "-f", "csv"],
        ["show", "-f", "json"],
        ["analyze"],
        ["trust"],
    ],
)
def test_control_characters_are_escaped(tmp_path: Path, args: list[str]) -> None:
    path = _escaping_scenario(tmp_path)
    r = runner.invoke(app, [args[0], str(path), *args[1:]])
    assert r.exit_code == 0, r.output
    assert not _raw_controls(r.output), [hex(ord(c)) for c in _raw_controls(r.output)]
    if args[-1] == "json":  # lossless: the JSON escapes decode to the same name
        names = {a["id"]: a["name"] for a in json.loads(r.stdout)["actors"]}
        assert names["A"] == "Side " + UNSAFE
    if args == ["show"]:
        assert "\\u001b[2J" in r.output


def test_sanitize_keeps_text_and_escapes_controls() -> None:
    from detente.cli.output import sanitize

    assert sanitize("Київ – Москва\tok\n") == "Київ – Москва\tok\n"
    assert sanitize("a\x1b[31mb\x9bc\u202ed\x00") == "a\\u001b[31mb\\u009bc\\u202ed\\u0000"


# 5. trust lists only known pairs --------------------------------------------------------

KYIV = str(Path(__file__).parent / "trust" / "fixtures" / "kyiv_small.yaml")


def test_trust_lists_only_known_pairs() -> None:
    r = runner.invoke(app, ["trust", KYIV, "-f", "json"])
    assert r.exit_code == 0, r.output
    pairs = {(x["truster"], x["trustee"]) for x in json.loads(r.stdout)}
    assert ("UA", "RU") in pairs  # a prior in the scenario
    assert ("US", "UA") in pairs  # moved by ledger entries
    assert ("UA", "US") not in pairs and ("RU", "US") not in pairs  # neither
    every = runner.invoke(app, ["trust", KYIV, "--all-pairs", "-f", "json"])
    assert len({(x["truster"], x["trustee"]) for x in json.loads(every.stdout)}) == 12


def test_trust_unknown_pair_is_a_located_error() -> None:
    r = runner.invoke(app, ["trust", KYIV, "--truster", "UA", "--trustee", "US"])
    assert r.exit_code == 2, r.output  # a usage error naming --trustee (q23; was 1)
    # the usage box wraps its text at the terminal's width, wherever the checkout's path
    # ends: read the message with the box and every space taken out
    flat = "".join(r.output.replace("│", "").split())
    assert "kyiv_small.yaml" in flat and "UA'strustinUS" in flat
    assert "knownpairs:" in flat and "UA→RU" in flat


# 6. progress goes to stderr; stdout stays parseable -------------------------------------


def test_progress_never_reaches_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    import detente.cli.simulate as sim

    monkeypatch.setattr(sim, "progress_enabled", lambda: True)
    r = runner.invoke(app, ["simulate", SCEN, "--runs", "3000", "--periods", "5", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["runs"] == 3000


def test_report_progress_reports_every_section(tmp_path: Path) -> None:
    from detente.api import report

    calls: list[tuple[int, int, str]] = []
    report(SCEN, out=tmp_path / "r", runs=50, quick=True, progress=lambda *a: calls.append(a))
    total = calls[0][1]
    assert [c[0] for c in calls] == list(range(total + 1))
    assert calls[-1] == (total, total, "page")


# 7. monitor commands print the store's warnings -----------------------------------------


def test_monitor_prints_unfinished_ingest_warnings(tmp_path: Path) -> None:
    from detente.monitor.store import EventStore

    counts = Path(__file__).parent / "monitor" / "fixtures" / "ceasefire_violations_2020.csv"
    db = tmp_path / "store.duckdb"
    with EventStore(db) as s:
        s.ingest(counts)
        s.con.execute("UPDATE files SET status = 'started'")  # as if the ingest was killed
    r = runner.invoke(app, ["monitor", "measures", "--db", str(db), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert "warning: the ingest of" in r.stderr and "partial" in r.stderr
    json.loads(r.stdout)


# 1. (issue's list) outputs pointed at inputs: refused, every file byte-identical ---------


def test_issue_1_outputs_pointed_at_inputs_are_refused(tmp_path: Path) -> None:
    import shutil

    fixtures = Path(__file__).parent / "monitor" / "fixtures"
    events = tmp_path / "events.csv"
    shutil.copy(fixtures / "ceasefire_violations_2020.csv", events)
    claims = tmp_path / "claims.yaml"
    shutil.copy(fixtures / "donbas_claims.yaml", claims)
    db = tmp_path / "store.duckdb"
    assert runner.invoke(app, ["monitor", "ingest", str(events), "--db", str(db)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    ingest = ["monitor", "ingest", str(events), "--db", str(db)]
    for args in (
        [*ingest, "--manifest", str(db)],  # replaced the store with JSON
        [*ingest, "--parquet", str(events)],  # overwrote the input CSV
        ["monitor", "verify", str(claims), "--db", str(db), "--out", str(claims)],
        ["monitor", "measures", "--db", str(db), "--manifest", str(db)],
    ):
        r = runner.invoke(app, args)
        assert r.exit_code == 2 and "refusing to overwrite" in r.output, (args, r.output)
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before, args


def test_report_refuses_a_foreign_report_folder_but_replaces_its_own(tmp_path: Path) -> None:
    out = tmp_path / "r"
    out.mkdir()
    (out / "report.html").write_text("<p>mine</p>", encoding="utf-8")
    args = ["report", SCEN, "--quick", "--runs", "20", "--out", str(out)]
    r = runner.invoke(app, args)
    assert r.exit_code == 1 and "refusing to overwrite" in r.output, r.output
    assert (out / "report.html").read_text(encoding="utf-8") == "<p>mine</p>"


# Single output files: never an input, never an existing file without --overwrite -------------


def test_single_output_files_need_overwrite_and_never_replace_an_input(tmp_path: Path) -> None:
    import os

    scen = tmp_path / "s.yaml"
    scen.write_bytes((FIXTURES / "two_sides.yaml").read_bytes())
    existing = tmp_path / "chart.svg"
    existing.write_text("<svg>mine</svg>", encoding="utf-8")
    r = runner.invoke(app, ["trust", str(scen), "--chart", str(existing)])
    assert r.exit_code == 1 and "--overwrite" in r.output, r.output
    assert existing.read_text(encoding="utf-8") == "<svg>mine</svg>"
    r = runner.invoke(app, ["trust", str(scen), "--chart", str(existing), "--overwrite"])
    assert r.exit_code == 0, r.output
    assert existing.read_text(encoding="utf-8").startswith("<svg")
    assert existing.read_text(encoding="utf-8") != "<svg>mine</svg>"
    assert oct(existing.stat().st_mode & 0o777) != oct(0o600)  # not mkstemp's private mode
    hard = tmp_path / "hard.svg"  # the scenario under a second name: an input, even with -o
    os.link(scen, hard)
    r = runner.invoke(app, ["trust", str(scen), "--chart", str(hard), "--overwrite"])
    assert r.exit_code == 2 and "refusing to overwrite an input" in r.output, r.output
    assert scen.read_bytes() == (FIXTURES / "two_sides.yaml").read_bytes()
    out = tmp_path / "schema.json"
    assert runner.invoke(app, ["schema", "--out", str(out)]).exit_code == 0
    first = out.read_bytes()
    r = runner.invoke(app, ["schema", "--out", str(out)])
    assert r.exit_code == 1 and "already exists" in r.output and "--out" in r.output
    assert out.read_bytes() == first
    assert runner.invoke(app, ["schema", "--out", str(out), "--overwrite"]).exit_code == 0
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_file_that_appears_while_writing_is_not_replaced(tmp_path: Path) -> None:
    from detente.errors import InputError
    from detente.outputs import write_text

    target = tmp_path / "m.json"
    write_text(target, "first", overwrite=False)
    with pytest.raises(InputError, match="appeared while the command ran"):
        write_text(target, "second", overwrite=False)
    assert target.read_text(encoding="utf-8") == "first"
    assert not list(tmp_path.glob(".*.tmp"))

"""Backends give byte-identical results; the CLI prints the promised JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.app import app
from detente.sweep import (
    DaskBackend,
    ProcessBackend,
    SerialBackend,
    run_sweep,
)
from detente.sweep.engine import results_parquet

from .helpers import SMALL, tiny_plan


def test_serial_processes_and_dask_local_cluster_are_byte_identical() -> None:
    plan = tiny_plan()
    with SerialBackend() as be:
        serial = run_sweep(plan, backend=be)
    with ProcessBackend(2) as be:
        procs = run_sweep(plan, backend=be)
    with DaskBackend(None, workers=2) as be:  # a LocalCluster on 127.0.0.1, closed on exit
        dask = run_sweep(plan, backend=be)
    ref = results_parquet(serial)
    assert results_parquet(procs) == ref
    assert results_parquet(dask) == ref
    doc = json.dumps(serial.to_dict(), sort_keys=True)
    assert json.dumps(procs.to_dict(), sort_keys=True) == doc
    assert json.dumps(dask.to_dict(), sort_keys=True) == doc


def test_cli_json_interface(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["sweep", str(SMALL), "--catalog", str(tmp_path / "c"), "--format", "json"]
    res = runner.invoke(app, [*args, "--backend", "serial"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["points"] == doc["completed"] == 20
    assert {"output", "input", "S1", "S1_conf", "ST", "ST_conf"} <= set(doc["sobol"][0])
    assert len(doc["sobol"]) == 3 * 3
    assert doc["rules"], "the small sweep has a clear rule for agreement"
    assert {"output", "rule", "coverage", "density"} <= set(doc["rules"][0])
    again = runner.invoke(app, [*args, "--resume"], catch_exceptions=False)
    assert again.exit_code == 0 and json.loads(again.output) == doc
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and "--resume" in refused.output


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "inputs:\n  - path: actors.XX.cost_of_fighting\n    range: [0.1, 0.2]\n",
            "inputs[0].path",
        ),
        ("inputs:\n  - path: actors.NOR.cost_of_fighting\n    range: [0.5, 0.1]\n", "inputs[0]"),
        ("outputs: [simulate.p_agremeent]\n", "outputs[0]"),
    ],
)
def test_sweep_file_errors_are_located(text: str, where: str, tmp_path: Path) -> None:
    base = SMALL.read_text(encoding="utf-8")
    key = text.split(":")[0]
    kept = []
    skip = False
    for line in base.splitlines():  # replace the top-level block `key:` by `text`
        if line.startswith(f"{key}:"):
            skip = True
            kept.append(text.rstrip("\n"))
            continue
        if skip and (line.startswith(" ") or line.startswith("-")):
            continue
        skip = False
        kept.append(line)
    bad = tmp_path / "bad.yaml"
    bad.write_text("\n".join(kept).replace("../../scenarios", str(SMALL.parents[2] / "scenarios")))
    res = CliRunner().invoke(app, ["sweep", str(bad)])
    assert res.exit_code == 1
    assert "bad.yaml:" in res.output and where in res.output, res.output
    assert "Traceback" not in res.output


def test_point_that_breaks_the_scenario_is_refused_before_running(tmp_path: Path) -> None:
    base = SMALL.read_text(encoding="utf-8").replace(
        "../../scenarios", str(SMALL.parents[2] / "scenarios")
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(base.replace("range: [0.0005, 0.006]", "range: [-0.5, 0.006]", 1))
    res = CliRunner().invoke(app, ["sweep", str(bad), "--catalog", str(tmp_path / "c")])
    assert res.exit_code == 1 and "not a valid scenario" in res.output, res.output
    assert not (tmp_path / "c").exists()  # nothing ran, nothing written

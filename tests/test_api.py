"""The front door: results carry provenance and convert to dicts, tables and charts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import detente as d
from detente.errors import InputError
from detente.manifest import scenario_sha256

REPO = Path(__file__).resolve().parents[1]
TEACHING = REPO / "scenarios" / "teaching.yaml"


@pytest.fixture(scope="module")
def teaching() -> d.Scenario:
    return d.load_scenario(TEACHING)


def test_the_issue_check_runs_in_a_fresh_interpreter() -> None:
    code = (
        "import detente as d; s=d.load_scenario('scenarios/teaching.yaml'); a=d.analyze(s, seed=1);"
        " print(a.to_dict()['zone']['exists']); r=d.simulate(s, runs=200, seed=1);"
        " print(r.to_pandas().shape, r.manifest['scenario_sha256'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    first, second = out.stdout.splitlines()
    assert first in {"True", "False"}
    shape, digest = second.rsplit(" ", 1)
    assert shape.startswith("(") and len(digest) == 64 and int(digest, 16) >= 0


def test_manifest_carries_version_hash_seed_options_time(teaching: d.Scenario) -> None:
    a = d.analyze(teaching, seed=5, as_of="2024-06-01")
    m = a.manifest
    assert m["detente"] == d.__version__ and m["seed"] == 5 and m["created"]
    assert m["scenario_sha256"] == scenario_sha256(teaching)
    assert m["parameters"] == {"as_of": "2024-06-01"}
    # the same scenario from its path has the same hash; the document embeds the manifest
    assert d.analyze(TEACHING, seed=5).manifest["scenario_sha256"] == m["scenario_sha256"]
    assert a.to_dict()["manifest"] == json.loads(json.dumps(m))


def test_to_dict_is_a_copy(teaching: d.Scenario) -> None:
    a = d.analyze(teaching)
    doc = a.to_dict()
    doc["zone"]["exists"] = "changed"
    assert a.to_dict()["zone"]["exists"] is a.zone_exists


def test_tables_and_charts(teaching: d.Scenario) -> None:
    a = d.analyze(teaching)
    df = a.to_pandas()
    assert list(df["issue"]) == [i.id for i in teaching.issues]
    assert a.to_arrow().num_rows == len(df)
    assert a.chart().to_dict()["$schema"].startswith("https://vega.github.io")
    assert "<table>" in a._repr_html_()
    scores = d.score_proposals(teaching)
    assert len(scores.to_pandas()) == len(teaching.proposals) * len(teaching.actors)
    trust = d.replay_trust(teaching, truster="NOR")
    assert set(trust.to_pandas()["truster"]) == {"NOR"}
    assert trust.chart() is not None
    f = d.forecast(teaching, runs=50)
    assert {"q05", "q95"} <= set(f.to_pandas().columns)
    assert f.chart() is not None


def test_simulate_tables_chart_and_files(teaching: d.Scenario, tmp_path: Path) -> None:
    r = d.simulate(teaching, runs=300, seed=2, periods=20, out=tmp_path / "sim")
    assert r.complete and r.summary()["runs"] == 300
    fan = r.to_pandas()
    assert list(fan.columns[:2]) == ["variable", "period"] and fan["period"].max() == 19
    assert len(r.to_pandas("survival")) >= 1 and r.to_arrow("terms").num_rows == 2
    with pytest.raises(InputError, match="unknown table"):
        r.records("nope")
    assert r.chart() is not None and r.chart(fan["variable"].iloc[0]) is not None
    assert "created" in r.manifest and "created" not in r.to_dict()["manifest"]
    written = json.loads((tmp_path / "sim" / "manifest.json").read_text(encoding="utf-8"))
    # the folder's copy adds the files' records (q21: checked by a later overwrite)
    assert {k: v for k, v in written.items() if k != "files"} == r.manifest
    assert [f["path"] for f in written["files"]][-1] == "summary.json"
    runs = pq.read_table(tmp_path / "sim" / "runs-000000.parquet")
    assert sorted(set(runs.column("run").to_pylist())) == list(range(300))


def test_simulate_workers_give_identical_documents(teaching: d.Scenario) -> None:
    one = d.simulate(teaching, runs=2100, seed=9, periods=12)
    two = d.simulate(teaching, runs=2100, seed=9, periods=12, workers=2)
    assert one.to_dict() == two.to_dict() and one.result.fan() == two.result.fan()
    with pytest.raises(InputError, match="workers"):
        d.simulate(teaching, runs=10, workers=0)


def test_progress_is_a_callback(teaching: d.Scenario) -> None:
    seen: list[tuple[int, int]] = []
    d.simulate(teaching, runs=1500, seed=1, periods=5, progress=lambda a, b: seen.append((a, b)))
    assert seen[-1] == (1500, 1500) and seen[0][0] < 1500


def test_report_front_door(teaching: d.Scenario, tmp_path: Path) -> None:
    rep = d.report(teaching, out=tmp_path / "rep", runs=100, quick=True)
    assert rep.path is not None and rep.path.is_file()
    assert rep.manifest["scenario_sha256"] == scenario_sha256(teaching)
    assert rep.to_dict()["sections"] and "<html" in rep._repr_html_()


def test_bad_input_is_located(teaching: d.Scenario) -> None:
    with pytest.raises(InputError, match="as_of: expected YYYY-MM-DD"):
        d.analyze(teaching, as_of="2024-13-01")
    with pytest.raises(InputError, match=r"top \(--top\): 0 is out of range"):
        d.what_it_takes(teaching, top=0)


def test_outputs_refuse_to_overwrite_inputs_and_write_atomically(tmp_path: Path) -> None:
    from detente.outputs import protect, write_text

    src = tmp_path / "in.yaml"
    src.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="refusing to overwrite an input"):
        protect(tmp_path / "." / "in.yaml", [src])
    out = write_text(tmp_path / "out.txt", "hello")
    assert out.read_text(encoding="utf-8") == "hello"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    with pytest.raises(InputError, match="cannot write"):
        write_text(tmp_path / "missing-dir" / "x.txt", "x")


def test_cli_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from detente.cli.app import app

    scen = tmp_path / "s.yaml"
    scen.write_bytes(TEACHING.read_bytes())
    res = CliRunner().invoke(
        app, ["trust", str(scen), "--chart", str(scen).replace(".yaml", ".svg")]
    )
    assert res.exit_code == 0
    bad = CliRunner().invoke(
        app, ["monitor", "verify", str(scen), "--db", str(scen), "--out", str(scen)]
    )
    assert bad.exit_code == 2 and "refusing to overwrite" in bad.output
    assert scen.read_bytes() == TEACHING.read_bytes()


def test_help_on_a_front_door_shows_its_signature_and_docstring() -> None:
    """``help(detente.simulate)`` and ``inspect.signature`` show the front door (its
    parameters and docstring), not only the engine package's docstring."""
    import inspect
    import pydoc

    import detente
    from detente.api import simulate as entry

    assert inspect.signature(detente.simulate) == inspect.signature(entry)
    text = pydoc.render_doc(detente.simulate, renderer=pydoc.plaintext)
    assert "until: 'str' = 'horizon'" in text
    assert (inspect.getdoc(entry) or "").splitlines()[0] in text
    assert "The package detente.simulate" in text

"""The tornado of a one-at-a-time sweep spans the two ends of each input's range even when
one end is the snapshot's own value (branch q16: that end is not run again, and its output,
the base point's, was left out, so a range ending at the snapshot showed as one point,
"155 .. 155 (base 180)", and its tornado bar had no width)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.app import app

TEACHING = Path(__file__).resolve().parents[1] / "scenarios" / "teaching.yaml"

SWEEP = """sweep_version: 1
scenarios: [{scenario}]
inputs:
  - path: actors.NOR.cost_of_fighting   # 0.005 in the scenario: the low end of the range
    label: NOR cost
    range: [0.005, 0.02]
  - path: actors.SUD.cost_of_fighting   # 0.005 in the scenario: inside the range
    label: SUD cost
    range: [0.001, 0.02]
design: {{kind: oat}}
commands: {{analyze: {{}}}}
outputs: [analyze.slack.NOR]
seed: 1
"""


def test_an_end_at_the_snapshot_value_is_the_base_point(tmp_path: Path) -> None:
    spec = tmp_path / "oat.yaml"
    spec.write_text(SWEEP.format(scenario=json.dumps(str(TEACHING))), encoding="utf-8")
    r = CliRunner().invoke(app, ["sweep", str(spec), "--format", "json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["points"] == 4  # the base, NOR's high end, SUD's two ends
    rows = {row["input"]: row for row in doc["tornado"]}
    nor = rows["NOR cost"]
    assert list(nor["at"]) == ["0.005", "0.02"]  # both ends, the low one the base point
    assert nor["at"]["0.005"] == nor["base"]
    assert nor["low"] < nor["high"]  # a bar, not a point: the cost lowers NOR's slack
    assert nor["swing"] == round(nor["high"] - nor["low"], 6)
    sud = rows["SUD cost"]
    assert len(sud["at"]) == 2 and "0.005" not in sud["at"]  # both ends run, the base not

"""What a newcomer meets first (branch q16): ``detente`` runs from a plain install, whose
Typer vendors its own click (no stand-alone ``click`` package); ``detente --help`` lists each
command on one line; ``detente simulate`` says what is wrong with a missing or wrong scenario
argument, and never leaves a figure's cell empty; ``detente serve`` without the web extra names
the command that installs it from a clone."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.app import app

REPO = Path(__file__).resolve().parents[2]
TEACHING = str(REPO / "scenarios" / "teaching.yaml")
runner = CliRunner()

_WITHOUT_CLICK = """
import sys
sys.modules["click"] = None  # `import click` now fails, as on a plain install
sys.argv = ["detente", "check", sys.argv[1]]
from detente.cli.app import main
main()
"""


def test_the_entry_point_runs_without_the_click_package() -> None:
    r = subprocess.run(
        [sys.executable, "-c", _WITHOUT_CLICK, TEACHING],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "valid: Ash Valley (teaching case)" in r.stdout
    assert "Traceback" not in r.stderr


def test_root_help_lists_each_command_on_one_line() -> None:
    r = runner.invoke(app, ["--help"], env={"COLUMNS": "300"}, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    start = next(i for i, ln in enumerate(lines) if "Commands" in ln)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("╰"))
    rows = lines[start + 1 : end]
    names = [ln.strip("│ ").split(" ", 1)[0] for ln in rows]
    assert "report" in names and "what-it-takes" in names and "trust" in names
    # a continuation line would start with blanks where the command's name stands
    assert all(ln[2] != " " for ln in rows), "\n".join(rows)


def test_simulate_without_a_scenario_is_a_usage_error() -> None:
    r = runner.invoke(app, ["simulate"])
    assert r.exit_code == 2
    assert "missing SCENARIO" in r.output and "--list-strategies" in r.output
    assert "Traceback" not in r.output


def test_simulate_on_a_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    r = runner.invoke(app, ["simulate", str(tmp_path)])
    assert r.exit_code == 1
    assert "is a directory, not a scenario file" in r.output
    assert "file not found" not in r.output


def _csv(*args: str) -> dict[str, str]:
    r = runner.invoke(app, ["simulate", TEACHING, *args, "-f", "csv"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return {
        row["metric"]: row["value"] or row["note"] for row in csv.DictReader(io.StringIO(r.output))
    }


@pytest.mark.parametrize(
    ("periods", "breakdown"),
    [
        ("30", "not estimated: no agreement was followed 1 year after its signature"),
        ("3", "not estimated: no run agreed"),
    ],
)
def test_simulate_says_why_a_figure_has_no_value(periods: str, breakdown: str) -> None:
    rows = _csv("--runs", "60", "--seed", "2", "--periods", periods)
    assert all(v != "" for v in rows.values()), [k for k, v in rows.items() if v == ""]
    assert rows["p_breakdown_1y"].startswith(breakdown)
    assert rows["agreements.settlement.p_breakdown_1y"].startswith(breakdown)
    assert rows["p_breakdown_5y"].startswith(breakdown.replace("1 year", "5 years"))
    if periods == "3":
        assert rows["p_agreement"] == "0.0"
        assert rows["median_periods_to_agreement"].startswith("not reached")
    else:
        assert float(rows["median_periods_to_agreement"]) > 0


def test_serve_without_the_web_extra_names_the_clone_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    r = runner.invoke(app, ["serve"])
    assert r.exit_code == 1
    assert '.venv/bin/pip install -e ".[web]"' in " ".join(r.output.split())
    assert "Traceback" not in r.output


BORDER = str(REPO / "tests" / "bargaining" / "fixtures" / "border.yaml")


def test_what_it_takes_top_zero_is_a_usage_error_naming_the_option() -> None:
    r = runner.invoke(app, ["what-it-takes", BORDER, "--top", "0"])
    assert r.exit_code == 2
    assert "--top" in r.output and "'0' is out of range" in r.output


def test_what_it_takes_prints_compensation_as_actor_and_loss() -> None:
    r = runner.invoke(
        app, ["what-it-takes", BORDER, "--top", "2"], env={"COLUMNS": "200"}, catch_exceptions=False
    )
    assert r.exit_code == 0, r.output
    assert "E 0.0923, W 0.4607" in r.output
    assert "{'" not in r.output  # no Python dictionary in a table cell


def test_serve_refuses_a_port_in_use_before_announcing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    import uvicorn

    def never(*_a: object, **_k: object) -> None:
        raise AssertionError("uvicorn.run called on a port in use")

    monkeypatch.setattr(uvicorn, "run", never)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = str(held.getsockname()[1])
        for workers in ("1", "2"):
            r = runner.invoke(app, ["serve", "--port", port, "--workers", workers])
            assert r.exit_code == 1, r.output
            text = " ".join(r.output.split())
            assert f"--port {port}: cannot listen there" in text
            assert "detente workspace at" not in text and "Traceback" not in text


def test_serve_names_a_host_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *_a, **_k: None)
    r = runner.invoke(app, ["serve", "--host", "no-such-host.invalid", "--workers", "1"])
    assert r.exit_code == 1, r.output
    assert "--host no-such-host.invalid: cannot resolve it" in " ".join(r.output.split())

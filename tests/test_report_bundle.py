"""The HTML report's data bundle (issue 17): a CSV per chart or table, one JSON of everything
and a zip of both beside ``report.html``, linked from the page; human labels in the summary;
honest small probabilities; the trust window; the progress total known up front."""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detente.cli.app import app
from detente.errors import InputError
from detente.report.base import fmt_bound, fmt_interval, fmt_prob, fmt_prob_is
from detente.web.store import default_dir

runner = CliRunner()
LATEST = default_dir() / "ukraine-2026-06.yaml"
TWO_SIDES = Path(__file__).parent / "simulate" / "fixtures" / "two_sides.yaml"
SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


@pytest.fixture(scope="module")
def latest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``detente report`` of the latest snapshot (quick), written by the CLI."""
    out = tmp_path_factory.mktemp("bundle") / "r"
    r = runner.invoke(app, ["report", str(LATEST), "--quick", "--runs", "200", "--out", str(out)])
    assert r.exit_code == 0, r.output
    return out


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def test_the_bundle_is_written_beside_the_report_and_listed_in_the_manifest(
    latest: Path,
) -> None:
    data = latest / "data"
    csvs = sorted(p.name for p in data.glob("*.csv"))
    assert len(csvs) >= 15
    for name in csvs:
        rows = _csv(data / name)
        assert rows, name  # a header and at least one record
        assert all(k for k in rows[0]), name
    doc = json.loads((data / "report-data.json").read_text(encoding="utf-8"))
    tables = {t["file"]: t for s in doc["sections"] for t in s["tables"]}
    assert sorted(tables) == [f"data/{n}" for n in csvs]
    for path, t in tables.items():
        assert len(t["rows"]) == len(_csv(latest / path)), path
    with zipfile.ZipFile(latest / "report-data.zip") as z:
        assert sorted(z.namelist()) == sorted([*tables, "data/report-data.json"])
        for name in z.namelist():
            assert z.read(name) == (latest / name).read_bytes(), name
    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == {*tables, "data/report-data.json", "report-data.zip"}
    for path, f in listed.items():
        blob = (latest / path).read_bytes()
        assert f["sha256"] == hashlib.sha256(blob).hexdigest() and f["bytes"] == len(blob)
    assert manifest["parameters"]["trust_window"] == 5


def test_every_relative_link_of_the_report_resolves_to_a_file(latest: Path) -> None:
    page = (latest / "report.html").read_text(encoding="utf-8")
    hrefs = set(re.findall(r"href='([^'#][^']*)'", page))
    assert "report-data.zip" in hrefs and "data/report-data.json" in hrefs
    data_links = {h for h in hrefs if h.startswith("data/") and h.endswith(".csv")}
    assert data_links == {f"data/{p.name}" for p in (latest / "data").glob("*.csv")}
    for h in hrefs:
        assert not re.match(r"[a-z]+:", h), h  # relative: works offline
        assert (latest / h).is_file(), h
    # every section that has data links to it, and the charts link to theirs
    for sec in re.findall(r"<details class='section' id='([a-z]+)'>", page):
        block = page.split(f"id='{sec}'>", 1)[1].split("<details class='section'", 1)[0]
        assert f"href='data/{sec}-" in block, sec
    for fig in re.findall(r"<figure>.*?</figure>", page, flags=re.S):
        assert "href='data/" in fig, _text(fig)[:120]


def test_the_csvs_hold_the_numbers_the_page_shows(latest: Path) -> None:
    page = (latest / "report.html").read_text(encoding="utf-8")
    data = latest / "data"
    summary = _text(page.split("<section class='summary'", 1)[1].split("</section>", 1)[0])
    # overview: counts of actors and issues
    m = re.search(r"(\d+) actors \(veto: [^)]*\), (\d+) issues", summary)
    assert m is not None, summary
    assert int(m.group(1)) == len(_csv(data / "overview-actors.csv"))
    assert int(m.group(2)) == len(_csv(data / "overview-issues.csv"))
    # simulation: the probability table, bundle by bundle
    sim = _text(page.split("id='simulation'>", 1)[1].split("<details class='section'", 1)[0])
    deals = _csv(data / "simulation-agreements.csv")
    assert len(deals) >= 2
    for d in deals:
        p, lo, hi = (float(d[k]) for k in ("p_agreement", "ci_low", "ci_high"))
        shown = f"{d['name']} {fmt_prob(p)} {fmt_interval(lo, hi)}"
        assert shown in " ".join(sim.split()), shown
    settle = next(d for d in deals if d["bundle"] == "settlement")
    p = float(settle["p_agreement"])
    assert f" {fmt_prob_is(p)} (95 % CI" in summary
    # trust: the lowest compliance expectation in the summary is the matrix's minimum
    matrix = _csv(data / "trust-matrix.csv")
    low = min(float(r["P(comply, military)"]) for r in matrix)
    assert f"with probability {low:.2f}." in summary


def test_the_summary_uses_human_names_not_ids(latest: Path) -> None:
    page = (latest / "report.html").read_text(encoding="utf-8")
    summary = _text(page.split("<section class='summary'", 1)[1].split("</section>", 1)[0])
    assert not SNAKE.findall(summary), SNAKE.findall(summary)
    for raw in ("RU", "UA", "peace_offensive", "single_text", "tit_for_tat"):
        assert not re.search(rf"\b{raw}\b", summary), raw
    assert "Russia" in summary and "Ukraine" in summary and "tit-for-tat" in summary
    assert "0.00–0.00" not in summary and "below 0.00" not in page
    # nor in the sections' text and tables (charts' and links' markup aside)
    main = page.split("<main>", 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<svg.*?</svg>|href='[^']*'", " ", main, flags=re.S)
    assert not SNAKE.findall(_text(main)), sorted(set(SNAKE.findall(_text(main))))
    # chart titles in words
    titles = re.findall(r"aria-label=\"Title text '([^']*)", page)
    assert len(titles) >= 8
    assert not [t for t in titles if SNAKE.search(t) or "→" in t], titles


def test_a_rerun_replaces_its_own_bundle_and_refuses_foreign_files(tmp_path: Path) -> None:
    out = tmp_path / "r"
    args = ["report", str(TWO_SIDES), "--quick", "--runs", "20", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    first = {p.name: p.read_bytes() for p in (out / "data").iterdir()}
    # an earlier report's file that this one lacks: listed in that report's manifest
    stale = out / "data" / "gone-section.csv"
    stale.write_text("a\n1\n", encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256(b"a\n1\n").hexdigest()  # as written (q20: an edited one is kept)
    manifest["files"].append({"path": "data/gone-section.csv", "bytes": 4, "sha256": digest})
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    killed = out / "data" / ".gone-section.csv.k3x_9a2b.tmp"  # a killed write's leftover
    killed.write_text("a\n", encoding="utf-8")
    r = runner.invoke(app, [*args, "--overwrite"])  # an earlier report: only with --overwrite
    assert r.exit_code == 0, r.output
    assert not stale.exists() and not killed.exists()  # removed: the earlier report's own
    # same inputs and seed: the same bundle, byte for byte
    assert {p.name: p.read_bytes() for p in (out / "data").iterdir()} == first
    mine = out / "data" / "notes.txt"
    mine.write_text("mine", encoding="utf-8")
    r = runner.invoke(app, [*args, "--overwrite"])
    assert r.exit_code == 1 and "refusing to overwrite" in r.output, r.output
    assert mine.read_text(encoding="utf-8") == "mine"
    mine.unlink()
    scen = out / "data" / "scenario.json"  # an input inside the bundle folder
    scen.write_text(json.dumps({"x": 1}), encoding="utf-8")
    r = runner.invoke(app, ["report", str(scen), "--quick", "--out", str(out)])
    assert r.exit_code == 2 and "refusing" in r.output, r.output
    assert scen.read_text(encoding="utf-8") == '{"x": 1}'


@pytest.mark.parametrize("name", ["my-notes.csv", "summary.json", ".draft.tmp"])
def test_overwrite_never_removes_a_bundle_like_file_the_earlier_report_did_not_list(
    tmp_path: Path, name: str
) -> None:
    """rev17's finding: ``--overwrite`` removed any file in ``data/`` whose name looked like a
    bundle file (or any ``.…tmp``), a user's included; only the files the earlier report's
    manifest lists are its own."""
    out = tmp_path / "r"
    args = ["report", str(TWO_SIDES), "--quick", "--runs", "20", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    mine = out / "data" / name
    mine.write_text("mine", encoding="utf-8")
    r = runner.invoke(app, [*args, "--overwrite"])
    assert r.exit_code == 1 and "refusing to overwrite" in r.output and name in r.output, r.output
    assert mine.read_text(encoding="utf-8") == "mine"


def test_the_trust_window_is_an_option(tmp_path: Path) -> None:
    from detente.api import report

    res = report(LATEST, quick=True, runs=20, trust_window=2, out=tmp_path / "w")
    page = res.html
    assert "Expected trust, last 2 years" in page and "from 2024-06-" in page
    rows = _csv(tmp_path / "w" / "data" / "trust-trajectories.csv")
    assert min(r["date"] for r in rows) >= "2024-06-01"
    assert res.manifest["parameters"]["trust_window"] == 2
    for bad in (0, 101, -3):
        r = runner.invoke(app, ["report", str(TWO_SIDES), "--trust-window", str(bad)])
        assert r.exit_code == 2 and "--trust-window" in r.output, r.output
    r = runner.invoke(app, ["report", str(TWO_SIDES), "--trust-window", "two"])
    assert r.exit_code == 2 and "--trust-window" in r.output
    for value in (0, 2.5, True, "3.5", "two"):
        with pytest.raises(InputError, match="trust_window"):
            report(TWO_SIDES, quick=True, runs=10, trust_window=value)  # type: ignore[arg-type]
    # the one parser of numbers (q19): Python takes the spellings the command line takes
    assert (
        report(TWO_SIDES, quick=True, runs=10, trust_window="2").manifest["parameters"][
            "trust_window"
        ]
        == 2
    )


def test_the_progress_total_is_known_before_the_first_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.progress import Progress

    from detente.report.sections import SECTION_MODULES

    totals: list[Any] = []
    add = Progress.add_task

    def spy(self: Progress, description: str, **kw: Any) -> Any:
        totals.append(kw.get("total"))
        return add(self, description, **kw)

    monkeypatch.setattr(Progress, "add_task", spy)
    out = tmp_path / "r"
    r = runner.invoke(app, ["report", str(TWO_SIDES), "--quick", "--runs", "10", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert totals == [len(SECTION_MODULES)]


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0, "0"),
        (1.0, "1"),
        (0.0019, "< 0.01"),
        (0.004, "< 0.01"),
        (0.5, "0.50"),
        (0.996, "> 0.99"),
        (0.78123, "0.78"),
        (None, "n/a"),
    ],
)
def test_probabilities_never_print_as_a_false_zero_or_one(p: float | None, text: str) -> None:
    assert fmt_prob(p) == text


def test_interval_ends_keep_two_significant_digits_rounded_outwards() -> None:
    assert fmt_bound(0.0019170, up=True) == "0.002"  # the Wilson bound of 0 in 2000 runs
    assert fmt_bound(0.0019170, up=False) == "0.0019"
    assert fmt_bound(0.00041, up=True) == "0.00041"
    assert fmt_bound(0.99812, up=False) == "0.9981" and fmt_bound(0.99812, up=True) == "0.9982"
    assert fmt_interval(0.0, 0.001917) == "0–0.002"
    assert fmt_interval(0.7512, 0.8049) == "0.75–0.80"
    for x in (1e-9, 3.3e-5, 0.0071, 0.42, 0.999999):
        assert float(fmt_bound(x, up=True)) >= x - 1e-12
        assert float(fmt_bound(x, up=False)) <= x + 1e-12


def test_every_strategy_protocol_and_flag_has_one_human_label() -> None:
    from detente.labels import FLAG_LABELS, PROTOCOL_LABELS, STRATEGY_LABELS, Names
    from detente.monitor.flags import FLAG_KINDS
    from detente.scenario import load_scenario
    from detente.scenario.simulation import Protocol, StrategyName
    from detente.simulate.strategies import STRATEGIES

    assert set(STRATEGY_LABELS) == {s.value for s in StrategyName} == set(STRATEGIES)
    assert set(PROTOCOL_LABELS) == {p.value for p in Protocol}
    assert set(FLAG_LABELS) == set(FLAG_KINDS)
    for label in [*STRATEGY_LABELS.values(), *PROTOCOL_LABELS.values(), *FLAG_LABELS.values()]:
        assert not SNAKE.search(label), label
    n = Names.of(load_scenario(LATEST))
    assert n.support_line("UA", "us_military_aid") == "US military aid"
    assert n.bundle("settlement") == "Full settlement" and n.actor("RU") == "Russia"
    assert n.actor("nobody_known") == "nobody known"  # an unknown id reads as words


def test_bundle_csv_cells_never_run_as_spreadsheet_formulas() -> None:
    """Scenario text reaches the bundle's CSVs: a cell a spreadsheet would run as a formula
    is quoted, the way the workspace's downloads quote it; numbers stay numbers."""
    import csv
    import io

    from detente.report.bundle import csv_text

    rows = [{"name": '=HYPERLINK("x")', "note": "@SUM(A1)", "x": -0.5, "t": "-3"}]
    got = next(csv.DictReader(io.StringIO(csv_text(rows))))
    assert got == {"name": '\'=HYPERLINK("x")', "note": "'@SUM(A1)", "x": "-0.5", "t": "-3"}


@pytest.mark.parametrize(
    ("p", "text"),
    [(0.996, "P > 0.99"), (0.001, "P < 0.01"), (0.5, "P = 0.50"), (1.0, "P = 1"), (0.0, "P = 0")],
)
def test_a_probability_after_its_name_reads_with_one_relation(p: float, text: str) -> None:
    """Never ``P = > 0.99`` (as the README's simulation headline once printed)."""
    assert f"P {fmt_prob_is(p)}" == text

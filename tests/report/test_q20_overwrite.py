"""``detente report --overwrite`` replaces or removes only the earlier report's files that are
still as it wrote them (their SHA-256 is the one its manifest.json records): an edited file is
refused, located, and nothing in the folder changes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.app import app
from detente.errors import InputError

runner = CliRunner()
TWO_SIDES = Path(__file__).resolve().parents[1] / "simulate" / "fixtures" / "two_sides.yaml"
ARGS = ["report", str(TWO_SIDES), "--quick", "--runs", "20", "--out"]


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("earlier") / "r"
    r = runner.invoke(app, [*ARGS, str(out)])
    assert r.exit_code == 0, r.output
    return out


def _copy(earlier: Path, tmp_path: Path) -> Path:
    out = tmp_path / "r"
    shutil.copytree(earlier, out)
    return out


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _refused(out: Path, name: str) -> str:
    before = _snapshot(out)
    r = runner.invoke(app, [*ARGS, str(out), "--overwrite"])
    text = " ".join(r.output.split())
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and "refusing to overwrite" in text, text
    assert str(out / name) in text, text  # located: the file's path
    assert _snapshot(out) == before  # nothing removed nor replaced
    return text


def test_the_manifest_records_the_pages_sha256(earlier: Path) -> None:
    manifest = json.loads((earlier / "manifest.json").read_text(encoding="utf-8"))
    page = (earlier / "report.html").read_bytes()
    assert manifest["page"] == {
        "path": "report.html",
        "bytes": len(page),
        "sha256": hashlib.sha256(page).hexdigest(),
    }
    listed = {f["path"] for f in manifest["files"]}
    assert "report-data.zip" in listed and any(p.endswith(".csv") for p in listed)


@pytest.mark.parametrize(
    "name", ["data/report-data.json", "report-data.zip", "report.html", "data/overview-actors.csv"]
)
def test_an_edited_file_of_the_earlier_report_is_refused(
    earlier: Path, tmp_path: Path, name: str
) -> None:
    out = _copy(earlier, tmp_path)
    if name.endswith(".csv"):  # any CSV of the bundle
        name = "data/" + sorted(p.name for p in (out / "data").glob("*.csv"))[0]
    path = out / name
    path.write_bytes(path.read_bytes() + b"my note\n")
    text = _refused(out, name)
    assert "manifest.json" in text


def test_an_edited_file_the_new_report_lacks_is_not_removed(earlier: Path, tmp_path: Path) -> None:
    """The earlier report's bundle file that the new one would remove, edited since."""
    out = _copy(earlier, tmp_path)
    gone = out / "data" / "gone-section.csv"
    gone.write_text("a\n1\n", encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    record = {"path": "data/gone-section.csv", "bytes": 4}
    manifest["files"].append(record | {"sha256": hashlib.sha256(b"a\n2\n").hexdigest()})
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _refused(out, "data/gone-section.csv")
    # as the earlier report wrote it: removed, the rest replaced
    manifest["files"][-1] = record | {"sha256": hashlib.sha256(b"a\n1\n").hexdigest()}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    r = runner.invoke(app, [*ARGS, str(out), "--overwrite"])
    assert r.exit_code == 0, r.output
    assert not gone.exists()
    data = {k: v for k, v in _snapshot(out).items() if not k.endswith((".html", "manifest.json"))}
    assert data == {k: v for k, v in _snapshot(earlier).items() if k in data} and len(data) > 3
    assert set(data) | {"report.html", "manifest.json"} == set(_snapshot(earlier))


def test_a_page_an_older_detente_did_not_record_is_refused(earlier: Path, tmp_path: Path) -> None:
    out = _copy(earlier, tmp_path)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    del manifest["page"]
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert "records none" in _refused(out, "report.html")


def test_the_python_api_refuses_before_the_work(earlier: Path, tmp_path: Path) -> None:
    import detente

    out = _copy(earlier, tmp_path)
    (out / "report.html").write_text("my edits", encoding="utf-8")
    before = _snapshot(out)
    with pytest.raises(InputError, match="refusing to overwrite"):
        detente.report(TWO_SIDES, quick=True, runs=20, out=out, overwrite=True)
    assert _snapshot(out) == before

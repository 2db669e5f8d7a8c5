"""q21: front-door fixes noticed by q20.

1. ``simulate --out DIR --overwrite`` removed an earlier output's files without checking their
   bytes; its manifest now records each file's SHA-256 and an edited file is refused (nothing
   removed).
3. A scenario file whose top level is not a mapping was reported as ``got CommentedSeq`` (a
   ruamel type); it now says ``got a list`` (or the scalar itself).
4. ``what-it-takes --mechanisms nope`` exited 1 while a bad ``--as-of`` exits 2: an option's
   value the scenario cannot take is a usage error (exit 2) naming the option.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import detente
from detente.cli.app import app
from detente.errors import InputError
from detente.manifest import content_hash

TEACHING = Path(__file__).parents[1] / "scenarios" / "teaching.yaml"


def _cli(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.output


# 1. simulate --overwrite checks the earlier output's bytes


def test_simulate_manifest_records_each_files_sha256(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    detente.simulate(TEACHING, runs=8, periods=4, out=out)
    doc = json.loads((out / "manifest.json").read_text())
    listed = {r["path"]: r for r in doc["files"]}
    on_disk = {p.name for p in out.iterdir()} - {"manifest.json"}
    assert set(listed) == on_disk and "summary.json" in listed
    for name, r in listed.items():
        data = (out / name).read_bytes()
        assert r == {"path": name, "bytes": len(data), "sha256": content_hash(data)}
    # an untouched earlier output is replaced
    detente.simulate(TEACHING, runs=8, periods=4, out=out, overwrite=True)


@pytest.mark.parametrize("name", ["summary.json", "runs-000000.parquet"])
def test_simulate_overwrite_refuses_an_edited_file_and_removes_nothing(
    tmp_path: Path, name: str
) -> None:
    out = tmp_path / "sim"
    detente.simulate(TEACHING, runs=8, periods=4, out=out)
    with (out / name).open("ab") as fh:
        fh.write(b" ")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(InputError, match=rf"{name}.*refusing to overwrite.*nothing was removed"):
        detente.simulate(TEACHING, runs=8, periods=4, out=out, overwrite=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    code, text = _cli(
        "simulate", str(TEACHING), "--runs", "8", "--periods", "4", "--out", str(out),
        "--overwrite",
    )  # fmt: skip
    assert code == 1 and "refusing to overwrite" in text, text
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_simulate_overwrite_refuses_a_file_the_manifest_does_not_list(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    detente.simulate(TEACHING, runs=8, periods=4, out=out)
    (out / "runs-000009.parquet").write_bytes(b"not ours")
    with pytest.raises(InputError, match=r"runs-000009\.parquet"):
        detente.simulate(TEACHING, runs=8, periods=4, out=out, overwrite=True)
    assert (out / "runs-000009.parquet").read_bytes() == b"not ours"


def test_an_older_simulate_folder_without_records_is_replaced_as_before(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    detente.simulate(TEACHING, runs=8, periods=4, out=out)
    doc = json.loads((out / "manifest.json").read_text())
    del doc["files"]
    (out / "manifest.json").write_text(json.dumps(doc))
    (out / "summary.json").write_text("{}")
    run = detente.simulate(TEACHING, runs=8, periods=4, out=out, overwrite=True)
    assert run.out == out and "files" in json.loads((out / "manifest.json").read_text())


# 3. the loader's top-level message says what the file holds in YAML's words


@pytest.mark.parametrize(
    ("text", "kind"), [("- a\n- b\n", "a list"), ("just words\n", "'just words'")]
)
def test_a_top_level_that_is_not_a_mapping_is_named_in_yamls_words(
    tmp_path: Path, text: str, kind: str
) -> None:
    from detente.scenario import ScenarioError, load_scenario

    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert f"expected a mapping at the top level, got {kind}" in message, message
    assert "Commented" not in message and "str" not in message.rpartition("got")[2]


# 4. an unknown --mechanisms id is a usage error (exit 2), like a late --as-of


def test_an_unknown_mechanism_id_exits_2_naming_the_option() -> None:
    from detente.errors import OptionValueError

    r = CliRunner().invoke(app, ["what-it-takes", str(TEACHING), "--mechanisms", "nope"])
    assert r.exit_code == 2, r.output
    assert "--mechanisms" in r.output and "unknown mechanism id(s) nope" in r.output
    assert "monitors" in r.output  # the scenario's ids
    late = CliRunner().invoke(app, ["what-it-takes", str(TEACHING), "--as-of", "2099-01-01"])
    assert late.exit_code == r.exit_code == 2
    with pytest.raises(OptionValueError, match=r"mechanisms \(--mechanisms\): unknown") as e:
        detente.what_it_takes(TEACHING, mechanisms=["nope"])
    assert isinstance(e.value, InputError) and e.value.exit_code == 2

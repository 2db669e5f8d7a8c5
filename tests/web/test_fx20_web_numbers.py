"""rev19 findings 4-5: the workspace's what-if sliders, trainer offers and ``moves=`` read
numbers with the one parser of the front doors (:mod:`detente.api.numbers`), so '٦٠' (Arabic
digits), '６０' (full-width) are refused as everywhere else; and the parser's two edges."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import detente
from detente.api.numbers import SEED, SIZE, real, whole
from detente.errors import OptionValueError
from detente.web.whatif import apply_edits, knobs

TEACHING = Path(__file__).parents[2] / "scenarios" / "teaching.yaml"
PLAY = "/scenario/teaching/play"
FOREIGN = ["٦٠", "６０", "٦", "６"]


@pytest.mark.parametrize("raw", FOREIGN)
def test_whatif_sliders_refuse_what_the_cli_refuses(raw: str) -> None:
    s = detente.load_scenario(TEACHING)
    knob = next(k for k in knobs(s) if k.high >= 60)
    edited, changes, problems = apply_edits(s, {knob.key: raw})
    assert changes == [] and edited is s
    assert len(problems) == 1
    assert problems[0].startswith(f"{knob.label}: {raw!r} is not a number; expected a number")


def test_whatif_sliders_take_the_clis_spellings() -> None:
    s = detente.load_scenario(TEACHING)
    knob = next(k for k in knobs(s) if k.high >= 60 and k.value != 60)
    for raw in ["60", "6e1", "6_0", " 60.0 "]:
        _edited, changes, problems = apply_edits(s, {knob.key: raw})
        assert problems == [] and [c.key for c in changes] == [knob.key], raw


@pytest.mark.parametrize("raw", [*FOREIGN, "0x10", "nan"])
def test_play_offers_and_moves_refuse_what_the_cli_refuses(client: TestClient, raw: str) -> None:
    r = client.get(f"{PLAY}?act=offer&x.valley={raw}&x.demilitarisation=1")
    assert r.status_code == 400 and "x.valley: " in r.text
    r = client.get(f"{PLAY}?moves=o:{raw},20", follow_redirects=False)
    assert r.status_code == 400 and "moves: move 1, value 1: " in r.text


def test_play_moves_take_the_clis_spellings(client: TestClient) -> None:
    a = client.get(f"{PLAY}?moves=o:6e1,2_0~r", follow_redirects=False)
    b = client.get(f"{PLAY}?moves=o:60,20~r", follow_redirects=False)
    assert a.status_code == b.status_code == 200
    assert a.text.replace("6e1,2_0", "60,20") == b.text


def test_a_huge_negative_exponent_is_not_a_whole_number() -> None:
    for text in ["1.5e-99999999999999999999", "-2e-99999999999999999999", "1.5e-10"]:
        with pytest.raises(OptionValueError, match="is not a whole number"):
            whole(text, SEED)
    assert whole("0e-99999999999999999999", SEED) == 0
    assert real("1.5e-99999999999999999999", SIZE) == 0.0
    with pytest.raises(OptionValueError, match="is out of range"):
        real("-1.5e-99999999999999999999", SIZE)  # as '-1e-400': below the range's 0


def test_minus_zero_is_plus_zero() -> None:
    for text in ["-0", "-0.0", "-0e-99999999999999999999", -0.0]:
        x = real(text, SIZE)
        assert x == 0.0 and math.copysign(1.0, x) == 1.0


def test_the_cli_refuses_a_seed_with_a_huge_negative_exponent() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "from detente.cli.app import main; main()", "analyze",
         str(TEACHING), "--seed", "1.5e-99999999999999999999"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    text = re.sub(r"[\s│]+", " ", out.stderr)  # the usage error's box, unwrapped
    assert out.returncode == 2 and "is not a whole number" in text, out.stderr


def test_a_slider_takes_its_own_bounds_as_written() -> None:
    """A bound such as 0.01 is compared as the decimal 0.01, not the binary float above it."""
    from detente.api.numbers import in_range

    kind = in_range("hazard ratio", 0.01, 3.52)
    assert real("0.01", kind) == 0.01 and real("3.52", kind) == 3.52
    assert real(0.01, kind) == 0.01 and real(3.52, kind) == 3.52
    for text in ["0.0099999", "3.5200001"]:
        with pytest.raises(OptionValueError, match="is out of range"):
            real(text, kind)

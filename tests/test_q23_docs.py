"""q23 items 5 and 6: the docs and a validation tool the last sessions left behind.

- docs/explanation/simulation-model.md's step table lacked ``spoil`` and ``tracks``: it now
  lists every step of :data:`detente.simulate.steps.PERIOD_STEPS`, in order;
- docs/explanation/tracks.md cited Dunn 1996 and Putnam 1988 without listing them under
  References: every author-year citation of its text is now listed;
- validation/lifting_why.py had two mypy errors (a ``json.loads`` returned as a typed dict;
  ``detente.simulate``, to mypy the engine package, called).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
EXPLANATION = ROOT / "docs" / "explanation"
MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"}  # fmt: skip


def test_the_step_table_lists_every_period_step_in_order() -> None:
    from detente.simulate.steps import PERIOD_STEPS

    text = (EXPLANATION / "simulation-model.md").read_text(encoding="utf-8")
    table = text.split("| step | what it does |", 1)[1].split("\n\n", 1)[0]
    listed = re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE)
    assert listed == [s.name for s in PERIOD_STEPS]


def test_every_citation_of_tracks_md_is_in_its_references() -> None:
    text = (EXPLANATION / "tracks.md").read_text(encoding="utf-8")
    body, refs = text.split("\n## References\n", 1)
    cited = re.findall(
        r"\b([A-Z][a-zé]+)(?: and [A-Z][a-zé]+| et al\.)? \(?((?:19|20)\d\d)\b", body
    )
    cited = [(name, year) for name, year in cited if name not in MONTHS]
    assert ("Dunn", "1996") in cited and ("Putnam", "1988") in cited
    entries = [line for line in refs.splitlines() if line.startswith("- ")]
    for name, year in cited:
        assert any(name in e and f"({year})" in e for e in entries), (name, year)


def test_lifting_why_type_checks() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "validation/lifting_why.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stdout + res.stderr

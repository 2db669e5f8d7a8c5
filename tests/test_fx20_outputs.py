"""rev19 finding 9: a clear of simulate's folder stopped half-way leaves a folder simulate can
still clear (its records go last), and simulate removes only its own temporary files."""

from __future__ import annotations

from pathlib import Path

import pytest

import detente
from detente.outputs import MARKER

TEACHING = Path(__file__).parents[1] / "scenarios" / "teaching.yaml"


def _stop_after(monkeypatch: pytest.MonkeyPatch, folder: Path, n: int) -> None:
    """Make the ``n+1``-th removal of a file in ``folder`` stop the process (a kill)."""
    real = Path.unlink
    count = 0

    def unlink(self: Path, missing_ok: bool = False) -> None:
        nonlocal count
        if self.parent == folder:
            if count == n:
                raise KeyboardInterrupt
            count += 1
        real(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)


@pytest.mark.parametrize("marker", [False, True])
def test_a_clear_stopped_half_way_can_be_cleared_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, marker: bool
) -> None:
    out = tmp_path / "k"
    detente.simulate(TEACHING, runs=300, periods=4, out=out)
    if marker:  # an interrupted run's folder: manifest and marker
        (out / MARKER).write_text('{"command": "simulate", "status": "interrupted"}')
    files = len(list(out.iterdir()))
    assert files >= 4
    for n in range(files):
        with monkeypatch.context() as m:
            _stop_after(m, out, n)
            with pytest.raises(KeyboardInterrupt):
                detente.simulate(TEACHING, runs=300, periods=4, out=out, overwrite=True)
        # whatever the moment, the folder is still simulate's: --overwrite clears it
        run = detente.simulate(TEACHING, runs=300, periods=4, out=out, overwrite=True)
        assert run.out == out and (out / "manifest.json").is_file()
        if marker:
            (out / MARKER).write_text('{"command": "simulate", "status": "interrupted"}')


def test_simulate_removes_only_its_own_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "k"
    theirs = [out / ".draft.tmp", out / ".notes.json.abc.tmp"]
    mine = out / ".summary.json.k3x_9q.tmp"

    def progress(done: int, total: int) -> None:  # files appear while simulate writes
        for f in [*theirs, mine]:
            if not f.exists():
                f.write_bytes(b"x")

    detente.simulate(TEACHING, runs=300, periods=4, out=out, progress=progress)
    assert all(f.read_bytes() == b"x" for f in theirs)
    assert not mine.exists()

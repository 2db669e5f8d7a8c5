"""Several worker processes (``detente serve --workers N``): what one worker starts, another
can reach: an upload opens, a running simulation stops (web/jobs.py, web/store.py)."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

from detente.web import create_app
from detente.web.jobs import JobRegistry
from detente.web.store import default_dir


def _events(lines: list[str]) -> list[tuple[str, str]]:
    out, kind = [], ""
    for line in lines:
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            out.append((kind, line[6:]))
    return out


def test_a_simulation_started_on_one_worker_stops_from_another(tmp_path: Path) -> None:
    with (
        TestClient(create_app(shared_dir=tmp_path)) as a,
        TestClient(create_app(shared_dir=tmp_path)) as b,
    ):
        with a.stream("GET", "/scenario/teaching/simulate/stream?runs=5000&seed=3") as r:
            lines = r.iter_lines()
            seen: list[str] = []
            for line in lines:
                seen.append(line)
                if line.startswith("data: ") and len(_events(seen)) == 2:
                    break  # the job id, then the first progress event
            job = _events(seen)[0][1]
            assert (tmp_path / "jobs" / job).is_file()
            assert b.post(f"/simulate/{job}/cancel").status_code == 204
            seen += list(lines)
        result = "\n".join(d for k, d in _events(seen) if k == "result")
        m = re.search(r"stopped early: (\d+) of 5000 runs finished", result)
        assert m is not None and 0 < int(m.group(1)) < 5000
        assert not list((tmp_path / "jobs").iterdir())  # finished: its files are gone
        assert b.post(f"/simulate/{job}/cancel").status_code == 404
        assert a.post(f"/simulate/{job}/cancel").status_code == 404
        assert b.post("/simulate/..%2F..%2Fx/cancel").status_code == 404


def test_an_upload_to_one_worker_opens_on_another(tmp_path: Path) -> None:
    data = (default_dir() / "teaching.yaml").read_bytes()
    with (
        TestClient(create_app(shared_dir=tmp_path)) as a,
        TestClient(create_app(shared_dir=tmp_path)) as b,
        TestClient(create_app()) as alone,
    ):
        r = a.post(
            "/upload",
            files={"file": ("mine.yaml", data, "application/x-yaml")},
            follow_redirects=False,
        )
        assert r.status_code == 303
        where = r.headers["location"]
        assert b.get(where).status_code == 200
        assert "Ash Valley" in b.get(where).text
        assert alone.get(where).status_code == 404  # no shared directory: not there


def test_job_ids_name_no_file_unless_well_formed(tmp_path: Path) -> None:
    jobs = JobRegistry(tmp_path)
    (tmp_path / "x.stop").touch()
    assert not jobs.stop("x") and not jobs.stopped("x")
    assert not jobs.stop("../" + "0" * 29)
    job = "ab" * 16
    jobs.start(job)
    other = JobRegistry(tmp_path)  # another worker
    assert other.stop(job) and jobs.stopped(job)
    jobs.finish(job)
    assert not other.stop(job) and sorted(p.name for p in tmp_path.iterdir()) == ["x.stop"]

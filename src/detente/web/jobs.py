"""Running simulations' stop flags, shared by every worker process of one ``detente serve``.

A simulation runs in the process whose request opened its event stream; the Stop button's
``POST /simulate/JOB/cancel`` may reach another worker (each connection goes to any of them). So
besides an in-process flag, each running job is a file ``JOB`` in a directory the workers
share (``detente serve`` creates it, ``DETENTE_JOBS_DIR``), and a stop request from any
worker writes ``JOB.stop`` there; the running process looks for it after each block of runs.
Job ids are 32 random hex digits, checked before any file is named after them. Without a
directory (one process, tests), the registry is in memory only.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

__all__ = ["JOB_ID", "JobRegistry"]

JOB_ID = re.compile(r"^[0-9a-f]{32}$")


class JobRegistry:
    """Stop flags of running jobs: in this process, and in ``directory`` for the others."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        self._local: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def _file(self, job: str, suffix: str = "") -> Path | None:
        if self.directory is None or not JOB_ID.match(job):
            return None
        return self.directory / f"{job}{suffix}"

    def start(self, job: str) -> threading.Event:
        """Register a running job; its event is set when it should stop."""
        event = threading.Event()
        with self._lock:
            self._local[job] = event
        path = self._file(job)
        if path is not None:
            path.touch()
        return event

    def stop(self, job: str) -> bool:
        """Ask a running job (of any worker) to stop; False if no such job is running."""
        with self._lock:
            event = self._local.get(job)
        if event is not None:
            event.set()
            return True
        path = self._file(job)
        if path is None or not path.exists():
            return False
        (path.parent / f"{job}.stop").touch()
        return True

    def stopped(self, job: str) -> bool:
        """Has a stop been asked for this job (here or from another worker)?"""
        with self._lock:
            event = self._local.get(job)
        if event is not None and event.is_set():
            return True
        path = self._file(job, ".stop")
        if path is not None and path.exists():
            if event is not None:
                event.set()
            return True
        return False

    def finish(self, job: str) -> None:
        """Forget a job that ended (finished, stopped, or its client left)."""
        with self._lock:
            self._local.pop(job, None)
        for suffix in ("", ".stop"):
            path = self._file(job, suffix)
            if path is not None:
                path.unlink(missing_ok=True)

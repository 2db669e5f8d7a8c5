"""Execution backends for sweeps, behind one interface (context managers).

A backend receives data shared by every task once (the base scenarios), then maps a function
over tasks and yields results as they finish (in any order: the caller sorts by point). Calls
with the same shared object (the validation pass, then the run) reuse the workers and the copy
of the shared data they already hold. Seeds
are fixed in the parent before anything is submitted, so the results do not depend on the
backend, the number of workers or the order of completion.

- :class:`SerialBackend`: in this process.
- :class:`ProcessBackend`: local processes (``concurrent.futures``, spawned interpreters).
- :class:`DaskBackend`: a Dask distributed cluster at ``scheduler`` (``tcp://host:8786``), or a
  ``LocalCluster`` on this machine (localhost only) started and closed with the backend.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from types import TracebackType
from typing import Any

from detente.errors import InputError, OptionValueError

__all__ = [
    "BACKENDS",
    "Backend",
    "DaskBackend",
    "ProcessBackend",
    "SerialBackend",
    "check_backend",
    "make_backend",
]

Task = Any
Fn = Callable[[Any, Task], Any]

_SHARED: Any = None


def _init_shared(shared: Any) -> None:
    global _SHARED  # one copy of the base scenarios per worker process
    _SHARED = shared


def _call_shared(fn: Fn, task: Task) -> Any:
    return fn(_SHARED, task)


class Backend:
    """Runs ``fn(shared, task)`` for every task; a context manager that owns its workers."""

    name = "base"
    workers = 1

    def __enter__(self) -> Backend:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the workers (idempotent)."""

    def run(self, fn: Fn, shared: Any, tasks: Iterable[Task]) -> Iterator[Any]:
        """Yield ``fn(shared, task)`` for each task as it finishes."""
        raise NotImplementedError


class SerialBackend(Backend):
    name = "serial"

    def run(self, fn: Fn, shared: Any, tasks: Iterable[Task]) -> Iterator[Any]:
        for t in tasks:
            yield fn(shared, t)


class ProcessBackend(Backend):
    name = "processes"

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise InputError(f"--workers must be at least 1, got {workers}")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._shared: Any = None

    def run(self, fn: Fn, shared: Any, tasks: Iterable[Task]) -> Iterator[Any]:
        if self._pool is None or self._shared is not shared:
            self.close()
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_shared,
                initargs=(shared,),
            )
            self._shared = shared
        pending: set[Future[Any]] = set()
        window = 4 * self.workers  # bounded queue: memory stays flat for long sweeps
        it = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                try:
                    t = next(it)
                except StopIteration:
                    exhausted = True
                    break
                pending.add(self._pool.submit(_call_shared, fn, t))
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield f.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._shared = None


class DaskBackend(Backend):
    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int = 2) -> None:
        from detente.sweep.analysis import require

        dist: Any = require("distributed")
        Client, LocalCluster = dist.Client, dist.LocalCluster
        if workers < 1:
            raise InputError(f"--workers must be at least 1, got {workers}")
        self.workers = workers
        self._cluster: Any = None
        self._scattered: tuple[Any, Any] | None = None  # (shared object, its future)
        if scheduler is None:
            self._cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # localhost only, any free port
            )
            self._client: Any = Client(self._cluster)
        else:
            try:
                self._client = Client(scheduler, timeout="10s")
            except OSError as exc:
                raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
            except ValueError as exc:  # not an address Dask reads (e.g. an unknown scheme)
                raise OptionValueError(
                    "scheduler", "--scheduler", f"not a Dask scheduler address: {exc}"
                ) from None

    def run(self, fn: Fn, shared: Any, tasks: Iterable[Task]) -> Iterator[Any]:
        import importlib

        as_completed: Any = importlib.import_module("distributed").as_completed
        if self._scattered is None or self._scattered[0] is not shared:
            fut = self._client.scatter(shared, broadcast=True, hash=False)
            self._scattered = (shared, fut)
        shared_f = self._scattered[1]
        window = 4 * max(1, len(self._client.scheduler_info().get("workers", {})) or self.workers)
        it = iter(tasks)
        ac = as_completed()
        for t in itertools.islice(it, window):
            ac.add(self._client.submit(fn, shared_f, t, pure=False))
        for fut in ac:
            result = fut.result()
            fut.release()
            nxt = next(it, None)
            if nxt is not None:
                ac.add(self._client.submit(fn, shared_f, nxt, pure=False))
            yield result

    def close(self) -> None:
        self._scattered = None
        if getattr(self, "_client", None) is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


BACKENDS = ("serial", "processes", "dask")
"""The names :func:`make_backend` takes."""


def check_backend(name: str, scheduler: str | None = None) -> None:
    """Refuse (:class:`~detente.errors.OptionValueError`, a usage error naming the option, exit
    2 on the command line) a backend name that is not one of :data:`BACKENDS`, or a
    ``scheduler`` with a backend other than dask."""
    if name not in BACKENDS:
        raise OptionValueError(
            "backend",
            "--backend",
            f"unknown backend {name!r}; expected one of: {', '.join(BACKENDS)}",
        )
    if scheduler is not None and name != "dask":
        raise OptionValueError(
            "scheduler", "--scheduler", f"needs --backend dask (the backend is {name!r})"
        )


def make_backend(name: str, *, workers: int = 2, scheduler: str | None = None) -> Backend:
    """The backend called ``name`` (serial, processes, dask); :func:`check_backend` refuses
    another name, or a ``scheduler`` without dask."""
    check_backend(name, scheduler)
    if name == "serial":
        return SerialBackend()
    if name == "processes":
        return ProcessBackend(workers)
    if name == "dask":
        return DaskBackend(scheduler, workers)
    raise AssertionError(name)  # pragma: no cover - every name of BACKENDS is handled above

"""Holding SIGINT and SIGTERM across code that must not be interrupted half-way.

Python runs a signal handler between any two bytecodes of the main thread, so the
``KeyboardInterrupt`` of Ctrl-C (or the front door's ``Interrupted`` on SIGTERM) can be raised
inside library code that is not written for it: inside ``concurrent.futures`` after a future's
lock was taken (the lock then stays held and the pool's manager thread waits on it forever: a
hang), or between two files that belong together. :func:`signals_held` notes the signals
instead and delivers them again when the block ends, at a point where an interrupt is safe.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["signals_held"]

_HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def signals_held() -> Iterator[list[int]]:
    """Hold SIGINT and SIGTERM while the block runs.

    Inside the block the signals are only noted, in the yielded list; at its end the previous
    handlers are restored and the first signal still in the list is delivered again (it then
    acts as it would have: Ctrl-C raises ``KeyboardInterrupt``). A caller may clear the list
    when the signal came too late to matter (the work was complete). Outside the main thread,
    where handlers cannot be set, this does nothing.
    """
    held: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield held
        return

    def note(signum: int, frame: Any) -> None:
        held.append(signum)

    previous = {sig: signal.signal(sig, note) for sig in _HELD}
    try:
        yield held
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if held:
            signal.raise_signal(held[0])

"""Seeds and named random streams.

Every stochastic result is a function of (inputs, seed). One ``numpy.random.SeedSequence`` is
made per run from the user's seed; each consumer draws from its own *named* child stream, so
adding a consumer (a simulation step, a report section) never shifts the draws of the others.
A named child is ``SeedSequence(entropy, spawn_key=parent.spawn_key + (h(name),))`` with ``h``
a stable 32-bit hash (BLAKE2b) of the name: independent of Python's hash seed, of the order in
which streams are requested, and of how work is split between processes.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["DEFAULT_SEED", "named_rng", "named_seed"]

DEFAULT_SEED = 20261122
"""The seed used when the user gives none (every command and API function shares it)."""


def _key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=4).digest(), "big")


def named_seed(parent: np.random.SeedSequence | int, *names: str) -> np.random.SeedSequence:
    """The child of ``parent`` reached by the path of ``names`` (stable across runs)."""
    seq = parent if isinstance(parent, np.random.SeedSequence) else np.random.SeedSequence(parent)
    key = tuple(seq.spawn_key) + tuple(_key(n) for n in names)
    return np.random.SeedSequence(entropy=seq.entropy, spawn_key=key, pool_size=seq.pool_size)


def named_rng(parent: np.random.SeedSequence | int, *names: str) -> np.random.Generator:
    """A generator on the named child stream (see :func:`named_seed`)."""
    return np.random.default_rng(named_seed(parent, *names))

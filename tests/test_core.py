"""The shared core: named random streams are stable, independent and order-free."""

from __future__ import annotations

import numpy as np

from detente.core import DEFAULT_SEED, TRUST_DIMENSIONS, Dimension, named_rng, named_seed


def test_named_streams_are_stable_and_independent_of_request_order() -> None:
    a1 = named_rng(7, "fight").random(5)
    b1 = named_rng(7, "talk").random(5)
    b2 = named_rng(7, "talk").random(5)
    a2 = named_rng(7, "fight").random(5)
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(b1, b2)
    assert not np.allclose(a1, b1)


def test_named_child_of_a_spawned_block_differs_per_block() -> None:
    blocks = np.random.SeedSequence(DEFAULT_SEED).spawn(2)
    x = named_rng(blocks[0], "fight").random(3)
    y = named_rng(blocks[1], "fight").random(3)
    assert not np.allclose(x, y)
    # A path of names is the same as naming step by step.
    np.testing.assert_array_equal(
        np.random.default_rng(named_seed(named_seed(blocks[0], "a"), "b")).random(3),
        named_rng(blocks[0], "a", "b").random(3),
    )


def test_dimensions_in_canonical_order() -> None:
    assert TRUST_DIMENSIONS == ("capacity", "peaceful_intention", "integrity", "predictability")
    assert [d.value for d in Dimension] == list(TRUST_DIMENSIONS)

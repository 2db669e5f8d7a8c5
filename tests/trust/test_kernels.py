"""The trust kernels give, bit for bit, what the array functions give (detente.trust.kernels)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.trust.kernels import apply_observed_acts
from detente.trust.vectorised import apply_acts, observed_act_increments


@pytest.mark.parametrize("negative_zero", [False, True])
def test_observed_acts_are_applied_as_apply_acts_applies_them(negative_zero: bool) -> None:
    rng = np.random.default_rng(5)
    n, n_act, n_dim = 300, 5, 4
    r0 = rng.choice([0.0, 0.3, 1.7, 12.0], size=(n, 2, n_dim))
    s0 = rng.choice([0.0, 0.4, 2.5], size=(n, 2, n_dim))
    if negative_zero:
        r0[::7, 0, 1] = -0.0
        s0[::5, 1, 2] = -0.0
    relevance = rng.choice([-1.0, -0.5, 0.0, 0.3, 1.0], size=(2, n_act, n_dim))
    weight = np.array([0.1, 1.0, 0.0, 0.3, 2.0])
    seen = rng.random((n, 2, n_act)) < 0.2
    seen[:, :, 4] = False  # an act no run saw
    acts = (seen.astype(np.int64) << np.arange(n_act)).sum(axis=2)
    # the reference: every act some run saw, in turn, over the whole block
    r_ref, s_ref = r0.copy(), s0.copy()
    for side in (0, 1):
        for k in range(n_act):
            if seen[:, side, k].any():
                w = seen[:, side, k].astype(np.float64) * weight[k]
                r_ref[:, side], s_ref[:, side] = apply_acts(
                    r_ref[:, side], s_ref[:, side], relevance[side, k], w
                )
    r, s = r0.copy(), s0.copy()
    dr, ds = observed_act_increments(relevance, weight)
    apply_observed_acts(r, s, dr, ds, acts, np.zeros(2, dtype=np.int64))
    assert r.tobytes() == r_ref.tobytes()
    assert s.tobytes() == s_ref.tobytes()

"""What the talk step passes its round every period that does not change from period to
period (:mod:`.talk`), made once instead of every period.

Per model (:class:`TalkPlan`, :func:`~detente.simulate.steps.learn.model_cache`): the
protocol, the scalar settings the round reads, each bundle's concession horizons (the
strategies' factors are then looked up per period, :func:`~detente.simulate.strategies.
side_factors`), its cease-fire flag and its other veto parties' check. Per table
(:func:`search_args`): the search kernels' arguments (:meth:`~detente.simulate.tables.
RunLookup.args`), kept in the table's own dictionary as its cached properties are (a table
bound to a block's runs lives as long as the block's states). Per state array
(:meth:`TalkPlan.nothing_known`): whether no run knows anything of the other side's needs
(every ``other_value`` NaN), remembered for the array last asked about (a state's arrays are
never written once made: the same array gives the same answer).

Each is what the step computed every period before (branch s15a), so the round is given the
same numbers: measured in-process at 4,096 runs (the NegMAS workload at 1,024 outcomes), the
step's Python around its round cost ~95-100 µs a period, of which these took ~35 µs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.scenario.simulation import Protocol
from detente.simulate.agenda import talk_horizons
from detente.simulate.model import SimModel
from detente.simulate.steps.meeting import _all_nan
from detente.simulate.tables import SearchArrays, TalkTable

__all__ = ["TalkPlan", "search_args"]

FloatArray = NDArray[np.float64]


class TalkPlan:
    """A model's constants as the talk step passes them to its round (made once per
    model)."""

    def __init__(self, m: SimModel) -> None:
        st = m.settings
        self.single_text = m.protocol is Protocol.single_text
        self.by_track = m.tracks is not None
        self.talks_every = int(st.talks_every)
        self.sucker = m.sucker_loss * 2.0  # (2,) L = L_side·2(1 − T_intention), per run
        self.overture_pressure = float(st.overture_pressure)
        self.n_actors = len(m.actor_ids)
        self.pool = tuple(m.strategy_pool)
        # per bundle: each side's concession horizon (agenda.talk_horizons), as floats
        self.horizons = [
            (float(h[0]), float(h[1]))
            for h in (talk_horizons(spec, st) for spec in m.agenda.bundles)
        ]
        self.asks = [bool(a) for a in m.veto_asks]
        # the ``other_value`` array last asked about, and whether every entry of it is NaN
        self._nan_of: tuple[FloatArray, bool] | None = None

    def nothing_known(self, other_value: FloatArray) -> bool:
        """Every entry of ``other_value`` (C-contiguous float64) is NaN: no run knows
        anything of the other side's needs (``np.isnan(other_value).all()``)."""
        last = self._nan_of
        if last is not None and last[0] is other_value:
            return last[1]
        out = bool(_all_nan(other_value))
        self._nan_of = (other_value, out)
        return out


def search_args(table: TalkTable, n: int, known: bool) -> SearchArrays:
    """``table.lookup(n).args(table.best_for if known else None)``, made once per table,
    ``n`` and ``known`` (the table's arrays and its lookup never change once made)."""
    cached: dict[tuple[int, bool], SearchArrays] = vars(table).setdefault("_talk_args", {})
    got = cached.get((n, known))
    if got is None:
        got = cached[(n, known)] = table.lookup(n).args(table.best_for if known else None)
    return got

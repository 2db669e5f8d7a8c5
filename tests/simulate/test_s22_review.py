"""The twenty-second session's final review (rev22): an unratified move set counts for
nothing when a refusal's lift is weighed, and a ratifiers' share cannot cite a source
published after the scenario's date."""

from __future__ import annotations

import numpy as np

from detente.scenario.schema import Source
from detente.scenario.validate import check_references
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model
from detente.simulate.state import evolve
from detente.simulate.steps.tracks import meeting_gain

from .test_v22a_ratification import _commit, _scenario, _share


def _gain(sc: object) -> np.ndarray:
    m = build_model(sc)  # type: ignore[arg-type]
    s = next(iter_periods(m, 8, np.random.SeedSequence(0), 1))
    s = evolve(s, cum_cost=s.cum_cost + 5.0)  # crossing A's line is worth its cost
    ms = m.agenda.move_sets[0]
    out: np.ndarray = meeting_gain(m, s, ms.bundle, ms.actor)
    return out


def test_an_unratified_move_set_gains_nothing_from_meeting() -> None:
    """rev22 item 2: the lifting step weighed a move set's gain that the positions step never
    realises (its ratifiers reject it): the same runs gain by meeting with the plain line and
    with a ratification their share clears, and gain nothing where the share is rejected."""
    plain = _gain(_scenario())
    assert (plain > 0.0).all()  # the move set is worth crossing in these runs
    cleared = _gain(_scenario(_commit(60.0, _share(0.7, 0.2))))
    assert np.array_equal(cleared, plain)
    rejected = _gain(_scenario(_commit(60.0, _share(0.05, 0.9))))
    assert (rejected == 0.0).all()  # the Nash point inside the stated lines gains A nothing


def test_a_share_citing_a_later_source_is_a_located_error() -> None:
    """rev22 item 3: a share measured by ``as_of`` but known only from a source published
    after it would be look-ahead; a source of the same year (which may predate ``as_of``)
    is allowed."""
    share = _share(0.7, 0.2).model_copy(update={"sources": ("S_late", "S_year")})
    sc = _scenario(_commit(60.0, share))
    as_of = sc.meta.as_of
    sources = {
        "S_late": Source(title="a poll published later", date=f"{as_of.year}-12"),
        "S_year": Source(title="a poll of the year", date=str(as_of.year)),
    }
    sc = sc.model_copy(update={"meta": sc.meta.model_copy(update={"sources": sources})})
    found = {f.path: f.message for f in check_references(sc)}
    late = ("public_commitments", 0, "acceptance", 0, "sources", 0)
    assert late in found and "published after meta.as_of" in found[late]
    assert ("public_commitments", 0, "acceptance", 0, "sources", 1) not in found

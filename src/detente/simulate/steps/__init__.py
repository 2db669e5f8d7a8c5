"""The steps of a period: named, pure, vectorised functions ``(model, state, draws) -> state``.

A period of a run is the composition, in this order, of

``shocks``     leadership changes, patrons' support changing, outside events (scenario ``shocks``);
``fight``      the front moves and each side pays its cost of fighting;
``observe``    each side sees the battle and, noisily, the other's costs;
``learn``      Bayesian updates of beliefs; values of fighting; expected trust;
``positions``  veto parties move stated red lines once crossing them is worth its cost;
``spoil``      spoiler factions attack the talks (and may derail the round);
``tracks``     which channel (track) carries the talks on each bundle, if any meets;
``talk``       a round of talks under the scenario's protocol (strategies move, offers, texts);
``signature``  a text drafted for a summit a refusal to sign keeps closed is signed or lapses;
``implement``  agreements signed, staged, kept, rearmed under, stalled or broken;
``verify``     what each side observes of the other's conduct updates its trust;
``support``    allies' support responds to overtures and observed violations.

Each step draws from its own named random stream (:func:`detente.core.named_rng` of the block's
seed and the step's name), a fixed number of uniforms and normals per run and period given by
its ``widths``, so adding a step, or changing how many numbers one step draws, leaves the draws
of every other step unchanged.

Steps that cannot change anything are not run (results are the same, bit for bit): a step
declares it is ``inert`` for a model (it can change no state for any run of it, e.g. the
tracks step without tracks, or the observation of costs when there are no private types to
learn), and then its stream is never drawn; or ``idle`` for a state (nothing to do this period
for any run of the block, e.g. no agreement signed nor in force), and then the engine skips it
and advances its stream past the uniforms it would have drawn, so its later periods draw the
same numbers as if it had run.

Until the settlement (``until="settlement"``, :func:`~detente.simulate.simulate_block`), a run
stops at the end of the period in which it signs its full settlement: what the block's later
periods do to it is never read (its record after the stop is blanked, and what the block's
output keeps of its final state is fixed by then). A step may then also declare itself idle for
the runs still going (``idle_going``: nothing to do this period for any run that has not
signed its settlement in an earlier period, :func:`going1`), and the block skips it as above;
:func:`~detente.simulate.iter_periods`, which yields every run's state, keeps ``idle``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from detente.core.jit import kernel
from detente.simulate.model import SimModel
from detente.simulate.state import Draws, RunState

__all__ = ["PERIOD_STEPS", "Step", "going1", "never"]


def never(*_: object) -> bool:
    """The default of :attr:`Step.inert` and :attr:`Step.idle`: the step always runs."""
    return False


@dataclass(frozen=True)
class Step:
    """A named step of a period, the random numbers it needs, and when it can be skipped."""

    name: str
    apply: Callable[[SimModel, RunState, Draws], RunState]
    widths: Callable[[SimModel], tuple[int, int]]  # (uniforms, normals) per run and period
    # the step changes no state, for any run of the model, in any period: never run
    inert: Callable[[SimModel], bool] = field(default=never)
    # applying it to this state would change nothing (for every run): skipped this period
    idle: Callable[[SimModel, RunState], bool] = field(default=never)
    # until="settlement" (simulate_block): applying it would change nothing for any run still
    # going (:func:`going1`): skipped this period (None: idle)
    idle_going: Callable[[SimModel, RunState], bool] | None = None


@kernel
def going1(first_settlement: int, period: int) -> bool:
    """A run is still going in ``period`` until the settlement: it has not signed its
    settlement (``first_settlement``, the period of its first agreement on it, -1: none) or
    signed it in this very period (it stops at the period's end). Without a branch (``|``: a
    loop over runs that calls it can be vectorised)."""
    return (first_settlement < 0) | (first_settlement >= period)


def _period_steps() -> tuple[Step, ...]:
    from detente.simulate.steps.fight import FIGHT, OBSERVE
    from detente.simulate.steps.implement import IMPLEMENT
    from detente.simulate.steps.learn import LEARN
    from detente.simulate.steps.positions import POSITIONS
    from detente.simulate.steps.shocks import SHOCKS
    from detente.simulate.steps.spoilers import SPOIL
    from detente.simulate.steps.talk import TALK
    from detente.simulate.steps.tracks import SIGNATURE, TRACKS
    from detente.simulate.steps.verify import SUPPORT, VERIFY

    return (
        SHOCKS,
        FIGHT,
        OBSERVE,
        LEARN,
        POSITIONS,
        SPOIL,
        TRACKS,
        TALK,
        SIGNATURE,
        IMPLEMENT,
        VERIFY,
        SUPPORT,
    )


PERIOD_STEPS: tuple[Step, ...] = _period_steps()
"""The steps of one period, in order."""

"""The period loop: a block of runs advanced period by period through the named steps.

:func:`iter_periods` yields the :class:`~detente.simulate.state.RunState` after every period
(the steps of :mod:`detente.simulate.steps`, in order, each pure and each drawing from its own
named stream); :func:`simulate_block` drains it into the per-run output the runner reduces
and writes (:class:`BlockOutput`).

Randomness: a block's seed (a ``SeedSequence`` spawned by the runner for block ``b``) gives one
stream per step, ``named_rng(block_seed, step.name)``, and one ``"setup"`` stream for the
per-run draws made before the first period (private types, the front's true drift). Each
period every step draws a fixed number of uniforms and normals for *every run of the block*,
whatever the state (a step skipped as idle for a period has its stream advanced past the
uniforms it would have drawn, :class:`~detente.simulate.steps.Step`; lazily: the skipped
periods' numbers are made, or jumped over, when the step next draws). So a run is a function
of (inputs, seed, block, row): adding a step leaves
the other steps' numbers unchanged, and one run can be replayed alone (``rows=[j]``) by
drawing the block's numbers and keeping row ``j``, without simulating the other runs
(:func:`detente.simulate.anatomy_of_run`). Results are byte-identical whatever the chunking
and the number of workers (the runner merges blocks in order).

``until`` (:data:`UNTIL`): ``"horizon"`` (the default) simulates every run for all the
periods; ``"settlement"`` stops each run at the end of the period in which its full settlement
is first signed (or at the horizon), and the block's loop ends once every run of the block has
stopped. A stopped run is not simulated further: its record after the stop is blanked
(:class:`BlockOutput`, ``stopped_at``); up to the stop it is byte for byte the default mode's
(every run of the block is still advanced until the last one stops, with the same draws).
What a stopped run does next is never read, so :func:`simulate_block` skips a step in a period
when it has nothing to do for the runs still going
(:attr:`~detente.simulate.steps.Step.idle_going`, e.g. verify once every run with an agreement
in force has stopped; its stream is moved on as for an idle step); :func:`iter_periods`, whose
states show every run, does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import types
from numba.core.cgutils import ir  # type: ignore[attr-defined]  # llvmlite's, as Numba uses it
from numba.extending import intrinsic, overload
from numpy.typing import NDArray

from detente.core import TRUST_DIMENSIONS, named_rng
from detente.core.jit import kernel
from detente.core.normals import fill_normals, normal_source
from detente.core.prefetch import store_fence
from detente.simulate.events import EVENT_FLAGS
from detente.simulate.memory import BlockMemory, block_memory
from detente.simulate.model import SimModel
from detente.simulate.reasons import settlement_reasons
from detente.simulate.state import (
    Draws,
    PeriodBlanks,
    RunInputs,
    RunState,
    begin_period,
    evolve,
    initial_state,
)
from detente.simulate.steps import PERIOD_STEPS, Step, never
from detente.simulate.steps.learn import model_cache
from detente.simulate.steps.positions import red_lines

__all__ = [
    "EVENT_FLAGS",
    "SETUP_STREAM",
    "UNTIL",
    "BlockOutput",
    "iter_periods",
    "path_variables",
    "simulate_block",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
SETUP_STREAM = "setup"
"""Name of the stream of the draws made before the first period."""
Seed = np.random.SeedSequence | np.random.Generator
UNTIL = ("horizon", "settlement")
"""How long a run is simulated: to the horizon (every period), or until its full settlement
is first signed (the end of that period; the horizon for a run that never signs it)."""


def check_until(until: str, error: type[Exception] = ValueError) -> bool:
    """True for ``"settlement"``, False for ``"horizon"``; ``error`` (``ValueError`` by
    default; the front doors pass :class:`detente.errors.InputError`) otherwise."""
    if until not in UNTIL:
        raise error(f"until must be one of {', '.join(map(repr, UNTIL))}, got {until!r}")
    return until == "settlement"


@dataclass(frozen=True)
class BlockOutput:
    """Per-run results of one block: agreements, terms, durability, costs, paths, events.

    The top-level fields describe the first agreement on the full settlement (bundle
    ``settlement``); the ``bundle_*`` fields hold the same for every bundle (axis 1; its
    terms on the bundle's settled issues, NaN elsewhere); ``reason`` and ``blocking_*`` why
    the settlement was or was not reached (:mod:`detente.simulate.reasons`); ``moved_at`` when
    each red-line move set was crossed (:mod:`detente.simulate.agenda`).
    """

    first_agreement: IntArray  # (N,) period of the first agreement, -1 if none
    terms: FloatArray  # (N, I) terms of the first agreement (NaN if none)
    duration: IntArray  # (N,) periods the first agreement lasted (or was observed)
    broke: NDArray[np.bool_]  # (N,) did the first agreement break down within the horizon
    agreements: IntArray  # (N,) agreements signed, on every bundle (a repeat counts again)
    cum_cost: FloatArray  # (N, 2) costs of fighting of A, B
    paths: dict[str, NDArray[np.float32]]  # variable → (P, N)
    events: NDArray[np.int32]  # (P, N) event bits
    bundle_ids: tuple[str, ...] = ("settlement",)
    bundle_first: IntArray | None = None  # (N, B)
    bundle_duration: IntArray | None = None  # (N, B)
    bundle_broke: NDArray[np.bool_] | None = None  # (N, B)
    bundle_terms: FloatArray | None = None  # (N, B, I) first agreement's terms (NaN: none)
    reason: NDArray[np.int8] | None = None  # (N,) settlement reason (simulate.reasons.REASONS)
    blocking_issue: NDArray[np.bool_] | None = None  # (N, I)
    blocking_actor: NDArray[np.bool_] | None = None  # (N, A)
    moved_at: IntArray | None = None  # (N, J) period each red-line move set was crossed, -1
    bundle_track: IntArray | None = None  # (N, B) track of the first agreement, -1 = none
    # until="settlement" (None: every run simulated to the horizon): (N,) the last period
    # each run was simulated, its settlement's signature or the horizon. Then the paths are
    # NaN and the events 0 after it; ``duration`` and ``agreements`` are -1, ``broke`` and
    # ``bundle_broke`` False, ``bundle_duration`` -1 and ``cum_cost`` NaN (not simulated:
    # they describe what follows the signature); the other bundles' first agreements (and
    # their terms, tracks) and the red-line moves are those up to the stop (-1 / NaN after)
    stopped_at: IntArray | None = None
    # (N, J) the period each agreement in force at the start ended, -1 = not within the
    # horizon (until="settlement": up to the stop) (simulate.in_force; None: none stated)
    start_end: IntArray | None = None
    # fixed terms (simulate.terms; None: no term stated): (N, B) the bundle's first
    # agreement ended by a lapse at a term's end, (N, J) the agreement in force at the start did
    bundle_lapsed: NDArray[np.bool_] | None = None
    start_lapsed: NDArray[np.bool_] | None = None


def _seed_sequence(seed: Seed) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    ss = seed.bit_generator.seed_seq
    if not isinstance(ss, np.random.SeedSequence):
        raise TypeError("the block's generator must be seeded from a numpy SeedSequence")
    return ss


def _draw(
    rng: np.random.Generator, n: int, widths: tuple[int, int], rows: IntArray | None
) -> Draws:
    nu, nz = widths
    u = rng.random((n, nu)) if nu else np.empty((n, 0))
    z = rng.standard_normal((n, nz)) if nz else np.empty((n, 0))
    if rows is not None:
        u, z = u[rows], z[rows]
    return Draws(u, z)


_BATCH_VALUES = 4096
"""About how many numbers a stream draws in one call when it draws several periods' at once
(:class:`_Stream`): a call costs about half a microsecond whatever it draws, so periods are
batched where a period's numbers are few (small blocks); a larger batch would be written
long before it is read and leave the cache (about 32 KB of doubles)."""
_MAX_BATCH = 16
"""Most periods a stream draws in one call."""


class _Stream:
    """One step's stream and the buffers its draws are made into, period after period (the
    same numbers as fresh arrays: ``Generator.random(out=...)`` fills them as the allocating
    call would, and :func:`~detente.core.normals.fill_normals` as ``standard_normal(out=...)``
    would, NumPy's numbers made by a kernel; no step keeps its ``Draws``).

    A stream of uniforms only, or of normals only, may draw several periods' numbers in one
    call (``periods``: the block's periods, so that no number past the block's last period
    is made): PCG64 makes its numbers in order, and ``random`` and ``standard_normal`` take
    them in order whatever the size of the call (a normal takes a variable count of raw
    numbers, but each one's in turn, and no call keeps any for the next), so one call for
    ``P`` periods gives the bytes of ``P`` calls. A skipped period (:meth:`skip`) whose
    numbers were drawn ahead is passed over. A step that can be idle (``idle``) draws ahead
    only while it keeps drawing (1, 2, 4 ... periods at a time: a step that turns idle
    wastes at most the periods drawn ahead, whose numbers an idle stream would have
    jumped over), a step never idle up to the batch at once."""

    def __init__(
        self,
        rng: np.random.Generator,
        n: int,
        widths: tuple[int, int],
        memory: BlockMemory | None = None,
        name: str = "",
        periods: int | None = None,
        idle: bool = True,
    ) -> None:
        self.rng = rng
        self.nu, self.nz = widths
        width = self.nu + self.nz
        batch = 1
        if periods is not None and n * width and not (self.nu and self.nz):
            batch = max(1, min(_MAX_BATCH, _BATCH_VALUES // (n * width)))
        self.batch = batch
        self.left = periods if periods is not None else -1  # periods not yet drawn or skipped
        self.streak = 0 if idle else batch  # periods to draw ahead (doubles while drawing)
        if memory is None or not n * width:
            self.u = np.empty((batch, n, self.nu))
            self.z = np.empty((batch, n, self.nz))
        else:  # the block's work memory (detente.simulate.memory): every entry drawn first
            self.u = memory.empty(f"draws.{name}.u", (batch, n, self.nu), np.float64)
            self.z = memory.empty(f"draws.{name}.z", (batch, n, self.nz), np.float64)
        self.slots = [Draws(self.u[k], self.z[k]) for k in range(batch)]
        self.next = 0  # the slot of the next period's numbers
        self.filled = 0  # slots holding numbers drawn ahead (``next`` to ``filled - 1`` unread)
        bits = rng.bit_generator
        assert isinstance(bits, np.random.PCG64)  # named_rng's generator
        self.bits = bits
        # the normals are made by a kernel: NumPy's numbers, about 3x cheaper a number
        self.normals = normal_source(rng) if self.nz else None
        self.owed = 0  # periods whose draws were skipped and not yet made (:meth:`skip`)

    def draw(self, rows: IntArray | None) -> Draws:
        k = self.next
        if k >= self.filled:
            k = self._refill()
        self.next = k + 1
        self.left -= 1
        d = self.slots[k]
        return d if rows is None else Draws(d.u[rows], d.z[rows])

    def _refill(self) -> int:
        """Draw the next period's numbers (and those of later periods when batched) into
        the slots from the first; returns the slot of the next period."""
        if self.owed:
            self._catch_up()
        p = 1
        if self.batch > 1:
            p = min(self.batch, max(self.left, 1), max(self.streak, 1))
            self.streak = min(2 * self.streak, self.batch) if self.streak else 1
        if p == 1:
            if self.nu:
                self.rng.random(out=self.u[0])
            if self.normals is not None:
                fill_normals(self.normals, self.z[0])
        elif self.nu:
            self.rng.random(out=self.u[:p])
        elif self.normals is not None:
            fill_normals(self.normals, self.z[:p])
        self.filled = p
        return 0

    def skip(self) -> None:
        """Move the stream on as if it had drawn, once it is next drawn from: nothing is read
        from it in between (only this step draws from it, and the block's last periods' are
        never made). A period drawn ahead is passed over."""
        self.left -= 1
        if self.next < self.filled:
            self.next += 1
            return
        self.owed += 1
        self.streak = 0

    def _catch_up(self) -> None:
        owed, self.owed = self.owed, 0
        if self.normals is not None:  # normals use a variable count of raw draws: drawn
            for _ in range(owed):  # period by period
                if self.nu:
                    self.rng.random(out=self.u[0])
                fill_normals(self.normals, self.z[0])
        elif self.nu:
            self.bits.advance(self.u[0].size * owed)  # one raw 64-bit draw per uniform


def iter_periods(
    m: SimModel,
    n: int,
    seed: Seed,
    periods: int,
    *,
    rows: Sequence[int] | IntArray | None = None,
    inputs: RunInputs | None = None,
    steps: Sequence[Step] = PERIOD_STEPS,
    until: str = "horizon",
) -> Iterator[RunState]:
    """Yield the state of runs ``rows`` (default: all ``n`` runs of the block) after each of
    ``periods`` periods (``until="settlement"``: only until every one of these runs has
    signed its full settlement; the runs that signed earlier are advanced with the others,
    :data:`UNTIL`). ``seed`` is the block's ``SeedSequence`` (or a generator built on
    one); the draws are those of the whole block, so a subset of rows is simulated exactly as
    in the full block. One exception: with per-run ``inputs`` (each run its own table of
    candidates), a subset's tables are built and searched as the subset's, and a search can
    then round its last bit, or break an exact tie between candidates, differently from the
    full block (rare; no shipped command simulates a subset with per-run inputs)."""
    return _periods(m, n, seed, periods, rows, inputs, steps, None, check_until(until))


def _periods(
    m: SimModel,
    n: int,
    seed: Seed,
    periods: int,
    rows: Sequence[int] | IntArray | None,
    inputs: RunInputs | None,
    steps: Sequence[Step],
    memory: BlockMemory | None,
    settle: bool = False,
    going: bool = False,
) -> Iterator[RunState]:
    """:func:`iter_periods`, with the per-run tables and the draws' buffers taken from the
    block's work ``memory`` if given (then no state may leave the caller: its tables are
    overwritten by the thread's next block, :mod:`detente.simulate.memory`); ``settle``:
    the last period yielded is the first after which every run has signed the settlement;
    ``going`` (with ``settle``): the states' runs are read only up to their stop (as
    :func:`simulate_block` reads them), so a step idle for the runs still going
    (:attr:`Step.idle_going`) is skipped."""
    ss = _seed_sequence(seed)
    sel = None if rows is None else np.asarray(rows, dtype=np.int64)
    if sel is not None and sel.size and (sel.min() < 0 or sel.max() >= n):
        raise ValueError(f"rows must lie in 0..{n - 1}")
    idx = np.arange(n, dtype=np.int64) if sel is None else sel
    setup = _draw(named_rng(ss, SETUP_STREAM), n, (2, len(m.issue_ids)), sel)
    state = initial_state(m, idx, setup, inputs, memory)
    if settle and going:  # the states' runs are read only up to their stop (RunState)
        state = evolve(state, going_only=True)
    # a step inert for the model never runs and its stream is never drawn (no other step reads
    # it); an idle one is skipped for the period, its stream moved on as if it had drawn.
    # Per step that runs: its function, its idle test (None: never idle), its stream (None:
    # it draws nothing, so no generator is made for it) and the draws of a step drawing
    # nothing (the same empty arrays every period; None for the others)
    plan: list[tuple[Callable[..., RunState], _IdleTest | None, _Stream | None, Draws | None]]
    plan = []
    for i, step in enumerate(steps):
        if step.inert(m):
            continue
        idle = _idle_test(step, settle and going)
        widths = step.widths(m)
        if not (widths[0] or widths[1]):
            plan.append(
                (step.apply, idle, None, Draws(np.empty((idx.size, 0)), np.empty((idx.size, 0))))
            )
            continue
        drawn = _Stream(
            named_rng(ss, step.name),
            n,
            widths,
            memory,
            f"{i}.{step.name}",
            periods,
            step.idle is not never or step.idle_going is not None,
        )
        plan.append((step.apply, idle, drawn, None))
    blanks = PeriodBlanks(state.n, state.phase.shape[1])
    for t in range(periods):
        state = begin_period(state, t, blanks)
        for apply, idle, stream, fixed in plan:
            if idle is not None and idle(m, state):
                if stream is not None:
                    stream.skip()
                continue
            state = apply(m, state, fixed if stream is None else stream.draw(sel))
        yield state
        if settle and _all_settled(state.first):
            return


_IdleTest = Callable[[SimModel, RunState], bool]


def _idle_test(step: Step, going: bool) -> _IdleTest | None:
    """The test by which ``step`` is skipped in a period (None: never): its idle test for
    the runs still going until the settlement when ``going`` and it has one, else its own."""
    if going and step.idle_going is not None:
        return step.idle_going
    return None if step.idle is never else step.idle


@kernel
def _all_settled(first: IntArray) -> bool:
    """Every run has signed the full settlement (bundle 0's ``first`` set)."""
    done = True
    for i in range(first.shape[0]):
        if first[i, 0] < 0:
            done = False
            break
    return done


@kernel
def _close_settled(
    ran: int,
    since: IntArray,
    srcs: IntArray,
    vs: IntArray,
    stop: IntArray,
    out: NDArray[np.float32],
    events: NDArray[np.int32],
) -> None:
    """The end of a block simulated until the settlement, in one pass: the rows
    :func:`_record` left unwritten (:func:`_fill`'s), each run's entries NaN after its last
    simulated period ``stop[i]``, and its events 0 (row by row from the first period past the
    earliest stop: the runs are the rows' contiguous axis). A row no step wrote is written
    once, whole, by :func:`_stream_row` (the rows past ``ran``, the block's last period, NaN;
    the rows of an unchanged variable, its last row recorded, or that row blanked past each
    stop): a block's paths are larger than the caches (24.6 MB at 4,096 runs of 100 periods)
    and read by no later step of the block, so they are stored past the caches instead of
    being read from memory to be overwritten; the rows :func:`_record` wrote are blanked in
    place."""
    n_p, n = out.shape[1], out.shape[2]
    if n == 0:
        return
    start = stop.min() + 1  # every run was simulated up to this period
    nan = np.float32(np.nan)
    for t in range(start, n_p):
        ev = events[t]
        for i in range(n):
            if t > stop[i]:
                ev[i] = 0
    blank = np.empty(n, np.float32)
    for i in range(n):
        blank[i] = nan
    cut = np.empty(n, np.float32)
    for j in range(srcs.shape[0]):
        v, first = vs[j], since[srcs[j]]  # rows ``first`` on were left unwritten
        src = out[v, first - 1]
        for t in range(first, n_p):
            if t >= ran:
                _stream_row(out[v, t], blank)
            elif t < start:
                _stream_row(out[v, t], src)
            else:
                for i in range(n):
                    cut[i] = src[i] if t <= stop[i] else nan
                _stream_row(out[v, t], cut)
        for t in range(start, first):  # rows recorded
            row = out[v, t]
            for i in range(n):
                if t > stop[i]:
                    row[i] = nan
    store_fence()


_LINE = 64
"""Bytes of a cache line (x86-64, ARMv8): a streaming store writes whole ones."""


def _stream_row(dst: NDArray[np.float32], src: NDArray[np.float32]) -> None:
    """``dst[:] = src`` (1-D float32 of one length). Compiled, the lines of ``dst`` are
    stored past the caches (non-temporal stores, 64 bytes at a time; the entries before
    ``dst``'s first line boundary and after its last one as usual): the same bytes, without
    reading ``dst``'s lines first and without evicting what the caches hold (as
    :func:`detente.core.prefetch.store_streaming`, whose stores of single floats are ordinary
    ones on x86-64). The kernel calls :func:`~detente.core.prefetch.store_fence` before it
    returns."""
    dst[:] = src


def _store_line_typing(typingctx: Any, dst: Any, src: Any, i: Any) -> Any:
    """Entries ``i`` to ``i + 15`` of ``src`` stored at ``dst``'s (a 64-byte boundary), as one
    non-temporal store (LLVM's ``!nontemporal``: ``vmovntps`` on x86-64; a target without
    such stores makes an ordinary one)."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        d_ty, s_ty, _ = signature.args
        d = context.make_array(d_ty)(context, builder, args[0])
        s = context.make_array(s_ty)(context, builder, args[1])
        lanes = ir.VectorType(ir.FloatType(), _LINE // 4)
        src_at = builder.bitcast(builder.gep(s.data, [args[2]]), lanes.as_pointer())
        dst_at = builder.bitcast(builder.gep(d.data, [args[2]]), lanes.as_pointer())
        store = builder.store(builder.load(src_at, align=4), dst_at, align=_LINE)
        store.set_metadata(
            "nontemporal", builder.module.add_metadata([ir.Constant(ir.IntType(32), 1)])
        )
        return context.get_dummy_value()

    return types.void(dst, src, i), codegen


_store_line: Any = intrinsic(_store_line_typing)


@overload(_stream_row)
def _stream_row_compiled(dst: Any, src: Any) -> Any:
    def impl(dst: Any, src: Any) -> None:  # pragma: no cover - compiled only
        n = dst.shape[0]
        at = dst.ctypes.data
        head = n if at % 4 else min(n, ((_LINE - at % _LINE) % _LINE) // 4)
        body = head + (n - head) // (_LINE // 4) * (_LINE // 4)
        for i in range(head):
            dst[i] = src[i]
        for i in range(head, body, _LINE // 4):
            _store_line(dst, src, i)
        for i in range(body, n):
            dst[i] = src[i]

    return impl


def path_variables(m: SimModel) -> list[str]:
    """Names of the per-period trajectory variables kept for every run: ``line.<issue>`` (the
    front), ``belief.<actor>``, ``trust.<actor>``, ``trust_<dimension>.<actor>``,
    ``cost.<actor>``, ``support.<line>``, ``phase`` (of the settlement) and
    ``redline.<actor>.<issue>.min`` / ``.max`` (0–100 scale) for every veto actor and issue with
    a stated red line, as it stands in the run (stated, or moved by the ``positions`` step)."""
    names = [f"line.{m.issue_ids[i]}" for i in np.flatnonzero(m.front_moves)]
    for aid in m.actor_ids[:2]:
        names += [f"belief.{aid}", f"trust.{aid}"]
        names += [f"trust_{dim}.{aid}" for dim in TRUST_DIMENSIONS]
        names.append(f"cost.{aid}")
    names += [f"support.{sid}" for sid in m.support_ids]
    names.append("phase")
    names += [v for v, _, _, _ in m.red_line_paths]
    return names


_SOURCES = ("line", "rhat", "tau", "trust", "cum_cost", "level", "phase", "lo", "hi")
"""The state's arrays the path variables are read from, in the order :func:`_record` takes
them (``lo``, ``hi``: the run's red lines, :func:`~detente.simulate.steps.positions.red_lines`,
computed only when a variable asks for them)."""


def _record_plan(m: SimModel) -> tuple[IntArray, IntArray, IntArray]:
    """Where each path variable (:func:`path_variables`, in order) is read from: its source
    (an index into :data:`_SOURCES`), the column of the source (viewed as (N, C)) and the
    variable, grouped by source in the order the sources are first met."""
    plan: list[tuple[int, list[int], list[int]]] = []

    def add(src: str, col: int) -> None:
        k = _SOURCES.index(src)
        for name, cols, vs in plan:
            if name == k:
                cols.append(col)
                vs.append(var)
                return
        plan.append((k, [col], [var]))

    var = 0

    def take(src: str, col: int) -> None:
        nonlocal var
        add(src, col)
        var += 1

    for i in np.flatnonzero(m.front_moves).tolist():
        take("line", i)
    n_d = len(TRUST_DIMENSIONS)
    for side in range(2):
        take("rhat", side)
        take("tau", side)
        for d in range(n_d):
            take("trust", side * n_d + d)
        take("cum_cost", side)
    for li in range(len(m.support_ids)):
        take("level", li)
    take("phase", 0)
    n_i = len(m.issue_ids)
    for _, ai, ii, is_min in m.red_line_paths:
        take("lo" if is_min else "hi", ai * n_i + ii)
    src = [k for k, cols, _ in plan for _ in cols]
    cols = [c for _, cs, _ in plan for c in cs]
    vs = [x for _, _, xs in plan for x in xs]
    return (
        np.array(src, dtype=np.int64),
        np.array(cols, dtype=np.int64),
        np.array(vs, dtype=np.int64),
    )


def _paths_plan(m: SimModel) -> tuple[list[str], tuple[IntArray, IntArray, IntArray], bool]:
    """A model's path variables, where :func:`_record` reads them from, and whether any is a
    red line (made once per model: :func:`~detente.simulate.steps.learn.model_cache`; the
    arrays are only read)."""
    srcs, cols, vs = _record_plan(m)
    return path_variables(m), (srcs, cols, vs), bool(np.isin(srcs, (7, 8)).any())


@kernel
def _record(
    t: int,
    same: int,
    since: IntArray,
    srcs: IntArray,
    cols: IntArray,
    vs: IntArray,
    out: NDArray[np.float32],
    events_out: NDArray[np.int32],
    events: NDArray[np.int32],
    line: FloatArray,
    rhat: FloatArray,
    tau: FloatArray,
    trust: FloatArray,
    cum_cost: FloatArray,
    level: FloatArray,
    phase: IntArray,
    lo: FloatArray,
    hi: FloatArray,
) -> None:
    """Period ``t`` of every path variable: variable ``vs[j]`` (a row of ``out`` (V, P, N))
    from column ``cols[j]`` of source ``srcs[j]`` (:data:`_SOURCES`; 3-D sources viewed as
    (N, C)), as float32 (an integer source through float64, as ``astype`` would); and the
    period's ``events``. A source whose bit is set in ``same`` is the very array of period
    ``t - 1``: its variables' rows are left unwritten, to be copied from the last row written
    (``since[k] - 1`` for source ``k``) once the source changes (here) or the block ends
    (:func:`_fill`; until the settlement :func:`_close_settled`); ``since`` is updated."""
    n = events.shape[0]
    for i in range(n):
        events_out[t, i] = events[i]
    for j in range(srcs.shape[0]):
        v, k, c = vs[j], srcs[j], cols[j]
        if t > 0 and (same >> k) & 1:
            continue
        _fill_row(out, v, since[k], t)
        row = out[v, t]
        if k == 6:
            for i in range(n):
                row[i] = np.float32(np.float64(phase[i, c]))
        elif k == 3:
            _column3(trust, c, row)
        elif k == 7:
            _column3(lo, c, row)
        elif k == 8:
            _column3(hi, c, row)
        elif k == 0:
            _column(line, c, row)
        elif k == 1:
            _column(rhat, c, row)
        elif k == 2:
            _column(tau, c, row)
        elif k == 4:
            _column(cum_cost, c, row)
        else:
            _column(level, c, row)
    for k in range(since.shape[0]):
        if t == 0 or not (same >> k) & 1:
            since[k] = t + 1


@kernel
def _fill_row(out: NDArray[np.float32], v: int, start: int, stop: int) -> None:
    """Rows ``start`` to ``stop - 1`` of variable ``v`` copied from row ``start - 1`` (an
    explicit loop: Numba's slice assignment, which guards against overlap, took ~25 % more)."""
    src = out[v, start - 1]
    for t in range(start, stop):
        row = out[v, t]
        for i in range(row.shape[0]):
            row[i] = src[i]


@kernel
def _fill(
    periods: int, since: IntArray, srcs: IntArray, vs: IntArray, out: NDArray[np.float32]
) -> None:
    """The rows :func:`_record` left unwritten at the end of the block, to ``periods``."""
    for j in range(srcs.shape[0]):
        _fill_row(out, vs[j], since[srcs[j]], periods)


@kernel
def _column(src: FloatArray, c: int, row: NDArray[np.float32]) -> None:
    """``row[i] = float32(src[i, c])`` for every run ``i``."""
    for i in range(row.shape[0]):
        row[i] = np.float32(src[i, c])


@kernel
def _column3(src: FloatArray, c: int, row: NDArray[np.float32]) -> None:
    """:func:`_column` of a 3-D source viewed as (N, C): column ``c`` is ``[c // D, c % D]``."""
    c0, c1 = c // src.shape[2], c % src.shape[2]
    for i in range(row.shape[0]):
        row[i] = np.float32(src[i, c0, c1])


_NO_RED_LINES = np.empty((0, 0, 0))


def _given_arrays(
    reuse: BlockOutput | None, names: list[str], periods: int, size: int
) -> tuple[NDArray[np.float32], NDArray[np.int32]]:
    """The stacked paths (V, P, N) and events (P, N) of a block: ``reuse``'s when they are
    whole arrays of these shapes (its paths, in ``names``' order, one stacked array's rows),
    else fresh."""
    shape = (len(names), periods, size)
    stacked: NDArray[np.float32] | None = None
    events: NDArray[np.int32] | None = None
    if reuse is not None and list(reuse.paths) == names and names:
        base = reuse.paths[names[0]].base
        if (
            isinstance(base, np.ndarray)
            and base.shape == shape
            and base.dtype == np.float32
            and base.flags.c_contiguous
            and base.flags.writeable
            and all(reuse.paths[v].base is base for v in names)
        ):
            stacked = base
        ev = reuse.events
        if ev.shape == (periods, size) and ev.dtype == np.int32 and ev.flags.c_contiguous:
            events = ev if ev.flags.writeable else None
    if stacked is None:
        stacked = np.empty(shape, np.float32)
    if events is None:
        events = np.zeros((periods, size), np.int32)
    return stacked, events


def simulate_block(
    m: SimModel,
    n: int,
    periods: int,
    rng: Seed,
    *,
    rows: Sequence[int] | IntArray | None = None,
    inputs: RunInputs | None = None,
    reuse: BlockOutput | None = None,
    until: str = "horizon",
) -> BlockOutput:
    """Simulate the ``n`` runs of a block (or only ``rows`` of it) for ``periods`` periods
    (``until="settlement"``: each run until it signs its full settlement, :data:`UNTIL`).

    The block's work arrays (per-run tables, the draws' buffers) are this thread's
    :class:`~detente.simulate.memory.BlockMemory`, reused by its next block; the output
    holds none of them (:mod:`detente.simulate.memory`). ``reuse``: an earlier output of this
    caller's that it no longer reads (e.g. the previous block's, once reduced): its paths' and
    events' arrays are written over with this block's when their shapes match (no fresh
    pages for the block's largest output arrays); the caller gives that output up."""
    settle = check_until(until)
    with block_memory() as memory:
        return _simulate_block(m, n, periods, rng, rows, inputs, memory, reuse, settle)


def _simulate_block(
    m: SimModel,
    n: int,
    periods: int,
    rng: Seed,
    rows: Sequence[int] | IntArray | None,
    inputs: RunInputs | None,
    memory: BlockMemory,
    reuse: BlockOutput | None,
    settle: bool = False,
) -> BlockOutput:
    names, (srcs, cols, vs), red = model_cache(m, _paths_plan)
    size = n if rows is None else len(rows)
    # every variable's path is a (P, N) row of one array, written a period at a time by one
    # compiled pass over the state's source arrays (float64 to float32: the cast NumPy does);
    # every entry of it and of the events is written (np.empty's contents are never read)
    stacked, events = _given_arrays(reuse, names, periods, size)
    paths = {v: stacked[k] for k, v in enumerate(names)}
    last: list[object] = [None] * len(_SOURCES)
    since = np.zeros(len(_SOURCES), dtype=np.int64)  # each source's first row not written
    state: RunState | None = None
    # until the settlement each run's record is kept only up to its stop: the steps idle for
    # the runs still going are skipped (Step.idle_going)
    states = _periods(m, n, rng, periods, rows, inputs, PERIOD_STEPS, memory, settle, settle)
    ran = 0  # periods simulated (fewer than ``periods`` once every run has settled)
    for t, state in enumerate(states):
        ran = t + 1
        lo, hi = red_lines(m, state) if red else (_NO_RED_LINES, _NO_RED_LINES)
        now = (
            state.line,
            state.rhat,
            state.tau,
            state.trust,
            state.cum_cost,
            state.level,
            state.phase,
            lo,
            hi,
        )
        same = 0
        for k, x in enumerate(now):
            if x is last[k]:
                same |= 1 << k
        last[:] = now
        # the state's arrays as the steps made them (contiguous, of the state's dtypes; a
        # view would only make Numba compile the kernel once more, for its layout)
        _record(t, same, since, srcs, cols, vs, stacked, events, state.events, *now)
    if state is None:
        raise ValueError("periods must be at least 1")
    if settle:
        first = state.first[:, 0]
        stop = np.where(first >= 0, first, periods - 1)
        _close_settled(ran, since, srcs, vs, stop, stacked, events)
        return _settled_output(m, state, stop, stacked, names, events)
    _fill(ran, since, srcs, vs, stacked)
    first = state.first[:, 0]
    terms, b_terms = _first_terms(m, state, state.first)
    why = settlement_reasons(m, state)
    return BlockOutput(
        first_agreement=first.copy(),
        terms=terms,
        duration=state.duration[:, 0].copy(),
        broke=state.broke[:, 0].copy(),
        # signed in the run: those in force at the start (one each on its bundle in
        # ``agreements``, for the earlier agreements a deal signed anew has) are not
        agreements=state.agreements.sum(axis=1) - state.start_end.shape[1],
        cum_cost=state.cum_cost,
        paths=paths,
        events=events,
        bundle_ids=m.bundle_ids,
        bundle_first=state.first,
        bundle_duration=state.duration,
        bundle_broke=state.broke,
        bundle_terms=b_terms,
        reason=why.reason,
        blocking_issue=why.blocking_issue,
        blocking_actor=why.blocking_actor,
        moved_at=state.moved_at,
        bundle_track=state.first_track,
        start_end=None if m.in_force is None else state.start_end,
        bundle_lapsed=None if state.term is None else state.term.lapsed,
        start_lapsed=None if state.term is None else state.term.start_lapsed,
    )


def _first_terms(m: SimModel, state: RunState, b_first: IntArray) -> tuple[FloatArray, FloatArray]:
    """The terms of each run's first settlement ``(N, I)`` and of its first agreement on each
    bundle ``(N, B, I)`` (NaN where ``b_first`` has none; a bundle's issues only)."""
    first = b_first[:, 0]
    terms: FloatArray = np.where(
        (first >= 0)[:, None], m.candidates[np.maximum(state.first_terms[:, 0], 0)], np.nan
    )
    b_terms: FloatArray = np.full((first.size, len(m.bundle_ids), len(m.issue_ids)), np.nan)
    b_terms[:, 0] = terms
    for b in range(1, len(m.bundle_ids)):
        spec = m.agenda.bundles[b]
        x = spec.candidates[np.maximum(state.first_terms[:, b], 0)]
        b_terms[:, b] = np.where((b_first[:, b] >= 0)[:, None] & spec.settled, x, np.nan)
    return terms, b_terms


def _settled_output(
    m: SimModel,
    state: RunState,
    stop: IntArray,
    stacked: NDArray[np.float32],
    names: list[str],
    events: NDArray[np.int32],
) -> BlockOutput:
    """The output of a block simulated until each run's settlement (:data:`UNTIL`): each run
    kept up to its ``stop``, what follows it blanked (:func:`_close_settled`,
    :attr:`BlockOutput.stopped_at`)."""
    first = state.first[:, 0].copy()
    cut = state.first > stop[:, None]  # another bundle first signed after the settlement
    b_first = np.where(cut, -1, state.first)
    terms, b_terms = _first_terms(m, state, b_first)
    size = first.size
    why = settlement_reasons(m, state)  # a run still going at the horizon: its state there
    n_b = len(m.bundle_ids)
    return BlockOutput(
        first_agreement=first,
        terms=terms,
        duration=np.full(size, -1, dtype=np.int64),
        broke=np.zeros(size, dtype=bool),
        agreements=np.full(size, -1, dtype=np.int64),
        cum_cost=np.full((size, 2), np.nan),
        paths={v: stacked[k] for k, v in enumerate(names)},
        events=events,
        bundle_ids=m.bundle_ids,
        bundle_first=b_first,
        bundle_duration=np.full((size, n_b), -1, dtype=np.int64),
        bundle_broke=np.zeros((size, n_b), dtype=bool),
        bundle_terms=b_terms,
        reason=why.reason,
        blocking_issue=why.blocking_issue,
        blocking_actor=why.blocking_actor,
        moved_at=np.where(state.moved_at > stop[:, None], -1, state.moved_at),
        bundle_track=np.where(cut, -1, state.first_track),
        stopped_at=stop,
        start_end=(
            None
            if m.in_force is None
            else np.where(state.start_end > stop[:, None], -1, state.start_end)
        ),
    )

"""The mediator's single text reviewed in a round of talks (the ``single_text`` protocol's
part of :func:`detente.simulate.steps.talk._round`, compiled; split from ``talk.py``).

The round takes every run whose talks meet through the sides' views and moves
(:mod:`detente.simulate.steps.talk`); under the single text it then calls
:func:`_text_round` once over those runs: the mediator's first draft where there is none
(:func:`~detente.simulate.protocols._draft1`, from
:func:`~detente.simulate.protocols.draft_candidates`), what each side sees of the other's
stated need (a search of the other's utilities from the run's hint), each side's review of the
text (:func:`~detente.simulate.protocols._single_text1`) and the mediator's redraft where the
text was objected to. The protocol, its literature and its rules are
:mod:`detente.simulate.protocols`'.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel
from detente.simulate.cells import OrderArray, _utility_at
from detente.simulate.protocols import _draft1, _single_text1
from detente.simulate.search import _cell, _frontier_key, _hint_at
from detente.simulate.steps.talk_inline import _find_at, _others1

__all__: list[str] = []

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@kernel
def _text_round(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    keys0: FloatArray | None,
    keys1: FloatArray | None,
    order0: OrderArray,
    order1: OrderArray,
    at0: IntArray,
    at1: IntArray,
    best0: FloatArray,
    best1: FloatArray,
    n_feasible: IntArray,
    top: FloatArray,
    k: int,
    offset: bool,
    rows: IntArray,
    sel: IntArray,
    n: int,
    b: int,
    need0: bool,
    need1: bool,
    held: BoolArray,
    need: FloatArray,
    accept: FloatArray,
    bad: BoolArray,
    loss: FloatArray,
    value: FloatArray,
    tau: FloatArray,
    n_actors: int,
    asked: bool,
    floors: FloatArray,
    every: bool,
    idx: IntArray,
    real: BoolArray,
    feasible: BoolArray,
    text: IntArray,
    pos_u: FloatArray,
    prev_pos_u: FloatArray,
    hints: IntArray,
    code: IntArray,
    x: FloatArray,
    found: FloatArray,
    out: IntArray,
) -> None:
    """The mediator's single text reviewed in the round's runs ``sel[:n]`` of
    :func:`~detente.simulate.steps.talk._round` (the mediator drafts from
    :func:`~detente.simulate.protocols.draft_candidates`; ``text``, ``pos_u``,
    ``prev_pos_u`` updated in place; ``hints[j, b, 2 + side]``: where the search of the
    side's view of the other's stated need ended). Out, for the round's record:
    ``out[i] = (agreed, terms)``, ``found[i]``: what each refused, ``x[i, :2]``: what each
    offered (NaN where nothing)."""
    nan = np.nan
    for i in range(n):
        j = sel[i]
        row = rows[j]
        t = text[j, b]
        if held[i] and t < 0:  # the first draft: nobody has objected yet
            t = _draft1(
                utility,
                lin_dist,
                lin_w,
                k,
                row,
                nan,
                nan,
                value[j, 0],
                value[j, 1],
                every,
                idx,
                real,
                feasible,
            )
        text[j, b] = t
        # what each side sees of the other's stated need: the first looks
        off = 2.0 * row if offset else 0.0
        nf = n_feasible[row]
        for side in range(2):
            if need0 if side == 1 else need1:
                xs = _frontier_key(need[i, 1 - side], row, offset)
                x[i, 2 + side] = xs
                keys, order = (keys1, order1) if side == 0 else (keys0, order0)
                start = at1[row] if side == 0 else at0[row]
                h = hints[j, b, 2 + side]
                code[i, 2 + side] = _hint_at(
                    keys, order, lin_dist, lin_w, 1 - side, row, start, off, k, nf, xs, h
                )
    for i in range(n):
        j = sel[i]
        row = rows[j]
        off = 2.0 * row if offset else 0.0
        nf = n_feasible[row]
        seen = np.empty(2)
        for side in range(2):
            if need0 if side == 1 else need1:
                keys, order = (keys1, order1) if side == 0 else (keys0, order0)
                start = at1[row] if side == 0 else at0[row]
                xs, cs = x[i, 2 + side], code[i, 2 + side]
                c = _find_at(keys, order, lin_dist, lin_w, 1 - side, row, start, off, k, nf, xs, cs)
                hints[j, b, 2 + side] = c
                seen[side] = (best0 if side == 0 else best1)[row * (k + 1) + min(c, k)]
            else:  # nothing known of the other's needs: its best package
                seen[side] = top[row, side] if n_feasible[row] > 0 else -np.inf
        t = text[j, b]
        at = _cell(row, k, t)
        res = _single_text1(
            held[i],
            t,
            _utility_at(utility, lin_dist, lin_w, row, k, at, 0),
            _utility_at(utility, lin_dist, lin_w, row, k, at, 1),
            _others1(utility, lin_dist, lin_w, row, k, at, n_actors, asked, floors),
            need[i, 0],
            need[i, 1],
            seen[0],
            seen[1],
            accept[i, 0],
            bad[i, 0],
            value[j, 0],
            tau[j, 0],
            loss[i, 0],
            accept[i, 1],
            bad[i, 1],
            value[j, 1],
            tau[j, 1],
            loss[i, 1],
            pos_u[j, b, 0],
            pos_u[j, b, 1],
            prev_pos_u[j, b, 0],
            prev_pos_u[j, b, 1],
        )
        out[i, 0], out[i, 1] = 1 if res[0] else 0, res[1]
        pos_u[j, b, 0], pos_u[j, b, 1] = res[3], res[4]
        prev_pos_u[j, b, 0], prev_pos_u[j, b, 1] = res[5], res[6]
        found[i, 0], found[i, 1], x[i, 0], x[i, 1] = res[7], res[8], res[9], res[10]
        if res[2]:  # the mediator redrafts where the text was objected to
            text[j, b] = _draft1(
                utility,
                lin_dist,
                lin_w,
                k,
                row,
                need[i, 0],
                need[i, 1],
                value[j, 0],
                value[j, 1],
                every,
                idx,
                real,
                feasible,
            )

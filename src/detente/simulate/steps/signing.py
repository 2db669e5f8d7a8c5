"""The implement step's signature kernels: which runs have an agreement signed this period or
in force (:func:`gather`, :func:`busy`), the signature of the new agreements (:func:`sign`:
staging, a settlement superseding the partial agreements in force, the bundle's record), the
agreements in force from before listed bundle by bundle (:func:`deals_from_before`) and the new
agreements' hazard ratios stored (:func:`store_ratios`). Split out of
:mod:`detente.simulate.steps.implement` (branch v16), unchanged."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel, nan_to_num

__all__ = ["busy", "deals_from_before", "gather", "sign", "store_ratios"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@kernel
def gather(
    signed: BoolArray,
    phase: IntArray,
    spoil: BoolArray,
    events: NDArray[np.int32],
    bits: int,
    rows: IntArray,
    signers: IntArray,
) -> tuple[int, int]:
    """The runs with an agreement signed this period or in force (into ``rows``, (N,)), and
    the positions among them of those that signed (into ``signers``, (N,)); returns how
    many of each. A spoiler act against the talks (``spoil``) is recorded in ``events``
    (``bits``) of every run. (The caller's arrays are filled: a kernel returning arrays
    costs about a microsecond each to hand them back.)"""
    n, n_b = phase.shape
    k = 0
    n_signed = 0
    for r in range(n):
        if spoil[r, 0] or spoil[r, 1]:
            events[r] |= bits
        sign = False
        active = False
        for b in range(n_b):
            sign |= signed[r, b]
            active |= phase[r, b] > 0
        if sign:
            signers[n_signed] = k
            n_signed += 1
        if sign or active:
            rows[k] = r
            k += 1
    return k, n_signed


@kernel
def sign(
    rows: IntArray,
    signers: IntArray,
    signed: BoolArray,
    signed_terms: IntArray,
    signed_bad_faith: BoolArray,
    talk_track: IntArray,
    period: int,
    trust: FloatArray,
    phase: IntArray,
    age: IntArray,
    terms: IntArray,
    verified: IntArray,
    bad_faith: BoolArray,
    first: IntArray,
    first_terms: IntArray,
    first_track: IntArray,
    in_first: BoolArray,
    duration: IntArray,
    broke: BoolArray,
    superseded: BoolArray,
    agreements: IntArray,
    sig_run: IntArray,
    sig_bundle: IntArray,
    earlier: IntArray,
    sig_trust: FloatArray,
) -> tuple[int, bool]:
    """Signature of the agreements signed this period by runs ``rows[signers]`` (a settlement
    signed contains the partial agreements signed with it, and supersedes those in force):
    the state arrays of signing runs written, each new agreement listed (``sig_run``,
    ``sig_bundle``, ``earlier`` agreements the run reached on it, now counted in
    ``agreements``; ``sig_trust`` the run's expected trust, no evidence read as 0.5; a first
    agreement on a bundle starts its ``duration`` / ``broke`` record afresh). Returns
    the number of new agreements and whether a signing run has one in force from before on
    another bundle. Afterwards the agreements in force from before are those with
    ``phase > 0`` not ``signed`` this period."""
    n_b = phase.shape[1]
    n_new = 0
    more = False
    for i in signers:
        r = rows[i]
        settles = signed[r, 0]
        for b in range(n_b):
            if not signed[r, b] or (b > 0 and settles):
                continue
            phase[r, b] = 1
            age[r, b] = 0
            terms[r, b] = signed_terms[r, b]
            verified[r, b, 0] = 0
            verified[r, b, 1] = 0
            bad_faith[r, b, 0] = signed_bad_faith[r, b, 0]
            bad_faith[r, b, 1] = signed_bad_faith[r, b, 1]
            if first[r, b] < 0:
                first[r, b] = period
                first_terms[r, b] = signed_terms[r, b]
                first_track[r, b] = talk_track[r, b]
                in_first[r, b] = True
                # the record now follows this agreement (one in force at the start, which it
                # followed until then, has ended: simulate.in_force)
                duration[r, b] = 0
                broke[r, b] = False
            sig_run[n_new] = r
            sig_bundle[n_new] = b
            earlier[n_new] = agreements[r, b]
            agreements[r, b] += 1
            for side in range(2):
                for dim in range(trust.shape[2]):
                    sig_trust[n_new, side, dim] = nan_to_num(trust[r, side, dim], 0.5)
            n_new += 1
        if settles:  # a settlement signed supersedes the partial agreements in force
            for b in range(1, n_b):
                if phase[r, b] > 0:
                    if in_first[r, b]:
                        duration[r, b] = age[r, b]
                        superseded[r, b] = True
                    in_first[r, b] = False
                    phase[r, b] = 0
        for b in range(n_b):
            more |= phase[r, b] > 0 and not signed[r, b]
    return n_new, more


@kernel
def deals_from_before(
    rows: IntArray,
    signed: BoolArray,
    phase: IntArray,
    deal_run: IntArray,
    deal_pos: IntArray,
    count: IntArray,
) -> None:
    """The agreements in force from before (after :func:`sign`), bundle by bundle and run by
    run: their runs (``deal_run``) and positions in ``rows`` (``deal_pos``); ``count`` per
    bundle."""
    n = 0
    for b in range(phase.shape[1]):
        c = 0
        for i in range(rows.shape[0]):
            r = rows[i]
            if phase[r, b] > 0 and not signed[r, b]:
                deal_run[n] = r
                deal_pos[n] = i
                n += 1
                c += 1
        count[b] = c


@kernel
def store_ratios(
    deal_hr: FloatArray, run: IntArray, bundle: IntArray, mechanism_hr: FloatArray, e: FloatArray
) -> None:
    """The new agreements' hazard ratios, ``mechanism_hr · exp(log HR)`` (``e`` the ``exp``)."""
    for j in range(e.shape[0]):
        b = bundle[j]
        deal_hr[run[j], b] = mechanism_hr[b] * e[j]


@kernel
def busy(signed: BoolArray, phase: IntArray, spoil: BoolArray) -> bool:
    """An agreement signed this period or in force, or a spoiler act against the talks, in
    some run."""
    for r in range(phase.shape[0]):
        for b in range(phase.shape[1]):
            if signed[r, b] or phase[r, b] != 0:
                return True
        if spoil[r, 0] or spoil[r, 1]:
            return True
    return False

"""The four dimensions of trust (capacity, peaceful intention, integrity, predictability).

One definition for the whole package: the trust engine's tables, the simulation's trust arrays
(last axis) and every report use this order.
"""

from __future__ import annotations

import enum

__all__ = ["TRUST_DIMENSIONS", "Dimension"]


class Dimension(enum.StrEnum):
    """A dimension of trust (see docs/explanation/trust-model.md)."""

    capacity = "capacity"
    """Can the trustee deliver what it promises (control its forces and spoilers)?"""
    peaceful_intention = "peaceful_intention"
    """Does it intend peace rather than conquest?"""
    integrity = "integrity"
    """Does it keep its word?"""
    predictability = "predictability"
    """Does it act as expected?"""


TRUST_DIMENSIONS: tuple[str, ...] = tuple(d.value for d in Dimension)
"""The dimension names, in the canonical order of every trust array's last axis."""

r"""Explained stress of an inPCA embedding: the definition and the laws it obeys.

The definition is the predecessor's (Mao et al., PNAS 2024, ``utils/embed.py``; our note ``sloppiness.md``
section 2); the laws are **derived by us** (note A12). For the eigenvalues ``e`` of a symmetric W, sorted by
``|e|`` descending,

    ES_k = 1 - sqrt(1 - sum_{i <= k} e_i^2 / ||W||_F^2).

Since ``||W||_F^2 = sum_i e_i^2`` (W symmetric), the partial sums rise from 0 to 1 in steps ``e_i^2 / ||W||_F^2 >= 0``:
``ES_k`` lies in [0, 1], is nondecreasing in k, and equals 1 at ``k = rank W``. In floating point the last partial
sum can exceed 1 by rounding; the radicand is clipped at 0 (the *unclipped* deficit is :func:`parseval_residual`).
"""

from __future__ import annotations

import numpy as np

from .._errors import InvalidArgument
from .._matrices import array, positive

__all__ = ["explained_stress", "parseval_residual", "sort_by_magnitude"]


def sort_by_magnitude(eigenvalues) -> np.ndarray:
    """Eigenvalues sorted by ``|e|``, descending (inPCA's order; negative ones are Minkowski directions).

    >>> sort_by_magnitude([1.0, -3.0, 2.0]).tolist()
    [-3.0, 2.0, 1.0]
    """
    e = array("eigenvalues", eigenvalues, 1)
    return e[np.argsort(-np.abs(e), kind="stable")]


def explained_stress(eigenvalues, frobenius_sq: float | None = None) -> np.ndarray:
    """``ES_k`` for k = 1..len(eigenvalues) (module docstring).

    ``frobenius_sq`` is ``||W||_F^2``; by default ``sum e_i^2`` (all eigenvalues of W given).

    >>> explained_stress([3.0, 0.0, -4.0]).round(6).tolist()  # sorted -4, 3, 0: 1 - sqrt(1 - 16/25) = 0.4
    [0.4, 1.0, 1.0]
    """
    e = sort_by_magnitude(eigenvalues)
    total = float(np.sum(e**2)) if frobenius_sq is None else positive("frobenius_sq", frobenius_sq)
    if not total > 0:
        raise InvalidArgument("eigenvalues", e.tolist(), "not all zero (W = 0 has no stress to explain)")
    return 1 - np.sqrt(np.clip(1 - np.cumsum(e**2) / total, 0.0, None))


def parseval_residual(eigenvalues, frobenius_sq: float) -> float:
    """``1 - sum_i e_i^2 / ||W||_F^2`` before clipping: 0 exactly when all eigenvalues are given.

    >>> parseval_residual([3.0, -4.0], 25.0)
    0.0
    """
    e = array("eigenvalues", eigenvalues, 1)
    return float(1 - np.sum(e**2) / positive("frobenius_sq", frobenius_sq))

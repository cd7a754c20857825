r"""Weights of the two-layer network (arXiv 2510.01303, Figure 1 caption; our note section 1.4).

* ``sphere``: rows i.i.d. uniform on S^(d-1) (the paper's W_S);
* ``gaussian``: entries i.i.d. N(0, 1/d);
* ``aligned_ones``: W_S + n^(-1/4) 1 q^T, rows renormalised (the caption read literally);
* ``aligned_signs``: W_S + n^(-1/4) b q^T with b i.i.d. random signs, rows renormalised.

"Normalized" in the caption is read as row-wise (our choice; the note flags it).
Outer weights a are i.i.d. uniform on {+1, -1}.
"""

from __future__ import annotations

import numpy as np

from theory import InvalidArgument, UnknownName

from .._arrays import check_count, check_rng, check_unit_vector
from ._spiked import unit_sphere

__all__ = ["WEIGHTS", "inner_weights", "outer_weights"]

WEIGHTS = ("sphere", "gaussian", "aligned_ones", "aligned_signs")


def inner_weights(m: int, d: int, kind: str = "sphere", *, rng: np.random.Generator,
                  q: np.ndarray | None = None, n: int | None = None) -> np.ndarray:
    """W (m x d) of the given ``kind``; the aligned kinds need the spike ``q`` and the sample size ``n``.

    >>> W = inner_weights(4, 3, rng=np.random.default_rng(0))
    >>> bool(np.allclose(np.linalg.norm(W, axis=1), 1))
    True
    """
    m, d = check_count("m", m), check_count("d", d)
    if kind not in WEIGHTS:
        raise UnknownName("weight construction", kind, WEIGHTS)
    rng = check_rng(rng)
    if kind == "gaussian":
        return rng.standard_normal((m, d)) / np.sqrt(d)
    W = unit_sphere((m, d), rng=rng)
    if kind == "sphere":
        return W
    if q is None or n is None:
        raise InvalidArgument("q, n", (q, n), f"the spike direction and the sample size for {kind!r} weights")
    q, n = check_unit_vector("q", q, d), check_count("n", n)
    b = np.ones(m) if kind == "aligned_ones" else rng.choice((-1.0, 1.0), size=m)
    W = W + n ** -0.25 * np.outer(b, q)
    return W / np.linalg.norm(W, axis=1, keepdims=True)


def outer_weights(m: int, *, rng: np.random.Generator) -> np.ndarray:
    """a in {+1, -1}^m, i.i.d. uniform signs."""
    return check_rng(rng).choice((-1.0, 1.0), size=check_count("m", m))

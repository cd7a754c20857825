r"""Gradients by central finite differences at high precision, with an error bound.

The scalar function is evaluated in mpmath at ``dps`` digits on numpy object
arrays (the value functions of :mod:`numerics.lowrank._network` and
:mod:`numerics.lowrank._regularizers` are generic). For each weight, central differences
with steps h and h/2 are combined by Richardson extrapolation,
D = (4 D(h/2) - D(h)) / 3; the bound is |D(h/2) - D(h)| (which dominates the
O(h^2) term removed) plus the rounding of the differences, 10^(1-dps) max|F| / h.
With dps = 50 and h = 1e-12 the result is exact far beyond float64.
"""

from __future__ import annotations

from typing import Callable

import mpmath
import numpy as np

from theory import InvalidArgument, derivative_function

__all__ = ["mp_array", "mp_elementwise", "finite_difference_gradient"]


def mp_array(a: np.ndarray) -> np.ndarray:
    """A float array as an object array of mpmath numbers (exact binary values)."""
    return np.vectorize(mpmath.mpf, otypes=[object])(np.asarray(a, dtype=float))


def mp_elementwise(name: str, order: int, **params: object) -> Callable[[np.ndarray], np.ndarray]:
    """sigma^(order) of a library activation, elementwise on object arrays, at the caller's mpmath precision."""
    f = derivative_function(name, order, backend="mpmath", **params)
    return np.vectorize(lambda v: mpmath.mpf(f(v)), otypes=[object])


def finite_difference_gradient(F: Callable[[np.ndarray], object], W: np.ndarray, *, dps: int = 50,
                               step: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """(gradient of F at W, elementwise error bound), both float64 arrays shaped like W^T (d x m).

    ``F`` maps an m x d object array of mpmath numbers to an mpmath number.
    """
    if dps < 30:
        raise InvalidArgument("dps", dps, "an integer >= 30 (the differences need digits beyond float64)")
    grad, bound = np.zeros(W.shape), np.zeros(W.shape)
    with mpmath.workdps(dps):
        base = mp_array(W)
        h = mpmath.mpf(step)
        scale = abs(F(base))

        def central(i, j, hh):
            up, down = base.copy(), base.copy()
            up[i, j] += hh
            down[i, j] -= hh
            fu, fd = F(up), F(down)
            return (fu - fd) / (2 * hh), max(abs(fu), abs(fd), scale)

        for i, j in np.ndindex(W.shape):
            d1, size = central(i, j, h)
            d2, _ = central(i, j, h / 2)
            grad[i, j] = float((4 * d2 - d1) / 3)
            bound[i, j] = float(abs(d2 - d1) + mpmath.mpf(10) ** (1 - dps) * size / (h / 2))
    bound += np.finfo(float).eps * np.abs(grad)      # rounding to float64
    return grad.T, bound.T

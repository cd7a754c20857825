"""Derivatives of activations as vectorised float64 functions (numpy) or scalar mpmath functions.

``derivative_function(name, order)`` evaluates the ``order``-th derivative of an activation *almost everywhere*
(point masses such as ReLU's sigma'' = delta are dropped, as automatic differentiation does), compiled from the
library's own SymPy expressions with :func:`sympy.lambdify` (never a string from outside).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np
import sympy as sp

from ._activation import activation, x
from ._coefficients import parameter_values
from ._errors import InvalidArgument, NoConvergence

__all__ = ["derivative_function", "vectorised", "frozen_parameters", "MODULES"]

MODULES = ("numpy", "scipy")


def _almost_everywhere(expr: sp.Expr) -> sp.Expr:
    """Drop point masses: DiracDelta and its derivatives are 0 off a null set."""
    return expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.Integer(0))


def vectorised(f: Callable, like: str) -> Callable:
    """``f`` on float arrays, broadcast to the input's shape; a non-finite value at a finite point is a
    NoConvergence naming ``like``."""
    def call(v):
        v = np.asarray(v, dtype=float)
        with np.errstate(all="ignore"):
            out = f(v)
        out = np.broadcast_to(np.asarray(out, dtype=float), v.shape).copy() if np.ndim(out) < v.ndim else out
        bad = ~np.isfinite(out) & np.isfinite(v)
        if np.any(bad):
            raise NoConvergence(f"{like} is not finite in float64 at x = {v[bad].flat[0]!r} (the closed form "
                                "overflows there)")
        return out
    call.__doc__ = like
    return call


@lru_cache(maxsize=256)
def _derivative(name: str, frozen: tuple, order: int, backend: str) -> Callable:
    act = activation(name, **dict(frozen))
    if order <= 1:
        return {("numpy", 0): act.numpy, ("numpy", 1): act.numpy_derivative,
                ("mpmath", 0): act.mpmath, ("mpmath", 1): act.mpmath_derivative}[backend, order]
    expr = _almost_everywhere(act.derivative_expr(order)).subs(parameter_values(act.params))
    if backend == "mpmath":
        import mpmath

        heaviside = {"Heaviside": lambda v, h0=0.5: mpmath.mpf(1) if v > 0 else (mpmath.mpf(h0) if v == 0 else 0)}
        return sp.lambdify(x, expr, modules=[heaviside, "mpmath"])
    heaviside = {"Heaviside": lambda v, h0=0.5: np.heaviside(v, h0)}
    f = sp.lambdify(x, expr, modules=[heaviside, *MODULES])
    return vectorised(f, f"d^{order}/dx^{order} {name}(x), almost everywhere")


def derivative_function(name: str, order: int, /, backend: str = "numpy", **params: object) -> Callable:
    """sigma^(order) of activation ``name``, almost everywhere: vectorised numpy, or scalar mpmath
    (``backend="mpmath"``, at the caller's precision).

    >>> import numpy as np
    >>> derivative_function("tanh", 2)(np.array([0.5, 1.0])).round(4).tolist()
    [-0.7269, -0.6397]
    >>> derivative_function("relu", 2)(np.array([-1.0, 1.0])).tolist()
    [0.0, 0.0]
    """
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 4:
        raise InvalidArgument("order", order, "an integer in [0, 4]")
    if backend not in ("numpy", "mpmath"):
        raise InvalidArgument("backend", backend, "'numpy' or 'mpmath'")
    activation(name, **params)  # validates name and parameters
    return _derivative(name, frozen_parameters(params), order, backend)


def frozen_parameters(params: dict) -> tuple:
    """Activation parameters as a hashable key (lists as tuples, sorted by name)."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))

"""Closed forms as vectorised float64 functions, for the numerics that need them on many points.

``derivative_function(name, order)`` evaluates the ``order``-th derivative of an
activation *almost everywhere* (point masses such as ReLU's sigma'' = delta are
dropped, as automatic differentiation does); ``moment_function(name, quantity)``
evaluates a Gaussian moment (:func:`theory.gaussian_moment`) at an array of
scales. Both compile the library's own SymPy expressions with
:func:`sympy.lambdify` (never a string from outside).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np
import sympy as sp

from ._activation import activation, x
from ._coefficients import parameter_values
from ._errors import InvalidArgument, NoConvergence
from ._gaussian import _closed, _check_quantity, _structural, s

__all__ = ["derivative_function", "moment_function"]

_MODULES = ("numpy", "scipy")


def _almost_everywhere(expr: sp.Expr) -> sp.Expr:
    """Drop point masses: DiracDelta and its derivatives are 0 off a null set."""
    return expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.Integer(0))


def _broadcasting(f: Callable, like: str) -> Callable:
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
    f = sp.lambdify(x, expr, modules=[heaviside, *_MODULES])
    return _broadcasting(f, f"d^{order}/dx^{order} {name}(x), almost everywhere")


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
    return _derivative(name, _frozen(params), order, backend)


def _frozen(params: dict) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


@lru_cache(maxsize=256)
def _moment(name: str, quantity: str, frozen: tuple) -> Callable:
    params = dict(frozen)
    act = activation(name, **params)
    expr = _closed(name, quantity, _structural(params)).subs(parameter_values(act.params))
    if expr.has(sp.cosh, sp.sinh):
        # exp(-s^2) cosh(s^2) and the like overflow in float64 for s > 26; as exponentials the
        # large factors cancel symbolically (exp(-s^2) cosh(s^2) = (1 + exp(-2 s^2)) / 2).
        expr = sp.powsimp(sp.expand(expr.rewrite(sp.exp)))
    f = sp.lambdify(s, expr, modules=list(_MODULES))
    return _broadcasting(f, f"{quantity} of {name} at scale s")


def moment_function(name: str, quantity: str, /, **params: object) -> Callable[[np.ndarray], np.ndarray] | None:
    """The closed form of a Gaussian moment as a vectorised numpy function of the scale s.

    Returns None where the activation has no closed form for ``quantity`` (e.g.
    tanh); callers then fall back to quadrature.

    >>> import numpy as np
    >>> moment_function("relu", "mean_derivative")(np.array([0.1, 10.0])).tolist()
    [0.5, 0.5]
    >>> moment_function("tanh", "mean_derivative") is None
    True
    """
    _check_quantity(quantity)
    activation(name, **params)
    from ._errors import UnknownName

    try:
        return _moment(name, quantity, _frozen(params))
    except UnknownName:
        return None

"""Gaussian moments as vectorised float64 functions of the scale, for the numerics that need them on many points.

``moment_function(name, quantity)`` evaluates a Gaussian moment (:func:`theory.gaussian_moment`) at an array of
scales. It compiles the library's own SymPy expressions with
:func:`sympy.lambdify` (never a string from outside).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np
import sympy as sp

from ._activation import activation
from ._coefficients import parameter_values
from ._derivatives import MODULES, frozen_parameters, vectorised
from ._errors import UnknownName
from ._gaussian import _check_quantity, _closed, _structural, s

__all__ = ["moment_function"]


@lru_cache(maxsize=256)
def _moment(name: str, quantity: str, frozen: tuple) -> Callable:
    params = dict(frozen)
    act = activation(name, **params)
    expr = _closed(name, quantity, _structural(params)).subs(parameter_values(act.params))
    if expr.has(sp.cosh, sp.sinh):
        # exp(-s^2) cosh(s^2) and the like overflow in float64 for s > 26; as exponentials the
        # large factors cancel symbolically (exp(-s^2) cosh(s^2) = (1 + exp(-2 s^2)) / 2).
        expr = sp.powsimp(sp.expand(expr.rewrite(sp.exp)))
    f = sp.lambdify(s, expr, modules=list(MODULES))
    return vectorised(f, f"{quantity} of {name} at scale s")


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
    try:
        return _moment(name, quantity, frozen_parameters(params))
    except UnknownName:
        return None

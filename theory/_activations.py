"""Activation functions: SymPy expression, numpy and mpmath evaluations, kinks.

Conventions (x is the pre-activation): ``identity`` = x, ``relu`` = max(x, 0),
``leaky_relu(slope)`` = max(x, slope*x) for 0 <= slope <= 1, ``erf`` = erf(x),
``gelu`` = x*Phi(x) with Phi the standard normal CDF (the exact GELU).

This is the first slice of the activation library; the derivative at a kink is
the one-sided value from the right (it is only ever used under a Gaussian
expectation, where the kink has measure zero).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import mpmath
import numpy as np
import sympy as sp
from scipy import special

from ._domain import UNIT, Interval
from ._errors import InvalidArgument, UnknownName

__all__ = ["Activation", "activation", "activations", "x"]

#: The pre-activation symbol used in every activation expression.
x = sp.Symbol("x", real=True)


@dataclass(frozen=True)
class Activation:
    """One activation with its parameters bound.

    Attributes
    ----------
    name, params : the registry name and the bound parameter values.
    expr : SymPy expression in :data:`x`.
    numpy, numpy_derivative : vectorised float64 evaluations of sigma and sigma'.
    mpmath, mpmath_derivative : evaluations at the caller's mpmath precision.
    kinks : points where sigma or sigma' is not smooth (quadrature splits there).
    """

    name: str
    params: Mapping[str, float]
    expr: sp.Expr
    numpy: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    numpy_derivative: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    mpmath: Callable = field(repr=False)
    mpmath_derivative: Callable = field(repr=False)
    kinks: tuple[float, ...] = ()

    @property
    def derivative_expr(self) -> sp.Expr:
        """sigma'(x) as a SymPy expression (Piecewise at kinks)."""
        return sp.diff(self.expr, x)


def _identity(**_: float) -> Activation:
    return Activation("identity", {}, x, lambda v: np.asarray(v, float), np.ones_like,
                      lambda v: v, lambda v: mpmath.mpf(1))


def _leaky(slope: float, name: str) -> Activation:
    b = float(slope)
    expr = sp.Piecewise((x, x > 0), (sp.Float(b) * x if b else sp.Integer(0), True))
    return Activation(
        name, {"slope": b} if name == "leaky_relu" else {}, expr,
        lambda v: np.where(v > 0, v, b * v),
        lambda v: np.where(v > 0, 1.0, b),
        lambda v: v if v > 0 else b * v,
        lambda v: mpmath.mpf(1) if v > 0 else mpmath.mpf(b),
        kinks=(0.0,),
    )


def _relu(**_: float) -> Activation:
    return _leaky(0.0, "relu")


def _leaky_relu(slope: float = 0.01) -> Activation:
    UNIT.validate("slope", slope)
    return _leaky(slope, "leaky_relu")


_TWO_OVER_SQRT_PI = 2.0 / np.sqrt(np.pi)


def _erf(**_: float) -> Activation:
    return Activation(
        "erf", {}, sp.erf(x), special.erf,
        lambda v: _TWO_OVER_SQRT_PI * np.exp(-np.square(v)),
        mpmath.erf, lambda v: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-v * v),
    )


def _gelu(**_: float) -> Activation:
    return Activation(
        "gelu", {}, x * (1 + sp.erf(x / sp.sqrt(2))) / 2,
        lambda v: v * special.ndtr(v),
        lambda v: special.ndtr(v) + v * np.exp(-np.square(v) / 2) / np.sqrt(2 * np.pi),
        lambda v: v * mpmath.ncdf(v),
        lambda v: mpmath.ncdf(v) + v * mpmath.npdf(v),
    )


_REGISTRY: dict[str, tuple[Callable[..., Activation], dict[str, Interval]]] = {
    "identity": (_identity, {}),
    "relu": (_relu, {}),
    "leaky_relu": (_leaky_relu, {"slope": UNIT}),
    "erf": (_erf, {}),
    "gelu": (_gelu, {}),
}


def activations() -> tuple[str, ...]:
    """The registered activation names, sorted.

    >>> activations()
    ('erf', 'gelu', 'identity', 'leaky_relu', 'relu')
    """
    return tuple(sorted(_REGISTRY))


def activation(name: str, **params: float) -> Activation:
    """The activation ``name`` with its parameters bound.

    >>> activation("leaky_relu", slope=0.1).numpy(np.array([-1.0, 2.0])).tolist()
    [-0.1, 2.0]
    """
    if name not in _REGISTRY:
        raise UnknownName("activation", name, list(_REGISTRY))
    factory, domains = _REGISTRY[name]
    for key, value in params.items():
        if key not in domains:
            allowed = ", ".join(domains) or "no parameters"
            raise InvalidArgument(f"{name} parameter", key, f"one of: {allowed}")
        domains[key].validate(key, value)
    return factory(**params)


def activation_parameters(name: str) -> tuple[str, ...]:
    """Names of the parameters that ``activation(name, ...)`` accepts."""
    if name not in _REGISTRY:
        raise UnknownName("activation", name, list(_REGISTRY))
    return tuple(_REGISTRY[name][1])

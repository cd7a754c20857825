r"""The two-layer network f(x) = gamma_m a^T sigma(W x), its losses and its input-weight gradient.

Scaling: gamma_m = 1/sqrt(m) (``"ntk"``), 1/m (``"mf"``), m^(-g) (:class:`PowerScaling`)
or a given positive number. Losses (r_i = dl/df at (f(x_i), y_i), the residue):

* ``"mse"``: l = (f - y)^2 / 2, r = f - y (the 1/2 convention is ours);
* ``"logistic"``: labels y in {-1, +1}, l = log(1 + e^(-y f)), r = -y sigmoid(-y f).

:func:`loss_gradient` is Proposition 2.1 of arXiv 2510.01303 as recovered in our
note (section 2.1): G = (gamma_m / n) X^T [(r a^T) o sigma'(X W^T)] (d x m).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Callable

import numpy as np
from scipy.special import expit

from theory import POSITIVE, InvalidArgument, UnknownName, activations, derivative_function
from theory import activation as library_activation

from .._arrays import as_matrix, as_vector, check_count

__all__ = ["LOSSES", "SCALINGS", "Loss", "PowerScaling", "loss", "scaling_factor", "Network", "network"]

SCALINGS = ("ntk", "mf")


@dataclass(frozen=True)
class PowerScaling:
    """gamma_m = m^(-g) for a rational exponent g in [1/2, 1] (NTK is g = 1/2, mean-field g = 1).

    >>> scaling_factor(PowerScaling(Fraction(3, 4)), 16)
    0.125
    """

    g: Fraction

    def __post_init__(self) -> None:
        if not isinstance(self.g, Fraction) or not Fraction(1, 2) <= self.g <= 1:
            raise InvalidArgument("g", self.g, "a fractions.Fraction in [1/2, 1] (gamma_m = m^(-g))")

    def __str__(self) -> str:
        return f"m^-({self.g})"


def scaling_factor(scaling: str | float | PowerScaling, m: int) -> float:
    """gamma_m for ``scaling`` = "ntk" (1/sqrt m), "mf" (1/m), a :class:`PowerScaling` (m^-g) or a positive number
    (used as is)."""
    m = check_count("m", m)
    if isinstance(scaling, PowerScaling):
        return float(m) ** -float(scaling.g)
    if isinstance(scaling, str):
        if scaling not in SCALINGS:
            raise UnknownName("scaling", scaling, [*SCALINGS, "a positive number"])
        return m**-0.5 if scaling == "ntk" else 1.0 / m
    POSITIVE.validate("scaling", scaling)
    if not np.isfinite(scaling):
        raise InvalidArgument("scaling", scaling, "'ntk', 'mf', a PowerScaling or a finite positive number")
    return float(scaling)


@dataclass(frozen=True)
class Loss:
    """A per-sample loss l(f, y) with its first (residue) and second derivatives in f."""

    name: str
    value: Callable[[np.ndarray, np.ndarray], np.ndarray]
    residual: Callable[[np.ndarray, np.ndarray], np.ndarray]
    curvature: Callable[[np.ndarray, np.ndarray], np.ndarray]
    check_labels: Callable[[np.ndarray], None] = lambda y: None


def _binary(y: np.ndarray) -> None:
    if not np.all(np.abs(y) == 1):
        bad = y[np.abs(y) != 1][0]
        raise InvalidArgument("y", f"a label {float(bad)!r}", "labels in {-1, +1} for the logistic loss",
                              hint="map 0/1 labels to 2 y - 1")


LOSSES = {
    "mse": Loss("mse", lambda f, y: 0.5 * (f - y) ** 2, lambda f, y: f - y, lambda f, y: np.ones_like(f)),
    "logistic": Loss("logistic", lambda f, y: np.logaddexp(0.0, -y * f), lambda f, y: -y * expit(-y * f),
                     lambda f, y: expit(y * f) * expit(-y * f), _binary),
}


def loss(name: str) -> Loss:
    """The :class:`Loss` named ``name`` ("mse" or "logistic")."""
    if name not in LOSSES:
        raise UnknownName("loss", name, list(LOSSES))
    return LOSSES[name]


@dataclass(frozen=True)
class Network:
    """f(x) = gamma a^T sigma(W x) with W (m x d) and a (m,); sigma from the activation library."""

    W: np.ndarray
    a: np.ndarray
    activation: str
    gamma: float
    params: tuple = ()

    @property
    def m(self) -> int:
        return self.W.shape[0]

    @property
    def d(self) -> int:
        return self.W.shape[1]

    def derivative(self, order: int) -> Callable[[np.ndarray], np.ndarray]:
        """sigma^(order), almost everywhere (see :func:`theory.derivative_function`)."""
        if _hashable(self.params):
            return _derivative(self.activation, self.params, _types(self.params), order)
        return derivative_function(self.activation, order, **dict(self.params))

    @cached_property
    def sigma(self) -> Callable:
        return self.derivative(0)

    @cached_property
    def dsigma(self) -> Callable:
        return self.derivative(1)

    def preactivations(self, X: np.ndarray) -> np.ndarray:
        return X @ self.W.T

    def output(self, X: np.ndarray) -> np.ndarray:
        """f(x_i) for every row of X."""
        return self.gamma * (self.sigma(self.preactivations(X)) @ self.a)

    def check_data(self, X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
        X = as_matrix("X", X, (None, self.d))
        return X, as_vector("y", y, X.shape[0])

    def loss_value(self, X: np.ndarray, y: np.ndarray, loss_name: str = "mse") -> float:
        """L(W) = (1/n) sum_i l(f(x_i), y_i)."""
        X, y = self.check_data(X, y)
        lo = loss(loss_name)
        lo.check_labels(y)
        return float(np.mean(lo.value(self.output(X), y)))

    def loss_gradient(self, X: np.ndarray, y: np.ndarray, loss_name: str = "mse") -> np.ndarray:
        """Proposition 2.1: (gamma/n) X^T [(r a^T) o sigma'(X W^T)], d x m."""
        X, y = self.check_data(X, y)
        lo = loss(loss_name)
        lo.check_labels(y)
        H = self.preactivations(X)
        r = lo.residual(self.gamma * (self.sigma(H) @ self.a), y)
        return (self.gamma / X.shape[0]) * (X.T @ (np.outer(r, self.a) * self.dsigma(H)))


def _hashable(key: tuple) -> bool:
    """Whether ``key`` can be a cache key (a parameter given as a list cannot; it is then looked up uncached)."""
    try:
        hash(key)
    except TypeError:
        return False
    return True


def _types(params: tuple) -> tuple:
    """The types of the parameter values (part of a cache key: 1 == True, but a validator may tell them apart)."""
    return tuple(type(v) for _, v in params)


@lru_cache(maxsize=256)
def _derivative(name: str, params: tuple, types: tuple, order: int) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`theory.derivative_function` of ``name`` with ``params`` (sorted (name, value) pairs, their value
    ``types`` part of the key so that 1 and True stay apart), once per process: the library validates each call by
    rebuilding the activation's SymPy expression (milliseconds), which dominated estimators that build many small
    networks."""
    return derivative_function(name, order, **dict(params))


@lru_cache(maxsize=256)
def _validated(name: str, params: tuple, types: tuple) -> None:
    """Check ``name`` and its ``params`` against the activation library, once per process (see :func:`_derivative`;
    a failed check raises and is not cached)."""
    library_activation(name, **dict(params))


def network(W: object, a: object, *, activation: str, scaling: str | float = "ntk",
            **params: object) -> Network:
    """A checked :class:`Network`: W finite m x d, a of length m, a known activation and scaling."""
    if activation not in activations():
        raise UnknownName("activation", activation, list(activations()))
    frozen = tuple(sorted(params.items()))
    if _hashable(frozen):
        _validated(activation, frozen, _types(frozen))
    else:
        library_activation(activation, **params)
    W = as_matrix("W", W)
    a = as_vector("a", a, W.shape[0])
    return Network(W, a, activation, scaling_factor(scaling, W.shape[0]), frozen)

r"""Per-neuron population statistics of a network on spiked Gaussian data.

For x ~ N(0, Sigma_hat + zeta^2 q q^T) and a fixed weight row w_j, the
pre-activation w_j^T x is N(0, s_j^2) with s_j^2 = w_j^T Sigma_hat w_j +
zeta^2 (w_j^T q)^2, so mu_j = E[sigma'(w_j^T x)] = E[sigma'(s_j Z)] (our note,
section 2.2, derived). The moment comes from the activation library's closed
form (vectorised, :func:`theory.moment_function`) where one exists, otherwise
from scipy's adaptive vector quadrature (``quad_vec``) of g(s_j t) phi(t) over
|t| <= 14, split at 0, with its error estimate plus the truncated Gaussian mass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import quad_vec
from scipy.special import erfc

from theory import InvalidArgument, NoConvergence, derivative_function, moment_function

from ._spiked import BulkCovariance

__all__ = ["PopulationMoment", "population_scales", "population_moment"]

#: The moments E[sigma^(k)(sZ)] offered, by derivative order k.
_ORDERS = {"mean": 0, "mean_derivative": 1, "mean_second_derivative": 2}
#: Quadrature range |t| <= T_MAX in units of the standard deviation (Gaussian mass beyond: 1.5e-44).
T_MAX = 14.0
#: Requested accuracy of the quadrature fallback (absolute, relative).
TOLERANCE = (1e-15, 1e-14)


@dataclass(frozen=True)
class PopulationMoment:
    """Values of E[g(s_j Z)] per neuron, an error bound, and how they were computed."""

    values: np.ndarray
    error: float
    method: str


def population_scales(W: np.ndarray, bulk: BulkCovariance, q: np.ndarray, zeta: float) -> np.ndarray:
    """s_j = sqrt(w_j^T Sigma_hat w_j + zeta^2 (w_j^T q)^2) for every row of W."""
    return np.sqrt(bulk.quadratic_forms(W) + zeta**2 * (W @ q) ** 2)


def _quadrature(g, scales: np.ndarray) -> PopulationMoment:
    def integrand(t):
        return g(scales * t) * (np.exp(-t * t / 2) / np.sqrt(2 * np.pi))

    total, error = np.zeros_like(scales), 0.0
    for lo, hi in ((-T_MAX, 0.0), (0.0, T_MAX)):
        value, err = quad_vec(integrand, lo, hi, epsabs=TOLERANCE[0], epsrel=TOLERANCE[1], norm="max")
        total, error = total + value, error + float(err)
    if not np.all(np.isfinite(total)) or not np.isfinite(error):
        raise NoConvergence(f"quadrature of a Gaussian moment gave non-finite values (error {error})")
    tail = float(erfc(T_MAX / np.sqrt(2))) * float(np.max(np.abs(g(scales * T_MAX)) + np.abs(g(-scales * T_MAX))))
    return PopulationMoment(total, error + tail, "adaptive quadrature (scipy quad_vec, float64), split at 0")


def population_moment(name: str, quantity: str, scales: np.ndarray, **params: object) -> PopulationMoment:
    """``quantity`` ("mean_derivative" = mu, "mean_second_derivative", "mean") of ``name`` at each scale.

    >>> population_moment("relu", "mean_derivative", np.array([0.2, 3.0])).values.tolist()
    [0.5, 0.5]
    >>> m = population_moment("tanh", "mean_derivative", np.array([1.0]))
    >>> round(float(m.values[0]), 6)   # our note's table, section 3.4: 0.605706
    0.605706
    """
    if quantity not in _ORDERS:
        raise InvalidArgument("quantity", quantity, f"one of {', '.join(_ORDERS)}")
    f = moment_function(name, quantity, **params)
    if f is not None:
        with np.errstate(all="ignore"):
            values = np.asarray(f(scales), dtype=float)
        if not np.all(np.isfinite(values)):
            raise NoConvergence(f"the closed form of {quantity} for {name} is not finite in float64 at some scale "
                                f"in [{np.min(scales):.3g}, {np.max(scales):.3g}]")
        return PopulationMoment(values, float(8 * np.finfo(float).eps * np.max(np.abs(values), initial=0.0)),
                                "closed form (SymPy, lambdified to float64)")
    return _quadrature(derivative_function(name, _ORDERS[quantity], **params), np.asarray(scales, dtype=float))

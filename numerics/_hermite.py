"""Estimators of Hermite coefficients and dual kernels that are independent of the closed forms they check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from theory import DualKernel, InvalidArgument, activation, hermite_quadrature, split_parameters

from ._estimate import Estimate
from ._sampling import CHUNK, Rows, chunked_mean

__all__ = ["HermiteQuadrature", "DualKernelSeries", "DualKernelMC", "dual_kernel_mc"]

#: Extra split points (in z) and guard digits that make this quadrature's node
#: set and working precision differ from theory's own quadrature.
SPLITS = (-6.0, -3.0, 3.0, 6.0)
GUARD = 40


@dataclass(frozen=True)
class HermiteQuadrature:
    """Estimator: c_0..c_kmax of sigma^(derivative)(sZ) by tanh-sinh quadrature at each scale ``params['s']``.

    The node set (extra splits at z = +-3, +-6) and the working precision (40 guard
    digits) differ from :func:`theory.hermite_coefficients`' own quadrature, and the
    derivative is integrated directly (not through Stein's identity).
    """

    route = "quadrature"

    activation: str
    k_max: int
    derivative: int = 0

    def __call__(self, params: Mapping[str, object], *, rng=None, n=None, dps: int) -> Estimate:
        scales, own = split_parameters(self.activation, params)
        act = activation(self.activation, **own)
        f = act.mpmath if self.derivative == 0 else act.mpmath_derivative
        values, bounds = [], []
        for scale in scales:
            v, b = hermite_quadrature(f, scale, self.k_max, dps=dps, kinks=act.kinks, splits=SPLITS, guard=GUARD)
            values.extend(v)
            bounds.extend(b)
        return Estimate(tuple(values), bound=tuple(bounds), dps=dps,
                        method="tanh-sinh quadrature with extra splits and 40 guard digits")


@dataclass(frozen=True)
class DualKernelSeries:
    """Estimator: the dual kernel by its Hermite series with a tail bound (see :func:`theory.dual_kernel`)."""

    route = "second_path"  # the Hermite series against a closed form

    activation: str
    derivative: int = 0

    def __call__(self, params: Mapping[str, object], *, rng=None, n=None, dps: int) -> Estimate:
        values = DualKernel(self.activation, self.derivative, method="series").values(params, dps=dps)
        return Estimate(tuple(k.value for k in values), bound=tuple(k.error for k in values), dps=dps,
                        method=values[0].method)


def dual_kernel_mc(f, rhos, scale: float, *, rng: np.random.Generator, n: int, chunk: int = CHUNK) -> Estimate:
    """Sample mean of f(u) f(v), u = s Z1, v = s (rho Z1 + sqrt(1 - rho^2) Z2), at each rho, with standard errors."""
    r = np.asarray(rhos, dtype=float).reshape(-1, 1)
    if np.any(np.abs(r) > 1) or not np.all(np.isfinite(r)):
        raise InvalidArgument("rho", tuple(r.ravel()), "correlations in [-1, 1]")

    def sample(rng_: np.random.Generator, k: int) -> Rows:
        z1, z2 = rng_.standard_normal(k), rng_.standard_normal(k)
        fu = f(scale * z1)
        return Rows(len(r), lambda lo, hi: fu * f(scale * (r[lo:hi] * z1 + np.sqrt(1 - r[lo:hi] * r[lo:hi]) * z2)))

    return chunked_mean(sample, rng=rng, n=n, chunk=chunk,
                        method="Monte Carlo over correlated Gaussian pairs (float64)")


@dataclass(frozen=True)
class DualKernelMC:
    """Estimator: Monte Carlo of the dual kernel at each ``params['rho']``, scale ``params['s']``."""

    route = "simulation"

    activation: str
    derivative: int = 0

    def __call__(self, params: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        own = {k: v for k, v in params.items() if k not in ("s", "rho")}
        act = activation(self.activation, **own)
        f = act.numpy if self.derivative == 0 else act.numpy_derivative
        rhos = params["rho"] if isinstance(params["rho"], tuple) else (params["rho"],)
        return dual_kernel_mc(f, rhos, float(params["s"]), rng=rng, n=n)

"""Estimators of Hermite coefficients and dual kernels that are independent of the closed forms they check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from theory import DualKernel, InvalidArgument, activation, hermite_quadrature, split_parameters

from ._estimate import Estimate, seed_of

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

    activation: str
    derivative: int = 0

    def __call__(self, params: Mapping[str, object], *, rng=None, n=None, dps: int) -> Estimate:
        values = DualKernel(self.activation, self.derivative, method="series").values(params, dps=dps)
        return Estimate(tuple(k.value for k in values), bound=tuple(k.error for k in values), dps=dps,
                        method=values[0].method)


def dual_kernel_mc(f, rhos, scale: float, *, rng: np.random.Generator, n: int, chunk: int = 1 << 18) -> Estimate:
    """Sample mean of f(u) f(v), u = s Z1, v = s (rho Z1 + sqrt(1 - rho^2) Z2), at each rho, with standard errors."""
    if not isinstance(rng, np.random.Generator):
        raise InvalidArgument("rng", type(rng).__name__, "a numpy.random.Generator")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise InvalidArgument("n", n, "an integer >= 2")
    r = np.asarray(rhos, dtype=float).reshape(-1, 1)
    if np.any(np.abs(r) > 1) or not np.all(np.isfinite(r)):
        raise InvalidArgument("rho", tuple(r.ravel()), "correlations in [-1, 1]")
    total, total_sq, count = np.zeros(len(r)), np.zeros(len(r)), 0
    for start in range(0, int(n), chunk):
        k = min(chunk, int(n) - start)
        z1, z2 = rng.standard_normal(k), rng.standard_normal(k)
        u = f(scale * z1)
        vals = u * f(scale * (r * z1 + np.sqrt(1 - r * r) * z2))
        total += vals.sum(axis=1)
        total_sq += np.square(vals).sum(axis=1)
        count += k
    mean = total / count
    var = np.maximum(total_sq / count - mean**2, 0.0) * count / (count - 1)
    floor = (np.log2(min(chunk, count)) + count / chunk + 4) * np.finfo(float).eps * np.sqrt(total_sq / count)
    se = np.sqrt(var / count + floor**2)
    return Estimate(tuple(mean.tolist()), std_error=tuple(se.tolist()), n_samples=count,
                    method="Monte Carlo over correlated Gaussian pairs (float64)", seed=seed_of(rng))


@dataclass(frozen=True)
class DualKernelMC:
    """Estimator: Monte Carlo of the dual kernel at each ``params['rho']``, scale ``params['s']``."""

    activation: str
    derivative: int = 0

    def __call__(self, params: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        own = {k: v for k, v in params.items() if k not in ("s", "rho")}
        act = activation(self.activation, **own)
        f = act.numpy if self.derivative == 0 else act.numpy_derivative
        rhos = params["rho"] if isinstance(params["rho"], tuple) else (params["rho"],)
        return dual_kernel_mc(f, rhos, float(params["s"]), rng=rng, n=n)
